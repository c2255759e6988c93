"""Signing in with the city directory's password (LDAP), through the login page.

The directory (tests/ldap_server, a real slapd) checks the password; the agent must already
exist here, found by the entry's matricule or e-mail, and LDAP never changes it.
"""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.urls import reverse

from intranet.accounts.ldap_settings import ldap_settings
from intranet.accounts.models import Agent
from tests.ldap_server.availability import import_python_ldap

# The fixtures (slapd, ldap_directory, dead_ldap_uri, blackhole_ldap_uri) as a plugin: imported
# by name they would be flagged by ruff as redefined in every test's arguments (F811).
pytest_plugins = ["tests.ldap_server.fixtures"]

import_python_ldap()  # the backend needs it: skip here without it, fail under REQUIRE_LDAP

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
AGENT_BACKEND = "intranet.accounts.backends.AgentBackend"
LDAP_BACKEND = "intranet.accounts.ldap_backend.AgentLDAPBackend"
PEOPLE_DN = "ou=people,dc=ville,dc=test"

INVALID_LOGIN = "ne correspondent à aucun compte actif"
DIRECTORY_SILENT = "ne répond pas : votre mot de passe ne peut pas être vérifié"
LOCKED_OUT = "Compte temporairement bloqué"


def use_directory(settings, uri, **variables):
    """Turn LDAP sign-in on as intranet/settings/base.py does from these LDAP_* variables."""
    values = {"LDAP_SERVER_URI": uri, **variables}

    def env(name, default=None):
        return values.get(name, default)

    def env_bool(name, default=False):
        value = values.get(name)
        return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}

    for name, value in ldap_settings(env, env_bool).items():
        setattr(settings, name, value)
    settings.LDAP_SERVER_URI = uri
    settings.LDAP_ENABLED = True
    backends = list(settings.AUTHENTICATION_BACKENDS)
    backends.insert(backends.index(AGENT_BACKEND) + 1, LDAP_BACKEND)
    settings.AUTHENTICATION_BACKENDS = backends


def search_with_service_account(settings, directory, **variables):
    use_directory(
        settings,
        directory.uri,
        LDAP_BIND_DN=directory.bind_dn,
        LDAP_BIND_PASSWORD=directory.bind_password,
        LDAP_USER_SEARCH_BASE=directory.people_dn,
        **variables,
    )


@pytest.fixture
def directory(ldap_directory, settings):
    """The test directory, searched by uid with the intranet's service account."""
    search_with_service_account(settings, ldap_directory)
    return ldap_directory


def make_agent(email=None, matricule=None, password=None, **fields):
    return Agent.objects.create_user(
        email,
        password,
        external_id=matricule,
        first_name=fields.pop("first_name", "Prénom"),
        last_name=fields.pop("last_name", "Nom"),
        **fields,
    )


def stored_agents():
    """Every agent's identity, names, password and status: what the directory must not change."""
    return list(
        Agent.objects.order_by("pk").values_list(
            "pk", "email", "external_id", "first_name", "last_name", "password", "is_active"
        )
    )


def log_in(client, username, password):
    """Post the login form; whatever the outcome, no agent is created nor changed by it."""
    before = stored_agents()
    response = client.post(LOGIN_URL, {"username": username, "password": password})
    assert stored_agents() == before
    return response


def signed_in_agent_id(client):
    return client.session.get(SESSION_KEY)


def signed_in_through(client):
    return client.session.get(BACKEND_SESSION_KEY)


def assert_signed_in(client, response, agent, backend=LDAP_BACKEND):
    assert response.status_code == 302
    assert signed_in_agent_id(client) == str(agent.pk)
    assert signed_in_through(client) == backend
    # The next page finds the agent again through the same backend.
    next_page = client.get(reverse("my_data"))
    assert next_page.status_code == 200
    assert next_page.wsgi_request.user == agent


def assert_refused(client, response, message=INVALID_LOGIN):
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    other = DIRECTORY_SILENT if message == INVALID_LOGIN else INVALID_LOGIN
    assert other not in page
    assert signed_in_agent_id(client) is None


# Search with the service account, then bind as the person


def test_the_directory_password_signs_in_the_agent_with_the_entrys_matricule(client, directory):
    claire = make_agent(
        "c.martin@mairie.test", "10001", first_name="Claire-Marie", last_name="Martin-Roux"
    )

    response = log_in(client, "cmartin", "claire-secret")  # the directory says Claire Martin

    assert_signed_in(client, response, claire)


