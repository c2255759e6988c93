"""The reassignment form and the queue of unassigned tasks (issue 16, section 2)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task

from intranet.accounts.models import Agent

from .flows import ExperimentFlow
from .models import Experiment
from .reassignment import (
    ReassignmentRefused,
    can_reassign,
    reassign,
    required_role,
    unassigned_tasks,
)


class ReassignForm(forms.Form):
    to_agent = forms.ModelChoiceField(
        label=gettext_lazy("New assignee"), queryset=Agent.objects.none()
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agent"].queryset = (
            Agent.objects.filter(is_active=True, groups__name=required_role(task))
            .exclude(pk=task.owner_id or 0)
            .order_by("last_name", "first_name")
        )


def reassign_task(request, task_pk):
    task = get_object_or_404(
        Task.objects.select_related("owner"), pk=task_pk, process__flow_class=ExperimentFlow
    )
    experiment = get_object_or_404(Experiment.objects.select_related("lead"), pk=task.process_id)
    if not can_reassign(request.user, experiment):
        raise PermissionDenied
    form = ReassignForm(request.POST or None, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            reassign(
                task, form.cleaned_data["to_agent"], request.user, form.cleaned_data["reason"]
            )
        except ReassignmentRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The stage is reassigned."))
            return redirect("experiments:detail", experiment.pk)
    return render(
        request,
        "experiments/reassign.html",
        {"form": form, "task": task, "experiment": experiment},
    )


def unassigned(request):
    if not (request.user.is_superuser or Experiment.objects.filter(sponsor=request.user).exists()):
        raise PermissionDenied
    tasks = list(unassigned_tasks(request.user).only("flow_task", "created", "process_id"))
    titles = dict(
        Experiment.objects.filter(pk__in=[t.process_id for t in tasks]).values_list("pk", "title")
    )
    rows = [(task, titles[task.process_id]) for task in tasks]
    return render(request, "experiments/unassigned.html", {"rows": rows})
