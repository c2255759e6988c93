"""Images: decompression bombs and damaged files are refused with a message at every upload,
and one already stored never takes a worker's memory nor fails the page that shows it."""

import inspect
import io
import json
import struct
import subprocess
import sys
import textwrap
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from intranet.home.models import StandardPage

from .browser_forms import submitted_data
from .support.uploads import page_text, stored_files

pytestmark = pytest.mark.django_db

Image = get_image_model()

MAX_PIXELS = 40_000_000
TOO_MANY_PIXELS = "Ce fichier a un trop grand nombre de pixels"
DAMAGED = "Téléversez une image valide. Le fichier que vous avez transféré n’est pas une image"


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width, height):
    """A real black-and-white PNG of width × height pixels: rows of zeros compress ~1000:1,
    so 121 megapixels weigh about 15 KB."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then one bit a pixel
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def photo(image_format, size=(64, 48)):
    """A small real image with varied pixels, encoded by Pillow."""
    image = PILImage.new("RGB", size)
    image.putdata(
        [
            ((x * 7 + y) % 256, (x * y) % 256, (x + 5 * y) % 256)
            for y in range(size[1])
            for x in range(size[0])
        ]
    )
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def damaged(image_format, keep):
    data = photo(image_format)
    return data[:keep] if keep > 1 else data[: int(len(data) * keep)]


DAMAGED_FILES = {
    # name: (file name, content type, content)
    "GIF cut after its header": ("anime.gif", "image/gif", damaged("GIF", 13)),
    "GIF cut in half": ("anime.gif", "image/gif", damaged("GIF", 0.5)),
    "PNG cut in half": ("photo.png", "image/png", damaged("PNG", 0.5)),
    "JPEG cut in half": ("photo.jpg", "image/jpeg", damaged("JPEG", 0.5)),
    "JPEG cut after its header": ("photo.jpg", "image/jpeg", damaged("JPEG", 30)),
    "WebP cut in half": ("photo.webp", "image/webp", damaged("WEBP", 0.5)),
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin_client(client, make_agent, site):
    client.force_login(make_agent("Administratrice", is_superuser=True))
    # A server error must show as a 500, as a browser would get it, not as an exception.
    client.raise_request_exception = False
    return client


def upload(client, name, content, content_type="image/png"):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": name, "file": SimpleUploadedFile(name, content, content_type)},
    )


def stored_image(name, content, width, height):
    """An image stored without the upload form's checks, as one uploaded before them."""
    path = default_storage.save(f"original_images/{name}", ContentFile(content))
    return Image.objects.create(title=name, file=path, width=width, height=height)


def test_pillow_refuses_what_the_upload_pixel_limit_refuses(settings):
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == MAX_PIXELS
    assert MAX_PIXELS >= 7360 * 4912  # the photo of a 36-megapixel camera
    assert PILImage.MAX_IMAGE_PIXELS * 2 == MAX_PIXELS  # Pillow refuses above twice its figure


def test_a_121_megapixel_png_of_15_kb_is_refused_with_a_message(admin_client, media_root):
    bomb = png_bomb(11_000, 11_000)
    assert len(bomb) < 20_000

    response = upload(admin_client, "bombe.png", bomb)

    assert response.status_code == 200
    assert TOO_MANY_PIXELS in page_text(response)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


# Below the limit Pillow still warns (start-up silences it, pytest restores the filters).
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_just_above_the_limit_is_refused_and_one_at_the_limit_accepted(
    admin_client, media_root
):
    # Between the limit and twice the limit Pillow would only warn, and decode.
    response = upload(admin_client, "trop.png", png_bomb(8_001, 5_000))
    assert response.status_code == 200
    assert TOO_MANY_PIXELS in page_text(response)
    assert not Image.objects.exists()

    response = upload(admin_client, "limite.png", png_bomb(8_000, 5_000))
    assert response.status_code == 302
    assert (Image.objects.get().width, Image.objects.get().height) == (8_000, 5_000)


@pytest.mark.parametrize("damage", DAMAGED_FILES)
def test_a_damaged_image_is_refused_with_a_message(admin_client, media_root, damage):
    name, content_type, content = DAMAGED_FILES[damage]
    response = upload(admin_client, name, content, content_type)
    assert response.status_code == 200
    assert DAMAGED in page_text(response)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_an_intact_image_of_each_format_is_still_accepted(admin_client):
    formats = {"GIF": "gif", "PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
    for image_format, extension in formats.items():
        response = upload(admin_client, f"photo.{extension}", photo(image_format))
        assert response.status_code == 302, page_text(response)
    assert Image.objects.count() == len(formats)


@pytest.mark.parametrize(
    "name, content_type, content",
    [
        ("bombe.png", "image/png", png_bomb(11_000, 11_000)),
        DAMAGED_FILES["GIF cut after its header"],
    ],
    ids=["bomb", "damaged GIF"],
)
def test_the_multiple_upload_refuses_them_in_its_answer(admin_client, name, content_type, content):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content, content_type)},
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["success"] is False
    assert TOO_MANY_PIXELS in answer["error_message"] or DAMAGED in answer["error_message"]
    assert not Image.objects.exists()


