from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from intranet.core.content import shared_content, shared_key
from intranet.core.hooks import PRACTICE_TESTED_BY, collected
from intranet.core.visibility import viewable_pages

from ..blocks import PracticeBodyBlock
from .moderation import ModeratedPage


class PracticeCategory(models.Model):
    """A family of practices: meetings, co-editing, well-being in hybrid work…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("practice category")
        verbose_name_plural = _("practice categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


def with_tools_flag(practices):
    """Annotate ``has_tools``: a practice is "with tools" when it lists at least one tool."""
    used = PracticePage.tools.through.objects.filter(practicepage_id=OuterRef("pk"))
    return practices.annotate(has_tools=Exists(used))


class PracticeIndexPage(ModeratedPage):
    """The practice library: every practice, filtered by category and by use of tools."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*ModeratedPage.content_panels, FieldPanel("intro")]
    search_fields = [*ModeratedPage.search_fields, index.SearchField("intro")]
    search_kind_words = "bonnes pratiques bonne pratique"

    parent_page_types = ["home.HomePage"]
    subpage_types = ["practices.PracticePage"]
    practices_per_page = 12

    class Meta:
        verbose_name = _("practice library")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Named, not imported: the forms import the models.
        form = import_string("practices.forms.PracticeFilterForm")(request.GET)
        practices = with_tools_flag(
            viewable_pages(request, PracticePage.objects.child_of(self))
            .select_related("category")
            .order_by("title")
        )
        if form.is_valid():
            practices = form.filter(practices)
        context["filter_form"] = form
        # Read only when the listing is not in the cache: the template keeps it, the same for
        # every agent refused the same pages, until a page or a category changes. The whole
        # query string is in the key, as the pagination links repeat it.
        listing = SimpleLazyObject(
            lambda: Paginator(practices, self.practices_per_page).get_page(request.GET.get("page"))
        )
        context["practices"] = listing
        context["listing_key"] = shared_key(
            request, "practice-listing", self.pk, sorted(request.GET.lists())
        )
        # For the page's title, kept like the listing: no query once cached.
        context["listing_page"] = SimpleLazyObject(
            lambda: shared_content(
                request,
                "practice-listing-page",
                lambda: (listing.number, listing.paginator.num_pages),
                self.pk,
                sorted(request.GET.lists()),
            )
        )
        return context


class PracticePage(ModeratedPage):
    """A good practice of collaboration, with or without tools."""

    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences shown in the library.")
    )
    category = models.ForeignKey(
        PracticeCategory,
        verbose_name=_("category"),
        null=True,
        on_delete=models.PROTECT,
        related_name="practices",
    )
    body = StreamField(PracticeBodyBlock(), verbose_name=_("content"))
    tools = ParentalManyToManyField(
        "practices.Tool",
        verbose_name=_("tools used"),
        blank=True,
        related_name="practices",
        help_text=_("Leave empty for a practice that needs no digital tool."),
    )
    related_practices = ParentalManyToManyField(
        "self",
        verbose_name=_("related practices"),
        blank=True,
        symmetrical=False,
        related_name="related_to",
    )

    content_panels = [
        *ModeratedPage.content_panels,
        FieldPanel("summary"),
        FieldPanel("category"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("tools"), FieldPanel("related_practices")],
            heading=_("Tools and related practices"),
        ),
    ]
    search_fields = [
        *ModeratedPage.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.RelatedFields("tools", [index.SearchField("name")]),
        index.FilterField("category"),
    ]
    search_kind_words = "bonne pratique bonnes pratiques"

    parent_page_types = ["practices.PracticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def get_context(self, request, *args, **kwargs):
        from surveys.scoring import recommendation_of_page
        from surveys.trends import trend_of_page

        from .tools import ToolGuidePage

        context = super().get_context(request, *args, **kwargs)
        # Through the relations, not a query on them: previews show the draft's choices.
        context["tools"] = self.tools.order_by("name")

        def links():
            related = [practice.pk for practice in self.related_practices.all()]
            pages = viewable_pages(request, PracticePage.objects.filter(pk__in=related))
            tool_guide = viewable_pages(request, ToolGuidePage.objects.all()).first()
            library = self.get_parent()
            return {
                "related_practices": [
                    (page.title, page.get_url(request)) for page in pages.order_by("title")
                ],
                "tool_guide_url": tool_guide.get_url(request) if tool_guide else None,
                "library": (library.title, library.get_url(request)),
            }

        # The same for every agent refused the same pages, until a page changes; a preview
        # shows the draft's own relations.
        if getattr(request, "is_preview", False):
            context.update(links())
        else:
            context.update(shared_content(request, "practice-links", links, self.pk))
        context["recommendation"] = recommendation_of_page(self)
        context["trend"] = trend_of_page(self)
        # Apps that test practices (experiments) list themselves here: practices stays
        # unaware of them.
        context["tested_by"] = collected(PRACTICE_TESTED_BY, request, self)
        return context
