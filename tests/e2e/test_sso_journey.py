"""Single sign-on in a real browser: the city account's button, the provider's page, and back.

The provider is tests/oidc_provider (another process on 127.0.0.1, so another site than the
live server on localhost); the live server runs in this process, so ``settings`` applies.
"""

import re

import pytest
from playwright.sync_api import expect

from intranet.accounts.oidc import forget_discovery

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e

# The fixtures (oidc_provider, oidc) as a plugin: imported by name, ruff would flag them as
# redefined in every test's arguments (F811).
pytest_plugins = ["tests.oidc_provider.fixtures"]

PROVIDER_NAME = "Compte Ville"
PASSWORD = "mot-de-passe-fournisseur"


@pytest.fixture
def provider(oidc, settings, live_server):
    """The provider, with the live server registered as its client."""
    oidc.set_redirect_uris(
        [f"{live_server.url}/compte/sso/retour/"],
        post_logout=[f"{live_server.url}/compte/connexion/"],
    )
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = oidc.client_id
    settings.OIDC_RP_CLIENT_SECRET = oidc.client_secret
    settings.OIDC_DISCOVERY_URL = oidc.discovery_url
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "intranet.accounts.oidc.AgentOIDCBackend",
    ]
    forget_discovery()
    yield oidc
    forget_discovery()


@pytest.fixture
def enforced_page(browser, live_server, demo_site):
    """A page whose browser enforces our Content Security Policy (``page`` bypasses it for
    axe): logging out must reach the provider under ``form-action 'self'``."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in_on_the_provider(page, username):
    page.get_by_role("link", name=f"Se connecter avec {PROVIDER_NAME}").click()
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter au fournisseur").click()


def test_login_page_with_the_sso_button_is_accessible(page, provider):
    page.goto("/compte/connexion/")

    expect(page.get_by_role("heading", name="Avec votre compte de la ville")).to_be_visible()
    expect(page.get_by_role("link", name=f"Se connecter avec {PROVIDER_NAME}")).to_be_visible()
    expect(page.get_by_role("heading", name="Avec un mot de passe")).to_be_visible()
    assert_accessible(page)


def test_agent_signs_in_with_the_city_account_and_out_of_both(enforced_page, provider):
    page = enforced_page
    provider.add_user("cmartin", PASSWORD, email="claire.martin@ville-demo.fr")
    page.goto("/compte/connexion/")

    sign_in_on_the_provider(page, "cmartin")

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/$"))

    page.get_by_role("button", name="Se déconnecter").click()

    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/compte/connexion/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à l’intranet")
    page.get_by_role("link", name=f"Se connecter avec {PROVIDER_NAME}").click()
    # The provider's session ended too: it asks for the password again.
    expect(page.get_by_label("Identifiant")).to_be_visible()
    assert page.url.startswith(provider.login_url)


def test_unknown_person_gets_an_accessible_refusal_page(page, provider):
    provider.add_user("inconnu", PASSWORD, email="inconnu@ville-demo.fr")
    page.goto("/compte/connexion/")

    with page.expect_response(re.compile(r"/compte/sso/retour/")) as callback:
        sign_in_on_the_provider(page, "inconnu")

    assert callback.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous n'avez pas pu être connecté")
    expect(page.get_by_role("alert")).to_contain_text("aucun agent de cette identité")
    expect(page.get_by_role("link", name="Retour à la connexion")).to_be_visible()
    assert_accessible(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next=/$"))
