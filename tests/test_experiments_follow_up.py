"""Follow-up: measure again (issue 16 §4). After the action plan, follow-up surveys at +3 and
+6 months (settings) ask whether each practice is still applied and would be recommended now;
the page compares each practice before and after, k respected; the experiment ends when the
last follow-up closes, or when its lead ends it with a reason. Time moves by the commands'
``now`` (timezone.now patched), never by sleeping."""

import datetime
import io
import re
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from experiments import follow_ups
from experiments.flows import ExperimentFlow
from experiments.models import Experiment, FollowUp
from surveys.models import Invitation, Question, Survey
from surveys.services import close, submit_response

from .factories.practices import PracticeIndexPageFactory, PracticePageFactory
from .support.experiments import advanced_to, as_user, open_task, post_task

ACTION_PLAN = {
    "actions-TOTAL_FORMS": "1",
    "actions-INITIAL_FORMS": "0",
    "actions-MIN_NUM_FORMS": "1",
    "actions-MAX_NUM_FORMS": "1000",
    "actions-0-what": "Diffuser",
    "actions-0-owner_email": "",
    "actions-0-due_date": "2027-02-01",
}


@pytest.fixture
def stranger(make_agent):
    return make_agent("Inconnu")


@pytest.fixture
def practices(site):
    library = PracticeIndexPageFactory(parent=site)
    return [PracticePageFactory(parent=library) for _ in range(3)]


def later(days):
    """timezone.now, ``days`` days from now."""
    moment = timezone.now() + datetime.timedelta(days=days)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def run_command(name="open_follow_ups"):
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def answer_retrospective(experiment, values):
    survey = experiment.retrospective_survey
    questions = {q.subject_id: q for q in survey.questions.filter(kind="recommendation")}
    for invitation, value in zip(Invitation.objects.filter(survey=survey), values, strict=False):
        submit_response(invitation, {q: value for key, q in questions.items() if key})


def in_follow_up(client, lead, sponsor, participants, callbacks, practice_pages, teams=False):
    """An experiment whose action plan was just done, its retrospective answered by all."""
    experiment = advanced_to(client, "run", lead, sponsor, participants, callbacks)
    experiment.practices.set(practice_pages)
    post_task(client, lead, experiment, "run", {"confirm": "on"}, callbacks)
    experiment.refresh_from_db()
    answer_retrospective(experiment, [9] * 10)
    post_task(client, lead, experiment, "retrospective", {"confirm": "on"}, callbacks)
    post_task(
        client,
        lead,
        experiment,
        "synthesis",
        {"synthesis": "Bien.", "decision": "adapt"},
        callbacks,
    )
    data = {**ACTION_PLAN, "actions-0-owner_email": lead.email}
    if teams:
        data["follow_up_include_teams"] = "on"
    response = post_task(client, lead, experiment, "action_plan", data, callbacks)
    assert response.status_code == 302
    experiment.refresh_from_db()
    return experiment


def answer_follow_up(follow_up, recommendation, applied, count=None):
    survey = follow_up.survey
    questions = list(survey.questions.all())
    invitations = list(Invitation.objects.filter(survey=survey).order_by("pk"))
    for invitation in invitations[: count if count is not None else len(invitations)]:
        answers = {}
        for question in questions:
            if question.kind == Question.Kind.RECOMMENDATION:
                answers[question] = recommendation
            elif question.kind == Question.Kind.SINGLE_CHOICE:
                answers[question] = applied
        submit_response(invitation, answers)


def close_follow_up(follow_up, days):
    """The follow-up's survey reaches its closing date; the daily command closes it."""
    with later(days):
        return run_command()


