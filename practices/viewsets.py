"""The practices in the Wagtail admin: catalogue snippets, training sessions, reports."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from intranet.core.spreadsheets import FrenchCsvExport
from intranet.core.visibility import viewable_pages

from . import indicators, services
from .forms import ArrivalForm, AttendanceForm, PeriodForm
from .models import (
    NEWCOMER_MONTHS,
    CharterPage,
    Enrolment,
    OnboardingPage,
    PracticeCategory,
    Tool,
    ToolNeed,
    TrainingSession,
    newcomers_since,
)
from .permissions import reporting_scope


class ToolViewSet(SnippetViewSet):
    model = Tool
    icon = "cogs"
    menu_label = gettext_lazy("Tools")
    list_display = [
        "name",
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        Column(
            "data_classification",
            label=gettext_lazy("Data it may hold"),
            accessor="get_data_classification_display",
        ),
        BooleanColumn("external_partners", label=gettext_lazy("External partners")),
    ]
    list_filter = ["status", "data_classification", "external_partners", "needs"]
    search_fields = ["name", "summary"]
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldPanel("summary"),
        FieldPanel("needs", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel(
            [FieldPanel("status"), FieldPanel("data_classification")],
            heading=gettext_lazy("Verdict of the IT department"),
        ),
        FieldPanel("external_partners"),
        FieldPanel("limits"),
        MultiFieldPanel(
            [FieldPanel("guide_url"), FieldPanel("trainings"), FieldPanel("alternatives")],
            heading=gettext_lazy("Help and alternatives"),
        ),
    ]


class ToolNeedViewSet(SnippetViewSet):
    model = ToolNeed
    icon = "help"
    menu_label = gettext_lazy("Needs")
    list_display = ["name", "description"]
    copy_view_enabled = False


class PracticeCategoryViewSet(SnippetViewSet):
    model = PracticeCategory
    icon = "tag"
    menu_label = gettext_lazy("Practice categories")
    list_display = ["name", "slug"]
    copy_view_enabled = False
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]


class CatalogueViewSetGroup(SnippetViewSetGroup):
    items = (ToolViewSet, ToolNeedViewSet, PracticeCategoryViewSet)
    menu_icon = "cogs"
    menu_label = gettext_lazy("Tool catalogue")
    menu_name = "catalogue"
    menu_order = 210


class SessionIndexView(generic.IndexView):
    default_ordering = "-starts_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("training").with_seats()

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("practices.mark_attendance"):
            buttons.append(
                MenuItem(
                    _("Attendance"),
                    url=reverse("training_sessions:attendance", args=[instance.pk]),
                    icon_name="user",
                    priority=5,
                )
            )
        return buttons


class SessionEditView(generic.EditView):
    def save_instance(self):
        # More seats: the waiting list gets them, under the same lock as registrations.
        with transaction.atomic():
            services.lock_session(self.object)
            instance = super().save_instance()
            services.fill_seats(instance)
        return instance


class AttendanceView(WagtailAdminTemplateMixin, TemplateView):
    """Who attended a session: one choice per agent holding a seat."""

    template_name = "practices/admin/attendance.html"
    page_title = gettext_lazy("Attendance")
    header_icon = "user"

    def dispatch(self, request, pk):
        if not request.user.has_perm("practices.mark_attendance"):
            # A real 403: Wagtail would turn a raised PermissionDenied into a redirect.
            return permission_denied(request, PermissionDenied())
        self.session = get_object_or_404(TrainingSession.objects.select_related("training"), pk=pk)
        enrolments = self.session.enrolments.select_related("agent__department").order_by(
            "agent__last_name", "agent__first_name"
        )
        self.seats = [e for e in enrolments if e.status != Enrolment.Status.WAITING]
        self.waiting = [e for e in enrolments if e.status == Enrolment.Status.WAITING]
        self.form = AttendanceForm(
            request.POST if request.method == "POST" else None, enrolments=self.seats
        )
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("training_sessions:index"), "label": _("Training sessions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.session,
            form=self.form,
            rows=[
                (enrolment, self.form[AttendanceForm.field_name(enrolment)])
                for enrolment in self.seats
            ],
            waiting=self.waiting,
            started=self.session.has_started,
            **kwargs,
        )

    def post(self, request, pk):
        if not self.form.is_valid():
            messages.error(request, _("The attendance could not be saved: check each agent."))
            return self.render_to_response(self.get_context_data())
        try:
            services.mark_attendance(self.session, self.form.statuses())
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return self.render_to_response(self.get_context_data())
        messages.success(request, _("Attendance saved."))
        return redirect("training_sessions:index")


class TrainingSessionViewSet(ModelViewSet):
    model = TrainingSession
    icon = "date"
    menu_label = gettext_lazy("Training sessions")
    menu_order = 220
    add_to_admin_menu = True
    name = "training_sessions"
    url_prefix = "sessions-formation"
    copy_view_enabled = False
    index_view_class = SessionIndexView
    edit_view_class = SessionEditView
    list_filter = ["training"]
    list_display = [
        "training",
        DateColumn("starts_at", label=gettext_lazy("Date"), sort_key="starts_at"),
        "place",
        Column("capacity", label=gettext_lazy("Seats")),
        Column("taken", label=gettext_lazy("Registered")),
        Column("waiting", label=gettext_lazy("Waiting list")),
        Column("attended", label=gettext_lazy("Attended")),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/presences/", AttendanceView.as_view(), name="attendance"),
        ]


class PracticesReportView(FrenchCsvExport, ReportView):
    """A figure of the practices for the people allowed to follow it (see reporting_scope),
    its table downloadable as XLSX or CSV through Wagtail's exports."""

    header_icon = "doc-full-inverse"
    paginate_by = None  # a table ends with its total: one page, always

    def dispatch(self, request, *args, **kwargs):
        self.departments = reporting_scope(request.user)
        if self.departments is None:
            # A real 403: Wagtail would turn a raised PermissionDenied into a redirect.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = context["object_list"]
        return context


