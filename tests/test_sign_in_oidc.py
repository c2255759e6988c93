"""Single sign-on (OpenID Connect), the whole redirect flow against a real provider.

The test client plays the agent's browser on the intranet; a ``requests.Session`` plays the
same browser on the provider (tests/oidc_provider, django-oauth-toolkit on loopback). The
provider says who the person is; the intranet signs in only an active agent it already knows.
"""

import base64
import hashlib
import socket
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from intranet.accounts.models import Agent
from intranet.accounts.oidc import AgentOIDCBackend, forget_discovery

# The fixtures (oidc_provider, oidc) as a plugin: imported by name, ruff would flag them as
# redefined in every test's arguments (F811).
pytest_plugins = ["tests.oidc_provider.fixtures"]

OIDC_BACKEND = "intranet.accounts.oidc.AgentOIDCBackend"
SSO_START = reverse("oidc_authentication_init")
LOGIN_URL = reverse("login")
CALLBACK = f"http://testserver{reverse('oidc_authentication_callback')}"
LOGIN_PAGE = f"http://testserver{LOGIN_URL}"
PROVIDER_NAME = "Compte Ville"
PASSWORD = "mot-de-passe-fournisseur"
AGENT_PASSWORD = "motdepasse-solide"

REFUSED = "Vous n'avez pas pu être connecté"
UNKNOWN = "l'annuaire RH de l'intranet ne compte aucun agent de cette identité"
INACTIVE = "votre compte de l'intranet est désactivé"
NO_IDENTITY = "n'a transmis ni votre adresse e-mail ni votre matricule"
UNVERIFIED = "n'a pas pu être vérifiée (expirée, altérée ou rejouée)"
UNAVAILABLE = "Le fournisseur d'identité ne répond pas"
SIGNED_OUT = "Vous êtes déconnecté de l'intranet"
SSO_BUTTON = f"Se connecter avec {PROVIDER_NAME}"


@pytest.fixture
def provider(oidc, settings, site):
    """The provider, and the intranet configured as its client (matricule claim on)."""
    oidc.set_redirect_uris([CALLBACK], post_logout=[LOGIN_PAGE])
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = oidc.client_id
    settings.OIDC_RP_CLIENT_SECRET = oidc.client_secret
    settings.OIDC_DISCOVERY_URL = oidc.discovery_url
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.OIDC_MATRICULE_CLAIM = "matricule"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    forget_discovery()
    yield oidc
    forget_discovery()


@pytest.fixture
def other_browser():
    """Someone else's browser, with its own cookies."""
    return Client()


@pytest.fixture
def roles(settings):
    """The provider's groups claim governs two roles."""
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = "intranet-editeurs=Éditeurs; intranet-moderateurs=Modérateurs"


def make_agent(email=None, matricule=None, **fields):
    return Agent.objects.create_user(
        email,
        AGENT_PASSWORD,
        external_id=matricule,
        first_name=fields.pop("first_name", "Claire"),
        last_name=fields.pop("last_name", "Martin"),
        **fields,
    )


def role_names(agent):
    return set(agent.groups.values_list("name", flat=True))


def directory():
    """Every agent and every role membership: what a refused sign-in must leave as it was."""
    agents = Agent.objects.order_by("pk").values_list(
        "pk", "email", "external_id", "first_name", "last_name", "is_active", "password"
    )
    memberships = Agent.groups.through.objects.order_by("pk").values_list("agent_id", "group_id")
    return list(agents), list(memberships)


def start_sign_in(client, **query):
    """The agent clicks the SSO button: the intranet sends them to the provider."""
    response = client.get(SSO_START, query)
    assert response.status_code == 302
    return response["Location"]


