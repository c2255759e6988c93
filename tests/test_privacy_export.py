"""“Mes données”: an agent reads and downloads everything the intranet holds about them."""

import datetime
import itertools
import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from experiments import services as experiment_services
from experiments.models import ActionItem, ActionItemChange, ExperimentFollow, JournalEntry
from practices.models import CharterSignature, OnboardingProgress
from skills.models import Competence, CompetenceResult, PixCampaign, PixParticipation
from surveys.models import Answer, Invitation, Response

from .queries import visit_queries
from .support.practices import (
    enrol,
    make_charter,
    make_onboarding,
    make_session,
    make_training,
    make_training_catalogue,
)

sequence = itertools.count(1)

# The JSON keys of every section, whatever the agent has.
SECTIONS = {
    "profile",
    "roles",
    "pages_owned",
    "revisions",
    "admin_actions",
    "moderation_decisions",
    "comments",
    "uploads",
    "access_codes",
    "login_attempts",
    "charter_signatures",
    "training_enrolments",
    "onboarding_progress",
    "survey_invitations",
    "named_survey_answers",
    "surveys_owned",
    "experiments",
    "journal_entries",
    "action_items",
    "action_changes",
    "experiment_follows",
    "workflow_tasks",
    "pix_participations",
}


@pytest.fixture
def places(site):
    """What agents sign, follow and take part in: created once per test."""
    return {
        "charter": make_charter(site),
        "onboarding": make_onboarding(site),
        "catalogue": make_training_catalogue(site),
    }


def give_data(agent, places, make_survey, make_agent, times=1):
    """Something of every kind for this agent, `times` over (once for onboarding steps)."""
    agent.groups.add(Group.objects.get(name="Chefs de projet"))
    if not OnboardingProgress.objects.filter(agent=agent).exists():
        for step in places["onboarding"].steps.all():
            OnboardingProgress.objects.create(agent=agent, step=step)
    participant = make_agent("Participante")
    competences = list(Competence.objects.all()[:3])
    for _ in range(times):
        number = next(sequence)
        CharterSignature.objects.create(page=places["charter"], agent=agent, version=number)
        training = make_training(places["catalogue"], title=f"Formation {agent.pk}")
        enrol(make_session(training), agent)
        named = make_survey(
            kinds=("recommendation", "text"), anonymous=False, title=f"Nominatif {number}"
        )
        Invitation.objects.create(survey=named, agent=agent, answered=True)
        response = Response.objects.create(
            survey=named, agent=agent, department=agent.department, submitted_at=timezone.now()
        )
        questions = list(named.questions.all())
        Answer.objects.create(response=response, question=questions[0], value=9)
        Answer.objects.create(response=response, question=questions[1], text=f"Texte {agent.pk}")
        experiment = experiment_services.start(agent, f"Expérimentation {agent.pk}-{number}")
        experiment.participants.add(participant)
        JournalEntry.objects.create(
            experiment=experiment, author=agent, kind="observation", text=f"Journal {agent.pk}"
        )
        action = ActionItem.objects.create(
            experiment=experiment,
            what=f"Action {agent.pk}",
            owner=agent,
            due_date=datetime.date(2027, 1, 1),
            status=ActionItem.Status.IN_PROGRESS,
            progress_note=f"Avancement {agent.pk}",
        )
        ActionItemChange.objects.create(
            action=action, by=agent, old_status="todo", new_status="in_progress", note="Lancée"
        )
        ExperimentFollow.objects.create(experiment=experiment, agent=agent)
        campaign = PixCampaign.objects.create(
            pix_id=f"P{number}",
            code="CODE",
            name=f"Campagne {agent.pk}-{number}",
            organisation="Ville",
            kind=PixCampaign.Kind.PROFILES_COLLECTION,
            imported_at=timezone.now(),
        )
        pix = PixParticipation.objects.create(
            campaign=campaign,
            agent=agent,
            identity_key=f"{agent.pk}-{number}",
            last_name=agent.last_name,
            first_name=agent.first_name,
            email=agent.email,
            is_shared=True,
            shared_at=timezone.now(),
            pix_total=120,
        )
        for competence in competences:
            CompetenceResult.objects.create(participation=pix, competence=competence, level=2)
        AccessAttempt.objects.create(
            username=agent.email,
            ip_address="192.0.2.1",
            user_agent=f"Navigateur {number}",
            http_accept="*/*",
            path_info="/compte/connexion/",
            attempt_time=timezone.now(),
            failures_since_start=number,
        )
        training.save_revision(user=agent)


def download(client):
    response = client.get(reverse("my_data_download"))
    assert response.status_code == 200
    return response, json.loads(response.content.decode("utf-8"))


@pytest.fixture
def other(make_agent):
    return make_agent("Autre", first_name="Bertrand", email="bertrand.autre@ville.test")


