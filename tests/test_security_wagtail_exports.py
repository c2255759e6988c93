"""Wagtail's spreadsheet exports (its reports, redirects, and the practices reports built on its
ReportView) neutralise formulas as ours do."""

import csv
import inspect
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

from intranet.accounts.models import Department
from intranet.core.spreadsheets import FORMULA_PREFIXES
from intranet.home.models import StandardPage
from practices import services as practices_services
from practices.models import Enrolment, TrainingPage

from .support.exports import FORMULAS, is_number
from .support.practices import (
    enrol,
    make_charter,
    make_onboarding,
    make_session,
    make_training,
    make_training_catalogue,
)

pytestmark = pytest.mark.django_db

PAGE_TITLE = FORMULAS[0]  # =HYPERLINK(…)
WORKFLOW_NAME = FORMULAS[1]  # +cmd…
TASK_NAME = FORMULAS[2]  # -2+3+cmd…
FIRST_NAME = FORMULAS[3]  # @SUM(…)
AUTHOR = f"{FIRST_NAME} Martin"
DIRECTION = FORMULAS[4]  # \t=1+1
SERVICE = FORMULAS[3]
TRAINING = FORMULAS[0]


@pytest.fixture
def admin_client(client, site, make_agent):
    """A superuser named like a formula, who wrote, published, locked and submitted a page
    titled like one to a workflow and a task named like formulas; and a redirect to one."""
    author = make_agent("Martin", first_name=FIRST_NAME, is_superuser=True)
    page = StandardPage(title=PAGE_TITLE, slug="piege")
    site.add_child(instance=page)
    page.save_revision(user=author, log_action=True).publish(user=author)
    page.refresh_from_db()

    workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([Group.objects.get(name="Modérateurs")])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    page.save_revision(user=author)
    workflow.start(page, author)
    StandardPage.objects.filter(pk=page.pk).update(
        locked=True, locked_by=author, locked_at=timezone.now()
    )

    Redirect.objects.create(old_path="/ancien", redirect_link=PAGE_TITLE)
    client.force_login(author)
    return client


# Each export, and the formula cells it must hold, neutralised.
EXPORTS = {
    "wagtailadmin_reports:site_history": [PAGE_TITLE, AUTHOR],
    "wagtailadmin_reports:workflow": [WORKFLOW_NAME, PAGE_TITLE, AUTHOR],
    "wagtailadmin_reports:workflow_tasks": [TASK_NAME, PAGE_TITLE, AUTHOR],
    "wagtailadmin_reports:locked_pages": [PAGE_TITLE, AUTHOR],
    "wagtailadmin_reports:aging_pages": [PAGE_TITLE],  # its user column holds the e-mail
    "wagtailredirects:index": [PAGE_TITLE],
}


@pytest.fixture
def reporter_client(client, site, make_agent):
    """An editor following the practices reports of a direction, a service and a training
    named like formulas, where a newcomer signed the charter and attended the training."""
    direction = Department.objects.create(name=DIRECTION)
    service = Department.objects.create(name=SERVICE, parent=direction)
    newcomer = make_agent("Martin", department=service, arrival_date=timezone.localdate())
    practices_services.sign_charter(make_charter(site), newcomer)
    make_onboarding(site)
    training = make_training(make_training_catalogue(site))
    TrainingPage.objects.filter(pk=training.pk).update(title=TRAINING)
    enrol(make_session(training, days=-7), newcomer, Enrolment.Status.ATTENDED)
    editor = make_agent("Éditrice")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    return client


# Each practices report, and the formula cells its download must hold, neutralised.
PRACTICES_REPORTS = {
    "practices_adhesion": [DIRECTION, SERVICE],
    "practices_onboarding": [DIRECTION, SERVICE],
    "practices_trainings": [TRAINING],
}


def exported_cells(response, file_format):
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "csv":
        text = content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text else ","))
    else:
        workbook = load_workbook(io.BytesIO(content))
        rows = [row for sheet in workbook for row in sheet.iter_rows(values_only=True)]
    return [cell for row in rows for cell in row if isinstance(cell, str)]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("export", EXPORTS)
def test_no_wagtail_export_lets_a_formula_through(admin_client, export, file_format):
    cells = exported_cells(admin_client.get(reverse(export), {"export": file_format}), file_format)

    assert not [
        cell for cell in cells if cell.startswith(FORMULA_PREFIXES) and not is_number(cell)
    ]
    for formula in EXPORTS[export]:
        assert "'" + formula in cells, f"{formula!r} is missing from the export"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("report", PRACTICES_REPORTS)
def test_no_practices_report_lets_a_formula_through(reporter_client, report, file_format):
    cells = exported_cells(
        reporter_client.get(reverse(report), {"export": file_format}), file_format
    )

    assert not [
        cell for cell in cells if cell.startswith(FORMULA_PREFIXES) and not is_number(cell)
    ]
    for formula in PRACTICES_REPORTS[report]:
        assert "'" + formula in cells, f"{formula!r} is missing from the export"


def test_headings_are_neutralised_too():
    view = SpreadsheetExportMixin()
    view.export_headings = {"title": "=1+1"}
    assert view.get_heading(StandardPage.objects.all(), "title") == "'=1+1"


def test_wagtail_still_exports_through_the_neutralised_methods():
    """Fails if Wagtail renames or reshapes the methods intranet/core/spreadsheets.py wraps."""
    assert SpreadsheetExportMixin.neutralises_formulas
    preprocess = SpreadsheetExportMixin.preprocess_field_value.__wrapped__
    heading = SpreadsheetExportMixin.get_heading.__wrapped__
    assert list(inspect.signature(preprocess).parameters) == [
        "self",
        "field",
        "value",
        "export_format",
    ]
    assert list(inspect.signature(heading).parameters) == ["self", "queryset", "field"]
    source = inspect.getsource(SpreadsheetExportMixin)
    assert source.count("self.preprocess_field_value(field, value, self.FORMAT_") == 2
    assert source.count("self.get_heading(queryset, field)") == 2
