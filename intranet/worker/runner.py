"""The worker of ``manage.py run_worker``: django-tasks-db's worker, made to outlive database
outages and to recover the tasks of dead workers.

django-tasks-db's own loop lets any database error escape, so a restart of PostgreSQL, a
failover or a dropped connection ends the process, and the task it was running stays RUNNING.
This loop waits for the database instead, with a capped exponential backoff; it records a
task's outcome once the database answers again; and it gives back, once, a task that was
interrupted by an outage (see ``recovery``).
"""

import contextlib
import logging
import random
import time
from traceback import format_exception

from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections
from django.db import connections as database_connections
from django.utils import timezone
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .recovery import MAX_RUNS, give_back, recover_stale_tasks, same_run

logger = logging.getLogger(__name__)

# What a lost, refused or restarting database raises; psycopg2 raises InterfaceError on a
# connection that the server already closed.
DATABASE_OUTAGE = (OperationalError, InterfaceError)
# A task stopped by these did not fail on its own: it is given back (once) rather than failed.
INTERRUPTIONS = (*DATABASE_OUTAGE, SystemExit, KeyboardInterrupt)


class Backoff:
    """Delays between attempts to reach the database: doubling from ``first``, capped."""

    def __init__(self, first=0.5, cap=30.0):
        self.first, self.cap = first, cap
        self.attempts = 0

    def next_delay(self):
        self.attempts += 1
        return min(self.cap, self.first * 2 ** (self.attempts - 1))

    def reset(self):
        attempts, self.attempts = self.attempts, 0
        return attempts


def drop_connections():
    """Close every database connection of this thread; broken ones may fail to close."""
    for connection in database_connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            connection.close()


def first_line(error):
    message = str(error).strip()
    return message.splitlines()[0] if message else type(error).__name__


def announce_finished(db_task_result):
    """Send ``task_finished`` (django-tasks logs failures with it), as django-tasks-db does."""
    try:
        sender = type(db_task_result.task.get_backend())
        task_result = db_task_result.task_result
    except (ImportError, SuspiciousOperation):  # the task's function no longer exists
        logger.exception("Task id=%s failed unexpectedly", db_task_result.pk)
    else:
        task_finished.send(sender=sender, task_result=task_result)


class ResilientWorker(Worker):
    """django-tasks-db's worker, with its loop and its task runner made to wait for the
    database (see the module's docstring)."""

    def __init__(self, *, recover_every, backoff=None, **options):
        super().__init__(**options)
        self.recover_every = recover_every
        self.backoff = backoff or Backoff()
        self.next_recovery = 0.0

    def run(self):
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # spreads the start of several workers
        while self.running:
            try:
                close_old_connections()  # drops a connection that broke while we slept
                self.recover_when_due()
                task_result = self.claim_next_task()
            except DATABASE_OUTAGE as error:
                if isinstance(error, OperationalError) and is_locked_database_exception(error):
                    time.sleep(self.interval)  # SQLite busy with another writer: it will free
                else:
                    self.wait_for_database(error)
                continue
            self.database_answered()
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch:
                logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info(
                    "Ran %d tasks on worker_id=%s - exiting.", self._run_tasks, self.worker_id
                )
                return
            if self.running and task_result is None:
                time.sleep(self.interval)

    def recover_when_due(self):
        """Recover the tasks of dead workers at start, then every ``recover_every`` seconds."""
        if time.monotonic() < self.next_recovery:
            return
        recover_stale_tasks()
        self.next_recovery = time.monotonic() + self.recover_every

    def claim_next_task(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def wait_for_database(self, error):
        delay = self.backoff.next_delay()
        logger.warning(
            "Database unavailable (%s): worker_id=%s tries again in %.1f s",
            first_line(error),
            self.worker_id,
            delay,
        )
        drop_connections()
        time.sleep(delay)

    def database_answered(self):
        attempts = self.backoff.reset()
        if attempts:
            logger.warning(
                "Database reachable again after %d attempts: worker_id=%s goes on",
                attempts,
                self.worker_id,
            )

    def until_database_answers(self, action):
        """Run ``action`` (one write), waiting through outages; None if the worker stops first."""
        while True:
            try:
                result = action()
            except DATABASE_OUTAGE as error:
                if not self.running:
                    return None
                self.wait_for_database(error)
            else:
                self.database_answered()
                return result

    def run_task(self, db_task_result):
        """Run a claimed task, then record its outcome once the database answers."""
        self.running_task = True
        try:
            return_value, error = self.call_task(db_task_result)
            if error is None:
                self.until_database_answers(lambda: self.finish(db_task_result, return_value))
            elif isinstance(error, INTERRUPTIONS) and len(db_task_result.worker_ids) < MAX_RUNS:
                reason = f"interrupted by {type(error).__name__} ({first_line(error)})"
                self.until_database_answers(lambda: give_back(db_task_result, reason))
                return
            else:
                self.until_database_answers(lambda: self.fail(db_task_result, error))
            if db_task_result.status != TaskResultStatus.RUNNING:
                announce_finished(db_task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def call_task(self, db_task_result):
        """Run the task's function: ``(return value, None)`` or ``(None, exception)``."""
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            task_started.send(sender=type(task.get_backend()), task_result=task_result)
            if task.takes_context:
                context = TaskContext(task_result=task_result)
                return task.call(context, *task_result.args, **task_result.kwargs), None
            return task.call(*task_result.args, **task_result.kwargs), None
        except BaseException as error:  # noqa: B036 - recorded as the task's outcome
            return None, error

    def finish(self, db_task_result, return_value):
        """Record the success, unless the task left this run meanwhile (recovered)."""
        try:
            return self.record(
                db_task_result,
                status=TaskResultStatus.SUCCESSFUL,
                return_value=return_value,
                exception_class_path="",
                traceback="",
            )
        except (TypeError, ValueError) as error:  # a return value JSON cannot hold
            return self.fail(db_task_result, error)

    def fail(self, db_task_result, error):
        return self.record(
            db_task_result,
            status=TaskResultStatus.FAILED,
            return_value=None,
            exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
            traceback="".join(format_exception(error)),
        )

    def record(self, db_task_result, **fields):
        fields["finished_at"] = timezone.now()
        if not same_run(db_task_result).update(**fields):
            logger.warning(
                "Task id=%s finished after it was given back to the queue; outcome not recorded",
                db_task_result.pk,
            )
            return False
        for name, value in fields.items():
            setattr(db_task_result, name, value)
        return True
