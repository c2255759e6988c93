"""« Vous avez dit, nous avons fait » (issue 16, §5): after the synthesis, the project lead
writes what will change; it is shown on the experiment's page and e-mailed to everyone
invited to the retrospective. Judged as an attacker would: nothing in who is e-mailed, in
the e-mails, on the page or in the logs tells who answered.
"""

import datetime
import logging
import re
import threading

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from experiments import services as experiment_services
from experiments.announcements import announce
from experiments.models import Experiment
from intranet.accounts.models import Agent
from intranet.accounts.roles import PROJECT_LEADS
from surveys.models import Invitation
from surveys.retention import purge_survey_personal_data
from surveys.services import submit_response

from .queries import visit_queries
from .support.experiments import advanced_to, as_user, post_task

pytestmark = pytest.mark.django_db

TEXT = "La salle 204 reçoit un micro de table ; le point d'équipe court devient la règle."


def url(experiment):
    return reverse("experiments:announce_changes", args=[experiment.pk])


def answer(invitation):
    questions = invitation.survey.questions.all()
    submit_response(
        invitation,
        {question: 9 if question.kind == "recommendation" else None for question in questions},
    )


def synthesised(client, lead, sponsor, participants, callbacks, answering=()):
    """An experiment past its synthesis whose retrospective ``answering`` answered (the
    lead was invited too, by her choice at framing)."""
    experiment = advanced_to(client, "retrospective", lead, sponsor, participants, callbacks)
    for agent in answering:
        answer(Invitation.objects.get(survey=experiment.retrospective_survey, agent=agent))
    post_task(client, lead, experiment, "retrospective", {"confirm": "on"}, callbacks)
    post_task(
        client,
        lead,
        experiment,
        "synthesis",
        {"synthesis": "Bien.", "decision": "adapt"},
        callbacks,
    )
    mail.outbox.clear()
    experiment.refresh_from_db()
    return experiment


def publish(client, agent, experiment, callbacks, **data):
    with callbacks(execute=True):
        return as_user(client, agent).post(url(experiment), {"text": TEXT, **data})


def without_per_message_headers(message):
    """The message as sent, less To and the two headers every message has its own of."""
    raw = message.message().as_bytes()
    return re.sub(rb"^(To|Message-ID|Date): .*\n", b"", raw, flags=re.MULTILINE)


@pytest.mark.parametrize("answered", [0, 2, 5])
def test_every_invitee_is_emailed_whoever_answered(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks, answered
):
    callbacks = django_capture_on_commit_callbacks
    experiment = synthesised(
        client, lead, sponsor, participants, callbacks, answering=participants[:answered]
    )

    response = publish(client, lead, experiment, callbacks)

    assert response.status_code == 302
    invited = set(
        Invitation.objects.filter(survey=experiment.retrospective_survey).values_list(
            "agent__email", flat=True
        )
    )
    assert lead.email in invited  # she chose to answer the retrospective ...
    # ... and is not e-mailed what she has just written herself.
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        invited - {lead.email}
    )
    assert all(
        len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox
    )


