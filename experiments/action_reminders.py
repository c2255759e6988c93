"""Reminders of the actions coming due (issue 16, section 3).

Sent by the daily ``send_action_reminders`` command to the owner of each action still to do
or in progress, from ``EXPERIMENT_ACTION_REMINDER_DAYS_BEFORE`` days before its due date to
the due date itself: one message per action a day at most, claimed through an
``ActionReminder`` row unique per (action, day), so that only the run that inserts it sends.
Never for an action done or abandoned (checked again when the e-mail is sent).
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task as background_task

from .action_notifications import action_link
from .mail import email, send
from .models import OPEN_ACTION_STATUSES, ActionItem, ActionReminder


def days_before():
    return getattr(settings, "EXPERIMENT_ACTION_REMINDER_DAYS_BEFORE", 3)


def coming_due(today):
    """The open actions with an owner due between today and ``days_before()`` days on."""
    return ActionItem.objects.filter(
        status__in=OPEN_ACTION_STATUSES,
        owner__isnull=False,
        owner__is_active=True,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=days_before()),
    ).exclude(reminders__day=today)


def claim(action_id, day):
    """Insert the day's reminder of an action; None when another run has it already."""
    try:
        with transaction.atomic():
            return ActionReminder.objects.create(action_id=action_id, day=day)
    except IntegrityError:
        return None


def send_action_reminders(today=None):
    """Claim and send today's reminders; the number claimed."""
    today = today or timezone.localdate()
    claimed = 0
    for action_id in coming_due(today).order_by("pk").values_list("pk", flat=True):
        reminder = claim(action_id, today)
        if reminder is not None:
            claimed += 1
            transaction.on_commit(lambda pk=reminder.pk: send_action_reminder_email.enqueue(pk))
    return claimed


@background_task()
def send_action_reminder_email(reminder_id):
    """E-mail a claimed reminder, unless the action is done or abandoned meanwhile."""
    reminder = (
        ActionReminder.objects.select_related("action__owner", "action__experiment")
        .filter(pk=reminder_id, action__status__in=OPEN_ACTION_STATUSES)
        .first()
    )
    if reminder is None or reminder.action.owner is None or not reminder.action.owner.email:
        return
    action = reminder.action
    context = {
        "agent": action.owner,
        "action": action,
        "experiment": action.experiment,
        "due_today": action.due_date == reminder.day,
        "link": action_link(action),
    }
    send([email("action_reminder", context, action.owner.email)])
