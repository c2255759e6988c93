"""What every CSV or XLSX export passes through, so a spreadsheet never runs a formula.

Part of the bottom layer: it imports nothing from the apps, and every app's export uses it.
"""

# A cell starting with one of these is read as a formula by Excel or LibreOffice (tab and
# carriage return hide one behind whitespace).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value, with a text starting like a formula prefixed by an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralised(rows):
    """Rows of cells, each neutralised: headers too, whoever wrote them."""
    return ([neutralise(cell) for cell in row] for row in rows)
