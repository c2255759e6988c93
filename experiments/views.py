import functools

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.forms.models import construct_instance
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow import chart
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from intranet.accounts.models import Department
from intranet.home.chrome import agent_facts
from practices.services import draft_practice_from_experiment
from surveys import services as survey_services
from surveys.results import survey_results

from . import services
from .forms import (
    ActionItemFormSet,
    ConfirmForm,
    FrameForm,
    JournalEntryForm,
    LaunchForm,
    NewExperimentForm,
    ReviewForm,
    SpreadForm,
    SynthesisForm,
)
from .models import STAGES, ActionItem, Experiment, JournalEntry
from .stages import stepper

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


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
            task__flow_task=getattr(services.flow(), stage), task__status__in=OPEN_STATUSES
        )
    if status in (PROCESS.DONE, PROCESS.NEW):
        experiments = experiments.filter(status=status)
    if department.isdigit():
        experiments = experiments.filter(
            department__in=Department.objects.filter(pk=department)
            .values("pk")
            .union(Department.objects.filter(parent_id=department).values("pk"))
        )
    rows = [
        (
            experiment,
            stage_names.get(str(experiment.stage).rsplit(".", 1)[-1])
            if experiment.stage
            else None,
        )
        for experiment in experiments
    ]
    return render(
        request,
        "experiments/list.html",
        {
            "rows": rows,
            "stages": STAGES,
            "departments": Department.objects.filter(parent__isnull=True),
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
        "actions": experiment.actions.select_related("owner"),
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
            journal_form=JournalEntryForm(initial={"kind": JournalEntry.Kind.OBSERVATION})
            if can_write
            else None,
        )
    if experiment.retrospective_survey_id:
        context["results"] = survey_results(experiment.retrospective_survey)
    return render(request, "experiments/detail.html", context)


def page_key(request, experiment, full):
    """The key of the cached parts of an experiment's page: it changes with the experiment's
    revision (its stages, team, journal, actions) and the content version (pages, people).
    """
    version = agent_facts(request)["version"]
    return f"{experiment.pk}:{experiment.revision}:{version}:{int(full)}"


# Its own policy: viewflow's SVG styles itself inline, and an SVG can run no script.
@csp({"default-src": [NONE], "style-src": [UNSAFE_INLINE], "frame-ancestors": [NONE]})
def flow_chart(request, pk):
    experiment = get_object_or_404(Experiment, pk=pk)
    if not experiment.is_involved(request.user) and experiment.status != PROCESS.DONE:
        raise PermissionDenied
    flow_class = services.flow()
    grid = chart.calc_layout_data(flow_class)
    chart.calc_cell_status(flow_class, grid, experiment.pk)
    return HttpResponse(chart.grid_to_svg(grid), content_type="image/svg+xml")


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
            owner=request.user, status__in=OPEN_STATUSES, process__flow_class=services.flow()
        )
        .only("flow_task", "created", "process_id")
        .order_by("created")
    )
    experiments = {
        row["pk"]: row
        for row in Experiment.objects.filter(pk__in=[task.process_id for task in tasks]).values(
            "pk",
            "title",
            "planned_start",
            "planned_end",
            survey_closes_at=F("retrospective_survey__closes_at"),
        )
    }
    rows = [
        (task, experiments[task.process_id], due_date(task, experiments[task.process_id]))
        for task in tasks
    ]
    return render(request, "experiments/my_tasks.html", {"rows": rows})


def due_date(task, experiment):
    """When the stage is expected to be done, from the experiment's dates (a dict)."""
    name = task.flow_task.name
    if name == "launch":
        return experiment["planned_start"]
    if name == "run":
        return experiment["planned_end"]
    if name == "retrospective" and experiment["survey_closes_at"]:
        return timezone.localdate(experiment["survey_closes_at"])
    return None


def unavailable(request, reason, experiment=None, status=200):
    return render(
        request,
        "experiments/unavailable.html",
        {"reason": reason, "experiment": experiment},
        status=status,
    )


def task(request, task_pk):
    """Perform a task of the experiment flow: only its assignee, only once."""
    task = get_object_or_404(Task, pk=task_pk, process__flow_class=services.flow())
    experiment = services.experiment_of(task)
    if task.owner_id != request.user.pk:
        raise PermissionDenied
    if task.status not in (STATUS.ASSIGNED, STATUS.STARTED):
        return unavailable(request, "done", experiment)
    stage = STAGE_VIEWS[task.flow_task.name]
    return stage(request, task, experiment)


def run_task(request, task, apply, complete=True, success=None):
    try:
        services.perform(task.pk, request.user, apply, complete=complete)
    except services.TaskAlreadyDone:
        return unavailable(request, "done", services.experiment_of(task))
    except FlowLockFailed:
        return unavailable(request, "busy", services.experiment_of(task), status=409)
    messages.success(request, success or _("Done: the experiment moves on."))
    return redirect("experiments:detail", task.process_id)


