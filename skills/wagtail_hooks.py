import datetime

from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from intranet.accounts.anonymisation import ANONYMOUS_FIRST_NAME
from intranet.core.hooks import (
    AGENT_ANONYMISATION,
    ATTENTION_ITEMS,
    PERSONAL_DATA,
    AttentionItem,
    PersonalDataSection,
)

from .evolution import shared_profiles
from .models import CompetenceResult, PixCampaign, PixParticipation
from .permissions import SkillsOfficerPolicy, is_skills_officer
from .viewsets import PixCampaignViewSet, PixImportJobView, PixImportView

# New results stay on the home page this long after the agent shared them.
NEW_RESULTS_DAYS = 30

# Registered first: Wagtail would otherwise fall back to Django's model permissions.
register_permission_policy(PixCampaign, SkillsOfficerPolicy(PixCampaign))


class SkillsOfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_skills_officer(request.user)


@hooks.register("register_admin_urls")
def register_import_url():
    return [
        path("competences/import-pix/", PixImportView.as_view(), name="skills_import_pix"),
        path(
            "competences/import-pix/<int:pk>/",
            PixImportJobView.as_view(),
            name="skills_import_pix_job",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return SkillsOfficerMenuItem(
        gettext_lazy("Import PIX"), reverse("skills_import_pix"), icon_name="upload", order=790
    )


@hooks.register("register_admin_viewset")
def register_campaign_viewset():
    return PixCampaignViewSet()


@hooks.register(ATTENTION_ITEMS)
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


@hooks.register(PERSONAL_DATA)
def pix_data(agent):
    """PIX participations matched to the agent, as imported, with their results."""
    results = Prefetch(
        "results",
        queryset=CompetenceResult.objects.select_related("competence").order_by(
            "competence__code"
        ),
    )
    participations = (
        PixParticipation.objects.filter(agent=agent)
        .select_related("campaign")
        .prefetch_related(results)
        .order_by("shared_at", "pk")
    )
    return [
        PersonalDataSection(
            key="pix_participations",
            title=gettext_lazy("PIX participations and results"),
            purpose=gettext_lazy(
                "Imported from the PIX campaigns of the city: shows your digital skills and "
                "their evolution, and, without names, the evolution of each department."
            ),
            records=[
                {
                    "campaign": participation.campaign.name,
                    "campaign_code": participation.campaign.code,
                    "matched_by": participation.matched_by,
                    "last_name_in_file": participation.last_name,
                    "first_name_in_file": participation.first_name,
                    "external_id_in_file": participation.external_id,
                    "email_in_file": participation.email,
                    "shared": participation.is_shared,
                    "shared_at": participation.shared_at,
                    "started_at": participation.started_at,
                    "progression": participation.progression,
                    "pix_total": participation.pix_total,
                    "certifiable": participation.certifiable,
                    "certifiable_competences": participation.certifiable_competences,
                    "mastery_rate": participation.mastery_rate,
                    "results": [
                        {
                            "competence": str(result.competence),
                            "level": result.level,
                            "pix": result.pix,
                            "mastery_rate": result.mastery_rate,
                            "targeted_skills": result.targeted_skills,
                            "mastered_skills": result.mastered_skills,
                        }
                        for result in participation.results.all()
                    ],
                }
                for participation in participations
            ],
        )
    ]


@hooks.register(AGENT_ANONYMISATION)
def forget_pix_identity(agent):
    """The copy of the PIX file's identity columns goes; results and the agent link stay."""
    PixParticipation.objects.filter(agent=agent).update(
        last_name=str(agent.pk), first_name=ANONYMOUS_FIRST_NAME, external_id="", email=""
    )
