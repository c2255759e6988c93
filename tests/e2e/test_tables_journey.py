"""Every data table of the front end on the narrowest phone (320 px), with the demo's data:
the page never scrolls sideways, each table scrolls in its own focusable, named region, and
no word of a cell (a name, a date, a status) is cut across two lines. Screenshots go to
/tmp/shots-tables/.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from experiments.models import Experiment
from surveys.models import Survey

from .conftest import LINES_OF_WORDS_JS, assert_accessible, login

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-tables")
NARROWEST = {"width": 320, "height": 640}
EXPERIMENT_WITH_STAGES_DONE = "Réunions hybrides équitables"
SURVEY_WITH_RESULTS = "Baromètre du travail hybride 2026"

# What a table's region must be to scroll for keyboard and screen reader users too.
TABLES_OUT_OF_A_REGION_JS = """
() => [...document.querySelectorAll('main table')].filter(table => {
  const region = table.closest('.table-scroll');
  return !(region && region.getAttribute('tabindex') === '0'
    && region.getAttribute('role') === 'region'
    && (region.getAttribute('aria-label') || region.getAttribute('aria-labelledby')));
}).map(table => (table.caption || table).textContent.trim().slice(0, 60))
"""


# A caption wider than its region would be cut at the right until one scrolls the table.
CAPTIONS_WIDER_THAN_THEIR_REGION_JS = """
() => [...document.querySelectorAll('main .table-scroll caption')].filter(caption => {
  const region = caption.closest('.table-scroll').getBoundingClientRect();
  const box = caption.getBoundingClientRect();
  return box.left < region.left - 1 || box.right > region.right + 1;
}).map(caption => caption.textContent.trim().slice(0, 60))
"""


WELL_LAID_OUT = {
    "page width": 320,
    "tables out of a region": [],
    "words cut": [],
    "captions cut": [],
}


def pages_by_agent():
    experiment = Experiment.objects.get(title=EXPERIMENT_WITH_STAGES_DONE)
    survey = Survey.objects.get(title=SURVEY_WITH_RESULTS)
    return {
        "admin": {
            "experiments": "/experimentations/",
            "experiment": f"/experimentations/{experiment.pk}/",
            "dashboard": "/tableau-de-bord/",
            "tool-guide": "/guide-des-outils/",
            "agent-access": "/compte/acces-des-agents/",
        },
        "cheffe.projet": {"my-tasks": "/experimentations/taches/"},
        "claire.martin": {
            "my-skills": "/competences/",
            "my-surveys": "/questionnaires/",
            "my-data": "/compte/mes-donnees/",
        },
        "referente.competences": {"skills-evolution": "/competences/evolution/"},
        "editeur": {"survey-results": f"/questionnaires/{survey.pk}/resultats/"},
    }


def words_cut_in_cells(page):
    cut = []
    for cell in page.locator("main td, main th").all():
        cut.extend(word for word, lines in cell.evaluate(LINES_OF_WORDS_JS) if lines > 1)
    return cut


def test_at_320px_every_table_scrolls_in_its_own_region_and_no_cell_word_or_caption_is_cut(page):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(NARROWEST)
    problems = {}
    for agent, pages in pages_by_agent().items():
        page.context.clear_cookies()
        login(page, f"{agent}@ville-demo.fr")
        for name, url in pages.items():
            page.goto(url)
            expect(page.locator("main table").first).to_be_visible()
            page.screenshot(path=SHOTS / f"{name}-320.png", full_page=True)
            found = {
                "page width": page.evaluate("document.scrollingElement.scrollWidth"),
                "tables out of a region": page.evaluate(TABLES_OUT_OF_A_REGION_JS),
                "words cut": words_cut_in_cells(page),
                "captions cut": page.evaluate(CAPTIONS_WIDER_THAN_THEIR_REGION_JS),
            }
            if found != WELL_LAID_OUT:
                problems[url] = found
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_at_320px_every_table_page_stays_accessible(page):
    page.set_viewport_size(NARROWEST)
    for agent, pages in pages_by_agent().items():
        page.context.clear_cookies()
        login(page, f"{agent}@ville-demo.fr")
        for url in pages.values():
            page.goto(url)
            assert_accessible(page)
