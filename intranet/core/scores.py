"""One way to write a recommendation score, from −100 to +100, wherever it is shown.

Pages and the dashboard write it signed, with a typographic minus: "+43", "0", "−12". A
spreadsheet gets a number it can compute with: an XLSX cell shown "+43" by its number format,
a CSV field "+43" or "-12" (the ASCII minus, which spreadsheets read as a number).
"""

MINUS = "\u2212"
XLSX_FORMAT = "+0;-0;0"


class Score(int):
    """A score in a spreadsheet's rows: written signed by ``intranet.core.spreadsheets``."""

    def as_text(self):
        return f"{self:+d}" if self else "0"


def format_score(score):
    """ "+43", "0" or "−12"; "" when there is no score to show (None)."""
    if score is None:
        return ""
    return Score(score).as_text().replace("-", MINUS)


def spreadsheet_score(score):
    """The score as a spreadsheet cell, or None (an empty cell)."""
    return None if score is None else Score(score)