def test_the_action_plan_schedules_the_follow_ups_and_waits_in_the_lead_s_stage(
    client, lead, sponsor, participants, practices, django_capture_on_commit_callbacks, settings
):
    settings.EXPERIMENT_FOLLOW_UP_MONTHS = [3, 6]
    experiment = in_follow_up(
        client, lead, sponsor, participants, django_capture_on_commit_callbacks, practices[:1]
    )
    assert experiment.status != PROCESS.DONE
    task = open_task(experiment, "follow_up")
    assert task.owner == lead
    today = timezone.localdate()
    rows = list(experiment.follow_ups.values_list("number", "months", "due_on", "opened_at"))
    assert rows == [
        (1, 3, follow_ups.add_months(today, 3), None),
        (2, 6, follow_ups.add_months(today, 6), None),
    ]
    assert not experiment.follow_up_include_teams
    page = as_user(client, lead).get(reverse("experiments:task", args=[task.pk])).content.decode()
    assert "3 mois plus tard" in page and "6 mois plus tard" in page
    assert "prévu" in page


def test_add_months_keeps_the_day_or_the_month_s_last():
    assert follow_ups.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert follow_ups.add_months(datetime.date(2026, 10, 15), 6) == datetime.date(2027, 4, 15)


def test_no_delay_configured_ends_the_experiment_at_the_action_plan(
    client, lead, sponsor, participants, practices, django_capture_on_commit_callbacks, settings
):
    settings.EXPERIMENT_FOLLOW_UP_MONTHS = []
    experiment = in_follow_up(
        client, lead, sponsor, participants, django_capture_on_commit_callbacks, practices[:1]
    )
    assert experiment.status == PROCESS.DONE
    assert not experiment.follow_ups.exists()


def test_the_command_opens_each_follow_up_on_its_date_and_the_last_closing_ends_the_flow(
    client, lead, sponsor, participants, practices, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = in_follow_up(client, lead, sponsor, participants, callbacks, practices[:2])
    first, second = experiment.follow_ups.order_by("number")

    # The day before the +3 months: nothing opens.
    with later((first.due_on - timezone.localdate()).days - 1), callbacks(execute=True):
        assert run_command().startswith("0 follow-ups opened")
    first.refresh_from_db()
    assert first.survey is None

    mail.outbox.clear()
    with later((first.due_on - timezone.localdate()).days), callbacks(execute=True):
        assert run_command().startswith("1 follow-ups opened")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.opened_at and first.survey and second.survey is None
    survey = first.survey
    assert survey.anonymous and survey.min_group_size >= 5
    kinds = [(q.kind, q.subject_id) for q in survey.questions.all() if q.subject_id]
    assert kinds == [
        ("single", practices[0].pk),
        ("recommendation", practices[0].pk),
        ("single", practices[1].pk),
        ("recommendation", practices[1].pk),
    ]
    assert survey.questions.filter(kind="single").first().choice_list == [
        "Oui",
        "En partie",
        "Non",
    ]
    # The retrospective's own question, so that the scores compare.
    retrospective_labels = set(
        experiment.retrospective_survey.questions.filter(subject__isnull=False).values_list(
            "label", flat=True
        )
    )
    assert set(survey.questions.filter(kind="recommendation").values_list("label", flat=True)) <= (
        retrospective_labels
    )
    invited = set(survey.invitations.values_list("agent", flat=True))
    # The framing's lead chose to answer the retrospective: she answers the follow-ups too.
    assert invited == {agent.pk for agent in participants} | {lead.pk}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        agent.email for agent in [*participants, lead]
    )

    answer_follow_up(first, 8, "Oui")
    days_to_close = (timezone.localtime(survey.closes_at).date() - timezone.localdate()).days + 1
    with callbacks(execute=True):
        close_follow_up(first, days_to_close)
    first.refresh_from_db()
    assert first.closed_at is not None
    assert open_task(experiment, "follow_up") is not None  # the +6 months is still to come
    experiment.refresh_from_db()
    assert experiment.status != PROCESS.DONE

    with later((second.due_on - timezone.localdate()).days), callbacks(execute=True):
        run_command()
    second.refresh_from_db()
    assert second.survey is not None
    days_to_close = (
        timezone.localtime(second.survey.closes_at).date() - timezone.localdate()
    ).days + 1
    with callbacks(execute=True):
        close_follow_up(second, days_to_close)
    experiment.refresh_from_db()
    assert experiment.status == PROCESS.DONE
    assert open_task(experiment, "follow_up") is None
    follow_up_task = experiment.task_set.get(flow_task=ExperimentFlow.follow_up)
    assert follow_up_task.status == STATUS.DONE


