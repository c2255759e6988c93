"""First access of imported agents: the activation e-mail, and "forgotten password" for all.

The request pages answer the same whoever asks (existing account, unknown address, account
without password); the e-mail goes out through the task queue, once per address and period.
"""

import io
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override

from intranet.accounts.models import Agent
from intranet.accounts.tokens import activation_token_generator

from .support.directory import csv_bytes, row

pytestmark = pytest.mark.django_db

ACTIVATION_REQUEST = reverse("activation_request")
PASSWORD_RESET = reverse("password_reset")
SENT = reverse("password_reset_done")
NEW_PASSWORD = "un-mot-de-passe-tres-solide-2026"


@pytest.fixture
def imported(make_agent):
    """An agent created by the HR import: no usable password, never logged in."""
    agent = make_agent("Importée", email="importee@ville.test")
    agent.set_unusable_password()
    agent.save()
    return agent


def link_in(message):
    """The link to follow in an e-mail: its first one."""
    links = re.findall(r"https?://\S+", message.body)
    assert links, message.body
    return links[0]


def path_of(link):
    assert link.startswith("http://testserver/"), link
    return link.removeprefix("http://testserver")


def ask(client, url, address, **extra):
    return client.post(url, {"email": address}, **extra)


def choose_password(client, link, password=NEW_PASSWORD):
    """Follow an e-mailed link and choose a password; return the final response."""
    form_page = client.get(path_of(link), follow=True)
    assert form_page.status_code == 200
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def test_an_imported_agent_receives_an_activation_link_on_request(client, imported):
    response = ask(client, ACTIVATION_REQUEST, "IMPORTEE@ville.test")
    assert response.status_code == 302
    assert response["Location"] == SENT
    [message] = mail.outbox
    assert message.to == ["importee@ville.test"]
    assert message.subject == "Votre accès à Intranet de la Ville"
    assert "/compte/premiere-connexion/" in link_in(message)
    assert "valable 14 jours" in message.body
    imported.refresh_from_db()
    assert imported.activation_sent_at is not None


def test_forgotten_password_sends_the_activation_link_to_an_agent_who_never_had_one(
    client, imported
):
    ask(client, PASSWORD_RESET, "importee@ville.test")
    [message] = mail.outbox
    assert "/compte/premiere-connexion/" in link_in(message)


def test_forgotten_password_sends_a_new_password_link_to_an_agent_with_a_password(client, agent):
    ask(client, ACTIVATION_REQUEST, agent.email)
    [message] = mail.outbox
    assert "/compte/mot-de-passe/nouveau/" in link_in(message)
    assert message.subject == "Nouveau mot de passe pour Intranet de la Ville"


def test_the_activation_link_sets_the_password_and_signs_the_agent_in(client, imported, site):
    ask(client, ACTIVATION_REQUEST, imported.email)
    response = choose_password(client, link_in(mail.outbox[0]))
    assert response.redirect_chain[-1][0] == "/"
    assert int(client.session["_auth_user_id"]) == imported.pk
    assert "connectez-vous avec importee@ville.test" in response.content.decode()
    imported.refresh_from_db()
    assert imported.check_password(NEW_PASSWORD)


def test_the_activation_link_works_once(client, imported, site):
    ask(client, ACTIVATION_REQUEST, imported.email)
    link = link_in(mail.outbox[0])
    choose_password(client, link)
    client.logout()
    again = client.get(path_of(link), follow=True)
    assert "Ce lien n’est pas valide ou a expiré" in again.content.decode()
    imported.refresh_from_db()
    assert imported.check_password(NEW_PASSWORD)


def test_the_activation_link_expires_after_the_configured_days(client, imported, settings):
    settings.ACTIVATION_LINK_DAYS = 14
    now = activation_token_generator._num_seconds(activation_token_generator._now())
    secret = activation_token_generator.secret
    uid = urlsafe_base64_encode(force_bytes(imported.pk))

    def page_for(days_ago):
        token = activation_token_generator._make_token_with_timestamp(
            imported, now - days_ago * 24 * 3600, secret
        )
        url = reverse("activation_confirm", args=[uid, token])
        return client.get(url, follow=True).content.decode()

    assert "Choisissez le mot de passe" in page_for(13)
    assert "Ce lien n’est pas valide ou a expiré" in page_for(15)


def test_a_password_reset_link_is_no_activation_link_and_the_reverse(client, imported, agent):
    reset_token = default_token_generator.make_token(imported)
    uid = urlsafe_base64_encode(force_bytes(imported.pk))
    as_activation = client.get(reverse("activation_confirm", args=[uid, reset_token]), follow=True)
    assert "Ce lien n’est pas valide ou a expiré" in as_activation.content.decode()
    activation = activation_token_generator.make_token(agent)
    agent_uid = urlsafe_base64_encode(force_bytes(agent.pk))
    as_reset = client.get(
        reverse("password_reset_confirm", args=[agent_uid, activation]), follow=True
    )
    assert "Ce lien n’est pas valide ou a expiré" in as_reset.content.decode()


