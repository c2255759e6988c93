"""French content stays marked French when an agent reads the interface in English: a screen
reader pronounces the page's own text in French and the interface's words in English."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from .support.experiments import as_user, started
from .support.practices import make_library, make_practice

pytestmark = pytest.mark.django_db


def page_in(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def language_of(element):
    """The language a reader gets for ``element``: its own lang or its nearest ancestor's."""
    while element is not None and not element.get("lang"):
        element = element.parent
    return element.get("lang") if element is not None else None


def test_a_practice_read_in_english_keeps_its_content_in_french(client, site, make_agent):
    practice = make_practice(make_library(site), "Animer une réunion hybride")
    client.force_login(make_agent("Lectrice"))

    soup = page_in(client, practice.url, "en")

    assert soup.html["lang"] == "en"
    assert language_of(soup.find("h1")) == "fr"
    assert language_of(soup.select_one(".prose")) == "fr"
    assert language_of(soup.select_one(".lead")) == "fr"
    assert language_of(soup.select_one("#score-title")) == "en"  # the interface's heading


def test_in_french_nothing_is_marked_twice(client, site, make_agent):
    practice = make_practice(make_library(site), "Animer une réunion hybride")
    client.force_login(make_agent("Lectrice"))

    soup = page_in(client, practice.url, "fr")

    assert soup.html["lang"] == "fr"
    assert soup.find("h1").get("lang") is None
    assert soup.select("main [lang]") == []


def test_an_experiment_read_in_english_keeps_its_title_and_framing_in_french(
    client, lead, django_capture_on_commit_callbacks
):
    experiment = started(client, lead, django_capture_on_commit_callbacks)
    as_user(client, lead)

    soup = page_in(client, f"/experimentations/{experiment.pk}/", "en")

    assert soup.html["lang"] == "en"
    assert language_of(soup.find("h1")) == "fr"
    assert all(language_of(dd) == "fr" for dd in soup.select("dd[lang]"))
    assert len(soup.select("dd[lang]")) == 3