def come_back(client, location):
    """The browser follows the provider's redirect back to the intranet's callback."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_at_provider(client, provider, username, browser=None, **query):
    """Start on the intranet and sign in on the provider: the Location back to the intranet."""
    authorize_url = start_sign_in(client, **query)
    return provider.sign_in(browser or requests.Session(), authorize_url, username, PASSWORD)


def sign_in_with_sso(client, provider, username, browser=None, **query):
    return come_back(client, sign_in_at_provider(client, provider, username, browser, **query))


def add_person(provider, username="cmartin", email=None, matricule=None, groups=None, **names):
    claims = {}
    if matricule is not None:
        claims["matricule"] = matricule
    if groups is not None:
        claims["groups"] = groups
    return provider.add_user(username, PASSWORD, email=email, claims=claims, **names)


def page_text(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def refusal_reason(response):
    summary = BeautifulSoup(response.content, "html.parser").select_one(".error-summary")
    return " ".join(summary.get_text(" ").split())


def signed_in_agent_id(client):
    return client.session.get(SESSION_KEY)


def assert_signed_in(client, response, agent, to="/"):
    assert response.status_code == 302
    assert response["Location"] == to
    assert signed_in_agent_id(client) == str(agent.pk)
    assert client.session[BACKEND_SESSION_KEY] == OIDC_BACKEND
    # The next page finds the agent again through the backend that signed them in.
    assert client.get("/").context["user"] == agent


def assert_refused(client, response, reason, status=403):
    assert response.status_code == status
    assert REFUSED in page_text(response)
    assert reason in refusal_reason(response)
    assert signed_in_agent_id(client) is None


# Who the person is -------------------------------------------------------------------------


def test_agent_is_found_by_the_matricule_claim_before_the_email(client, provider):
    agent = make_agent("claire.martin@ville.test", matricule="001042")
    homonym = make_agent("c.martin@ville.test", first_name="Céline")
    add_person(provider, email="c.martin@ville.test", matricule="001042")

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_signed_in(client, response, agent)
    assert signed_in_agent_id(client) != str(homonym.pk)


def test_agent_is_found_by_the_email_claim_in_any_case(client, provider):
    agent = make_agent("claire.martin@ville.test", matricule="001042")
    add_person(provider, email="Claire.MARTIN@Ville.TEST")

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_signed_in(client, response, agent)


@pytest.mark.parametrize("creation", [False, True])
def test_email_of_an_agent_with_another_matricule_is_refused(client, provider, settings, creation):
    """A reassigned address: the directory's agent is someone else than the person signing in."""
    settings.OIDC_CREATE_AGENTS = creation
    make_agent("jean.dupont@ville.test", matricule="000417", first_name="Jean")
    before = directory()
    add_person(provider, email="jean.dupont@ville.test", matricule="008800")

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, UNKNOWN)
    assert directory() == before


def test_an_email_the_provider_says_it_has_not_verified_designates_nobody(client, provider):
    """A guest account or a self-service profile may carry anyone's address."""
    make_agent("claire.martin@ville.test")
    before = directory()
    provider.add_user(
        "intrus",
        PASSWORD,
        email="claire.martin@ville.test",
        claims={"email_verified": False},
    )

    response = sign_in_with_sso(client, provider, "intrus")

    assert_refused(client, response, UNKNOWN)
    assert directory() == before


def test_agent_without_email_is_found_by_the_matricule_claim(client, provider):
    agent = make_agent(matricule="007311", first_name="Paul", last_name="Durand")
    add_person(provider, matricule="007311")

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_signed_in(client, response, agent)


def test_signing_in_leads_to_the_page_asked_for(client, provider):
    agent = make_agent("claire.martin@ville.test")
    add_person(provider, email="claire.martin@ville.test")

    response = sign_in_with_sso(client, provider, "cmartin", next="/pratiques/")

    assert_signed_in(client, response, agent, to="/pratiques/")


def test_a_next_address_on_another_site_is_ignored(client, provider):
    agent = make_agent("claire.martin@ville.test")
    add_person(provider, email="claire.martin@ville.test")

    response = sign_in_with_sso(client, provider, "cmartin", next="https://evil.test/")

    assert_signed_in(client, response, agent, to="/")


def test_unknown_person_is_refused_and_nothing_is_created(client, provider):
    make_agent("claire.martin@ville.test", matricule="001042")
    before = directory()
    add_person(provider, email="intrus@ville.test", matricule="999999")

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, UNKNOWN)
    assert directory() == before