def test_the_emails_of_one_who_answered_and_one_who_did_not_are_byte_identical_but_to(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    answered, silent = participants[0], participants[1]
    experiment = synthesised(client, lead, sponsor, participants, callbacks, answering=[answered])

    publish(client, lead, experiment, callbacks)

    (to_answered,) = [message for message in mail.outbox if message.to == [answered.email]]
    (to_silent,) = [message for message in mail.outbox if message.to == [silent.email]]
    assert without_per_message_headers(to_answered) == without_per_message_headers(to_silent)
    assert to_answered.subject == f"Vous avez dit, nous avons fait : « {experiment.title} »"
    assert TEXT in to_answered.body
    assert f"/experimentations/{experiment.pk}/" in to_answered.body
    for word in ("répondu", "réponse", "merci", answered.first_name, silent.first_name):
        assert word.lower() not in to_answered.body.lower()


def test_the_page_and_the_logs_tell_nobody_who_answered(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks, caplog
):
    callbacks = django_capture_on_commit_callbacks
    answered, silent = participants[0], participants[1]
    experiment = synthesised(client, lead, sponsor, participants, callbacks, answering=[answered])

    with caplog.at_level(logging.DEBUG):
        publish(client, lead, experiment, callbacks)
        pages = {
            agent: as_user(client, agent)
            .get(reverse("experiments:detail", args=[experiment.pk]))
            .content.decode()
            for agent in (answered, silent)
        }

    sections = {
        agent: re.search(r'<section id="you-said-we-did".*?</section>', page, re.DOTALL).group()
        for agent, page in pages.items()
    }
    assert sections[answered] == sections[silent]
    assert TEXT.replace("'", "&#x27;") in sections[answered]
    assert answered.last_name not in sections[answered]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for trace in (answered.email, silent.email, answered.last_name, "answered"):
        assert trace not in logged


def test_the_invitees_are_still_emailed_after_the_invitations_are_purged(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = synthesised(client, lead, sponsor, participants, callbacks, participants[:2])
    purge_survey_personal_data(now=timezone.now() + datetime.timedelta(days=800))
    assert not Invitation.objects.filter(survey=experiment.retrospective_survey).exists()

    publish(client, lead, experiment, callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        agent.email for agent in participants
    )


def test_an_edit_is_emailed_again_only_when_the_lead_asks(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = synthesised(client, lead, sponsor, participants, callbacks)
    publish(client, lead, experiment, callbacks)
    mail.outbox.clear()

    publish(client, lead, experiment, callbacks, text="Une coquille corrigée.")
    assert mail.outbox == []
    experiment.refresh_from_db()
    assert experiment.changes_announced == "Une coquille corrigée."

    publish(client, lead, experiment, callbacks, text="Un nouveau pas.", notify_again="on")
    assert len(mail.outbox) == len(participants)
    assert mail.outbox[0].subject.endswith("mis à jour")
    assert "Un nouveau pas." in mail.outbox[0].body


def test_it_is_shown_on_the_page_which_is_cached_by_revision_at_constant_cost(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = synthesised(client, lead, sponsor, participants, callbacks)
    page = reverse("experiments:detail", args=[experiment.pk])
    before, response = visit_queries(as_user(client, participants[0]), page)
    assert "Vous avez dit, nous avons fait" not in response.content.decode()
    revision = experiment.revision

    publish(client, lead, experiment, callbacks)

    experiment.refresh_from_db()
    assert experiment.revision > revision
    assert experiment.changes_announced_by == lead
    after, response = visit_queries(as_user(client, participants[0]), page)
    content = response.content.decode()
    assert "Vous avez dit, nous avons fait" in content
    assert "micro de table" in content
    assert after == before
    # The lead is offered to edit it; a participant is not.
    assert url(experiment) not in content
    assert url(experiment) in as_user(client, lead).get(page).content.decode()


@pytest.mark.parametrize(
    "text, error",
    [
        ("", "Écrivez ce qui va changer"),
        ("   \n ", "Écrivez ce qui va changer"),
        ("x" * 5001, "au plus 5000 caractères"),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks, text, error
):
    callbacks = django_capture_on_commit_callbacks
    experiment = synthesised(client, lead, sponsor, participants, callbacks)

    response = publish(client, lead, experiment, callbacks, text=text)

    assert response.status_code == 200
    assert error in response.content.decode()
    experiment.refresh_from_db()
    assert experiment.changes_announced == "" and experiment.changes_announced_at is None
    assert mail.outbox == []


def test_wrong_users_are_refused_and_nothing_changes(
    client, lead, sponsor, participants, make_agent, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = synthesised(client, lead, sponsor, participants, callbacks)
    other_lead = make_agent("Autre")
    other_lead.groups.set(lead.groups.all())

    for intruder in (sponsor, participants[0], other_lead):
        assert as_user(client, intruder).get(url(experiment)).status_code == 403
        assert publish(client, intruder, experiment, callbacks).status_code == 403
    missing = reverse("experiments:announce_changes", args=[experiment.pk + 1000])
    assert as_user(client, lead).post(missing, {"text": TEXT}).status_code == 404

    experiment.refresh_from_db()
    assert experiment.changes_announced == "" and experiment.changes_announced_at is None
    assert mail.outbox == []


def test_a_superuser_may_write_it(
    client, lead, sponsor, participants, make_agent, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = synthesised(client, lead, sponsor, participants, callbacks)
    admin = make_agent("Admin")
    Agent.objects.filter(pk=admin.pk).update(is_superuser=True)
    admin.refresh_from_db()

    assert publish(client, admin, experiment, callbacks).status_code == 302

    experiment.refresh_from_db()
    assert experiment.changes_announced_by == admin
    # The lead was invited and did not write it: she is told too.
    assert lead.email in [message.to[0] for message in mail.outbox]


@pytest.mark.parametrize("stage", ["retrospective", "synthesis"])
def test_before_the_synthesis_the_lead_is_told_it_is_too_early(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks, stage
):
    callbacks = django_capture_on_commit_callbacks
    experiment = advanced_to(client, stage, lead, sponsor, participants, callbacks)
    mail.outbox.clear()

    page = as_user(client, lead).get(url(experiment))
    posted = publish(client, lead, experiment, callbacks)

    assert page.status_code == posted.status_code == 409
    assert "une fois la synthèse faite" in posted.content.decode()
    experiment.refresh_from_db()
    assert experiment.changes_announced == "" and experiment.changes_announced_at is None
    assert mail.outbox == []


def test_the_finished_demo_experiment_says_what_will_change(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    experiment = Experiment.objects.get(title="Des rituels d'équipe courts en télétravail")

    assert experiment.changes_announced_at is not None
    invited = experiment.retrospective_survey.invitations.values_list("agent", flat=True)
    assert set(experiment.retrospective_invitees.values_list("pk", flat=True)) == set(invited)
    client.force_login(experiment.participants.first())
    page = client.get(reverse("experiments:detail", args=[experiment.pk])).content.decode()
    assert "Vous avez dit, nous avons fait" in page
    assert "micro de table" in page


def test_the_invitees_find_it_on_their_home_page_and_in_their_data_answered_or_not(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    answered, silent = participants[0], participants[1]
    experiment = synthesised(client, lead, sponsor, participants, callbacks, answering=[answered])
    publish(client, lead, experiment, callbacks)
    item = f"Vous avez dit, nous avons fait : « {experiment.title} »"

    homes = {
        agent: as_user(client, agent).get("/").content.decode() for agent in (answered, silent)
    }
    assert item.replace("'", "&#x27;") in homes[answered]
    assert item.replace("'", "&#x27;") in homes[silent]
    # Its author has it on the experiment's page, not among what needs her attention.
    assert item.replace("'", "&#x27;") not in as_user(client, lead).get("/").content.decode()
    for agent in (answered, silent):
        data = as_user(client, agent).get(reverse("my_data_download")).json()
        (record,) = data["sections"]["experiments"]["records"]
        assert record["roles"] == ["participant", "retrospective_invitee"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer at a time: this race only exists on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_first_publications_at_once_email_the_invitees_once(make_agent, role_groups):
    lead = make_agent("Cheffe")
    lead.groups.add(Group.objects.get(name=PROJECT_LEADS))
    experiment = experiment_services.start(lead, "Deux fenêtres")
    invitees = [make_agent(f"Invitee{index}") for index in range(3)]
    experiment.retrospective_invitees.set(invitees)
    mail.outbox.clear()
    barrier = threading.Barrier(2)

    def publish_from_a_window(text):
        try:
            barrier.wait()
            announce(Experiment.objects.get(pk=experiment.pk), lead, text)
        finally:
            connections.close_all()

    windows = [threading.Thread(target=publish_from_a_window, args=(t,)) for t in "AB"]
    for window in windows:
        window.start()
    for window in windows:
        window.join()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        agent.email for agent in invitees
    )
