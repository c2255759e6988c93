"""One view per stage of the experiment flow, each a node's view in flows.py.

Viewflow's node wrapper (viewflow.workflow.flow.utils.wrap_view) calls them with
``request.activation`` once it has checked that the user is the task's assignee and that
the task can start; a POST runs under the flow's lock (select_for_update on the process)
in one transaction, so ``request.activation.process`` is the experiment as it is now and
a second, concurrent completion waits, then finds the task done. A stage is done when its
view calls ``request.activation.execute()``.
"""

from django.contrib import messages
from django.db import transaction
from django.forms.models import construct_instance
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from practices.services import draft_practice_from_experiment
from surveys import services as survey_services
from surveys.results import survey_results

from .action_notifications import notify_actions_assigned
from .follow_up_forms import FollowUpAudienceForm
from .forms import (
    ActionItemFormSet,
    ConfirmForm,
    FrameForm,
    LaunchForm,
    ReviewForm,
    SpreadForm,
    SynthesisForm,
    typed_values,
)
from .models import ActionItem
from .notifications import acting, send_launch_email


def unavailable(request, reason, experiment=None, status=200):
    """Why a task cannot be done now: it is done already, or someone is completing it."""
    return render(
        request,
        "experiments/unavailable.html",
        {"reason": reason, "experiment": experiment},
        status=status,
    )


def render_stage(request, template, **context):
    activation = request.activation
    return render(
        request,
        f"experiments/tasks/{template}.html",
        {
            "task": activation.task,
            "experiment": activation.process,
            "stage": activation.flow_task.task_title,
            **context,
        },
    )


def done(request, success=None, complete=True):
    """The stage's work is saved: finish the task (unless only a draft) and say so."""
    if complete:
        with acting(request.user):
            request.activation.execute()
    messages.success(request, success or _("Done: the experiment moves on."))
    return redirect("experiments:detail", request.activation.process.pk)


def save_form_into(form, experiment):
    """Copy a valid ModelForm onto the experiment read under the lock; save only its fields."""
    names = [name for name in form._meta.fields if name in form.cleaned_data]
    construct_instance(form, experiment, fields=names)
    many = {name for name in names if experiment._meta.get_field(name).many_to_many}
    experiment.save(update_fields=[name for name in names if name not in many])
    for name in many:
        getattr(experiment, name).set(form.cleaned_data[name])


def frame(request, **kwargs):
    experiment = request.activation.process
    submitting = "submit" in request.POST
    form = FrameForm(request.POST or None, instance=experiment, submitting=submitting)
    if request.method == "POST" and form.is_valid():
        save_form_into(form, experiment)
        experiment.approved = None
        experiment.stage_durations = form.stage_durations()
        experiment.save(update_fields=["approved", "stage_durations"])
        if not submitting:
            return done(request, _("Draft saved."), complete=False)
        return done(request, _("Framing sent to the sponsor."))
    previous_review = (
        Task.objects.filter(
            process_id=experiment.pk,
            flow_task=request.activation.flow_class.review,
            status=STATUS.DONE,
        )
        .order_by("-finished")
        .first()
    )
    return render_stage(request, "frame", form=form, previous_review=previous_review)


def review(request, **kwargs):
    experiment, task = request.activation.process, request.activation.task
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approved = form.cleaned_data["decision"] == ReviewForm.APPROVE
        experiment.approved = approved
        experiment.save(update_fields=["approved"])
        task.data = {"approved": approved, "comment": form.cleaned_data["comment"]}
        task.save(update_fields=["data"])
        return done(
            request,
            _("Framing approved.") if approved else _("Framing sent back to the lead."),
        )
    return render_stage(
        request,
        "review",
        form=form,
        practices=experiment.practices.all(),
        tools=experiment.tools.all(),
    )


def launch(request, **kwargs):
    experiment = request.activation.process
    form = LaunchForm(request.POST or None, instance=experiment)
    if request.method == "POST" and form.is_valid():
        save_form_into(form, experiment)
        experiment.participants.set(form.cleaned_data["participant_emails"])
        transaction.on_commit(lambda: send_launch_email.enqueue(experiment.pk))
        return done(request, _("Experiment launched: participants notified."))
    return render_stage(request, "launch", form=form)


def run(request, **kwargs):
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return done(request, _("Experimentation closed: the retrospective survey is open."))
    return render_stage(request, "run", form=form)


def retrospective(request, **kwargs):
    experiment = request.activation.process
    survey = experiment.retrospective_survey
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Closing the survey ends the stage, through the survey_closed signal (the lock
        # held here is the process's own: the receiver takes it again in this transaction).
        with acting(request.user):  # the synthesis it opens is hers: not e-mailed to her
            closed = survey_services.close(survey)
        if not closed:
            return unavailable(request, "done", experiment)
        messages.success(request, _("Retrospective closed: write the synthesis."))
        return redirect("experiments:detail", experiment.pk)
    return render_stage(
        request,
        "retrospective",
        form=form,
        survey=survey,
        answered=survey.invitations.filter(answered=True).count(),
        invited=survey.invitations.count(),
    )


def synthesis(request, **kwargs):
    experiment = request.activation.process
    form = SynthesisForm(request.POST or None, instance=experiment)
    if request.method == "POST" and form.is_valid():
        save_form_into(form, experiment)
        return done(request, _("Synthesis saved."))
    results = (
        survey_results(experiment.retrospective_survey)
        if experiment.retrospective_survey
        else None
    )
    return render_stage(request, "synthesis", form=form, results=results)


def action_plan(request, **kwargs):
    experiment = request.activation.process
    if "add_action" in request.POST:  # "Add an action" without JavaScript: nothing is saved
        formset = ActionItemFormSet.with_one_more_row(request.POST, prefix="actions")
        typed = SpreadForm(request.POST, experiment=experiment)
        spread = SpreadForm(initial=typed_values(typed), experiment=experiment)
        audience = FollowUpAudienceForm(initial=typed_values(FollowUpAudienceForm(request.POST)))
        return render_stage(
            request, "action_plan", formset=formset, form=spread, audience_form=audience
        )
    formset = ActionItemFormSet(request.POST or None, prefix="actions")
    spread = SpreadForm(request.POST or None, experiment=experiment)
    audience = FollowUpAudienceForm(request.POST or None)
    if (
        request.method == "POST"
        and formset.is_valid()
        and spread.is_valid()
        and audience.is_valid()
    ):
        # Before the task completes: the follow-ups are scheduled by the next node.
        experiment.follow_up_include_teams = audience.cleaned_data["follow_up_include_teams"]
        experiment.save(update_fields=["follow_up_include_teams"])
        actions = ActionItem.objects.bulk_create(
            ActionItem(
                experiment=experiment,
                what=form.cleaned_data["what"],
                owner=form.cleaned_data["owner_email"],
                due_date=form.cleaned_data["due_date"],
            )
            for form in formset.forms
            if form.has_changed() and form.cleaned_data
        )
        notify_actions_assigned(actions, by=request.user)
        pages = [
            draft_practice_from_experiment(experiment, page=page)
            for page in spread.cleaned_data["revise"]
        ] + [
            draft_practice_from_experiment(experiment, title=title)
            for title in spread.cleaned_data["new_titles"]
        ]
        experiment.spread_practices.add(*pages)
        return done(request, _("Action plan saved: the follow-up surveys are scheduled."))
    return render_stage(
        request, "action_plan", formset=formset, form=spread, audience_form=audience
    )
