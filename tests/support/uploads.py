"""What an upload leaves behind: the files stored, the page shown."""

import html
import re


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()]


def page_text(response):
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))
