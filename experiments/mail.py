"""The experiments' e-mails: each one a pair of templates, ``experiments/email/NAME.txt`` and
``NAME_subject.txt``, rendered in the site's language (the task worker has no request) and
sent through Django's mail framework."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from intranet.core.text import render_subject


def absolute(path):
    """``path`` as a link an e-mail can carry."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def render_email(name, context):
    """The subject (one line of text) and the body of the e-mail ``name``."""
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject(f"experiments/email/{name}_subject.txt", context)
        body = render_to_string(f"experiments/email/{name}.txt", context)
    return subject, body


def email(name, context, address):
    """The e-mail ``name`` to the one ``address``, ready to send."""
    subject, body = render_email(name, context)
    return EmailMessage(subject, body, None, [address])


def send(messages):
    """Send ``messages`` on one connection, each to its own recipient."""
    messages = list(messages)
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
