import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from intranet.worker.monitoring import recent_failures, task_alerts

OK, ALERT, UNKNOWN = 0, 1, 2


class Command(BaseCommand):
    help = (
        "For the monitoring: report the background tasks that are stuck (due and not started, "
        "running beyond TASKS_STALE_AFTER_MINUTES, failed recently). Exit status 0 when none, "
        "1 when some, 2 when the database cannot be reached."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--waiting-minutes",
            type=int,
            default=10,
            help="a due task not started after this many minutes is stuck (default: 10)",
        )
        parser.add_argument(
            "--failed-hours",
            type=int,
            default=24,
            help="report the tasks failed in the last hours (default: 24)",
        )

    def handle(self, *args, waiting_minutes, failed_hours, **options):
        try:
            alerts = task_alerts(waiting_minutes=waiting_minutes, failed_hours=failed_hours)
            failures = list(recent_failures(failed_hours)) if alerts else []
        except DatabaseError as error:
            self.stderr.write(f"UNKNOWN: database unavailable ({error})".strip())
            sys.exit(UNKNOWN)
        if not alerts:
            self.stdout.write("OK: no background task waiting, stuck or failed.")
            return
        for alert in alerts:
            self.stdout.write(f"ALERT {alert}")
        for failure in failures:
            self.stdout.write(
                f"  failed {failure['finished_at'].isoformat()} {failure['task_path']} "
                f"id={failure['pk']} {failure['exception_class_path']}"
            )
        sys.exit(ALERT)
