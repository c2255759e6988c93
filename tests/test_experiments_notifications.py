"""Who is e-mailed as an experiment moves on: the person a stage now waits for, unless her
own action has just opened it; and the subjects read as text, whatever the titles hold."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from experiments.models import Experiment

from .support.experiments import (
    advanced_to,
    as_user,
    framing,
    open_task,
    past_its_closing_date,
    post_task,
    started,
)

pytestmark = pytest.mark.django_db


def sent_to(agent):
    return [message for message in mail.outbox if message.to == [agent.email]]


def test_the_lead_is_not_told_of_the_framing_of_the_experiment_she_has_just_created(
    client, lead, django_capture_on_commit_callbacks
):
    experiment = started(client, lead, django_capture_on_commit_callbacks)

    assert open_task(experiment, "frame").owner == lead
    assert sent_to(lead) == []
    # The stage waits for her where she looks: her tasks.
    page = as_user(client, lead).get(reverse("experiments:my_tasks")).content.decode()
    assert experiment.title in page


def test_the_sponsor_is_told_and_the_lead_is_told_when_the_framing_comes_back(
    client, lead, sponsor, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = started(client, lead, callbacks)
    post_task(client, lead, experiment, "frame", framing(sponsor), callbacks)
    experiment.refresh_from_db()

    assert [message.subject for message in sent_to(sponsor)] == [
        f"Expérimentation « {experiment.title} » : l’étape Validation vous attend"
    ]
    assert sent_to(lead) == []

    post_task(
        client,
        sponsor,
        experiment,
        "review",
        {"decision": "send_back", "comment": "Précisez les critères."},
        callbacks,
    )

    told = sent_to(lead)
    assert len(told) == 1
    assert "Cadrage" in told[0].subject
    task = open_task(experiment, "frame")
    assert f"/experimentations/taches/{task.pk}/" in told[0].body


def test_the_lead_is_not_told_of_the_stages_her_own_steps_open(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = advanced_to(client, "launch", lead, sponsor, participants, callbacks)
    mail.outbox.clear()

    post_task(
        client,
        lead,
        experiment,
        "launch",
        {
            "planned_start": "2026-12-01",
            "planned_end": "2027-01-31",
            "participant_emails": "\n".join(agent.email for agent in participants),
        },
        callbacks,
    )

    assert open_task(experiment, "run").owner == lead
    assert sent_to(lead) == []  # the participants are told of the launch, she is not
    assert {message.to[0] for message in mail.outbox} == {agent.email for agent in participants}


def test_the_lead_is_told_when_the_retrospective_survey_closes_by_itself(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "retrospective", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    past_its_closing_date(experiment.retrospective_survey)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_survey_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert [message.subject for message in sent_to(lead)] == [
        f"Expérimentation « {experiment.title} » : l’étape Synthèse vous attend"
    ]


def test_an_apostrophe_in_a_title_reaches_the_subject_as_typed(
    client, lead, sponsor, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = started(client, lead, callbacks)
    Experiment.objects.filter(pk=experiment.pk).update(title="Visio d'équipe & <café>")
    experiment.refresh_from_db()

    post_task(
        client, lead, experiment, "frame", framing(sponsor, title=experiment.title), callbacks
    )

    (message,) = sent_to(sponsor)
    assert message.subject == (
        "Expérimentation « Visio d'équipe & <café> » : l’étape Validation vous attend"
    )
