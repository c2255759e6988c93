"""Import throughput: a 2,200-agent HR directory and a 2,200-row PIX profiles export; then
a full-size PIX export (77,631 lines, 18 MB) sent through the admin's upload.

    python bench/imports.py            # a throwaway SQLite database
    DATABASE_URL=postgres://… python bench/imports.py

Each import runs several times in a transaction that is rolled back, so every run does the
same work; the script prints rows per second (median) and the spread of the runs. The
full-size export is uploaded with the tasks queued in the database, as in production: the
request's duration (it stores the file and queues the import), then the worker's import
(once, committed, as the worker does it; BENCH_LARGE_LINES changes its size).
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.dev")
workdir = tempfile.mkdtemp(prefix="intranet-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from intranet.accounts.importers import directory_csv  # noqa: E402

AGENTS = 2200
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
LARGE_LINES = int(os.environ.get("BENCH_LARGE_LINES", "77631"))


def directory_file():
    rows = []
    for number in range(AGENTS):
        direction, service = f"Direction {number % 12}", f"Service {number % 60}"
        manager = "" if number < 60 else f"agent{number % 60:05d}@ville.test"
        rows.append(
            [
                f"{number:06d}",
                f"Nom{number}",
                "Prénom",
                f"agent{number:05d}@ville.test",
                direction,
                service,
                "Agent",
                "01/09/2020",
                manager,
            ]
        )
    return directory_csv(rows, encoding="utf-8-sig")


def timed(function):
    """Run ``function`` RUNS times, each in a rolled-back transaction; seconds of each run."""
    durations = []
    for _run in range(RUNS):
        with transaction.atomic():
            started = time.perf_counter()
            function()
            durations.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return durations


def report(label, rows, durations):
    median = statistics.median(durations)
    spread = (max(durations) - min(durations)) / median
    print(f"{label:34} {rows:6d} rows  {rows / median:9.0f} rows/s  spread {spread:5.1%}")


def main():
    from intranet.accounts.importers import import_agents
    from intranet.accounts.models import Agent
    from skills.demo import demo_exports
    from skills.importers import import_pix

    call_command("migrate", verbosity=0)
    directory = directory_file()
    report("HR directory (import_agents)", AGENTS, timed(lambda: import_agents(directory)))

    import_agents(directory)
    agents = Agent.objects.filter(external_id__isnull=False).select_related("department__parent")
    spring, _autumn = demo_exports(agents)
    rows = spring.count(b"\n") - 1
    report("PIX profiles export (import_pix)", rows, timed(lambda: import_pix(spring)))

    full_size_upload(agents)


def full_size_export(agents):
    """LARGE_LINES lines, each participant once; the directory's agents first."""
    from skills.demo import SPRING, pix_csv, profiles_header, profiles_row
    from skills.framework import COMPETENCES

    sent_at = datetime.datetime(2026, 3, 12, 10, 32, tzinfo=datetime.UTC)
    matricules = [agent.external_id for agent in agents]
    rows = [profiles_header(["Direction"], "Matricule agent")]
    for number in range(LARGE_LINES - 1):
        matricule = matricules[number] if number < len(matricules) else f"9{number:06d}"
        identity = [f"Nom{number}", "Prénom", f"Direction {number % 12}", matricule]
        pix = {code: (number * 7 + index * 5) % 57 for index, (code, _n) in enumerate(COMPETENCES)}
        rows.append(profiles_row(SPRING, identity, sent_at, pix))
    return pix_csv(rows)


def full_size_upload(agents):
    """The upload's request, then the worker's import, with tasks queued in the database."""
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from intranet.accounts.models import Agent
    from intranet.accounts.roles import SKILLS_OFFICERS
    from skills.models import PixCampaign, PixImport

    data = full_size_export(agents)
    lines = data.count(b"\n")
    officer, _created = Agent.objects.get_or_create(email="bench.referente@ville.test")
    officer.groups.add(Group.objects.get(name=SKILLS_OFFICERS))
    client = Client(SERVER_NAME="localhost")
    client.force_login(officer)
    url = reverse("skills_import_pix")
    database_queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def upload():
        response = client.post(url, {"file": SimpleUploadedFile("export.csv", data, "text/csv")})
        assert response.status_code == 302, response.status_code

    with override_settings(TASKS=database_queue):
        durations = timed(upload)
        print(
            f"{'PIX upload request, ' + str(lines) + ' lines':34} {len(data) / 1e6:5.1f} MB  "
            f"{statistics.median(durations):9.2f} s     "
            f"spread {(max(durations) - min(durations)) / statistics.median(durations):5.1%}"
        )
        upload()
        started = time.perf_counter()
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        seconds = time.perf_counter() - started
    job = PixImport.objects.get()
    assert job.status == PixImport.Status.DONE, (job.status, job.problems)
    print(
        f"{'PIX import in the worker':34} {lines - 1:6d} rows  {(lines - 1) / seconds:9.0f} rows/s"
        f"  ({seconds:.1f} s)"
    )
    PixCampaign.objects.filter(pk=job.campaign_id).delete()
    job.delete()


if __name__ == "__main__":
    main()
