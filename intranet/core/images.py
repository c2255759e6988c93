"""How this process decodes images: within a pixel limit, and never failing a page for one.

Applied once at start-up by ``intranet.core.apps.WagtailImagesConfig``, so it holds wherever
Pillow opens an image: the upload forms, the renditions made while a page is rendered, the
admin thumbnails, the management commands.
"""

import logging
import warnings
from functools import wraps

from django.conf import settings
from PIL import Image as PILImage
from wagtail.images.exceptions import InvalidFilterSpecError, UnknownOutputImageFormatError
from wagtail.images.models import AbstractImage, SourceImageIOError

logger = logging.getLogger(__name__)


def limit_decoded_pixels():
    """Make Pillow refuse to open any image larger than WAGTAILIMAGES_MAX_IMAGE_PIXELS."""
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    # Pillow raises DecompressionBombError above twice MAX_IMAGE_PIXELS, before allocating a
    # pixel; between once and twice it only warns, and decodes. Half the limit puts the error
    # at the limit itself, whatever warning filters the process runs with (a test runner, a
    # library's catch_warnings), which turning the warning into an error would not.
    PILImage.MAX_IMAGE_PIXELS = limit // 2 if limit else None
    # Below the limit the warning means nothing any more.
    warnings.filterwarnings("ignore", category=PILImage.DecompressionBombWarning)


def render_undecodable_images_as_missing():
    """Have Wagtail treat a stored image Pillow cannot decode like a missing file.

    Every rendition goes through ``AbstractImage.generate_rendition_file``; the error it
    raises becomes Wagtail's ``SourceImageIOError``, which the ``{% image %}`` tag, the
    image block, the admin listings and the chooser already answer with an empty image
    instead of an error page. Such a file can only predate the upload checks.
    """
    generate = AbstractImage.generate_rendition_file
    if getattr(generate, "renders_undecodable_as_missing", False):
        return

    @wraps(generate)
    def generate_rendition_file(self, filter, *, source=None):
        try:
            return generate(self, filter, source=source)
        except (SourceImageIOError, InvalidFilterSpecError, UnknownOutputImageFormatError):
            raise  # a missing file already, or a template's mistake that must show
        except Exception as error:
            # Pillow raises an open set on a truncated, corrupt or oversized file: OSError,
            # EOFError, SyntaxError, struct.error, DecompressionBombError…
            logger.warning(
                "Image %s (%s) cannot be decoded, replace its file: %s", self.pk, self.file, error
            )
            raise SourceImageIOError(str(error)) from error

    generate_rendition_file.renders_undecodable_as_missing = True
    AbstractImage.generate_rendition_file = generate_rendition_file
