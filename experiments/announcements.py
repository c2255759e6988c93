"""« Vous avez dit, nous avons fait »: once the synthesis is written, the project lead tells
everyone invited to the retrospective what will change.

The message goes to the whole set of invitees, answered or not, and is the same for all:
nothing in it, nor in who receives it, tells who answered. That set is kept on the
experiment when the retrospective closes (``remember_invitees``), so the retention purge of
the invitations does not silence a lead who writes months later. Whoever publishes is not
e-mailed: it is their own action, confirmed on the page.
"""

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from surveys.models import Invitation

from .announcement_notifications import notify_changes_announced
from .models import Experiment

MAX_LENGTH = 5000


def remember_invitees(survey):
    """A retrospective survey closed: keep the agents it invited (the set, nothing else)."""
    experiment = Experiment.objects.filter(retrospective_survey=survey).first()
    if experiment is None:
        return
    experiment.retrospective_invitees.add(
        *Invitation.objects.filter(survey=survey).values_list("agent_id", flat=True)
    )


def may_write(agent, experiment):
    """Who may write it: the lead and superusers (whether it is time yet: ``is_time``)."""
    return agent.is_superuser or agent.pk == experiment.lead_id


def is_time(experiment):
    """After the synthesis, and once the retrospective's results are published."""
    survey = experiment.retrospective_survey
    if survey is None or not survey.results_published:
        return False
    return Task.objects.filter(
        process_id=experiment.pk, flow_task=experiment.flow_class.synthesis, status=STATUS.DONE
    ).exists()


def may_write_now(agent, experiment):
    """What the experiment page offers, without a query: the synthesis (its decision) is
    written. The writing page checks ``is_time`` itself."""
    return may_write(agent, experiment) and bool(experiment.decision)


def announce(experiment, author, text, notify_again=False):
    """Publish (or edit) what will change; e-mail the invitees on the first publication, and
    on an edit when ``notify_again``. Returns whether they are e-mailed."""
    with transaction.atomic():
        # Two first publications at once: the second waits and finds the first one done.
        locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
        first = locked.changes_announced_at is None
        locked.changes_announced = text
        locked.changes_announced_at = timezone.now()
        locked.changes_announced_by = author
        # Saved, not updated: the page's revision rises through signals.py.
        locked.save(
            update_fields=["changes_announced", "changes_announced_at", "changes_announced_by"]
        )
        notify = first or notify_again
        if notify:
            notify_changes_announced(locked.pk, author.pk, update=not first)
    for name in ("changes_announced", "changes_announced_at", "changes_announced_by"):
        setattr(experiment, name, getattr(locked, name))
    return notify
