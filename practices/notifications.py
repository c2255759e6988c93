"""E-mails of the trainings, sent as background tasks."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from intranet.core.text import render_subject


@task()
def send_seat_freed_email(enrolment_id):
    """Tell an agent of the waiting list that a seat was freed for them."""
    from .models import Enrolment

    enrolment = (
        Enrolment.objects.select_related("session__training", "agent")
        .filter(pk=enrolment_id, status=Enrolment.Status.REGISTERED)
        .first()
    )
    # An agent without e-mail sees the seat on their home page ("next sessions").
    if enrolment is None or not enrolment.agent.email:
        return
    session = enrolment.session
    context = {
        "agent": enrolment.agent,
        "session": session,
        "training": session.training,
        "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + session.training.get_url_parts()[2],
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject("practices/email/seat_freed_subject.txt", context)
        body = render_to_string("practices/email/seat_freed.txt", context)
    send_mail(subject, body, None, [enrolment.agent.email])
