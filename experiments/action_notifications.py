"""E-mails of the actions, after commit: to an agent given an action (not by themselves),
and to the experiment's followers when an action's status changes (not to who changed it)."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django_tasks import task as background_task

from .mail import absolute, email, send
from .models import ActionItem, ActionItemChange, ExperimentFollow


def action_link(action):
    return absolute(reverse("experiments:action", args=[action.experiment_id, action.pk]))


@background_task()
def send_action_assigned_emails(action_ids):
    actions = ActionItem.objects.filter(pk__in=action_ids, owner__isnull=False).select_related(
        "owner", "experiment"
    )
    send(
        email(
            "action_assigned",
            {
                "agent": action.owner,
                "action": action,
                "experiment": action.experiment,
                "link": action_link(action),
            },
            action.owner.email,
        )
        for action in actions.order_by("pk")
        if action.owner.email
    )


def notify_actions_assigned(actions, by):
    """The owners of ``actions`` just given them, except ``by`` who gave it to themselves."""
    ids = [action.pk for action in actions if action.owner_id and action.owner_id != by.pk]
    if ids:
        transaction.on_commit(lambda: send_action_assigned_emails.enqueue(ids))


@background_task()
def send_status_changed_emails(change_id):
    change = (
        ActionItemChange.objects.select_related("action__experiment", "action__owner", "by")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return
    action = change.action
    experiment = action.experiment
    # Only those who still may follow it: a participant taken off the team hears no more.
    may_follow = Q(agent_id=experiment.sponsor_id) | Q(agent__experiments=experiment)
    followers = (
        ExperimentFollow.objects.filter(may_follow, experiment=experiment)
        .exclude(agent_id=change.by_id)
        .exclude(agent__email__isnull=True)
        .exclude(agent__email="")
        .filter(agent__is_active=True)
        .select_related("agent")
        .order_by("pk")
    )
    send(
        email(
            "action_status_changed",
            {
                "agent": follow.agent,
                "action": action,
                "change": change,
                "old": ActionItem.Status(change.old_status).label,
                "new": ActionItem.Status(change.new_status).label,
                "experiment": action.experiment,
                "link": action_link(action),
            },
            follow.agent.email,
        )
        for follow in followers
    )


def notify_status_changed(change_id):
    transaction.on_commit(lambda: send_status_changed_emails.enqueue(change_id))
