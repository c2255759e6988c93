"""What the file-import commands (HR directory, PIX exports) share."""

from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The HR directory of the city weighs about 300 KB, a PIX export of every agent about 1 MB:
# anything far larger is the wrong file, refused before it is read into memory.
MAX_FILE_SIZE = 20 * 1024 * 1024


def read_file(path):
    """The file's bytes, or a CommandError saying in one line why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_SIZE:
            raise CommandError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(MAX_FILE_SIZE)}
            )
        return path.read_bytes()
    except OSError as error:
        raise CommandError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
        ) from error


def refusal(problems):
    """The CommandError of a refused file: every problem, one per line."""
    return CommandError("\n".join([_("The file was refused, nothing was changed:"), *problems]))
