"""Actions tracked to the end (issue 16, section 3): an action's page, where its owner (or
the lead, the sponsor, an administrator) updates it, and following an experiment."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.status import PROCESS

from . import action_tracking
from .action_forms import ActionUpdateForm
from .models import ActionItem, Experiment


def action(request, pk, action_pk):
    """Whoever may see the experiment's action plan sees the action and its history; those
    who answer for it update it."""
    item = get_object_or_404(
        ActionItem.objects.select_related("experiment", "owner"), pk=action_pk, experiment_id=pk
    )
    experiment = item.experiment
    if experiment.status != PROCESS.DONE and not experiment.is_involved(request.user):
        raise PermissionDenied
    may_update = action_tracking.may_update(request.user, item, experiment)
    if request.method == "POST" and not may_update:
        raise PermissionDenied
    form = ActionUpdateForm(request.POST or None, action=item) if may_update else None
    if request.method == "POST" and form.is_valid():
        try:
            change = action_tracking.update(
                item,
                request.user,
                form.cleaned_data["status"],
                note=form.cleaned_data["progress_note"],
                reason=form.cleaned_data["abandon_reason"],
            )
        except action_tracking.UpdateRefused as refusal:
            form.add_error("status", str(refusal))
        else:
            if change is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("Action updated."))
            return redirect("experiments:action", experiment.pk, item.pk)
    changes = item.changes.select_related("by").order_by("-at", "-pk")
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "experiments/action.html",
        {"experiment": experiment, "action": item, "form": form, "changes": changes},
        status=status,
    )


@require_POST
def follow(request, pk):
    experiment = get_object_or_404(Experiment, pk=pk)
    if not action_tracking.may_follow(request.user, experiment):
        raise PermissionDenied
    if action_tracking.toggle_follow(request.user, experiment):
        messages.success(
            request, _("You follow this experiment: its actions' progress is e-mailed to you.")
        )
    else:
        messages.success(request, _("You no longer follow this experiment."))
    return redirect("experiments:detail", experiment.pk)
