"""Errors show our page and no detail; logs are one JSON object per line, without secrets."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Page

from intranet.home import views as home_views
from intranet.logging import JSONFormatter, current_request

ROOT = Path(__file__).resolve().parent.parent
SECRET_DETAIL = "the database password is hunter2"


@pytest.fixture
def crashing_search(monkeypatch):
    def crash(request):
        assert request.user.is_authenticated  # the user is known when the error is logged
        raise RuntimeError(SECRET_DETAIL)

    monkeypatch.setattr(home_views, "viewable_pages", crash)


@pytest.fixture
def json_log():
    """What django.request writes, through our JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_an_error_shows_our_page_without_any_detail(agent_client, site, crashing_search):
    agent_client.raise_request_exception = False
    response = agent_client.get(reverse("search"), {"q": "réunion"})
    assert response.status_code == 500
    page = response.content.decode()
    assert "Une erreur est survenue" in page
    for leak in (SECRET_DETAIL, "Traceback", "RuntimeError", "viewable_pages", ".py"):
        assert leak not in page


def test_an_error_is_logged_as_one_json_line_with_path_and_user(
    agent_client, agent, site, crashing_search, json_log
):
    agent_client.raise_request_exception = False
    agent_client.get(reverse("search"), {"q": "réunion"})
    lines = json_log.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Internal Server Error: /recherche/"
    assert entry["path"] == "/recherche/"
    assert entry["method"] == "GET"
    assert entry["user_id"] == agent.pk
    assert entry["status_code"] == 500
    assert entry["time"].endswith("+00:00")
    assert "RuntimeError: " + SECRET_DETAIL in entry["exception"]  # for the operators only


def test_a_log_line_never_carries_the_request_body():
    request = RequestFactory().post(
        "/compte/connexion/",
        {"username": "agent@ville.test", "password": "motdepasse-secret", "q1": "ma réponse"},
    )
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Refused", (), None)
    record.request = request
    line = JSONFormatter().format(record)
    assert json.loads(line)["path"] == "/compte/connexion/"
    assert "motdepasse-secret" not in line and "ma réponse" not in line
    assert "user_id" not in json.loads(line)  # no user loaded: none guessed


def test_lines_written_while_serving_a_request_name_it(agent_client, site, monkeypatch):
    seen = []

    def remember(request):
        seen.append(current_request.get())
        return Page.objects.none()

    monkeypatch.setattr(home_views, "viewable_pages", remember)
    agent_client.get(reverse("search"), {"q": "x"})
    assert seen and seen[0].path == "/recherche/"
    assert current_request.get() is None  # forgotten once the response is out


def test_production_writes_json_log_lines(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "intranet.ville.test",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('intranet').warning('Import of %s refused', 'annuaire.csv')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "intranet"
    assert entry["message"] == "Import of annuaire.csv refused"
