"""Uploads: safe types and sizes only, refused with a message and nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from skills import forms as skills_forms
from skills.models import PixCampaign

from .support.skills import fixture_agents, pix_file, skills_officer
from .support.uploads import page_text, stored_files

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin_client(client, make_agent, site):
    client.force_login(make_agent("Administratrice", is_superuser=True))
    return client


def upload_image(client, name, content, content_type="image/png"):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": name, "file": SimpleUploadedFile(name, content, content_type)},
    )


def upload_document(client, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "file": SimpleUploadedFile(name, content, content_type)},
    )


def test_a_png_image_is_accepted(admin_client, media_root):
    response = upload_image(admin_client, "pixel.png", PNG)
    assert response.status_code == 302
    assert Image.objects.count() == 1


@pytest.mark.parametrize(
    "name, content_type",
    [("logo.svg", "image/svg+xml"), ("logo.png", "image/png"), ("logo.gif", "image/gif")],
)
def test_an_svg_image_is_refused_whatever_its_name(admin_client, media_root, name, content_type):
    response = upload_image(admin_client, name, SVG, content_type)
    assert response.status_code == 200
    message = page_text(response)
    assert "Format d'image non supporté" in message or (
        "L'extension de fichier ne correspond pas au format du fichier (svg)" in message
    )
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_an_oversized_image_is_refused(admin_client, media_root, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = len(PNG) - 1
    response = upload_image(admin_client, "pixel.png", PNG)
    assert response.status_code == 200
    assert "Ce fichier est trop gros" in page_text(response)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_an_office_document_is_accepted_and_served_as_a_download(admin_client, media_root):
    response = upload_document(admin_client, "compte-rendu.odt", b"PK\x03\x04 contenu")
    assert response.status_code == 302
    document = Document.objects.get()

    served = admin_client.get(document.url)
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize(
    "name", ["page.html", "page.htm", "dessin.svg", "script.js", "page.xhtml"]
)
def test_a_document_a_browser_would_run_is_refused(admin_client, media_root, name):
    response = upload_document(admin_client, name, b"<script>alert(1)</script>", "text/html")
    assert response.status_code == 200
    assert "n’est pas autorisée. Les extensions autorisées sont" in page_text(response)
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_the_multiple_upload_refuses_an_html_document_too(admin_client, media_root):
    response = admin_client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html")},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert not Document.objects.exists()


def test_a_text_document_is_never_shown_inline(admin_client, media_root):
    upload_document(admin_client, "notes.txt", b"<script>alert(1)</script>", "text/plain")
    served = admin_client.get(Document.objects.get().url)
    assert served["Content-Disposition"].startswith("attachment;")
    assert not served["Content-Type"].startswith("text/html")


def test_an_oversized_document_is_refused_with_a_message(admin_client, media_root, settings):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 10
    response = upload_document(admin_client, "rapport.pdf", b"%PDF-1.4 " + b"x" * 20)
    assert response.status_code == 200
    assert "Le fichier est trop volumineux (29 octets) ; la limite est de 10 octets." in page_text(
        response
    )
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_an_oversized_document_is_refused_by_the_multiple_upload_too(
    admin_client, media_root, settings
):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 10
    response = admin_client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 " + b"x" * 20)},
    )
    assert response.json()["success"] is False
    assert not Document.objects.exists()


@pytest.fixture
def officer_client(client, site):
    fixture_agents()
    client.force_login(skills_officer())
    return client


def test_an_oversized_pix_export_is_refused_with_a_message(officer_client, monkeypatch):
    monkeypatch.setattr(skills_forms, "MAX_UPLOAD_SIZE", 100)
    content = pix_file("collecte-2025.csv")
    response = officer_client.post(
        reverse("skills_import_pix"),
        {"file": SimpleUploadedFile("collecte-2025.csv", content, "text/csv")},
    )
    assert response.status_code == 200
    assert "Le fichier est trop volumineux" in page_text(response)
    assert "la limite est de 100 octets" in page_text(response)
    assert not PixCampaign.objects.exists()


@pytest.mark.parametrize("name", ["export.svg", "export.html"])
def test_a_pix_import_of_another_type_is_refused(officer_client, name):
    response = officer_client.post(
        reverse("skills_import_pix"), {"file": SimpleUploadedFile(name, SVG, "text/html")}
    )
    assert "Choisissez le fichier CSV (.csv) exporté depuis PIX Orga." in page_text(response)
    assert not PixCampaign.objects.exists()
