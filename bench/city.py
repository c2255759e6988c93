"""A large, synthetic city for the benchmark (`make bench`), on PostgreSQL.

    DATABASE_URL=postgres://… python bench/city.py --scale 1

At --scale 1: 2,200 agents, 300 practices, 100 experiments, 500 surveys with 1,000,000
answers, 20 PIX campaigns. The demo content comes first (pages, roles, tools); the big
tables are then filled by INSERT … SELECT over generate_series, pages through Wagtail's tree
API, experiments through the real flow, PIX campaigns through the real import.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

BENCH_DOMAIN = "ville-bench.fr"
BENCH_AGENT = f"agent.bench@{BENCH_DOMAIN}"
BENCH_PASSWORD = "intranet-bench"
SUBMISSION_SURVEY = "Questionnaire des soumissions (banc d'essai)"
FORM_SURVEY = "Questionnaire ouvert (banc d'essai)"
SIZES = {
    "agents": 2200,
    "practices": 300,
    "experiments": 100,
    "surveys": 500,
    "answers": 1_000_000,
    "campaigns": 20,
}
# Answers per response: two recommendation questions (0–10) on the practice each survey rates.
ANSWERS_PER_RESPONSE = 2
RESPONSES_PER_SURVEY = SIZES["answers"] // SIZES["surveys"] // ANSWERS_PER_RESPONSE
NPS_VALUES = [10, 9, 9, 8, 7, 10, 6, 3, 9, 8, 5, 10, 0]
STAGES = ["review", "launch", "run", "retrospective", "synthesis", "action_plan", "done"]


def scaled(name, scale):
    return max(1, round(SIZES[name] * scale))


class CityRefused(Exception):
    """The database cannot take the city; nothing was written."""


def generate_city(scale=1.0, stdout=sys.stdout):
    """Fill an empty PostgreSQL database with the benchmark's city at ``scale``."""
    if connection.vendor != "postgresql":
        raise CityRefused("The benchmark's city needs PostgreSQL (DATABASE_URL=postgres://…).")
    if not 0 < scale <= 10:
        raise CityRefused("--scale must be between 0 and 10.")
    from intranet.accounts.models import Agent

    if Agent.objects.filter(email=BENCH_AGENT).exists():
        raise CityRefused("This database already holds benchmark data: use an empty one.")
    started = time.perf_counter()

    def step(label, function):
        result = function()
        stdout.write(f"  {label:22} done at {time.perf_counter() - started:6.1f} s\n")
        return result

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        step("demo content", lambda: call_command("seed_demo", stdout=DevNull()))
        with transaction.atomic():
            agent = step("agents", lambda: create_agents(scaled("agents", scale)))
            practices = step("practices", lambda: create_practices(scaled("practices", scale)))
        with transaction.atomic():
            step(
                "experiments",
                lambda: create_experiments(scaled("experiments", scale), agent, practices),
            )
        with transaction.atomic():
            step(
                "surveys and answers",
                lambda: create_surveys(scaled("surveys", scale), agent, practices),
            )
        step("PIX campaigns", lambda: create_campaigns(scaled("campaigns", scale)))
    with connection.cursor() as cursor:
        # As autovacuum would on a live database: planner statistics, and the visibility
        # map that index-only scans need.
        cursor.execute("VACUUM ANALYZE")
    stdout.write(counts() + "\n")


def counts():
    from experiments.models import Experiment
    from intranet.accounts.models import Agent
    from practices.models import PracticePage
    from skills.models import PixCampaign
    from surveys.models import Answer, Survey

    return (
        f"Agents: {Agent.objects.count()}, practices: {PracticePage.objects.count()}, "
        f"experiments: {Experiment.objects.count()}, surveys: {Survey.objects.count()}, "
        f"answers: {Answer.objects.count()}, PIX campaigns: {PixCampaign.objects.count()}."
    )


