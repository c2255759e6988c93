import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from wagtail.models import PageViewRestriction

from .support.practices import (
    make_charter,
    make_guide,
    make_library,
    make_practice,
    make_tool,
    make_training,
    make_training_catalogue,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Stemming needs PostgreSQL's French text search configuration; SQLite has none.",
)


@pytest.fixture
def content(site):
    library = make_library(site)
    return {
        "practice": make_practice(
            library,
            "Animer une réunion hybride",
            summary="La collaboration entre la salle et les collègues à distance.",
        ),
        "training": make_training(
            make_training_catalogue(site),
            "Co-éditer des documents",
            summary="Écrire à plusieurs dans le même fichier.",
        ),
        "charter": make_charter(site),
        "guide": make_guide(site),
    }


def search(client, query):
    response = client.get(reverse("search"), {"q": query})
    return {page.title for page in response.context["results"]}


def test_search_finds_practices_trainings_and_the_charter(agent_client, content):
    assert content["practice"].title in search(agent_client, "hybride")
    assert content["training"].title in search(agent_client, "plusieurs")
    assert content["charter"].title in search(agent_client, "distance")


def test_search_finds_a_tool_through_the_tool_guide(agent_client, content):
    make_tool("Tableau blanc collaboratif", limits="Pas de sauvegarde automatique")
    assert content["guide"].title in search(agent_client, "sauvegarde")


def test_search_ignores_accents(agent_client, content):
    assert content["practice"].title in search(agent_client, "reunion")
    assert content["practice"].title in search(agent_client, "RÉUNION")


def test_search_shows_only_what_the_agent_may_see(agent_client, site, content):
    library = content["practice"].get_parent()
    secret = make_practice(library, "Réunion du comité de direction")
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Commanditaires"))
    draft = make_practice(library, "Réunion en brouillon")
    draft.unpublish()
    results = search(agent_client, "réunion")
    assert content["practice"].title in results
    assert secret.title not in results
    assert draft.title not in results


@postgresql_only
def test_search_stems_french_words(agent_client, content):
    # "collaborer" is not in the text; "collaboration" is.
    assert content["practice"].title in search(agent_client, "collaborer")
    assert content["training"].title in search(agent_client, "fichiers")


def test_each_page_of_the_results_has_its_own_title(agent_client, site):
    library = make_library(site)
    for _ in range(11):
        make_practice(library, "Réunion d’équipe")

    first = agent_client.get(reverse("search"), {"q": "réunion"}).content.decode()
    second = agent_client.get(reverse("search"), {"q": "réunion", "page": 2}).content.decode()

    assert "page 2 sur 2" not in first.split("</title>")[0]
    assert "Rechercher – page 2 sur 2 – " in second.split("</title>")[0]
