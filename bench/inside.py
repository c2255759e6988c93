"""The parts of the benchmark that run inside Django, on the database DATABASE_URL names.

    python bench/inside.py targets        # sessions and URLs for the load generator (JSON)
    python bench/inside.py queries        # SQL queries per page (JSON)
    python bench/inside.py nps            # SQL aggregate versus a Python loop (JSON)
    python bench/inside.py submissions    # what the submission benchmark stored (JSON)

`bench/run.py` calls these with DJANGO_SETTINGS_MODULE=intranet.settings.bench.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from bench.city import (  # noqa: E402
    BENCH_AGENT,
    FORM_SURVEY,
    STAGES,
    SUBMISSION_SURVEY,
)
from intranet.accounts.models import Agent  # noqa: E402
from intranet.accounts.sessions import SessionStore  # noqa: E402

SUBMITTERS = 640  # invitations of the submission benchmark, each submitted twice at once
# The password door, as a login with a password would record it.
PASSWORD_BACKEND = "intranet.accounts.backends.AgentBackend"


def session_of(agent):
    """A logged-in session created server-side, as a login would (no password check)."""
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = PASSWORD_BACKEND
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    return session.session_key


def pages():
    """The pages measured, by name: every URL the same agent opens, on any data set."""
    from experiments.models import Experiment
    from practices.models import PracticeIndexPage, PracticePage
    from surveys.models import Invitation, Survey

    agent = Agent.objects.get(email=BENCH_AGENT)
    # The first demo practice: related practices, tools, rated by generated surveys at any scale.
    practice = PracticePage.objects.live().order_by("pk").first()
    # Done: every stage has left its trace (journal, survey, decision, action plan).
    experiment = Experiment.objects.get(lead=agent, title=f"Expérimentation {len(STAGES)}")
    results = Survey.objects.filter(owner=agent, closed_at__isnull=False).order_by("pk").first()
    form = Invitation.objects.get(survey__title=FORM_SURVEY, agent=agent)
    return agent, {
        "bare view": "/bench/bare/",
        "home page": "/",
        "practice page": practice.url,
        "practice index": PracticeIndexPage.objects.get().url,
        # Results cost one query per page type shown: this search shows practices and
        # trainings at any scale (docs/performance.md).
        "search": "/recherche/?q=compte+rendu",
        "experiment page": f"/experimentations/{experiment.pk}/",
        "Mes tâches": "/experimentations/taches/",
        "survey form": f"/questionnaires/{form.survey_id}/repondre/",
        "survey results": f"/questionnaires/{results.pk}/resultats/",
        "impact dashboard": "/tableau-de-bord/",
    }


def targets():
    from surveys.models import Invitation

    agent, urls = pages()
    submitters = (
        Invitation.objects.filter(survey__title=SUBMISSION_SURVEY, answered=False)
        .exclude(agent=agent)
        .select_related("agent", "survey")
        .order_by("pk")[:SUBMITTERS]
    )
    questions = list(submitters[0].survey.questions.order_by("sort_order", "pk"))
    return {
        "session": session_of(agent),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "urls": urls,
        "submission_survey": submitters[0].survey_id,
        "submission_fields": [f"q{question.pk}" for question in questions],
        "submitters": [{"session": session_of(invitation.agent)} for invitation in submitters],
    }


@override_settings(
    # No collectstatic needed in process: static URLs cost no query.
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def queries():
    """Queries of each page for the benchmark agent, with an empty cache then a warm one."""
    agent, urls = pages()
    client = Client(headers={"x-forwarded-proto": "https"}, secure=True)
    client.force_login(agent)
    counts = {}
    for name, url in urls.items():
        for cache in caches.all():
            cache.clear()
        figures = []
        for _run in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url} answered {response.status_code}")
            figures.append(len(captured))
        counts[name] = figures
    return {"counts": counts, "answers": answer_count()}


def answer_count():
    from surveys.models import Answer

    return Answer.objects.count()


def timed(function, runs):
    durations = []
    for _run in range(runs):
        started = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - started)
    return result, durations


def nps():
    """The score over every recommendation answer as the product reads it (the answer
    tallies, through surveys.scoring), versus a Python loop over the same answers; and the
    COUNT aggregate over the answers themselves, as scores were read before the tallies.
    """
    from surveys.models import Answer, Question
    from surveys.scoring import recommendation, recommendation_of_questions

    recommendation_questions = Question.objects.filter(kind=Question.Kind.RECOMMENDATION)
    answers = Answer.objects.filter(
        question__kind=Question.Kind.RECOMMENDATION, value__isnull=False
    )

    def tallied():
        # As recommendations_by_question does: the questions' ids in a subquery, one query.
        return recommendation_of_questions(recommendation_questions.values("pk"))

    def loop():
        promoters = passives = detractors = 0
        for value in answers.values_list("value", flat=True).iterator(chunk_size=20000):
            if value >= 9:
                promoters += 1
            elif value >= 7:
                passives += 1
            else:
                detractors += 1
        return promoters, passives, detractors

    score, sql_durations = timed(tallied, 5)
    aggregate, scan_durations = timed(lambda: recommendation(answers), 5)
    counted, loop_durations = timed(loop, 3)
    for name, result in (("tallies", score), ("aggregate", aggregate)):
        if counted != (result.promoters, result.passives, result.detractors):
            raise SystemExit(f"The loop counted {counted}, the {name} {result}.")
    return {
        "answers": score.answers,
        "score": score.rounded_score,
        "sql": sql_durations,
        "scan": scan_durations,
        "loop": loop_durations,
        "sql_median": statistics.median(sql_durations),
        "scan_median": statistics.median(scan_durations),
        "loop_median": statistics.median(loop_durations),
    }


def submissions():
    from surveys.models import Answer, Invitation, Response

    survey_id = int(sys.argv[2])
    return {
        "answered": Invitation.objects.filter(survey_id=survey_id, answered=True).count(),
        "responses": Response.objects.filter(survey_id=survey_id).count(),
        "answers": Answer.objects.filter(response__survey_id=survey_id).count(),
    }


if __name__ == "__main__":
    command = {"targets": targets, "queries": queries, "nps": nps, "submissions": submissions}
    print(json.dumps(command[sys.argv[1]]()))
