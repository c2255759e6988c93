"""What the caches keep, and that a change shows at once (docs/performance.md)."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation
from surveys.services import close, submit_response

from .support.dashboard import DASHBOARD, PERIOD, login
from .support.practices import make_library, make_practice
from .support.skills import skills_officer

pytestmark = pytest.mark.django_db
OTHER_PERIOD = {"start": "2025-01-01", "end": "2025-06-30"}


def queries_of(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(captured)


def test_a_published_change_of_a_practice_shows_at_the_next_visit(agent_client, site):
    practice = make_practice(make_library(site))
    assert "Réservez la salle 204." in agent_client.get(practice.url).content.decode()

    practice.body = [("tip", {"text": "<p>Réservez la salle 310.</p>"})]
    practice.save_revision().publish()

    content = agent_client.get(practice.url).content.decode()
    assert "Réservez la salle 310." in content
    assert "Réservez la salle 204." not in content


def test_a_draft_of_a_practice_stays_out_of_the_page_until_published(agent_client, site):
    practice = make_practice(make_library(site))
    agent_client.get(practice.url)

    practice.body = [("tip", {"text": "<p>Brouillon en cours.</p>"})]
    practice.save_revision()

    assert "Brouillon en cours." not in agent_client.get(practice.url).content.decode()


def answered_survey(make_survey, make_agent, owner, count=6):
    survey = make_survey(kinds=("recommendation", "text"), owner=owner)
    questions = list(survey.questions.all())
    for number in range(count):
        submit_response(
            Invitation.objects.create(survey=survey, agent=make_agent()),
            {questions[0]: 9 if number % 2 else 3, questions[1]: f"Idée {number}"},
        )
    return survey


def test_results_of_a_closed_survey_are_computed_once(client, make_survey, make_agent):
    owner = make_agent("Propriétaire")
    client.force_login(owner)
    survey = answered_survey(make_survey, make_agent, owner)
    close(survey)
    url = reverse("surveys:results", args=[survey.pk])

    first, computed = queries_of(client, url)
    again, cached = queries_of(client, url)

    assert cached < computed

    def figures(response):
        return [
            (result.answered, result.recommendation, result.texts)
            for result in response.context["results"].questions
        ]

    assert figures(again) == figures(first)
    assert figures(first)[0][1].answers == 6
    assert "Idée 5" in again.content.decode()


def test_a_question_retitled_after_closing_shows_its_new_title(client, make_survey, make_agent):
    owner = make_agent("Propriétaire")
    client.force_login(owner)
    survey = answered_survey(make_survey, make_agent, owner)
    close(survey)
    url = reverse("surveys:results", args=[survey.pk])
    client.get(url)

    survey.questions.filter(kind="text").update(label="Votre meilleure idée ?")

    assert "Votre meilleure idée ?" in client.get(url).content.decode()


def test_results_of_an_open_survey_follow_every_answer(client, make_survey, make_agent):
    owner = make_agent("Propriétaire")
    client.force_login(owner)
    survey = answered_survey(make_survey, make_agent, owner)
    url = reverse("surveys:results", args=[survey.pk])
    assert client.get(url).context["results"].responses == 6

    question = survey.questions.get(kind="recommendation")
    submit_response(Invitation.objects.create(survey=survey, agent=make_agent()), {question: 10})

    assert client.get(url).context["results"].responses == 7


@override_settings(DASHBOARD_CACHE_SECONDS=300)
def test_dashboard_figures_are_kept_until_a_pix_import(client, site):
    from skills.models import PixCampaign

    login(client, skills_officer())
    client.get(DASHBOARD, OTHER_PERIOD)  # warm what is read once per process
    _first, computed = queries_of(client, DASHBOARD, PERIOD)
    _again, cached = queries_of(client, DASHBOARD, PERIOD)
    assert cached < computed

    PixCampaign.objects.create(
        pix_id="123456",
        code="NOUVEAU",
        name="Nouvelle campagne",
        organisation="Ville",
        kind=PixCampaign.Kind.PROFILES_COLLECTION,
        imported_at=timezone.now() + datetime.timedelta(seconds=1),
    )

    _after_import, recomputed = queries_of(client, DASHBOARD, PERIOD)
    assert recomputed == computed


@override_settings(DASHBOARD_CACHE_SECONDS=300)
def test_old_figures_are_shown_while_one_request_computes_new_ones(client, site, monkeypatch):
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key

    from intranet.dashboard import views

    login(client, skills_officer())
    client.get(DASHBOARD, OTHER_PERIOD)  # warm what is read once per process
    first, computed = queries_of(client, DASHBOARD, PERIOD)
    key = first.context["dashboard_cache_key"]
    rendered = make_template_fragment_key("dashboard_figures", [key, "fr"])
    later = time.time() + 301
    monkeypatch.setattr(views.time, "time", lambda: later)

    cache.add(f"{key}:computing", True)  # another request is computing them
    cache.delete(rendered)
    _stale, while_computing = queries_of(client, DASHBOARD, PERIOD)
    assert while_computing < computed

    cache.delete(f"{key}:computing")
    cache.delete(rendered)
    _fresh, recomputed = queries_of(client, DASHBOARD, PERIOD)
    assert recomputed == computed


def test_without_a_cache_duration_the_dashboard_is_computed_each_time(client, site):
    login(client, skills_officer())
    client.get(DASHBOARD, OTHER_PERIOD)  # warm what is read once per process
    _first, computed = queries_of(client, DASHBOARD, PERIOD)
    _again, again = queries_of(client, DASHBOARD, PERIOD)
    assert again == computed
