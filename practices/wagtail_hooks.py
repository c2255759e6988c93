import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, Window
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import GroupApprovalTask, Page, TaskState

from intranet.core.content import shared_content
from intranet.core.hooks import (
    ATTENTION_ITEMS,
    PERSONAL_DATA,
    AttentionItem,
    PersonalDataSection,
    with_the_others_counted,
)
from intranet.core.visibility import viewable_pages, viewable_through

from .models import (
    CharterPage,
    CharterSignature,
    Enrolment,
    OnboardingPage,
    OnboardingProgress,
    PracticePage,
    is_newcomer,
)
from .permissions import reporting_scope
from .viewsets import (
    AdhesionReportView,
    CatalogueViewSetGroup,
    OnboardingReportView,
    TrainingReportView,
    TrainingSessionViewSet,
)

NEW_PRACTICE_DAYS = 30
HOME_ITEMS = 3
# Pages to review listed on the home page; the others are counted, with a link to the admin.
HOME_REVIEWS = 5


@hooks.register("register_admin_viewset")
def register_catalogue():
    return CatalogueViewSetGroup()


@hooks.register("register_admin_viewset")
def register_training_sessions():
    return TrainingSessionViewSet()


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("rapports/adhesion-charte/", AdhesionReportView.as_view(), name="practices_adhesion"),
        path("rapports/integration/", OnboardingReportView.as_view(), name="practices_onboarding"),
        path("rapports/formations/", TrainingReportView.as_view(), name="practices_trainings"),
    ]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return reporting_scope(request.user) is not None


@hooks.register("register_reports_menu_item")
def register_adhesion_report():
    return ReportMenuItem(
        gettext_lazy("Charter adhesion"),
        reverse("practices_adhesion"),
        icon_name="pick",
        order=1300,
    )


@hooks.register("register_reports_menu_item")
def register_onboarding_report():
    return ReportMenuItem(
        gettext_lazy("Onboarding completion"),
        reverse("practices_onboarding"),
        icon_name="user",
        order=1310,
    )


@hooks.register("register_reports_menu_item")
def register_training_report():
    return ReportMenuItem(
        gettext_lazy("Training participation"),
        reverse("practices_trainings"),
        icon_name="date",
        order=1320,
    )


@hooks.register(ATTENTION_ITEMS)
def charter_to_sign(request):
    """The charter, while the agent has not signed its current version."""

    def current_charter():
        charter = viewable_pages(request, CharterPage.objects.all()).first()
        return charter and (charter.pk, charter.version, charter.get_url(request))

    charter = shared_content(request, "charter", current_charter)
    if not charter:
        return []
    page_id, version, url = charter
    signed = set(
        CharterSignature.objects.filter(page_id=page_id, agent=request.user).values_list(
            "version", flat=True
        )
    )
    if version in signed:
        return []
    if signed:
        title = _("The collaboration charter has changed")
        description = _("Version %(version)s is waiting for your commitment.") % {
            "version": version
        }
    else:
        title = _("Sign the collaboration charter")
        description = _("Read our commitments and join them in one click.")
    return [AttentionItem(title, url, description)]


@hooks.register(ATTENTION_ITEMS)
def onboarding_progress(request):
    """A newcomer's progress along the onboarding path, until it is complete."""
    if not is_newcomer(request.user):
        return []
    onboarding = (
        viewable_pages(request, OnboardingPage.objects.all())
        .annotate(
            total=Count("steps", distinct=True),
            done=Count(
                "steps__progress",
                filter=Q(steps__progress__agent=request.user),
                distinct=True,
            ),
        )
        .first()
    )
    if onboarding is None or onboarding.done >= onboarding.total:
        return []
    return [
        AttentionItem(
            _("Your onboarding: %(done)s of %(total)s steps done")
            % {"done": onboarding.done, "total": onboarding.total},
            onboarding.get_url(request),
            _("Welcome! Continue your path to discover how we work together."),
        )
    ]