def test_a_forged_token_changes_nothing(client, imported):
    uid = urlsafe_base64_encode(force_bytes(imported.pk))
    response = client.post(
        reverse("activation_confirm", args=[uid, "cz0lnb-0123456789abcdef0123456789abcdef"]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Ce lien n’est pas valide ou a expiré" in response.content.decode()
    imported.refresh_from_db()
    assert not imported.has_usable_password()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", [ACTIVATION_REQUEST, PASSWORD_RESET])
def test_the_page_answers_the_same_for_an_unknown_an_inactive_and_a_real_address(
    client, imported, make_agent, url
):
    gone = make_agent("Partie", email="partie@ville.test", is_active=False)
    answers = [
        ask(client, url, address) for address in ("inconnu@ville.test", gone.email, imported.email)
    ]
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, SENT)}
    assert [message.to for message in mail.outbox] == [[imported.email]]


def test_the_request_does_the_same_work_whether_the_account_exists(client, imported, settings):
    """An attacker timing the page learns nothing: with a real queue, the lookup and the
    e-mail happen in the worker, and the request runs the same queries in both cases."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def queries_for(address):
        with CaptureQueriesContext(connection) as captured:
            ask(client, ACTIVATION_REQUEST, address)
        return [re.sub(r"'[^']*'|\d+", "?", query["sql"]) for query in captured]

    queries_for("premiere-demande@ville.test")  # this connection's counter now exists
    assert queries_for(imported.email) == queries_for("personne@ville.test")
    assert mail.outbox == []


def test_links_are_built_from_base_url_not_from_the_request_host(client, imported, settings):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    ask(client, ACTIVATION_REQUEST, imported.email, HTTP_HOST="evil.example")
    assert link_in(mail.outbox[0]).startswith("http://testserver/compte/premiere-connexion/")


def test_an_address_gets_at_most_three_links_an_hour_without_the_page_saying_so(client, imported):
    answers = [ask(client, ACTIVATION_REQUEST, imported.email) for _ in range(5)]
    assert {answer["Location"] for answer in answers} == {SENT}
    assert len(mail.outbox) == 3


def test_one_connection_asking_for_many_addresses_is_stopped(client, imported, settings):
    settings.SIGN_IN_LINKS_PER_CLIENT = 4
    for number in range(4):
        assert ask(client, ACTIVATION_REQUEST, f"essai{number}@ville.test").status_code == 302
    refused = ask(client, ACTIVATION_REQUEST, imported.email)
    assert refused.status_code == 429
    assert "Trop de liens ont été demandés" in refused.content.decode()
    assert mail.outbox == []


def test_the_throttle_stores_no_address(client, imported):
    from intranet.accounts.models import Throttle

    ask(client, ACTIVATION_REQUEST, imported.email)
    keys = " ".join(Throttle.objects.values_list("key", flat=True))
    assert "importee" not in keys and "127.0.0.1" not in keys


def test_an_agent_without_email_cannot_receive_a_link_and_is_told_where_to_go(client, make_agent):
    make_agent("Terrain", email=None, external_id="T100")
    page = client.get(ACTIVATION_REQUEST).content.decode()
    assert "votre responsable peut vous remettre un code d'accès imprimé" in page.lower()


def test_import_with_send_activation_emails_the_new_agents_only(
    tmp_path, agent, django_capture_on_commit_callbacks
):
    agent.external_id = "000900"
    agent.save()
    data = csv_bytes(
        [
            row("000001", "Durand", "Alice", "alice@ville.test"),
            row("000002", "Petit", "Bruno", ""),
            row("000900", agent.last_name, agent.first_name, agent.email),
        ]
    )
    path = tmp_path / "annuaire.csv"
    path.write_bytes(data)
    out = io.StringIO()
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        call_command("import_agents", str(path), "--send-activation", stdout=out)
    assert [message.to for message in mail.outbox] == [["alice@ville.test"]]
    assert "1 activation e-mail queued." in out.getvalue()
    assert "1 agent of the file has no e-mail address" in out.getvalue()
    assert "/compte/acces-des-agents/" in out.getvalue()


def test_reimporting_with_send_activation_reminds_only_those_who_have_not_activated(
    tmp_path, client, site, django_capture_on_commit_callbacks
):
    path = tmp_path / "annuaire.csv"
    path.write_bytes(
        csv_bytes(
            [
                row("000001", "Durand", "Alice", "alice@ville.test"),
                row("000003", "Roy", "Léa", "lea@ville.test"),
            ]
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_agents", str(path), "--send-activation", stdout=io.StringIO())
    alice_link = next(link_in(m) for m in mail.outbox if m.to == ["alice@ville.test"])
    choose_password(client, alice_link)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_agents", str(path), "--send-activation", stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [["lea@ville.test"]]


def test_import_without_send_activation_sends_nothing(tmp_path):
    path = tmp_path / "annuaire.csv"
    path.write_bytes(csv_bytes([row("000001", "Durand", "Alice", "alice@ville.test")]))
    call_command("import_agents", str(path), stdout=io.StringIO())
    assert mail.outbox == []
    assert not Agent.objects.get(external_id="000001").has_usable_password()


def test_password_links_are_closed_when_passwords_are_off(client, imported, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    uid = urlsafe_base64_encode(force_bytes(imported.pk))
    token = activation_token_generator.make_token(imported)
    for url in (
        ACTIVATION_REQUEST,
        PASSWORD_RESET,
        reverse("activation_confirm", args=[uid, token]),
    ):
        assert client.get(url).status_code == 404, url
    assert ask(client, ACTIVATION_REQUEST, imported.email).status_code == 404
    assert mail.outbox == []
    client.force_login(imported)
    assert client.get(reverse("choose_password")).status_code == 404
