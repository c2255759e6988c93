"""Actions tracked to the end (issue 16, section 3): each action of the plan has a status
and a progress note that its owner (or the lead, the sponsor, an administrator) updates,
each update kept and e-mailed to the experiment's followers; its owner is told when given
it and reminded before its due date; "Mes tâches" lists the open ones."""

import datetime
import threading

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from experiments import action_reminders
from experiments import services as experiment_services
from experiments.models import ActionItem, ActionItemChange, ActionReminder, ExperimentFollow
from intranet.accounts.roles import PROJECT_LEADS

from .queries import visit_queries
from .support.experiments import advanced_to, as_user, open_task

TODAY = timezone.localdate()


@pytest.fixture
def experiment(lead, sponsor, participants):
    experiment = experiment_services.start(lead, "Réunions hybrides")
    experiment.sponsor = sponsor
    experiment.save(update_fields=["sponsor"])
    experiment.participants.set(participants)
    return experiment


def make_action(experiment, owner, days=10, **fields):
    return ActionItem.objects.create(
        experiment=experiment,
        what=fields.pop("what", "Équiper la salle 204"),
        owner=owner,
        due_date=TODAY + datetime.timedelta(days=days),
        **fields,
    )


@pytest.fixture
def action(experiment, participants):
    return make_action(experiment, participants[0])


def url_of(action):
    return reverse("experiments:action", args=[action.experiment_id, action.pk])


def update(client, agent, action, callbacks, **data):
    data.setdefault("progress_note", "")
    data.setdefault("abandon_reason", "")
    with callbacks(execute=True):
        return as_user(client, agent).post(url_of(action), data)


# --- Status changes and history ---


def test_the_owner_moves_the_action_on_and_each_change_is_kept(
    client, action, participants, django_capture_on_commit_callbacks
):
    owner = participants[0]
    response = update(
        client,
        owner,
        action,
        django_capture_on_commit_callbacks,
        status="in_progress",
        progress_note="Devis demandé.",
    )
    assert response.status_code == 302
    update(client, owner, action, django_capture_on_commit_callbacks, status="done")
    action.refresh_from_db()
    assert (action.status, action.progress_note) == ("done", "")
    changes = list(
        action.changes.order_by("pk").values_list("by", "old_status", "new_status", "note")
    )
    assert changes == [
        (owner.pk, "todo", "in_progress", "Devis demandé."),
        (owner.pk, "in_progress", "done", ""),
    ]
    page = client.get(url_of(action)).content.decode()
    assert "Historique de l’action" in page or "Historique de l'action" in page
    assert "en cours → faite" in page


@pytest.mark.parametrize("who", ["lead", "sponsor", "superuser"])
def test_the_lead_the_sponsor_and_administrators_may_update_it(
    who, client, action, lead, sponsor, make_agent, django_capture_on_commit_callbacks
):
    agent = {"lead": lead, "sponsor": sponsor}.get(who) or make_agent("Admin", is_superuser=True)
    update(client, agent, action, django_capture_on_commit_callbacks, status="in_progress")
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert action.changes.get().by == agent


@pytest.mark.parametrize("who", ["other_participant", "stranger"])
def test_anyone_else_is_refused_and_nothing_changes(
    who, client, action, participants, make_agent, django_capture_on_commit_callbacks
):
    agent = participants[1] if who == "other_participant" else make_agent("Inconnu")
    response = update(client, agent, action, django_capture_on_commit_callbacks, status="done")
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "todo"
    assert not ActionItemChange.objects.exists()
    assert mail.outbox == []


def test_a_participant_sees_the_action_without_the_form(client, action, participants):
    page = as_user(client, participants[1]).get(url_of(action)).content.decode()
    assert "Équiper la salle 204" in page
    assert 'name="status"' not in page


def test_an_action_of_a_running_experiment_is_hidden_from_strangers(client, action, make_agent):
    assert as_user(client, make_agent("Inconnu")).get(url_of(action)).status_code == 403


def test_an_action_of_another_experiment_is_not_found(client, action, lead, sponsor):
    other = experiment_services.start(lead, "Autre")
    wrong = reverse("experiments:action", args=[other.pk, action.pk])
    assert as_user(client, sponsor).get(wrong).status_code == 404


