"""What the file-import commands (HR directory, PIX exports) share."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def read_file(path):
    """The file's bytes, or a CommandError saying in one line why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
        ) from error


def refusal(problems):
    """The CommandError of a refused file: every problem, one per line."""
    return CommandError("\n".join([_("The file was refused, nothing was changed:"), *problems]))
