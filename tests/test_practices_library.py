import re

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from practices.models import Tool
from surveys.models import Invitation
from surveys.services import close, submit_response

from .queries import visit_queries
from .support.practices import make_category, make_guide, make_library, make_practice, make_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(site):
    return make_library(site)


def test_library_lists_practices_with_category_and_use_of_tools(agent_client, library):
    meetings = make_category("Réunions")
    make_practice(library, "Réunion hybride", category=meetings, tools=[make_tool()])
    make_practice(library, "Météo d'équipe", category=meetings)
    content = agent_client.get(library.url).content.decode()
    assert "2 pratiques" in content
    assert "Avec outils" in content and "Sans outil" in content
    assert meetings.name in content
    assert "<legend>Outils</legend>" in content


def test_library_filters_by_category_and_by_use_of_tools(agent_client, library):
    meetings, writing = make_category("Réunions"), make_category("Co-édition")
    hybrid = make_practice(library, "Réunion hybride", category=meetings, tools=[make_tool()])
    weather = make_practice(library, "Météo d'équipe", category=meetings)
    coediting = make_practice(library, "Co-édition", category=writing, tools=[make_tool()])

    def titles(**params):
        response = agent_client.get(library.url, params)
        return {page.title for page in response.context["practices"]}

    assert titles(category=meetings.slug) == {hybrid.title, weather.title}
    assert titles(tools="with") == {hybrid.title, coediting.title}
    assert titles(tools="without") == {weather.title}
    assert titles(category=meetings.slug, tools="with") == {hybrid.title}


def test_an_unknown_filter_value_is_explained_and_lists_everything(agent_client, library):
    make_practice(library)
    response = agent_client.get(library.url, {"category": "n-existe-pas", "tools": "peut-etre"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "1 pratique" in content


def test_library_is_paginated_and_keeps_the_filters(agent_client, library):
    category = make_category()
    for _ in range(library.practices_per_page + 2):
        make_practice(library, category=category)
    response = agent_client.get(library.url, {"category": category.slug})
    assert len(response.context["practices"]) == library.practices_per_page
    assert f"category={category.slug}&amp;page=2" in response.content.decode()
    second = agent_client.get(library.url, {"category": category.slug, "page": 2})
    assert len(second.context["practices"]) == 2
    assert agent_client.get(library.url, {"page": "abc"}).status_code == 200


def test_practice_page_shows_its_content_and_the_tools_with_their_status(agent_client, library):
    guide = make_guide(library.get_parent())
    visio = make_tool("Visio Ville", status=Tool.Status.RECOMMENDED)
    forms = make_tool("Formulaires libres", status=Tool.Status.TOLERATED)
    practice = make_practice(library, tools=[visio, forms])
    related = make_practice(library, "Ordre du jour partagé")
    practice.related_practices = [related]
    practice.save_revision().publish()
    content = agent_client.get(practice.url).content.decode()
    assert "Tester la salle" in content and "Les apartés" in content
    assert "Réservez la salle 204." in content
    assert f"{guide.url}#{visio.anchor}" in content
    assert "Recommandé" in content and "Toléré" in content
    assert related.title in content


def rate(practice, make_survey, make_agent, values, closed=True):
    survey = make_survey()
    question = survey.questions.get()
    question.subject = practice
    question.save()
    for value in values:
        invitation = Invitation.objects.create(survey=survey, agent=make_agent())
        submit_response(invitation, {question: value})
    if closed:
        close(survey)


def test_a_practice_without_answers_says_there_is_no_measure_yet(agent_client, library):
    content = agent_client.get(make_practice(library).url).content.decode()
    assert "Pas encore de mesure" in content
    assert "sur une échelle de −100 à +100" not in content


def test_a_practice_with_few_answers_shows_no_number(
    agent_client, library, make_survey, make_agent
):
    practice = make_practice(library)
    rate(practice, make_survey, make_agent, [10, 10, 0])
    content = agent_client.get(practice.url).content.decode()
    assert "Pas encore de mesure" in content
    assert "+33" not in content and "sur une échelle" not in content


def test_a_practice_shows_its_recommendation_score_with_the_number_of_answers(
    agent_client, library, make_survey, make_agent
):
    practice = make_practice(library)
    rate(practice, make_survey, make_agent, [10, 9, 9, 8, 3, 10])
    content = agent_client.get(practice.url).content.decode()
    assert "Score de recommandation" in content
    assert "<strong>+50</strong>" in content
    # Under 50 answers the count is rounded down to a multiple of k (here 5).
    assert "D’après au moins 5 réponses" in content
    assert "NPS" not in content


def test_a_restricted_practice_is_hidden_from_the_library_of_other_agents(agent_client, library):
    from django.contrib.auth.models import Group

    secret = make_practice(library, "Pratique du comité de direction")
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Commanditaires"))
    response = agent_client.get(library.url)
    assert secret.title not in response.content.decode()
    assert agent_client.get(secret.url).status_code in (302, 403, 404)


def test_library_costs_the_same_queries_with_ten_times_more_practices(agent_client, library):
    def add(count):
        for _ in range(count):
            make_practice(library, tools=[make_tool()])

    add(2)
    small, _response = visit_queries(agent_client, library.url)
    add(20)
    assert visit_queries(agent_client, library.url)[0] == small


def test_practice_page_costs_the_same_queries_with_ten_times_more_tools_and_answers(
    agent_client, library, make_survey, make_agent
):
    make_guide(library.get_parent())
    tools = [make_tool() for _ in range(2)]
    related = [make_practice(library) for _ in range(2)]
    practice = make_practice(library, tools=tools)
    practice.related_practices = related
    practice.save_revision().publish()
    rate(practice, make_survey, make_agent, [10] * 5)
    small, _response = visit_queries(agent_client, practice.url)

    tools += [make_tool() for _ in range(18)]
    related += [make_practice(library) for _ in range(18)]
    practice.tools = tools
    practice.related_practices = related
    practice.save_revision().publish()
    rate(practice, make_survey, make_agent, [9] * 45)
    counts, response = visit_queries(agent_client, practice.url)
    assert counts == small
    assert len(response.context["related_practices"]) == 20


def test_anonymous_visitors_cannot_reach_the_library(client, library):
    response = client.get(library.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def title_of(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_each_page_of_the_library_has_its_own_title(agent_client, library):
    for _ in range(library.practices_per_page * 2 + 1):
        make_practice(library)

    first = title_of(agent_client.get(library.url))
    second = title_of(agent_client.get(library.url, {"page": 2}))

    assert first.startswith(f"{library.title} – ") and "page" not in first
    assert second.startswith(f"{library.title} – page 2 sur 3 – ")


def test_the_page_number_in_the_title_costs_no_query_once_cached(agent_client, library):
    for _ in range(library.practices_per_page + 1):
        make_practice(library)
    (_computed, first_cached), _response = visit_queries(agent_client, library.url)
    (_computed, second_cached), response = visit_queries(agent_client, library.url, {"page": 2})
    assert "page 2 sur 2" in title_of(response)
    assert second_cached == first_cached
