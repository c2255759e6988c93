from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from skills.models import PixCampaign

from . import exports
from .forms import DashboardFilterForm
from .indicators import MINIMUM_GROUP_SIZE, impact_dashboard
from .permissions import dashboard_access

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cached_dashboard(department, period):
    """The figures, kept DASHBOARD_CACHE_SECONDS: they aggregate the whole city's data, which
    a few minutes' delay does not change in meaning. A new PIX import shows at once.
    """
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return impact_dashboard(department, period)
    last_import = PixCampaign.objects.aggregate(last=Max("imported_at"))["last"]
    key = ":".join(
        str(part)
        for part in (
            "dashboard",
            department.pk if department else "city",
            period.first_day,
            period.last_day,
            last_import.timestamp() if last_import else "",
        )
    )
    figures = cache.get(key)
    if figures is None:
        figures = impact_dashboard(department, period)
        cache.set(key, figures, timeout=seconds)
    return figures


@require_GET
def dashboard(request):
    """The indicators the city chose, for managers, skills officers and the direction."""
    form = DashboardFilterForm(request.GET, access=dashboard_access(request.user))
    context = {"form": form, "minimum": MINIMUM_GROUP_SIZE}
    if form.is_valid():
        context["dashboard"] = cached_dashboard(form.cleaned_data["department"], form.period())
        context["query_string"] = form.query_string()
    return render(request, "dashboard/dashboard.html", context)


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
    if file_format == "xlsx":
        response = HttpResponse(exports.to_xlsx(sheets), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(exports.to_csv(sheets), content_type="text/csv; charset=utf-8")
    period = form.period()
    filename = f"tableau-de-bord-{period.first_day:%Y-%m-%d}-{period.last_day:%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response
