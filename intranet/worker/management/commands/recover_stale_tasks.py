from django.core.management.base import BaseCommand

from intranet.worker.recovery import recover_stale_tasks


class Command(BaseCommand):
    help = (
        "Give back the background tasks left RUNNING by a dead worker for longer than "
        "TASKS_STALE_AFTER_MINUTES: queued again once, failed if already retried. Every "
        "run_worker does it each minute; this command is for cron."
    )

    def handle(self, *args, **options):
        recovery = recover_stale_tasks()
        for task_id in recovery.requeued:
            self.stdout.write(f"queued again: {task_id}")
        for task_id in recovery.failed:
            self.stdout.write(f"failed (already retried): {task_id}")
        self.stdout.write(
            f"{len(recovery.requeued)} tasks queued again, {len(recovery.failed)} failed."
        )
