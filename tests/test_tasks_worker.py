"""The background worker (e-mails) outlives database outages, gives back once the tasks a dead
worker left running, and the monitoring command sees the stuck ones (docs/operations.md)."""

import asyncio
import datetime
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from intranet.worker.monitoring import task_alerts
from intranet.worker.recovery import WorkerLost, give_back, recover_stale_tasks
from surveys import services
from surveys.models import Survey

from .smtp_sink import Mailbox, free_port

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="worker processes and concurrent writers need PostgreSQL (CI runs this on it); "
    "the in-memory SQLite test database is neither shared nor waited for",
)


@pytest.fixture(autouse=True)
def database_tasks(settings):
    """Tasks go through the database, as in production; the worker's signal handlers are
    put back after each test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)


def run_worker_once():
    call_command("run_worker", batch=True, no_startup_delay=True, stdout=open(os.devnull, "w"))  # noqa: SIM115


def invite_everyone(make_survey, make_agent, count):
    agents = [make_agent(f"Invité{number}") for number in range(count)]
    survey = make_survey(audience=Survey.Audience.EVERYONE)
    services.invite(survey)
    return agents


def invitation_tasks():
    # Saving a survey also queues Wagtail's reference-index tasks.
    return DBTaskResult.objects.filter(task_path="surveys.notifications.send_invitation_email")


def left_running_by_a_dead_worker(task_result, minutes_ago=20):
    """What a worker killed while running ``task_result`` leaves behind."""
    task_result.claim(f"dead-worker-{task_result.pk}"[:64])
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=task_result.pk).update(started_at=started)
    task_result.refresh_from_db()
    return task_result


def sent_to():
    return Counter(message.to[0] for message in mail.outbox)


# --- Recovery of the tasks a dead worker left RUNNING -------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_dead_worker_is_sent_once_by_the_next_worker(
    make_survey, make_agent
):
    agents = invite_everyone(make_survey, make_agent, 3)
    lost = left_running_by_a_dead_worker(invitation_tasks().first())
    run_worker_once()
    assert sent_to() == Counter({agent.email: 1 for agent in agents})
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.SUCCESSFUL
    assert len(lost.worker_ids) == 2  # the dead worker, then the one that sent it
    # A second pass finds nothing to recover and sends nothing more.
    assert recover_stale_tasks().requeued == []
    run_worker_once()
    assert len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_a_task_that_loses_its_worker_again_after_its_retry_is_failed_not_retried(
    make_survey, make_agent
):
    invite_everyone(make_survey, make_agent, 1)
    first = left_running_by_a_dead_worker(invitation_tasks().get())
    assert recover_stale_tasks().requeued == [str(first.pk)]
    second = left_running_by_a_dead_worker(invitation_tasks().get())
    recovery = recover_stale_tasks()
    assert (recovery.requeued, recovery.failed) == ([], [str(second.pk)])
    second.refresh_from_db()
    assert second.status == TaskResultStatus.FAILED
    assert second.task_result.errors[0].exception_class is WorkerLost
    assert "already retried" in second.traceback
    run_worker_once()
    assert mail.outbox == []
    assert [alert.kind for alert in task_alerts()] == ["failed"]


@pytest.mark.django_db
def test_a_task_running_within_its_queue_s_time_is_left_alone(settings):
    settings.TASKS_STALE_AFTER_MINUTES = {"*": 15, "imports": 120}
    recent, long_import, old = (send_nothing.enqueue().db_result for _ in range(3))
    left_running_by_a_dead_worker(recent, minutes_ago=5)
    DBTaskResult.objects.filter(pk=long_import.pk).update(queue_name="imports")
    left_running_by_a_dead_worker(long_import, minutes_ago=60)
    left_running_by_a_dead_worker(old, minutes_ago=60)
    assert recover_stale_tasks().requeued == [str(old.pk)]
    assert set(DBTaskResult.objects.running().values_list("pk", flat=True)) == {
        recent.pk,
        long_import.pk,
    }


def retried_while_locked(write, *args):
    """SQLite's shared in-memory test database refuses a concurrent writer instead of making
    it wait (the worker sleeps and tries again); a refused UPDATE changed nothing."""
    while True:
        try:
            return write(*args)
        except OperationalError as error:
            if "locked" not in str(error):
                raise


@pytest.mark.django_db(transaction=True)
def test_two_recoveries_at_once_queue_a_lost_task_once():
    count = 20
    results = [send_nothing.enqueue().db_result for _ in range(count)]
    stale = [left_running_by_a_dead_worker(result) for result in results]
    barrier = threading.Barrier(2)
    outcomes = []

    def recover():
        try:
            barrier.wait()
            # Both read the same stale rows, then race to give each one back.
            outcomes.extend(retried_while_locked(give_back, result, "test") for result in stale)
        finally:
            connection.close()

    threads = [threading.Thread(target=recover) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(outcomes) == {"requeued": count, None: count}
    assert DBTaskResult.objects.ready().count() == count


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_whole_recovery_passes_at_once_queue_each_lost_task_once():
    results = [send_nothing.enqueue().db_result for _ in range(30)]
    for result in results:
        left_running_by_a_dead_worker(result)
    barrier = threading.Barrier(4)
    requeued = []

    def recover():
        try:
            barrier.wait()
            requeued.extend(recover_stale_tasks().requeued)
        finally:
            connection.close()

    threads = [threading.Thread(target=recover) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(requeued) == sorted(str(result.pk) for result in results)


@pytest.mark.django_db(transaction=True)
def test_a_worker_finishing_a_task_already_given_back_does_not_overwrite_it():
    from intranet.worker.runner import ResilientWorker

    result = left_running_by_a_dead_worker(send_nothing.enqueue().db_result)
    recover_stale_tasks()
    worker = ResilientWorker(
        recover_every=60,
        queue_names=["default"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="late-worker",
    )
    assert worker.finish(result, None) is False
    result.refresh_from_db()
    assert result.status == TaskResultStatus.READY


# --- Tasks interrupted by a database outage ------------------------------------------------

attempts = []


@task()
def send_nothing():
    """A task with no effect, for the recovery tests."""


@task()
def query_during_an_outage():
    """Fails as a query does while the database is unreachable."""
    attempts.append(timezone.now())
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db(transaction=True)
def test_a_task_interrupted_by_a_database_outage_is_run_again_once_then_failed():
    attempts.clear()
    result = query_during_an_outage.enqueue().db_result
    run_worker_once()
    result.refresh_from_db()
    # Given back after the first outage, run again, failed with the real error the second time.
    assert len(attempts) == 2
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "django.db.utils.OperationalError"
    assert len(result.worker_ids) == 2


# --- Monitoring -----------------------------------------------------------------------------


def check_tasks():
    """The monitoring command's exit status and output."""
    output = StringIO()
    try:
        call_command("check_tasks", stdout=output)
    except SystemExit as exit:
        return exit.code, output.getvalue()
    return 0, output.getvalue()


