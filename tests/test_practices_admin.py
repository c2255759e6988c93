import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from openpyxl import load_workbook

from intranet.accounts.models import Department
from practices import services
from practices.models import Enrolment, PracticePage

from .support.practices import (
    edit_data,
    enrol,
    make_category,
    make_charter,
    make_library,
    make_onboarding,
    make_session,
    make_training,
    make_training_catalogue,
)

pytestmark = pytest.mark.django_db


def member(make_agent, group, name):
    agent = make_agent(name)
    agent.groups.add(Group.objects.get(name=group))
    return agent


def test_the_training_officer_lists_sessions_with_their_seats(client, make_agent, site):
    officer = member(make_agent, "Référents compétences", "Référente")
    training = make_training(make_training_catalogue(site), "Visio")
    session = make_session(training, capacity=2)
    enrol(session, make_agent()), enrol(session, make_agent())
    enrol(session, make_agent(), Enrolment.Status.WAITING)
    client.force_login(officer)
    response = client.get(reverse("training_sessions:index"))
    assert response.status_code == 200
    row = next(item for item in response.context["object_list"] if item.pk == session.pk)
    assert (row.capacity, row.taken, row.waiting) == (2, 2, 1)
    assert reverse("training_sessions:attendance", args=[session.pk]) in response.content.decode()


def test_editors_find_the_practices_reports_in_the_admin_menu(client, make_agent, site):
    make_charter(site)
    editor = member(make_agent, "Éditeurs", "Éditrice")
    client.force_login(editor)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("practices_adhesion") in content
    response = client.get(reverse("practices_adhesion"))
    assert response.status_code == 200
    assert reverse("practices:adhesion_xlsx") in response.content.decode()


def test_a_manager_with_admin_access_sees_only_their_department_in_the_report(
    client, make_agent, site, department
):
    make_charter(site)
    manager = member(make_agent, "Chefs de projet", "Cheffe")
    manager.user_permissions.add(Permission.objects.get(codename="access_admin"))
    make_agent("Équipier", manager=manager)
    client.force_login(manager)
    response = client.get(reverse("practices_adhesion"))
    names = [row.department.name for row in response.context["rows"] if row.department]
    assert names == [department.name]


def downloaded_rows(response, file_format):
    """The rows of a report's download, each cell as text (an empty cell as "")."""
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        # As our own exports: a BOM and ";", for a French spreadsheet.
        assert content.startswith("\ufeff".encode())
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    workbook = load_workbook(io.BytesIO(content))
    return [
        ["" if cell is None else str(cell) for cell in row]
        for row in workbook.active.iter_rows(values_only=True)
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_adhesion_report_downloads_its_table_by_direction_and_service(
    client, make_agent, site, department, file_format
):
    charter = make_charter(site)
    editor = member(make_agent, "Éditeurs", "Éditrice")
    services.sign_charter(charter, make_agent("Signataire"))
    client.force_login(editor)
    assert reverse("practices_adhesion") + f"?export={file_format}" in (
        client.get(reverse("practices_adhesion")).content.decode()
    )
    response = client.get(reverse("practices_adhesion"), {"export": file_format})
    assert response["Content-Disposition"].startswith('attachment; filename="adhesion-charte-')
    direction = department.parent.name
    assert downloaded_rows(response, file_format) == [
        ["Direction", "Service", "Agents", "Signé", "Taux"],
        [direction, "", "2", "1", "50"],
        [direction, department.name, "2", "1", "50"],
        ["Total", "", "2", "1", "50"],
    ]


def test_a_manager_downloads_only_their_department(client, make_agent, site, department):
    make_charter(site)
    make_onboarding(site)
    Department.objects.create(name="Direction des finances")
    manager = member(make_agent, "Chefs de projet", "Cheffe")
    manager.user_permissions.add(Permission.objects.get(codename="access_admin"))
    make_agent("Équipier", manager=manager)
    client.force_login(manager)
    for name in ["practices_adhesion", "practices_onboarding"]:
        rows = downloaded_rows(client.get(reverse(name), {"export": "csv"}), "csv")
        assert [row[:2] for row in rows[1:]] == [
            [department.parent.name, department.name],
            ["Total", ""],
        ]


def test_the_training_report_downloads_its_participants_per_training(client, make_agent, site):
    officer = member(make_agent, "Référents compétences", "Référente")
    training = make_training(make_training_catalogue(site), "Visio")
    session = make_session(training, days=-7)
    enrol(session, make_agent(), Enrolment.Status.ATTENDED)
    enrol(session, make_agent(), Enrolment.Status.ABSENT)
    client.force_login(officer)
    response = client.get(reverse("practices_trainings"), {"export": "xlsx"})
    assert downloaded_rows(response, "xlsx") == [
        ["Formation", "Sessions", "Inscrit·e", "Participants", "Absent·e"],
        [training.title, "1", "2", "1", "1"],
    ]


def test_an_agent_has_no_practices_report(client, agent, site):
    make_charter(site)
    client.force_login(agent)
    for name in ["practices_adhesion", "practices_onboarding", "practices_trainings"]:
        for query in [{}, {"export": "csv"}]:
            response = client.get(reverse(name), query)
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))


def test_the_moderation_workflow_can_be_changed_in_the_settings(admin_client):
    from practices.models import ModerationSettings

    response = admin_client.get(
        reverse("wagtailsettings:edit", args=["practices", "moderationsettings"]), follow=True
    )
    assert response.status_code == 200
    assert ModerationSettings.objects.get().workflow.name in response.content.decode()


def test_a_slug_taken_by_an_abandoned_draft_is_explained_above_the_tabs(admin_client, site):
    library = make_library(site)
    draft = PracticePage(
        title="Animer une réunion", slug="animer-une-reunion", summary="Brouillon.", live=False
    )
    library.add_child(instance=draft)
    url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", library.pk])
    page = PracticePage(
        title="Animer une réunion",
        slug="animer-une-reunion",
        summary="Neuf.",
        category=make_category(),
    )

    response = admin_client.post(url, edit_data(page))

    assert response.status_code == 200
    assert PracticePage.objects.count() == 1
    # The slug is on the Promote tab: the message at the top of the page says why and what to do.
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    assert (
        "Une page brouillon, jamais publiée, porte déjà l’adresse « animer-une-reunion » : "
        "« Animer une réunion »."
    ) in messages[0]
    assert "« animer-une-reunion-2 » est libre" in messages[0]
