"""The pages: an agent's own levels, and the group figures for managers and skills officers."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.models import Agent, Department
from skills.models import PixCampaign

from .support.skills import make_campaign, make_profiles, skills_officer

pytestmark = pytest.mark.django_db

MY_SKILLS = reverse("skills:my_skills")
EVOLUTION = reverse("skills:evolution")


def add_agents(department, count, prefix, manager=None):
    return [
        Agent.objects.create_user(
            f"{prefix}{index}@ville.test",
            "motdepasse-solide",
            first_name=f"{prefix.capitalize()}{index}",
            last_name="Agent",
            department=department,
            manager=manager,
        )
        for index in range(count)
    ]


@pytest.fixture
def city(site):
    """Voirie (6 agents, a head), propreté (3 agents), finances (5 agents); two campaigns."""
    public_space = Department.objects.create(name="Direction de l'espace public")
    roads = Department.objects.create(name="Service voirie", parent=public_space)
    cleaning = Department.objects.create(name="Service propreté", parent=public_space)
    finances = Department.objects.create(name="Direction des finances")
    director = add_agents(public_space, 1, "directeur")[0]
    head = add_agents(roads, 1, "cheffe", manager=director)[0]
    roads_team = add_agents(roads, 5, "voirie", manager=head)
    cleaning_team = add_agents(cleaning, 3, "proprete", manager=director)
    finances_team = add_agents(finances, 5, "finances")
    everyone = [head, *roads_team, *cleaning_team, *finances_team]
    spring = make_campaign("1", "Printemps 2025")
    autumn = make_campaign("2", "Automne 2025")
    spring_levels = {agent: {"1.1": 1, "2.3": index % 3} for index, agent in enumerate(everyone)}
    make_profiles(spring, spring_levels, datetime.date(2025, 3, 12))
    make_profiles(
        autumn, {agent: {"1.1": 2, "2.3": 1} for agent in everyone}, datetime.date(2025, 10, 8)
    )
    return {
        "public_space": public_space,
        "roads": roads,
        "cleaning": cleaning,
        "finances": finances,
        "director": director,
        "head": head,
        "agent": roads_team[0],
        "spring": spring,
        "autumn": autumn,
    }


def text(response):
    """The page's text, tags removed and spaces collapsed, as a reader would get it."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.split())


def test_an_agent_sees_their_own_levels_and_evolution(client, city):
    client.force_login(city["agent"])

    response = client.get(MY_SKILLS)

    assert response.status_code == 200
    content = response.content.decode()
    page = text(response)
    assert "Mes compétences numériques" in page
    assert "Printemps 2025 → Automne 2025" in page
    assert "Pas encore certifiable" in page  # 2 competences at level 1 or more
    assert (
        '<caption id="levels-caption">Mon niveau par compétence (niveaux 0 à 8)</caption>'
        in content
    )
    assert '<th scope="row">1.1 Mener une recherche et une veille d’information</th>' in content
    # 1.1 went from 1 to 2; 2.3 from 0 to 1 (first agent of the team is index 1: 1 % 3).
    row = re.search(r'<th scope="row">1\.1 .*?</tr>', content, re.S).group()
    assert re.findall(r"<td>(.*?)</td>", row) == ["1", "2", "+1 niveau"]
    assert 'class="skills-bar skills-bar--after bar--w25"' in content


def test_an_agent_cannot_see_another_agents_levels(client, city):
    other = Agent.objects.get(email="finances0@ville.test")
    finances_campaign = make_campaign("3", "Campagne des finances")
    make_profiles(finances_campaign, {other: {"5.2": 6}}, datetime.date(2025, 11, 3))
    client.force_login(city["agent"])

    response = client.get(
        MY_SKILLS,
        {"before": city["spring"].pk, "after": city["autumn"].pk, "agent": other.pk},
    )

    assert "Campagne des finances" not in text(response)
    assert response.context["after"].agent == city["agent"]


def test_an_agent_compares_two_of_their_campaigns_and_gets_errors_in_french(client, city):
    client.force_login(city["agent"])

    response = client.get(MY_SKILLS, {"before": city["autumn"].pk, "after": city["autumn"].pk})

    assert response.status_code == 200
    assert "Choisissez deux campagnes différentes." in text(response)
    assert response.context["levels"] == []


def test_an_agent_without_a_shared_profile_is_told_so(client, city):
    client.force_login(Agent.objects.create_user("nouvelle@ville.test", "motdepasse-solide"))

    response = client.get(MY_SKILLS)

    assert "Vous n’avez pas encore partagé de profil PIX" in text(response)


