from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .evolution import (
    MINIMUM_GROUP_SIZE,
    agent_levels,
    group_evolution,
    is_certifiable,
    profile_campaigns,
    shared_profiles,
)
from .forms import ComparisonForm, MyComparisonForm
from .permissions import aggregate_access


@require_GET
def my_skills(request):
    """The agent's own levels: their latest shared profile and how it evolved."""
    participations = list(
        shared_profiles()
        .filter(agent=request.user)
        .select_related("campaign")
        .order_by("-shared_at", "-pk")
    )
    form = None
    before = after = None
    if len(participations) > 1:
        latest = {"before": participations[1].campaign_id, "after": participations[0].campaign_id}
        data = request.GET if "before" in request.GET else latest
        form = MyComparisonForm(data, participations=participations)
        if form.is_valid():
            before, after = form.chosen()
    elif participations:
        after = participations[0]
    levels = agent_levels(before, after) if after else []
    return render(
        request,
        "skills/my_skills.html",
        {
            "participations": participations,
            "form": form,
            "before": before,
            "after": after,
            "levels": levels,
            "certifiable": after and is_certifiable(level.after for level in levels),
        },
    )


@require_GET
def evolution(request):
    """Department and city figures, for managers and skills officers."""
    access = aggregate_access(request.user)
    department_id = request.GET.get("department")
    if department_id and not access.allows(department_id):
        raise PermissionDenied
    campaigns = list(profile_campaigns())
    context = {"campaigns": campaigns, "minimum": MINIMUM_GROUP_SIZE}
    if len(campaigns) < 2:
        return render(request, "skills/evolution.html", context)
    latest = {
        "mode": ComparisonForm.Mode.CAMPAIGNS,
        "before": campaigns[1].pk,
        "after": campaigns[0].pk,
        "department": access.default_department or "",
    }
    data = request.GET if "mode" in request.GET else latest
    form = context["form"] = ComparisonForm(
        data, campaigns=campaigns, departments=access.departments
    )
    if form.is_valid():
        before, after, before_label, after_label = form.snapshots()
        department = form.chosen_department()
        context.update(
            evolution=group_evolution(before, after, department),
            before_label=before_label,
            after_label=after_label,
            department=department,
        )
    return render(request, "skills/evolution.html", context)
