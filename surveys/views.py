from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from intranet.core.spreadsheets import Sheet, spreadsheet_response

from . import exports, services
from .forms import AnswerForm
from .models import Channel, Invitation, Survey
from .permissions import can_see_results
from .results import survey_results


def my_surveys(request):
    """“Mes questionnaires”: my invitations, open ones first."""
    invitations = list(
        Invitation.objects.filter(agent=request.user)
        .select_related("survey")
        .order_by("answered", "survey__closes_at")
    )
    now = timezone.now()
    to_answer = [i for i in invitations if not i.answered and i.survey.is_open(now)]
    others = [i for i in invitations if i not in to_answer]
    return render(
        request, "surveys/my_surveys.html", {"to_answer": to_answer, "others": others, "now": now}
    )


def unavailable(request, reason, survey=None, status=200):
    return render(
        request,
        "surveys/unavailable.html",
        {"reason": reason, "survey": survey},
        status=status,
    )


def survey_detail(request, pk):
    """The survey's presentation, with its anonymity guarantee; invited agents go on."""
    survey = get_object_or_404(Survey, pk=pk)
    invitation = Invitation.objects.filter(survey=survey, agent=request.user).first()
    if invitation is None and not can_see_results(request.user, survey):
        return unavailable(request, "not_invited", survey, status=403)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "invitation": invitation,
            "can_see_results": can_see_results(request.user, survey),
        },
    )


# {survey pk: channel} in the session: how the agent reached a survey's form.
SESSION_CHANNELS = "survey_channels"


@require_http_methods(["GET", "POST"])
def answer_link(request, token):
    """The e-mailed link: its personal token is exchanged for the session, then the agent
    goes on to the survey's own address, the same for every agent. The answers are posted
    there, so no web server or proxy log ties an answer's time to a personal link."""
    invitation = Invitation.objects.filter(token=token).only("survey_id", "agent_id").first()
    if invitation is None:
        return unavailable(request, "unknown_link", status=404)
    if invitation.agent_id != request.user.pk:
        return unavailable(request, "not_yours", invitation.survey, status=403)
    if request.GET.get("via") == "email":
        channels = request.session.get(SESSION_CHANNELS, {})
        channels[str(invitation.survey_id)] = Channel.EMAIL
        request.session[SESSION_CHANNELS] = channels
    if request.method == "POST":
        # A form opened before answers moved to the survey's address: nothing was recorded.
        messages.error(request, _("Your answers were not saved: please send them again."))
    return redirect("surveys:answer", invitation.survey_id)


@require_http_methods(["GET", "POST"])
def answer(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    invitation = (
        Invitation.objects.select_related("agent__department__parent")
        .filter(survey=survey, agent=request.user)
        .first()
    )
    if invitation is None:
        return unavailable(request, "not_invited", survey, status=403)
    invitation.survey = survey
    if invitation.answered:
        return unavailable(request, "already_answered", survey)
    if not survey.has_started():
        return unavailable(request, "not_open_yet", survey)
    if survey.is_closed:
        return unavailable(request, "closed", survey)

    questions = survey.questions.select_related("subject")
    form = AnswerForm(questions, request.POST if request.method == "POST" else None)
    via_email = request.session.get(SESSION_CHANNELS, {}).get(str(survey.pk)) == Channel.EMAIL
    if request.method == "POST" and form.is_valid():
        channel = Channel.EMAIL if via_email else Channel.SIGNED_IN
        try:
            services.submit_response(invitation, form.answers(), channel=channel)
        except services.AlreadyAnswered:
            return unavailable(request, "already_answered", survey)
        except OperationalError:
            messages.error(
                request, _("The server is busy: your answers were not saved. Send again.")
            )
        else:
            channels = request.session.get(SESSION_CHANNELS, {})
            if channels.pop(str(survey.pk), None):
                request.session[SESSION_CHANNELS] = channels
            messages.success(request, _("Thank you, your answers are saved."))
            return redirect("surveys:mine")
    return render(
        request,
        "surveys/answer.html",
        {"survey": survey, "form": form, "fields": form.numbered_fields()},
    )


def results_or_403(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    if not can_see_results(request.user, survey):
        raise PermissionDenied
    return survey


def results(request, pk):
    survey = results_or_403(request, pk)
    return render(
        request,
        "surveys/results.html",
        {
            "results": survey_results(survey),
            "channels": answers_per_channel(survey),
            "kiosk": settings.KIOSK_ENABLED,
        },
    )


def answers_per_channel(survey):
    """[(channel label, count)]: how the answers came, counted on the invitations."""
    counts = dict(
        Invitation.objects.filter(survey=survey, answered=True)
        .values("answered_via")
        .annotate(n=Count("pk"))
        .values_list("answered_via", "n")
    )
    return [
        (label, counts[value])
        for value, label in [*Channel.choices, ("", _("Not recorded (before December 2026)"))]
        if counts.get(value)
    ]


def export(request, pk, file_format):
    survey = results_or_403(request, pk)
    if not survey.results_published:
        messages.error(
            request, _("The answers of an anonymous survey can be exported once it is closed.")
        )
        return redirect("surveys:results", survey.pk)
    if survey.responses.count() < survey.min_group_size:
        messages.error(
            request,
            _("Not enough answers to export them (at least %(k)s).")
            % {"k": survey.min_group_size},
        )
        return redirect("surveys:results", survey.pk)
    rows = exports.export_rows(survey)
    filename = f"resultats-{slugify(survey.title)[:50] or survey.pk}"
    return spreadsheet_response([Sheet(_("Responses"), rows)], file_format, filename)


@require_http_methods(["GET", "POST"])
def close(request, pk):
    """A confirmation page, then the closing itself: it cannot be undone."""
    survey = results_or_403(request, pk)
    if request.method == "GET":
        return render(request, "surveys/confirm_close.html", {"survey": survey})
    if services.close(survey):
        messages.success(request, _("The survey is closed."))
    else:
        messages.info(request, _("The survey was already closed."))
    return redirect("surveys:results", survey.pk)
