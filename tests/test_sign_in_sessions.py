"""Login sessions: they end after SESSION_IDLE_HOURS without activity, and an agent can end
every one of theirs at once ("Se déconnecter partout")."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from intranet.accounts.sessions import ACTIVITY_KEY, REFRESH_SECONDS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "motdepasse-solide"


def session_model():
    return import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()


def logged_in(agent):
    """A browser that logged in through the login form, as the agent would."""
    browser = Client()
    response = browser.post(reverse("login"), {"username": agent.email, "password": PASSWORD})
    assert response.status_code == 302, "login refused"
    return browser


def in_french(message):
    """A message as the page shows it: in French, HTML-escaped."""
    with translation.override("fr"):
        return escape(translation.gettext(message))


def is_logged_in(browser):
    response = browser.get(reverse("my_data"))
    return response.status_code == 200


def session_row(browser):
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return session_model().objects.get(session_key=key)


# Logging out everywhere


def test_logging_out_everywhere_ends_the_sessions_of_every_device(agent, site):
    office, phone = logged_in(agent), logged_in(agent)

    response = phone.post(reverse("logout_everywhere"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not is_logged_in(office)
    assert not is_logged_in(phone)
    assert not session_model().objects.filter(agent=agent).exists()


def test_the_login_page_says_every_device_is_logged_out(agent, site):
    browser = logged_in(agent)
    page = browser.post(reverse("logout_everywhere"), follow=True)
    assert page.request["PATH_INFO"] == reverse("login")
    assert in_french("You are logged out on every device. Log in again to continue.") in (
        page.content.decode()
    )


def test_another_agents_session_survives(agent, make_agent, site):
    colleague = make_agent("Collègue")
    theirs = logged_in(colleague)

    logged_in(agent).post(reverse("logout_everywhere"))

    assert is_logged_in(theirs)


def test_a_session_whose_key_changed_with_a_new_password_is_ended_too(agent, site):
    # Changing one's password gives the session a new key (update_session_auth_hash).
    kept = logged_in(agent)
    new_password = "un-autre-mot-de-passe-solide"
    response = kept.post(
        reverse("choose_password"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert is_logged_in(kept)
    other = Client()
    other.post(reverse("login"), {"username": agent.email, "password": new_password})

    other.post(reverse("logout_everywhere"))

    assert not is_logged_in(kept)


def test_a_get_logs_nobody_out(agent, site):
    office, phone = logged_in(agent), logged_in(agent)
    assert phone.get(reverse("logout_everywhere")).status_code == 405
    assert is_logged_in(office) and is_logged_in(phone)


def test_without_the_csrf_token_nobody_is_logged_out(agent, site):
    office = logged_in(agent)
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = office.cookies
    assert forged.post(reverse("logout_everywhere")).status_code == 403
    assert is_logged_in(office)


def test_my_data_counts_the_open_sessions_and_offers_the_button(agent, site):
    logged_in(agent)
    browser = logged_in(agent)
    html = browser.get(reverse("my_data")).content.decode()
    with translation.override("fr"):
        sessions = translation.ngettext(
            "You are logged in on %(counter)s device or browser.",
            "You are logged in on %(counter)s devices or browsers.",
            2,
        ) % {"counter": 2}
    assert escape(sessions) in html
    assert f'action="{reverse("logout_everywhere")}"' in html
    assert "csrfmiddlewaretoken" in html


def test_every_door_records_whose_session_it_is(agent, make_agent, site):
    """The password form, and a session created by any other login (SSO, LDAP, access code
    all end in django.contrib.auth.login)."""
    browser = logged_in(agent)
    assert session_row(browser).agent == agent
    other = make_agent("Autre")
    forced = Client()
    forced.force_login(other)
    assert session_row(forced).agent == other


# Session lifetime


def production_session_age(**env):
    system = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SESSION_COOKIE_AGE)",
        ],
        cwd=ROOT,
        env={
            **system,
            "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
            "SECRET_KEY": "s" * 60,
            "ALLOWED_HOSTS": "intranet.ville.test",
            "DATABASE_URL": "sqlite:///:memory:",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_a_session_lasts_twelve_hours_of_inactivity_by_default():
    assert production_session_age() == 12 * 3600


def test_session_lifetime_comes_from_the_environment():
    assert production_session_age(SESSION_IDLE_HOURS="2") == 2 * 3600
    assert production_session_age(SESSION_IDLE_HOURS="0.5") == 1800


def age_session(browser, *, active_seconds_ago, expires_in):
    """The session as it would be after some time: last recorded activity, stored expiry."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(
        browser.cookies[settings.SESSION_COOKIE_NAME].value
    )
    store[ACTIVITY_KEY] = int(time.time()) - active_seconds_ago
    store.save()
    session_model().objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )


def test_activity_pushes_the_end_of_the_session_back(agent, site):
    browser = logged_in(agent)
    age_session(browser, active_seconds_ago=REFRESH_SECONDS + 1, expires_in=timedelta(hours=1))

    browser.get(reverse("my_data"))

    remaining = session_row(browser).expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert browser.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_a_request_soon_after_the_last_one_writes_nothing(agent, site):
    browser = logged_in(agent)
    age_session(browser, active_seconds_ago=10, expires_in=timedelta(hours=1))
    before = session_row(browser).expire_date

    browser.get(reverse("my_data"))

    assert session_row(browser).expire_date == before


def test_an_idle_session_has_ended(agent, site):
    browser = logged_in(agent)
    age_session(browser, active_seconds_ago=13 * 3600, expires_in=-timedelta(hours=1))
    response = browser.get(reverse("my_data"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_anonymous_visit_opens_no_session(client, site):
    client.get(reverse("login"))
    assert not session_model().objects.exists()
