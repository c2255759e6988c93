import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from intranet.accounts.demo import demo_email
from intranet.accounts.models import Agent
from skills.models import PixImport
from skills.tasks import run_pix_import

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

CATCH_UP = Path(__file__).parent.parent / "data" / "pix" / "collecte-rattrapage-demo.csv"
REFUSED = Path(__file__).parent.parent / "data" / "pix" / "refus-niveau-hors-bornes.csv"
CAMPAIGN = "Diagnostic numérique – rattrapage novembre 2026"
# The report's line, not its "Voir la campagne …" link.
IMPORTED_CAMPAIGN = re.compile(rf"^Campagne « {re.escape(CAMPAIGN)} »")


def test_officer_imports_a_pix_export_and_an_agent_reads_her_levels(page):
    login(page, "referente.competences@ville-demo.fr")
    page.goto("/admin/")
    page.get_by_role("link", name="Import PIX").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importer un export PIX")
    page.get_by_label("Export PIX Orga").set_input_files(CATCH_UP)
    page.get_by_role("button", name="Importer").click()

    # The demo's tasks run at once: the import's page already gives the report.
    expect(page).to_have_url(re.compile(r"/admin/competences/import-pix/\d+/"))
    expect(page.get_by_text(IMPORTED_CAMPAIGN)).to_be_visible()
    expect(page.get_by_text("rattachés à un agent : 2")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(CAMPAIGN)).click()
    expect(page).to_have_url(re.compile(r"/admin/pixcampaign/inspect/\d+/"))

    page.goto("/competences/evolution/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Évolution des compétences numériques"
    )
    expect(page.get_by_role("heading", level=2)).to_have_text("Toute la ville")
    # By default the two latest campaigns: only Claire took the catch-up one.
    expect(page.get_by_text("Effectif insuffisant.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Première campagne").select_option(
        label="Diagnostic numérique – printemps 2026"
    )
    page.get_by_label("Seconde campagne").select_option(
        label="Diagnostic numérique – automne 2026"
    )
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("table")).to_contain_text("Niveau moyen, Diagnostic numérique")
    assert_accessible(page)
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "claire.martin@ville-demo.fr")
    page.goto("/competences/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes compétences numériques")
    table = page.get_by_role("table", name="Mon niveau par compétence (niveaux 0 à 8)")
    expect(table.get_by_role("columnheader", name=CAMPAIGN)).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(17)
    expect(table.get_by_role("row", name=re.compile(r"^2\.1 Interagir"))).to_contain_text("5")
    assert_accessible(page)

    page.get_by_label("Campagne la plus ancienne").select_option(
        label="Diagnostic numérique – printemps 2026"
    )
    page.get_by_role("button", name="Comparer").click()
    expect(
        table.get_by_role("columnheader", name="Diagnostic numérique – printemps 2026")
    ).to_be_visible()
    assert_accessible(page)


def test_a_plain_agent_cannot_open_the_group_figures(page):
    login(page, "claire.martin@ville-demo.fr")
    response = page.goto("/competences/evolution/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    assert_accessible(page)


def french(message):
    with translation.override("fr"):
        return gettext(message)


def test_the_import_page_follows_a_background_import_until_its_report(page):
    officer = Agent.objects.get(email=demo_email("referente.competences"))
    job = PixImport.objects.create(
        uploaded_by=officer,
        file_name=CATCH_UP.name,
        file_size=CATCH_UP.stat().st_size,
        data=CATCH_UP.read_bytes(),
        language="fr",
    )
    login(page, officer.email)
    page.goto(f"/admin/competences/import-pix/{job.pk}/")
    status = page.locator("[data-pix-import-status]")  # Wagtail's messages are a status too
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text(
        french("Waiting to start: the import begins as soon as the server is free.")
    )
    assert_accessible(page)

    run_pix_import.call(job.pk)  # what the worker does

    # The page fetches itself again and shows the outcome, without being reloaded.
    expect(status).to_have_text(french("Import finished."))
    expect(page.get_by_text(IMPORTED_CAMPAIGN)).to_be_visible()
    expect(page.get_by_role("link", name=french("Refresh this page"))).to_have_count(0)
    assert_accessible(page)


def test_a_refused_file_takes_the_focus_with_its_reasons(page):
    login(page, "referente.competences@ville-demo.fr")
    page.goto("/admin/competences/import-pix/")
    page.get_by_label("Export PIX Orga").set_input_files(REFUSED)
    page.get_by_role("button", name="Importer").click()

    refusal = page.locator("#pix-import-refusal")
    expect(refusal).to_be_focused()
    expect(refusal).to_contain_text("Le fichier a été refusé ; rien n’a été importé.")
    expect(refusal).to_contain_text("Ligne 3, colonne P")
    field = page.get_by_label("Export PIX Orga")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(r"^Le fichier a été refusé"))
    assert_accessible(page)
