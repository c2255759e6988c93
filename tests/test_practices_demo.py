import re

import pytest
from django.core.management import call_command

from intranet.accounts.models import Agent
from practices.models import (
    CharterPage,
    CharterSignature,
    Enrolment,
    OnboardingPage,
    PracticeCategory,
    PracticePage,
    Tool,
    ToolGuidePage,
    TrainingIndexPage,
    TrainingPage,
    TrainingSession,
)

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def counts():
    return [
        model.objects.count()
        for model in (
            PracticePage,
            Tool,
            TrainingPage,
            TrainingSession,
            Enrolment,
            CharterSignature,
            PracticeCategory,
        )
    ]


def test_demo_content_is_complete_and_seeding_twice_changes_nothing():
    seed()
    first = counts()
    seed()
    assert counts() == first
    practices, tools, trainings, sessions, enrolments, signatures, categories = first
    # Experiments of the demo may add draft practices: 15 are published.
    assert PracticePage.objects.live().count() == 15 and practices >= 15
    assert tools >= 12 and trainings == 6
    assert sessions >= 12 and enrolments > 50 and signatures > 20
    assert categories >= 5
    assert len(CharterPage.objects.get().commitments) == 8
    # The path reads in the order it was written, on every database (the steps were once
    # made without a sort_order, and PostgreSQL returned them in any order).
    onboarding = OnboardingPage.objects.get()
    assert list(onboarding.steps.values_list("sort_order", flat=True)) == list(range(6))
    assert onboarding.steps.first().link_page_id == CharterPage.objects.get().pk
    # The steps asking to sign the charter and to enrol in a training are ticked for exactly
    # those the demo made sign and enrol.
    for page, did in [
        (CharterPage.objects.get(), CharterSignature.objects.values_list("agent", flat=True)),
        (
            TrainingPage.objects.get(title="Bien démarrer avec la visio"),
            Enrolment.objects.filter(
                session__training__title="Bien démarrer avec la visio"
            ).values_list("agent", flat=True),
        ),
    ]:
        ticked = onboarding.steps.get(link_page=page).progress.values_list("agent", flat=True)
        assert set(did) and set(ticked) == set(did)
    assert set(Tool.objects.values_list("status", flat=True)) == set(Tool.Status.values)
    assert Enrolment.objects.filter(status=Enrolment.Status.WAITING).exists()
    assert Enrolment.objects.filter(status=Enrolment.Status.ATTENDED).exists()
    # The experiments demo relies on these practices.
    assert (
        PracticePage.objects.filter(
            slug__in=[
                "agenda-partage",
                "co-edition-documents",
                "reunion-hybride",
                "ordre-du-jour-partage",
                "decision-asynchrone",
                "point-equipe-court",
            ]
        ).count()
        == 6
    )


def test_every_page_type_renders_with_the_demo_content(client):
    seed()
    client.force_login(Agent.objects.get(email="claire.martin@ville-demo.fr"))
    pages = [
        CharterPage.objects.get(),
        PracticePage.objects.get(slug="reunion-hybride"),
        PracticePage.objects.get(slug="reunion-hybride").get_parent(),
        TrainingIndexPage.objects.get(),
        TrainingPage.objects.first(),
        OnboardingPage.objects.get(),
        ToolGuidePage.objects.get(),
    ]
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page
    home = client.get("/").content.decode()
    assert "Signer la charte de collaboration" in home
    assert "Votre intégration : 2 étapes faites sur 6" in home
    practice = client.get(pages[1].url).content.decode()
    assert "Score de recommandation" in practice
    assert re.search(r"D’après (au moins )?\d+ réponses", practice)
    # Earlier surveys give it a trend: a chart with a point per closed survey, oldest first.
    trend = client.get(pages[1].url).context["trend"]
    assert len(trend.points) >= 4
    assert [point.closed_at for point in trend.points] == sorted(
        point.closed_at for point in trend.points
    )
    assert "Le score au fil du temps" in practice
