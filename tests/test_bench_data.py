"""The benchmark's generated city (`bench/city.py`, docs/performance.md)."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum

from bench.city import CityRefused, generate_city

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator fills big tables in PostgreSQL"
)


def test_the_generator_starts_as_make_bench_runs_it():
    """bench/run.py runs it as a script: nothing may need Django before it is set up."""
    root = Path(__file__).resolve().parent.parent
    started = subprocess.run(
        [sys.executable, "bench/city.py", "--help"], cwd=root, capture_output=True, text=True
    )
    assert started.returncode == 0, started.stderr
    assert "--scale" in started.stdout


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for other databases")
def test_the_generator_refuses_a_database_other_than_postgresql():
    with pytest.raises(CityRefused, match="PostgreSQL"):
        generate_city(scale=0.01)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_generator_builds_the_city_at_the_requested_scale():
    from bench.city import BENCH_AGENT, STAGES, SUBMISSION_SURVEY
    from experiments.models import Experiment
    from intranet.accounts.models import Agent
    from practices.models import PracticePage
    from surveys.models import Answer, AnswerTally, Invitation, Response, Survey
    from surveys.tallies import tally_differences

    generate_city(scale=0.05, stdout=io.StringIO())

    assert Agent.objects.count() == 110
    assert PracticePage.objects.live().count() == 15
    agent = Agent.objects.get(email=BENCH_AGENT)
    assert Experiment.objects.filter(lead=agent).count() == len(STAGES)
    rated = Survey.objects.filter(title__startswith="Évaluation des pratiques")
    assert rated.count() == 25
    # Every agent answered each survey once: two answers per response, one response per
    # invitation, no answer without its response.
    responses = Response.objects.filter(survey__in=rated)
    assert responses.count() == 25 * 110
    assert Answer.objects.filter(response__survey__in=rated).count() == 2 * 25 * 110
    assert Invitation.objects.filter(survey__in=rated, answered=True).count() == 25 * 110
    assert Answer.objects.filter(value__gt=10).count() == 0
    # The triggers tallied the answers the generator inserted in SQL.
    assert tally_differences() == {}
    tallied = AnswerTally.objects.aggregate(total=Sum("count"))["total"]
    assert tallied == Answer.objects.filter(value__isnull=False).count() >= 2 * 25 * 110
    submission = Survey.objects.get(title=SUBMISSION_SURVEY)
    assert submission.invitations.filter(answered=False).count() == 110

    with pytest.raises(CityRefused, match="already holds"):
        generate_city(scale=0.05)
