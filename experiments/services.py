"""What happens to experiments outside a stage's page: starting one, the stage open for a
person, completing a stage from code (the demo, the retrospective survey's closing)."""

import contextlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, OuterRef, Subquery, TextField, When
from django.db.models.fields.json import KT
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from intranet.accounts.roles import PROJECT_LEADS, has_role

from . import follow_ups
from .flows import ExperimentFlow
from .models import Experiment
from .notifications import acting

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


class TaskAlreadyDone(Exception):
    """Someone (maybe the same person, in another tab) completed this task first."""


def can_start(agent):
    return agent.is_superuser or has_role(agent, PROJECT_LEADS)


def start(lead, title, department=None):
    """A new experiment in its framing stage, assigned to its lead."""
    if not can_start(lead):
        raise PermissionDenied
    with acting(lead):
        return ExperimentFlow.start.run(lead=lead, title=title, department=department)


def experiment_of(task):
    return Experiment.objects.get(pk=task.process_id)


def perform(task_pk, agent, apply, complete=True):
    """Apply ``apply(experiment, task)`` and, when ``complete``, finish the task: what a
    stage's view does, for code that has no request (``agent`` None: the system itself).

    The same guarantees as viewflow's node views: under the flow's lock, the task's own
    activation, its assignee only (PermissionDenied), a task that cannot start any more
    raises TaskAlreadyDone, so a second, concurrent completion changes nothing. Raises
    FlowLockFailed when the lock cannot be had.
    """
    process_pk = Task.objects.values_list("process_id", flat=True).get(pk=task_pk)
    with ExperimentFlow.lock(process_pk), transaction.atomic():
        task = Task.objects.get(pk=task_pk)
        activation = task.flow_task.activation_class(task)
        try:
            activation.start(None)
        except TransitionNotAllowed:
            raise TaskAlreadyDone from None
        if agent is not None and not task.flow_task.can_execute(agent, task):
            raise PermissionDenied
        apply(activation.process, task)
        if complete:
            # A system step (agent None) inside an agent's action (the lead closing her
            # retrospective survey) is still hers: the stage it opens for her is not e-mailed.
            with acting(agent) if agent is not None else contextlib.nullcontext():
                activation.execute()
        return activation.process


def open_task(experiment, node_name):
    return (
        Task.objects.filter(
            process_id=experiment.pk,
            flow_task=getattr(ExperimentFlow, node_name),
            status__in=[STATUS.ASSIGNED, STATUS.STARTED],
        )
        .select_related("owner")
        .first()
    )


def sent_back_comment():
    """An annotation of tasks: for a framing, the comment of the sponsor who sent it back
    (every review done before a framing sent it back); None otherwise."""
    last_review = (
        Task.objects.filter(
            process_id=OuterRef("process_id"),
            flow_task=ExperimentFlow.review,
            status=STATUS.DONE,
            created__lt=OuterRef("created"),
        )
        .order_by("-created", "-pk")
        .values(comment=KT("data__comment"))[:1]
    )
    return Case(
        When(flow_task=ExperimentFlow.frame, then=Subquery(last_review)),
        default=None,
        output_field=TextField(),
    )


def current_tasks(experiment):
    return Task.objects.filter(process_id=experiment.pk, status__in=OPEN_STATUSES)


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


def finish_follow_up(survey):
    """A follow-up survey closed (issue 16 §4): after the experiment's last one, its
    follow-up stage ends and with it the experiment, once."""
    experiment = follow_ups.mark_closed(survey)
    if experiment is None or follow_ups.pending(experiment).exists():
        return False
    task = open_task(experiment, "follow_up")
    if task is None:  # ended already (the lead's early end closes the open surveys after)
        return False
    try:
        perform(task.pk, None, lambda experiment, task: None)
    except TaskAlreadyDone:
        return False
    return True
