"""Whatever users type comes back as text, never as markup a browser would run."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from wagtail.test.utils.form_data import nested_form_data, streamfield

from experiments import services as experiment_services
from intranet.accounts.models import Agent
from intranet.home.models import StandardPage
from surveys.models import Invitation
from surveys.services import close, submit_response

from .support.directory import csv_bytes, row
from .support.experiments import framing, started

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, IMAGE]


def assert_inert(html, *payloads):
    """Each payload is shown as text, and the page holds no markup that could run it."""
    for payload in payloads:
        assert escape(payload) in html, f"{payload!r} is not shown escaped"
        assert payload not in html
    document = BeautifulSoup(html, "html.parser")
    for script in document.find_all("script"):
        assert "alert" not in script.get_text() and "alert" not in script.get("src", "")
    for element in document.find_all(True):
        for name, value in element.attrs.items():
            assert not name.startswith("on"), f"{element.name} has {name}={value!r}"
            if name in ("href", "src", "action", "formaction"):
                assert not str(value).strip().lower().startswith("javascript:")


def text(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def answered_survey(make_agent, make_survey):
    """A survey of five free-text answers, two of them hostile, and its owner."""
    owner = make_agent("Propriétaire")
    survey = make_survey(kinds=("text",), owner=owner)
    question = survey.questions.get()
    for answer in [*PAYLOADS, "Très bien", "Rien", "À revoir"]:
        invitation = Invitation.objects.create(survey=survey, agent=make_agent())
        submit_response(invitation, {question: answer})
    close(survey)  # an anonymous survey's answers are published once it is closed
    return survey, owner


def test_free_text_answers_are_escaped_on_the_results_page(client, answered_survey):
    survey, owner = answered_survey
    client.force_login(owner)
    assert_inert(text(client.get(reverse("surveys:results", args=[survey.pk]))), *PAYLOADS)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_free_text_answers_leave_as_downloads_never_as_pages(client, answered_survey, file_format):
    survey, owner = answered_survey
    client.force_login(owner)
    response = client.get(reverse(f"surveys:export_{file_format}", args=[survey.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert not response["Content-Type"].startswith("text/html")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_experiment_framing_and_journal_are_escaped_on_its_page(
    client, make_agent, django_capture_on_commit_callbacks
):
    lead = make_agent("Cheffe")
    lead.groups.add(Group.objects.get(name="Chefs de projet"))
    sponsor = make_agent("Commanditaire")
    sponsor.groups.add(Group.objects.get(name="Commanditaires"))
    experiment = started(client, lead, django_capture_on_commit_callbacks)
    task = experiment_services.open_task(experiment, "frame")
    fields = {"title": SCRIPT, "problem": IMAGE, "hypothesis": SCRIPT, "success_criteria": IMAGE}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("experiments:task", args=[task.pk]), framing(sponsor, **fields))
    experiment.refresh_from_db()
    assert experiment.title == SCRIPT and experiment.problem == IMAGE
    client.post(
        reverse("experiments:journal", args=[experiment.pk]),
        {"kind": "observation", "text": f"{SCRIPT}\n{IMAGE}"},
    )
    assert experiment.journal.count() == 1

    page = text(client.get(reverse("experiments:detail", args=[experiment.pk])))
    assert_inert(page, *PAYLOADS)
    list_page = text(client.get(reverse("experiments:list")))
    assert_inert(list_page, SCRIPT)


def contentstate(text, link):
    """What a hostile editor's browser could post from the rich text editor."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1",
                    "type": "unstyled",
                    "depth": 0,
                    "text": f"{text} clic",
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": len(text) + 1, "length": 4, "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": link}}},
        }
    )


def test_rich_text_saved_from_the_editor_renders_without_scripts(client, site, make_agent):
    client.force_login(make_agent("Administratrice", is_superuser=True))  # publishes at once
    data = nested_form_data(
        {
            "title": "Page piégée",
            "slug": "page-piegee",
            "intro": IMAGE,
            "body": streamfield(
                [
                    ("paragraph", contentstate(SCRIPT, "javascript:alert(1)")),
                    ("heading", IMAGE),
                    ("quote", {"quote": SCRIPT, "author": IMAGE}),
                ]
            ),
            "action-publish": "publish",
        }
    )
    url = reverse("wagtailadmin_pages:add", args=["home", "standardpage", site.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StandardPage.objects.get(slug="page-piegee")
    assert page.live

    html = text(client.get(page.url))
    assert_inert(html, *PAYLOADS)
    assert "javascript:" not in html
    assert 'href="javascript' not in str(page.body.raw_data)


def test_agent_names_from_the_hr_import_are_escaped(client, tmp_path, db):
    path = tmp_path / "annuaire.csv"
    path.write_bytes(csv_bytes([row("M1", SCRIPT, IMAGE, "piege@ville.test")]))
    call_command("import_agents", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    agent = Agent.objects.get(email="piege@ville.test")
    assert agent.last_name == SCRIPT
    client.force_login(agent)
    assert_inert(text(client.get(reverse("surveys:mine"))), *PAYLOADS)


def test_the_search_query_is_shown_escaped(agent_client, site):
    for payload in PAYLOADS:
        html = text(agent_client.get(reverse("search"), {"q": payload}))
        assert_inert(html, payload)
