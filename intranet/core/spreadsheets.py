"""Every CSV or XLSX file the product serves: written here, so a spreadsheet never runs a
formula, numbers read as French spreadsheets expect, and downloads are answered one way.
"""

import csv
import io
from dataclasses import dataclass
from functools import wraps

from django.http import HttpResponse
from django.utils.formats import number_format
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .scores import XLSX_FORMAT as SCORE_XLSX_FORMAT
from .scores import Score

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

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


@dataclass(frozen=True)
class Sheet:
    """One table of an export: its title (the XLSX tab) and its rows, header first."""

    title: str
    rows: list


def to_csv(sheets):
    """The sheets in one CSV file (UTF-8 with a BOM, ``;``); several sheets follow each other,
    each under its title and followed by an empty line."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 correctly only with a BOM
    writer = csv.writer(buffer, delimiter=";")
    titled = len(sheets) > 1
    for sheet in sheets:
        if titled:
            writer.writerow([neutralise(sheet.title)])
        for row in neutralised(sheet.rows):
            writer.writerow([csv_cell(cell) for cell in row])
        if titled:
            writer.writerow([])
    return buffer.getvalue().encode("utf-8")


def csv_cell(cell):
    if isinstance(cell, Score):
        return cell.as_text()
    # A French spreadsheet reads "2,5", not "2.5".
    return number_format(cell) if isinstance(cell, float) else cell


def xlsx_cell(worksheet, cell):
    if isinstance(cell, Score):
        written = WriteOnlyCell(worksheet, value=int(cell))
        written.number_format = SCORE_XLSX_FORMAT
        return written
    return cell


def to_xlsx(sheets):
    """The sheets as the tabs of one workbook (tab titles cut to Excel's 31 characters)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=str(sheet.title)[:31])
        for row in neutralised(sheet.rows):
            worksheet.append([xlsx_cell(worksheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spreadsheet_response(sheets, file_format, filename):
    """The download of ``sheets`` as ``filename``.csv or .xlsx (``file_format``)."""
    content = to_xlsx(sheets) if file_format == "xlsx" else to_csv(sheets)
    file_format = "xlsx" if file_format == "xlsx" else "csv"
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


class FrenchCsvExport:
    """For views on Wagtail's ``SpreadsheetExportMixin`` (reports, listings): their CSV
    written as ours are, with a BOM and ``;``, which a French spreadsheet opens in columns
    (Wagtail writes ``,`` without a BOM). Headings and cells go through the mixin's own
    ``get_heading`` and ``write_csv_row``, so they stay neutralised."""

    def stream_csv(self, queryset):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=";")
        headings = {field: self.get_heading(queryset, field) for field in self.list_export}
        yield "\ufeff" + writer.writerow(headings)
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))


class Echo:
    """A file that hands back what is written: csv writes one row, the stream yields it."""

    def write(self, value):
        return value


def neutralise_wagtail_exports():
    """Make Wagtail's own spreadsheet exports neutralise every cell, headings included.

    Wagtail's reports (site history, workflows, workflow tasks, aging and locked pages), the
    redirects, form submissions and any listing with ``list_export`` all write through
    ``SpreadsheetExportMixin``: each cell through ``preprocess_field_value``, each heading
    through ``get_heading``, in CSV and XLSX alike. Run once, from the admin's AppConfig.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "neutralises_formulas", False):
        return
    preprocess_field_value = SpreadsheetExportMixin.preprocess_field_value
    get_heading = SpreadsheetExportMixin.get_heading

    @wraps(preprocess_field_value)
    def neutralised_field_value(self, field, value, export_format):
        return neutralise(preprocess_field_value(self, field, value, export_format))

    @wraps(get_heading)
    def neutralised_heading(self, queryset, field):
        return neutralise(get_heading(self, queryset, field))

    SpreadsheetExportMixin.preprocess_field_value = neutralised_field_value
    SpreadsheetExportMixin.get_heading = neutralised_heading
    SpreadsheetExportMixin.neutralises_formulas = True
