"""Writing « Vous avez dit, nous avons fait » (issue 16, section 5): the lead, once the
synthesis is done."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import announcements
from .announcement_forms import ChangesAnnouncedForm
from .models import Experiment


def announce_changes(request, pk):
    experiment = get_object_or_404(
        Experiment.objects.select_related("retrospective_survey"), pk=pk
    )
    if not announcements.may_write(request.user, experiment):
        raise PermissionDenied
    if not announcements.is_time(experiment):
        return render(
            request, "experiments/announce_changes.html", {"experiment": experiment}, status=409
        )
    published = experiment.changes_announced_at is not None
    form = ChangesAnnouncedForm(
        request.POST or None,
        initial={"text": experiment.changes_announced},
        published=published,
    )
    if request.method == "POST" and form.is_valid():
        emailed = announcements.announce(
            experiment,
            request.user,
            form.cleaned_data["text"],
            notify_again=form.cleaned_data.get("notify_again", False),
        )
        if emailed:
            messages.success(
                request, _("Published and e-mailed to everyone invited to the retrospective.")
            )
        else:
            messages.success(request, _("Updated on the experiment's page (no e-mail sent)."))
        return redirect("experiments:detail", experiment.pk)
    return render(
        request,
        "experiments/announce_changes.html",
        {"experiment": experiment, "form": form, "published": published},
    )
