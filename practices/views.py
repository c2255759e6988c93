from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from intranet.core.spreadsheets import Sheet, spreadsheet_response
from intranet.core.visibility import viewable_pages

from . import exports, services
from .forms import StepForm
from .indicators import charter_adhesion
from .models import CharterPage, OnboardingPage, OnboardingStep, TrainingPage, TrainingSession
from .permissions import reporting_scope


def visible_charter(request):
    charter = viewable_pages(request, CharterPage.objects.all()).first()
    if charter is None:
        raise Http404
    return charter


@require_POST
def sign_charter(request, page_id):
    charter = get_object_or_404(viewable_pages(request, CharterPage.objects.all()), pk=page_id)
    signature, created = services.sign_charter(charter, request.user)
    if created:
        messages.success(
            request,
            _("Thank you: you signed version %(version)s of the charter.")
            % {"version": signature.version},
        )
    else:
        messages.info(
            request,
            _("You had already signed version %(version)s of the charter.")
            % {"version": signature.version},
        )
    return redirect(charter.get_url(request))


def visible_session(request, session_id):
    trainings = viewable_pages(request, TrainingPage.objects.all())
    return get_object_or_404(
        TrainingSession.objects.select_related("training").filter(training__in=trainings),
        pk=session_id,
    )


def session_date(session):
    return date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT")


@require_POST
def register(request, session_id):
    session = visible_session(request, session_id)
    try:
        enrolment, created = services.register(session, request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        when = session_date(session)
        if enrolment.status == enrolment.Status.WAITING:
            messages.warning(
                request,
                _(
                    "The session of %(date)s is full: you are number %(position)s on the "
                    "waiting list. You will get an e-mail if a seat is freed."
                )
                % {"date": when, "position": services.waiting_position(enrolment)},
            )
        elif created:
            messages.success(
                request, _("You are registered to the session of %(date)s.") % {"date": when}
            )
        else:
            messages.info(
                request,
                _("You were already registered to the session of %(date)s.") % {"date": when},
            )
    return redirect(session.training.get_url(request) + "#sessions")


@require_POST
def unregister(request, session_id):
    session = visible_session(request, session_id)
    try:
        services.unregister(session, request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You are no longer registered to the session of %(date)s.")
            % {"date": session_date(session)},
        )
    return redirect(session.training.get_url(request) + "#sessions")


@require_POST
def onboarding_step(request, step_id):
    pages = viewable_pages(request, OnboardingPage.objects.all())
    step = get_object_or_404(
        OnboardingStep.objects.select_related("page").filter(page__in=pages), pk=step_id
    )
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This step could not be updated. Please try again."))
    else:
        services.set_step_done(step, request.user, form.cleaned_data["done"])
        if form.cleaned_data["done"]:
            message = _("Step “%(title)s” done.")
        else:
            message = _("Step “%(title)s” marked as not done.")
        messages.success(request, message % {"title": step.title})
    return redirect(step.page.get_url(request) + f"#etape-{step.pk}")


def adhesion_scope(request):
    departments = reporting_scope(request.user)
    if departments is None:
        raise PermissionDenied
    return departments


@require_GET
def adhesion(request):
    """The charter's adhesion rate per department, for editors and managers."""
    departments = adhesion_scope(request)
    charter = visible_charter(request)
    return render(
        request,
        "practices/adhesion.html",
        {"charter": charter, "rows": charter_adhesion(charter, departments)},
    )


@require_GET
def adhesion_export(request, file_format):
    departments = adhesion_scope(request)
    charter = visible_charter(request)
    rows = exports.signature_rows(charter, departments)
    filename = f"signatures-charte-v{charter.version}-{timezone.localdate():%Y-%m-%d}"
    return spreadsheet_response([Sheet(_("Signatures"), rows)], file_format, filename)
