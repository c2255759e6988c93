import functools

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow import chart
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.flow.utils import wrap_view
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from intranet.accounts.facts import agent_facts
from intranet.accounts.models import Department
from intranet.accounts.roles import SPONSORS, has_role
from surveys.results import survey_results

from . import action_tracking, announcements, deadlines, follow_ups, services
from .flows import ExperimentFlow
from .forms import JournalEntryForm, NewExperimentForm
from .models import STAGES, Experiment, JournalEntry
from .reassignment import reassignable_tasks
from .services import OPEN_STATUSES
from .stages import stepper
from .task_views import unavailable


def current_stage():
    """The node name of an experiment's open task, as a subquery."""
    return Subquery(
        Task.objects.filter(process_id=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by("-created")
        .values("flow_task")[:1]
    )


def experiment_list(request):
    experiments = (
        Experiment.objects.filter(
            Q(pk__in=Experiment.objects.visible_to(request.user).values("pk"))
            | Q(status=PROCESS.DONE)
        )
        .select_related("department__parent", "lead")
        .annotate(stage=current_stage())
        .order_by("-created")
    )
    stage = request.GET.get("stage", "")
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    stage_names = dict(STAGES)
    if stage in stage_names:
        experiments = experiments.filter(
            task__flow_task=getattr(ExperimentFlow, stage), task__status__in=OPEN_STATUSES
        )
    if status in (PROCESS.DONE, PROCESS.NEW):
        experiments = experiments.filter(status=status)
    if department.isdigit():
        # A direction and its services (no UNION: SQLite refuses the ordered querysets in it).
        experiments = experiments.filter(
            Q(department_id=department) | Q(department__parent_id=department)
        )
    rows = [
        (experiment, stage_names.get(experiment.stage.name) if experiment.stage else None)
        for experiment in experiments
    ]
    return render(
        request,
        "experiments/list.html",
        {
            "rows": rows,
            "stages": STAGES,
            "statuses": [(PROCESS.NEW, _("In progress")), (PROCESS.DONE, _("Finished"))],
            "departments": [
                (str(pk), name)
                for pk, name in Department.objects.filter(parent__isnull=True).values_list(
                    "pk", "name"
                )
            ],
            "selected": {"stage": stage, "status": status, "department": department},
            "can_start": services.can_start(request.user),
        },
    )


def new_experiment(request):
    if not services.can_start(request.user):
        raise PermissionDenied
    form = NewExperimentForm(request.POST or None, initial={"department": request.user.department})
    if request.method == "POST" and form.is_valid():
        experiment = services.start(request.user, **form.cleaned_data)
        messages.success(request, _("Experiment created: complete its framing."))
        return redirect("experiments:task", services.open_task(experiment, "frame").pk)
    return render(request, "experiments/new.html", {"form": form})


# What a link to a practice needs: its title, its address, whether it is live.
PAGE_LINK_FIELDS = ("title", "url_path", "live", "locale_id", "path", "depth")


def detail(request, pk):
    """An experiment: in full for those involved, its public summary once finished.

    The parts every viewer of the same kind sees are cached in the template under
    `page_key`: the querysets below are lazy, read only when a part is not in the cache.
    """
    experiment = get_object_or_404(
        Experiment.objects.select_related("retrospective_survey"), pk=pk
    )
    full = experiment.is_involved(request.user)
    if not full and experiment.status != PROCESS.DONE:
        raise PermissionDenied

    @functools.cache
    def tasks():
        return list(
            Task.objects.filter(process_id=experiment.pk)
            .select_related("owner")
            .order_by("created", "pk")
        )

    context = {
        "experiment": experiment,
        "full": full,
        "page_key": page_key(request, experiment, full),
        "steps": lambda: stepper(tasks(), experiment),
        "practices": experiment.practices.only(*PAGE_LINK_FIELDS),
        "spread_practices": experiment.spread_practices.only(*PAGE_LINK_FIELDS),
        "actions": action_tracking.with_last_change(experiment.actions.select_related("owner")),
    }
    if full:
        can_write = experiment.status != PROCESS.DONE and (
            experiment.lead_id == request.user.pk
            or experiment.participants.filter(pk=request.user.pk).exists()
        )
        context.update(
            tools=experiment.tools.all(),
            participants=experiment.participants.only("first_name", "last_name", "email"),
            journal=experiment.journal.select_related("author"),
            history=lambda: [task for task in tasks() if task.flow_task_type == "HUMAN"],
            my_tasks=Task.objects.filter(
                process_id=experiment.pk, owner=request.user, status__in=OPEN_STATUSES
            ).order_by("created", "pk"),
            reassignments=experiment.reassignments.select_related(
                "task", "from_agent", "to_agent", "by"
            ),
            reassignable=reassignable_tasks(request.user, experiment),
            journal_form=JournalEntryForm(initial={"kind": JournalEntry.Kind.OBSERVATION})
            if can_write
            else None,
        )
    if full and action_tracking.may_follow(request.user, experiment):
        context.update(following=action_tracking.is_following(request.user, experiment))
    context.update(deadline=deadlines.current_deadline(experiment))
    context.update(can_announce=announcements.may_write_now(request.user, experiment))
    if experiment.retrospective_survey_id:
        context["results"] = survey_results(experiment.retrospective_survey)
    # Issue 16 §4: the follow-ups, each practice before and after (k respected).
    context["follow_up"] = follow_ups.before_after(
        experiment, experiment.practices.only(*PAGE_LINK_FIELDS), context.get("results")
    )
    return render(request, "experiments/detail.html", context)


def page_key(request, experiment, full):
    """The key of the cached parts of an experiment's page: it changes with the experiment's
    revision (its stages, team, journal, actions) and the content version (pages, people).
    """
    version = agent_facts(request)["version"]
    return f"{experiment.pk}:{experiment.revision}:{version}:{int(full)}"


GATEWAY_BRANCHES = {"cond_true": gettext_lazy("yes"), "cond_false": gettext_lazy("no")}


# Its own policy: viewflow's SVG styles itself inline, and an SVG can run no script.
@csp({"default-src": [NONE], "style-src": [UNSAFE_INLINE], "frame-ancestors": [NONE]})
def flow_chart(request, pk):
    experiment = get_object_or_404(Experiment, pk=pk)
    if not experiment.is_involved(request.user) and experiment.status != PROCESS.DONE:
        raise PermissionDenied
    flow_class = ExperimentFlow
    grid = chart.calc_layout_data(flow_class)
    chart.calc_cell_status(flow_class, grid, experiment.pk)
    for edge in grid.edges:  # viewflow writes an If gateway's branches in English
        edge.label = GATEWAY_BRANCHES.get(edge.edge_class, edge.label)
    svg = render_to_string(
        "experiments/flow_chart.svg", {"grid": grid, "cells": grid.cells, "edges": grid.edges}
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@require_POST
def add_journal_entry(request, pk):
    experiment = get_object_or_404(Experiment, pk=pk)
    if experiment.status == PROCESS.DONE or not (
        experiment.lead_id == request.user.pk
        or experiment.participants.filter(pk=request.user.pk).exists()
    ):
        raise PermissionDenied
    form = JournalEntryForm(request.POST)
    if form.is_valid():
        JournalEntry.objects.create(
            experiment=experiment, author=request.user, **form.cleaned_data
        )
        messages.success(request, _("Journal entry added."))
    else:
        messages.error(request, _("The journal entry is empty or too long: nothing was added."))
    return redirect("experiments:detail", experiment.pk)


def my_tasks(request):
    tasks = list(
        Task.objects.filter(
            owner=request.user, status__in=OPEN_STATUSES, process__flow_class=ExperimentFlow
        )
        .only("flow_task", "created", "process_id")
        .annotate(sent_back_comment=services.sent_back_comment())
        .order_by("created")
    )
    experiments = deadlines.experiment_values([task.process_id for task in tasks])
    rows = []
    for task in tasks:
        due = deadlines.task_due_on(task, experiments[task.process_id])
        rows.append((task, experiments[task.process_id], due, deadlines.is_overdue(due)))
    # Sponsors and administrators take the stages of agents who left (the queue).
    sees_queue = request.user.is_superuser or has_role(request.user, SPONSORS)
    return render(
        request,
        "experiments/my_tasks.html",
        {
            "rows": rows,
            "sees_queue": sees_queue,
            "actions": action_tracking.open_actions_of(request.user),
            "today": timezone.localdate(),
        },
    )


def task(request, task_pk):
    """A stage of an experiment, at the address its assignee is sent to (e-mails, "My
    tasks"): served by the node's own view behind viewflow's wrapper (assignee only, under
    the flow's lock for a POST). A task done already, or completed meanwhile by a
    concurrent request, says so; a lock that cannot be had says to try again.
    """
    task = get_object_or_404(Task, pk=task_pk, process__flow_class=ExperimentFlow)
    mine = task.owner_id == request.user.pk
    if mine and task.status not in OPEN_STATUSES:
        return unavailable(request, "done", services.experiment_of(task))
    try:
        return stage_view(task.flow_task.name)(
            request, process_pk=task.process_id, task_pk=task.pk
        )
    except FlowLockFailed:
        return unavailable(request, "busy", services.experiment_of(task), status=409)
    except PermissionDenied:
        # viewflow refuses a task that can no longer start as it refuses a stranger.
        if mine and not Task.objects.filter(pk=task.pk, status__in=OPEN_STATUSES).exists():
            return unavailable(request, "done", services.experiment_of(task))
        raise


@functools.cache
def stage_view(name):
    node = getattr(ExperimentFlow, name)
    return wrap_view(node, node.view)
