"""Reassignment and departures (issue 16, section 2): an open stage given to another agent
of the right role, with a reason, by the experiment's sponsor, the lead's manager or an
administrator; the open stages of an agent who leaves are released (owner None, status NEW)
into the queue of unassigned tasks.

Decision: reassigning a lead's stage makes the new assignee the experiment's lead, and
reassigning the approval makes them its sponsor, so the later stages (assigned by
``.Assign(lead)`` / ``.Assign(sponsor)``) go to the new person.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from intranet.accounts.roles import PROJECT_LEADS, SPONSORS, has_role

from .flows import ExperimentFlow
from .models import Experiment, TaskReassignment
from .reassignment_notifications import notify_reassignment

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
SPONSOR_STAGES = {"review"}


class ReassignmentRefused(Exception):
    """Why the reassignment cannot be done (a French message for the form)."""


def required_role(task):
    return SPONSORS if task.flow_task.name in SPONSOR_STAGES else PROJECT_LEADS


def can_reassign(agent, experiment):
    """The sponsor, the lead's manager, an administrator."""
    if not agent.is_authenticated or not agent.is_active:
        return False
    if agent.is_superuser:
        return True
    if experiment.sponsor_id is not None and experiment.sponsor_id == agent.pk:
        return True
    return experiment.lead.manager_id == agent.pk


def eligible(task, to_agent):
    return to_agent.is_active and has_role(to_agent, required_role(task))


def reassign(task, to_agent, by, reason):
    """Give the open ``task`` to ``to_agent``; raises PermissionDenied for ``by`` not allowed,
    ReassignmentRefused otherwise (done task, same or ineligible agent, no reason)."""
    reason = (reason or "").strip()
    with ExperimentFlow.lock(task.process_id), transaction.atomic():
        task = Task.objects.select_related("owner").get(pk=task.pk)
        experiment = Experiment.objects.select_related("lead").get(pk=task.process_id)
        if not can_reassign(by, experiment):
            raise PermissionDenied
        if task.status not in OPEN_STATUSES:
            raise ReassignmentRefused(_("This stage is already done: it cannot be reassigned."))
        if not reason:
            raise ReassignmentRefused(_("Give a reason."))
        if to_agent.pk == task.owner_id:
            raise ReassignmentRefused(_("This agent already has this stage."))
        if not eligible(task, to_agent):
            raise ReassignmentRefused(_("This agent cannot take this stage."))
        previous = task.owner
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(to_agent)
        elif task.status == STATUS.ASSIGNED:
            activation.reassign(to_agent)
        else:  # started in an open page: viewflow has no transition, the owner changes
            task.owner = to_agent
            task.save(update_fields=["owner"])
        field = "sponsor" if task.flow_task.name in SPONSOR_STAGES else "lead"
        setattr(experiment, field, to_agent)
        experiment.save(update_fields=[field])
        record = TaskReassignment.objects.create(
            task=task,
            experiment=experiment,
            from_agent=previous,
            to_agent=to_agent,
            by=by,
            reason=reason,
        )
        notify_reassignment(record.pk)
        return record


def release_tasks_of(agent_ids):
    """The open stages of departed agents lose their assignee (status NEW): the queue."""
    tasks = Task.objects.filter(
        owner_id__in=agent_ids,
        status__in=OPEN_STATUSES,
        process__flow_class=ExperimentFlow,
    )
    for task in tasks:
        with ExperimentFlow.lock(task.process_id), transaction.atomic():
            task = Task.objects.get(pk=task.pk)
            if task.status not in OPEN_STATUSES or task.owner_id not in agent_ids:
                continue
            previous_id = task.owner_id
            task.owner = None
            task.status = STATUS.NEW
            task.save(update_fields=["owner", "status"])
            TaskReassignment.objects.create(
                task=task,
                experiment_id=task.process_id,
                from_agent_id=previous_id,
                to_agent=None,
                by=None,
                reason=str(_("The agent left.")),
            )


def unassigned_tasks(agent):
    """The queue: open tasks without assignee, of the experiments ``agent`` sponsors."""
    tasks = Task.objects.filter(owner__isnull=True, status=STATUS.NEW)
    experiments = Experiment.objects.all()
    if not agent.is_superuser:
        experiments = experiments.filter(sponsor=agent)
    return tasks.filter(process__in=experiments).order_by("created", "pk")


def agent_saved(sender, instance, created=False, **kwargs):
    if not created and not instance.is_active:
        release_tasks_of([instance.pk])


def agents_departed(sender, agent_ids, **kwargs):
    release_tasks_of(list(agent_ids))


def reassignable_tasks(agent, experiment):
    """The open stages ``agent`` may reassign on the experiment's page (none: no query)."""
    if experiment.status == PROCESS.DONE:
        return []
    experiment_with_lead = Experiment.objects.select_related("lead").get(pk=experiment.pk)
    if not can_reassign(agent, experiment_with_lead):
        return []
    return list(
        Task.objects.filter(process_id=experiment.pk, status__in=OPEN_STATUSES)
        .exclude(flow_task_type__in=["START", "END"])
        .filter(flow_task_type="HUMAN")
        .order_by("created", "pk")
    )
