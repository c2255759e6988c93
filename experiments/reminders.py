"""Reminders of the stages coming due or late, and the escalation to the sponsor.

Sent by the daily ``send_task_reminders`` command, for each open stage with an assignee:
``EXPERIMENT_REMINDER_DAYS_BEFORE`` days before its due date (or the first run after that
day), on it, then every day it is
late; from ``EXPERIMENT_ESCALATE_AFTER_DAYS`` days late the day's message goes to the
sponsor (the assignee in copy) instead. One message per stage a day at most: a
``TaskReminder`` row unique per (task, day) is claimed first, and only the run that inserts
it sends. Nobody is reminded on the day the stage was assigned (the assignment e-mail says
it), nor once the stage is done (checked again when the e-mail is sent).
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task as background_task
from viewflow.workflow.models import Task

from intranet.accounts.models import Agent

from . import deadlines
from .flows import ExperimentFlow
from .mail import absolute, render_email
from .models import TaskReminder
from .notifications import task_url
from .services import OPEN_STATUSES


def days_before():
    return getattr(settings, "EXPERIMENT_REMINDER_DAYS_BEFORE", 2)


def escalate_after():
    return getattr(settings, "EXPERIMENT_ESCALATE_AFTER_DAYS", 3)


def reminder_kind(due, today, warned=False):
    """Which reminder a stage due on ``due`` gets today, if any; ``warned`` when it had its
    "coming due" reminder already. That one is sent from ``days_before()`` days ahead, on the
    first run then: a day the command did not run (a server down) does not lose it. A stage
    without a due date (the follow-up, which waits for its surveys) gets none."""
    if due is None:
        return None
    if due - datetime.timedelta(days=days_before()) <= today < due:
        return None if warned else TaskReminder.Kind.BEFORE
    if today == due:
        return TaskReminder.Kind.DUE
    if today > due:
        late = (today - due).days
        return (
            TaskReminder.Kind.ESCALATION if late >= escalate_after() else TaskReminder.Kind.OVERDUE
        )
    return None


def escalation_target(task, experiment, agents):
    """Who hears of a stage long late: the sponsor, or the assignee's manager when the
    sponsor is the assignee (the approval)."""
    sponsor_id = experiment["sponsor_id"]
    if sponsor_id and sponsor_id != task.owner_id:
        return agents.get(sponsor_id)
    return task.owner.manager


def claim(task_id, day, kind, sent_to):
    """Insert the day's reminder of a task; None when another run has it already."""
    try:
        with transaction.atomic():
            return TaskReminder.objects.create(
                task_id=task_id, day=day, kind=kind, sent_to=sent_to
            )
    except IntegrityError:
        return None


def already_reminded(task_ids, day):
    """The tasks reminded on ``day``, and those that had their "coming due" reminder."""
    rows = TaskReminder.objects.filter(task_id__in=task_ids).filter(
        Q(day=day) | Q(kind=TaskReminder.Kind.BEFORE)
    )
    today, warned = set(), set()
    for task_id, reminded_on, kind in rows.values_list("task_id", "day", "kind"):
        if reminded_on == day:
            today.add(task_id)
        if kind == TaskReminder.Kind.BEFORE:
            warned.add(task_id)
    return today, warned


def send_due_reminders(today=None):
    """Claim and send today's reminders; the number claimed."""
    today = today or timezone.localdate()
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    tasks = list(
        Task.objects.filter(
            process__flow_class=ExperimentFlow,
            flow_task_type="HUMAN",
            status__in=OPEN_STATUSES,
            owner__isnull=False,
            created__lt=start_of_day,
        )
        .select_related("owner__manager")
        .order_by("pk")
    )
    experiments = deadlines.experiment_values({task.process_id for task in tasks})
    sponsors = Agent.objects.in_bulk(
        {row["sponsor_id"] for row in experiments.values() if row["sponsor_id"]}
    )
    done_today, warned = already_reminded([task.pk for task in tasks], today)
    claimed = 0
    for task in tasks:
        if task.pk in done_today:
            continue
        experiment = experiments[task.process_id]
        due = deadlines.task_due_on(task, experiment)
        kind = reminder_kind(due, today, warned=task.pk in warned)
        if kind is None:
            continue
        recipient = task.owner
        if kind == TaskReminder.Kind.ESCALATION:
            recipient = escalation_target(task, experiment, sponsors)
            if recipient is None:
                kind, recipient = TaskReminder.Kind.OVERDUE, task.owner
        reminder = claim(task.pk, today, kind, recipient)
        if reminder is not None:
            claimed += 1
            transaction.on_commit(lambda pk=reminder.pk: send_reminder_email.enqueue(pk))
    return claimed


@background_task()
def send_reminder_email(reminder_id):
    """E-mail a claimed reminder, unless its stage is done meanwhile or nobody has an
    address (the stage is on their home page and in "My tasks")."""
    reminder = (
        TaskReminder.objects.select_related("task__owner", "sent_to")
        .filter(pk=reminder_id, task__status__in=OPEN_STATUSES)
        .first()
    )
    if reminder is None or reminder.task.owner is None:
        return
    task, assignee = reminder.task, reminder.task.owner
    experiment = deadlines.experiment_values([task.process_id])[task.process_id]
    escalation = reminder.kind == TaskReminder.Kind.ESCALATION
    to = [reminder.sent_to.email] if reminder.sent_to and reminder.sent_to.email else []
    cc = [assignee.email] if escalation and assignee.email and assignee.email not in to else []
    if not to and not cc:
        return
    due = deadlines.task_due_on(task, experiment)
    context = {
        "agent": reminder.sent_to if to else assignee,
        "assignee": assignee,
        "experiment": experiment,
        "stage": task.flow_task.task_title,
        "kind": reminder.kind,
        "due": due,
        "days_late": (reminder.day - due).days,
        # The sponsor follows the experiment's page; the stage's own page is its assignee's.
        "link": absolute(
            reverse("experiments:detail", args=[task.process_id]) if escalation else task_url(task)
        ),
    }
    subject, body = render_email("reminder", context)
    EmailMessage(subject, body, None, to or cc, cc=cc if to else []).send()
