"""Import throughput: a 2,200-agent HR directory and a 2,200-row PIX profiles export.

    python bench/imports.py            # a throwaway SQLite database
    DATABASE_URL=postgres://… python bench/imports.py

Each import runs several times in a transaction that is rolled back, so every run does the
same work; the script prints rows per second (median) and the spread of the runs.
"""

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


if __name__ == "__main__":
    main()
