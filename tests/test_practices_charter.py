import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from intranet.accounts.models import Department
from practices import services
from practices.models import CharterSignature

from .support.practices import make_charter

pytestmark = pytest.mark.django_db


@pytest.fixture
def charter(site):
    return make_charter(site)


def sign_url(charter):
    return reverse("practices:sign_charter", args=[charter.pk])


def test_agent_signs_the_charter_in_one_click(agent_client, agent, charter):
    page = agent_client.get(charter.url).content.decode()
    assert "Je m’engage" in page
    response = agent_client.post(sign_url(charter), follow=True)
    content = response.content.decode()
    assert "Merci : vous avez signé la version 1 de la charte." in content
    assert "Vous avez signé la version 1 de la charte le" in content
    assert "Je m’engage" not in content
    assert CharterSignature.objects.get(agent=agent).version == 1


def test_signing_twice_records_one_signature(agent_client, agent, charter):
    agent_client.post(sign_url(charter))
    response = agent_client.post(sign_url(charter), follow=True)
    assert "Vous aviez déjà signé la version 1 de la charte." in response.content.decode()
    assert CharterSignature.objects.filter(agent=agent).count() == 1


def test_a_new_version_asks_the_agent_to_sign_again(agent_client, agent, charter):
    services.sign_charter(charter, agent)
    charter.version = 2
    charter.save_revision().publish()
    content = agent_client.get(charter.url).content.decode()
    assert "Vous aviez signé la version 1 ; la charte a changé depuis." in content
    agent_client.post(sign_url(charter))
    assert sorted(CharterSignature.objects.values_list("version", flat=True)) == [1, 2]


def test_the_version_cannot_go_below_a_signed_one(agent, charter):
    charter.version = 3
    charter.save_revision().publish()
    services.sign_charter(charter, agent)
    charter.version = 2
    with pytest.raises(ValidationError, match="ne peut pas revenir en arrière"):
        charter.full_clean()


def test_signing_is_refused_on_get_and_on_an_unknown_charter(agent_client, charter):
    assert agent_client.get(sign_url(charter)).status_code == 405
    assert agent_client.post(reverse("practices:sign_charter", args=[999999])).status_code == 404
    assert not CharterSignature.objects.exists()


def test_an_unpublished_charter_cannot_be_signed(agent_client, charter):
    charter.unpublish()
    assert agent_client.post(sign_url(charter)).status_code == 404
    assert not CharterSignature.objects.exists()


def test_charter_page_costs_the_same_queries_with_ten_times_more_signatures(
    agent_client, charter, make_agent, django_assert_num_queries
):
    def sign(count):
        for _ in range(count):
            services.sign_charter(charter, make_agent())

    sign(3)
    agent_client.get(charter.url)
    with CaptureQueriesContext(connection) as small:
        agent_client.get(charter.url)
    sign(30)
    with django_assert_num_queries(len(small.captured_queries)):
        agent_client.get(charter.url)


# Adhesion: editors see the city, managers their teams, agents nothing.


@pytest.fixture
def city(db):
    """Two directions, a service each, agents in each; some sign."""
    north = Department.objects.create(name="Direction Nord")
    north_service = Department.objects.create(name="Service Nord", parent=north)
    south = Department.objects.create(name="Direction Sud")
    south_service = Department.objects.create(name="Service Sud", parent=south)
    return north, north_service, south, south_service


@pytest.fixture
def signed_city(city, charter, make_agent):
    north, north_service, south, south_service = city
    director = make_agent("Directrice", department=north)
    people = {
        "director": director,
        "north": [
            make_agent("Nord", department=north_service, manager=director) for _ in range(4)
        ],
        "south": [make_agent("Sud", department=south_service) for _ in range(2)],
    }
    for agent in [director, *people["north"][:2], people["south"][0]]:
        services.sign_charter(charter, agent)
    return people


def test_an_editor_sees_the_adhesion_rate_of_every_department(
    client, make_agent, signed_city, city
):
    editor = make_agent("Éditrice")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    response = client.get(reverse("practices:adhesion"))
    rows = {
        row.department.name if row.department else "total": (row.total, row.done, row.rate)
        for row in response.context["rows"]
    }
    assert rows["Direction Nord"] == (5, 3, 60)
    assert rows["Service Nord"] == (4, 2, 50)
    assert rows["Direction Sud"] == (2, 1, 50)
    assert rows["total"][1] == 4
    content = response.content.decode()
    assert "<caption" in content and 'scope="row"' in content
    assert "60 %" in content


def test_a_manager_sees_only_their_teams(client, signed_city):
    client.force_login(signed_city["director"])
    response = client.get(reverse("practices:adhesion"))
    names = [row.department.name for row in response.context["rows"] if row.department]
    assert names == ["Direction Nord", "Service Nord"]
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("practices:adhesion_csv")).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert len(rows) == 1 + 5
    assert {row[3] for row in rows[1:]} == {"Direction Nord"}


@pytest.mark.parametrize(
    "url_name", ["practices:adhesion", "practices:adhesion_csv", "practices:adhesion_xlsx"]
)
def test_an_agent_cannot_see_the_adhesion_nor_export_it(agent_client, charter, url_name):
    response = agent_client.get(reverse(url_name))
    assert response.status_code == 403
    assert "Content-Disposition" not in response


def test_the_export_lists_every_agent_with_their_signature(client, make_agent, signed_city):
    editor = make_agent("Éditeur")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    signed_city["south"][1].last_name = '=HYPERLINK("http://evil")'
    signed_city["south"][1].save()
    client.force_login(editor)
    response = client.get(reverse("practices:adhesion_csv"))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="signatures-charte-v1-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nom", "Prénom", "E-mail"]
    assert rows[0][5] == "A signé la version 1"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Directrice"][5] == "oui"
    assert by_name["Sud"][5] == "oui"
    assert by_name['\'=HYPERLINK("http://evil")'][5] == "non"

    workbook = load_workbook(io.BytesIO(client.get(reverse("practices:adhesion_xlsx")).content))
    cells = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(isinstance(value, str) and value.startswith("=") for value in cells)
