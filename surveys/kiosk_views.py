"""The kiosk (a shared tablet in a depot) and the printed invitation sheets."""

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from intranet.accounts import throttling
from intranet.accounts.cards import card_url, qr_svg
from intranet.core.security import client_ip

from . import services
from .forms import AnswerForm, InvitationSheetsForm, KioskCodeForm
from .kiosk import invitation_for_code, invitation_for_ticket, issue_answer_codes, ticket_for
from .models import Channel, Invitation
from .views import results_or_403


def kiosk_only(view):
    """Kiosk views: open without an account, never cached, gone when the kiosk is off."""

    @login_not_required
    @never_cache
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.KIOSK_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def refusal_of(invitation):
    """Why this invitation cannot be answered now, or None."""
    survey = invitation.survey
    if invitation.answered:
        return _("This code was already used: the answers of this invitation are saved.")
    if not survey.has_started():
        return _("This survey is not open yet.")
    if survey.is_closed:
        return _("This survey is closed: its codes no longer work.")
    if not invitation.agent.is_active:
        return _("This code no longer works.")
    return None


def kiosk_form(request, invitation, form):
    return render(
        request,
        "surveys/kiosk/answer.html",
        {
            "survey": invitation.survey,
            "form": form,
            "fields": form.numbered_fields(),
            "ticket": ticket_for(invitation),
            "idle_seconds": settings.KIOSK_IDLE_SECONDS,
            "idle_minutes": max(1, settings.KIOSK_IDLE_SECONDS // 60),
        },
    )


@kiosk_only
def kiosk(request):
    """The code screen: a code leads to its survey's questions."""
    form = KioskCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        period = timedelta(minutes=settings.KIOSK_FAILURES_PERIOD_MINUTES)
        key = throttling.throttle_key("kiosk-failures", client_ip(request))
        if throttling.attempts(key, period) >= settings.KIOSK_FAILURES_PER_CLIENT:
            form.add_error(
                "code",
                _("Too many wrong codes on this device. Wait %(minutes)s minutes, then retry.")
                % {"minutes": settings.KIOSK_FAILURES_PERIOD_MINUTES},
            )
            status = 429
        else:
            invitation = invitation_for_code(form.cleaned_data["code"])
            refusal = refusal_of(invitation) if invitation else None
            if invitation is None:
                throttling.record(key, period)
                form.add_error("code", _("This code is unknown. Check it and type it again."))
            elif refusal:
                form.add_error("code", refusal)
            else:
                questions = invitation.survey.questions.select_related("subject")
                return kiosk_form(request, invitation, AnswerForm(questions))
    return render(request, "surveys/kiosk/code.html", {"form": form}, status=status)


@kiosk_only
def kiosk_answer(request):
    """The answers of the ticket's invitation; then a thank-you and back to the code screen."""
    if request.method == "GET":
        return redirect("surveys_kiosk")
    invitation = invitation_for_ticket(request.POST.get("ticket", ""))
    if invitation is None:
        return render(request, "surveys/kiosk/expired.html", status=400)
    refusal = refusal_of(invitation)
    if refusal:
        return render(request, "surveys/kiosk/done.html", {"refusal": refusal}, status=409)
    questions = invitation.survey.questions.select_related("subject")
    form = AnswerForm(questions, request.POST)
    if not form.is_valid():
        return kiosk_form(request, invitation, form)
    try:
        services.submit_response(invitation, form.answers(), channel=Channel.KIOSK)
    except services.AlreadyAnswered:
        return render(
            request, "surveys/kiosk/done.html", {"refusal": refusal_of(invitation)}, status=409
        )
    except OperationalError:
        form.add_error(None, _("The server is busy: your answers were not saved. Send again."))
        return kiosk_form(request, invitation, form)
    return render(request, "surveys/kiosk/done.html", {"refusal": None})


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_sheets(request, pk):
    """The owner prints, per team, a sheet per invited agent with their answer code."""
    survey = results_or_403(request, pk)
    if not settings.KIOSK_ENABLED:
        raise Http404
    invitations = Invitation.objects.filter(survey=survey, answered=False, agent__is_active=True)
    form = InvitationSheetsForm(survey, request.POST or None)
    if request.method == "POST" and form.is_valid() and not survey.is_closed:
        chosen = invitations.select_related("agent__department").order_by(
            "agent__last_name", "agent__first_name", "pk"
        )
        if form.cleaned_data["department"]:
            chosen = chosen.filter(
                agent__department__in=form.cleaned_data["department"].with_descendants()
            )
        if form.cleaned_data["without_email_only"]:
            chosen = chosen.filter(agent__email__isnull=True)
        issued = issue_answer_codes(list(chosen))
        response = render(
            request,
            "surveys/invitation_sheets.html",
            {"survey": survey, "sheets": sheets(issued), "kiosk_url": kiosk_address()},
        )
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "surveys/invitation_sheets_form.html",
        {"survey": survey, "form": form, "waiting": invitations.count()},
    )


def kiosk_address():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("surveys_kiosk")


def sheets(issued):
    return [
        {
            "agent": invitation.agent,
            "code": code,
            "qr_svg": qr_svg(card_url("surveys_kiosk", code=code), title=str(invitation.agent)),
        }
        for invitation, code in issued
    ]
