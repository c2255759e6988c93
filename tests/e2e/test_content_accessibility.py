"""What axe's WCAG rules leave out of the content pages: landmarks and the content's language."""

import pytest
from playwright.sync_api import expect

from .conftest import WCAG_TAGS, axe_violations, login

pytestmark = pytest.mark.e2e

CLAIRE = "claire.martin@ville-demo.fr"
# A practice with a tip, a training and a standard page with a call-out.
PAGES_WITH_NOTES = ["/pratiques/reunion-hybride/", "/a-propos/"]


def test_notes_in_the_content_are_not_nested_landmarks(page):
    login(page, CLAIRE)
    for path in PAGES_WITH_NOTES:
        page.goto(path)
        violations = axe_violations(page, tags=[*WCAG_TAGS, "best-practice"])
        landmarks = [v["id"] for v in violations if v["id"].startswith("landmark")]
        assert landmarks == [], (path, landmarks)
        expect(page.get_by_role("note").first).to_be_visible()