def test_the_matricule_wins_over_the_e_mail_and_is_matched_in_any_case(client, directory):
    directory.add_person(
        "nrobert", "nina-secret", mail="nina.robert@ville.test", employee_number="AB-20001"
    )
    by_matricule = make_agent("n.robert@mairie.test", "ab-20001")
    make_agent("nina.robert@ville.test", "30001")

    response = log_in(client, "nrobert", "nina-secret")

    assert_signed_in(client, response, by_matricule)


def test_with_the_mail_login_attribute_the_agent_is_found_by_e_mail(
    client, ldap_directory, settings
):
    search_with_service_account(settings, ldap_directory, LDAP_LOGIN_ATTRIBUTE="mail")
    jean = make_agent("jean.dupont@ville.test", first_name="Jean-Luc", last_name="Dupont-Roux")

    response = log_in(client, "Jean.Dupont@ville.test", "jean-secret")

    assert_signed_in(client, response, jean)


def test_an_agent_without_e_mail_is_found_by_matricule(client, directory):
    lucie = make_agent(matricule="10003", first_name="Lucie", last_name="Bernard")

    response = log_in(client, "lbernard", "lucie-secret")

    assert_signed_in(client, response, lucie)


def test_an_accented_password_signs_in(client, directory):
    eloise = make_agent("eloise.lefevre@ville.test", "10005")

    response = log_in(client, "elefevre", "éloïse-secret")

    assert_signed_in(client, response, eloise)


def test_without_a_service_account_the_user_binds_with_the_dn_template(
    client, ldap_directory, settings
):
    use_directory(settings, ldap_directory.uri, LDAP_USER_DN_TEMPLATE=f"uid=%(user)s,{PEOPLE_DN}")
    claire = make_agent("c.martin@mairie.test", "10001")

    response = log_in(client, "cmartin", "claire-secret")

    assert_signed_in(client, response, claire)


def test_with_the_dn_template_a_wrong_password_is_refused(client, ldap_directory, settings):
    use_directory(settings, ldap_directory.uri, LDAP_USER_DN_TEMPLATE=f"uid=%(user)s,{PEOPLE_DN}")
    make_agent("c.martin@mairie.test", "10001")

    assert_refused(client, log_in(client, "cmartin", "not-claire-secret"))


# StartTLS


def test_start_tls_with_the_directorys_ca_signs_in(client, ldap_directory, settings):
    search_with_service_account(
        settings, ldap_directory, LDAP_START_TLS="true", LDAP_CA_FILE=ldap_directory.ca_file
    )
    claire = make_agent("c.martin@mairie.test", "10001")

    response = log_in(client, "cmartin", "claire-secret")

    assert_signed_in(client, response, claire)


def test_start_tls_with_an_untrusted_certificate_says_the_directory_does_not_answer(
    client, ldap_directory, settings
):
    search_with_service_account(settings, ldap_directory, LDAP_START_TLS="true")
    make_agent("c.martin@mairie.test", "10001")

    assert_refused(client, log_in(client, "cmartin", "claire-secret"), DIRECTORY_SILENT)


# Refusals


def test_a_wrong_password_gets_the_usual_message(client, directory):
    make_agent("c.martin@mairie.test", "10001")

    assert_refused(client, log_in(client, "cmartin", "not-claire-secret"))


def test_a_directory_person_who_is_no_agent_is_refused_and_not_created(client, directory):
    make_agent("someone.else@ville.test", "99999")

    assert_refused(client, log_in(client, "cmartin", "claire-secret"))


def test_someone_unknown_to_the_directory_too_is_refused(client, directory):
    make_agent("someone.else@ville.test", "99999")

    assert_refused(client, log_in(client, "nobody", "any-secret"))


def test_a_disabled_directory_entry_is_refused_although_the_agent_is_active(client, directory):
    make_agent("paul.durand@ville.test", "10004")

    assert_refused(client, log_in(client, "pdurand", "paul-secret"))


def test_a_deactivated_agent_is_refused_despite_the_right_directory_password(client, directory):
    make_agent("claire.martin@ville.test", "10001", is_active=False)

    assert_refused(client, log_in(client, "cmartin", "claire-secret"))


def test_a_deactivated_agent_found_by_matricule_is_not_replaced_by_the_e_mails_agent(
    client, directory
):
    make_agent("c.martin@mairie.test", "10001", is_active=False)
    make_agent("claire.martin@ville.test", "20001")

    assert_refused(client, log_in(client, "cmartin", "claire-secret"))


def test_an_address_of_an_agent_with_another_matricule_signs_nobody_in(client, directory):
    """The entry's address was reassigned: its matricule names someone the HR directory
    does not know, the agent with that address has another matricule."""
    make_agent("claire.martin@ville.test", "20001")

    assert_refused(client, log_in(client, "cmartin", "claire-secret"))


