from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "info-circle"
        label = _("Call-out")
        template = "core/blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    author = blocks.CharBlock(label=_("author"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "core/blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    """Generic content blocks; no raw HTML block on purpose."""

    heading = blocks.CharBlock(
        label=_("Heading"),
        form_classname="title",
        icon="title",
        template="core/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul"],
    )
    image = ImageBlock(label=_("Image"))
    callout = CalloutBlock()
    quote = QuoteBlock()
