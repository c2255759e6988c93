from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from intranet.core.blocks import BodyBlock
from intranet.core.content import shared_content
from intranet.core.hooks import attention_items
from intranet.core.pages import IntranetPageForm, KnownViewRestrictions
from intranet.core.text import SingleLineTitle
from intranet.core.visibility import viewable_pages


class HomePage(SingleLineTitle, KnownViewRestrictions, Page):
    """The landing page of every agent: greeting, what needs attention, latest content."""

    base_form_class = IntranetPageForm
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    latest_count = 6

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attention_items"] = attention_items(request)
        context["latest_pages"] = shared_content(
            request, "latest-pages", self.latest_pages(request), self.pk
        )
        return context

    def latest_pages(self, request):
        def latest():
            pages = (
                viewable_pages(request)
                .descendant_of(self)
                .exclude(last_published_at__isnull=True)
                .order_by("-last_published_at")[: self.latest_count]
            )
            return [
                {"title": page.title, "url": page.get_url(request), "date": page.last_published_at}
                for page in pages
            ]

        return latest


class StandardPage(SingleLineTitle, KnownViewRestrictions, Page):
    """A generic content page: an introduction and free content blocks."""

    base_form_class = IntranetPageForm
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("content"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("standard page")
