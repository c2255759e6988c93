"""The headers every response carries: Permissions-Policy; Cache-Control that keeps what an
agent saw (and every downloaded file) out of shared caches and off a shared computer's disk;
and no Server banner naming the software."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import Collection

from .gunicorn_process import documented_command, get, header_values, production_gunicorn

pytestmark = pytest.mark.django_db

DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"]


def permissions_policy(response):
    directives = {}
    for part in response["Permissions-Policy"].split(","):
        name, _, allowed = part.strip().partition("=")
        directives[name] = allowed
    return directives


def assert_private(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response["Cache-Control"]
    assert "public" not in directives


# Permissions-Policy


def test_an_anonymous_page_denies_the_browser_features_the_intranet_never_uses(client):
    policy = permissions_policy(client.get(reverse("login")))
    for feature in DENIED_FEATURES:
        assert policy[feature] == "()", feature


@pytest.mark.parametrize(
    "path", ["/healthz", "/static/css/site.css", "/compte/connexion/code/", "/borne/"]
)
def test_every_kind_of_response_carries_the_policy(client, path):
    assert permissions_policy(client.get(path))["camera"] == "()"


def test_an_agents_page_and_an_export_carry_the_policy(request, agent_client, site):
    assert permissions_policy(agent_client.get("/"))["microphone"] == "()"
    export = request.getfixturevalue("survey_export")
    assert permissions_policy(export("csv"))["geolocation"] == "()"


def test_the_kiosk_needs_no_camera(client):
    """Codes are typed, or typed by a USB scanner into the field, or filled from a QR code
    opened by the phone's own camera app: the page itself never asks for the camera."""
    html = client.get("/borne/").content.decode()
    assert "getUserMedia" not in html
    assert permissions_policy(client.get("/borne/"))["camera"] == "()"


# Cache-Control


def test_an_agents_pages_are_never_stored(agent_client, site):
    for path in ["/", reverse("search"), reverse("my_data"), reverse("surveys:mine")]:
        assert_private(agent_client.get(path))


def test_static_files_keep_their_cache(client):
    assert "no-store" not in client.get("/static/css/site.css").get("Cache-Control", "")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("fixture", ["survey_export", "adhesion_export", "dashboard_export"])
def test_every_export_is_never_stored(request, fixture, file_format):
    response = request.getfixturevalue(fixture)(file_format)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_private(response)


def test_my_data_download_is_never_stored(agent_client):
    assert_private(agent_client.get(reverse("my_data_download")))


def test_a_document_download_is_never_stored(agent_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    collection = Collection.get_first_root_node()
    document = Document(title="Note de service", collection=collection)
    document.file.save("note-de-service.txt", ContentFile(b"Rappel."), save=True)
    response = agent_client.get(document.url)
    assert response.status_code == 200
    assert_private(response)


def test_a_wagtail_report_export_is_never_stored(client, make_agent):
    superuser = make_agent("Admin", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_private(response)


def test_an_attachment_is_never_stored_whoever_asks():
    from intranet.core.security import ResponseHeadersMiddleware

    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()

    def attachment(request):
        response = HttpResponse(b"a;b", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        response["Cache-Control"] = "public, max-age=3600"
        return response

    assert_private(ResponseHeadersMiddleware(attachment)(request))


# The real server


def test_the_documented_gunicorn_command_uses_the_configuration_file():
    command = documented_command()
    assert command[command.index("--config") + 1] == "ops/gunicorn.conf.py"


def test_gunicorn_sends_no_server_banner(tmp_path):
    with production_gunicorn(f"sqlite:///{tmp_path / 'db.sqlite3'}") as port:
        for path, host in [("/healthz", None), ("/", "intranet.ville.test")]:
            status, headers, _ = get(port, path, host=host)
            assert status in (200, 301)
            assert header_values(headers, "Server") == []
            assert not [value for _, value in headers if "gunicorn" in value.lower()]
            assert header_values(headers, "Permissions-Policy")
