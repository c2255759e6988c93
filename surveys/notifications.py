"""E-mails of the surveys, sent as background tasks through Django's mail framework."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from intranet.core.text import render_subject


def personal_link(invitation):
    """The link of the e-mail; ``via`` counts the answers that came through it."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + (
        reverse("surveys:answer_link", args=[invitation.token]) + "?via=email"
    )


@task()
def send_invitation_email(invitation_id, reminder=False):
    """E-mail an invitation (or a reminder) with the agent's personal link."""
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("survey", "agent").filter(pk=invitation_id).first()
    )
    # An agent without e-mail finds the survey on their home page instead.
    if invitation is None or invitation.answered or not invitation.agent.email:
        return
    context = {
        "invitation": invitation,
        "survey": invitation.survey,
        "agent": invitation.agent,
        "link": personal_link(invitation),
        "reminder": reminder,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject("surveys/email/invitation_subject.txt", context)
        body = render_to_string("surveys/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.agent.email])
