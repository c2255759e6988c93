"""Answering from the field: printed invitations and the kiosk of a shared device.

The code is the only credential: one answer per invitation whatever the channel, nothing of
the channel or the device on anonymous responses, no session left on the device.
"""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.models import AgentSession, Department
from surveys import services
from surveys.kiosk import TICKET_SALT, issue_answer_codes
from surveys.models import Channel, Invitation, Response

from .support.surveys import ALL_KINDS, full_answer

pytestmark = pytest.mark.django_db

KIOSK = reverse("surveys_kiosk")
KIOSK_ANSWER = reverse("surveys_kiosk_answer")
CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.fixture
def depot(make_agent):
    """A depot's team: three field agents without e-mail, one with."""
    direction = Department.objects.create(name="Direction de l'espace public")
    cleaning = Department.objects.create(name="Service propreté", parent=direction)
    field = [
        make_agent(name, email=None, external_id=f"P{number}", department=cleaning)
        for number, name in enumerate(["Alpha", "Bravo", "Charlie"], start=1)
    ]
    office = make_agent("Bureau", email="bureau@ville.test", department=cleaning)
    return {"direction": direction, "service": cleaning, "field": field, "office": office}


@pytest.fixture
def survey(make_survey, make_agent, depot, django_capture_on_commit_callbacks):
    owner = make_agent("Propriétaire", email="owner@ville.test")
    survey = make_survey(kinds=ALL_KINDS, title="Baromètre terrain", owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(survey, depot["service"].agents.all())
    return survey


def print_sheets(client, survey, **choices):
    client.force_login(survey.owner)
    data = {"without_email_only": "on", **choices}
    response = client.post(reverse("surveys:invitation_sheets", args=[survey.pk]), data)
    client.logout()
    return response


def codes_of(response):
    return CODE.findall(response.content.decode())


def type_code(client, code, **extra):
    return client.post(KIOSK, {"code": code}, **extra)


def ticket_of(response):
    return re.search(r'name="ticket" value="([^"]+)"', response.content.decode()).group(1)


def answer_on_kiosk(client, survey, code, answers=None):
    form = type_code(client, code)
    assert form.status_code == 200, form.content.decode()
    data = {"ticket": ticket_of(form), **(answers or full_answer(survey))}
    return client.post(KIOSK_ANSWER, data)


def test_the_owner_prints_a_sheet_per_field_agent_of_a_team(client, survey, depot):
    response = print_sheets(client, survey, department=depot["direction"].pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert len(codes_of(response)) == 3
    assert page.count("<svg") == 3
    assert "http://testserver/borne/" in page
    for agent in depot["field"]:
        assert agent.last_name in page
    assert depot["office"].last_name not in page
    assert "no-store" in response["Cache-Control"]


def test_sheets_for_everyone_include_the_agents_with_email(client, survey):
    response = print_sheets(client, survey, without_email_only="")
    assert len(codes_of(response)) == 4


def test_codes_are_stored_only_as_keyed_hashes(client, survey):
    codes = codes_of(print_sheets(client, survey))
    with connection.cursor() as cursor:
        cursor.execute("SELECT answer_code_digest FROM surveys_invitation")
        stored = " ".join(str(row[0]) for row in cursor.fetchall())
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored


def test_only_who_sees_the_results_may_print_sheets(client, survey, depot):
    client.force_login(depot["office"])
    url = reverse("surveys:invitation_sheets", args=[survey.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"without_email_only": "on"}).status_code == 403
    assert not Invitation.objects.filter(answer_code_digest__isnull=False).exists()


def test_no_sheet_is_printed_for_a_closed_survey(client, survey):
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.opens_at = survey.closes_at - timedelta(days=1)
    survey.save()
    assert codes_of(print_sheets(client, survey)) == []


def test_two_agents_answer_in_a_row_on_the_kiosk(client, survey, depot):
    first, second = codes_of(print_sheets(client, survey))[:2]
    done = answer_on_kiosk(client, survey, first)
    assert done.status_code == 200
    assert "Merci, vos réponses sont enregistrées" in done.content.decode()
    again = answer_on_kiosk(client, survey, second.lower())
    assert again.status_code == 200
    assert Response.objects.filter(survey=survey).count() == 2
    assert Invitation.objects.filter(survey=survey, answered_via=Channel.KIOSK).count() == 2


def test_a_kiosk_answer_of_an_anonymous_survey_carries_nothing_of_the_agent_nor_the_channel(
    client, survey
):
    [code, *_] = codes_of(print_sheets(client, survey))
    answer_on_kiosk(client, survey, code)
    response = Response.objects.get(survey=survey)
    assert response.agent_id is None and response.submitted_at is None
    invitation = Invitation.objects.get(survey=survey, answered=True)
    assert invitation.answered_at is None


def test_the_kiosk_leaves_no_session_behind(client, survey):
    [code, *_] = codes_of(print_sheets(client, survey))
    before = AgentSession.objects.count()
    answer_on_kiosk(client, survey, code)
    assert AgentSession.objects.count() == before
    assert "sessionid" not in client.cookies or not client.cookies["sessionid"].value


def test_a_used_code_cannot_answer_twice(client, survey):
    [code, *_] = codes_of(print_sheets(client, survey))
    answer_on_kiosk(client, survey, code)
    refused = type_code(client, code)
    assert "Ce code a déjà servi" in refused.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_ticket_replayed_after_the_answer_records_nothing(client, survey):
    [code, *_] = codes_of(print_sheets(client, survey))
    ticket = ticket_of(type_code(client, code))
    data = {"ticket": ticket, **full_answer(survey)}
    assert client.post(KIOSK_ANSWER, data).status_code == 200
    replay = client.post(KIOSK_ANSWER, data)
    assert replay.status_code == 409
    assert Response.objects.filter(survey=survey).count() == 1


def test_an_answer_on_the_kiosk_spends_the_invitation_for_every_channel(client, survey, depot):
    """One answer per invitation, whatever the channel: after the kiosk, the same agent
    logged in finds the survey answered."""
    agent = depot["field"][0]
    invitation = Invitation.objects.get(survey=survey, agent=agent)
    [(_, code)] = issue_answer_codes([invitation])
    answer_on_kiosk(client, survey, code)
    client.force_login(agent)
    page = client.get(reverse("surveys:answer", args=[survey.pk]))
    assert "Vous avez déjà répondu" in page.content.decode()


def test_a_forged_or_expired_ticket_records_nothing(client, survey, settings):
    invitation = Invitation.objects.filter(survey=survey).first()
    forged = signing.dumps(invitation.pk, salt="another-salt")
    assert client.post(KIOSK_ANSWER, {"ticket": forged, **full_answer(survey)}).status_code == 400
    [(_, code)] = issue_answer_codes([invitation])
    ticket = ticket_of(type_code(client, code))
    settings.KIOSK_TICKET_MINUTES = 0
    late = client.post(KIOSK_ANSWER, {"ticket": ticket, **full_answer(survey)})
    assert late.status_code == 400
    assert "Ce formulaire a expiré" in late.content.decode()
    assert not Response.objects.exists()


def test_a_ticket_of_an_invitation_without_code_is_refused(client, survey):
    """A ticket is only for invitations printed for the kiosk."""
    invitation = Invitation.objects.filter(survey=survey).first()
    ticket = signing.dumps(invitation.pk, salt=TICKET_SALT)
    assert client.post(KIOSK_ANSWER, {"ticket": ticket, **full_answer(survey)}).status_code == 400
    assert not Response.objects.exists()


def test_invalid_answers_keep_the_ticket_and_record_nothing(client, survey):
    [code, *_] = codes_of(print_sheets(client, survey))
    form = type_code(client, code)
    recommendation = survey.questions.get(kind="recommendation")
    again = client.post(KIOSK_ANSWER, {"ticket": ticket_of(form), f"q{recommendation.pk}": "12"})
    assert again.status_code == 200
    assert 'name="ticket"' in again.content.decode()
    assert not Response.objects.exists()


def test_a_usb_scanner_typing_the_qr_code_address_gets_the_form(client, survey):
    [code, *_] = codes_of(print_sheets(client, survey))
    response = type_code(client, f"http://testserver/borne/#code={code}")
    assert 'name="ticket"' in response.content.decode()


def test_an_unknown_code_is_refused_and_counted(client, survey):
    response = type_code(client, "ACDE-2467")
    assert "Ce code est inconnu" in response.content.decode()


def test_a_device_typing_many_wrong_codes_is_stopped(client, survey, settings):
    settings.KIOSK_FAILURES_PER_CLIENT = 3
    [code, *_] = codes_of(print_sheets(client, survey))
    for _attempt in range(3):
        type_code(client, "AAAA-AAAA")
    stopped = type_code(client, code)
    assert stopped.status_code == 429
    assert "Trop de codes erronés" in stopped.content.decode()
    other_device = type_code(client, code, REMOTE_ADDR="192.0.2.50")
    assert other_device.status_code == 200


def test_codes_expire_with_the_survey(client, survey):
    [code, *_] = codes_of(print_sheets(client, survey))
    services.close(survey)
    refused = type_code(client, code)
    assert "Ce questionnaire est clos" in refused.content.decode()


def test_printing_again_replaces_the_codes_of_the_same_agents(client, survey):
    first = codes_of(print_sheets(client, survey))
    second = codes_of(print_sheets(client, survey))
    assert set(first).isdisjoint(second)
    assert "Ce code est inconnu" in type_code(client, first[0]).content.decode()


def test_the_owner_sees_the_answers_per_channel_as_counts(client, survey, depot, make_agent):
    [code, *_] = codes_of(print_sheets(client, survey))
    answer_on_kiosk(client, survey, code)
    office = Invitation.objects.get(survey=survey, agent=depot["office"])
    client.force_login(depot["office"])
    link = client.get(reverse("surveys:answer_link", args=[office.token]) + "?via=email")
    client.post(link.url, full_answer(survey))
    client.force_login(survey.owner)
    page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "Lien de l&#x27;e-mail 1" in page or "Lien de l’e-mail 1" in page
    assert "Borne (code imprimé) 1" in page
    assert depot["office"].last_name not in page


def test_the_kiosk_is_closed_with_its_setting(client, survey, settings):
    settings.KIOSK_ENABLED = False
    assert client.get(KIOSK).status_code == 404
    assert client.post(KIOSK_ANSWER, {"ticket": "x"}).status_code == 404
    client.force_login(survey.owner)
    assert client.get(reverse("surveys:invitation_sheets", args=[survey.pk])).status_code == 404
