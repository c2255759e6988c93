import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

PIX_TABLE = "Utilisateurs PIX par direction et service"


def download(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value


def test_the_skills_officer_filters_the_dashboard_by_a_direction_and_exports_it(page):
    login(page, "referente.competences@ville-demo.fr")
    page.goto("/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord d’impact")
    expect(page.get_by_role("heading", name=re.compile(r"^Toute la ville, du "))).to_be_visible()
    expect(page.get_by_role("table", name=PIX_TABLE)).to_contain_text("Total")
    # The demo campaigns of spring and autumn 2026 are compared.
    expect(page.get_by_text("« Diagnostic numérique – printemps 2026 »")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Direction ou service", exact=True).select_option(
        label="Direction des ressources humaines"
    )
    page.get_by_role("button", name="Afficher").click()

    expect(
        page.get_by_role("heading", name=re.compile(r"^Direction des ressources humaines, du "))
    ).to_be_visible()
    table = page.get_by_role("table", name=PIX_TABLE)
    expect(table.get_by_role("row")).to_have_count(6)  # header, direction, 3 services, total
    expect(table).not_to_contain_text("Direction des finances")
    assert_accessible(page)

    csv_file = download(page, "Exporter (CSV)")
    assert re.fullmatch(
        r"tableau-de-bord-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv", csv_file.suggested_filename
    )
    content = Path(csv_file.path()).read_text(encoding="utf-8-sig")
    assert "Direction ou service;Direction des ressources humaines" in content
    assert "Direction de l'espace public" not in content


def test_a_sponsor_picks_a_period_and_a_direction_with_the_keyboard_and_exports(page):
    login(page, "commanditaire@ville-demo.fr")
    page.goto("/tableau-de-bord/")
    assert_accessible(page)

    page.get_by_label("Du (obligatoire)", exact=True).fill("2026-01-01")
    page.get_by_label("Au (obligatoire)", exact=True).fill("2026-06-30")
    page.get_by_label("Direction ou service", exact=True).select_option(
        label="Direction de l'espace public"
    )
    page.get_by_role("button", name="Afficher").focus()
    page.keyboard.press("Enter")

    expect(
        page.get_by_role(
            "heading", name="Direction de l'espace public, du 1 janvier 2026 au 30 juin 2026"
        )
    ).to_be_visible()
    expect(page.get_by_role("table", name=PIX_TABLE)).to_contain_text("Service voirie")
    # The autumn campaign is after the period: a single campaign, nothing to compare.
    expect(page.locator("#niveaux")).to_contain_text("dès que deux campagnes")
    assert_accessible(page)

    xlsx_file = download(page, "Exporter (Excel)")
    assert xlsx_file.suggested_filename == "tableau-de-bord-2026-01-01-2026-06-30.xlsx"
    workbook = load_workbook(io.BytesIO(Path(xlsx_file.path()).read_bytes()))
    assert "Utilisateurs PIX" in workbook.sheetnames
    summary = dict(list(workbook["Synthèse"].values)[:3])
    assert summary["Direction ou service"] == "Direction de l'espace public"

    page.get_by_label("Au (obligatoire)", exact=True).fill("2025-01-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "La fin de la période ne peut pas précéder son début."
    )
    assert_accessible(page)


def test_a_plain_agent_is_refused_the_dashboard(page):
    login(page, "claire.martin@ville-demo.fr")
    response = page.goto("/tableau-de-bord/")
    assert response.status == 403
    assert_accessible(page)
