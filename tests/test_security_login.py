"""Login brute force: django-axes locks an account after repeated failures from one address."""

import datetime
import io

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.urls import reverse

from intranet.accounts.models import Agent

LOGIN_URL = reverse("login")
PASSWORD = "motdepasse-solide"
LIMIT = 5


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = 0.25  # 15 minutes


def log_in(client, email, password, **extra):
    return client.post(LOGIN_URL, {"username": email, "password": password}, **extra)


def fail(client, email, times, **extra):
    return [log_in(client, email, "mauvais-mot-de-passe", **extra) for _ in range(times)]


def logged_in(client):
    return "_auth_user_id" in client.session


def test_failures_under_the_limit_show_the_usual_error(client, agent):
    responses = fail(client, agent.email, LIMIT - 1)
    assert [response.status_code for response in responses] == [200] * (LIMIT - 1)
    assert "ne correspondent à aucun compte actif" in responses[-1].content.decode()


def test_the_fifth_failure_locks_the_account_with_a_clear_message(client, agent):
    *_, last = fail(client, agent.email, LIMIT)
    assert last.status_code == 429
    page = last.content.decode()
    assert "Compte temporairement bloqué" in page
    assert "il est bloqué pendant 15 minutes" in page
    assert '<html lang="fr">' in page


def test_the_right_password_is_refused_while_locked(client, agent):
    fail(client, agent.email, LIMIT)
    response = log_in(client, agent.email, PASSWORD)
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert not logged_in(client)


def test_the_lock_lifts_after_the_cool_off(client, agent):
    fail(client, agent.email, LIMIT)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16)
    )
    response = log_in(client, agent.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_resets_the_counter(client, agent):
    fail(client, agent.email, LIMIT - 1)
    assert log_in(client, agent.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    responses = fail(client, agent.email, LIMIT - 1)
    assert responses[-1].status_code == 200
    assert log_in(client, agent.email, PASSWORD).status_code == 302


def test_another_agent_is_unaffected(client, agent, make_agent):
    colleague = make_agent("Durand")
    fail(client, agent.email, LIMIT)
    assert log_in(client, colleague.email, PASSWORD).status_code == 302
    assert int(client.session["_auth_user_id"]) == colleague.pk


def test_the_case_of_the_address_does_not_reset_the_count(client, agent):
    spellings = [agent.email, agent.email.upper(), f" {agent.email.title()} "]
    for number in range(LIMIT - 1):
        log_in(client, spellings[number % len(spellings)], "mauvais-mot-de-passe")
    assert log_in(client, agent.email.upper(), "mauvais").status_code == 429


def test_the_same_account_from_another_address_can_still_log_in(client, agent):
    """Keyed by account and address: whoever guesses cannot lock the agent out elsewhere."""
    fail(client, agent.email, LIMIT, REMOTE_ADDR="10.1.1.1")
    assert log_in(client, agent.email, PASSWORD, REMOTE_ADDR="10.2.2.2").status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, agent):
    for number in range(LIMIT):
        log_in(client, agent.email, "mauvais", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    response = log_in(client, agent.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_address_it_forwards_counts(client, agent, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for number in range(LIMIT):
        # The client forges the left part; the proxy appends the address it saw.
        forwarded = f"198.51.100.{number}, 203.0.113.7"
        log_in(client, agent.email, "mauvais", HTTP_X_FORWARDED_FOR=forwarded, **proxy)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    locked = log_in(client, agent.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert locked.status_code == 429
    elsewhere = log_in(client, agent.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert elsewhere.status_code == 302


def test_an_unknown_address_is_locked_too(client, db):
    """Guessing which addresses exist is slowed down the same way."""
    *_, last = fail(client, "personne@ville.test", LIMIT)
    assert last.status_code == 429
    assert not Agent.objects.exists()


def test_failures_during_the_lock_do_not_extend_it(client, agent):
    fail(client, agent.email, LIMIT)
    locked_at = AccessAttempt.objects.get().attempt_time
    assert fail(client, agent.email, 3)[-1].status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_an_operator_unlocks_an_account_at_once(client, agent):
    fail(client, agent.email, LIMIT)
    call_command("axes_reset_username", agent.email, stdout=io.StringIO())
    assert log_in(client, agent.email, PASSWORD).status_code == 302


def test_successful_logins_are_not_recorded(client, agent):
    assert log_in(client, agent.email, PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()
