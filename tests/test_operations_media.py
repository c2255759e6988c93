"""The images editors upload are served in production (DEBUG off, whitenoise serving static
files only): by the intranet itself, to logged-in agents, from MEDIA_ROOT and nowhere else."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images import get_image_model
from wagtail.models import Collection

pytestmark = pytest.mark.django_db

Image = get_image_model()
# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """MEDIA_ROOT inside a folder that also holds a secret, to be reached by traversal."""
    settings.DEBUG = False
    (tmp_path / "secret.txt").write_text("SECRET_KEY=do-not-serve")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def image(db):
    image = Image(title="Organigramme", collection=Collection.get_first_root_node())
    image.file.save("organigramme.png", ImageFile(ContentFile(PNG), name="organigramme.png"))
    image.save()
    return image


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_uploaded_image_is_served_to_an_agent(agent_client, image):
    assert image.file.url.startswith("/media/original_images/")
    response = agent_client.get(image.file.url)
    assert response.status_code == 200
    assert body(response) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


def test_a_rendition_shown_in_pages_is_served(agent_client, image):
    rendition = image.get_rendition("fill-1x1")
    response = agent_client.get(rendition.url)
    assert response.status_code == 200
    assert body(response) == rendition.file.open("rb").read()


def test_a_head_request_answers_without_the_body(agent_client, image):
    response = agent_client.head(image.file.url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(PNG))


def test_an_agents_image_is_kept_off_a_shared_computers_disk(agent_client, image):
    cache_control = {
        part.strip() for part in agent_client.get(image.file.url)["Cache-Control"].split(",")
    }
    assert {"private", "no-store"} <= cache_control


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, image):
    response = client.get(image.file.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_missing_file_answers_404(agent_client):
    assert agent_client.get("/media/original_images/absente.png").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/original_images/../../secret.txt",
        "/media/original_images/%2e%2e/%2e%2e/secret.txt",
        "/media/original_images/..%2f..%2fsecret.txt",
        "/media/../secret.txt",
        "/media//etc/passwd",
        "/media/original_images//etc/passwd",
        "/media/original_images/%00.png",
    ],
)
def test_nothing_outside_the_media_folder_can_be_reached(agent_client, path):
    response = agent_client.get(path)
    assert response.status_code == 404
    assert b"do-not-serve" not in body(response)


def test_a_link_leading_out_of_the_media_folder_is_not_followed(agent_client, media_root):
    (media_root / "original_images").mkdir()
    (media_root / "original_images" / "lien.png").symlink_to(media_root.parent / "secret.txt")
    assert agent_client.get("/media/original_images/lien.png").status_code == 404


def test_documents_are_served_by_wagtail_only(agent_client):
    """Wagtail's document view applies the collections' privacy; its files under /media/ are
    not served, so nobody goes round it."""
    document = Document(title="Note", collection=Collection.get_first_root_node())
    document.file.save("note.txt", ContentFile(b"Rappel."), save=True)
    assert agent_client.get(f"/media/{document.file.name}").status_code == 404
    assert agent_client.get(document.url).status_code == 200


def test_other_files_of_the_media_folder_are_not_served(agent_client, media_root):
    (media_root / "imports").mkdir()
    (media_root / "imports" / "pix.csv").write_text("nom;niveau")
    assert agent_client.get("/media/imports/pix.csv").status_code == 404


def test_a_file_that_is_no_image_is_only_downloaded(agent_client, media_root):
    (media_root / "original_images").mkdir()
    (media_root / "original_images" / "piege.html").write_text("<script>alert(1)</script>")
    response = agent_client.get("/media/original_images/piege.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_with_serve_media_off_the_proxy_serves_them(agent_client, image, settings):
    settings.SERVE_MEDIA = False
    assert agent_client.get(image.file.url).status_code == 404
