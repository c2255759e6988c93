"""PIX in the Wagtail admin: the import form and the read-only list of campaigns."""

import datetime

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import FormView, TemplateView
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from .forms import PixImportForm
from .models import PixCampaign, PixImport
from .permissions import is_skills_officer
from .tasks import abandon_if_lost, start_import

RECENT_IMPORTS = 5  # listed under the upload form
REFUSAL_ID = "pix-import-refusal"


class SkillsOfficerAdminView(WagtailAdminTemplateMixin):
    """An admin page of the PIX imports: skills officers only."""

    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not is_skills_officer(request.user):
            # A real 403: Wagtail would turn a raised PermissionDenied into a redirect.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("pixcampaign:index"),
                "label": capfirst(PixCampaign._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]


class PixImportView(SkillsOfficerAdminView, FormView):
    """Upload of a PIX Orga export: stored, then imported in the background."""

    template_name = "skills/admin/import.html"
    form_class = PixImportForm
    page_title = gettext_lazy("Import a PIX export")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path,
            submit_button_label=_("Import"),
            submit_button_active_label=_("Sending…"),
            recent_imports=PixImport.objects.visible_to(self.request.user)
            .defer("data")
            .select_related("uploaded_by")[:RECENT_IMPORTS],
            **kwargs,
        )

    def form_valid(self, form):
        job = start_import(
            form.cleaned_data["file"],
            uploaded_by=self.request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("skills_import_pix_job", job.pk)


class PixImportJobView(SkillsOfficerAdminView, TemplateView):
    """One import, while it runs (the page follows it) and once it ended: its report."""

    template_name = "skills/admin/import_job.html"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(
            PixImport.objects.visible_to(self.request.user).defer("data"),
            pk=self.kwargs["pk"],
        )
        self.job = abandon_if_lost(job)
        if self.job.status == PixImport.Status.REFUSED:
            kwargs.update(form=PixImportForm(refusal_id=REFUSAL_ID), refusal_id=REFUSAL_ID)
        return super().get_context_data(job=self.job, **kwargs)

    def get_page_title(self):
        return _("Import of “%(file)s”") % {"file": self.job.file_name}

    def get_breadcrumbs_items(self):
        *parents, this_page = super().get_breadcrumbs_items()
        upload = {"url": reverse("skills_import_pix"), "label": PixImportView.page_title}
        return [*parents, upload, this_page]


class CampaignIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().with_figures()

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Import a PIX export"),
                url=reverse("skills_import_pix"),
                icon_name="upload",
            )
        ]


class CampaignInspectView(generic.InspectView):
    template_name = "skills/admin/campaign_inspect.html"

    def get_object(self, queryset=None):
        return PixCampaign.objects.with_figures().get(pk=self.pk)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        # Wagtail's template formats values with |localize, which leaves a datetime in UTC.
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value)
        return value

    def get_imported_by_display_value(self):
        return str(self.object.imported_by or "–")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unmatched=self.object.participations.filter(agent__isnull=True).order_by(
                "last_name", "first_name"
            ),
            **kwargs,
        )


class PixCampaignViewSet(ModelViewSet):
    model = PixCampaign
    icon = "table"
    menu_order = 800
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = CampaignIndexView
    inspect_view_class = CampaignInspectView
    list_display = [
        "name",
        "pix_id",
        "kind",
        Column("participants", label=gettext_lazy("Participants"), sort_key="participants"),
        Column("matched", label=gettext_lazy("Matched to an agent"), sort_key="matched"),
        Column("unmatched", label=gettext_lazy("Unmatched"), sort_key="unmatched"),
        Column("shared", label=gettext_lazy("Shared"), sort_key="shared"),
        DateColumn("imported_at", label=gettext_lazy("Last imported"), sort_key="imported_at"),
    ]
    inspect_view_fields = [
        "name",
        "pix_id",
        "code",
        "kind",
        "target_profile",
        "organisation",
        "file_rows",
        "imported_at",
        "imported_by",
    ]

    def get_urlpatterns(self):
        # Campaigns change only through imports: listing and inspection, nothing else.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self):
        # Access follows the skills officers' group (see SkillsOfficerPolicy), not permissions.
        return Permission.objects.none()
