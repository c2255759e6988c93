"""Recovery of the tasks a worker left RUNNING when it died.

A worker claims a task by marking it RUNNING and adding its own id to ``worker_ids``. If the
process dies before it records the outcome (killed, out of memory, machine restarted), the
task stays RUNNING for ever and its e-mail is never sent. A task RUNNING for longer than its
queue's ``TASKS_STALE_AFTER_MINUTES`` is taken for such a task: it is queued again if it has
run once, and failed if it has already been retried, so that a task which kills its worker is
not retried for ever. ``worker_ids`` counts the runs: every claim adds one id.

Every change is a compare-and-set UPDATE on the status and start time that were read: of two
workers recovering the same task at once, or a recovery racing the worker that finishes it at
last, only one changes it.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# The first run and one retry: e-mails are sent at least once, and at most twice.
MAX_RUNS = 2


class WorkerLost(Exception):  # noqa: N818 - recorded as the error of the task, read as a sentence
    """Recorded as the error of a task whose worker died while running it, after its retry."""


@dataclass
class Recovery:
    requeued: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def stale_limits():
    """Minutes after which a RUNNING task is taken for lost: ``{queue name: minutes}``, with
    ``"*"`` for every other queue."""
    limits = dict(settings.TASKS_STALE_AFTER_MINUTES)
    if "*" not in limits or any(minutes <= 0 for minutes in limits.values()):
        raise ImproperlyConfigured(
            'TASKS_STALE_AFTER_MINUTES needs a positive number of minutes for "*".'
        )
    return limits


def stale_tasks(now=None):
    """The RUNNING tasks that started longer ago than their queue allows."""
    now = now or timezone.now()
    limits = stale_limits()
    others = limits.pop("*")
    condition = Q(started_at__lt=now - timedelta(minutes=others))
    if limits:
        condition &= ~Q(queue_name__in=list(limits))
    for queue_name, minutes in limits.items():
        condition |= Q(queue_name=queue_name, started_at__lt=now - timedelta(minutes=minutes))
    return DBTaskResult.objects.running().filter(condition)


def same_run(task_result):
    """The task's row, only while it is still in the run that ``task_result`` was read in."""
    return DBTaskResult.objects.filter(
        pk=task_result.pk, status=TaskResultStatus.RUNNING, started_at=task_result.started_at
    )


def give_back(task_result, reason, now=None):
    """Queue a RUNNING task again if it has run only once, fail it otherwise.

    Return "requeued" or "failed", or None when the task had already left that run (finished,
    or recovered by someone else).
    """
    if len(task_result.worker_ids) < MAX_RUNS:
        if same_run(task_result).update(status=TaskResultStatus.READY, started_at=None):
            logger.warning(
                "Task id=%s path=%s queued again: %s",
                task_result.pk,
                task_result.task_path,
                reason,
            )
            return "requeued"
        return None
    lost = WorkerLost(f"{reason}; already retried, not queued again.")
    updated = same_run(task_result).update(
        status=TaskResultStatus.FAILED,
        finished_at=now or timezone.now(),
        return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: {lost}\n",
    )
    if updated:
        logger.error("Task id=%s path=%s failed: %s", task_result.pk, task_result.task_path, lost)
        return "failed"
    return None


def recover_stale_tasks(now=None):
    """Give back every stale RUNNING task (see the module's docstring); return what was done."""
    now = now or timezone.now()
    recovery = Recovery()
    for task_result in stale_tasks(now).only("pk", "task_path", "started_at", "worker_ids"):
        running_for = int((now - task_result.started_at).total_seconds() // 60)
        reason = f"still running {running_for} min after it started, its worker is gone"
        outcome = give_back(task_result, reason, now=now)
        if outcome == "requeued":
            recovery.requeued.append(str(task_result.pk))
        elif outcome == "failed":
            recovery.failed.append(str(task_result.pk))
    return recovery
