"""Reading the CSV files that people export from spreadsheets and HR software."""

import csv
import io
import unicodedata

from django.utils.translation import gettext as _


class UnreadableFile(ValueError):
    """The file is not a CSV text we can decode; the message says why, for a person."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1252, the encoding of Excel in France."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise UnreadableFile(_("The file is empty."))
    if b"\x00" in data:
        raise UnreadableFile(_("The file is not a CSV text file (it contains binary data)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _("The file's encoding is not recognised (expected UTF-8 or Windows-1252).")
        ) from error


def sniff_delimiter(first_line: str) -> str:
    semicolons, commas = first_line.count(";"), first_line.count(",")
    if not semicolons and not commas:
        raise UnreadableFile(_("The first line has no column separator (“;” or “,”)."))
    return ";" if semicolons >= commas else ","


def normalise_header(text: str) -> str:
    """Compare headers without case, accents, typographic apostrophes or extra spaces."""
    text = text.replace("\ufeff", "").replace("’", "'").strip().lower()
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return " ".join(text.split())


def read_rows(text: str):
    """Yield (line_number, cells) for every non-blank line, the header included."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells
    except csv.Error as error:
        raise UnreadableFile(
            _("Line %(line)s cannot be read: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
