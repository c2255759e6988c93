"""The dashboard says when its figures were computed, and those who answer for them may have
them computed again at once instead of waiting DASHBOARD_CACHE_SECONDS."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse
from django.utils import formats, timezone

from intranet.accounts.models import Department

from .support.dashboard import DASHBOARD, PERIOD, add_agents, login
from .support.skills import skills_officer

pytestmark = pytest.mark.django_db

REFRESH = reverse("dashboard:refresh")


@pytest.fixture(autouse=True)
def kept_figures(settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager(site):
    service = Department.objects.create(name="Service voirie")
    head = add_agents(service, 1, "cheffe")[0]
    add_agents(service, 5, "agent", manager=head)
    return head


def computed_line(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one(".dashboard-computed").get_text(" ", strip=True)


def refresh_button(response):
    return BeautifulSoup(response.content, "html.parser").select_one(".dashboard-refresh")


def test_the_figures_say_when_they_were_computed_in_paris_time(client, site):
    login(client, skills_officer())
    before = timezone.now()
    response = client.get(DASHBOARD, PERIOD)

    computed_at = response.context["dashboard"].computed_at
    assert before <= computed_at <= timezone.now()
    shown = formats.date_format(timezone.localtime(computed_at), "DATETIME_FORMAT")
    assert computed_line(response) == f"Chiffres calculés le {shown}."
    assert timezone.localtime(computed_at).tzname() in ("CET", "CEST")


def test_a_skills_officer_has_the_figures_computed_again_at_once(client, site):
    login(client, skills_officer())
    page = client.get(DASHBOARD, PERIOD)
    first = page.context["dashboard"].computed_at
    # What a reader of the kept page gets until the figures expire.
    fragment = make_template_fragment_key(
        "dashboard_figures", [page.context["dashboard_cache_key"], "fr"]
    )
    cache.set(fragment, "<p>Chiffres périmés</p>", 300)
    assert "Chiffres périmés" in client.get(DASHBOARD, PERIOD).content.decode()

    form = refresh_button(client.get(DASHBOARD, PERIOD))
    assert form["action"].startswith(REFRESH + "?")
    response = client.post(form["action"], follow=True)

    assert response.redirect_chain[-1][0].startswith(DASHBOARD + "?")
    page = response.content.decode()
    assert "Les chiffres ont été calculés à nouveau." in page
    assert "Chiffres périmés" not in page
    recomputed = response.context["dashboard"].computed_at
    assert recomputed > first
    shown = formats.date_format(timezone.localtime(recomputed), "DATETIME_FORMAT")
    assert computed_line(response) == f"Chiffres calculés le {shown}."


def test_a_manager_sees_the_figures_time_but_may_not_have_them_recomputed(client, manager):
    login(client, manager)
    page = client.get(DASHBOARD, PERIOD)
    assert page.status_code == 200
    assert computed_line(page).startswith("Chiffres calculés le ")
    assert refresh_button(page) is None

    response = client.post(f"{REFRESH}?start=2026-01-01&end=2026-06-30")
    assert response.status_code == 403


def test_an_agent_may_not_refresh_and_a_get_changes_nothing(client, site):
    agent = add_agents(Department.objects.create(name="Finances"), 1, "agent")[0]
    login(client, agent)
    assert client.post(REFRESH, PERIOD).status_code == 403
    login(client, skills_officer())
    assert client.get(REFRESH, PERIOD).status_code == 405


def test_no_refresh_is_offered_when_the_figures_are_not_kept(client, site, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    login(client, skills_officer())
    page = client.get(DASHBOARD, PERIOD)
    assert refresh_button(page) is None
    assert computed_line(page).startswith("Chiffres calculés le ")
