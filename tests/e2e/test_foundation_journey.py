import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_login_page_has_no_accessibility_violation(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next=/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à l’intranet")
    assert_accessible(page)


def test_a_visitor_signed_out_reaches_the_accessibility_statement_from_the_login_page(page):
    page.goto("/compte/connexion/")
    page.get_by_role("contentinfo").get_by_role(
        "link", name="Accessibilité : partiellement conforme"
    ).click()
    expect(page).to_have_url(re.compile(r"/accessibilite/$"))
    expect(page.get_by_role("heading", level=2, name="Voies de recours")).to_be_visible()
    assert_accessible(page)


def test_login_errors_are_announced_and_accessible(page):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou matricule").fill("claire.martin@ville-demo.fr")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("ne correspondent à aucun compte actif")
    assert_accessible(page)


def test_agent_logs_in_with_the_keyboard_reaches_home_and_logs_out(page):
    page.goto("/compte/connexion/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu principal")).to_be_focused()
    page.get_by_label("Adresse e-mail ou matricule").fill("claire.martin@ville-demo.fr")
    page.get_by_label("Mot de passe").fill("intranet-demo")
    page.get_by_label("Mot de passe").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    expect(page.get_by_role("navigation", name="Menu principal")).to_contain_text("Accessibilité")
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))


def test_content_and_search_pages_have_no_accessibility_violation(page):
    login(page, "claire.martin@ville-demo.fr")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="À propos de l'intranet"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("À propos de l'intranet")
    assert_accessible(page)

    page.get_by_role("searchbox", name="Rechercher dans l’intranet").fill("accessibilité")
    page.get_by_role("search").get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("link", name="Accessibilité").last).to_be_visible()
    assert_accessible(page)


def test_password_reset_pages_have_no_accessibility_violation(page):
    page.goto("/compte/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail professionnelle").fill("claire.martin@ville-demo.fr")
    page.get_by_role("button", name="Envoyer le lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    assert_accessible(page)
