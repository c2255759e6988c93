"""The language of what editors and agents wrote, marked where the interface speaks another.

Content is written in the site's language (LANGUAGE_CODE): a page's title, introduction and
body, an experiment's framing, a survey's questions. An agent who chose English for the
interface still reads that content in French, and a screen reader must pronounce it so:
its container carries ``lang="fr"`` while ``<html lang="en">`` covers the interface.
"""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def content_lang():
    """`` lang="fr"`` on a container of content when the interface is in another language."""
    content = settings.LANGUAGE_CODE
    if translation.get_language() == content:
        return ""
    return format_html(' lang="{}"', content)
