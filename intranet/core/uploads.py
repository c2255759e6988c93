"""Limits on what editors may upload through the Wagtail admin."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing files above DOCUMENT_MAX_UPLOAD_SIZE."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if (
            upload
            and "file" in self.changed_data
            and upload.size > settings.DOCUMENT_MAX_UPLOAD_SIZE
        ):
            raise ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.DOCUMENT_MAX_UPLOAD_SIZE),
                }
            )
        return upload


class DecodableImageField(WagtailImageField):
    """Wagtail's image field, refusing with a message a file its decoder fails on.

    Wagtail decodes the whole image to read its size, and lets whatever the decoder raises
    on a truncated or corrupt file (OSError, EOFError, SyntaxError…) become a server error.
    Its own checks (format, size, pixels, decompression bombs) answer first.
    """

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError:
            raise
        except Exception as error:  # whichever the decoder raised, the file is unusable
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error


class ImageForm(BaseImageForm):
    """Wagtail's image form (single and multiple upload, chooser, file replacement), whose
    file field is a DecodableImageField."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Swapped here rather than declared: a declared field would survive the `exclude`
        # of the multiple upload's edit form, which has no file.
        if "file" in self.fields:
            field = self.fields["file"]
            self.fields["file"] = DecodableImageField(
                label=field.label, required=field.required, widget=field.widget
            )
