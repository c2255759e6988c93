import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from practices.models import OnboardingStep

from .support.practices import (
    make_charter,
    make_guide,
    make_library,
    make_onboarding,
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


@pytest.fixture
def video_site(site):
    """A training, a practice and a tool about video calls, and an onboarding path that
    mentions both the video test and the trainings."""
    catalogue = make_training_catalogue(site)
    practice = make_practice(
        make_library(site),
        "Réussir sa réunion en visio",
        summary="Couper son micro, lever la main, partager son écran.",
    )
    make_tool("Visio Ville", summary="Réunions à distance avec caméra et partage d’écran.")
    onboarding = make_onboarding(site, titles=("Lire la charte", "Suivre une formation"))
    OnboardingStep.objects.create(
        page=onboarding,
        title="Faire un test de visio avec un collègue",
        description="Vérifier sa caméra et son micro avant sa première réunion en visio.",
    )
    onboarding.save_revision().publish()
    return {
        "catalogue": catalogue,
        "training": make_training(
            catalogue,
            "Bien démarrer avec la visio",
            summary="Rejoindre une réunion, régler son micro et sa caméra.",
        ),
        "practice": practice,
        "guide": make_guide(site),
        "onboarding": onboarding,
    }


def ranked(client, query):
    response = client.get(reverse("search"), {"q": query})
    return [page.pk for page in response.context["results"]]


@pytest.mark.parametrize("query", ["formation", "formations", "Formation"])
def test_a_training_is_found_by_the_word_training_before_pages_that_mention_it(
    agent_client, video_site, query
):
    results = ranked(agent_client, query)
    assert video_site["training"].pk in results
    assert video_site["catalogue"].pk in results
    if video_site["onboarding"].pk in results:
        onboarding = results.index(video_site["onboarding"].pk)
        assert results.index(video_site["training"].pk) < onboarding
        assert results.index(video_site["catalogue"].pk) < onboarding


@pytest.mark.parametrize("query", ["outil", "outils"])
def test_the_tool_guide_is_found_by_the_word_tool(agent_client, video_site, query):
    assert video_site["guide"].pk in ranked(agent_client, query)


@pytest.mark.parametrize("query", ["pratique", "pratiques", "bonne pratique"])
def test_a_practice_is_found_by_the_word_practice(agent_client, video_site, query):
    assert video_site["practice"].pk in ranked(agent_client, query)


def test_video_calls_come_before_the_onboarding_step_that_mentions_them(agent_client, video_site):
    results = ranked(agent_client, "visio")
    onboarding = results.index(video_site["onboarding"].pk)
    assert results.index(video_site["training"].pk) < onboarding
    assert results.index(video_site["practice"].pk) < onboarding
    assert results.index(video_site["guide"].pk) < onboarding


def test_the_onboarding_path_is_still_found_by_its_steps(agent_client, video_site):
    assert video_site["onboarding"].pk in ranked(agent_client, "collègue")


def test_the_search_costs_as_many_queries_for_more_results(agent_client, video_site):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            agent_client.get(reverse("search"), {"q": "visio"})
        return len(captured)

    queries()  # the first request fills the caches (menu, settings, restrictions)
    before = queries()
    for number in range(3):
        make_training(video_site["catalogue"], f"Animer une visio {number}")
        make_practice(video_site["practice"].get_parent(), f"Visio en équipe {number}")
    queries()  # the new pages emptied the caches
    assert queries() == before
