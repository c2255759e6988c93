"""StreamField blocks of the practice, charter and training pages. No raw HTML block."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from intranet.core.blocks import QuoteBlock

INLINE_FEATURES = ["bold", "italic", "link", "document-link"]
PROSE_FEATURES = ["h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul"]
VIDEO_EXTENSIONS = (".mp4", ".webm")
CAPTION_EXTENSIONS = (".vtt",)


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"), max_length=200)
    text = blocks.RichTextBlock(label=_("details"), features=INLINE_FEATURES, required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120, default=_("Step by step"))
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Steps")
        template = "practices/blocks/steps.html"


class DoDontBlock(blocks.StructBlock):
    dos = blocks.ListBlock(blocks.CharBlock(label=_("do"), max_length=300), label=_("Do"))
    donts = blocks.ListBlock(blocks.CharBlock(label=_("don't"), max_length=300), label=_("Don't"))

    class Meta:
        icon = "tasks"
        label = _("Do / don't")
        template = "practices/blocks/do_dont.html"


class TipBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(label=_("tip"), features=INLINE_FEATURES)

    class Meta:
        icon = "help"
        label = _("Tip")
        template = "practices/blocks/tip.html"


class ExampleBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    text = blocks.RichTextBlock(label=_("text"), features=INLINE_FEATURES + ["ul"])
    where = blocks.CharBlock(
        label=_("where"),
        max_length=200,
        required=False,
        help_text=_("The team or service where it was done."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Example")
        template = "practices/blocks/example.html"


class VideoBlock(blocks.StructBlock):
    """A video file from the document library, with its captions and a transcript (RGAA)."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    video = DocumentChooserBlock(
        label=_("video file"), help_text=_("An MP4 or WebM file uploaded to the documents.")
    )
    captions = DocumentChooserBlock(
        label=_("captions"),
        required=False,
        help_text=_("A WebVTT (.vtt) subtitles file, strongly recommended."),
    )
    transcript = blocks.RichTextBlock(
        label=_("transcript"),
        features=PROSE_FEATURES,
        help_text=_("The text of the video, for those who cannot watch or hear it."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "practices/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if value["video"] and not value["video"].filename.lower().endswith(VIDEO_EXTENSIONS):
            errors["video"] = ValidationError(_("Choose an MP4 or WebM video file."))
        captions = value["captions"]
        if captions and not captions.filename.lower().endswith(CAPTION_EXTENSIONS):
            errors["captions"] = ValidationError(_("Captions must be a WebVTT (.vtt) file."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class PracticeBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        form_classname="title",
        icon="title",
        template="core/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=PROSE_FEATURES)
    steps = StepsBlock()
    do_dont = DoDontBlock()
    tip = TipBlock()
    example = ExampleBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    image = ImageBlock(label=_("Image"))


class CommitmentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("commitment"), max_length=200)
    text = blocks.RichTextBlock(label=_("explanation"), features=INLINE_FEATURES + ["ul"])

    class Meta:
        icon = "pick"
        label = _("Commitment")
        template = "practices/blocks/commitment.html"


class CommitmentsBlock(blocks.StreamBlock):
    commitment = CommitmentBlock()

    class Meta:
        min_num = 1