# Brute force (django-axes)


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25


def test_a_wrong_directory_password_is_counted(client, directory, axes_on):
    make_agent("c.martin@mairie.test", "10001")

    assert_refused(client, log_in(client, "cmartin", "not-claire-secret"))

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == ("cmartin", 1)


def test_the_fifth_wrong_directory_password_locks_even_the_right_one_out(
    client, directory, axes_on
):
    make_agent("c.martin@mairie.test", "10001")

    statuses = [log_in(client, "cmartin", "not-claire-secret").status_code for _ in range(5)]
    locked = log_in(client, "cmartin", "claire-secret")

    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert LOCKED_OUT in locked.content.decode()
    assert signed_in_agent_id(client) is None


# The directory does not answer


def test_retries_while_the_directory_is_down_lock_nobody_out(
    client, directory, dead_ldap_uri, settings, axes_on
):
    """A password nobody could check is no failed guess."""
    make_agent("c.martin@mairie.test", "10001")
    settings.AUTH_LDAP_SERVER_URI = dead_ldap_uri
    for _ in range(6):
        assert_refused(client, log_in(client, "cmartin", "claire-secret"), DIRECTORY_SILENT)
    assert not AccessAttempt.objects.exists()
    settings.AUTH_LDAP_SERVER_URI = directory.uri

    assert_signed_in(client, log_in(client, "cmartin", "claire-secret"), Agent.objects.get())


def test_a_directory_that_refuses_connections_is_reported_at_once(client, dead_ldap_uri, settings):
    use_directory(
        settings,
        dead_ldap_uri,
        LDAP_BIND_DN="cn=intranet,ou=services,dc=ville,dc=test",
        LDAP_BIND_PASSWORD="service-intranet",
        LDAP_USER_SEARCH_BASE=PEOPLE_DN,
        LDAP_TIMEOUT="5",
    )
    make_agent("c.martin@mairie.test", "10001")

    started = time.monotonic()
    response = log_in(client, "cmartin", "claire-secret")

    assert time.monotonic() - started < 3  # a refused connection is not waited for
    assert_refused(client, response, DIRECTORY_SILENT)


def test_a_directory_that_never_answers_is_given_up_after_the_timeout(
    client, blackhole_ldap_uri, settings
):
    use_directory(
        settings,
        blackhole_ldap_uri,
        LDAP_BIND_DN="cn=intranet,ou=services,dc=ville,dc=test",
        LDAP_BIND_PASSWORD="service-intranet",
        LDAP_USER_SEARCH_BASE=PEOPLE_DN,
        LDAP_TIMEOUT="2",
    )
    make_agent("c.martin@mairie.test", "10001")

    started = time.monotonic()
    response = log_in(client, "cmartin", "claire-secret")

    assert time.monotonic() - started < 6
    assert_refused(client, response, DIRECTORY_SILENT)


def test_with_the_dn_template_a_silent_directory_is_reported_too(client, dead_ldap_uri, settings):
    use_directory(settings, dead_ldap_uri, LDAP_USER_DN_TEMPLATE=f"uid=%(user)s,{PEOPLE_DN}")
    make_agent("c.martin@mairie.test", "10001")

    assert_refused(client, log_in(client, "cmartin", "claire-secret"), DIRECTORY_SILENT)


# The local password door, tried first


def test_a_local_password_still_signs_in_with_the_directory_on(client, directory):
    agent = make_agent("agent@ville.test", password="motdepasse-solide")

    response = log_in(client, "agent@ville.test", "motdepasse-solide")

    assert_signed_in(client, response, agent, backend=AGENT_BACKEND)


def test_a_local_password_signs_in_while_the_directory_is_down(client, dead_ldap_uri, settings):
    use_directory(settings, dead_ldap_uri, LDAP_USER_DN_TEMPLATE=f"uid=%(user)s,{PEOPLE_DN}")
    agent = make_agent("agent@ville.test", password="motdepasse-solide")

    response = log_in(client, "agent@ville.test", "motdepasse-solide")

    assert_signed_in(client, response, agent, backend=AGENT_BACKEND)


def test_the_directory_password_signs_in_with_local_passwords_closed(client, directory, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    claire = make_agent("c.martin@mairie.test", "10001", password="motdepasse-solide")

    assert_refused(client, log_in(client, "c.martin@mairie.test", "motdepasse-solide"))
    assert_signed_in(client, log_in(client, "cmartin", "claire-secret"), claire)
