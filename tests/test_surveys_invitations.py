import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from intranet.accounts.models import Department
from surveys import services
from surveys.models import Invitation, Response, Survey
from surveys.signals import survey_closed


def invite_now(survey, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.invite(survey)


def test_inviting_chosen_agents_emails_each_a_personal_link(
    make_survey, make_agent, django_capture_on_commit_callbacks
):
    chosen = [make_agent("Choisi"), make_agent("Choisie")]
    make_agent("Oublié")
    survey = make_survey(title="Réunions hybrides")
    survey.audience_agents.set(chosen)
    survey.save()
    assert invite_now(survey, django_capture_on_commit_callbacks) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(a.email for a in chosen)
    for message in mail.outbox:
        invitation = Invitation.objects.get(agent__email=message.to[0])
        assert f"/questionnaires/repondre/{invitation.token}/" in message.body
        assert "Réunions hybrides" in message.subject
        assert "anonymes" in message.body


def test_inviting_a_department_includes_its_services_and_skips_inactive_agents(
    make_survey, make_agent, django_capture_on_commit_callbacks
):
    direction = Department.objects.create(name="Direction de l'espace public")
    service = Department.objects.create(name="Service voirie", parent=direction)
    elsewhere = Department.objects.create(name="Direction de la culture")
    in_direction = make_agent(department=direction)
    in_service = make_agent(department=service)
    make_agent(department=service, is_active=False)
    make_agent(department=elsewhere)
    survey = make_survey(audience=Survey.Audience.DEPARTMENT, audience_department=direction)
    assert invite_now(survey, django_capture_on_commit_callbacks) == 2
    assert set(Invitation.objects.values_list("agent", flat=True)) == {
        in_direction.pk,
        in_service.pk,
    }


def test_inviting_twice_creates_and_sends_nothing_new(
    make_survey, make_agent, django_capture_on_commit_callbacks
):
    make_agent()
    survey = make_survey(audience=Survey.Audience.EVERYONE)
    first = invite_now(survey, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    assert invite_now(survey, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == sent
    assert Invitation.objects.count() == first


def invitation_days_ago(survey, agent, days, **fields):
    return Invitation.objects.create(
        survey=survey,
        agent=agent,
        invited_at=timezone.now() - datetime.timedelta(days=days),
        **fields,
    )


def test_reminders_go_to_those_who_have_not_answered_once_a_day(make_survey, make_agent):
    survey = make_survey(title="Charte")
    waiting = invitation_days_ago(survey, make_agent("Attente"), 3)
    invitation_days_ago(survey, make_agent("Répondu"), 3, answered=True)
    invitation_days_ago(survey, make_agent("Nouveau"), 0)
    call_command("send_survey_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [message.to[0] for message in mail.outbox] == [waiting.agent.email]
    assert mail.outbox[0].subject.startswith("Relance")
    call_command("send_survey_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    waiting.refresh_from_db()
    assert waiting.reminded_at is not None


def test_a_reminder_from_yesterday_allows_one_today(make_survey, make_agent):
    survey = make_survey()
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    invitation_days_ago(survey, make_agent(), 3, reminded_at=yesterday)
    assert services.send_reminders() == 1


def test_no_reminder_after_closing(make_survey, make_agent):
    now = timezone.now()
    closed = make_survey(
        opens_at=now - datetime.timedelta(days=10), closes_at=now - datetime.timedelta(hours=1)
    )
    invitation_days_ago(closed, make_agent(), 5)
    closed_by_hand = make_survey(closed_at=now)
    invitation_days_ago(closed_by_hand, make_agent(), 5)
    assert services.send_reminders() == 0
    assert mail.outbox == []


def test_closing_date_closes_the_survey_and_announces_it_once(make_survey):
    now = timezone.now()
    survey = make_survey(
        opens_at=now - datetime.timedelta(days=10), closes_at=now - datetime.timedelta(minutes=5)
    )
    open_survey = make_survey()
    received = []

    def listener(sender, survey, **kwargs):
        received.append(survey.pk)

    survey_closed.connect(listener)
    try:
        call_command("send_survey_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("send_survey_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        services.close(survey)
    finally:
        survey_closed.disconnect(listener)
    assert received == [survey.pk]
    survey.refresh_from_db()
    open_survey.refresh_from_db()
    assert survey.closed_at is not None
    assert open_survey.closed_at is None


def test_closing_by_hand_announces_it(make_survey):
    survey = make_survey()
    received = []

    def listener(sender, survey, **kwargs):
        received.append(survey.pk)

    survey_closed.connect(listener)
    try:
        assert services.close(survey) is True
        assert services.close(survey) is False
    finally:
        survey_closed.disconnect(listener)
    assert received == [survey.pk]


def test_duplicate_copies_the_questions_without_invitations(make_survey, make_agent, agent):
    survey = make_survey(kinds=("recommendation", "single", "text"), title="Baromètre")
    Invitation.objects.create(survey=survey, agent=make_agent())
    copy = services.duplicate(survey, owner=agent)
    assert copy.pk != survey.pk
    assert copy.title == "Baromètre (copie)"
    assert copy.owner == agent
    assert list(copy.questions.values_list("kind", "label", "choices")) == list(
        survey.questions.values_list("kind", "label", "choices")
    )
    assert survey.questions.count() == 3
    assert copy.invitations.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers; the race between submits only exists on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_of_one_invitation_record_one_response(make_survey, make_agent):
    survey = make_survey(kinds=("recommendation", "text"))
    invitation = Invitation.objects.create(survey=survey, agent=make_agent())
    questions = list(survey.questions.all())
    barrier = threading.Barrier(20)
    outcomes = []

    def submit():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.submit_response(
                Invitation.objects.select_related("survey", "agent__department").get(
                    pk=invitation.pk
                ),
                {questions[0]: 10, questions[1]: "Merci"},
            )
            outcomes.append("saved")
        except services.AlreadyAnswered:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 19 + ["saved"]
    assert Response.objects.count() == 1
    assert Response.objects.get().answers.count() == 2


# The worker closes its database connection between batches, as a real process would.
@pytest.mark.django_db(transaction=True)
def test_invitations_queued_in_the_database_are_sent_by_the_worker(
    make_survey, make_agent, settings, django_capture_on_commit_callbacks
):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task_backends._settings = None
    task_backends._backends = {}
    try:
        survey = make_survey(audience=Survey.Audience.EVERYONE)
        make_agent()
        with django_capture_on_commit_callbacks(execute=True):
            invited = services.invite(survey)
        assert mail.outbox == []
        call_command(
            "db_worker",
            batch=True,
            no_startup_delay=True,
            stdout=open("/dev/null", "w"),  # noqa: SIM115
        )
        assert len(mail.outbox) == invited
    finally:
        task_backends._settings = None
        task_backends._backends = {}