class DepartmentRatesReportView(PracticesReportView):
    """A rate per department of the scope, each direction followed by its services, then the
    scope's total (indicators.rates_by_department)."""

    list_export = ["direction", "service", "total", "done", "rate"]

    def to_row_dict(self, row):
        department = row.department
        if department is None:
            direction, service = _("Total"), ""
        elif department.parent_id is None:
            direction, service = department.name, ""
        else:
            direction, service = department.parent.name, department.name
        return {
            "direction": direction,
            "service": service,
            "total": row.total,
            "done": row.done,
            "rate": row.rate,
        }


class AdhesionReportView(DepartmentRatesReportView):
    template_name = "practices/admin/adhesion_report.html"
    page_title = gettext_lazy("Charter adhesion")
    export_filename = "adhesion-charte"
    export_headings = {
        "direction": gettext_lazy("Direction"),
        "service": gettext_lazy("Service"),
        "total": gettext_lazy("Agents"),
        "done": gettext_lazy("Signed"),
        "rate": gettext_lazy("Rate"),
    }

    @cached_property
    def charter(self):
        return viewable_pages(self.request, CharterPage.objects.all()).first()

    def get_queryset(self):
        if self.charter is None:
            return []
        return indicators.charter_adhesion(self.charter, self.departments)

    def get_context_data(self, **kwargs):
        return super().get_context_data(charter=self.charter, **kwargs)


class OnboardingReportView(DepartmentRatesReportView):
    template_name = "practices/admin/onboarding_report.html"
    page_title = gettext_lazy("Onboarding completion")
    export_filename = "integration"
    export_headings = {
        "direction": gettext_lazy("Direction"),
        "service": gettext_lazy("Service"),
        "total": gettext_lazy("Newcomers"),
        "done": gettext_lazy("Path complete"),
        "rate": gettext_lazy("Rate"),
    }

    @cached_property
    def onboarding(self):
        return OnboardingPage.objects.live().first()

    @cached_property
    def form(self):
        return ArrivalForm(self.request.GET or None)

    @cached_property
    def since(self):
        return self.form.since(default=newcomers_since())

    def get_queryset(self):
        if self.onboarding is None:
            return []
        return indicators.onboarding_completion(self.onboarding, self.departments, self.since)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            onboarding=self.onboarding,
            since=self.since,
            form=self.form,
            newcomer_months=NEWCOMER_MONTHS,
            **kwargs,
        )


class TrainingReportView(PracticesReportView):
    template_name = "practices/admin/training_report.html"
    page_title = gettext_lazy("Training participation")
    export_filename = "formations"
    list_export = ["title", "sessions", "registered", "participants", "absents"]
    export_headings = {
        "title": gettext_lazy("Training"),
        "sessions": gettext_lazy("Sessions"),
        "registered": gettext_lazy("Registered"),
        "participants": gettext_lazy("Participants"),
        "absents": gettext_lazy("Absent"),
    }

    @cached_property
    def form(self):
        return PeriodForm(self.request.GET or None)

    @cached_property
    def period(self):
        return self.form.period(default_days=365)

    def get_queryset(self):
        start, end = self.period
        return indicators.participants_by_training(start, end, self.departments)

    def get_context_data(self, **kwargs):
        start, end = self.period
        return super().get_context_data(
            form=self.form,
            start=start,
            end=end,
            by_month=indicators.participants_by_month(start, end, self.departments),
            participants=indicators.distinct_participants(start, end, self.departments),
            **kwargs,
        )