def test_two_runs_open_a_follow_up_once(
    client, lead, sponsor, participants, practices, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = in_follow_up(client, lead, sponsor, participants, callbacks, practices[:1])
    first = experiment.follow_ups.get(number=1)
    mail.outbox.clear()
    with later((first.due_on - timezone.localdate()).days), callbacks(execute=True):
        run_command()
        run_command()
        assert follow_ups.open_follow_up(first.pk) is False
    assert Survey.objects.filter(follow_up__experiment=experiment).count() == 1
    assert len(mail.outbox) == len(participants) + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs real concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_open_a_follow_up_once_on_postgresql(make_agent, site, role_groups):
    from experiments import services
    from intranet.accounts import roles

    from .conftest import member_of

    lead = member_of(roles.PROJECT_LEADS, make_agent, "Cheffe", "Sarah")
    experiment = services.start(lead, "Concurrence")
    experiment.participants.set([make_agent(f"P{n}") for n in range(5)])
    FollowUp.objects.create(experiment=experiment, number=1, months=3, due_on=timezone.localdate())
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(follow_ups.open_due_follow_ups())
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert Survey.objects.filter(follow_up__experiment=experiment).count() == 1


def test_the_teams_are_invited_when_the_lead_chose_so(
    client,
    lead,
    sponsor,
    participants,
    practices,
    make_agent,
    django_capture_on_commit_callbacks,
):
    from tests.factories.accounts import DepartmentFactory

    callbacks = django_capture_on_commit_callbacks
    colleague = make_agent("Collègue")  # the participants' department
    elsewhere = make_agent("Ailleurs", department=DepartmentFactory(name="Voirie"))
    departed = make_agent("Partie", is_active=False)
    experiment = in_follow_up(
        client, lead, sponsor, participants, callbacks, practices[:1], teams=True
    )
    assert experiment.follow_up_include_teams
    first = experiment.follow_ups.get(number=1)
    with later((first.due_on - timezone.localdate()).days), callbacks(execute=True):
        run_command()
    first.refresh_from_db()
    invited = set(first.survey.invitations.values_list("agent", flat=True))
    assert colleague.pk in invited and sponsor.pk in invited  # same department
    assert elsewhere.pk not in invited and departed.pk not in invited
    assert {agent.pk for agent in participants} <= invited


def page_after_the_first_follow_up(client, lead, experiment, callbacks, answer):
    """The experiment page as its lead sees it once the first follow-up, opened on its date
    and answered by ``answer(follow_up)``, has closed."""
    first = experiment.follow_ups.get(number=1)
    with later((first.due_on - timezone.localdate()).days), callbacks(execute=True):
        run_command()
    first.refresh_from_db()
    answer(first)
    days = (timezone.localtime(first.survey.closes_at).date() - timezone.localdate()).days + 1
    with callbacks(execute=True):
        close_follow_up(first, days)
    return (
        as_user(client, lead)
        .get(reverse("experiments:detail", args=[experiment.pk]))
        .content.decode()
    )


def test_the_page_compares_each_practice_before_and_after_with_k_respected(
    client, lead, sponsor, participants, practices, stranger, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = in_follow_up(client, lead, sponsor, participants, callbacks, practices[:1])
    page = page_after_the_first_follow_up(  # 6 answers: every detractor, all "partly"
        client, lead, experiment, callbacks, lambda first: answer_follow_up(first, 3, "En partie")
    )
    assert "Chaque pratique avant et après" in page
    assert "+100" in page  # the retrospective
    assert "−100" in page or "-100" in page  # three months later
    assert "oui 0 %, en partie 100 %, non 0 %" in page


def test_a_follow_up_answered_by_fewer_than_k_shows_no_figure(
    client, lead, sponsor, participants, practices, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = in_follow_up(client, lead, sponsor, participants, callbacks, practices[:1])
    page = page_after_the_first_follow_up(
        client,
        lead,
        experiment,
        callbacks,
        lambda first: answer_follow_up(first, 0, "Non", count=first.survey.min_group_size - 1),
    )
    assert "Chaque pratique avant et après" in page
    assert "−100" not in page and "-100" not in page
    assert "non 100 %" not in page
    assert "pas assez de réponses" in page
    k = experiment.follow_ups.get(number=1).survey.min_group_size
    assert f"à partir de {k} réponses" in page


def test_the_page_costs_the_same_queries_with_one_or_three_practices_and_follow_ups(
    client, lead, sponsor, participants, practices, django_capture_on_commit_callbacks, settings
):
    callbacks = django_capture_on_commit_callbacks

    def closed_experiment(pages, months):
        settings.EXPERIMENT_FOLLOW_UP_MONTHS = months
        experiment = in_follow_up(client, lead, sponsor, participants, callbacks, pages)
        for follow_up in experiment.follow_ups.order_by("number")[: max(1, len(months) - 1)]:
            follow_ups.open_follow_up(follow_up.pk)
            follow_up.refresh_from_db()
            answer_follow_up(follow_up, 9, "Oui")
            close(follow_up.survey)
        return experiment

    def queries(experiment):
        url = reverse("experiments:detail", args=[experiment.pk])
        as_user(client, lead).get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert "Chaque pratique avant et après" in response.content.decode()
        return len(captured)

    small = closed_experiment(practices[:1], [3, 6])
    large = closed_experiment(practices, [1, 2, 3, 6])
    assert large.follow_ups.filter(closed_at__isnull=False).count() == 3
    assert queries(small) == queries(large)


def test_the_lead_ends_the_experiment_early_with_a_reason_and_not_without(
    client, lead, sponsor, participants, practices, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = in_follow_up(client, lead, sponsor, participants, callbacks, practices[:1])
    first = experiment.follow_ups.get(number=1)
    with later((first.due_on - timezone.localdate()).days), callbacks(execute=True):
        run_command()
    for reason in ("", "   "):
        response = post_task(client, lead, experiment, "follow_up", {"reason": reason}, callbacks)
        assert response.status_code == 200
        assert "Donnez la raison" in response.content.decode()
    experiment.refresh_from_db()
    assert experiment.status != PROCESS.DONE
    assert not experiment.follow_ups.filter(cancelled_at__isnull=False).exists()

    response = post_task(
        client, lead, experiment, "follow_up", {"reason": "Le service est réorganisé."}, callbacks
    )
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == PROCESS.DONE
    first.refresh_from_db()
    second = experiment.follow_ups.get(number=2)
    assert first.closed_at is not None and first.survey.closed_at is not None
    assert second.cancelled_at is not None and second.survey is None
    page = as_user(client, lead).get(reverse("experiments:detail", args=[experiment.pk]))
    assert "Le service est réorganisé." in page.content.decode()
    # The daily command opens nothing more.
    with later((second.due_on - timezone.localdate()).days + 1), callbacks(execute=True):
        assert run_command().startswith("0 follow-ups opened")


@pytest.mark.parametrize("who", ["sponsor", "participant", "stranger"])
def test_nobody_but_the_lead_sees_or_ends_the_follow_up_stage(
    client,
    lead,
    sponsor,
    participants,
    practices,
    stranger,
    who,
    django_capture_on_commit_callbacks,
):
    callbacks = django_capture_on_commit_callbacks
    experiment = in_follow_up(client, lead, sponsor, participants, callbacks, practices[:1])
    task = open_task(experiment, "follow_up")
    agent = {"sponsor": sponsor, "participant": participants[0], "stranger": stranger}[who]
    url = reverse("experiments:task", args=[task.pk])
    assert as_user(client, agent).get(url).status_code == 403
    with callbacks(execute=True):
        response = as_user(client, agent).post(url, {"reason": "Je veux arrêter."})
    assert response.status_code == 403
    experiment.refresh_from_db()
    task.refresh_from_db()
    assert experiment.status != PROCESS.DONE
    assert task.status != STATUS.DONE
    assert not experiment.follow_ups.filter(cancelled_at__isnull=False).exists()


def test_a_stranger_sees_no_follow_up_of_a_running_experiment(
    client, lead, sponsor, participants, practices, stranger, django_capture_on_commit_callbacks
):
    experiment = in_follow_up(
        client, lead, sponsor, participants, django_capture_on_commit_callbacks, practices[:1]
    )
    url = reverse("experiments:detail", args=[experiment.pk])
    assert as_user(client, stranger).get(url).status_code == 403
    assert Experiment.objects.get(pk=experiment.pk).status != PROCESS.DONE


@pytest.mark.django_db
def test_the_demo_has_an_experiment_in_follow_up_with_its_three_months_closed(client):
    call_command("seed_demo", stdout=io.StringIO())
    experiment = Experiment.objects.get(title="Des comptes rendus co-écrits pendant la réunion")
    assert experiment.status != PROCESS.DONE
    assert open_task(experiment, "follow_up") is not None
    states = [follow_up.state for follow_up in experiment.follow_ups.order_by("number")]
    assert states == ["closed", "scheduled"]
    client.force_login(experiment.lead)
    page = client.get(reverse("experiments:detail", args=[experiment.pk])).content.decode()
    assert "Après 3 mois : score de recommandation" in page
    assert "pas assez de réponses" not in page
    # The finished demo experiment ended after its last follow-up closed.
    finished = Experiment.objects.get(title="Des rituels d'équipe courts en télétravail")
    assert finished.status == PROCESS.DONE
    assert [f.state for f in finished.follow_ups.all()] == ["closed", "closed"]


def test_an_open_follow_up_shows_no_figure_until_it_closes(
    client, lead, sponsor, participants, practices, django_capture_on_commit_callbacks
):
    """Two readings while answers arrive would differ by the newest answers alone."""
    callbacks = django_capture_on_commit_callbacks
    experiment = in_follow_up(client, lead, sponsor, participants, callbacks, practices[:1])
    first = experiment.follow_ups.get(number=1)
    with later((first.due_on - timezone.localdate()).days), callbacks(execute=True):
        run_command()
    first.refresh_from_db()
    answer_follow_up(first, 0, "Non")  # every invitee: more than k answers
    url = reverse("experiments:detail", args=[experiment.pk])
    page = as_user(client, lead).get(url).content.decode()
    assert "Chaque pratique avant et après" not in page
    assert "non 100 %" not in page
    assert "Aucun questionnaire de suivi n’est encore clos" in page


def test_adding_an_action_row_keeps_the_teams_choice_and_saves_nothing(
    client, lead, sponsor, participants, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    experiment = advanced_to(client, "action_plan", lead, sponsor, participants, callbacks)
    data = {**ACTION_PLAN, "add_action": "1", "follow_up_include_teams": "on"}
    response = post_task(client, lead, experiment, "action_plan", data, callbacks)
    assert response.status_code == 200
    box = re.search(r'<input[^>]*name="follow_up_include_teams"[^>]*>', response.content.decode())
    assert box and "checked" in box.group(0)
    experiment.refresh_from_db()
    assert not experiment.follow_up_include_teams
    assert not experiment.follow_ups.exists()
