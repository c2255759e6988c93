"""Limits on what editors may upload through the Wagtail admin."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm


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
