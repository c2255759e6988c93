"""The agents' access page: activation links and printed access codes.

HR administrators reach every agent; managers the agents of their teams who have no e-mail
(access_codes.agents_in_reach). Codes are shown once, on the cards printed when issued.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..access_codes import agents_in_reach, can_manage_access, is_sign_in_manager, issue_codes
from ..cards import sign_in_cards
from ..forms import AgentAccessFilterForm
from ..models import AccessCode, Agent
from ..notifications import queue_activation_links

PAGE_SIZE = 50


def agents_listed(user, filters):
    """The agents of the page, with what the table shows, in a constant number of queries."""
    pending = AccessCode.objects.live().filter(agent=OuterRef("pk")).values("expires_at")[:1]
    agents = (
        agents_in_reach(user)
        .select_related("department__parent")
        .annotate(code_expires_at=Subquery(pending))
        .order_by("last_name", "first_name", "pk")
    )
    if filters.is_valid():
        query = filters.cleaned_data["q"].strip()
        if query:
            agents = agents.filter(
                Q(last_name__icontains=query)
                | Q(first_name__icontains=query)
                | Q(external_id__iexact=query)
            )
        department = filters.cleaned_data["department"]
        if department:
            agents = agents.filter(department__in=department.with_descendants())
        status = filters.cleaned_data["status"]
        if status == "never":
            agents = agents.filter(last_login__isnull=True)
        elif status == "no_email":
            agents = agents.filter(email__isnull=True)
        elif status == "code":
            agents = agents.filter(code_expires_at__isnull=False)
    return agents


@never_cache
@require_http_methods(["GET", "POST"])
def agent_access(request):
    """GET: the agents, filtered. POST: send activation links, or issue and print codes."""
    if not can_manage_access(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return act_on_selection(request)
    filters = AgentAccessFilterForm(request.GET or None)
    agents = agents_listed(request.user, filters)
    return render(
        request,
        "accounts/agent_access.html",
        {
            "filters": filters,
            "agents": Paginator(agents, PAGE_SIZE).get_page(request.GET.get("page")),
            "activation_door": settings.PASSWORD_LOGIN_ENABLED,
            # Managers reach only agents without e-mail: no link to send them.
            "reaches_emails": is_sign_in_manager(request.user),
            "code_door": settings.ACCESS_CODE_LOGIN_ENABLED,
        },
    )


def act_on_selection(request):
    ids = [value for value in request.POST.getlist("agents") if value.isdigit()]
    chosen = list(agents_in_reach(request.user).filter(pk__in=ids).select_related("department"))
    back = reverse("agent_access") + ("?" + request.GET.urlencode() if request.GET else "")
    if not chosen:
        messages.error(request, _("Select at least one agent of the list."))
        return redirect(back)
    action = request.POST.get("action")
    if action == "activation" and settings.PASSWORD_LOGIN_ENABLED:
        return send_activations(request, chosen, back)
    if action == "codes" and settings.ACCESS_CODE_LOGIN_ENABLED:
        return print_codes(request, chosen)
    messages.error(request, _("Choose what to do with the selected agents."))
    return redirect(back)


def send_activations(request, chosen, back):
    sent = queue_activation_links(Agent.objects.filter(pk__in=[agent.pk for agent in chosen]))
    if sent:
        messages.success(
            request,
            ngettext(
                "An activation link is being sent to %(count)s agent.",
                "Activation links are being sent to %(count)s agents.",
                sent,
            )
            % {"count": sent},
        )
    skipped = len(chosen) - sent
    if skipped:
        messages.info(
            request,
            ngettext(
                "%(count)s agent has no e-mail address or already chose a password: "
                "nothing was sent to them.",
                "%(count)s agents have no e-mail address or already chose a password: "
                "nothing was sent to them.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(back)


def print_codes(request, chosen):
    issued = issue_codes(chosen, by=request.user)
    response = render(
        request,
        "accounts/access_code_cards.html",
        {"cards": sign_in_cards(issued), "issued_by": request.user},
    )
    response["Cache-Control"] = "private, no-store"
    return response
