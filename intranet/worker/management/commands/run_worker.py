import os
from argparse import ArgumentTypeError

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from intranet.worker.runner import ResilientWorker


def positive_seconds(value):
    seconds = db_worker.valid_interval(value)
    if seconds == 0:
        raise ArgumentTypeError("Must be greater than zero")
    return seconds


class Command(db_worker.Command):
    help = (
        "Run the background worker (e-mails): django-tasks-db's db_worker, which waits for the "
        "database through outages instead of exiting, and gives back once the tasks that a "
        "dead worker left running. Same options as db_worker."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-every",
            type=positive_seconds,
            default=60.0,
            help="seconds between two searches for tasks left running by a dead worker "
            "(default: %(default)r; see TASKS_STALE_AFTER_MINUTES)",
        )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, recover_every, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            recover_every=recover_every,
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only in the child process, which runs the tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
