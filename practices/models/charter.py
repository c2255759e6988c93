from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from ..blocks import CommitmentsBlock
from .moderation import ModeratedPage


class CharterPage(ModeratedPage):
    """The collaboration charter: commitments every agent signs, version by version."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    commitments = StreamField(CommitmentsBlock(), verbose_name=_("commitments"))
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Increase it when the commitments change: every agent will be asked to sign again."
        ),
    )

    content_panels = [
        *ModeratedPage.content_panels,
        FieldPanel("intro"),
        FieldPanel("version"),
        FieldPanel("commitments"),
    ]
    search_fields = [
        *ModeratedPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("commitments"),
    ]
    search_kind_words = "charte"

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("collaboration charter")

    def clean(self):
        super().clean()
        if self.pk:
            signed = self.signatures.aggregate(latest=Max("version"))["latest"] or 0
            if self.version < signed:
                raise ValidationError(
                    {
                        "version": _(
                            "Agents have already signed version %(signed)s: the version "
                            "cannot go back."
                        )
                        % {"signed": signed}
                    }
                )

    def get_context(self, request, *args, **kwargs):
        from ..permissions import reporting_scope

        context = super().get_context(request, *args, **kwargs)
        signatures = (
            list(self.signatures.filter(agent=request.user).order_by("-version")[:1])
            if self.pk
            else []  # a new charter, previewed before its first save
        )
        latest = signatures[0] if signatures else None
        context["signature"] = latest if latest and latest.version == self.version else None
        context["signed_before"] = latest if latest and latest.version < self.version else None
        context["can_see_adhesion"] = reporting_scope(request.user) is not None
        return context


class CharterSignature(models.Model):
    """An agent's commitment to one version of the charter."""

    page = models.ForeignKey(
        CharterPage, verbose_name=_("charter"), on_delete=models.CASCADE, related_name="signatures"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="charter_signatures",
    )
    version = models.PositiveIntegerField(_("version"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("charter signature")
        verbose_name_plural = _("charter signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "agent", "version"], name="one_signature_per_version"
            )
        ]

    def __str__(self):
        return f"{self.agent} – v{self.version}"
