"""Text on one line: titles as they are stored, e-mail subjects as they are sent.

A line break in a title ends the Subject header of every e-mail that names it: Django
refuses to send such a message (BadHeaderError), in a background task, after the admin has
already said the invitations were sent. Part of the bottom layer.
"""

import unicodedata

from django.template import Context
from django.template.loader import get_template


def single_line(text):
    """``text`` with each run of spaces, line breaks, tabs or other control characters
    turned into one space, and none at either end."""
    if not text:
        return text
    spaced = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    return " ".join(spaced.split())


def render_subject(template_name, context):
    """The e-mail subject rendered from ``template_name``, on one line whatever the titles
    it quotes hold (rows saved before titles were kept on one line, page titles), and as
    text: a subject is no HTML, so « l'équipe » stays so rather than ``l&#x27;équipe``."""
    template = get_template(template_name).template
    return single_line(template.render(Context(context, autoescape=False)))


class SingleLineTitle:
    """A model whose ``title`` stays on one line however it is saved (a form, a service, a
    Wagtail revision): it is quoted in e-mail subjects, ours and Wagtail's moderation
    notices. A line break becomes a space rather than an error: there is nothing for the
    editor to fix, and what they meant is kept."""

    def full_clean(self, *args, **kwargs):
        self.title = single_line(self.title)
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.title = single_line(self.title)
        super().save(*args, **kwargs)
