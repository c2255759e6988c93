from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "intranet" / "locale" / "fr" / "LC_MESSAGES"


def test_every_french_message_is_translated_and_not_fuzzy():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_sources():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = {
        (entry.msgctxt, entry.msgid): entry for entry in polib.mofile(str(CATALOGUE / "django.mo"))
    }
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if (entry.msgctxt, entry.msgid) not in mo
        or mo[(entry.msgctxt, entry.msgid)].msgstr != entry.msgstr
        or mo[(entry.msgctxt, entry.msgid)].msgstr_plural != entry.msgstr_plural
    ]
    assert stale == []