class DevNull:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def create_agents(total):
    """Agents up to ``total``, spread over the services; the benchmark's own agent first.

    The benchmark agent is a skills officer (the impact dashboard) and a project lead.
    """
    from django.contrib.auth.models import Group

    from intranet.accounts.models import Agent, Department
    from intranet.accounts.roles import PROJECT_LEADS, SKILLS_OFFICERS

    services = list(Department.objects.filter(parent__isnull=False).order_by("pk"))
    password = make_password(BENCH_PASSWORD)
    missing = max(1, total - Agent.objects.count())
    Agent.objects.bulk_create(
        Agent(
            email=BENCH_AGENT if number == 0 else f"agent{number:05d}@{BENCH_DOMAIN}",
            first_name="Agent" if number else "Banc",
            last_name=f"Numéro {number}" if number else "D'essai",
            external_id=f"B{number:06d}",
            department=services[number % len(services)],
            job_title="Agent",
            arrival_date=datetime.date(2020, 9, 1),
            password=password,
        )
        for number in range(missing)
    )
    agent = Agent.objects.get(email=BENCH_AGENT)
    agent.groups.add(*Group.objects.filter(name__in=[SKILLS_OFFICERS, PROJECT_LEADS]))
    return agent


def create_practices(total):
    """Practice pages up to ``total``, in the library, each a copy of a demo practice."""
    from practices.models import PracticeIndexPage, PracticePage

    library = PracticeIndexPage.objects.get()
    models = list(PracticePage.objects.live().order_by("pk"))
    for number in range(max(0, total - len(models))):
        model = models[number % len(models)]
        page = PracticePage(
            title=f"{model.title} ({number + 1})",
            slug=f"{model.slug}-{number + 1}",
            summary=model.summary,
            category_id=model.category_id,
            body=model.body.raw_data,
            last_published_at=timezone.now(),
        )
        page.tools = list(model.tools.all())
        library.add_child(instance=page)
    return list(PracticePage.objects.live().order_by("pk"))


def create_experiments(total, agent, practices):
    """Experiments through the real flow, stopped at every stage in turn; the benchmark agent
    leads them, so "Mes tâches" lists their open tasks.
    """
    from experiments import services
    from experiments.demo import advance
    from experiments.models import Experiment
    from intranet.accounts.models import Agent
    from intranet.accounts.roles import SPONSORS

    rng = random.Random(2026)
    sponsor = Agent.objects.filter(groups__name=SPONSORS).order_by("pk").first()
    agents = list(Agent.objects.filter(is_active=True).exclude(pk=agent.pk).order_by("pk")[:400])
    # At every scale the benchmark agent leads at least one experiment at each stage.
    for number in range(max(len(STAGES), total - Experiment.objects.count())):
        experiment = services.start(agent, f"Expérimentation {number + 1}")
        stop = STAGES[number % len(STAGES)]
        tested = [practices[(number * 7 + offset) % len(practices)] for offset in range(2)]
        advance(experiment, stop, agent, sponsor, rng.sample(agents, 8), tested, rng)


