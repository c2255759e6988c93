"""On a phone: the header's menus fold behind a "Menu" button, so the page's heading shows on
the first screen; on a computer the header is unchanged. Screenshots go to /tmp.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
COMPUTER = {"width": 1366, "height": 768}
TOUCH_TARGET = 44  # px, WCAG 2.5.5
AGENT = "claire.martin@ville-demo.fr"


def menu_button(page):
    return page.get_by_role("button", name="Menu")


def menus(page):
    """The two menus the button folds, found even when hidden."""
    return page.locator("#account-menu"), page.locator("#main-menu")


def expect_menus_hidden(page):
    for menu in menus(page):
        expect(menu).to_have_count(1)
        expect(menu).to_be_hidden()


def expect_menus_visible(page):
    for menu in menus(page):
        expect(menu).to_be_visible()


def links_and_buttons_in_menus(page):
    return page.locator("#account-menu a, #account-menu button, #main-menu a").all()


def on_first_screen(locator, viewport):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_on_a_phone_the_menus_fold_behind_a_button_and_the_heading_shows_first(page):
    page.set_viewport_size(PHONE)
    login(page, AGENT)

    button = menu_button(page)
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect_menus_hidden(page)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Bonjour Claire")
    assert on_first_screen(heading, PHONE)
    assert button.bounding_box()["height"] >= TOUCH_TARGET
    page.screenshot(path="/tmp/mobile-375-closed.png")
    assert_accessible(page)

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect_menus_visible(page)
    main_menu = page.get_by_role("navigation", name="Menu principal")
    expect(main_menu.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    for target in links_and_buttons_in_menus(page):
        assert target.bounding_box()["height"] >= TOUCH_TARGET, target.inner_text()
    page.screenshot(path="/tmp/mobile-375-open.png")
    assert_accessible(page)

    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect_menus_hidden(page)

    button.click()
    main_menu.get_by_role("link", name="Bonnes pratiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonnes pratiques")
    expect_menus_hidden(page)
    assert on_first_screen(page.get_by_role("heading", level=1), PHONE)


def test_on_a_phone_the_menu_works_with_the_keyboard_alone(page):
    page.set_viewport_size(PHONE)
    login(page, AGENT)
    button = menu_button(page)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu principal")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")

    # The next stops are the menus' links, in reading order.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Mes tâches")).to_be_focused()
    about = page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="À propos de l'intranet"
    )
    for _ in range(10):
        if about.evaluate("link => link === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(about).to_be_focused()
    page.screenshot(path="/tmp/mobile-375-keyboard.png")

    page.keyboard.press("Escape")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect_menus_hidden(page)

    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "false")

    # The skip link still leads past the header.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="Aller au contenu principal")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenu$"))
    expect(page.locator("#contenu")).to_be_focused()


def test_on_a_phone_without_javascript_the_menus_stay_open(browser, live_server, demo_site):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    login(page, AGENT)

    expect(menu_button(page)).to_have_count(0)  # hidden, not even announced
    expect_menus_visible(page)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Accessibilité"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibilité")
    page.screenshot(path="/tmp/mobile-375-without-javascript.png")
    context.close()


def test_on_a_computer_the_full_menus_show_and_no_button(page):
    page.set_viewport_size(COMPUTER)
    login(page, AGENT)

    expect(page.locator("[data-menu-button]")).to_be_hidden()
    expect(menu_button(page)).to_have_count(0)
    expect_menus_visible(page)
    main_menu = page.get_by_role("navigation", name="Menu principal")
    expect(main_menu.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    assert on_first_screen(page.get_by_role("heading", level=1), COMPUTER)
    page.screenshot(path="/tmp/mobile-1366.png")
    assert_accessible(page)


def test_a_phone_turned_to_a_computer_width_shows_the_full_menus(page):
    page.set_viewport_size(PHONE)
    login(page, AGENT)
    expect_menus_hidden(page)

    page.set_viewport_size(COMPUTER)
    expect_menus_visible(page)
    expect(menu_button(page)).to_have_count(0)
