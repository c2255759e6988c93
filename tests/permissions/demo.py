"""The demo content the matrix runs against, and the concrete objects its URLs point to."""

import io
import random
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.support.database import rolled_back

ROLES = (
    "anonymous",
    "agent",
    "participant",
    "lead",
    "sponsor",
    "editor",
    "moderator",
    "skills",
    "superuser",
)
# The demo login of each role (README); "agent" is found by what it is not.
ROLE_LOGINS = {
    "participant": "claire.martin",
    "lead": "cheffe.projet",
    "sponsor": "commanditaire",
    "editor": "editeur",
    "moderator": "moderatrice",
    "skills": "referente.competences",
    "superuser": "admin",
}
# The stages, each left open in an experiment of the lead (the demo covers five).
EXTRA_EXPERIMENTS = {
    "frame": "Matrice : cadrage en cours",
    "run": "Matrice : expérimentation en cours",
    "action_plan": "Matrice : plan d'action à écrire",
}


@dataclass
class Demo:
    users: dict  # role → Agent (None for anonymous)
    other_lead: object  # a second project lead, involved in no experiment
    manager: object  # the head of a service with no special role
    objects: dict  # name → object the URLs point to
    stage_tasks: dict  # stage → the open task of that stage


@contextmanager
def seeded_demo():
    """The demo seeded once inside a transaction rolled back at the end."""
    with rolled_back():
        call_command("seed_demo", stdout=io.StringIO())
        yield build()


def build():
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import PROCESS, STATUS

    from experiments import demo as experiments_demo
    from experiments import services
    from experiments.flows import ExperimentFlow
    from experiments.models import Experiment, Idea
    from intranet.accounts.demo import demo_email
    from intranet.accounts.models import Agent
    from practices.models import (
        CharterPage,
        OnboardingStep,
        PracticeCategory,
        PracticePage,
        Tool,
        ToolNeed,
        TrainingSession,
    )
    from skills.models import PixCampaign, PixImport
    from surveys.demo import BAROMETER, INTRANET_FEEDBACK
    from surveys.models import Invitation, Question, Survey

    users = {
        role: Agent.objects.get(email=demo_email(local)) for role, local in ROLE_LOGINS.items()
    }
    users["anonymous"] = None
    plain = (
        Agent.objects.filter(
            is_active=True,
            is_superuser=False,
            groups=None,
            led_experiments=None,
            sponsored_experiments=None,
            experiments=None,
        )
        .exclude(email__isnull=True)  # field agents sort first on SQLite, last on PostgreSQL
        .order_by("email")
    )
    users["agent"] = plain.filter(reports=None).first()
    # Managers see their department's experiments: this one's department has none.
    manager = (
        plain.exclude(reports=None)
        .filter(department__parent__isnull=False)
        .exclude(department__experiments__isnull=False)
        .first()
    )
    other_lead = plain.filter(reports=None).exclude(pk=users["agent"].pk).last()
    other_lead.groups.add(Group.objects.get(name="Chefs de projet"))
    departed = plain.filter(reports=None).exclude(pk__in=[users["agent"].pk, other_lead.pk])[1]
    departed.is_active = False
    departed.save(update_fields=["is_active"])

    lead, sponsor = users["lead"], users["sponsor"]
    rng = random.Random(6)
    for stop, title in EXTRA_EXPERIMENTS.items():
        experiment = services.start(lead, title)
        colleagues = Agent.objects.filter(department=lead.department).exclude(
            pk__in=[lead.pk, users["agent"].pk, other_lead.pk, manager.pk, departed.pk]
        )
        participants = [users["participant"], *colleagues[:5]]
        practices = list(PracticePage.objects.live()[:2])
        experiments_demo.advance(experiment, stop, lead, sponsor, participants, practices, rng)
    open_tasks = Task.objects.filter(
        process__flow_class=ExperimentFlow, status__in=[STATUS.ASSIGNED, STATUS.STARTED]
    ).order_by("pk")
    stage_tasks = {}
    for task in open_tasks:
        stage_tasks.setdefault(task.flow_task.name, task)

    running = Experiment.objects.exclude(status=PROCESS.DONE).get(
        title="Réunions hybrides équitables"
    )
    done = Experiment.objects.filter(status=PROCESS.DONE).first()
    open_survey = Survey.objects.get(title=INTRANET_FEEDBACK)
    draft_survey = Survey(
        title="Matrice : questionnaire pas encore envoyé",
        owner=users["editor"],
        opens_at=open_survey.opens_at,
        closes_at=open_survey.closes_at,
    )
    draft_survey.questions = [
        Question(kind=Question.Kind.RECOMMENDATION, label="Recommanderiez-vous ?")
    ]
    draft_survey.save()
    session = TrainingSession.objects.order_by("starts_at").last()
    objects = {
        "open_survey": open_survey,
        "draft_survey": draft_survey,
        "barometer": Survey.objects.get(title=BAROMETER),
        "retrospective_survey": running.retrospective_survey,
        "participant_invitation": Invitation.objects.get(
            survey=open_survey, agent=users["participant"]
        ),
        "running_experiment": running,
        "done_experiment": done,
        "done_action": done.actions.order_by("pk").first(),
        "lead_task": stage_tasks["launch"],
        "charter": CharterPage.objects.live().get(),
        "session": session,
        "onboarding_step": OnboardingStep.objects.order_by("pk").first(),
        "tool": Tool.objects.order_by("pk").first(),
        "tool_need": ToolNeed.objects.order_by("pk").first(),
        "practice_category": PracticeCategory.objects.order_by("pk").first(),
        "pix_campaign": PixCampaign.objects.order_by("pk").first(),
        # An import the skills officer sent: theirs and the superusers' to see.
        "pix_import": PixImport.objects.create(
            uploaded_by=users["skills"],
            file_name="collecte-demo.csv",
            file_size=0,
            status=PixImport.Status.DONE,
        ),
        "practice_page": PracticePage.objects.live().order_by("pk").first(),
        "draft_page": PracticePage.objects.filter(live=False).order_by("pk").first(),
        "departed_agent": departed,
        "idea": Idea.objects.filter(status=Idea.Status.PROPOSED, hidden=False).first(),
        "hidden_idea": Idea.objects.get(hidden=True),
    }
    return Demo(users, other_lead, manager, objects, stage_tasks)
