"""Look and feel on real screens, measured as a user sees them: no horizontal scroll on a
phone, no word cut inside a table header, no figure split across lines, stepper numbers
clear of their ✓, and on a computer a header on one row whatever links the role adds.
Screenshots go to /tmp/shots-layout/.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from experiments.models import Experiment
from practices.models import PracticePage

from .conftest import LINES_OF_WORDS_JS, login

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-layout")
NARROWEST = {"width": 320, "height": 640}
PHONE = {"width": 375, "height": 812}
COMPUTER = {"width": 1366, "height": 768}
ADMIN = "admin@ville-demo.fr"
ROLES = [
    "claire.martin",
    "editeur",
    "moderatrice",
    "cheffe.projet",
    "commanditaire",
    "referente.competences",
    "rh",
    "admin",
]
EXPERIMENT_WITH_STAGES_DONE = "Réunions hybrides équitables"


def pages_to_check():
    practice = PracticePage.objects.live().order_by("path").first()
    experiment = Experiment.objects.get(title=EXPERIMENT_WITH_STAGES_DONE)
    return {
        "home": "/",
        "practice": practice.url,
        "experiment": f"/experimentations/{experiment.pk}/",
        "dashboard": "/tableau-de-bord/",
        "tool-guide": "/guide-des-outils/",
    }


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def words_cut_in_table_headers(page):
    cut = []
    for header in page.locator("th").all():
        for word, lines in header.evaluate(LINES_OF_WORDS_JS):
            if lines > 1:
                cut.append(word)
    return cut


def figures_split_across_lines(page):
    figures = page.locator(".dashboard-figures__value, td.dashboard-number, td.dashboard-bar-cell")
    split = []
    for figure in figures.all():
        lines = figure.evaluate(
            "cell => { const node = cell.firstChild;"
            " const range = document.createRange();"
            " if (node && node.nodeType === 3) { range.selectNode(node); }"
            " else { range.selectNodeContents(cell); }"
            " return new Set([...range.getClientRects()].filter(r => r.width > 0)"
            ".map(r => Math.round(r.top))).size; }"
        )
        if lines > 1:
            split.append(figure.inner_text())
    return split


@pytest.mark.parametrize("viewport", [NARROWEST, PHONE], ids=["320px", "375px"])
def test_on_a_phone_no_page_scrolls_sideways_nor_cuts_a_header_word_or_a_figure(page, viewport):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(viewport)
    login(page, ADMIN)

    for name, url in pages_to_check().items():
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=SHOTS / f"{name}-{viewport['width']}.png", full_page=True)
        assert horizontal_overflow(page) <= 0, f"{url} scrolls sideways at {viewport['width']}px"
        assert words_cut_in_table_headers(page) == [], url
        assert figures_split_across_lines(page) == [], url


@pytest.mark.parametrize("viewport", [PHONE, COMPUTER], ids=["375px", "1366px"])
def test_the_stepper_numbers_stand_clear_of_their_check_mark(page, viewport):
    page.set_viewport_size(viewport)
    login(page, ADMIN)
    page.goto(pages_to_check()["experiment"])

    done = page.locator(".stepper__step--done")
    expect(done.first).to_be_visible()
    for step in done.all():
        number = step.locator(".stepper__number").evaluate(
            "element => { const range = document.createRange();"
            " range.selectNodeContents(element); const box = range.getBoundingClientRect();"
            " return {x: box.x, y: box.y, width: box.width, height: box.height}; }"
        )
        check = step.locator(".stepper__check").bounding_box()
        apart = (
            number["x"] + number["width"] <= check["x"]
            or check["x"] + check["width"] <= number["x"]
            or number["y"] + number["height"] <= check["y"]
            or check["y"] + check["height"] <= number["y"]
        )
        assert apart, (step.inner_text(), number, check)
        assert step.locator(".stepper__check").inner_text() == "✓"


def header_rows(page):
    """How many rows the account menu and the main menu each take on screen."""
    return page.evaluate(
        """() => {
          const rows = elements => {
            const boxes = elements.filter(e => e.offsetParent !== null)
              .map(e => e.getBoundingClientRect());
            const tops = [];
            for (const box of boxes) {
              if (!tops.some(top => box.top < top.bottom && top.top < box.bottom)) tops.push(box);
            }
            return tops.length;
          };
          return {account: rows([...document.querySelectorAll('#account-menu > *')]),
                  menu: rows([...document.querySelectorAll('#main-menu li')])};
        }"""
    )


def test_on_a_computer_the_header_holds_on_one_row_for_every_role(page):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(COMPUTER)
    heights = {}
    for role in ROLES:
        page.context.clear_cookies()
        login(page, f"{role}@ville-demo.fr")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert header_rows(page) == {"account": 1, "menu": 1}, role
        assert horizontal_overflow(page) <= 0, role
        heights[role] = page.locator(".site-header").bounding_box()["height"]
        page.screenshot(path=SHOTS / f"header-{role}-1366.png")
    assert len(set(heights.values())) == 1, heights


def test_screenshots_on_a_computer(page):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(COMPUTER)
    login(page, ADMIN)
    for name, url in pages_to_check().items():
        page.goto(url)
        page.screenshot(path=SHOTS / f"{name}-1366.png", full_page=True)
        assert horizontal_overflow(page) <= 0, url
