"""The experiments list (/experimentations/): its stage column and its filters."""

import pytest
from django.urls import reverse

from experiments import services
from intranet.accounts.models import Department

pytestmark = pytest.mark.django_db


def rows_of(client, **filters):
    response = client.get(reverse("experiments:list"), filters)
    assert response.status_code == 200
    content = response.content.decode()
    if "<tbody" not in content:  # no experiment matches: a sentence instead of the table
        return ""
    return content[content.index("<tbody") : content.index("</tbody>")]


def test_a_running_experiment_shows_its_stage_in_french(client, lead):
    services.start(lead, "Visio sans fatigue")
    client.force_login(lead)

    body = rows_of(client)

    assert "Visio sans fatigue" in body
    assert "Cadrage" in body
    assert "—</td>" not in body.split("Visio sans fatigue", 1)[1].split("</tr>", 1)[0]


def test_the_direction_filter_keeps_its_services_experiments_and_no_other(
    client, lead, department
):
    direction = department.parent
    other = Department.objects.create(name="Direction des finances")
    services.start(lead, "Dans le service", department=department)
    services.start(lead, "Dans la direction", department=direction)
    services.start(lead, "Ailleurs", department=other)
    client.force_login(lead)

    body = rows_of(client, department=direction.pk)

    assert "Dans le service" in body and "Dans la direction" in body
    assert "Ailleurs" not in body


def test_the_stage_filter_lists_the_experiments_at_that_stage(client, lead):
    services.start(lead, "En cadrage")
    client.force_login(lead)

    assert "En cadrage" in rows_of(client, stage="frame")
    assert "En cadrage" not in rows_of(client, stage="review")
