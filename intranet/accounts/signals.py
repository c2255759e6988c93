"""Pages show people's names and departments (experiment teams, page owners): a change to
them raises the content version, so cached shared content is read afresh."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from intranet.core.content import raise_content_version
from intranet.core.signals import raise_on_changes_of

from .models import Agent, Department


def agent_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # A new agent is shown nowhere yet; a login only records its time.
    if not created and (update_fields is None or set(update_fields) - {"last_login"}):
        raise_content_version()


def connect():
    post_save.connect(agent_changed, sender=Agent, dispatch_uid="content_version_agent")
    post_delete.connect(raise_content_version, sender=Agent, dispatch_uid="cv_delete_agent")
    raise_on_changes_of(Department, "department")


# Agents who left (deactivated in bulk by the HR import): sent with ``agent_ids``, so the
# layers above (experiments) release what was assigned to them. A single agent saved
# inactive (admin, anonymisation) is seen by post_save instead.
agents_departed = Signal()
