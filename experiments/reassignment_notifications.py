"""E-mails of a reassignment, after commit: the previous and the new assignee."""

from django.db import transaction
from django.urls import reverse
from django_tasks import task as background_task

from .mail import absolute, email, send
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
    link = absolute(reverse("experiments:detail", args=[record.experiment_id]))
    messages = []
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
        messages.append(email("reassignment", context, agent.email))
    send(messages)


def notify_reassignment(reassignment_id):
    transaction.on_commit(lambda: send_reassignment_emails.enqueue(reassignment_id))
