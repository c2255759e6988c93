"""The e-mail of « Vous avez dit, nous avons fait », after commit: one message, the same for
every invitee of the retrospective, each sent on its own (nobody sees the others' address).
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task as background_task

from intranet.accounts.models import Agent
from intranet.core.text import render_subject

from .models import Experiment


def recipients(experiment, author_id):
    """The retrospective's invitees who can be e-mailed, except the author, by address.

    Who answered plays no part: the set kept at the closing knows nothing of it.
    """
    return (
        Agent.objects.filter(pk__in=experiment.retrospective_invitees.values("pk"))
        .filter(is_active=True, email__isnull=False)
        .exclude(email="")
        .exclude(pk=author_id)
        .order_by("email")
    )


@background_task()
def send_changes_announced_email(experiment_id, author_id, update=False):
    experiment = Experiment.objects.select_related("lead").filter(pk=experiment_id).first()
    if experiment is None or not experiment.changes_announced:
        return
    context = {
        "experiment": experiment,
        "update": update,
        "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + reverse("experiments:detail", args=[experiment.pk]),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject("experiments/email/changes_announced_subject.txt", context)
        body = render_to_string("experiments/email/changes_announced.txt", context)
    addresses = recipients(experiment, author_id).values_list("email", flat=True)
    messages = [EmailMessage(subject, body, None, [address]) for address in addresses]
    with get_connection() as connection:
        connection.send_messages(messages)


def notify_changes_announced(experiment_id, author_id, update):
    """Once the transaction commits, e-mail what will change to the retrospective's invitees."""
    transaction.on_commit(
        lambda: send_changes_announced_email.enqueue(experiment_id, author_id, update)
    )
