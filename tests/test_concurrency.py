"""Races through HTTP: several agents' browsers hit the live server at the same moment.

Each thread holds its own logged-in session and its own connection; a barrier starts them
together. Whatever the order the database lets them through, exactly one result is kept
and the others get a page that says so, never a 500.
"""

import http.client
import importlib
import os
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string
from viewflow.workflow.models import Task

from experiments import services as experiment_services
from experiments.flows import ExperimentFlow
from intranet.accounts.models import Agent
from intranet.accounts.roles import SPONSORS
from practices.models import Enrolment
from skills.framework import ensure_framework
from skills.importers import import_pix
from skills.models import Area, Competence, CompetenceResult, PixCampaign, PixParticipation
from surveys import services as survey_services
from surveys.models import Answer, Invitation, Response

from .support.practices import make_session, make_training, make_training_catalogue
from .support.skills import PIX_FILES, database_state, fixture_agents

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer at a time: these races only exist on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """The rows the migrations create, gone after an earlier test flushed the database."""
    from django.apps import apps

    roles = importlib.import_module("intranet.accounts.migrations.0002_role_groups")
    roles.create_roles(apps, None)
    ensure_framework(Area, Competence)


class Browser:
    """One agent's browser: its own session and cookies; redirects are not followed."""

    def __init__(self, live_server, agent):
        client = Client()
        client.force_login(agent)
        csrf = get_random_string(32)
        self.cookies = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: csrf,
        }
        self.csrf = csrf
        self.netloc = urlsplit(live_server.url).netloc

    def request(self, method, path, body=b"", content_type=None):
        headers = {
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "Accept-Language": "fr",
        }
        if content_type:
            headers["Content-Type"] = content_type
        conn = http.client.HTTPConnection(self.netloc, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            page = Page(reply.status, reply.read().decode(), reply.getheader("Location", ""))
            for header in reply.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        finally:
            conn.close()
        return page

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        return self.request(
            "POST",
            path,
            urlencode(data, doseq=True).encode(),
            "application/x-www-form-urlencoded",
        )

    def upload(self, path, data, name, content):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in {"csrfmiddlewaretoken": self.csrf, **data}.items()
        ]
        body = (
            "".join(parts).encode()
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")


class Page:
    def __init__(self, status, text, location):
        self.status, self.text, self.location = status, text, location

    def __repr__(self):
        return f"<Page {self.status} {self.location or self.text[:80]!r}>"


def all_at_once(actions):
    """Run the actions in threads released together; return what each returned."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the assertions show it
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def blocked_backends():
    """How many other connections to the test database wait for a lock."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# The live server really serves several requests at once.


def test_the_live_server_answers_several_requests_at_the_same_time(
    live_server, make_survey, make_agent, monkeypatch
):
    survey = make_survey(kinds=("text",))
    agents = [make_agent() for _ in range(3)]
    invitations = [Invitation.objects.create(survey=survey, agent=agent) for agent in agents]
    # Each request waits inside the view for the others: a server taking one request at a
    # time would break the barrier and answer 500.
    inside = threading.Barrier(len(agents), timeout=10)
    submit = survey_services.submit_response

    def submit_together(*args, **kwargs):
        inside.wait()
        return submit(*args, **kwargs)

    monkeypatch.setattr(survey_services, "submit_response", submit_together)
    question = survey.questions.get()
    browsers = [Browser(live_server, agent) for agent in agents]
    pages = all_at_once(
        [
            lambda browser=browser, invitation=invitation: browser.post(
                reverse("surveys:answer", args=[invitation.survey_id]),
                {f"q{question.pk}": "Bien"},
            )
            for browser, invitation in zip(browsers, invitations, strict=True)
        ]
    )
    assert [page.status for page in pages] == [302] * 3, pages
    assert Response.objects.count() == 3


# A survey sent twice (double click, two tabs): one response.


def answer_data(survey):
    data = {}
    for question in survey.questions.all():
        data[f"q{question.pk}"] = {"recommendation": "9", "text": "Très utile"}[question.kind]
    return data


def test_the_same_survey_submitted_from_eight_tabs_at_once_is_recorded_once(
    live_server, make_survey, make_agent
):
    survey = make_survey(kinds=("recommendation", "text"))
    agent = make_agent()
    invitation = Invitation.objects.create(survey=survey, agent=agent)
    tabs = [Browser(live_server, agent) for _ in range(8)]
    url = reverse("surveys:answer", args=[invitation.survey_id])

    pages = all_at_once([lambda tab=tab: tab.post(url, answer_data(survey)) for tab in tabs])

    assert all(isinstance(page, Page) for page in pages), pages
    saved = [page for page in pages if page.status == 302]
    assert len(saved) == 1, pages
    assert saved[0].location == reverse("surveys:mine")
    others = [page for page in pages if page is not saved[0]]
    assert {page.status for page in others} == {200}
    assert all("Vous avez déjà répondu" in page.text for page in others)
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 2
    invitation.refresh_from_db()
    assert invitation.answered


# The last seat of a training session: one agent gets it, the others wait.


def test_eight_agents_clicking_for_the_last_seat_leave_one_registered(
    live_server, site, make_agent
):
    session = make_session(make_training(make_training_catalogue(site)), capacity=1)
    agents = [make_agent() for _ in range(8)]
    browsers = [Browser(live_server, agent) for agent in agents]
    url = reverse("practices:register", args=[session.pk])

    pages = all_at_once([lambda browser=browser: browser.post(url, {}) for browser in browsers])

    assert [page.status for page in pages] == [302] * 8, pages
    statuses = list(session.enrolments.values_list("status", flat=True))
    assert statuses.count(Enrolment.Status.REGISTERED) == 1
    assert statuses.count(Enrolment.Status.WAITING) == 7
    # Each agent reads where they stand on the training page.
    told = [browser.get(page.location).text for browser, page in zip(browsers, pages, strict=True)]
    assert sum("Vous êtes inscrit" in text for text in told) == 1, told
    assert sum("liste d’attente" in text for text in told) == 7


def test_one_agent_clicking_twice_for_a_seat_is_registered_once(live_server, site, make_agent):
    session = make_session(make_training(make_training_catalogue(site)), capacity=5)
    agent = make_agent()
    tabs = [Browser(live_server, agent) for _ in range(4)]
    url = reverse("practices:register", args=[session.pk])

    pages = all_at_once([lambda tab=tab: tab.post(url, {}) for tab in tabs])

    assert [page.status for page in pages] == [302] * 4, pages
    assert list(session.enrolments.values_list("agent", "status")) == [
        (agent.pk, Enrolment.Status.REGISTERED)
    ]


# The same workflow task completed from two windows: one transition.


def test_a_framing_approved_from_two_windows_at_once_moves_on_once(live_server, make_agent):
    lead = make_agent("Cheffe")
    lead.groups.add(Group.objects.get_or_create(name="Chefs de projet")[0])
    sponsor = make_agent("Commanditaire")
    sponsor.groups.add(Group.objects.get_or_create(name=SPONSORS)[0])
    experiment = experiment_services.start(lead, "Concurrence")

    def frame(experiment, task):
        experiment.sponsor = sponsor
        experiment.save(update_fields=["sponsor"])

    experiment_services.perform(experiment_services.open_task(experiment, "frame").pk, lead, frame)
    review = experiment_services.open_task(experiment, "review")
    windows = [Browser(live_server, sponsor) for _ in range(4)]
    url = reverse("experiments:task", args=[review.pk])

    pages = all_at_once(
        [
            lambda window=window: window.post(url, {"decision": "approve", "comment": "Oui"})
            for window in windows
        ]
    )

    done = [page for page in pages if page.status == 302]
    assert len(done) == 1, pages
    for page in pages:
        if page is not done[0]:
            assert page.status in (200, 409), pages
            assert ("Cette tâche est déjà faite" in page.text) or (
                "Quelqu’un travaille sur cette expérimentation" in page.text
            )
    launches = Task.objects.filter(process_id=experiment.pk, flow_task=ExperimentFlow.launch)
    assert launches.count() == 1
    assert Task.objects.filter(process_id=experiment.pk, flow_task=review.flow_task).count() == 1


# The same PIX file imported twice at once: the data of one import.


PIX_FILE = "collecte-2025.csv"


def assert_imported_once():
    """The database holds the file exactly once: importing it again would change nothing."""
    report = import_pix((PIX_FILES / PIX_FILE).read_bytes(), dry_run=True)
    assert not report.changed
    assert PixCampaign.objects.count() == 1
    assert PixParticipation.objects.count() == report.participants
    assert CompetenceResult.objects.count() == 16 * report.shared


class CampaignTableLocked:
    """Hold the campaign table so that both imports reach it, then let them race."""

    def __enter__(self):
        self.conn = connections.create_connection("default")
        self.conn.set_autocommit(False)
        with self.conn.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {PixCampaign._meta.db_table} IN EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc):
        self.conn.rollback()
        self.conn.close()


