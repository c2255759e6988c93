import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from intranet.accounts.models import Agent

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_an_agent_reads_and_downloads_her_data(page):
    login(page, "claire.martin@ville-demo.fr")
    page.locator(".site-header__account a[href='/compte/mes-donnees/']").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as info:
        page.locator("a[href='/compte/mes-donnees/telecharger/']").click()
    download = info.value
    assert download.suggested_filename.startswith("mes-donnees-")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["sections"]["profile"]["records"][0]["email"] == "claire.martin@ville-demo.fr"
    assert data["sections"]["experiments"]["count"] > 0


def test_the_administrator_anonymises_a_departed_agent(page):
    departed = Agent.objects.get(email="claire.martin@ville-demo.fr")
    Agent.objects.filter(pk=departed.pk).update(is_active=False)
    login(page, "admin@ville-demo.fr")
    page.goto("/admin/agents-partis/")
    expect(page.get_by_role("row", name="Claire Martin")).to_be_visible()
    assert_accessible(page)

    page.locator(f"a[href='/admin/agents-partis/{departed.pk}/anonymiser/']").click()
    expect(page.get_by_text("claire.martin@ville-demo.fr")).to_be_visible()
    assert_accessible(page)
    page.locator("form button[type='submit'].serious").click()

    expect(page.get_by_text(f"Agent anonymisé {departed.pk}")).to_be_visible()
    expect(page.get_by_role("row", name="Claire Martin")).to_have_count(0)
    # Wagtail's message fades in: measure its colours once the animation is over.
    page.locator(".messages").evaluate(
        "element => Promise.all(element.getAnimations({subtree: true}).map(a => a.finished))"
    )
    assert_accessible(page)
    departed.refresh_from_db()
    assert departed.email.endswith("@anonymise.invalid")
