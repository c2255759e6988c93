"""Who is told what, by e-mail, as an experiment moves on: the assignee of a new stage, the
participants at launch. Sent by the task worker, after the transaction commits.

Nobody is told of a stage their own action has just given them (the framing of the
experiment the lead has just created, the run she has just launched): she is on the
experiment's page, and the stage is in "My tasks". A stage that comes from someone else's
action (the sponsor's decision) or from the system (the retrospective survey closing) is
told by e-mail.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.urls import reverse
from django_tasks import task as background_task
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .mail import absolute, email, send
from .models import Experiment

# The agent whose action is moving the experiment on, while it does (None: the system).
acting_agent_id = ContextVar("experiment_acting_agent_id", default=None)


@contextmanager
def acting(agent):
    """Run the block as ``agent``'s action: the stages it opens for her are not e-mailed."""
    token = acting_agent_id.set(agent.pk if agent is not None else None)
    try:
        yield
    finally:
        acting_agent_id.reset(token)


def task_url(task):
    return reverse("experiments:task", args=[task.pk])


@background_task()
def send_assignment_email(task_id, actor_id=None):
    """Tell the assignee that the stage ``task_id`` waits for her, unless she is the agent
    ``actor_id`` whose action opened it."""
    task = Task.objects.select_related("owner").filter(pk=task_id).first()
    if task is None or task.owner is None or task.status not in (STATUS.ASSIGNED, STATUS.NEW):
        return
    if task.owner_id == actor_id:
        return
    if not task.owner.email:  # the task is on their home page and in "My tasks"
        return
    experiment = Experiment.objects.get(pk=task.process_id)
    context = {
        "agent": task.owner,
        "experiment": experiment,
        "stage": task.flow_task.task_title,
        "link": absolute(task_url(task)),
    }
    send([email("task", context, task.owner.email)])


def notify_assignment(task_id):
    """Once the transaction commits, e-mail the assignee of the new stage ``task_id``."""
    actor_id = acting_agent_id.get()
    transaction.on_commit(lambda: send_assignment_email.enqueue(task_id, actor_id))


@background_task()
def send_launch_email(experiment_id):
    experiment = Experiment.objects.select_related("lead").get(pk=experiment_id)
    url = absolute(reverse("experiments:detail", args=[experiment.pk]))
    # Participants without e-mail see the experiment on their home page.
    send(
        email(
            "launch",
            {"agent": participant, "experiment": experiment, "link": url},
            participant.email,
        )
        for participant in experiment.participants.exclude(email__isnull=True)
    )
