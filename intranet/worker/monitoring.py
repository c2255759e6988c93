"""What the monitoring needs to know about background tasks: the ones that are stuck."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, Max, Min, When
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from .recovery import stale_tasks


@dataclass(frozen=True)
class Alert:
    kind: str  # "waiting", "stuck" or "failed"
    count: int
    since: datetime  # the oldest waiting or stuck task; the latest failure
    description: str

    def __str__(self):
        return f"{self.kind}: {self.count} {self.description} (since {self.since.isoformat()})"


def waiting_tasks(minutes, now):
    """Tasks due for more than ``minutes`` that no worker has taken: the worker is down."""
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    return (
        DBTaskResult.objects.ready()
        .annotate(due_since=due_since)
        .filter(due_since__lt=now - timedelta(minutes=minutes))
        .aggregate(count=Count("pk"), since=Min("due_since"))
    )


def task_alerts(*, waiting_minutes=10, failed_hours=24, now=None):
    """The stuck tasks, by kind: due and waiting for more than ``waiting_minutes``, RUNNING
    beyond their queue's ``TASKS_STALE_AFTER_MINUTES`` (nobody recovers them: no worker runs),
    and failed in the last ``failed_hours``. An empty list means all is well."""
    now = now or timezone.now()
    alerts = []
    waiting = waiting_tasks(waiting_minutes, now)
    if waiting["count"]:
        description = f"tasks due for more than {waiting_minutes} min and not started"
        alerts.append(Alert("waiting", waiting["count"], waiting["since"], description))
    stuck = stale_tasks(now).aggregate(count=Count("pk"), since=Min("started_at"))
    if stuck["count"]:
        description = "tasks running beyond TASKS_STALE_AFTER_MINUTES and not recovered"
        alerts.append(Alert("stuck", stuck["count"], stuck["since"], description))
    failed = (
        DBTaskResult.objects.failed()
        .filter(finished_at__gte=now - timedelta(hours=failed_hours))
        .aggregate(count=Count("pk"), since=Max("finished_at"))
    )
    if failed["count"]:
        description = f"tasks failed in the last {failed_hours} h"
        alerts.append(Alert("failed", failed["count"], failed["since"], description))
    return alerts


def recent_failures(failed_hours=24, limit=10, now=None):
    """The latest failed tasks, for the operator who reads the alert."""
    now = now or timezone.now()
    return (
        DBTaskResult.objects.failed()
        .filter(finished_at__gte=now - timedelta(hours=failed_hours))
        .order_by("-finished_at")
        .values("pk", "task_path", "finished_at", "exception_class_path")[:limit]
    )
