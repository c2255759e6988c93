"""E-mails of a reassignment, after commit: the previous and the new assignee."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task as background_task

from intranet.core.text import render_subject

from .models import TaskReassignment


@background_task()
def send_reassignment_emails(reassignment_id):
    record = (
        TaskReassignment.objects.select_related("task", "experiment", "from_agent", "to_agent")
        .filter(pk=reassignment_id)
        .first()
    )
    if record is None:
        return
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "experiments:detail", args=[record.experiment_id]
    )
    with translation.override(settings.LANGUAGE_CODE):
        for agent in (record.from_agent, record.to_agent):
            if agent is None or not agent.email:
                continue
            context = {
                "agent": agent,
                "record": record,
                "experiment": record.experiment,
                "stage": record.task.flow_task.task_title,
                "link": link,
                "is_new": agent == record.to_agent,
            }
            send_mail(
                render_subject("experiments/email/reassignment_subject.txt", context),
                render_to_string("experiments/email/reassignment.txt", context),
                None,
                [agent.email],
            )


def notify_reassignment(reassignment_id):
    transaction.on_commit(lambda: send_reassignment_emails.enqueue(reassignment_id))
