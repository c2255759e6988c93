"""Serving the images editors upload (Wagtail's originals and renditions) from MEDIA_ROOT.

In production whitenoise serves static files only; without this view every image of a page
answers 404. It serves logged-in agents like the rest of the intranet, the two image folders
of Wagtail only: documents go through Wagtail's own view (/documents/…), which applies the
collections' privacy, and nothing else of MEDIA_ROOT is anyone's to fetch. A reverse proxy
may serve /media/ instead (docs/operations.md): then set SERVE_MEDIA=false.
"""

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

IMAGE_FOLDERS = ("original_images", "images")
# The formats Wagtail writes (uploads are limited to WAGTAILIMAGES_EXTENSIONS); anything else
# found there is handed over as a download, never rendered by the browser.
IMAGE_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@require_safe
def serve_media(request, path):
    if not settings.SERVE_MEDIA:
        raise Http404
    file = media_file(path)
    content_type = IMAGE_TYPES.get(file.suffix.lower())
    return FileResponse(
        file.open("rb"),
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=file.name,
    )


def media_file(path):
    """The file of an image folder that ``path`` names, or 404; never a file outside it."""
    parts = PurePosixPath(path).parts
    if len(parts) < 2 or parts[0] not in IMAGE_FOLDERS or ".." in parts or "\x00" in path:
        raise Http404
    folder = (Path(settings.MEDIA_ROOT) / parts[0]).resolve()
    # Resolved, symbolic links included: a link leading out of the folder is refused too.
    file = (folder / PurePosixPath(*parts[1:])).resolve()
    if not file.is_relative_to(folder) or not file.is_file():
        raise Http404
    return file
