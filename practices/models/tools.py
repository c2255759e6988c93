from django.db import models
from django.db.models import Prefetch
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from intranet.core.visibility import viewable_pages

from .moderation import ModeratedPage
from .trainings import TrainingPage


class ToolNeed(models.Model):
    """A need agents have, e.g. "Meet remotely" or "Write a document together"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ToolQuerySet(models.QuerySet):
    def for_data(self, classification):
        """Tools allowed to hold data of this classification (or a more sensitive one)."""
        levels = Tool.DataClassification.values
        return self.filter(data_classification__in=levels[levels.index(classification) :])


class Tool(index.Indexed, ClusterableModel):
    """A collaboration tool of the catalogue, with the IT department's verdict."""

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", _("Recommended")
        TOLERATED = "tolerated", _("Tolerated")
        DISCOURAGED = "discouraged", _("Discouraged")
        FORBIDDEN = "forbidden", _("Forbidden")

    class DataClassification(models.TextChoices):
        # From the least to the most sensitive: the order matters (see for_data).
        PUBLIC = "public", _("Public data only")
        INTERNAL = "internal", _("Up to internal data")
        SENSITIVE = "sensitive", _("Up to sensitive data")

    name = models.CharField(_("name"), max_length=100, unique=True)
    summary = models.TextField(_("what it is for"), max_length=500)
    needs = ParentalManyToManyField(
        ToolNeed, verbose_name=_("needs it serves"), related_name="tools"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    data_classification = models.CharField(
        _("data it may hold"),
        max_length=20,
        choices=DataClassification.choices,
        default=DataClassification.PUBLIC,
    )
    external_partners = models.BooleanField(
        _("usable with external partners"),
        default=False,
        help_text=_("People outside the city administration can join or share with it."),
    )
    limits = models.TextField(
        _("limits"), blank=True, help_text=_("Storage, number of participants, missing features…")
    )
    guide_url = models.URLField(_("user guide"), blank=True)
    trainings = ParentalManyToManyField(
        "practices.TrainingPage",
        verbose_name=_("trainings"),
        blank=True,
        related_name="tools",
    )
    alternatives = ParentalManyToManyField(
        "self",
        verbose_name=_("alternatives"),
        blank=True,
        symmetrical=False,
        related_name="alternative_to",
        help_text=_("Tools to use instead, or beside it."),
    )

    objects = ToolQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("summary"),
        index.SearchField("limits"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("tool")
        verbose_name_plural = _("tools")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def anchor(self):
        return f"outil-{self.pk}"


class ToolGuidePage(ModeratedPage):
    """ "Which tool for which need": the catalogue as a matrix, then each tool in detail."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*ModeratedPage.content_panels, FieldPanel("intro")]
    search_fields = [
        *ModeratedPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("catalogue_text"),
    ]
    search_kind_words = "outil outils"

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("tool guide")

    def search_kind(self):
        # The page of each tool: "Visio Ville" finds it as if by its title.
        names = Tool.objects.order_by("name").values_list("name", flat=True)
        return " ".join([self.search_kind_words, *names])

    def catalogue_text(self):
        """The whole catalogue, so that the site search finds a tool through this page."""
        return "\n".join(
            f"{tool.name} {tool.summary} {tool.limits}" for tool in Tool.objects.order_by("name")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Named, not imported: the forms import the models.
        form = import_string("practices.forms.ToolGuideFilterForm")(request.GET)
        tools = Tool.objects.prefetch_related(
            "needs",
            Prefetch("alternatives", queryset=Tool.objects.order_by("name")),
            Prefetch(
                "trainings",
                queryset=viewable_pages(request, TrainingPage.objects.all()).order_by("title"),
            ),
        ).order_by("name")
        if form.is_valid():
            tools = form.filter(tools)
        tools = list(tools)
        context["filter_form"] = form
        context["tools"] = tools
        context["statuses"] = Tool.Status.choices
        context["matrix"] = tool_matrix(ToolNeed.objects.all(), tools)
        return context


def tool_matrix(needs, tools):
    """[(need, [tools of each status, in Status order])] for every need."""
    cells = {}
    for tool in tools:
        for need in tool.needs.all():
            cells.setdefault((need.pk, tool.status), []).append(tool)
    return [
        (need, [cells.get((need.pk, status), []) for status in Tool.Status.values])
        for need in needs
    ]
