"""Demo surveys: a closed barometer with real answers, an open one waiting for Claire."""

import datetime
import random

from django.utils import timezone

from intranet.accounts.demo import demo_email
from intranet.accounts.models import Agent

from .models import Invitation, Question, Survey
from .services import submit_response

BAROMETER = "Baromètre du travail hybride 2026"
INTRANET_FEEDBACK = "Votre avis sur le nouvel intranet"
TOOLS = ["Messagerie électronique", "Messagerie instantanée", "Téléphone", "Visioconférence"]
DIFFICULTIES = [
    "Trop d'outils différents",
    "Documents difficiles à retrouver",
    "Réunions hybrides où l'on entend mal",
    "Manque de temps d'échange informel",
]
IDEAS = [
    "Un ordre du jour partagé avant chaque réunion.",
    "Des règles communes pour nommer les fichiers.",
    "Un point d'équipe court le lundi matin, en visio pour tous.",
    "Moins de mails en copie à tout le monde !",
    "Former tout le monde à la co-édition de documents.",
]


def barometer_questions():
    return [
        Question(
            kind=Question.Kind.RECOMMENDATION,
            label="Recommanderiez-vous l'organisation du travail hybride de votre service "
            "à un collègue ?",
        ),
        Question(
            kind=Question.Kind.SCALE,
            label="Je dispose des bons outils pour collaborer à distance.",
        ),
        Question(
            kind=Question.Kind.SINGLE_CHOICE,
            label="Quel moyen utilisez-vous le plus pour échanger avec votre équipe ?",
            choices="\n".join(TOOLS),
        ),
        Question(
            kind=Question.Kind.MULTIPLE_CHOICE,
            label="Quelles difficultés rencontrez-vous ?",
            choices="\n".join(DIFFICULTIES),
        ),
        Question(kind=Question.Kind.TEXT, label="Une idée pour mieux travailler ensemble ?"),
    ]


def create_survey(title, owner, opens_at, closes_at, questions, **fields):
    survey = Survey(title=title, owner=owner, opens_at=opens_at, closes_at=closes_at, **fields)
    survey.questions = questions
    survey.save()
    return survey


def seed(stdout):
    owner = Agent.objects.get(email=demo_email("editeur"))
    now = timezone.now()
    rng = random.Random(7)
    created = 0

    if not Survey.objects.filter(title=BAROMETER).exists():
        survey = create_survey(
            BAROMETER,
            owner,
            now - datetime.timedelta(days=60),
            now - datetime.timedelta(days=30),
            barometer_questions(),
            introduction="Cinq questions pour mesurer comment se passe le travail hybride "
            "dans les services. Vos réponses sont anonymes.",
            audience=Survey.Audience.EVERYONE,
        )
        agents = Agent.objects.filter(is_active=True).select_related("department__parent")
        Invitation.objects.bulk_create(
            Invitation(survey=survey, agent=agent, invited_at=survey.opens_at) for agent in agents
        )
        questions = list(survey.questions.all())
        claire = demo_email("claire.martin")
        for invitation in survey.invitations.select_related("agent__department__parent"):
            if invitation.agent.email == claire or rng.random() > 0.8:
                continue
            submit_response(
                invitation,
                {
                    questions[0]: rng.choice([3, 5, 6, 7, 7, 8, 8, 9, 9, 9, 10, 10]),
                    questions[1]: rng.choice([2, 3, 3, 4, 4, 4, 5]),
                    questions[2]: rng.choice(TOOLS),
                    questions[3]: rng.sample(DIFFICULTIES, rng.randint(1, 2)),
                    questions[4]: rng.choice(IDEAS) if rng.random() < 0.3 else None,
                },
            )
        survey.closed_at = survey.closes_at
        survey.save(update_fields=["closed_at"])
        created += 1

    if not Survey.objects.filter(title=INTRANET_FEEDBACK).exists():
        survey = create_survey(
            INTRANET_FEEDBACK,
            owner,
            now - datetime.timedelta(days=2),
            now + datetime.timedelta(days=28),
            [
                Question(
                    kind=Question.Kind.RECOMMENDATION,
                    label="Recommanderiez-vous l'intranet à un collègue ?",
                    required=True,
                ),
                Question(
                    kind=Question.Kind.SCALE,
                    label="Je trouve facilement ce que je cherche.",
                ),
                Question(kind=Question.Kind.TEXT, label="Que faudrait-il améliorer ?"),
            ],
            introduction="Trois questions sur l'intranet, pour l'améliorer avec vous.",
            audience=Survey.Audience.EVERYONE,
        )
        Invitation.objects.bulk_create(
            Invitation(survey=survey, agent=agent, invited_at=survey.opens_at)
            for agent in Agent.objects.filter(is_active=True)
        )
        created += 1
    stdout.write(f"Surveys: {created} created.")
