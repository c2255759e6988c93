from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
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


PLAN_FEATURES = ["bold", "italic", "link", "document-link", "ul", "ol"]
LIST_FEATURES = ["bold", "italic", "link", "ul", "ol"]


def lines(text):
    """The non-blank lines of a field holding one item a line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def validate_site_address(value):
    """An http(s) address; an intranet's host may have no domain (http://intranet/), which
    Django's URL validator refuses."""
    address = urlsplit(value)
    if address.scheme not in ("http", "https") or not address.hostname:
        raise ValidationError(_("Enter the site's address, starting with https:// or http://."))


def has_text(html):
    return bool(strip_tags(html or "").strip())


class AccessibilityStatementPage(SingleLineTitle, KnownViewRestrictions, Page):
    """The accessibility statement of the intranet, on the official RGAA 4.1 model: the fields
    are the facts of the audit, the template holds the model's fixed text. Public, since the
    law wants it reachable from every page, the login page included."""

    class Conformity(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    # A rate of 50 % or more of the criteria met is partial conformity (RGAA 4.1).
    PARTIAL_THRESHOLD = 50

    base_form_class = IntranetPageForm
    entity_name = models.CharField(
        _("entity"),
        max_length=200,
        help_text=_("Who makes the statement, as it begins each sentence: « La Ville de … »."),
    )
    site_url = models.CharField(
        _("address of the site"),
        max_length=200,
        validators=[validate_site_address],
        help_text=_("The site the statement applies to."),
    )
    conformity = models.CharField(
        _("conformity state"),
        max_length=10,
        choices=Conformity.choices,
        default=Conformity.NONE,
        help_text=_(
            "Fully compliant: every criterion met (100 %). Partially compliant: at least 50 % "
            "of the criteria met. Not compliant: no audit yet, or less than 50 %."
        ),
    )
    audit_date = models.DateField(_("date of the audit"), null=True, blank=True)
    auditor = models.CharField(
        _("auditor"),
        max_length=200,
        blank=True,
        help_text=_("« un audit interne » or the name of the firm that made the audit."),
    )
    conformity_rate = models.PositiveSmallIntegerField(
        _("conformity rate"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("The percentage of the RGAA criteria met, from 0 to 100."),
    )
    non_conformities = RichTextField(
        _("non-conformities"),
        blank=True,
        features=LIST_FEATURES,
        help_text=_("The content that does not meet the criteria, and why (a list)."),
    )
    derogations = RichTextField(
        _("derogations for disproportionate burden"),
        blank=True,
        features=LIST_FEATURES,
    )
    exempt_content = RichTextField(
        _("content not subject to the obligation"),
        blank=True,
        features=LIST_FEATURES,
    )
    statement_date = models.DateField(_("date of the statement"))
    updated_on = models.DateField(_("date of the last update"), null=True, blank=True)
    technologies = models.TextField(
        _("technologies used"), help_text=_("One a line: HTML5, CSS, JavaScript…")
    )
    test_environment = models.TextField(
        _("test environment"),
        help_text=_("One combination a line: a browser and an assistive technology."),
    )
    assessment_tools = models.TextField(
        _("tools used for the assessment"), help_text=_("One a line.")
    )
    pages_tested = models.TextField(
        _("pages tested"), help_text=_("One a line: the name of the page and its address.")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_form_url = models.URLField(_("address of the contact form"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    multi_year_plan = RichTextField(
        _("multi-year plan"),
        blank=True,
        features=PLAN_FEATURES,
        help_text=_("The schéma pluriannuel: a link to its document or its page, or its text."),
    )
    action_plan = RichTextField(
        _("this year's action plan"),
        blank=True,
        features=PLAN_FEATURES,
        help_text=_("A link to its document or its page, or its text."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("entity_name"), FieldPanel("site_url")], heading=_("Who and what")
        ),
        MultiFieldPanel(
            [
                FieldPanel("conformity"),
                FieldPanel("audit_date"),
                FieldPanel("auditor"),
                FieldPanel("conformity_rate"),
            ],
            heading=_("Conformity state and test results"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("non_conformities"),
                FieldPanel("derogations"),
                FieldPanel("exempt_content"),
            ],
            heading=_("Non-accessible content"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("statement_date"),
                FieldPanel("updated_on"),
                FieldPanel("technologies"),
                FieldPanel("test_environment"),
                FieldPanel("assessment_tools"),
                FieldPanel("pages_tested"),
            ],
            heading=_("How the statement was made"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("contact_form_url"),
                FieldPanel("postal_address"),
            ],
            heading=_("Feedback and contact"),
            help_text=_("At least one way to reach you."),
        ),
        MultiFieldPanel(
            [FieldPanel("multi_year_plan"), FieldPanel("action_plan")],
            heading=_("Multi-year plan and action plan"),
        ),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("accessibility statement")

    def clean(self):
        super().clean()
        errors = {**self.conformity_errors(), **self.publication_errors()}
        if errors:
            raise ValidationError(errors)

    def conformity_errors(self):
        """What contradicts the RGAA's definition of the state: {field: message}."""
        rate, state = self.conformity_rate, self.conformity
        errors = {}
        if state == self.Conformity.FULL and rate != 100:
            errors["conformity_rate"] = _("A fully compliant site meets 100 % of the criteria.")
        elif state == self.Conformity.PARTIAL and (
            rate is None or not self.PARTIAL_THRESHOLD <= rate < 100
        ):
            errors["conformity_rate"] = _(
                "A partially compliant site meets at least 50 % of the criteria and less than "
                "100 %."
            )
        elif state == self.Conformity.NONE and rate is not None and rate >= self.PARTIAL_THRESHOLD:
            errors["conformity_rate"] = _(
                "With 50 % of the criteria met or more, the site is partially compliant."
            )
        if state != self.Conformity.NONE or rate is not None:
            if self.audit_date is None:
                errors["audit_date"] = _("Give the date of the audit the rate comes from.")
            if not self.auditor.strip():
                errors["auditor"] = _(
                    "Say who made the audit: an internal audit or the firm's name."
                )
        return errors

    def publication_errors(self):
        """What the statement must publish whatever its state: {field: message}."""
        errors = {}
        if self.updated_on and self.statement_date and self.updated_on < self.statement_date:
            errors["updated_on"] = _("The last update cannot come before the statement.")
        if not (self.contact_email or self.contact_form_url or self.postal_address.strip()):
            errors["contact_email"] = _(
                "Give at least one way to reach you: an e-mail, a contact form or a postal "
                "address."
            )
        if not has_text(self.multi_year_plan):
            errors["multi_year_plan"] = _("Publish the multi-year plan: a link or its text.")
        if self.conformity != self.Conformity.FULL and not has_text(self.action_plan):
            errors["action_plan"] = _(
                "Until the site is fully compliant, publish this year's action plan."
            )
        return errors

    def get_url_parts(self, request=None):
        """Served at one fixed, public address (`intranet.home.views.accessibility_statement`)
        whatever its place in the tree: the footer of every page links there."""
        parts = super().get_url_parts(request)
        if parts is None:
            return None
        site_id, root_url, _path = parts
        return site_id, root_url, reverse("accessibility_statement")

    @property
    def technology_list(self):
        return lines(self.technologies)

    @property
    def test_environment_list(self):
        return lines(self.test_environment)

    @property
    def assessment_tool_list(self):
        return lines(self.assessment_tools)

    @property
    def tested_page_list(self):
        return lines(self.pages_tested)