def test_unknown_person_becomes_an_agent_without_password_when_creation_is_on(
    client, provider, settings
):
    settings.OIDC_CREATE_AGENTS = True
    add_person(
        provider,
        email="Nouvel.Agent@Ville.test",
        matricule="004200",
        given_name="Nadia",
        family_name="Nouvel",
    )

    response = sign_in_with_sso(client, provider, "cmartin")

    created = Agent.objects.get()
    assert_signed_in(client, response, created)
    assert (created.email, created.external_id) == ("nouvel.agent@ville.test", "004200")
    assert (created.first_name, created.last_name) == ("Nadia", "Nouvel")
    assert created.is_active
    assert not created.has_usable_password()
    assert not created.is_staff and not created.is_superuser


def test_deactivated_agent_is_refused(client, provider, roles):
    agent = make_agent("claire.martin@ville.test", matricule="001042", is_active=False)
    before = directory()
    add_person(provider, email="claire.martin@ville.test", groups=["intranet-editeurs"])

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, INACTIVE)
    assert directory() == before
    assert role_names(agent) == set()


def test_deactivated_agent_is_not_created_again_when_creation_is_on(client, provider, settings):
    settings.OIDC_CREATE_AGENTS = True
    make_agent("claire.martin@ville.test", matricule="001042", is_active=False)
    before = directory()
    add_person(provider, email="claire.martin@ville.test", matricule="001042")

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, INACTIVE)
    assert directory() == before


def test_person_without_email_nor_matricule_is_refused(client, provider, settings):
    settings.OIDC_CREATE_AGENTS = True
    before = directory()
    add_person(provider, given_name="Anonyme")

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, NO_IDENTITY)
    assert directory() == before


# Attacks on the answer ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["signature", "nonce", "expired", "issuer", "audience"])
def test_forged_id_token_is_refused(client, provider, settings, roles, mode):
    settings.OIDC_CREATE_AGENTS = True
    make_agent("claire.martin@ville.test", matricule="001042")
    before = directory()
    add_person(
        provider,
        email="claire.martin@ville.test",
        matricule="001042",
        groups=["intranet-editeurs"],
    )
    provider.tamper(mode)

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, UNVERIFIED)
    assert directory() == before
    assert "oidc_id_token" not in client.session


def test_a_code_the_provider_refuses_says_so_rather_than_provider_down(client, provider, settings):
    """A wrong client secret (or an expired code): the token endpoint answers 4xx."""
    make_agent("claire.martin@ville.test")
    add_person(provider, email="claire.martin@ville.test")
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, UNVERIFIED)


def test_forged_id_token_of_an_unknown_person_creates_no_agent(client, provider, settings):
    settings.OIDC_CREATE_AGENTS = True
    add_person(provider, email="intrus@ville.test", matricule="999999")
    provider.tamper("signature")

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, UNVERIFIED)
    assert not Agent.objects.exists()


def test_unreadable_id_token_is_refused(client, provider, monkeypatch):
    make_agent("claire.martin@ville.test")
    before = directory()
    add_person(provider, email="claire.martin@ville.test")
    real_get_token = AgentOIDCBackend.get_token

    def garbled(backend, payload):
        return {**real_get_token(backend, payload), "id_token": "pas.un.jeton"}

    monkeypatch.setattr(AgentOIDCBackend, "get_token", garbled)

    response = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, response, UNVERIFIED)
    assert directory() == before


@pytest.mark.parametrize("victim_started_a_sign_in", [False, True])
def test_callback_with_a_state_this_browser_never_sent_is_refused(
    client, other_browser, provider, victim_started_a_sign_in
):
    """Login CSRF: the attacker's own callback URL, opened in the victim's browser."""
    make_agent("attaquant@ville.test")
    before = directory()
    add_person(provider, "attaquant", email="attaquant@ville.test")
    attackers_callback = sign_in_at_provider(other_browser, provider, "attaquant")
    if victim_started_a_sign_in:
        start_sign_in(client)

    response = come_back(client, attackers_callback)

    assert_refused(client, response, UNVERIFIED)
    assert directory() == before


def test_callback_replayed_by_someone_else_is_refused(client, other_browser, provider):
    """The callback URL read from a log or a Referer, opened in another browser."""
    agent = make_agent("claire.martin@ville.test")
    add_person(provider, email="claire.martin@ville.test")
    callback = sign_in_at_provider(client, provider, "cmartin")
    assert_signed_in(client, come_back(client, callback), agent)

    response = come_back(other_browser, callback)

    assert_refused(other_browser, response, UNVERIFIED)


