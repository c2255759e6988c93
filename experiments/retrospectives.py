"""The retrospective: a built-in anonymous survey of the participants (and of the lead, if
they chose to answer it), one recommendation question per practice tested."""

import datetime

from django.utils import timezone

from intranet.accounts.models import Agent
from surveys import services as survey_services
from surveys.models import Question, Survey

from .models import Experiment

RETROSPECTIVE_DAYS = 14


def practice_recommendation(practice):
    """The recommendation question of a practice: the retrospective's, asked again by the
    follow-ups (follow_ups.py), so that their scores compare."""
    return Question(
        kind=Question.Kind.RECOMMENDATION,
        label=f"Recommanderiez-vous la pratique « {practice.title} » à un collègue ?"[:300],
        subject=practice,
    )


def build_survey(experiment, title, introduction, questions, respondents, now, days):
    """An anonymous survey of the experiment's lead for ``respondents``, open ``days`` days
    from ``now``, with its invitations e-mailed (on commit)."""
    survey = Survey(
        title=title[:200],
        introduction=introduction,
        owner=experiment.lead,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=days),
        anonymous=True,
        audience=Survey.Audience.AGENTS,
    )
    survey.questions = questions
    survey.save()
    survey.audience_agents.set(respondents)
    survey.save()
    survey_services.invite(survey, respondents)
    return survey


def retrospective_questions(experiment):
    """The template: one recommendation per practice tested, a global one, open questions."""
    questions = [practice_recommendation(practice) for practice in experiment.practices.all()]
    questions += [
        Question(
            kind=Question.Kind.RECOMMENDATION,
            label="Recommanderiez-vous à une autre équipe de mener cette expérimentation ?",
        ),
        Question(
            kind=Question.Kind.SCALE, label="Les pratiques testées étaient faciles à adopter."
        ),
        Question(
            kind=Question.Kind.SCALE, label="Les pratiques testées ont été utiles à l’équipe."
        ),
        Question(kind=Question.Kind.TEXT, label="Qu’est-ce qui a bien fonctionné ?"),
        Question(kind=Question.Kind.TEXT, label="Qu’est-ce qu’il faudrait changer ?"),
    ]
    return questions


def open_retrospective(experiment, now=None):
    """Create the retrospective survey and invite the participants (and the lead, by choice)."""
    now = now or timezone.now()
    respondent_ids = {*experiment.participants.values_list("pk", flat=True)}
    if experiment.lead_answers_retrospective:
        respondent_ids.add(experiment.lead_id)
    survey = build_survey(
        experiment,
        f"Rétrospective : {experiment.title}",
        "Votre regard sur l’expérimentation, pour décider de la suite. "
        "Toutes les questions sont facultatives.",
        retrospective_questions(experiment),
        Agent.objects.filter(pk__in=respondent_ids),
        now,
        RETROSPECTIVE_DAYS,
    )
    Experiment.objects.filter(pk=experiment.pk).update(retrospective_survey=survey)
    experiment.retrospective_survey = survey
    return survey
