"""Sign-in e-mails: the first-access (activation) link and the new-password link.

Sent as background tasks through Django's mail framework. Links are built from BASE_URL,
never from the request's Host header, which a client chooses.
"""

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from intranet.core.text import render_subject

from .models import Agent
from .tokens import activation_token_generator


def absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def link_for(agent, view_name, generator):
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    return absolute(reverse(view_name, args=[uid, generator.make_token(agent)]))


def send_activation(agent):
    """E-mail an agent who never chose a password the link to choose one."""
    context = {
        "agent": agent,
        "link": link_for(agent, "activation_confirm", activation_token_generator),
        "days": settings.ACTIVATION_LINK_DAYS,
        "login_link": absolute(reverse("login")),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject("accounts/email/activation_subject.txt", context)
        body = render_to_string("accounts/email/activation.txt", context)
    send_mail(subject, body, None, [agent.email])
    Agent.objects.filter(pk=agent.pk).update(activation_sent_at=timezone.now())


def send_password_reset(agent):
    context = {
        "agent": agent,
        "link": link_for(agent, "password_reset_confirm", default_token_generator),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("accounts/email/password_reset.txt", context)
    send_mail(subject, body, None, [agent.email])


@task()
def send_sign_in_link(address):
    """Whatever was asked ("first access" or "forgotten password"), send the link that fits
    the account of ``address``: an activation link to an agent who never chose a password,
    a new-password link otherwise; nothing when no active agent has that address.

    The page that asked answers the same in every case; the work happens here, in the
    background, so its duration tells nothing either.
    """
    for agent in Agent.objects.filter(email__iexact=address.strip(), is_active=True):
        if agent.has_usable_password():
            send_password_reset(agent)
        else:
            send_activation(agent)


@task()
def send_activation_email(agent_id):
    """The activation link of one agent, sent by an import or an administrator."""
    agent = Agent.objects.filter(pk=agent_id, is_active=True, email__isnull=False).first()
    if agent is not None and not agent.has_usable_password():
        send_activation(agent)


def awaiting_activation(agents):
    """Those of ``agents`` an activation link can reach: active, with an e-mail, who never
    chose a password."""
    return agents.filter(
        is_active=True, email__isnull=False, password__startswith=UNUSABLE_PASSWORD_PREFIX
    )


def queue_activation_links(agents):
    """Queue the activation e-mail of each of ``agents`` awaiting one, once the transaction
    commits; return how many."""
    ids = list(awaiting_activation(agents).values_list("pk", flat=True))
    for agent_id in ids:
        transaction.on_commit(lambda pk=agent_id: send_activation_email.enqueue(pk))
    return len(ids)
