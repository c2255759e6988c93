"""An experiment's revision rises with every change its page shows (experiments/views.py
caches the page's parts under it): the experiment, its process, its stages, journal entries,
actions, team, practices and tools.
"""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from viewflow.workflow.models import Process, Task

from .models import ActionItem, Experiment, JournalEntry


def raise_revision(*experiment_ids):
    Experiment.objects.filter(pk__in=experiment_ids).update(revision=F("revision") + 1)


def process_changed(sender, instance, **kwargs):
    raise_revision(instance.pk)


def task_changed(sender, instance, **kwargs):
    raise_revision(instance.process_id)


def part_changed(sender, instance, **kwargs):
    raise_revision(instance.experiment_id)


def relation_changed(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Experiment):
        raise_revision(instance.pk)
    elif pk_set:
        raise_revision(*pk_set)
    else:  # cleared from the other side (a page, a tool, an agent): which ones is unknown
        Experiment.objects.update(revision=F("revision") + 1)


def connect():
    for signal in (post_save, post_delete):
        for model in (Experiment, Process):
            signal.connect(process_changed, sender=model, dispatch_uid=f"rev_{signal}_{model}")
        signal.connect(task_changed, sender=Task, dispatch_uid=f"rev_{signal}_task")
        for model in (JournalEntry, ActionItem):
            signal.connect(part_changed, sender=model, dispatch_uid=f"rev_{signal}_{model}")
    for field in ("participants", "practices", "spread_practices", "tools"):
        m2m_changed.connect(
            relation_changed,
            sender=getattr(Experiment, field).through,
            dispatch_uid=f"rev_{field}",
        )
