import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from experiments import reminders, services
from experiments.deadlines import DEFAULT_STAGE_DAYS, due_on, is_overdue
from experiments.models import Experiment, TaskReminder

from .support.experiments import advanced_to, as_user, framing, open_task, post_task

D = datetime.date


@contextmanager
def on_day(day, hour=9):
    """The clock moved to ``day`` at ``hour`` (local time): no sleeping."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


# --- Due dates ---


def test_each_stage_is_due_by_its_default_or_its_dates():
    assigned = D(2027, 3, 1)
    bare = {"planned_start": None, "planned_end": None, "survey_closes_at": None}
    for name, days in DEFAULT_STAGE_DAYS.items():
        assert due_on(assigned, name, bare) == assigned + datetime.timedelta(days=days)
    dated = {
        "planned_start": D(2027, 3, 20),
        "planned_end": D(2027, 5, 31),
        "survey_closes_at": timezone.make_aware(datetime.datetime(2027, 6, 14, 23, 30)),
    }
    assert due_on(assigned, "launch", dated) == D(2027, 3, 20)
    assert due_on(assigned, "run", dated) == D(2027, 5, 31)
    assert due_on(assigned, "retrospective", dated) == D(2027, 6, 14)  # local date
    assert due_on(assigned, "frame", dated) == D(2027, 3, 15)
    assert due_on(assigned, "check_approval", dated) is None


def test_the_lead_s_durations_win_over_defaults_and_dates():
    assigned = D(2027, 3, 1)
    values = {"planned_end": D(2027, 5, 31), "stage_durations": {"review": 3, "run": 30}}
    assert due_on(assigned, "review", values) == D(2027, 3, 4)
    assert due_on(assigned, "run", values) == D(2027, 3, 31)
    assert due_on(assigned, "synthesis", values) == D(2027, 3, 15)


def test_a_stage_is_late_only_after_its_due_date():
    assert not is_overdue(D(2027, 3, 4), today=D(2027, 3, 4))
    assert is_overdue(D(2027, 3, 4), today=D(2027, 3, 5))
    assert not is_overdue(None)


# --- Framing ---


def test_the_lead_chooses_durations_at_framing_and_they_are_shown_again(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client,
        "review",
        lead,
        sponsor,
        participants,
        django_capture_on_commit_callbacks,
        days_review="3",
        days_synthesis="21",
        days_run="",
    )
    assert experiment.stage_durations == {"review": 3, "synthesis": 21}
    page = as_user(client, sponsor).get(reverse("experiments:my_tasks")).content.decode()
    assert in_days(3).strftime("%d/%m/%Y") in page


@pytest.mark.parametrize("typed", ["0", "366", "-2", "deux", "2.5"])
def test_a_bad_duration_is_refused_in_french_and_nothing_is_saved(
    typed, client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    experiment = services.start(lead, "Réunions hybrides")
    response = post_task(
        client,
        lead,
        experiment,
        "frame",
        framing(sponsor, problem="Nouveau problème", days_launch=typed),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert "Indiquez un nombre entier de jours entre 1 et 365" in response.content.decode()
    experiment.refresh_from_db()
    assert experiment.problem == "" and experiment.stage_durations == {}
    assert open_task(experiment, "review") is None


def test_the_framing_form_shows_the_durations_with_labels(client, lead):
    experiment = services.start(lead, "Réunions hybrides")
    experiment.stage_durations = {"review": 5}
    experiment.save()
    url = reverse("experiments:task", args=[open_task(experiment, "frame").pk])
    page = as_user(client, lead).get(url).content.decode()
    assert "<legend>Durée cible de chaque étape</legend>" in page
    assert '<label for="id_days_review">Validation (en jours)</label>' in page
    assert 'name="days_review" value="5"' in page


# --- Overdue display ---


def my_tasks_page(client, agent):
    return as_user(client, agent).get(reverse("experiments:my_tasks")).content.decode()


def test_my_tasks_says_en_retard_only_for_a_late_stage(client, lead):
    late = services.start(lead, "En retard de cadrage")
    services.start(lead, "À temps")
    late.task_set.update(created=timezone.now() - datetime.timedelta(days=15))
    page = my_tasks_page(client, lead)
    assert page.count("En retard</strong>") == 1
    row = page.split("En retard de cadrage")[1].split("</tr>")[0]
    assert "En retard</strong>" in row
    assert in_days(-1).strftime("%d/%m/%Y") in row
    assert in_days(14).strftime("%d/%m/%Y") in page


def test_my_tasks_costs_the_same_queries_with_one_or_ten_stages(
    client, lead, django_assert_num_queries
):
    services.start(lead, "Première")
    as_user(client, lead).get(reverse("experiments:my_tasks"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("experiments:my_tasks"))
    for number in range(9):
        services.start(lead, f"Expérimentation {number}")
    Experiment.objects.update(stage_durations={"review": 2})
    with django_assert_num_queries(len(one)):
        page = client.get(reverse("experiments:my_tasks")).content.decode()
    assert page.count("<tr>") == 11


def test_the_experiment_page_says_when_the_open_stage_is_due_and_late_the_next_days(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    running = advanced_to(
        client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    url = reverse("experiments:detail", args=[running.pk])
    end = running.planned_end
    with on_day(end):
        page = as_user(client, lead).get(url).content.decode()
    assert "Expérimentation : échéance le 31 janvier 2027" in page
    assert "en retard" not in page
    with on_day(end + datetime.timedelta(days=1)):
        page = as_user(client, lead).get(url).content.decode()  # the same cached parts
    assert "Expérimentation : échéance le 31 janvier 2027 — <strong" in page
    assert "en retard</strong>" in page


# --- Reminders ---


@pytest.fixture
def boss(make_agent):
    return make_agent("Manager", email="manager@example.org")


@pytest.fixture
def framing_stage(lead, sponsor):
    """A framing assigned today to the lead (due in 14 days), with a sponsor chosen."""
    lead.email = "lead@example.org"
    lead.save()
    experiment = services.start(lead, "Réunions hybrides")
    experiment.sponsor = sponsor
    experiment.save()
    return open_task(experiment, "frame")


def remind(day, callbacks):
    mail.outbox.clear()
    with on_day(day), callbacks(execute=True):
        call_command("send_task_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return [(message.to, message.cc, message.subject) for message in mail.outbox]


def test_the_assignee_is_reminded_before_on_and_after_the_due_date_then_the_sponsor(
    framing_stage, sponsor, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    subject = "Expérimentation « Réunions hybrides » : "
    assert remind(in_days(0), callbacks) == []  # the day it was assigned
    assert remind(in_days(11), callbacks) == []
    assert remind(in_days(12), callbacks) == [
        (["lead@example.org"], [], subject + "échéance proche pour l’étape Cadrage")
    ]
    assert remind(in_days(13), callbacks) == []
    assert remind(in_days(14), callbacks) == [
        (["lead@example.org"], [], subject + "l’étape Cadrage arrive à échéance aujourd’hui")
    ]
    late = (["lead@example.org"], [], subject + "l’étape Cadrage est en retard")
    assert remind(in_days(15), callbacks) == [late]
    assert remind(in_days(16), callbacks) == [late]
    escalation = ([sponsor.email], ["lead@example.org"], late[2])
    assert remind(in_days(17), callbacks) == [escalation]
    assert remind(in_days(18), callbacks) == [escalation]
    body = mail.outbox[0].body
    assert "confiée à Sarah Cheffe" in body and "elle a 4 jours de retard" in body
    assert reverse("experiments:detail", args=[framing_stage.process_id]) in body
    kinds = list(TaskReminder.objects.order_by("day").values_list("kind", flat=True))
    assert kinds == ["before", "due", "overdue", "overdue", "escalation", "escalation"]


def test_a_coming_due_reminder_missed_by_a_day_without_run_is_sent_the_next_run_once(
    framing_stage, django_capture_on_commit_callbacks
):
    """The command did not run on day 12 (two days before): day 13 still warns, once."""
    callbacks = django_capture_on_commit_callbacks
    subject = "Expérimentation « Réunions hybrides » : échéance proche pour l’étape Cadrage"
    assert remind(in_days(13), callbacks) == [(["lead@example.org"], [], subject)]
    assert remind(in_days(13), callbacks) == []
    assert [message[2] for message in remind(in_days(14), callbacks)] == [
        "Expérimentation « Réunions hybrides » : l’étape Cadrage arrive à échéance aujourd’hui"
    ]


def test_the_reminder_links_to_the_stage(framing_stage, django_capture_on_commit_callbacks):
    remind(in_days(12), django_capture_on_commit_callbacks)
    link = reverse("experiments:task", args=[framing_stage.pk])
    assert link in mail.outbox[0].body
    assert "Bonjour Sarah" in mail.outbox[0].body


def test_two_runs_the_same_day_send_once(framing_stage, django_capture_on_commit_callbacks):
    assert len(remind(in_days(15), django_capture_on_commit_callbacks)) == 1
    assert remind(in_days(15), django_capture_on_commit_callbacks) == []
    assert TaskReminder.objects.count() == 1


def test_a_run_that_loses_the_insert_sends_nothing(
    framing_stage, django_capture_on_commit_callbacks, monkeypatch
):
    # Another run claimed the day's reminder between this run's read and its insert.
    TaskReminder.objects.create(task=framing_stage, day=in_days(15), kind="overdue")
    monkeypatch.setattr(reminders, "already_reminded", lambda task_ids, day: (set(), set()))
    assert remind(in_days(15), django_capture_on_commit_callbacks) == []
    assert reminders.claim(framing_stage.pk, in_days(15), "overdue", None) is None
    assert TaskReminder.objects.count() == 1


def test_a_done_stage_gets_no_reminder(
    client, framing_stage, lead, sponsor, django_capture_on_commit_callbacks
):
    experiment = services.experiment_of(framing_stage)
    post_task(
        client, lead, experiment, "frame", framing(sponsor), django_capture_on_commit_callbacks
    )
    messages = remind(in_days(14), django_capture_on_commit_callbacks)
    assert all("lead@example.org" not in to + cc for to, cc, _subject in messages)
    assert not TaskReminder.objects.filter(task=framing_stage).exists()


def test_a_stage_done_after_the_claim_is_not_e_mailed(framing_stage):
    reminder = reminders.claim(framing_stage.pk, in_days(15), "overdue", framing_stage.owner)
    framing_stage.status = STATUS.DONE
    framing_stage.save()
    reminders.send_reminder_email.enqueue(reminder.pk)
    assert mail.outbox == []


def test_an_agent_without_e_mail_gets_none_but_the_day_is_recorded(
    framing_stage, lead, django_capture_on_commit_callbacks
):
    lead.email, lead.external_id = None, "M4521"
    lead.save()
    assert remind(in_days(15), django_capture_on_commit_callbacks) == []
    assert TaskReminder.objects.get().sent_to == lead
    assert remind(in_days(15), django_capture_on_commit_callbacks) == []


def test_a_late_approval_escalates_to_the_sponsor_s_manager(
    client, lead, sponsor, boss, participants, django_capture_on_commit_callbacks
):
    sponsor.manager = boss
    sponsor.save()
    experiment = advanced_to(
        client, "review", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    review = open_task(experiment, "review")
    assert remind(in_days(10), django_capture_on_commit_callbacks) == [
        (
            ["manager@example.org"],
            [sponsor.email],
            "Expérimentation « Réunions hybrides sans micro-coupures » : "
            "l’étape Validation est en retard",
        )
    ]
    assert TaskReminder.objects.get(task=review).sent_to == boss


def test_reminders_cost_the_same_queries_with_one_or_ten_stages(lead, sponsor):
    services.start(lead, "Première")
    with on_day(in_days(15)), CaptureQueriesContext(connection) as one:
        reminders.send_due_reminders()
    TaskReminder.objects.all().delete()
    for number in range(9):
        services.start(lead, f"Expérimentation {number}")
    with on_day(in_days(15)), CaptureQueriesContext(connection) as ten:
        assert reminders.send_due_reminders() == 10
    reads = [q["sql"] for q in ten.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == len([q for q in one.captured_queries if q["sql"].startswith("SELECT")])