def test_two_officers_uploading_the_same_pix_file_at_once_import_it_once(live_server, site):
    fixture_agents()
    officers = []
    for number in range(2):
        officer = Agent.objects.create_user(f"referente{number}@ville.test", "x")
        officer.groups.add(Group.objects.get(name="Référents compétences"))
        officers.append(Browser(live_server, officer))
    content = (PIX_FILES / PIX_FILE).read_bytes()
    url = reverse("skills_import_pix")

    with CampaignTableLocked():
        results = []
        runner = threading.Thread(
            target=lambda: results.extend(
                all_at_once(
                    [
                        lambda browser=browser: browser.upload(url, {}, PIX_FILE, content)
                        for browser in officers
                    ]
                )
            )
        )
        runner.start()
        wait_for(lambda: blocked_backends() >= 2)
    runner.join(timeout=120)

    assert [page.status for page in results] == [302, 302], results
    told = [
        browser.get(page.location).text for browser, page in zip(officers, results, strict=True)
    ]
    assert (
        sum("Rien n’a changé : ce fichier avait déjà été importé." in text for text in told) == 1
    )
    assert_imported_once()


def test_two_import_commands_of_the_same_pix_file_at_once_import_it_once(tmp_path):
    fixture_agents()
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "intranet.settings.test"}
    command = [sys.executable, "manage.py", "import_pix", str(PIX_FILES / PIX_FILE)]

    with CampaignTableLocked():
        processes = [
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        wait_for(lambda: blocked_backends() >= 2, seconds=60)
    outputs = [process.communicate(timeout=120) for process in processes]

    assert [process.returncode for process in processes] == [0, 0], outputs
    stdout = [out for out, _err in outputs]
    assert sum("Nothing changed" in out or "Rien n’a changé" in out for out in stdout) == 1, stdout
    assert_imported_once()


def test_the_database_state_after_racing_imports_equals_one_import(live_server, site):
    """The same check with the reference made by a single import, row for row."""
    fixture_agents()
    content = (PIX_FILES / PIX_FILE).read_bytes()
    import_pix(content)
    single = strip_ids(database_state())
    PixCampaign.objects.all().delete()

    with CampaignTableLocked():
        results = []
        runner = threading.Thread(
            target=lambda: results.extend(all_at_once([lambda: import_pix(content)] * 3))
        )
        runner.start()
        wait_for(lambda: blocked_backends() >= 3)
    runner.join(timeout=120)

    assert all(not isinstance(result, Exception) for result in results), results
    assert sum(result.changed for result in results) == 1
    assert strip_ids(database_state()) == single


def strip_ids(state):
    """Rows without their keys and timestamps of import, which differ between two runs."""
    campaigns, participations, results = state
    participation_rows = {row["id"]: row for row in participations}
    return (
        [
            {k: v for k, v in row.items() if k not in ("id", "imported_at", "imported_by_id")}
            for row in campaigns
        ],
        sorted(
            tuple(sorted((k, str(v)) for k, v in row.items() if k not in ("id", "campaign_id")))
            for row in participations
        ),
        sorted(
            (
                participation_rows[row["participation_id"]]["identity_key"],
                row["competence_id"],
                row["level"],
                row["pix"],
            )
            for row in results
        ),
    )
