"""The city of the impact dashboard's tests, small enough to compute every figure by hand
(the comments give the computation), and the helpers that build its parts."""

import copy
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from experiments.flows import ExperimentFlow
from experiments.models import Experiment
from intranet.accounts.models import Agent
from intranet.home.demo import ensure_home_page
from practices.models import CharterSignature, Enrolment, OnboardingProgress, TrainingSession
from skills.models import PixCampaign
from skills.pixfiles import PARIS
from surveys.models import Answer, Question, Response, Survey

from ..factories.accounts import AgentFactory, DepartmentFactory
from .database import rolled_back
from .practices import (
    make_charter,
    make_library,
    make_onboarding,
    make_practice,
    make_training,
    make_training_catalogue,
)
from .skills import make_campaign, make_profiles

DASHBOARD = reverse("dashboard:dashboard")
EXPORT_CSV = reverse("dashboard:export_csv")
EXPORT_XLSX = reverse("dashboard:export_xlsx")
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


def login(client, agent):
    client.force_login(agent)
    return client


def add_agents(department, count, prefix, manager=None, **fields):
    return [
        AgentFactory(
            email=f"{prefix}{index}@ville.test",
            first_name=f"{prefix.capitalize()}{index}",
            last_name="Agent",
            department=department,
            manager=manager,
            **fields,
        )
        for index in range(count)
    ]


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), PARIS)


def retrospective(experiment, opens, closes, answers, min_group_size=5):
    """A retrospective survey for the experiment: {practice (or None): [values]}."""
    survey = Survey(
        title=f"Rétrospective : {experiment.title}",
        opens_at=at(opens),
        closes_at=at(closes),
        # Closed at its date, as the cron job does: its scores are published.
        closed_at=at(closes) if at(closes) < timezone.now() else None,
        min_group_size=min_group_size,
    )
    survey.questions = [
        Question(kind=Question.Kind.RECOMMENDATION, label="Recommanderiez-vous ?", subject=page)
        for page in answers
    ]
    survey.save()
    experiment.retrospective_survey = survey
    experiment.save()
    for question, values in zip(survey.questions.all(), answers.values(), strict=True):
        responses = Response.objects.bulk_create(Response(survey=survey) for _ in values)
        Answer.objects.bulk_create(
            Answer(response=response, question=question, value=value)
            for response, value in zip(responses, values, strict=True)
        )
    return survey


def make_experiment(title, lead, department, practices=()):
    experiment = Experiment.objects.create(
        flow_class=ExperimentFlow, title=title, lead=lead, department=department
    )
    experiment.practices.set(practices)
    return experiment


def make_session(training, day):
    return TrainingSession.objects.create(
        training=training,
        starts_at=at(day, 9),
        ends_at=at(day, 12),
        place="Hôtel de ville",
        capacity=30,
    )


def enrol(session, agents, status=Enrolment.Status.ATTENDED):
    Enrolment.objects.bulk_create(
        Enrolment(session=session, agent=agent, status=status) for agent in agents
    )


