"""Actions tracked to the end (issue 16, section 3): the owner of an action of the plan, or
the experiment's lead, sponsor or an administrator, moves it through its statuses with a
progress note; each update is kept (``ActionItemChange``) and e-mailed to the experiment's
followers. Abandoning an action needs a reason (a database constraint says so too).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .action_notifications import notify_status_changed
from .models import OPEN_ACTION_STATUSES, ActionItem, ActionItemChange, ExperimentFollow

Status = ActionItem.Status

# From each status, where an action may go (staying, with a new note, is always allowed).
TRANSITIONS = {
    Status.TODO: {Status.IN_PROGRESS, Status.DONE, Status.ABANDONED},
    Status.IN_PROGRESS: {Status.TODO, Status.DONE, Status.ABANDONED},
    Status.DONE: {Status.IN_PROGRESS},  # reopened: it was not quite done
    Status.ABANDONED: {Status.TODO},  # taken up again
}


class UpdateRefused(Exception):
    """Why the update cannot be done (a French message for the form)."""


def may_update(agent, action, experiment):
    """The action's owner, the experiment's lead and sponsor, administrators."""
    if not agent.is_authenticated or not agent.is_active:
        return False
    return agent.is_superuser or agent.pk in {
        action.owner_id,
        experiment.lead_id,
        experiment.sponsor_id,
    }


def allowed_statuses(status):
    return {status, *TRANSITIONS[status]}


def update(action, by, status, note="", reason=""):
    """Set the action's status and progress note; raises PermissionDenied for ``by`` not
    allowed, UpdateRefused for a transition not allowed or an abandon without reason.
    Returns the change recorded, or None when nothing changed."""
    note, reason = (note or "").strip(), (reason or "").strip()
    with transaction.atomic():
        # Two updates at once: the second waits, then checks its transition from the first.
        action = ActionItem.objects.select_for_update().get(pk=action.pk)
        experiment = action.experiment
        if not may_update(by, action, experiment):
            raise PermissionDenied
        if status not in Status.values:
            raise UpdateRefused(_("Choose one of the statuses offered."))
        if status not in allowed_statuses(action.status):
            raise UpdateRefused(
                _("An action “%(old)s” cannot become “%(new)s”.")
                % {"old": Status(action.status).label, "new": Status(status).label}
            )
        if status == Status.ABANDONED and not reason:
            raise UpdateRefused(_("Say why the action is abandoned."))
        reason = reason if status == Status.ABANDONED else ""
        if (status, note, reason) == (action.status, action.progress_note, action.abandon_reason):
            return None
        old = action.status
        action.status, action.progress_note, action.abandon_reason = status, note, reason
        # Saved, not updated: the experiment page's revision rises through signals.py.
        action.save(update_fields=["status", "progress_note", "abandon_reason", "updated_at"])
        change = ActionItemChange.objects.create(
            action=action, by=by, old_status=old, new_status=status, note=reason or note
        )
        if old != status:
            notify_status_changed(change.pk)
    return change


def with_last_change(actions):
    """The actions with their changes, latest first (``latest_changes``), in one more query."""
    return actions.prefetch_related(
        Prefetch(
            "changes",
            queryset=ActionItemChange.objects.select_related("by").order_by("-at", "-pk"),
            to_attr="latest_changes",
        )
    )


def may_follow(agent, experiment):
    """Participants and the sponsor follow an experiment's actions."""
    if not agent.is_authenticated:
        return False
    if experiment.sponsor_id == agent.pk:
        return True
    return experiment.participants.filter(pk=agent.pk).exists()


def is_following(agent, experiment):
    return ExperimentFollow.objects.filter(experiment=experiment, agent=agent).exists()


def toggle_follow(agent, experiment):
    """Follow, or stop following; returns whether the agent follows now."""
    if not may_follow(agent, experiment):
        raise PermissionDenied
    deleted, _rows = ExperimentFollow.objects.filter(experiment=experiment, agent=agent).delete()
    if deleted:
        return False
    ExperimentFollow.objects.get_or_create(experiment=experiment, agent=agent)
    return True


def open_actions_of(agent):
    """The actions an agent owns still to do or in progress, the soonest due first."""
    return (
        ActionItem.objects.filter(owner=agent, status__in=OPEN_ACTION_STATUSES)
        .select_related("experiment")
        .only("pk", "what", "status", "due_date", "experiment_id", "experiment__title")
        .order_by("due_date", "pk")
    )
