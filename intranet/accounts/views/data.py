from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..anonymisation import (
    ANONYMOUS_DOMAIN,
    AnonymisationRefused,
    anonymise_agent,
    refusal_reason,
)
from ..models import Agent
from ..personal_data import personal_data_json, personal_data_sections
from ..sessions import open_session_count


@never_cache
@require_GET
def my_data(request):
    """“Mes données”: what the intranet holds about me, section by section."""
    return render(
        request,
        "accounts/my_data.html",
        {
            "sections": personal_data_sections(request.user),
            "open_sessions": open_session_count(request.user),
        },
    )


@never_cache
@require_GET
def my_data_download(request):
    """Everything the intranet holds about me, as one JSON file."""
    response = HttpResponse(
        personal_data_json(request.user), content_type="application/json; charset=utf-8"
    )
    filename = f"mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class SuperuserOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            # A real 403: Wagtail would turn a raised PermissionDenied into a redirect.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


def departed_agents():
    """Inactive agents not anonymised yet; superusers are never offered."""
    return (
        Agent.objects.filter(is_active=False, is_superuser=False)
        .exclude(email__endswith="@" + ANONYMOUS_DOMAIN)
        .select_related("department__parent")
        .order_by("last_name", "first_name", "pk")
    )


class DepartedAgentsView(SuperuserOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Inactive agents, each with a button to anonymise them (after a confirmation)."""

    template_name = "accounts/admin/departed_agents.html"
    page_title = gettext_lazy("Departed agents")
    header_icon = "user"
    http_method_names = ["get"]
    per_page = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agents=Paginator(departed_agents(), self.per_page).get_page(self.request.GET.get("p")),
            **kwargs,
        )


class AnonymiseAgentView(SuperuserOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: what anonymising will do. POST: do it."""

    template_name = "accounts/admin/anonymise_confirm.html"
    page_title = gettext_lazy("Anonymise a departed agent")
    header_icon = "user"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs):
        agent = get_object_or_404(Agent, pk=self.kwargs["pk"])
        return super().get_context_data(agent=agent, refusal=refusal_reason(agent), **kwargs)

    def post(self, request, pk):
        agent = get_object_or_404(Agent, pk=pk)
        name = str(agent)
        try:
            result = anonymise_agent(agent, by=request.user)
        except AnonymisationRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("accounts_departed")
        if result.already_done:
            messages.success(request, _("This agent was already anonymised."))
        else:
            messages.success(
                request,
                _("%(name)s is now “%(label)s”: their contributions are kept.")
                % {"name": name, "label": result.agent},
            )
        return redirect("accounts_departed")
