"""What happens to experiments: starting, performing a task once, the retrospective survey,
notifications."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task as background_task
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from intranet.accounts.models import Agent
from surveys import services as survey_services
from surveys.models import Question, Survey

from .models import Experiment

RETROSPECTIVE_DAYS = 14
PROJECT_LEADS = "Chefs de projet"
SPONSORS = "Commanditaires"


class TaskAlreadyDone(Exception):
    """Someone (maybe the same person, in another tab) completed this task first."""


def flow():
    from .flows import ExperimentFlow

    return ExperimentFlow


def can_start(agent):
    return agent.is_superuser or agent.groups.filter(name=PROJECT_LEADS).exists()


def start(lead, title, department=None):
    """A new experiment in its framing stage, assigned to its lead."""
    if not can_start(lead):
        raise PermissionDenied
    return flow().start.run(lead=lead, title=title, department=department)


def experiment_of(task):
    return Experiment.objects.get(pk=task.process_id)


def perform(task_pk, agent, apply, complete=True):
    """Apply the agent's work to the experiment and, when ``complete``, finish the task.

    Runs under the flow's lock (select_for_update on the process): a second, concurrent
    completion waits, then finds the task done and raises TaskAlreadyDone; nothing is
    duplicated. Raises FlowLockFailed when the lock cannot be had.
    """
    process_pk = Task.objects.values_list("process_id", flat=True).get(pk=task_pk)
    with flow().lock(process_pk), transaction.atomic():
        task = Task.objects.get(pk=task_pk)
        if task.status not in (STATUS.ASSIGNED, STATUS.STARTED):
            raise TaskAlreadyDone
        if agent is not None and task.owner_id != agent.pk:
            raise PermissionDenied
        experiment = experiment_of(task)
        apply(experiment, task)
        if complete:
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.ASSIGNED:
                activation.start(None)
            activation.execute()
        return experiment


def open_task(experiment, node_name):
    return (
        Task.objects.filter(
            process_id=experiment.pk,
            flow_task=getattr(flow(), node_name),
            status__in=[STATUS.ASSIGNED, STATUS.STARTED],
        )
        .select_related("owner")
        .first()
    )


def current_tasks(experiment):
    return Task.objects.filter(
        process_id=experiment.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
    )


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
    """Create the retrospective survey and invite the participants and the lead."""
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
    respondents = Agent.objects.filter(
        pk__in={*experiment.participants.values_list("pk", flat=True), experiment.lead_id}
    )
    survey.audience_agents.set(respondents)
    survey.save()
    Experiment.objects.filter(pk=experiment.pk).update(retrospective_survey=survey)
    experiment.retrospective_survey = survey
    survey_services.invite(survey, respondents)
    return survey


def finish_retrospective(survey):
    """The retrospective survey closed: the experiment moves on to its synthesis, once."""
    experiment = Experiment.objects.filter(retrospective_survey=survey).first()
    if experiment is None:
        return False
    task = open_task(experiment, "retrospective")
    if task is None:
        return False
    try:
        perform(task.pk, None, lambda experiment, task: None)
    except TaskAlreadyDone:
        return False
    return True


def task_url(task):
    return reverse("experiments:task", args=[task.pk])


@background_task()
def send_assignment_email(task_id):
    task = Task.objects.select_related("owner").filter(pk=task_id).first()
    if task is None or task.owner is None or task.status not in (STATUS.ASSIGNED, STATUS.NEW):
        return
    if not task.owner.email:  # the task is on their home page and in "My tasks"
        return
    experiment = experiment_of(task)
    context = {
        "agent": task.owner,
        "experiment": experiment,
        "stage": task.flow_task.task_title,
        "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + task_url(task),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("experiments/email/task_subject.txt", context).strip()
        body = render_to_string("experiments/email/task.txt", context)
    send_mail(subject, body, None, [task.owner.email])


def notify_assignment(task_id):
    send_assignment_email.enqueue(task_id)


@background_task()
def send_launch_email(experiment_id):
    experiment = Experiment.objects.select_related("lead").get(pk=experiment_id)
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "experiments:detail", args=[experiment.pk]
    )
    with translation.override(settings.LANGUAGE_CODE):
        # Participants without e-mail see the experiment on their home page.
        for participant in experiment.participants.exclude(email__isnull=True):
            context = {"agent": participant, "experiment": experiment, "link": url}
            send_mail(
                render_to_string("experiments/email/launch_subject.txt", context).strip(),
                render_to_string("experiments/email/launch.txt", context),
                None,
                [participant.email],
            )