def test_a_transition_not_allowed_is_refused_with_a_message(
    client, action, participants, django_capture_on_commit_callbacks
):
    action.status = "done"
    action.save()
    response = update(
        client,
        participants[0],
        action,
        django_capture_on_commit_callbacks,
        status="abandoned",
        abandon_reason="Plus utile.",
    )
    assert response.status_code == 400
    assert "Le formulaire contient des erreurs" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "done"
    assert not ActionItemChange.objects.exists()


def test_the_service_refuses_a_transition_not_allowed_in_french(action, participants):
    from experiments.action_tracking import UpdateRefused
    from experiments.action_tracking import update as update_action

    action.status = "done"
    action.save()
    with pytest.raises(UpdateRefused) as refusal:
        update_action(action, participants[0], "abandoned", reason="Plus utile.")
    assert str(refusal.value) == "Une action « faite » ne peut pas devenir « abandonnée »."


def test_abandoning_without_a_reason_is_refused_and_changes_nothing(
    client, action, participants, django_capture_on_commit_callbacks
):
    response = update(
        client,
        participants[0],
        action,
        django_capture_on_commit_callbacks,
        status="abandoned",
        abandon_reason="   ",
    )
    assert response.status_code == 400
    assert "Dites pourquoi l’action est abandonnée" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "todo"
    assert not ActionItemChange.objects.exists()


def test_abandoning_with_a_reason_keeps_it(
    client, action, participants, django_capture_on_commit_callbacks
):
    update(
        client,
        participants[0],
        action,
        django_capture_on_commit_callbacks,
        status="abandoned",
        abandon_reason="Salle fermée en 2027.",
    )
    action.refresh_from_db()
    assert (action.status, action.abandon_reason) == ("abandoned", "Salle fermée en 2027.")
    assert action.changes.get().note == "Salle fermée en 2027."


def test_the_database_refuses_an_abandoned_action_without_a_reason(action):
    action.status = "abandoned"
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


# --- The experiment's page ---


def test_the_experiment_page_shows_status_note_and_last_update_and_follows_changes(
    client, action, lead, participants, django_capture_on_commit_callbacks
):
    as_user(client, lead)
    detail = reverse("experiments:detail", args=[action.experiment_id])
    assert "à faire" in client.get(detail).content.decode()
    update(
        client,
        participants[0],
        action,
        django_capture_on_commit_callbacks,
        status="in_progress",
        progress_note="Devis reçu.",
    )
    page = as_user(client, lead).get(detail).content.decode()  # the cached block is stale
    assert "en cours" in page and "Devis reçu." in page
    assert str(participants[0]) in page.split("Devis reçu.")[1]


def test_the_experiment_page_costs_the_same_queries_with_one_or_several_actions(
    client, experiment, lead, participants
):
    as_user(client, lead)
    detail = reverse("experiments:detail", args=[experiment.pk])
    first = make_action(experiment, participants[0])
    ActionItemChange.objects.create(action=first, by=lead, old_status="todo", new_status="todo")
    one, _response = visit_queries(client, detail)
    for index in range(4):
        action = make_action(experiment, participants[index], what=f"Action {index}")
        ActionItemChange.objects.create(
            action=action, by=lead, old_status="todo", new_status="todo"
        )
    several, response = visit_queries(client, detail)
    page = response.content.decode()
    assert all(url_of(action) in page for action in experiment.actions.all())
    assert several == one


def test_the_owner_finds_her_open_actions_on_her_home_page_at_a_constant_cost(
    client, experiment, participants
):
    owner, other = participants[0], participants[1]
    late = make_action(experiment, owner, days=-2, what="Commander les micros")
    make_action(experiment, owner, days=-9, what="Action faite", status="done")
    as_user(client, owner)
    one, response = visit_queries(client, "/")
    home = response.content.decode()
    due = date_format(late.due_date)
    assert "Action : Commander les micros" in home
    assert f"En retard depuis le {due}, dans l’expérimentation « Réunions hybrides »" in home
    assert url_of(late) in home
    assert "Action faite" not in home  # done: nothing left to do
    assert "Commander les micros" not in as_user(client, other).get("/").content.decode()

    for index in range(6):
        make_action(experiment, owner, days=index + 1, what=f"Action {index}")
    as_user(client, owner)
    seven, response = visit_queries(client, "/")
    home = response.content.decode()
    assert seven == one
    shown = ["Commander les micros", *(f"Action {index}" for index in range(4))]
    assert all(f"Action : {what}" in home for what in shown)  # the 5 soonest due
    assert "Action : Action 4" not in home
    assert "2 autres actions ouvertes vous sont confiées" in home
    assert f"Échéance le {date_format(TODAY + datetime.timedelta(days=1))}" in home


