import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from intranet.core.spreadsheets import spreadsheet_response
from skills.models import PixCampaign

from . import exports
from .forms import DashboardFilterForm
from .ideas import idea_figures
from .indicators import MINIMUM_GROUP_SIZE, impact_dashboard
from .permissions import dashboard_access, may_refresh_figures

# Longest time one request may take to compute the figures before another one tries.
COMPUTING = 120


def dashboard_cache_key(department, period):
    """The key of the figures, or None when they are not kept (DASHBOARD_CACHE_SECONDS = 0).

    The figures aggregate the whole city's data, which a few minutes' delay does not change
    in meaning; the time of the last PIX import is part of the key, so an import shows at once.
    """
    if not settings.DASHBOARD_CACHE_SECONDS:
        return None
    last_import = PixCampaign.objects.aggregate(last=Max("imported_at"))["last"]
    return ":".join(
        str(part)
        for part in (
            "dashboard",
            department.pk if department else "city",
            period.first_day,
            period.last_day,
            last_import.timestamp() if last_import else "",
        )
    )


def cached_dashboard(key, department, period):
    """The figures, kept DASHBOARD_CACHE_SECONDS. Once they are older, the first request
    computes them again while the others keep showing the previous ones: many requests at
    once never compute them together (seconds of work each on a large city).
    """
    if not key:
        return impact_dashboard(department, period)
    kept = cache.get(key)
    if kept is not None:
        figures, fresh_until = kept
        if time.time() < fresh_until or not cache.add(f"{key}:computing", True, COMPUTING):
            return figures
    figures = impact_dashboard(department, period)
    keep_figures(key, figures)
    return figures


def keep_figures(key, figures):
    """Keep ``figures`` under ``key``, fresh for DASHBOARD_CACHE_SECONDS."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    # Kept twice as long as they are fresh, to be shown while new ones are computed.
    cache.set(key, (figures, time.time() + seconds), timeout=2 * seconds)
    cache.delete(f"{key}:computing")


@require_GET
def dashboard(request):
    """The indicators the city chose, for managers, skills officers and the direction."""
    form = DashboardFilterForm(request.GET, access=dashboard_access(request.user))
    context = {"form": form, "minimum": MINIMUM_GROUP_SIZE}
    if form.is_valid():
        department, period = form.cleaned_data["department"], form.period()
        key = dashboard_cache_key(department, period)
        # Only read when the rendered figures are not in the cache themselves.
        context["dashboard"] = SimpleLazyObject(lambda: cached_dashboard(key, department, period))
        context["dashboard_cache_key"] = key
        context["ideas"] = SimpleLazyObject(
            lambda: idea_figures(department, period, MINIMUM_GROUP_SIZE)
        )
        context["dashboard_cache_seconds"] = settings.DASHBOARD_CACHE_SECONDS
        context["dashboard_cache_minutes"] = max(1, settings.DASHBOARD_CACHE_SECONDS // 60)
        context["may_refresh"] = may_refresh_figures(request.user)
        context["query_string"] = form.query_string()
    return render(request, "dashboard/dashboard.html", context)


@require_POST
def refresh(request):
    """Compute the figures of these filters again now, for those who answer for them."""
    form = DashboardFilterForm(request.GET, access=dashboard_access(request.user))
    if not may_refresh_figures(request.user):
        raise PermissionDenied
    if not form.is_valid():
        return render(
            request,
            "dashboard/dashboard.html",
            {"form": form, "minimum": MINIMUM_GROUP_SIZE},
            status=400,
        )
    department, period = form.cleaned_data["department"], form.period()
    key = dashboard_cache_key(department, period)
    if key:
        if cache.add(f"{key}:computing", True, COMPUTING):
            keep_figures(key, impact_dashboard(department, period))
            cache.delete_many(
                [
                    make_template_fragment_key("dashboard_figures", [key, language])
                    for language, _name in settings.LANGUAGES
                ]
            )
            messages.success(request, _("The figures have been computed again."))
        else:
            messages.info(request, _("The figures are being computed: they will show shortly."))
    return redirect(f"{reverse('dashboard:dashboard')}?{form.query_string()}")


@require_GET
def export(request, file_format):
    """The dashboard's figures as a spreadsheet, with the same filters and permission."""
    form = DashboardFilterForm(request.GET, access=dashboard_access(request.user))
    if not form.is_valid():
        return render(
            request,
            "dashboard/dashboard.html",
            {"form": form, "minimum": MINIMUM_GROUP_SIZE},
            status=400,
        )
    sheets = exports.dashboard_sheets(
        impact_dashboard(form.cleaned_data["department"], form.period())
    )
    period = form.period()
    filename = f"tableau-de-bord-{period.first_day:%Y-%m-%d}-{period.last_day:%Y-%m-%d}"
    return spreadsheet_response(sheets, file_format, filename)
