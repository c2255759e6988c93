"""The follow-up stage's page (issue 16 §4): the lead sees the follow-ups scheduled, open and
closed with their results, and may end the experiment early with a reason. Served like
every stage (views.task → viewflow's wrapper: its assignee only, under the flow's lock)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from surveys.results import survey_results

from . import follow_ups
from .follow_up_forms import EndFollowUpForm
from .notifications import acting


def follow_up(request, **kwargs):
    activation = request.activation
    experiment, task = activation.process, activation.task
    form = EndFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        follow_ups.end_early(experiment, task, form.cleaned_data["reason"])
        with acting(request.user):
            activation.execute()
        follow_ups.close_open_surveys(experiment)
        messages.success(
            request, _("Experiment ended: the follow-ups still to come are cancelled.")
        )
        return redirect("experiments:detail", experiment.pk)
    results = (
        survey_results(experiment.retrospective_survey)
        if experiment.retrospective_survey_id
        else None
    )
    comparison = follow_ups.before_after(
        experiment, list(experiment.practices.only("title")), results
    )
    return render(
        request,
        "experiments/tasks/follow_up.html",
        {
            "task": task,
            "experiment": experiment,
            "stage": activation.flow_task.task_title,
            "form": form,
            "comparison": comparison,
        },
    )
