"""The Wagtail admin in French our editors can read: the messages of
intranet/core/wagtail_wording.py are Wagtail's own, and our catalogue's French replaces
Wagtail's."""

import re
from pathlib import Path

import polib
import pytest
import wagtail
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from intranet.core.wagtail_wording import MESSAGES, PLURAL_MESSAGES

from .support.practices import make_library, make_practice

WAGTAIL_CATALOGUES = sorted(
    Path(wagtail.__file__).parent.glob("**/locale/fr/LC_MESSAGES/django.po")
)


def wagtail_french():
    entries = {}
    for path in WAGTAIL_CATALOGUES:
        for entry in polib.pofile(str(path)):
            entries.setdefault(entry.msgid, entry)
    return entries


SUMMARY = {"total": 12, "site_name": "Ville"}


def test_every_message_we_word_again_is_one_wagtail_uses():
    wagtail_entries = wagtail_french()
    assert [message for message in MESSAGES if message not in wagtail_entries] == []
    wagtail_plurals = {
        entry.msgid_plural % SUMMARY
        for entry in wagtail_entries.values()
        if entry.msgid_plural
        and set(re.findall(r"%\((\w+)\)", entry.msgid_plural)) <= set(SUMMARY)
    }
    with translation.override("en"):
        assert [m for m in PLURAL_MESSAGES if m % SUMMARY not in wagtail_plurals] == []


def test_our_french_replaces_wagtail_s():
    wagtail_entries = wagtail_french()
    with translation.override("fr"):
        ours = {message: translation.gettext(message) for message in MESSAGES}
    assert [m for m in MESSAGES if ours[m] in (m, wagtail_entries[m].msgstr)] == []
    worded = {m: re.sub(r"%\(\w+\)s", "", ours[m]) for m in MESSAGES}  # not placeholders
    assert [m for m in MESSAGES if "workflow" in worded[m].lower()] == []
    assert ours["Current page status:"] == "Statut actuel de la page :"
    assert ours["Choose another %(object)s"] % {"object": "catégorie"} == "Changer de catégorie"


def test_the_site_summary_agrees_created_pages_in_french():
    (message,) = PLURAL_MESSAGES
    with translation.override("fr"):
        one = message % {"total": 1, "site_name": "Ville"}
        many = message % SUMMARY
    assert "1 page" in one and "créée dans Ville" in one
    assert "12 pages" in many and "créées dans Ville" in many


@pytest.mark.django_db
def test_an_editor_reads_the_page_status_in_good_french(client, site, make_agent):
    editor = make_agent("Éditrice")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    library = make_library(site)
    make_practice(library)
    client.force_login(editor)

    page = client.get(reverse("wagtailadmin_explore", args=[library.pk])).content.decode()

    assert "Statut actuel de la page" in page
    assert "Status actuel" not in page
