"""Scores people can trust, in a browser: a practice's score over time with its interval, on
its page and on the dashboard, readable at 375 and 1366 px and without axe violations."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

PRACTICE = "/pratiques/reunion-hybride/"
SCORE = re.compile(r"^(\+\d+|0|\u2212\d+)$")


def page_overflows(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize(
    "viewport",
    [{"width": 375, "height": 812}, {"width": 1366, "height": 768}],
    ids=["375", "1366"],
)
def test_an_agent_reads_a_practices_score_over_time(page, viewport):
    page.set_viewport_size(viewport)
    login(page, "claire.martin@ville-demo.fr")
    page.goto(PRACTICE)

    card = page.locator("section.score")
    expect(card).to_contain_text("Intervalle à 95 %")
    expect(card).to_contain_text(re.compile(r"de [+\u2212]?\d+ à [+\u2212]?\d+"))

    section = page.locator("section[aria-labelledby=trend-title]")
    chart = section.get_by_role("img", name="Score de recommandation de cette pratique")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= viewport["width"]
    table = section.get_by_role("table")
    rows = table.locator("tbody tr")
    assert rows.count() >= 4
    expect(section.locator("circle")).to_have_count(rows.count())
    for cell in table.locator("tbody td:nth-child(2)").all():
        assert SCORE.match(cell.inner_text()), cell.inner_text()
    expect(section.get_by_role("region")).to_have_attribute("tabindex", "0")
    assert not page_overflows(page)
    assert_accessible(page)


@pytest.mark.parametrize(
    "viewport",
    [{"width": 375, "height": 812}, {"width": 1366, "height": 768}],
    ids=["375", "1366"],
)
def test_the_skills_officer_reads_the_trends_on_the_dashboard(page, viewport):
    page.set_viewport_size(viewport)
    login(page, "referente.competences@ville-demo.fr")
    page.goto("/tableau-de-bord/")

    section = page.locator("#tendances")
    expect(section.get_by_role("heading", level=2)).to_have_text("Recommandation au fil du temps")
    expect(section.get_by_role("img").first).to_be_visible()
    expect(section.get_by_role("table").first).to_contain_text("Questionnaire clos le")
    assert not page_overflows(page)
    assert_accessible(page)
