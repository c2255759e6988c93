"""Reading the CSV files that people export from spreadsheets, HR software or PIX, and the
one error every importer raises when it refuses a file."""

import codecs
import csv
import io
import unicodedata

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Zip archives (.xlsx, .ods) and the older binary workbooks (.xls).
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


class ImportRefused(Exception):
    """The file was refused and nothing was written; ``problems`` lists every reason, one
    line each, for a person."""

    def __init__(self, problems):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class UnreadableFile(ValueError):
    """The file is not a CSV text we can decode; the message says why, for a person."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1252, the encoding of Excel in France.

    UTF-16 with its byte order mark, what spreadsheets save as "Unicode text", is read too.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode()
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                _("The file's encoding is not recognised (expected UTF-8 or Windows-1252).")
            ) from error
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(WORKBOOK_SIGNATURES):
        raise UnreadableFile(
            _(
                "This is a spreadsheet workbook (.xlsx or .ods), not a CSV file: open it and "
                "save it as “CSV UTF-8”."
            )
        )
    if b"\x00" in data:
        if looks_like_utf16(data):
            raise UnreadableFile(
                _(
                    "The file seems encoded in UTF-16 without a byte order mark: save it "
                    "again as “CSV UTF-8”."
                )
            )
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


def looks_like_utf16(data: bytes) -> bool:
    """Whether the bytes read as UTF-16 give Latin text, as a CSV file would."""
    sample = data[: min(len(data), 4000) // 2 * 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        latin = sum(char.isprintable() and char < "\u0250" or char in "\r\n\t" for char in text)
        if text and latin >= 0.9 * len(text):
            return True
    return False


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
        # The csv module's messages are English and technical; say what went wrong instead.
        if "field larger than field limit" in str(error):
            raise UnreadableFile(
                _(
                    "Line %(line)s has a cell longer than %(limit)s characters: this is not "
                    "the expected file, or a quote is not closed."
                )
                % {
                    "line": reader.line_num,
                    "limit": number_format(csv.field_size_limit(), force_grouping=True),
                }
            ) from error
        raise UnreadableFile(
            _("Line %(line)s cannot be read: a quote is probably not closed.")
            % {"line": reader.line_num}
        ) from error