# --- Owners told and reminded ---


def test_a_new_owner_is_emailed_the_action_but_not_the_lead_who_gave_it_himself(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "action_plan", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    mail.outbox.clear()
    url = reverse("experiments:task", args=[open_task(experiment, "action_plan").pk])
    data = {
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-what": "Former les animateurs",
        "actions-0-owner_email": participants[2].email,
        "actions-0-due_date": "2027-03-01",
        "actions-1-what": "Présenter au comité",
        "actions-1-owner_email": lead.email,
        "actions-1-due_date": "2027-04-01",
    }
    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, lead).post(url, data)
    assert [message.to for message in mail.outbox] == [[participants[2].email]]
    message = mail.outbox[0]
    assert "une action pour vous" in message.subject
    assert "« Former les animateurs »" in message.body
    assert url_of(ActionItem.objects.get(what="Former les animateurs")) in message.body


def remind(day, callbacks):
    mail.outbox.clear()
    with callbacks(execute=True):
        action_reminders.send_action_reminders(day)
    return list(mail.outbox)


@override_settings(EXPERIMENT_ACTION_REMINDER_DAYS_BEFORE=3)
def test_the_owner_is_reminded_from_three_days_before_the_due_date_to_it(
    action, participants, django_capture_on_commit_callbacks
):
    due = action.due_date
    assert remind(due - datetime.timedelta(days=4), django_capture_on_commit_callbacks) == []
    sent = remind(due - datetime.timedelta(days=3), django_capture_on_commit_callbacks)
    assert [message.to for message in sent] == [[participants[0].email]]
    assert "Équiper la salle 204" in sent[0].body and "arrive à échéance" in sent[0].subject
    assert len(remind(due, django_capture_on_commit_callbacks)) == 1
    assert remind(due + datetime.timedelta(days=1), django_capture_on_commit_callbacks) == []


def test_two_runs_the_same_day_send_once(action, django_capture_on_commit_callbacks):
    day = action.due_date - datetime.timedelta(days=1)
    assert len(remind(day, django_capture_on_commit_callbacks)) == 1
    assert remind(day, django_capture_on_commit_callbacks) == []
    assert ActionReminder.objects.count() == 1


def test_a_run_that_loses_the_insert_sends_nothing(
    action, django_capture_on_commit_callbacks, monkeypatch
):
    day = action.due_date - datetime.timedelta(days=1)
    ActionReminder.objects.create(action=action, day=day)  # another run, between read and insert
    monkeypatch.setattr(
        action_reminders, "coming_due", lambda today: ActionItem.objects.filter(pk=action.pk)
    )
    assert remind(day, django_capture_on_commit_callbacks) == []
    assert ActionReminder.objects.count() == 1


@pytest.mark.parametrize("status", ["done", "abandoned"])
def test_a_done_or_abandoned_action_gets_no_reminder(
    status, action, django_capture_on_commit_callbacks
):
    action.status, action.abandon_reason = status, "Plus utile." if status == "abandoned" else ""
    action.save()
    assert remind(action.due_date, django_capture_on_commit_callbacks) == []
    assert not ActionReminder.objects.exists()


def test_an_action_done_after_its_reminder_was_claimed_is_not_emailed(action):
    reminder = ActionReminder.objects.create(action=action, day=action.due_date)
    ActionItem.objects.filter(pk=action.pk).update(status="done")
    action_reminders.send_action_reminder_email.call(reminder.pk)
    assert mail.outbox == []


