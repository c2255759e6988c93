"""The e-mail of « Vous avez dit, nous avons fait », after commit: one message, the same for
every invitee of the retrospective, each sent on its own (nobody sees the others' address).
"""

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django_tasks import task as background_task

from intranet.accounts.models import Agent

from .mail import absolute, render_email, send
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
        "link": absolute(reverse("experiments:detail", args=[experiment.pk])),
    }
    # One rendering for all: the message cannot differ from one invitee to another.
    subject, body = render_email("changes_announced", context)
    addresses = recipients(experiment, author_id).values_list("email", flat=True)
    send(EmailMessage(subject, body, None, [address]) for address in addresses)


def notify_changes_announced(experiment_id, author_id, update):
    """Once the transaction commits, e-mail what will change to the retrospective's invitees."""
    transaction.on_commit(
        lambda: send_changes_announced_email.enqueue(experiment_id, author_id, update)
    )