def test_the_page_lists_each_kind_of_data_with_its_count_and_links_the_download(
    agent_client, agent, places, make_survey, make_agent
):
    give_data(agent, places, make_survey, make_agent)
    response = agent_client.get(reverse("my_data"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("my_data_download") in html
    sections = response.context["sections"]
    assert {section.key for section in sections} == SECTIONS
    assert all(section.purpose for section in sections)
    assert reverse("my_data") in agent_client.get(reverse("surveys:mine")).content.decode()


def test_the_download_is_a_utf8_json_attachment_with_everything_about_the_agent(
    agent_client, agent, places, make_survey, make_agent
):
    give_data(agent, places, make_survey, make_agent)
    response, data = download(agent_client)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    assert "Expérimentation".encode() in response.content  # UTF-8, not \u escapes
    sections = data["sections"]
    assert set(sections) == SECTIONS
    profile = sections["profile"]["records"][0]
    assert profile["email"] == "agent@ville.test"
    assert profile["last_name"] == "Martin"
    assert profile["department"] == "Service formation"
    assert profile["direction"] == "Direction des ressources humaines"
    assert sections["roles"]["records"] == [{"role": "Chefs de projet"}]
    assert sections["charter_signatures"]["records"][0]["charter"] == "Charte de collaboration"
    assert sections["training_enrolments"]["records"][0]["status"] == "registered"
    assert sections["onboarding_progress"]["count"] == 3
    assert sections["survey_invitations"]["records"][0]["answered"] is True
    named = sections["named_survey_answers"]
    assert [a["value"] for a in named["records"][0]["answers"]] == [9, None]
    assert named["records"][0]["answers"][1]["text"] == f"Texte {agent.pk}"
    assert "anonymous" in named["note"].lower() or "anonymes" in named["note"].lower()
    assert sections["experiments"]["records"][0]["roles"] == ["lead"]
    assert sections["journal_entries"]["records"][0]["text"] == f"Journal {agent.pk}"
    assert sections["action_items"]["records"][0]["what"] == f"Action {agent.pk}"
    assert sections["action_items"]["records"][0]["status"] == "in_progress"
    assert sections["action_items"]["records"][0]["progress_note"] == f"Avancement {agent.pk}"
    change = sections["action_changes"]["records"][0]
    assert (change["new_status"], change["note"]) == ("in_progress", "Lancée")
    assert change["action_what"] == f"Action {agent.pk}"
    follows = sections["experiment_follows"]["records"]
    assert follows[0]["experiment_title"].startswith("Expérimentation")
    assert sections["workflow_tasks"]["records"][0]["experiment"].startswith("Expérimentation")
    pix = sections["pix_participations"]["records"][0]
    assert pix["pix_total"] == 120 and len(pix["results"]) == 3
    assert sections["revisions"]["records"][0]["title"].startswith(f"Formation {agent.pk}")
    assert sections["login_attempts"]["records"][0]["ip_address"] == "192.0.2.1"


def test_anonymous_answers_are_not_in_the_file(agent_client, agent, make_survey):
    survey = make_survey(kinds=("text",), anonymous=True)
    Invitation.objects.create(survey=survey, agent=agent, answered=True)
    response = Response.objects.create(survey=survey, department=agent.department)
    Answer.objects.create(
        response=response, question=survey.questions.get(), text="Réponse anonyme secrète"
    )
    raw, data = download(agent_client)
    assert data["sections"]["named_survey_answers"]["records"] == []
    assert b"secr" not in raw.content


def test_another_agents_data_never_appears(client, agent, other, places, make_survey, make_agent):
    give_data(other, places, make_survey, make_agent)
    client.force_login(agent)
    raw, data = download(client)
    content = raw.content.decode()
    for trace in (
        "Bertrand",
        "bertrand.autre",
        f"Journal {other.pk}",
        f"Texte {other.pk}",
        f"Action {other.pk}",
        f"Campagne {other.pk}",
    ):
        assert trace not in content
    assert all(
        section["count"] == 0
        for key, section in data["sections"].items()
        if key not in ("profile",)
    ), {key: section["count"] for key, section in data["sections"].items()}


def test_the_pages_need_a_login(client):
    for name in ("my_data", "my_data_download"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_download_refuses_a_post(agent_client):
    assert agent_client.post(reverse("my_data_download")).status_code == 405


@pytest.mark.parametrize("view", ["my_data", "my_data_download"])
def test_queries_do_not_grow_with_the_amount_of_data(
    client, agent, places, make_survey, make_agent, view
):
    give_data(agent, places, make_survey, make_agent, times=1)
    client.force_login(agent)
    once, _response = visit_queries(client, reverse(view))
    give_data(agent, places, make_survey, make_agent, times=4)
    counts, response = visit_queries(client, reverse(view))
    assert counts == once
    assert response.status_code == 200
    if view == "my_data_download":
        data = json.loads(response.content)
        assert data["sections"]["named_survey_answers"]["count"] == 5


def test_the_download_gives_times_in_paris(agent_client, agent, site):
    charter = make_charter(site)
    # 23:30 UTC in winter is 00:30 the next day in Paris.
    late = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    CharterSignature.objects.create(agent=agent, page=charter, version=1, signed_at=late)

    _response, data = download(agent_client)

    signature = data["sections"]["charter_signatures"]["records"][0]
    assert signature["signed_at"] == "2026-01-16T00:30:00+01:00"
