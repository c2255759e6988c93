"""Every CSV/XLSX export neutralises formulas, whoever typed them and wherever they land."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from intranet.core.spreadsheets import FORMULA_PREFIXES, neutralise

from .support.exports import FORMULAS, is_number


def read(response, file_format):
    """Every cell of an export, as a spreadsheet would read it."""
    assert response.status_code == 200, response.content[:300]
    if file_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for sheet in workbook for row in sheet.iter_rows(values_only=True)]


def assert_neutralised(rows, formulas):
    # XML (XLSX) reads a carriage return back as a line feed.
    cells = [cell.replace("\r", "\n") for row in rows for cell in row if isinstance(cell, str)]
    assert not [
        cell
        for cell in cells
        if cell.startswith(FORMULA_PREFIXES + ("\n",)) and not is_number(cell)
    ]
    for formula in formulas:
        expected = "'" + formula.replace("\r", "\n")
        assert expected in cells, f"{formula!r} is missing from the export"


EXPORTS = {
    "survey results": ("survey_export", FORMULAS),
    "charter adhesion": ("adhesion_export", FORMULAS),
    "impact dashboard": ("dashboard_export", [FORMULAS[0], FORMULAS[3]]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("export", EXPORTS)
def test_no_export_lets_a_formula_through(request, export, file_format):
    fixture, formulas = EXPORTS[export]
    download = request.getfixturevalue(fixture)
    assert_neutralised(read(download(file_format), file_format), formulas)


@given(st.text())
def test_a_neutralised_text_never_starts_like_a_formula_and_keeps_its_content(text):
    value = neutralise(text)
    assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert value in (text, "'" + text)


@pytest.mark.parametrize("value", [12, -3, 2.5, None])
def test_numbers_stay_numbers(value):
    assert neutralise(value) == value
