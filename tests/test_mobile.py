"""On a phone: the web app manifest that lets agents add the intranet to their home screen,
and the header's menu button (its behaviour in a browser: tests/e2e/test_mobile_journey.py).
"""

import io
import json

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def manifest(client):
    response = client.get(reverse("web_manifest"))
    assert response.status_code == 200
    return json.loads(response.content)


def png(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def head_and_header(client, url):
    document = BeautifulSoup(client.get(url).content, "html.parser")
    return document.head, document.find("header")


def test_the_manifest_is_served_without_a_session_as_a_web_app_manifest(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"


def test_the_manifest_opens_the_intranet_standalone_from_its_home_page(client):
    served = manifest(client)

    assert served["start_url"] == "/"
    assert served["scope"] == "/"
    assert served["display"] == "standalone"
    assert served["lang"] == "fr"
    assert served["theme_color"] == "#1d4f91"


@override_settings(WAGTAIL_SITE_NAME="Intranet de la Ville de Testbourg")
def test_the_manifest_is_named_after_the_site_with_a_short_name_for_the_home_screen(client):
    served = manifest(client)

    assert served["name"] == "Intranet de la Ville de Testbourg"
    assert served["short_name"] == "Intranet"


@override_settings(WAGTAIL_SITE_NAME="Mairie")
def test_a_short_site_name_is_also_the_home_screen_name(client):
    assert manifest(client)["short_name"] == "Mairie"


@override_settings(WAGTAIL_SITE_NAME="  ")
def test_a_blank_site_name_falls_back_to_intranet(client):
    served = manifest(client)

    assert served["name"] == served["short_name"] == "Intranet"


def test_the_manifest_icons_are_served_as_pngs_of_their_stated_sizes(client):
    icons = manifest(client)["icons"]

    for icon in icons:
        width, height = (int(side) for side in icon["sizes"].split("x"))
        image = png(client, icon["src"])
        assert (image.format, image.size) == ("PNG", (width, height)), icon["src"]
    assert {(icon["sizes"], icon["purpose"]) for icon in icons} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }


def test_the_maskable_icon_fills_its_square_for_the_phone_to_cut(client):
    maskable = next(icon for icon in manifest(client)["icons"] if icon["purpose"] == "maskable")
    image = png(client, maskable["src"])

    assert image.mode == "RGB"  # no transparency: the corners are the brand colour too
    assert image.getpixel((0, 0)) == (0x1D, 0x4F, 0x91)


def test_the_manifest_is_read_only(client):
    assert client.post(reverse("web_manifest")).status_code == 405


@pytest.mark.parametrize("who", ["visitor", "agent"])
def test_every_page_links_the_manifest_its_colour_and_the_touch_icon(client, agent, site, who):
    if who == "agent":
        client.force_login(agent)
    head, _header = head_and_header(client, "/" if who == "agent" else reverse("login"))

    assert head.find("link", rel="manifest")["href"] == reverse("web_manifest")
    assert head.find("meta", attrs={"name": "theme-color"})["content"] == "#1d4f91"
    touch_icon = png(client, head.find("link", rel="apple-touch-icon")["href"])
    assert touch_icon.size == (180, 180)


def test_the_menu_button_controls_both_menus_and_the_current_page_stays_marked(agent_client, site):
    head, header = head_and_header(agent_client, "/")

    button = header.find("button", attrs={"data-menu-button": True})
    assert button.get_text(strip=True) == "Menu"
    assert button["type"] == "button"
    assert button["aria-expanded"] == "false"
    controlled = button["aria-controls"].split()
    assert [header.find(id=name).name for name in controlled] == ["nav", "nav"]
    assert header.find(id="main-menu").find("a", attrs={"aria-current": "page"})["href"] == "/"
    scripts = head.find_all("script")
    assert [script["src"] for script in scripts] == ["/static/js/main-menu.js"]
    assert not any(script.string for script in scripts)  # no inline script (CSP)


def test_visitors_get_no_menu_button(client, site):
    _head, header = head_and_header(client, reverse("login"))

    assert header.find("button", attrs={"data-menu-button": True}) is None
