"""The retrospective: a built-in anonymous survey of the participants (and of the lead, if
they chose to answer it), one recommendation question per practice tested."""

import datetime

from django.utils import timezone

from intranet.accounts.models import Agent
from surveys import services as survey_services
from surveys.models import Question, Survey

from .models import Experiment

RETROSPECTIVE_DAYS = 14


def retrospective_questions(experiment):
    """The template: one recommendation per practice tested, a global one, open questions."""
    questions = [
        Question(
            kind=Question.Kind.RECOMMENDATION,
            label=f"Recommanderiez-vous la pratique « {practice.title} » à un collègue ?",
            subject=practice,
        )
        for practice in experiment.practices.all()
    ]
    questions += [
        Question(
            kind=Question.Kind.RECOMMENDATION,
            label="Recommanderiez-vous à une autre équipe de mener cette expérimentation ?",
        ),
        Question(
            kind=Question.Kind.SCALE, label="Les pratiques testées étaient faciles à adopter."
        ),
        Question(
            kind=Question.Kind.SCALE, label="Les pratiques testées ont été utiles à l'équipe."
        ),
        Question(kind=Question.Kind.TEXT, label="Qu'est-ce qui a bien fonctionné ?"),
        Question(kind=Question.Kind.TEXT, label="Qu'est-ce qu'il faudrait changer ?"),
    ]
    return questions


def open_retrospective(experiment, now=None):
    """Create the retrospective survey and invite the participants (and the lead, by choice)."""
    now = now or timezone.now()
    survey = Survey(
        title=f"Rétrospective : {experiment.title}"[:200],
        introduction="Votre regard sur l'expérimentation, pour décider de la suite. "
        "Toutes les questions sont facultatives.",
        owner=experiment.lead,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=RETROSPECTIVE_DAYS),
        anonymous=True,
        audience=Survey.Audience.AGENTS,
    )
    survey.questions = retrospective_questions(experiment)
    survey.save()
    respondent_ids = {*experiment.participants.values_list("pk", flat=True)}
    if experiment.lead_answers_retrospective:
        respondent_ids.add(experiment.lead_id)
    respondents = Agent.objects.filter(pk__in=respondent_ids)
    survey.audience_agents.set(respondents)
    survey.save()
    Experiment.objects.filter(pk=experiment.pk).update(retrospective_survey=survey)
    experiment.retrospective_survey = survey
    survey_services.invite(survey, respondents)
    return survey
