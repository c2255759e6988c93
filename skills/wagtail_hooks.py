import datetime

from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from intranet.home.attention import HOOK_NAME, AttentionItem

from .evolution import shared_profiles
from .models import PixCampaign
from .permissions import SkillsOfficerPolicy, is_skills_officer
from .viewsets import PixCampaignViewSet, PixImportView

# New results stay on the home page this long after the agent shared them.
NEW_RESULTS_DAYS = 30

# Registered first: Wagtail would otherwise fall back to Django's model permissions.
register_permission_policy(PixCampaign, SkillsOfficerPolicy(PixCampaign))


class SkillsOfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_skills_officer(request.user)


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("competences/import-pix/", PixImportView.as_view(), name="skills_import_pix")]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return SkillsOfficerMenuItem(
        gettext_lazy("Import PIX"), reverse("skills_import_pix"), icon_name="upload", order=790
    )


@hooks.register("register_admin_viewset")
def register_campaign_viewset():
    return PixCampaignViewSet()


@hooks.register(HOOK_NAME)
def new_pix_results(request):
    """The agent's PIX profile shared lately, for the home page."""
    since = timezone.now() - datetime.timedelta(days=NEW_RESULTS_DAYS)
    latest = (
        shared_profiles()
        .filter(agent=request.user, shared_at__gte=since)
        .select_related("campaign")
        .order_by("-shared_at")
        .first()
    )
    if latest is None:
        return []
    return [
        AttentionItem(
            title=_("Your PIX results are in: see my digital skills"),
            url=reverse("skills:my_skills"),
            description=_("Profile shared on %(date)s in “%(campaign)s”.")
            % {
                "date": date_format(timezone.localtime(latest.shared_at), "DATE_FORMAT"),
                "campaign": latest.campaign.name,
            },
        )
    ]