def test_an_agent_with_a_single_profile_sees_it_without_comparison(client, city):
    newcomer = Agent.objects.create_user("arrivee@ville.test", "motdepasse-solide")
    make_profiles(city["autumn"], {newcomer: {"2.1": 3}}, datetime.date(2025, 10, 9))
    client.force_login(newcomer)

    response = client.get(MY_SKILLS)

    assert response.context["form"] is None
    assert "Comparer deux de mes campagnes" not in text(response)
    assert "2.1 Interagir 3" in text(response)


def test_a_plain_agent_cannot_see_group_figures(client, city):
    client.force_login(city["agent"])

    response = client.get(EVOLUTION)

    assert response.status_code == 403
    assert "Accès refusé" in text(response)


def test_anonymous_visitors_are_sent_to_the_login_page(client, city):
    for url in (MY_SKILLS, EVOLUTION):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_service_head_sees_their_service_by_default_and_the_city(client, city):
    client.force_login(city["head"])

    response = client.get(EVOLUTION)

    assert response.status_code == 200
    assert response.context["department"] == city["roads"]
    page = text(response)
    assert "Agents comparés 6" in page
    assert [label for _key, label in response.context["form"].fields["department"].choices] == [
        "Toute la ville",
        "Direction de l'espace public › Service voirie",
    ]
    whole_city = {"mode": "campaigns", "before": city["spring"].pk, "after": city["autumn"].pk}
    city_response = client.get(EVOLUTION, {**whole_city, "department": ""})
    assert city_response.context["evolution"].agents == 14


@pytest.mark.parametrize("department", ["public_space", "cleaning", "finances"])
def test_a_service_head_cannot_see_other_departments(client, city, department):
    client.force_login(city["head"])

    response = client.get(
        EVOLUTION,
        {
            "mode": "campaigns",
            "before": city["spring"].pk,
            "after": city["autumn"].pk,
            "department": city[department].pk,
        },
    )

    assert response.status_code == 403


def test_a_director_sees_their_direction_and_its_services_only(client, city):
    client.force_login(city["director"])

    response = client.get(EVOLUTION)

    assert response.context["department"] == city["public_space"]
    labels = [label for _key, label in response.context["form"].fields["department"].choices]
    assert labels == [
        "Toute la ville",
        "Direction de l'espace public",
        "Direction de l'espace public › Service propreté",
        "Direction de l'espace public › Service voirie",
    ]
    denied = client.get(EVOLUTION, {"mode": "campaigns", "department": city["finances"].pk})
    assert denied.status_code == 403


def test_a_group_under_five_agents_shows_no_number(client, city):
    client.force_login(city["director"])

    response = client.get(
        EVOLUTION,
        {
            "mode": "campaigns",
            "before": city["spring"].pk,
            "after": city["autumn"].pk,
            "department": city["cleaning"].pk,
        },
    )

    page = text(response)
    assert "Effectif insuffisant." in page
    assert "Agents comparés" not in page
    assert "<table" not in response.content.decode()
    assert "bar--w" not in response.content.decode()


def test_the_skills_officer_sees_the_city_and_every_department(client, city):
    client.force_login(skills_officer())

    response = client.get(EVOLUTION)

    assert response.status_code == 200
    assert response.context["department"] is None
    assert len(response.context["form"].fields["department"].choices) == 5
    content = response.content.decode()
    page = text(response)
    assert "Toute la ville" in page
    assert "Agents comparés 14" in page
    # 1.1: every agent from 1 to 2.
    assert re.search(r"1\.1 Mener une recherche et une veille d’information 1,0 2,0 100 %", page)
    assert (
        '<caption id="evolution-caption">Niveau moyen par compétence (niveaux 0 à 8) et part '
        "des agents qui ont progressé</caption>" in content
    )
    assert '<th scope="col">Niveau moyen, Printemps 2025</th>' in content
    assert 'class="skills-bar skills-bar--before bar--w13"' in content


def test_a_superuser_sees_any_department(client, city):
    client.force_login(Agent.objects.create_superuser("admin@ville.test", "motdepasse-solide"))

    response = client.get(
        EVOLUTION,
        {
            "mode": "campaigns",
            "before": city["spring"].pk,
            "after": city["autumn"].pk,
            "department": city["finances"].pk,
        },
    )

    assert response.status_code == 200
    assert response.context["evolution"].agents == 5


def test_periods_can_be_compared(client, city):
    client.force_login(skills_officer())

    response = client.get(
        EVOLUTION,
        {
            "mode": "periods",
            "before_from": "2025-03-01",
            "before_to": "2025-03-31",
            "after_from": "2025-10-01",
            "after_to": "2025-10-31",
            "department": "",
        },
    )

    assert response.context["evolution"].agents == 14
    assert "De « du 1 mars 2025 au 31 mars 2025 » à « du 1 octobre 2025 au 31 octobre 2025 »." in (
        text(response)
    )