def build_city(site):
    """Espace public (director; voirie: head + 5; propreté: 3) and finances (6): 16 agents."""
    public_space = DepartmentFactory(name="Direction de l'espace public")
    roads = DepartmentFactory(name="Service voirie", parent=public_space)
    cleaning = DepartmentFactory(name="Service propreté", parent=public_space)
    finances = DepartmentFactory(name="Direction des finances")
    director = add_agents(public_space, 1, "directeur")[0]
    head = add_agents(roads, 1, "cheffe", manager=director)[0]
    roads_team = [head, *add_agents(roads, 5, "voirie", manager=head)]
    cleaning_team = add_agents(cleaning, 3, "proprete", manager=director)
    finances_team = add_agents(finances, 6, "finances")
    former = add_agents(roads, 1, "ancien", is_active=False)[0]  # left: never counted

    # PIX: every agent in autumn 2025 (before the period), 14 in spring 2026 (in it);
    # autumn 2026 comes after the period and an assessment is no profile.
    autumn_2025 = make_campaign("1", "Automne 2025")
    everyone = [director, *roads_team, *cleaning_team, *finances_team, former]
    make_profiles(
        autumn_2025, {agent: {"1.1": 1} for agent in everyone}, datetime.date(2025, 10, 8)
    )
    spring_2026 = make_campaign("2", "Printemps 2026")
    make_profiles(
        spring_2026,
        {
            **{agent: {"1.1": 2, "2.3": 1} for agent in roads_team},
            **{agent: {"1.1": 1, "2.3": 1} for agent in cleaning_team[:2]},
            **{
                agent: {"1.1": 1, "2.3": 1, "3.1": 1, "4.1": 1, "5.1": 1}
                for agent in finances_team
            },
        },
        datetime.date(2026, 3, 12),
    )
    make_profiles(
        make_campaign("3", "Automne 2026"),
        {agent: {"1.1": 5} for agent in roads_team},
        datetime.date(2026, 10, 8),
    )
    make_profiles(
        make_campaign("4", "Évaluation", kind=PixCampaign.Kind.ASSESSMENT),
        {cleaning_team[2]: {}},
        datetime.date(2026, 4, 2),
    )

    # Trainings: 6 agents attended in the period (voirie 3, finances 3), 7 attendances.
    training = make_training(make_training_catalogue(site))
    february = make_session(training, datetime.date(2026, 2, 10))
    enrol(february, [*roads_team[1:4], *finances_team[:2], former])
    enrol(february, [cleaning_team[0]], Enrolment.Status.ABSENT)
    enrol(february, [cleaning_team[1]], Enrolment.Status.REGISTERED)
    may = make_session(training, datetime.date(2026, 5, 5))
    enrol(may, [roads_team[1], finances_team[2]])
    september = make_session(training, datetime.date(2026, 9, 1))
    enrol(september, cleaning_team[:2])

    # Charter version 2: voirie 4, finances 3; propreté signed version 1 only.
    charter = make_charter(site, version=2)
    CharterSignature.objects.bulk_create(
        [
            *(
                CharterSignature(page=charter, agent=agent, version=2)
                for agent in [*roads_team[:4], *finances_team[:3], former]
            ),
            *(
                CharterSignature(page=charter, agent=agent, version=1)
                for agent in cleaning_team[:2]
            ),
        ]
    )

    # Onboarding: 5 newcomers in voirie (3 done), 2 in finances (2 done), 1 after the period.
    onboarding = make_onboarding(site, titles=("Lire la charte", "Rencontrer son binôme"))
    steps = list(onboarding.steps.all())
    Agent.objects.filter(pk__in=[agent.pk for agent in roads_team[1:]]).update(
        arrival_date=datetime.date(2026, 2, 1)
    )
    Agent.objects.filter(pk__in=[agent.pk for agent in finances_team[:2]]).update(
        arrival_date=datetime.date(2026, 3, 1)
    )
    Agent.objects.filter(pk=cleaning_team[0].pk).update(arrival_date=datetime.date(2026, 7, 15))
    OnboardingProgress.objects.bulk_create(
        [
            *(
                OnboardingProgress(agent=agent, step=step)
                for agent in [*roads_team[1:4], *finances_team[:2], cleaning_team[0]]
                for step in steps
            ),
            OnboardingProgress(agent=roads_team[4], step=steps[0]),
        ]
    )

    # Experiments: voirie and finances had their retrospective in the period.
    library = make_library(site)
    hybrid = make_practice(library, "Animer une réunion hybride")
    agenda = make_practice(library, "Partager l'ordre du jour")
    roads_experiment = make_experiment("Réunions hybrides", head, roads, [hybrid, agenda])
    # hybrid: 4 promoters, 1 passive, 1 detractor → (4 − 1) / 6 = 50; agenda: 3 answers.
    retrospective(
        roads_experiment,
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 15),
        {hybrid: [10, 9, 9, 7, 3, 10], agenda: [10, 10, 10], None: [0, 0, 0, 0, 0]},
    )
    finances_experiment = make_experiment("Décider sans réunion", head, finances, [hybrid])
    # 1 promoter, 1 passive, 3 detractors → (1 − 3) / 5 = −40.
    retrospective(
        finances_experiment,
        datetime.date(2026, 5, 1),
        datetime.date(2026, 5, 20),
        {hybrid: [0, 5, 6, 8, 9]},
    )
    old = make_experiment("Ancienne expérimentation", head, roads, [hybrid])
    retrospective(old, datetime.date(2025, 3, 1), datetime.date(2025, 3, 15), {hybrid: [10] * 6})
    make_experiment("Sans rétrospective", head, roads, [agenda])
    return {
        "public_space": public_space,
        "roads": roads,
        "cleaning": cleaning,
        "finances": finances,
        "director": director,
        "head": head,
        "agent": roads_team[2],
        "hybrid": hybrid,
        "agenda": agenda,
    }


@pytest.fixture(scope="class")
def city_once(django_db_setup, django_db_blocker):
    """The city, built once for the tests of a class (once per test outside a class)."""
    with django_db_blocker.unblock(), rolled_back():
        yield build_city(ensure_home_page())


@pytest.fixture
def city(city_once, db):
    """The city's people, departments and practices, a copy of their own for each test."""
    return copy.deepcopy(city_once)
