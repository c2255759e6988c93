import datetime
from decimal import Decimal

import factory
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

from . import next_number


class PublishedPageFactory(factory.django.DjangoModelFactory):
    """A page published under ``parent`` the way editors publish it: a revision, then
    publish()."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, parent, **fields):
        page = model_class(**fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page


class PracticeCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeCategory

    class Params:
        stem = "Réunions"
        number = factory.LazyFunction(next_number)

    name = factory.LazyAttribute(lambda category: f"{category.stem} {category.number}")
    slug = factory.LazyAttribute(lambda category: f"categorie-{category.number}")


class ToolNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolNeed

    class Params:
        stem = "Se réunir à distance"

    name = factory.LazyAttribute(lambda need: f"{need.stem} {next_number()}")


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tool

    class Params:
        stem = "Visio Ville"

    name = factory.LazyAttribute(lambda tool: f"{tool.stem} {next_number()}")
    summary = "Un outil."
    status = Tool.Status.RECOMMENDED
    data_classification = Tool.DataClassification.INTERNAL
    needs = factory.LazyFunction(list)


class CharterPageFactory(PublishedPageFactory):
    class Meta:
        model = CharterPage

    title = "Charte de collaboration"
    slug = "charte"
    version = 1
    commitments = factory.LazyFunction(
        lambda: [
            (
                "commitment",
                {"title": "J'inclus les collègues à distance", "text": "<p>Toujours.</p>"},
            ),
            ("commitment", {"title": "Je partage plutôt que j'envoie", "text": "<p>Oui.</p>"}),
        ]
    )


class PracticeIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = PracticeIndexPage

    title = "Bonnes pratiques"
    slug = "pratiques"


class PracticePageFactory(PublishedPageFactory):
    class Meta:
        model = PracticePage

    class Params:
        stem = "Animer une réunion hybride"
        number = factory.LazyFunction(next_number)

    title = factory.LazyAttribute(lambda page: f"{page.stem} {page.number}")
    slug = factory.LazyAttribute(lambda page: f"pratique-{page.number}")
    summary = "Chacun entend, voit et parle."
    category = factory.SubFactory(PracticeCategoryFactory)
    body = factory.LazyFunction(
        lambda: [
            (
                "steps",
                {
                    "title": "Pas à pas",
                    "steps": [{"title": "Tester la salle", "text": "<p>Avant.</p>"}],
                },
            ),
            ("do_dont", {"dos": ["Couper son micro"], "donts": ["Les apartés"]}),
            ("tip", {"text": "<p>Réservez la salle 204.</p>"}),
        ]
    )


class ToolGuidePageFactory(PublishedPageFactory):
    class Meta:
        model = ToolGuidePage

    title = "Quel outil pour quel besoin ?"
    slug = "outils"


class TrainingIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = TrainingIndexPage

    title = "Formations"
    slug = "formations"


class TrainingPageFactory(PublishedPageFactory):
    class Meta:
        model = TrainingPage

    class Params:
        stem = "Animer une réunion hybride"
        number = factory.LazyFunction(next_number)

    title = factory.LazyAttribute(lambda page: f"{page.stem} {page.number}")
    slug = factory.LazyAttribute(lambda page: f"formation-{page.number}")
    summary = "Faire participer chacun."
    level = TrainingPage.Level.BEGINNER
    duration_hours = Decimal("3")
    format = TrainingPage.Format.ON_SITE
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Programme.</p>")])


class OnboardingPageFactory(PublishedPageFactory):
    class Meta:
        model = OnboardingPage

    class Params:
        step_titles = ("Lire la charte", "Rencontrer son binôme", "Tester la visio")

    title = "Parcours d'intégration"
    slug = "integration"
    steps = factory.LazyAttribute(
        lambda page: [OnboardingStep(title=title) for title in page.step_titles]
    )


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A three-hour session ``days`` from now."""

    class Meta:
        model = TrainingSession

    class Params:
        days = 10

    starts_at = factory.LazyAttribute(
        lambda session: timezone.now() + datetime.timedelta(days=session.days)
    )
    ends_at = factory.LazyAttribute(
        lambda session: session.starts_at + datetime.timedelta(hours=3)
    )
    place = "Hôtel de ville, salle 204"
    capacity = 10


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    status = Enrolment.Status.REGISTERED
