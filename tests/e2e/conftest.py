"""Browser harness: Playwright for Python driving Debian's chromium against a live server."""

import json
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Each word of an element's text (a hyphenated word is two: it may break after its hyphen)
# and the lines it takes on screen, the distinct tops of its rendered boxes.
LINES_OF_WORDS_JS = """
root => {
  const result = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const style = getComputedStyle(node.parentElement);
    if (node.parentElement.closest('.visually-hidden') || style.display === 'none') continue;
    for (const match of node.data.matchAll(/[^\\s-]+-?/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const boxes = [...range.getClientRects()].filter(r => r.width > 0);
      const tops = new Set(boxes.map(r => Math.round(r.top)));
      result.push([match[0], tops.size]);
    }
  }
  return result;
}
"""

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# tests themselves are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing.")
    reason = (
        f"{CHROMIUM} is not installed (apt-get install chromium); "
        ".ci/run installs it and sets REQUIRE_BROWSER so these tests always run in CI."
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_site(transactional_db):
    """The demo content, rebuilt after the live-server tests flushed the database."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def page(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, email, password="intranet-demo"):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou matricule").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def axe_violations(page, tags=WCAG_TAGS):
    """The violations axe-core finds on the current page: WCAG 2.1 A/AA unless told."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags)
    )
    return result["violations"]


def assert_accessible(page):
    violations = axe_violations(page)
    summary = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in violations
    ]
    assert not violations, f"axe found on {page.url}:\n{json.dumps(summary, indent=2)}"
