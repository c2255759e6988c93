"""Which Wagtail workflow moderates the practices content, whatever its place in the tree.

Wagtail assigns workflows to pages by position (a page and its descendants). The practices
content must be moderated whatever its position, so its page types take their workflow
from this setting, created by a data migration and changeable in Settings.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page

from intranet.core.pages import IntranetPageForm, KnownViewRestrictions
from intranet.core.search import KindField
from intranet.core.text import SingleLineTitle


@register_setting(icon="tasks")
class ModerationSettings(BaseGenericSetting):
    workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name=_("moderation workflow"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Changes to the charter, practices, trainings, onboarding and tool guide go "
            "through this workflow before publication."
        ),
    )

    panels = [FieldPanel("workflow")]

    class Meta:
        verbose_name = _("moderation of practices content")


class ModeratedPage(SingleLineTitle, KnownViewRestrictions, Page):
    """A page type whose changes go through the practices moderation workflow."""

    base_form_class = IntranetPageForm
    search_fields = [*Page.search_fields, KindField()]
    # The words that name the page's kind, in French like the content: indexed with the
    # title, so that "formation" finds the trainings. Not shown anywhere.
    search_kind_words = ""

    class Meta:
        abstract = True

    def search_kind(self):
        return self.search_kind_words

    def get_workflow(self):
        if not getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
            return None
        moderation = (
            ModerationSettings.objects.select_related("workflow")
            .filter(workflow__active=True)
            .first()
        )
        return moderation.workflow if moderation else super().get_workflow()

    @property
    def has_workflow(self):
        return self.get_workflow() is not None