def save_form_into(form, experiment):
    """Copy a valid ModelForm onto the experiment read under the lock; save only its fields."""
    names = [name for name in form._meta.fields if name in form.cleaned_data]
    construct_instance(form, experiment, fields=names)
    many = {name for name in names if experiment._meta.get_field(name).many_to_many}
    experiment.save(update_fields=[name for name in names if name not in many])
    for name in many:
        getattr(experiment, name).set(form.cleaned_data[name])


def render_task(request, task, experiment, template, **context):
    return render(
        request,
        f"experiments/tasks/{template}.html",
        {"task": task, "experiment": experiment, "stage": task.flow_task.task_title, **context},
    )


def frame(request, task, experiment):
    submitting = "submit" in request.POST
    form = FrameForm(request.POST or None, instance=experiment, submitting=submitting)
    if request.method == "POST" and form.is_valid():

        def apply(experiment, task):
            save_form_into(form, experiment)
            experiment.approved = None
            experiment.save(update_fields=["approved"])

        if not submitting:
            return run_task(request, task, apply, complete=False, success=_("Draft saved."))
        return run_task(request, task, apply, success=_("Framing sent to the sponsor."))
    previous_review = (
        Task.objects.filter(
            process_id=experiment.pk, flow_task=services.flow().review, status=STATUS.DONE
        )
        .order_by("-finished")
        .first()
    )
    return render_task(
        request, task, experiment, "frame", form=form, previous_review=previous_review
    )


def review(request, task, experiment):
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approved = form.cleaned_data["decision"] == ReviewForm.APPROVE

        def apply(experiment, task):
            experiment.approved = approved
            experiment.save(update_fields=["approved"])
            task.data = {"approved": approved, "comment": form.cleaned_data["comment"]}
            task.save(update_fields=["data"])

        return run_task(
            request,
            task,
            apply,
            success=_("Framing approved.") if approved else _("Framing sent back to the lead."),
        )
    return render_task(
        request,
        task,
        experiment,
        "review",
        form=form,
        practices=experiment.practices.all(),
        tools=experiment.tools.all(),
    )


def launch(request, task, experiment):
    form = LaunchForm(request.POST or None, instance=experiment)
    if request.method == "POST" and form.is_valid():

        def apply(experiment, task):
            save_form_into(form, experiment)
            experiment.participants.set(form.cleaned_data["participant_emails"])
            transaction.on_commit(lambda: services.send_launch_email.enqueue(experiment.pk))

        return run_task(
            request, task, apply, success=_("Experiment launched: participants notified.")
        )
    return render_task(request, task, experiment, "launch", form=form)


def confirm_stage(template, success):
    def view(request, task, experiment):
        form = ConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return run_task(request, task, lambda experiment, task: None, success=success)
        return render_task(request, task, experiment, template, form=form)

    return view


def retrospective(request, task, experiment):
    form = ConfirmForm(request.POST or None)
    survey = experiment.retrospective_survey
    if request.method == "POST" and form.is_valid():
        # Closing the survey ends the stage, through the survey_closed signal.
        if not survey_services.close(survey):
            return unavailable(request, "done", experiment)
        messages.success(request, _("Retrospective closed: write the synthesis."))
        return redirect("experiments:detail", experiment.pk)
    return render_task(
        request,
        task,
        experiment,
        "retrospective",
        form=form,
        survey=survey,
        answered=survey.invitations.filter(answered=True).count(),
        invited=survey.invitations.count(),
    )


def synthesis(request, task, experiment):
    form = SynthesisForm(request.POST or None, instance=experiment)
    if request.method == "POST" and form.is_valid():

        def apply(experiment, task):
            save_form_into(form, experiment)

        return run_task(request, task, apply, success=_("Synthesis saved."))
    results = (
        survey_results(experiment.retrospective_survey)
        if experiment.retrospective_survey
        else None
    )
    return render_task(request, task, experiment, "synthesis", form=form, results=results)


def action_plan(request, task, experiment):
    formset = ActionItemFormSet(request.POST or None, prefix="actions")
    spread = SpreadForm(request.POST or None, experiment=experiment)
    if request.method == "POST" and formset.is_valid() and spread.is_valid():

        def apply(experiment, task):
            ActionItem.objects.bulk_create(
                ActionItem(
                    experiment=experiment,
                    what=form.cleaned_data["what"],
                    owner=form.cleaned_data["owner_email"],
                    due_date=form.cleaned_data["due_date"],
                )
                for form in formset.forms
                if form.has_changed() and form.cleaned_data
            )
            pages = [
                draft_practice_from_experiment(experiment, page=page)
                for page in spread.cleaned_data["revise"]
            ] + [
                draft_practice_from_experiment(experiment, title=title)
                for title in spread.cleaned_data["new_titles"]
            ]
            experiment.spread_practices.add(*pages)

        return run_task(
            request, task, apply, success=_("Action plan saved: the experiment is finished.")
        )
    return render_task(request, task, experiment, "action_plan", formset=formset, spread=spread)


STAGE_VIEWS = {
    "frame": frame,
    "review": review,
    "launch": launch,
    "run": confirm_stage(
        "run", gettext_lazy("Experimentation closed: the retrospective survey is open.")
    ),
    "retrospective": retrospective,
    "synthesis": synthesis,
    "action_plan": action_plan,
}