@hooks.register(ATTENTION_ITEMS)
def next_training_sessions(request):
    """The agent's next sessions, waiting lists included."""
    enrolments = (
        viewable_through(
            request,
            Enrolment.objects.filter(
                agent=request.user,
                status__in=[Enrolment.Status.REGISTERED, Enrolment.Status.WAITING],
                session__starts_at__gt=timezone.now(),
            ),
            "session__training",
        )
        .select_related("session__training")
        .order_by("session__starts_at")[:HOME_ITEMS]
    )
    items = []
    for enrolment in enrolments:
        session = enrolment.session
        if enrolment.status == Enrolment.Status.WAITING:
            description = _("You are on the waiting list.")
        elif session.place:
            description = session.place
        else:
            description = _("Remotely: the link is on the training page.")
        items.append(
            AttentionItem(
                _("Training “%(title)s”, %(date)s")
                % {
                    "title": session.training.title,
                    "date": date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT"),
                },
                session.training.get_url(request) + "#sessions",
                description,
            )
        )
    return items


@hooks.register(ATTENTION_ITEMS)
def pages_to_moderate(request):
    """Pages awaiting my review, for the home page: the oldest first, and a link to the others.

    As Wagtail's "Awaiting your review" (`TaskState.objects.reviewable_by`), in one query: the
    in-progress states of the active group approval tasks of one of my groups (any, for a
    superuser).
    """
    moderated = GroupApprovalTask.objects.filter(groups__in=request.user.groups.all())
    states = list(
        TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            task__active=True,
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
        )
        .filter(Q() if request.user.is_superuser else Q(task__in=moderated.values("pk")))
        .select_related("revision")
        .annotate(total=Window(Count("pk")))
        .order_by("started_at", "pk")[:HOME_REVIEWS]
    )
    items = [
        AttentionItem(
            title=_("Page awaiting your review: %(title)s") % {"title": state.revision.object_str},
            url=reverse("wagtailadmin_pages:edit", args=[state.revision.object_id]),
            description=_(
                "Submitted on %(date)s: approve it or request changes in the administration."
            )
            % {"date": date_format(timezone.localtime(state.started_at), "DATE_FORMAT")},
        )
        for state in states
    ]
    return with_the_others_counted(
        items,
        states[0].total if states else 0,
        lambda count: (
            ngettext(
                "%(count)s other page awaits your review",
                "%(count)s other pages await your review",
                count,
            )
            % {"count": count}
        ),
        reverse("wagtailadmin_home"),
        _("See them all in the administration."),
    )


@hooks.register(ATTENTION_ITEMS)
def latest_practices(request):
    """Practices published in the last weeks (the list is kept for the day, or until the next
    publication).
    """

    def latest():
        since = timezone.now() - datetime.timedelta(days=NEW_PRACTICE_DAYS)
        practices = viewable_pages(
            request, PracticePage.objects.filter(first_published_at__gte=since)
        ).order_by("-first_published_at")[:HOME_ITEMS]
        return [
            AttentionItem(
                _("New practice: %(title)s") % {"title": practice.title},
                practice.get_url(request),
                Truncator(practice.summary).chars(140),
            )
            for practice in practices
        ]

    return shared_content(request, "latest-practices", latest, timezone.localdate())


@hooks.register(PERSONAL_DATA)
def practices_data(agent):
    """Charter signatures, training enrolments and onboarding steps done."""
    return [
        PersonalDataSection(
            key="charter_signatures",
            title=gettext_lazy("Charter signatures"),
            purpose=gettext_lazy(
                "Records your commitment to each version of the collaboration charter; "
                "counted in the adhesion rate of your department."
            ),
            records=list(
                CharterSignature.objects.filter(agent=agent)
                .order_by("signed_at", "pk")
                .values("version", "signed_at", charter=F("page__title"))
            ),
        ),
        PersonalDataSection(
            key="training_enrolments",
            title=gettext_lazy("Training registrations and attendance"),
            purpose=gettext_lazy(
                "Holds your seat in a session, then records your attendance; counted in the "
                "number of training participants."
            ),
            records=list(
                Enrolment.objects.filter(agent=agent)
                .order_by("created_at", "pk")
                .values(
                    "status",
                    registered_at=F("created_at"),
                    training=F("session__training__title"),
                    starts_at=F("session__starts_at"),
                    place=F("session__place"),
                )
            ),
        ),
        PersonalDataSection(
            key="onboarding_progress",
            title=gettext_lazy("Onboarding steps done"),
            purpose=gettext_lazy("Shows your progress on the onboarding path."),
            records=list(
                OnboardingProgress.objects.filter(agent=agent)
                .order_by("done_at", "pk")
                .values("done_at", step_title=F("step__title"))
            ),
        ),
    ]