@pytest.mark.django_db
def test_monitoring_is_quiet_when_tasks_flow():
    send_nothing.enqueue()  # just queued: the worker has ten minutes to take it
    done = send_nothing.enqueue().db_result
    done.claim("worker")
    done.set_successful(None)
    assert check_tasks() == (0, "OK: no background task waiting, stuck or failed.\n")


@pytest.mark.django_db
def test_monitoring_alerts_on_tasks_nobody_takes():
    waiting = send_nothing.enqueue().db_result
    old = timezone.now() - datetime.timedelta(minutes=11)
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=old)
    status, output = check_tasks()
    assert status == 1
    assert output.startswith("ALERT waiting: 1 tasks due for more than 10 min and not started")


@pytest.mark.django_db
def test_monitoring_alerts_on_tasks_left_running_and_recovery_clears_it():
    left_running_by_a_dead_worker(send_nothing.enqueue().db_result)
    status, output = check_tasks()
    assert status == 1
    assert "ALERT stuck: 1 tasks running beyond TASKS_STALE_AFTER_MINUTES" in output
    call_command("recover_stale_tasks", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert check_tasks()[0] == 0  # queued again, a worker will take it


@pytest.mark.django_db
def test_monitoring_alerts_on_recent_failures_only():
    failed = query_during_an_outage.enqueue().db_result
    failed.claim("worker")
    failed.set_failed(ValueError("no such agent"))
    status, output = check_tasks()
    assert status == 1
    assert "ALERT failed: 1 tasks failed in the last 24 h" in output
    assert "tests.test_tasks_worker.query_during_an_outage" in output
    assert "builtins.ValueError" in output
    yesterday = timezone.now() - datetime.timedelta(hours=25)
    DBTaskResult.objects.filter(pk=failed.pk).update(finished_at=yesterday)
    assert check_tasks()[0] == 0


# --- A real worker process, on PostgreSQL ---------------------------------------------------


class StallingMailbox(Mailbox):
    """An SMTP server that keeps the ``stall_at``-th message waiting, as a slow relay does,
    until ``release`` is set; that message is then refused."""

    def __init__(self, stall_at=None):
        super().__init__()
        self.stall_at, self.seen = stall_at, 0
        self.stalled, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.seen += 1
        if self.seen == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_server():
    servers = []

    def start(stall_at=None):
        mailbox = StallingMailbox(stall_at)
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append((mailbox, controller))
        return mailbox, controller.port

    yield start
    for mailbox, controller in servers:
        mailbox.release.set()
        controller.stop()


@pytest.fixture
def worker_process(tmp_path):
    """start(command, smtp_port, **environment) → a worker process on the test database."""
    processes = []
    db = connection.settings_dict

    def start(smtp_port, command="run_worker", *arguments, **environment):
        url = (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        log = tmp_path / f"worker-{len(processes)}.log"
        process = subprocess.Popen(
            [sys.executable, "manage.py", command, "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.1", *arguments],
            cwd=django_settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "intranet.settings.dev",
                "DEBUG": "false",
                "DATABASE_URL": url,
                "TASKS_BACKEND": "database",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "PYTHONUNBUFFERED": "1",
                **environment,
            },
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        process.log = log
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def database_outage(seconds):
    """The test database refuses every connection for ``seconds`` and drops the open ones
    (the worker's, not the test's), as during a restart or a failover of PostgreSQL."""
    import psycopg2

    db = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [test_pid] = cursor.fetchone()
    server = psycopg2.connect(
        dbname="postgres",
        user=db["USER"] or "postgres",
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{db["NAME"]}" WITH ALLOW_CONNECTIONS false')
            try:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> %s",
                    [db["NAME"], test_pid],
                )
                time.sleep(seconds)
            finally:
                cursor.execute(f'ALTER DATABASE "{db["NAME"]}" WITH ALLOW_CONNECTIONS true')
    finally:
        server.close()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_worker_outlives_a_database_outage_and_sends_what_is_queued_after(
    make_survey, make_agent, smtp_server, worker_process
):
    mailbox, port = smtp_server()
    worker = worker_process(port)
    assert wait_for(lambda: "Starting worker" in worker.log.read_text())
    database_outage(3)
    agent = make_agent("AprèsPanne")
    survey = make_survey(audience=Survey.Audience.EVERYONE)
    services.invite(survey)
    assert wait_for(lambda: mailbox.to(agent.email)), worker.log.read_text()
    assert worker.poll() is None
    log = worker.log.read_text()
    assert "Database unavailable" in log
    assert "Database reachable again" in log


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_loses_no_invitation(
    make_survey, make_agent, smtp_server, worker_process
):
    agents = invite_everyone(make_survey, make_agent, 30)
    mailbox, port = smtp_server(stall_at=10)
    first = worker_process(port)
    assert mailbox.stalled.wait(60), first.log.read_text()
    first.send_signal(signal.SIGKILL)
    first.wait()
    mailbox.release.set()
    assert DBTaskResult.objects.running().count() == 1
    # The next worker (restarted by systemd) recovers the task once it is stale.
    second = worker_process(
        port, "run_worker", "--recover-every", "0.5", TASKS_STALE_AFTER_MINUTES="0.02"
    )
    assert wait_for(
        lambda: invitation_tasks().filter(status=TaskResultStatus.SUCCESSFUL).count() == 30
    ), second.log.read_text()
    received = Counter(message["X-Envelope-To"] for message in mailbox.messages)
    assert received == Counter({agent.email: 1 for agent in agents})
    assert "queued again" in second.log.read_text()


# --- The documented service -----------------------------------------------------------------


UNIT = Path(django_settings.BASE_DIR) / "ops" / "intranet-worker.service"


def test_the_documented_service_restarts_the_worker_whenever_it_stops():
    unit = UNIT.read_text()
    lines = {
        line.split("=", 1)[0]: line.split("=", 1)[1] for line in unit.splitlines() if "=" in line
    }
    assert lines["Restart"] == "always"
    assert lines["ExecStart"].endswith("manage.py run_worker")
    assert (
        "ops/intranet-worker.service"
        in (Path(django_settings.BASE_DIR) / "docs" / "operations.md").read_text()
    )


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_the_service_unit_is_valid_for_systemd(tmp_path):
    # Installed in this checkout instead of /srv/intranet, so that its paths exist.
    unit = UNIT.read_text().replace("/srv/intranet/.venv/bin/python", sys.executable)
    installed = tmp_path / UNIT.name
    installed.write_text(unit.replace("/srv/intranet", str(django_settings.BASE_DIR)))
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(installed)], capture_output=True, text=True
    )
    assert (verify.returncode, verify.stderr) == (0, "")