BAD_PERIOD = {"mode": "periods", "before_from": "2025-03-31", "before_to": "2025-03-01"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (BAD_PERIOD, "La fin d’une période ne peut pas précéder son début."),
        ({"mode": "campaigns", "before": "999", "after": "1"}, "Sélectionnez un choix valide."),
        ({"mode": "campaigns", "before": "", "after": ""}, "Choisissez une campagne."),
        ({"mode": "n-importe-quoi"}, "Sélectionnez un choix valide."),
        ({**BAD_PERIOD, "before_from": "0001-01-01"}, "Saisissez une date entre 2000 et 2100."),
    ],
)
def test_bad_comparisons_get_a_message_not_an_error(client, city, params, message):
    client.force_login(skills_officer())

    response = client.get(EVOLUTION, params)

    assert response.status_code == 200
    assert message in text(response)
    assert "evolution" not in response.context


def test_an_unknown_department_is_refused(client, city):
    client.force_login(skills_officer())
    assert client.get(EVOLUTION, {"mode": "campaigns", "department": "abc"}).status_code == 403


def test_comparing_needs_two_campaigns(client, site):
    client.force_login(skills_officer())

    response = client.get(EVOLUTION)

    assert "dès que deux campagnes de collecte de profils auront été importées" in text(response)


def test_pages_answer_get_only(client, city):
    client.force_login(city["head"])
    assert client.post(MY_SKILLS).status_code == 405
    assert client.post(EVOLUTION).status_code == 405


def build_scale(scale):
    """A service of 6 agents with their head, in 2 campaigns: every agent in both."""
    service = Department.objects.create(
        name="Service", parent=Department.objects.create(name="Direction")
    )
    head = add_agents(service, 1, "head")[0]
    team = [head, *add_agents(service, 5, "agent", manager=head)]
    add_campaigns(team, 0, 2)
    return head, team[1]


def add_scale(head, scale):
    """Grow to ``scale`` times the agents and campaigns of build_scale()."""
    newcomers = add_agents(head.department, 6 * (scale - 1), "more", manager=head)
    for campaign in PixCampaign.objects.all():
        make_profiles(
            campaign, {agent: {"1.1": 2} for agent in newcomers}, datetime.date(2020, 1, 1)
        )
    add_campaigns(list(Agent.objects.filter(department=head.department)), 2, 2 * scale)


def add_campaigns(team, first, last):
    for index in range(first, last):
        campaign = make_campaign(str(100 + index), f"Campagne {index}")
        make_profiles(
            campaign,
            {agent: {"1.1": (index + number) % 8} for number, agent in enumerate(team)},
            datetime.date(2020, 1, 1) + datetime.timedelta(days=30 * index),
        )


def test_group_figures_cost_the_same_queries_at_ten_times_the_data(
    client, site, django_assert_num_queries
):
    head, _agent = build_scale(1)
    client.force_login(head)
    client.get(EVOLUTION)  # warm the caches that do not depend on the data (site, menu)
    with CaptureQueriesContext(connection) as queries:
        client.get(EVOLUTION)
    assert len(queries) <= 15

    add_scale(head, 10)
    with django_assert_num_queries(len(queries)):
        response = client.get(EVOLUTION)

    assert response.context["evolution"].agents == 60


def test_my_skills_costs_the_same_queries_at_ten_times_the_data(
    client, site, django_assert_num_queries
):
    head, agent = build_scale(1)
    client.force_login(agent)
    client.get(MY_SKILLS)
    with CaptureQueriesContext(connection) as queries:
        client.get(MY_SKILLS)
    assert len(queries) <= 11  # the menu reads the page view restrictions once

    add_scale(head, 10)
    with django_assert_num_queries(len(queries)):
        response = client.get(MY_SKILLS)

    assert len(response.context["participations"]) == 20


def test_the_home_page_announces_results_shared_lately(client, city):
    campaign = make_campaign("9", "Rattrapage")
    make_profiles(
        campaign, {city["agent"]: {"1.1": 3}}, timezone.localdate() - datetime.timedelta(days=3)
    )
    client.force_login(city["agent"])

    page = text(client.get("/"))

    assert "Vos résultats PIX sont arrivés : voir mes compétences numériques" in page
    assert "lors de « Rattrapage »" in page
    client.force_login(city["head"])  # last profile shared in 2025
    assert "Vos résultats PIX sont arrivés" not in text(client.get("/"))
