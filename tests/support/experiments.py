"""Driving an experiment through its flow as its users do, over HTTP."""

import datetime

from django.urls import reverse
from django.utils import timezone

from experiments import services
from experiments.models import Experiment


def as_user(client, agent):
    client.force_login(agent)
    return client


def open_task(experiment, name):
    return services.open_task(experiment, name)


def post_task(client, agent, experiment, name, data, callbacks):
    task = open_task(experiment, name)
    assert task is not None, f"no open {name} task"
    with callbacks(execute=True):
        return as_user(client, agent).post(reverse("experiments:task", args=[task.pk]), data)


def framing(chosen_sponsor, **changes):
    data = {
        "title": "Réunions hybrides sans micro-coupures",
        "department": "",
        "sponsor": str(chosen_sponsor.pk),
        "problem": "Les agents à distance décrochent.",
        "hypothesis": "Un animateur dédié et un micro de salle changent tout.",
        "success_criteria": "Score de recommandation supérieur à 30.",
        "planned_start": "2026-12-01",
        "planned_end": "2027-01-31",
        # The box is unticked by default: this lead chose to answer the retrospective too.
        "lead_answers_retrospective": "on",
        "submit": "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def started(client, lead, callbacks):
    with callbacks(execute=True):
        as_user(client, lead).post(reverse("experiments:new"), {"title": "Réunions hybrides"})
    return Experiment.objects.order_by("-pk").first()


def advanced_to(client, stage, lead, sponsor, participants, callbacks, **framing_changes):
    experiment = started(client, lead, callbacks)
    steps = [
        ("frame", lead, framing(sponsor, **framing_changes)),
        ("review", sponsor, {"decision": "approve"}),
        (
            "launch",
            lead,
            {
                "planned_start": "2026-12-01",
                "planned_end": "2027-01-31",
                "participant_emails": "\n".join(agent.email for agent in participants),
            },
        ),
        ("run", lead, {"confirm": "on"}),
        ("retrospective", lead, {"confirm": "on"}),
        ("synthesis", lead, {"synthesis": "Bien.", "decision": "adapt"}),
    ]
    for name, agent, data in steps:
        if name == stage:
            break
        post_task(client, agent, experiment, name, data, callbacks)
    experiment.refresh_from_db()
    return experiment


def past_its_closing_date(survey):
    """The survey, opened yesterday, reached its closing date a minute ago (not closed yet)."""
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.opens_at = survey.closes_at - datetime.timedelta(days=1)
    survey.save()
