"""Builders of practices content for the test modules (no test here).

Pages are published the way editors publish them: a revision, then publish().
"""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from practices.models import (
    CharterPage,
    Enrolment,
    OnboardingPage,
    OnboardingStep,
    PracticeCategory,
    PracticeIndexPage,
    PracticePage,
    Tool,
    ToolGuidePage,
    ToolNeed,
    TrainingIndexPage,
    TrainingPage,
    TrainingSession,
)

sequence = itertools.count(1)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_charter(site, version=1, **fields):
    return publish(
        site,
        CharterPage(
            title=fields.pop("title", "Charte de collaboration"),
            slug="charte",
            version=version,
            commitments=[
                (
                    "commitment",
                    {"title": "J'inclus les collègues à distance", "text": "<p>Toujours.</p>"},
                ),
                ("commitment", {"title": "Je partage plutôt que j'envoie", "text": "<p>Oui.</p>"}),
            ],
            **fields,
        ),
    )


def make_category(name="Réunions"):
    number = next(sequence)
    return PracticeCategory.objects.create(name=f"{name} {number}", slug=f"categorie-{number}")


def make_need(name="Se réunir à distance"):
    return ToolNeed.objects.create(name=f"{name} {next(sequence)}")


def make_tool(name="Visio Ville", needs=(), **fields):
    fields.setdefault("status", Tool.Status.RECOMMENDED)
    fields.setdefault("data_classification", Tool.DataClassification.INTERNAL)
    tool = Tool(
        name=f"{name} {next(sequence)}", summary=fields.pop("summary", "Un outil."), **fields
    )
    tool.needs = list(needs)
    tool.save()
    return tool


def make_library(site):
    return publish(site, PracticeIndexPage(title="Bonnes pratiques", slug="pratiques"))


def make_practice(library, title="Animer une réunion hybride", category=None, tools=(), **fields):
    number = next(sequence)
    page = PracticePage(
        title=f"{title} {number}",
        slug=f"pratique-{number}",
        summary=fields.pop("summary", "Chacun entend, voit et parle."),
        category=category or make_category(),
        body=fields.pop(
            "body",
            [
                (
                    "steps",
                    {
                        "title": "Pas à pas",
                        "steps": [{"title": "Tester la salle", "text": "<p>Avant.</p>"}],
                    },
                ),
                ("do_dont", {"dos": ["Couper son micro"], "donts": ["Les apartés"]}),
                ("tip", {"text": "<p>Réservez la salle 204.</p>"}),
            ],
        ),
        **fields,
    )
    page.tools = list(tools)
    return publish(library, page)


def make_guide(site):
    return publish(site, ToolGuidePage(title="Quel outil pour quel besoin ?", slug="outils"))


def make_training_catalogue(site):
    return publish(site, TrainingIndexPage(title="Formations", slug="formations"))


def make_training(catalogue, title="Animer une réunion hybride", **fields):
    number = next(sequence)
    return publish(
        catalogue,
        TrainingPage(
            title=f"{title} {number}",
            slug=f"formation-{number}",
            summary=fields.pop("summary", "Faire participer chacun."),
            level=fields.pop("level", TrainingPage.Level.BEGINNER),
            duration_hours=fields.pop("duration_hours", Decimal("3")),
            format=fields.pop("format", TrainingPage.Format.ON_SITE),
            body=[("paragraph", "<p>Programme.</p>")],
            **fields,
        ),
    )


def make_session(training, days=10, capacity=10, **fields):
    starts_at = timezone.now() + datetime.timedelta(days=days)
    return TrainingSession.objects.create(
        training=training,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        place=fields.pop("place", "Hôtel de ville, salle 204"),
        capacity=capacity,
        **fields,
    )


def enrol(session, agent, status=Enrolment.Status.REGISTERED, **fields):
    return Enrolment.objects.create(session=session, agent=agent, status=status, **fields)


def make_onboarding(site, titles=("Lire la charte", "Rencontrer son binôme", "Tester la visio")):
    page = OnboardingPage(title="Parcours d'intégration", slug="integration")
    page.steps = [OnboardingStep(title=title) for title in titles]
    return publish(site, page)
