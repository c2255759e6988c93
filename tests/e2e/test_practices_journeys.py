import csv
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from practices.models import CharterSignature, Enrolment, PracticePage

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

CLAIRE = "claire.martin@ville-demo.fr"


def test_agent_signs_the_charter_from_the_home_page(page):
    login(page, CLAIRE)
    attention = page.get_by_role("region", name="Ce qui m’attend")
    expect(attention).to_contain_text("Votre intégration : 2 étapes faites sur 6")
    attention.get_by_role("link", name="Signer la charte de collaboration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charte de collaboration")
    expect(
        page.get_by_role("listitem").filter(has_text="Je respecte le temps de chacun")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Je m’engage").click()
    expect(page.get_by_role("status")).to_contain_text("Merci : vous avez signé la version 1")
    expect(page.get_by_role("button", name="Je m’engage")).to_have_count(0)
    assert_accessible(page)
    assert CharterSignature.objects.filter(agent__email=CLAIRE, version=1).count() == 1

    page.goto("/")
    expect(page.get_by_role("link", name="Signer la charte de collaboration")).to_have_count(0)


def test_agent_finds_a_practice_through_search(page):
    login(page, CLAIRE)
    page.get_by_role("searchbox", name="Rechercher dans l’intranet").fill("reunion hybride")
    page.get_by_role("search").get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher")
    assert_accessible(page)

    page.get_by_role("link", name="Animer une réunion hybride équitable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Animer une réunion hybride équitable"
    )
    score = page.get_by_role("region", name="Score de recommandation", exact=True)
    expect(score).to_contain_text(re.compile(r"D’après (au moins )?\d+ réponses"))
    tools = page.get_by_role("region", name="Outils utilisés")
    expect(tools).to_contain_text("Recommandé")
    assert_accessible(page)

    tools.get_by_role("link", name="Visio Ville").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quel outil pour quel besoin ?")
    expect(
        page.get_by_role("table", name="Outils par besoin et par statut donné par la DSI")
    ).to_be_visible()
    assert_accessible(page)


def test_practice_library_filters_on_a_phone(browser, live_server, demo_site):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    login(page, CLAIRE)
    page.goto("/pratiques/")
    expect(page.get_by_role("heading", level=2, name="15 pratiques")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Catégorie").select_option(label="Bien-être en travail hybride")
    page.get_by_role("group", name="Outils").get_by_label("Sans outil", exact=True).check()
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", level=2, name="2 pratiques")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert_accessible(page)
    context.close()


def test_agent_registers_to_a_training_session(page):
    login(page, CLAIRE)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Formations"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Formations")
    assert_accessible(page)
    page.get_by_label("Niveau").select_option(label="Débutant")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Co-éditer des documents dans le Cloud Ville").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Co-éditer des documents")
    assert_accessible(page)

    page.get_by_role("button", name=re.compile(r"^M’inscrire à la session du")).first.click()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes inscrit·e à la session du")
    expect(page.get_by_text("Vous êtes inscrit·e.")).to_be_visible()
    assert_accessible(page)
    assert (
        Enrolment.objects.filter(
            agent__email=CLAIRE, session__training__title__startswith="Co-éditer"
        )
        .get()
        .status
        == Enrolment.Status.REGISTERED
    )

    page.get_by_role("button", name=re.compile(r"^Me désinscrire")).first.click()
    expect(page.get_by_role("status")).to_contain_text("Vous n’êtes plus inscrit·e")


def test_newcomer_follows_the_onboarding_path(page):
    login(page, CLAIRE)
    page.get_by_role("link", name=re.compile("Votre intégration")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours d'intégration")
    expect(page.get_by_text("2 étapes faites sur 6")).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "button", name="Marquer comme faite – Lire et signer la charte de collaboration"
    ).click()
    expect(page.get_by_text("3 étapes faites sur 6")).to_be_visible()
    assert_accessible(page)


def test_editor_sees_the_adhesion_and_exports_it(page):
    login(page, "editeur@ville-demo.fr")
    page.goto("/charte/")
    page.get_by_role("link", name="Voir l’adhésion à la charte par direction et service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adhésion à la charte")
    expect(
        page.get_by_role("table", name=re.compile("Signatures de la version 1"))
    ).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter la liste (CSV)").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.reader(exported, delimiter=";"))
    assert rows[0][0] == "Nom"
    assert len(rows) > 50


def test_editor_follows_the_practices_reports_in_the_admin_and_downloads_them(page):
    login(page, "editeur@ville-demo.fr")
    page.goto("/admin/rapports/adhesion-charte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Adhésion à la charte")
    expect(
        page.get_by_role("table", name=re.compile("Signatures de la version 1"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en XLSX").click()
    assert download_info.value.suggested_filename.startswith("adhesion-charte-")
    with open(download_info.value.path(), "rb") as exported:
        rows = list(load_workbook(exported).active.iter_rows(values_only=True))
    assert rows[0] == ("Direction", "Service", "Agents", "Signé", "Taux")
    assert rows[-1][0] == "Total"

    page.goto("/admin/rapports/integration/")
    expect(page.get_by_role("table", name=re.compile("Agents arrivés depuis le"))).to_be_visible()
    page.get_by_role("textbox", name="Agents arrivés depuis le").fill("2020-01-01")
    page.get_by_role("button", name="Afficher", exact=True).click()
    expect(page.get_by_role("table", name=re.compile("depuis le 1 janvier 2020"))).to_be_visible()
    assert_accessible(page)

    page.goto("/admin/rapports/formations/")
    expect(page.get_by_role("table", name="Participants par formation")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en CSV").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.reader(exported, delimiter=";"))
    assert rows[0] == ["Formation", "Sessions", "Inscrit·e", "Participants", "Absent·e"]


def test_editor_edits_a_practice_and_a_moderator_publishes_it(page):
    practice = PracticePage.objects.get(slug="messagerie-sobre")
    login(page, "editeur@ville-demo.fr")
    page.goto(f"/admin/pages/{practice.pk}/edit/")
    page.get_by_role("textbox", name="Résumé*").fill(
        "Moins de mails, mieux écrits : la règle des trois questions."
    )
    page.get_by_role("button", name="Plus d'actions").click()
    page.get_by_role("button", name=re.compile("Soumettre à Modération des pratiques")).click()
    expect(page.get_by_text("a été soumise pour modération")).to_be_visible()
    practice.refresh_from_db()
    assert practice.summary.startswith("Un objet explicite")  # still the published text

    page.context.clear_cookies()
    login(page, "moderatrice@ville-demo.fr")
    page.goto("/admin/")
    reviews = page.get_by_role("region", name="En attente de votre vérification")
    reviews.get_by_role("link", name="Une messagerie sobre").click()
    page.get_by_role("button", name="Plus d'actions").click()
    page.get_by_role("button", name="Approuver et Publier").click()
    expect(page.get_by_role("status")).to_contain_text(
        "« Une messagerie sobre » a été mise à jour"
    )
    practice.refresh_from_db()
    assert practice.summary == "Moins de mails, mieux écrits : la règle des trois questions."

    page.goto("/pratiques/messagerie-sobre/")
    expect(page.get_by_text("la règle des trois questions")).to_be_visible()
    assert_accessible(page)
