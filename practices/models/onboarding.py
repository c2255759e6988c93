import calendar
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from .moderation import ModeratedPage

NEWCOMER_MONTHS = 3


def newcomers_since(today=None):
    """The arrival date from which an agent is a newcomer: three calendar months back."""
    today = today or timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - NEWCOMER_MONTHS, 12)
    month += 1
    return datetime.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def is_newcomer(agent, today=None):
    return agent.arrival_date is not None and agent.arrival_date >= newcomers_since(today)


class OnboardingPage(ModeratedPage):
    """The path of a newcomer into the city's ways of working together."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *ModeratedPage.content_panels,
        FieldPanel("intro"),
        InlinePanel("steps", heading=_("Steps"), label=_("Step"), min_num=1),
    ]
    search_fields = [
        *ModeratedPage.search_fields,
        index.SearchField("intro"),
        # A method, not RelatedFields: the search backend puts related "title" fields in the
        # page's title, and a step mentioning "visio" outranked the training of that title.
        index.SearchField("steps_text"),
    ]
    search_kind_words = "parcours d'intégration nouvel arrivant nouveaux arrivants"

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("onboarding path")

    def steps_text(self):
        return "\n".join(f"{step.title} {step.description}" for step in self.steps.all())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        steps = list(self.steps.select_related("link_page"))
        done = set(
            OnboardingProgress.objects.filter(
                agent=request.user, step__in=[step.pk for step in steps if step.pk]
            ).values_list("step_id", flat=True)
        )
        for step in steps:
            step.done = step.pk in done
            step.href = step.link_url
            if step.link_page is not None and step.link_page.live:
                step.href = step.link_page.get_url(request)
        context["steps"] = steps
        context["done_count"] = sum(step.done for step in steps)
        return context


class OnboardingStep(Orderable):
    page = ParentalKey(OnboardingPage, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page to open"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    link_url = models.URLField(_("or address to open"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [PageChooserPanel("link_page"), FieldPanel("link_url")], heading=_("Link")
        ),
    ]

    class Meta:
        # Steps made in code without a sort_order keep the order they were made in.
        ordering = ["sort_order", "pk"]
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")

    def __str__(self):
        return self.title


class OnboardingProgress(models.Model):
    """A step an agent has done."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="onboarding_progress",
    )
    step = models.ForeignKey(
        OnboardingStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="progress"
    )
    done_at = models.DateTimeField(_("done at"), default=timezone.now)

    class Meta:
        verbose_name = _("onboarding progress")
        verbose_name_plural = _("onboarding progress")
        constraints = [
            models.UniqueConstraint(fields=["agent", "step"], name="one_progress_per_step")
        ]

    def __str__(self):
        return f"{self.agent} – {self.step}"
