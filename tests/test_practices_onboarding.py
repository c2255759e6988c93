import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.models import Department
from practices import indicators, services
from practices.models import OnboardingProgress, is_newcomer, newcomers_since

from .queries import visit_queries
from .support.practices import (
    make_charter,
    make_onboarding,
    make_session,
    make_training,
    make_training_catalogue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding(site):
    return make_onboarding(site)


def step_url(step):
    return reverse("practices:onboarding_step", args=[step.pk])


def test_a_newcomer_ticks_the_steps_of_the_path(agent_client, agent, onboarding):
    _first, second, _third = onboarding.steps.all()
    content = agent_client.get(onboarding.url).content.decode()
    assert "0 étapes faites sur 3" in content
    assert '<progress max="3" value="0"' in content
    response = agent_client.post(step_url(second), {"done": "1"}, follow=True)
    content = response.content.decode()
    assert "Étape « Rencontrer son binôme » faite." in content
    assert "1 étapes faites sur 3" in content
    assert list(OnboardingProgress.objects.values_list("step", flat=True)) == [second.pk]
    agent_client.post(step_url(second), {"done": "0"})
    assert not OnboardingProgress.objects.exists()


def test_ticking_a_step_twice_records_it_once(agent_client, onboarding):
    step = onboarding.steps.first()
    agent_client.post(step_url(step), {"done": "1"})
    agent_client.post(step_url(step), {"done": "1"})
    assert OnboardingProgress.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"done": "peut-être"}])
def test_a_bad_step_request_changes_nothing(agent_client, onboarding, data):
    response = agent_client.post(step_url(onboarding.steps.first()), data, follow=True)
    assert "Cette étape n’a pas pu être mise à jour." in response.content.decode()
    assert not OnboardingProgress.objects.exists()


def test_an_unknown_step_is_not_found(agent_client, onboarding):
    assert (
        agent_client.post(reverse("practices:onboarding_step", args=[999999])).status_code == 404
    )
    assert agent_client.get(step_url(onboarding.steps.first())).status_code == 405


def test_newcomers_arrived_less_than_three_months_ago(agent):
    today = datetime.date(2026, 5, 31)
    assert newcomers_since(today) == datetime.date(2026, 2, 28)
    assert newcomers_since(datetime.date(2026, 1, 15)) == datetime.date(2025, 10, 15)
    agent.arrival_date = datetime.date(2026, 3, 1)
    assert is_newcomer(agent, today)
    agent.arrival_date = datetime.date(2026, 2, 27)
    assert not is_newcomer(agent, today)
    agent.arrival_date = None
    assert not is_newcomer(agent, today)


def test_onboarding_page_costs_the_same_queries_with_ten_times_more_steps(
    agent_client, agent, site
):
    small = make_onboarding(site, titles=[f"Étape {index}" for index in range(2)])
    services.set_step_done(small.steps.first(), agent, True)
    queries, _response = visit_queries(agent_client, small.url)
    small.delete()
    large = make_onboarding(site, titles=[f"Étape {index}" for index in range(20)])
    for step in large.steps.all()[:10]:
        services.set_step_done(step, agent, True)
    counts, response = visit_queries(agent_client, large.url)
    assert counts == queries
    assert response.context["done_count"] == 10


def test_completion_rate_by_department_counts_newcomers_who_did_every_step(onboarding, make_agent):
    direction = Department.objects.create(name="Direction Est")
    service = Department.objects.create(name="Service Est", parent=direction)
    recent = timezone.localdate() - datetime.timedelta(days=20)
    done = make_agent("Complet", department=service, arrival_date=recent)
    halfway = make_agent("Moitié", department=service, arrival_date=recent)
    make_agent("Ancien", department=service, arrival_date=datetime.date(2010, 1, 1))
    for step in onboarding.steps.all():
        services.set_step_done(step, done, True)
    services.set_step_done(onboarding.steps.first(), halfway, True)
    rows = indicators.onboarding_completion(
        onboarding, direction.with_descendants(), newcomers_since()
    )
    figures = {
        row.department.name if row.department else "total": (row.total, row.done) for row in rows
    }
    assert figures == {"Direction Est": (2, 1), "Service Est": (2, 1), "total": (2, 1)}
    assert rows[0].rate == 50


def test_the_onboarding_report_is_shown_to_editors_not_to_agents(
    client, agent, make_agent, onboarding
):
    editor = make_agent("Éditrice")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    client.force_login(editor)
    response = client.get(reverse("practices_onboarding"))
    assert response.status_code == 200
    assert "Parcours terminé" in response.content.decode()
    response = client.get(reverse("practices_onboarding"), {"arrived_since": "pas une date"})
    assert response.status_code == 200
    assert "Saisissez une date valide." in response.content.decode()
    client.force_login(agent)
    assert client.get(reverse("practices_onboarding")).status_code == 302


def progress_of(agent):
    return set(
        OnboardingProgress.objects.filter(agent=agent).values_list("step__title", flat=True)
    )


def test_signing_the_charter_ticks_the_step_that_links_to_it(
    client, agent, make_agent, site, onboarding
):
    charter = make_charter(site)
    read_the_charter = onboarding.steps.get(title="Lire la charte")
    read_the_charter.link_page = charter
    read_the_charter.save()
    colleague = make_agent()

    client.force_login(agent)
    client.post(reverse("practices:sign_charter", args=[charter.pk]))

    assert progress_of(agent) == {"Lire la charte"}
    assert progress_of(colleague) == set()
    content = client.get(onboarding.url).content.decode()
    assert "1 étapes faites sur 3" in content


def test_enrolling_in_the_linked_training_ticks_its_step(
    client, agent, make_agent, site, onboarding
):
    catalogue = make_training_catalogue(site)
    visio = make_training(catalogue, "Bien démarrer avec la visio")
    other = make_training(catalogue, "Piloter un projet")
    test_the_visio = onboarding.steps.get(title="Tester la visio")
    test_the_visio.link_page = visio
    test_the_visio.save()
    colleague = make_agent()
    client.force_login(agent)

    client.post(reverse("practices:register", args=[make_session(other).pk]))
    assert progress_of(agent) == set()

    client.post(reverse("practices:register", args=[make_session(visio).pk]))
    assert progress_of(agent) == {"Tester la visio"}
    assert progress_of(colleague) == set()
