"""Wagtail's moderation e-mails as our editors, moderators and administrators receive them:
one per submission each, in French of our own ("Bonjour", "circuit de validation" rather
than "Salut" and "workflow"), titles as typed, links to this site's own address."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from intranet.home.demo import ensure_home_page

from .support.practices import edit_data, make_library, make_practice

pytestmark = pytest.mark.django_db

BASE_URL = "http://intranet.ville.test:8123"
TITLE = "Visio d'équipe & <café>"


@pytest.fixture
def administrator(make_agent):
    agent = make_agent("Admin", first_name="Alix")
    agent.is_superuser = True
    agent.save()
    return agent


@pytest.fixture
def submitted(client, site, editor, moderator, administrator, settings):
    """A practice the editor has just submitted to moderation, with its title changed, on a
    site whose address is BASE_URL."""
    settings.WAGTAILADMIN_BASE_URL = BASE_URL
    practice = make_practice(make_library(site), "Animer une réunion hybride")
    mail.outbox.clear()
    client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[practice.pk]),
        {**edit_data(practice, title=TITLE), "action-submit": "on"},
    )
    assert response.status_code == 302
    return practice


def sent_to(agent):
    return [message for message in mail.outbox if message.to == [agent.email]]


def links(message):
    return re.findall(r"https?://\S+", message.body)


def words(message):
    """The subject and the text of a message, without its links."""
    return re.sub(r"https?://\S+", "", message.subject + "\n" + message.body)


def decide(client, moderator, practice, action, comment):
    state = WorkflowState.objects.for_instance(practice).get()
    client.force_login(moderator)
    mail.outbox.clear()
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[practice.pk, action, state.current_task_state.pk],
        ),
        {"comment": comment},
    )
    assert response.status_code == 302


def test_each_moderator_and_administrator_gets_one_e_mail_per_submission(
    submitted, editor, moderator, administrator
):
    assert len(sent_to(moderator)) == 1
    assert len(sent_to(administrator)) == 1
    assert sent_to(editor) == []
    message = sent_to(moderator)[0]
    assert message.subject == f"À relire : « {TITLE} »"
    assert message.body.startswith("Bonjour Maud,")
    assert f"Emma Éditrice vous demande de relire la page « {TITLE} »" in message.body
    for text in ("Salut", "workflow", "&#x27;", "&amp;", "&lt;"):
        assert text not in words(message)
    assert links(message) and all(link.startswith(BASE_URL + "/") for link in links(message))
    assert f"{BASE_URL}/admin/pages/{submitted.pk}/edit/" in links(message)


def test_the_editor_is_told_in_french_that_her_page_is_sent_back_with_the_comment(
    client, submitted, editor, moderator
):
    decide(client, moderator, submitted, "reject", "Ajoutez un exemple concret.")

    (message,) = sent_to(editor)
    assert message.subject == f"Renvoyée : « {TITLE} »"
    assert message.body.startswith("Bonjour Emma,")
    assert f"Maud Modératrice vous a renvoyé la page « {TITLE} »" in message.body
    assert "« Ajoutez un exemple concret. »" in message.body
    assert f"{BASE_URL}/admin/pages/{submitted.pk}/edit/" in links(message)
    assert "workflow" not in words(message)
    assert "Salut" not in words(message)


def test_the_editor_is_told_her_page_is_online_at_the_site_s_own_address(
    client, submitted, editor, moderator
):
    ensure_home_page()  # as `manage.py seed_demo` does under `make run`
    decide(client, moderator, submitted, "approve", "")

    (message,) = sent_to(editor)
    assert message.subject == f"Approuvée : « {TITLE} »"
    assert message.body.startswith("Bonjour Emma,")
    submitted.refresh_from_db()
    assert f"{BASE_URL}{submitted.url}" in links(message)