def test_callback_replayed_in_the_same_browser_is_refused(client, provider):
    agent = make_agent("claire.martin@ville.test")
    add_person(provider, email="claire.martin@ville.test")
    callback = sign_in_at_provider(client, provider, "cmartin")
    assert_signed_in(client, come_back(client, callback), agent)

    response = come_back(client, callback)

    assert_refused(client, response, UNVERIFIED)


def test_sign_in_cancelled_at_the_provider_is_refused(client, provider):
    authorize_url = start_sign_in(client)
    state = parse_qs(urlsplit(authorize_url).query)["state"][0]

    response = client.get(
        reverse("oidc_authentication_callback"), {"error": "access_denied", "state": state}
    )

    assert_refused(client, response, "annulée ou refusée par le fournisseur d'identité")


def test_authorization_request_carries_pkce_s256_state_and_nonce(client, provider):
    authorize_url = start_sign_in(client, next="/pratiques/")

    parts = urlsplit(authorize_url)
    discovery = requests.get(provider.discovery_url, timeout=5).json()
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == discovery["authorization_endpoint"]
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == provider.client_id
    assert query["redirect_uri"] == CALLBACK
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["code_challenge_method"] == "S256"
    pending = client.session["oidc_states"][query["state"]]
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["nonce"] == pending["nonce"]
    digest = hashlib.sha256(pending["code_verifier"].encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert "code_verifier" not in query


def test_refused_sign_ins_are_not_counted_as_password_failures(client, provider, settings):
    settings.AXES_ENABLED = True
    agent = make_agent("claire.martin@ville.test")
    add_person(provider, email="claire.martin@ville.test")
    provider.tamper("signature")

    refused = sign_in_with_sso(client, provider, "cmartin")

    assert_refused(client, refused, UNVERIFIED)
    assert not AccessAttempt.objects.exists()
    response = client.post(
        LOGIN_URL, {"username": "claire.martin@ville.test", "password": AGENT_PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_agent_id(client) == str(agent.pk)


# Roles from the provider's groups ----------------------------------------------------------


def test_roles_follow_the_groups_claim_and_other_roles_are_left_alone(client, provider, roles):
    agent = make_agent("claire.martin@ville.test")
    agent.groups.add(*Group.objects.filter(name__in=["Modérateurs", "Chefs de projet"]))
    add_person(provider, email="claire.martin@ville.test", groups=["intranet-editeurs", "compta"])

    assert_signed_in(client, sign_in_with_sso(client, provider, "cmartin"), agent)

    assert role_names(agent) == {"Éditeurs", "Chefs de projet"}


def test_role_is_taken_away_when_the_groups_claim_no_longer_has_it(client, provider, roles):
    agent = make_agent("claire.martin@ville.test")
    agent.groups.add(*Group.objects.filter(name__in=["Éditeurs", "Chefs de projet"]))
    add_person(provider, email="claire.martin@ville.test", groups=["compta"])

    assert_signed_in(client, sign_in_with_sso(client, provider, "cmartin"), agent)

    assert role_names(agent) == {"Chefs de projet"}


def test_roles_are_given_then_taken_away_over_two_sign_ins(client, provider, roles):
    agent = make_agent("claire.martin@ville.test")
    add_person(provider, email="claire.martin@ville.test", groups=["intranet-moderateurs"])
    assert_signed_in(client, sign_in_with_sso(client, provider, "cmartin"), agent)
    assert role_names(agent) == {"Modérateurs"}
    client.post(reverse("logout"))
    provider.reset()  # the directory moved her to another team
    add_person(provider, email="claire.martin@ville.test", groups=["intranet-editeurs"])

    assert_signed_in(client, sign_in_with_sso(client, provider, "cmartin"), agent)

    assert role_names(agent) == {"Éditeurs"}


# Logging out -------------------------------------------------------------------------------


def test_logout_ends_the_provider_session_too(client, provider):
    agent = make_agent("claire.martin@ville.test")
    sub = add_person(provider, email="claire.martin@ville.test")
    browser = requests.Session()
    assert_signed_in(client, sign_in_with_sso(client, provider, "cmartin", browser), agent)
    # While the provider's session lasts, a new sign-in does not ask for the password.
    again = browser.get(start_sign_in(client), allow_redirects=False)
    assert again.headers["Location"].startswith(CALLBACK)

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert SIGNED_OUT in page_text(response)
    assert signed_in_agent_id(client) is None
    soup = BeautifulSoup(response.content, "html.parser")
    refresh = soup.select_one('meta[http-equiv="refresh"]')["content"]
    at_provider = refresh.split("url=", 1)[1]
    assert soup.select_one(f'a[href="{at_provider}"]').get_text(strip=True) == "Continuer"
    discovery = requests.get(provider.discovery_url, timeout=5).json()
    assert at_provider.startswith(f"{discovery['end_session_endpoint']}?")
    query = {name: values[0] for name, values in parse_qs(urlsplit(at_provider).query).items()}
    assert query["post_logout_redirect_uri"] == LOGIN_PAGE
    hint = jwt.decode(query["id_token_hint"], options={"verify_signature": False})
    assert (hint["sub"], hint["aud"]) == (sub, provider.client_id)

    back = browser.get(at_provider, allow_redirects=False)

    assert back.status_code == 302
    assert back.headers["Location"] == LOGIN_PAGE
    asks_again = browser.get(start_sign_in(client), allow_redirects=False)
    assert asks_again.is_redirect
    assert asks_again.headers["Location"].startswith(urlsplit(provider.login_url).path)


def test_the_admin_s_logout_ends_the_provider_session_too(client, provider):
    agent = make_agent("claire.martin@ville.test")
    add_person(provider, email="claire.martin@ville.test")
    assert_signed_in(client, sign_in_with_sso(client, provider, "cmartin"), agent)

    response = client.post(reverse("wagtailadmin_logout"))

    assert response.status_code == 200
    assert SIGNED_OUT in page_text(response)
    assert signed_in_agent_id(client) is None


def test_logout_after_a_password_sign_in_stays_on_the_intranet(client, provider):
    make_agent("claire.martin@ville.test")
    client.post(LOGIN_URL, {"username": "claire.martin@ville.test", "password": AGENT_PASSWORD})

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL


def test_refused_sign_in_leaves_no_token_for_the_next_logout(client, provider):
    """Someone unknown tries SSO on a shared computer; an agent then signs in by password."""
    make_agent("claire.martin@ville.test")
    add_person(provider, "intrus", email="intrus@ville.test")
    assert_refused(client, sign_in_with_sso(client, provider, "intrus"), UNKNOWN)
    client.post(LOGIN_URL, {"username": "claire.martin@ville.test", "password": AGENT_PASSWORD})

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert "oidc_id_token" not in client.session


def test_sso_over_a_password_session_ends_the_provider_session_at_logout(client, provider):
    """Signed in by password as one agent, then through the provider as another."""
    make_agent("collegue@ville.test", first_name="Collègue")
    agent = make_agent("claire.martin@ville.test")
    client.post(LOGIN_URL, {"username": "collegue@ville.test", "password": AGENT_PASSWORD})
    add_person(provider, email="claire.martin@ville.test")
    assert_signed_in(client, sign_in_with_sso(client, provider, "cmartin"), agent)

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert SIGNED_OUT in page_text(response)


# When the provider does not answer ---------------------------------------------------------


@pytest.fixture
def dead_discovery_url():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    return f"http://127.0.0.1:{port}/o/.well-known/openid-configuration"


def test_unreachable_provider_gets_a_page_saying_so_and_passwords_still_work(
    client, provider, settings, dead_discovery_url
):
    agent = make_agent("claire.martin@ville.test")
    settings.OIDC_DISCOVERY_URL = dead_discovery_url
    forget_discovery()
    started = time.monotonic()

    response = client.get(SSO_START)

    assert time.monotonic() - started < settings.OIDC_TIMEOUT
    assert_refused(client, response, UNAVAILABLE, status=503)
    login_page = client.get(LOGIN_URL)
    assert SSO_BUTTON in page_text(login_page)
    signed_in = client.post(
        LOGIN_URL, {"username": "claire.martin@ville.test", "password": AGENT_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert signed_in_agent_id(client) == str(agent.pk)


def test_provider_going_silent_during_a_sign_in_gets_the_same_page(
    client, provider, settings, dead_discovery_url
):
    make_agent("claire.martin@ville.test")
    before = directory()
    add_person(provider, email="claire.martin@ville.test")
    callback = sign_in_at_provider(client, provider, "cmartin")
    settings.OIDC_DISCOVERY_URL = dead_discovery_url
    forget_discovery()

    response = come_back(client, callback)

    assert_refused(client, response, UNAVAILABLE, status=503)
    assert directory() == before


# The login page's doors --------------------------------------------------------------------


def test_login_page_offers_the_sso_button_named_after_the_provider(client, provider):
    response = client.get(LOGIN_URL, {"next": "/pratiques/"})

    soup = BeautifulSoup(response.content, "html.parser")
    button = soup.find("a", string=SSO_BUTTON)
    assert button["href"] == f"{SSO_START}?next=/pratiques/"
    assert "Avec votre compte de la ville" in page_text(response)
    assert soup.select_one('input[name="password"]') is not None


def test_sso_button_of_an_unnamed_provider_names_the_city_account(client, provider, settings):
    settings.OIDC_PROVIDER_NAME = ""

    response = client.get(LOGIN_URL)

    button = BeautifulSoup(response.content, "html.parser").find(
        "a", string="Se connecter avec le compte unique de la ville"
    )
    assert button["href"] == SSO_START


def test_login_page_has_no_sso_button_when_sso_is_off(client, db, settings):
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    assert not settings.OIDC_ENABLED

    response = client.get(LOGIN_URL)

    text = page_text(response)
    assert SSO_BUTTON not in text
    assert "Avec votre compte de la ville" not in text
    assert SSO_START not in response.content.decode()
    assert client.get(SSO_START).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


@pytest.fixture
def sso_only(provider, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    return provider


def test_sso_only_login_page_shows_the_button_and_no_password_field(client, sso_only):
    response = client.get(LOGIN_URL)

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("a", string=SSO_BUTTON)["href"] == SSO_START
    assert soup.select_one('input[type="password"]') is None
    assert "Avec un mot de passe" not in page_text(response)


def test_sso_only_refuses_a_password_even_the_right_one(client, sso_only):
    make_agent("claire.martin@ville.test")

    response = client.post(
        LOGIN_URL, {"username": "claire.martin@ville.test", "password": AGENT_PASSWORD}
    )

    assert response.status_code == 405
    assert signed_in_agent_id(client) is None


@pytest.mark.parametrize("url", [reverse("activation_request"), reverse("password_reset")])
def test_sso_only_has_no_password_links(client, sso_only, url):
    assert client.get(url).status_code == 404


def test_sso_only_still_sends_the_admin_login_to_ours(client, sso_only):
    response = client.get("/admin/login/", {"next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=%2Fadmin%2F"


def test_sso_only_agents_still_sign_in_through_the_provider(client, sso_only):
    agent = make_agent("claire.martin@ville.test")
    add_person(sso_only, email="claire.martin@ville.test")

    response = sign_in_with_sso(client, sso_only, "cmartin")

    assert_signed_in(client, response, agent)


def test_a_signed_userinfo_needs_no_audience_but_an_id_token_does(settings):
    """ProConnect signs its userinfo, which may carry no ``aud``; an id_token must."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.core.exceptions import SuspiciousOperation

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "intranet"
    settings.OIDC_OP_ISSUER = "https://fournisseur.example"
    backend = AgentOIDCBackend()
    backend.OIDC_RP_IDP_SIGN_KEY = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    userinfo = jwt.encode({"sub": "42", "email": "a@ville.test"}, key, algorithm="RS256")

    assert backend.verify_token(userinfo)["email"] == "a@ville.test"
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(userinfo, nonce=None)
    with pytest.raises(SuspiciousOperation):  # an audience, when present, is checked
        backend.verify_token(jwt.encode({"sub": "42", "aud": "autre"}, key, algorithm="RS256"))