def create_surveys(total, agent, practices):
    """Closed anonymous surveys rating the practices (two recommendation questions each),
    answered in SQL; two open surveys: one waiting for the benchmark agent, one for the
    submission benchmark (every agent invited).
    """
    from intranet.accounts.models import Agent
    from intranet.accounts.roles import EDITORS
    from surveys.models import Invitation, Question, Survey

    now = timezone.now()
    owners = [
        agent.pk,
        *Agent.objects.filter(groups__name=EDITORS).values_list("pk", flat=True),
    ]
    surveys = Survey.objects.bulk_create(
        Survey(
            title=f"Évaluation des pratiques n° {number + 1}",
            owner_id=owners[number % len(owners)],
            opens_at=now - datetime.timedelta(days=40 + number % 300),
            closes_at=now - datetime.timedelta(days=10 + number % 300),
            closed_at=now - datetime.timedelta(days=10 + number % 300),
            audience=Survey.Audience.EVERYONE,
        )
        for number in range(total)
    )
    questions = Question.objects.bulk_create(
        question
        for number, survey in enumerate(surveys)
        for question in (
            Question(
                survey=survey,
                sort_order=0,
                kind=Question.Kind.RECOMMENDATION,
                label="Recommanderiez-vous cette pratique à un collègue ?",
                subject=practices[number % len(practices)],
            ),
            Question(
                survey=survey,
                sort_order=1,
                kind=Question.Kind.RECOMMENDATION,
                label="Recommanderiez-vous à une autre équipe de tester cette pratique ?",
                subject=practices[number % len(practices)],
            ),
        )
    )
    agents = Agent.objects.filter(is_active=True).count()
    answered = min(RESPONSES_PER_SURVEY, agents)
    rows = [
        (number, survey.pk, questions[2 * number].pk, questions[2 * number + 1].pk)
        for number, survey in enumerate(surveys)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_agents ON COMMIT DROP AS SELECT "
            "row_number() OVER (ORDER BY id) - 1 AS rn, id, department_id "
            "FROM accounts_agent WHERE is_active"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_surveys (rn int, id bigint, nps bigint, again bigint) "
            "ON COMMIT DROP"
        )
        cursor.executemany("INSERT INTO bench_surveys VALUES (%s, %s, %s, %s)", rows)
        # Each survey invites a window of agents, who all answered.
        cursor.execute(
            """
            INSERT INTO surveys_invitation (survey_id, agent_id, token, invited_at, answered)
            SELECT s.id, a.id, md5('bench-' || s.id || '-' || a.id), now(), true
            FROM bench_surveys s CROSS JOIN generate_series(0, %(answered)s - 1) g(i)
            JOIN bench_agents a ON a.rn = (s.rn * 37 + g.i) %% %(agents)s
            """,
            {"answered": answered, "agents": agents},
        )
        cursor.execute(
            """
            INSERT INTO surveys_response (id, survey_id, agent_id, department_id, submitted_at)
            SELECT md5('r-' || s.id || '-' || g.i)::uuid, s.id, NULL,
                   coalesce(d.parent_id, d.id), NULL
            FROM bench_surveys s CROSS JOIN generate_series(0, %(answered)s - 1) g(i)
            JOIN bench_agents a ON a.rn = (s.rn * 37 + g.i) %% %(agents)s
            LEFT JOIN accounts_department d ON d.id = a.department_id
            """,
            {"answered": answered, "agents": agents},
        )
        cursor.execute(
            """
            INSERT INTO surveys_answer (id, response_id, question_id, value, choice, text)
            SELECT md5('n-' || s.id || '-' || g.i)::uuid, md5('r-' || s.id || '-' || g.i)::uuid,
                   s.nps, (%(nps)s::int[])[1 + (s.id * 7919 + g.i * 104729) %% %(spread)s],
                   '', ''
            FROM bench_surveys s CROSS JOIN generate_series(0, %(answered)s - 1) g(i)
            UNION ALL
            SELECT md5('s-' || s.id || '-' || g.i)::uuid, md5('r-' || s.id || '-' || g.i)::uuid,
                   s.again, (%(nps)s::int[])[1 + (s.id * 31 + g.i * 17) %% %(spread)s], '', ''
            FROM bench_surveys s CROSS JOIN generate_series(0, %(answered)s - 1) g(i)
            """,
            {"answered": answered, "nps": NPS_VALUES, "spread": len(NPS_VALUES)},
        )

    for title, invited in (
        (FORM_SURVEY, Agent.objects.filter(pk=agent.pk)),
        (SUBMISSION_SURVEY, Agent.objects.filter(is_active=True)),
    ):
        survey = Survey.objects.create(
            title=title,
            owner=agent,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=30),
            audience=Survey.Audience.EVERYONE,
        )
        Question.objects.bulk_create(
            [
                Question(
                    survey=survey,
                    sort_order=0,
                    kind=Question.Kind.RECOMMENDATION,
                    label="Recommanderiez-vous cette pratique à un collègue ?",
                    subject=practices[0],
                    required=True,
                ),
                Question(
                    survey=survey,
                    sort_order=1,
                    kind=Question.Kind.SCALE,
                    label="Cette pratique m'aide à travailler à distance.",
                ),
                Question(survey=survey, sort_order=2, kind=Question.Kind.TEXT, label="Une idée ?"),
            ]
        )
        Invitation.objects.bulk_create(Invitation(survey=survey, agent=a) for a in invited)


def create_campaigns(total):
    """PIX campaigns through the real import: the demo's exports, re-labelled per campaign."""
    from intranet.accounts.models import Agent
    from skills.demo import AUTUMN, SPRING, demo_exports
    from skills.importers import import_pix
    from skills.models import PixCampaign

    agents = list(
        Agent.objects.filter(external_id__isnull=False)
        .select_related("department__parent")
        .order_by("pk")
    )
    exports = list(zip(demo_exports(agents), (SPRING, AUTUMN), strict=True))
    for number in range(max(0, total - PixCampaign.objects.count())):
        export, campaign = exports[number % 2]
        import_pix(
            export.replace(
                f";{campaign['pix_id']};".encode(), f";9{number:05d};".encode()
            ).replace(campaign["code"].encode(), f"BENCH{number:04d}".encode())
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2,200 agents…")
    scale = parser.parse_args().scale
    import django

    django.setup()
    try:
        generate_city(scale)
    except CityRefused as error:
        raise SystemExit(str(error)) from error


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.bench")
    main()
