import datetime

import factory
from django.utils import timezone

from surveys.models import Question, Survey


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question of a kind; the choice kinds offer Oui, Non and Peut-être."""

    class Meta:
        model = Question

    kind = Question.Kind.RECOMMENDATION
    label = factory.LazyAttribute(lambda question: f"Question {question.kind}")
    choices = factory.LazyAttribute(
        lambda question: "Oui\nNon\nPeut-être" if question.kind in ("single", "multiple") else ""
    )


class SurveyFactory(factory.django.DjangoModelFactory):
    """A survey open since yesterday, for ten more days."""

    class Meta:
        model = Survey

    title = "Questionnaire"
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