@pytest.mark.parametrize(
    "name, content_type, content",
    [
        ("bombe.png", "image/png", png_bomb(11_000, 11_000)),
        DAMAGED_FILES["PNG cut in half"],
    ],
    ids=["bomb", "damaged PNG"],
)
def test_the_chooser_upload_refuses_them_in_its_form(admin_client, name, content_type, content):
    response = admin_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": name,
            "image-chooser-upload-file": SimpleUploadedFile(name, content, content_type),
        },
    )
    assert response.status_code == 200
    form = json.loads(response.content)["htmlFragment"]
    assert TOO_MANY_PIXELS in form or DAMAGED in form.replace("&#x27;", "'")
    assert not Image.objects.exists()


def test_replacing_a_file_by_a_damaged_one_is_refused_and_keeps_the_image(admin_client):
    upload(admin_client, "photo.png", photo("PNG"))
    image = Image.objects.get()
    name, content_type, content = DAMAGED_FILES["JPEG cut in half"]
    response = admin_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "photo", "file": SimpleUploadedFile(name, content, content_type)},
    )
    assert response.status_code == 200
    assert DAMAGED in page_text(response)
    image.refresh_from_db()
    assert image.file.name.endswith(".png")


def post_profile_picture(client, name, content):
    """The account page as a browser submits it, with a profile picture chosen."""
    account = reverse("wagtailadmin_account")
    data = submitted_data(client.get(account).content.decode())
    data["avatar-avatar"] = SimpleUploadedFile(name, content, "image/png")
    return client.post(account, data)


def test_a_bomb_is_refused_as_a_profile_picture_too(admin_client, media_root):
    # Django's own image field (Wagtail's profile picture) opens it with Pillow too. Wagtail's
    # template of that panel shows no field error: the page comes back, unsaved.
    response = post_profile_picture(admin_client, "moi.png", png_bomb(11_000, 11_000))
    assert response.status_code == 200
    assert stored_files(media_root) == []

    assert post_profile_picture(admin_client, "moi.png", photo("PNG")).status_code == 302
    assert len(stored_files(media_root)) == 1


@pytest.fixture
def page_showing(site):
    def make(image):
        image.contextual_alt_text = "La salle"
        page = StandardPage(
            title="Retour en images",
            slug="retour-en-images",
            body=[
                ("paragraph", "<p>Le séminaire des encadrants.</p>"),
                ("image", image),
            ],
        )
        site.add_child(instance=page)
        page.save_revision().publish()
        return page

    return make


@pytest.mark.parametrize(
    "name, content, size",
    [
        ("bombe.png", png_bomb(11_000, 11_000), (11_000, 11_000)),
        ("photo.png", damaged("PNG", 0.5), (64, 48)),
        ("anime.gif", damaged("GIF", 13), (64, 48)),
    ],
    ids=["bomb", "damaged PNG", "damaged GIF"],
)
def test_a_stored_bomb_or_damaged_image_never_fails_a_page(
    admin_client, page_showing, caplog, name, content, size
):
    image = stored_image(name, content, *size)
    page = page_showing(image)

    response = admin_client.get(page.url)

    assert response.status_code == 200
    assert "Le séminaire des encadrants." in page_text(response)
    assert not image.renditions.exists()
    assert f"Image {image.pk} ({image.file.name}) cannot be decoded" in caplog.text
    # The admin's listing and edit page show it as a missing file, not as an error.
    assert admin_client.get(reverse("wagtailimages:index")).status_code == 200
    assert admin_client.get(reverse("wagtailimages:edit", args=[image.pk])).status_code == 200


def test_renditions_still_go_through_the_guarded_method():
    """Fails if Wagtail renames or reshapes the method intranet/core/images.py guards."""
    generate = AbstractImage.generate_rendition_file
    assert generate.renders_undecodable_as_missing
    assert list(inspect.signature(generate.__wrapped__).parameters) == ["self", "filter", "source"]


PEAK_MEMORY = """
import resource, sys
import django
django.setup()
from django.core.files.storage import default_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from wagtail.images.models import Filter, Image, SourceImageIOError

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

name = default_storage.save("original_images/bombe.png", ContentFile(sys.stdin.buffer.read()))
image = Image(title="bombe", file=name, width=11_000, height=11_000, collection_id=1)
before = peak()
try:
    image.generate_rendition_file(Filter("max-800x600"))
    outcome = "rendered"
except SourceImageIOError:
    outcome = "refused"
print(outcome, peak() - before)
"""


def test_rendering_a_stored_bomb_costs_a_worker_no_memory(media_root, settings, tmp_path):
    """A fresh process, as a worker: the limit holds from start-up, not only in forms."""
    media_root.mkdir()
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PEAK_MEMORY)],
        input=png_bomb(11_000, 11_000),
        capture_output=True,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
            "MEDIA_ROOT": str(media_root),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            "PATH": "/usr/bin:/bin",
        },
        cwd=settings.BASE_DIR,
    )
    outcome, growth_mb = completed.stdout.decode().split()
    # Decoded, the same file took about 600 MB for one rendition.
    assert (outcome, int(growth_mb) < 30) == ("refused", True), completed.stdout