def test_the_command_sends_the_reminders(action, django_capture_on_commit_callbacks, capsys):
    with (
        django_capture_on_commit_callbacks(execute=True),
        override_settings(EXPERIMENT_ACTION_REMINDER_DAYS_BEFORE=30),
    ):
        call_command("send_action_reminders")
    assert "1 action reminders sent." in capsys.readouterr().out
    assert len(mail.outbox) == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer at a time: this race only exists on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_once(make_agent, role_groups):
    lead = make_agent("Cheffe")
    lead.groups.add(Group.objects.get(name=PROJECT_LEADS))
    experiment = experiment_services.start(lead, "Deux serveurs")
    owners = [make_agent(f"Owner{index}") for index in range(3)]
    for owner in owners:
        make_action(experiment, owner, days=1)
    mail.outbox.clear()
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            with transaction.atomic():
                action_reminders.send_action_reminders(TODAY)
        finally:
            connections.close_all()

    runs = [threading.Thread(target=run) for _index in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(o.email for o in owners)
    assert ActionReminder.objects.count() == 3


# --- Following an experiment ---


def test_a_participant_follows_and_is_emailed_changes_made_by_others(
    client, action, participants, sponsor, django_capture_on_commit_callbacks
):
    follow = reverse("experiments:follow", args=[action.experiment_id])
    detail = reverse("experiments:detail", args=[action.experiment_id])
    as_user(client, participants[1])
    assert 'aria-pressed="false"' in client.get(detail).content.decode()
    assert client.post(follow).status_code == 302
    assert 'aria-pressed="true"' in client.get(detail).content.decode()
    as_user(client, sponsor).post(follow)
    mail.outbox.clear()
    update(
        client,
        sponsor,
        action,
        django_capture_on_commit_callbacks,
        status="in_progress",
        progress_note="C'est parti.",
    )
    assert [message.to for message in mail.outbox] == [[participants[1].email]]
    assert "« à faire » à « en cours »" in mail.outbox[0].body
    assert "C'est parti." in mail.outbox[0].body
    mail.outbox.clear()
    update(
        client,
        sponsor,
        action,
        django_capture_on_commit_callbacks,
        status="in_progress",
        progress_note="Toujours en cours.",
    )
    assert mail.outbox == []  # a note alone is not a change of status


def test_following_again_stops_following(client, experiment, participants):
    follow = reverse("experiments:follow", args=[experiment.pk])
    as_user(client, participants[0]).post(follow)
    client.post(follow)
    assert not ExperimentFollow.objects.exists()


def test_following_is_post_only_and_for_participants_and_the_sponsor(
    client, experiment, lead, make_agent
):
    follow = reverse("experiments:follow", args=[experiment.pk])
    assert as_user(client, make_agent("Inconnu")).post(follow).status_code == 403
    assert as_user(client, lead).post(follow).status_code == 403
    assert client.get(follow).status_code == 405
    assert not ExperimentFollow.objects.exists()


# --- Mes tâches ---


def test_my_tasks_lists_my_open_actions_with_their_status_and_overdue_ones_in_words(
    client, experiment, participants
):
    owner = participants[0]
    make_action(experiment, owner, days=-2, what="Action en retard")
    make_action(experiment, owner, days=5, what="Action en cours", status="in_progress")
    make_action(experiment, owner, what="Action faite", status="done")
    make_action(experiment, participants[1], what="Action d'un autre")
    page = as_user(client, owner).get(reverse("experiments:my_tasks")).content.decode()
    section = page.split("Mes actions")[1]
    assert "Action en retard" in section and "Action en cours" in section
    assert "Action faite" not in section and "Action d'un autre" not in section
    late_row = section.split("Action en retard")[1].split("</tr>")[0]
    assert "En retard" in late_row and "à faire" in late_row
    assert "En retard" not in section.split("Action en cours")[1].split("</tr>")[0]


def test_my_tasks_costs_the_same_queries_with_one_or_several_actions(
    client, experiment, participants
):
    owner = participants[0]
    as_user(client, owner)
    url = reverse("experiments:my_tasks")
    make_action(experiment, owner)
    one, _response = visit_queries(client, url)
    for index in range(4):
        make_action(experiment, owner, what=f"Action {index}")
    several, response = visit_queries(client, url)
    assert (
        response.content.decode().count(reverse("experiments:detail", args=[experiment.pk])) >= 5
    )
    assert several == one


def test_a_participant_taken_off_the_team_is_no_longer_emailed(
    client, action, participants, sponsor, django_capture_on_commit_callbacks
):
    ExperimentFollow.objects.create(experiment=action.experiment, agent=participants[1])
    ExperimentFollow.objects.create(experiment=action.experiment, agent=participants[2])
    action.experiment.participants.remove(participants[1])
    mail.outbox.clear()
    update(client, sponsor, action, django_capture_on_commit_callbacks, status="done")
    assert [message.to for message in mail.outbox] == [[participants[2].email]]
