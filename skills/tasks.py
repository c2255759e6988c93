"""PIX imports in the background: an upload becomes a PixImport, which a worker imports.

The request that receives a file only stores it and queues the task: a 20 MB export (77,631
lines) took longer than the proxy's 30 seconds inside the request. The import itself is the
same: the file is checked whole, then written in one transaction, all or nothing. The
uploaded bytes are deleted when the import ends, whatever its outcome.
"""

import contextlib
import logging

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.exceptions import TaskResultDoesNotExist

from intranet.core.files import ImportRefused

from .importers import Progress, import_pix
from .models import PixImport

logger = logging.getLogger(__name__)

# A progress report waits this long at most for a lock, then is given up.
PROGRESS_LOCK_TIMEOUT = "2s"


def start_import(upload, *, uploaded_by, dry_run=False):
    """Store an uploaded export and queue its import; return the PixImport to follow."""
    job = PixImport.objects.create(
        uploaded_by=uploaded_by,
        file_name=upload.name[:255],
        file_size=upload.size,
        data=b"".join(upload.chunks()),
        dry_run=dry_run,
        language=translation.get_language() or "",
    )
    # With the immediate backend (tests, demo) the import has run when this returns.
    result = run_pix_import.enqueue(job.pk)
    PixImport.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return job


@task()
def run_pix_import(import_id):
    """Import the file of one PixImport; one already finished (a task run again) is left."""
    job = (
        PixImport.objects.exclude(status__in=PixImport.FINISHED)
        .exclude(data=None)
        .filter(pk=import_id)
        .select_related("uploaded_by")
        .first()
    )
    if job is None:
        return None
    PixImport.objects.filter(pk=job.pk).update(
        status=PixImport.Status.CHECKING,
        started_at=timezone.now(),
        progress_done=0,
        progress_total=0,
    )
    progress = JobProgress(job.pk)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            report = import_pix(
                bytes(job.data),
                imported_by=job.uploaded_by,
                dry_run=job.dry_run,
                progress=progress,
            )
        except ImportRefused as error:
            return finish(job.pk, PixImport.Status.REFUSED, problems=error.problems)
        except Exception:
            # Recorded if the database answers; if it does not, the job stays unfinished
            # with its file, and the worker's retry runs it again.
            finish(job.pk, PixImport.Status.FAILED, problems=[unexpected_error(job.pk)])
            raise
        finally:
            progress.close()
        if report.dry_run:
            # Nothing was written: the check's page is the only place that lists them.
            unmatched = [
                [row.last_name, row.first_name, row.external_id] for row in report.unmatched
            ]
            return finish(
                job.pk, PixImport.Status.DONE, summary=report.summary(), unmatched=unmatched
            )
        return finish(
            job.pk, PixImport.Status.DONE, summary=report.summary(), campaign=report.campaign
        )


def unexpected_error(import_id):
    return _(
        "The import stopped on an unexpected error; nothing was imported. Try again; if it "
        "fails again, tell the IT department (import number %(number)s)."
    ) % {"number": import_id}


def finish(import_id, status, **outcome):
    """Record how the import ended, and delete the uploaded file."""
    PixImport.objects.filter(pk=import_id).update(
        status=status, data=None, finished_at=timezone.now(), **outcome
    )
    return status


def abandon_if_lost(job):
    """Mark failed a job whose task ended without finishing it (its worker died twice).

    Only backends that keep results can tell; the job's file is deleted like any other's.
    """
    if job.is_finished or not job.task_id:
        return job
    backend = run_pix_import.get_backend()
    if not backend.supports_get_result:
        return job
    try:
        result = backend.get_result(job.task_id)
    except TaskResultDoesNotExist:  # pruned: nothing to tell
        return job
    if not result.is_finished:
        return job
    failed = PixImport.objects.filter(pk=job.pk).exclude(status__in=PixImport.FINISHED)
    if failed.update(
        status=PixImport.Status.FAILED,
        data=None,
        finished_at=timezone.now(),
        problems=[unexpected_error(job.pk)],
    ):
        logger.error("PIX import %s failed: its task ended without finishing it", job.pk)
    return PixImport.objects.defer("data").get(pk=job.pk)


class JobProgress(Progress):
    """Writes the progress of one job where the page its uploader follows can read it.

    The file is checked before the import's transaction opens: that progress is written at
    once. The import then writes in one transaction, and what it records through its own
    connection stays invisible until it commits; so, while that transaction is open,
    progress goes through a second connection on PostgreSQL. SQLite takes one writer at a
    time: there the page shows the step without the count until the end. When the task runs
    inside a transaction of its caller (the immediate backend in tests), nobody else can see
    the job before that transaction ends, and a second connection could wait for its locks:
    progress goes through the caller's transaction.
    """

    def __init__(self, import_id):
        self.import_id = import_id
        self.in_callers_transaction = connection.in_atomic_block
        self.apart_failed = False
        self.apart = None

    def checking(self, lines_done, lines_total):
        self.record(PixImport.Status.CHECKING, lines_done, lines_total)

    def writing(self, participants_done, participants_total):
        self.record(PixImport.Status.WRITING, participants_done, participants_total)

    def record(self, status, done, total):
        if self.in_callers_transaction or not connection.in_atomic_block:
            PixImport.objects.filter(pk=self.import_id).update(
                status=status, progress_done=done, progress_total=total
            )
        elif connection.vendor == "postgresql" and not self.apart_failed:
            self.record_apart(status, done, total)

    def record_apart(self, status, done, total):
        quote = connection.ops.quote_name
        try:
            if self.apart is None:
                # A new connection with the same settings, outside Django's pool of them.
                wrapper = connections[connection.alias]
                self.apart = wrapper.__class__(wrapper.settings_dict, wrapper.alias)
                with self.apart.cursor() as cursor:
                    cursor.execute(f"SET lock_timeout = '{PROGRESS_LOCK_TIMEOUT}'")
            with self.apart.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {quote(PixImport._meta.db_table)} SET {quote('status')} = %s, "
                    f"{quote('progress_done')} = %s, {quote('progress_total')} = %s "
                    f"WHERE {quote('id')} = %s",
                    [status, done, total, self.import_id],
                )
        except DatabaseError:
            # Progress is a courtesy: the import goes on without it.
            logger.warning("Progress of PIX import %s not recorded", self.import_id, exc_info=True)
            self.apart_failed = True

    def close(self):
        if self.apart is not None:
            with contextlib.suppress(DatabaseError):
                self.apart.close()
            self.apart = None
