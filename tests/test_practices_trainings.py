import datetime
import threading

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from intranet.accounts.models import Agent
from practices import indicators, services
from practices.models import Enrolment, TrainingPage, TrainingSession

from .queries import visit_queries
from .support.practices import enrol, make_session, make_training, make_training_catalogue


@pytest.fixture
def catalogue(site):
    return make_training_catalogue(site)


@pytest.fixture
def training(catalogue):
    return make_training(catalogue)


def register_url(session):
    return reverse("practices:register", args=[session.pk])


def unregister_url(session):
    return reverse("practices:unregister", args=[session.pk])


@pytest.mark.django_db
def test_agent_registers_from_the_training_page(agent_client, agent, training):
    session = make_session(training, capacity=3)
    page = agent_client.get(training.url).content.decode()
    assert "3 places restantes" in page
    assert "M’inscrire" in page
    response = agent_client.post(register_url(session), follow=True)
    content = response.content.decode()
    assert "Vous êtes inscrit·e à la session du" in content
    assert "Vous êtes inscrit·e." in content
    assert "2 places restantes" in content
    assert Enrolment.objects.get(agent=agent).status == Enrolment.Status.REGISTERED


@pytest.mark.django_db
def test_registering_twice_keeps_one_enrolment(agent_client, agent, training):
    session = make_session(training)
    agent_client.post(register_url(session))
    response = agent_client.post(register_url(session), follow=True)
    assert "Vous étiez déjà inscrit·e" in response.content.decode()
    assert Enrolment.objects.filter(agent=agent).count() == 1


@pytest.mark.django_db
def test_a_full_session_puts_the_agent_on_the_waiting_list(
    agent_client, agent, training, make_agent
):
    session = make_session(training, capacity=1)
    enrol(session, make_agent())
    page = agent_client.get(training.url).content.decode()
    assert "Complet" in page and "M’inscrire sur la liste d’attente" in page
    response = agent_client.post(register_url(session), follow=True)
    assert "vous êtes en position 1 sur la liste d’attente" in response.content.decode()
    assert Enrolment.objects.get(agent=agent).status == Enrolment.Status.WAITING


@pytest.mark.django_db
def test_unregistering_gives_the_seat_to_the_first_on_the_waiting_list(
    client, training, make_agent, django_capture_on_commit_callbacks
):
    session = make_session(training, capacity=1)
    holder, first, second = make_agent("Titulaire"), make_agent("Premier"), make_agent("Second")
    enrol(session, holder)
    enrol(session, first, Enrolment.Status.WAITING)
    enrol(session, second, Enrolment.Status.WAITING)
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(unregister_url(session), follow=True)
    assert "Vous n’êtes plus inscrit·e à la session du" in response.content.decode()
    statuses = dict(session.enrolments.values_list("agent__last_name", "status"))
    assert statuses == {"Premier": "registered", "Second": "waiting"}
    assert [message.to for message in mail.outbox] == [[first.email]]
    assert "Une place s’est libérée" in mail.outbox[0].body


@pytest.mark.django_db
def test_leaving_the_waiting_list_promotes_nobody(
    client, training, make_agent, django_capture_on_commit_callbacks
):
    session = make_session(training, capacity=1)
    enrol(session, make_agent("Titulaire"))
    waiting = make_agent("Attente")
    enrol(session, waiting, Enrolment.Status.WAITING)
    client.force_login(waiting)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(unregister_url(session))
    assert list(session.enrolments.values_list("status", flat=True)) == ["registered"]
    assert mail.outbox == []


@pytest.mark.django_db
def test_one_upcoming_session_per_training_and_agent(agent_client, agent, training):
    first, second = make_session(training, days=5), make_session(training, days=12)
    agent_client.post(register_url(first))
    response = agent_client.post(register_url(second), follow=True)
    assert "déjà inscrit·e à une autre session de cette formation" in response.content.decode()
    assert list(Enrolment.objects.filter(agent=agent).values_list("session", flat=True)) == [
        first.pk
    ]


@pytest.mark.django_db
def test_a_started_session_accepts_neither_registration_nor_unregistration(
    agent_client, agent, training
):
    session = make_session(training, days=-1)
    response = agent_client.post(register_url(session), follow=True)
    assert "Cette session a commencé : les inscriptions sont closes." in response.content.decode()
    assert not Enrolment.objects.exists()
    enrol(session, agent)
    response = agent_client.post(unregister_url(session), follow=True)
    assert "vous ne pouvez plus vous désinscrire" in response.content.decode()
    assert Enrolment.objects.filter(agent=agent).exists()


@pytest.mark.django_db
def test_bad_registration_requests_change_nothing(agent_client, training):
    session = make_session(training)
    assert agent_client.get(register_url(session)).status_code == 405
    assert agent_client.post(reverse("practices:register", args=[987654])).status_code == 404
    response = agent_client.post(unregister_url(session), follow=True)
    assert "Vous n’étiez pas inscrit·e à cette session." in response.content.decode()
    training.unpublish()
    assert agent_client.post(register_url(session)).status_code == 404
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_the_video_link_is_given_to_registered_agents_only(agent_client, agent, training):
    session = make_session(training, place="", video_url="https://visio.ville.test/salle")
    assert "https://visio.ville.test/salle" not in agent_client.get(training.url).content.decode()
    enrol(session, agent)
    assert "https://visio.ville.test/salle" in agent_client.get(training.url).content.decode()


@pytest.mark.django_db
def test_training_page_costs_the_same_queries_with_ten_times_more_sessions(
    agent_client, agent, training, make_agent
):
    def add(count):
        for index in range(count):
            session = make_session(training, days=index + 2, capacity=3)
            for _ in range(2):
                enrol(session, make_agent())

    add(2)
    enrol(TrainingSession.objects.first(), agent)
    small, _response = visit_queries(agent_client, training.url)
    add(20)
    counts, response = visit_queries(agent_client, training.url)
    assert counts == small
    assert len(response.context["sessions"]) == 22


@pytest.mark.django_db
def test_catalogue_filters_by_level_and_competence(agent_client, catalogue):
    from skills.models import Competence

    collaborate = Competence.objects.get(code="2.3")
    beginner = make_training(catalogue, "Visio", level=TrainingPage.Level.BEGINNER)
    advanced = make_training(catalogue, "Projet", level=TrainingPage.Level.ADVANCED)
    advanced.competences = [collaborate]
    advanced.save_revision().publish()
    make_session(beginner, days=3)

    def titles(**params):
        response = agent_client.get(catalogue.url, params)
        return [page.title for page in response.context["trainings"]]

    assert titles() == [beginner.title, advanced.title]
    assert titles(level="advanced") == [advanced.title]
    assert titles(competence="2.3") == [advanced.title]
    response = agent_client.get(catalogue.url, {"competence": "9.9"})
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_catalogue_costs_the_same_queries_with_ten_times_more_trainings(agent_client, catalogue):
    from skills.models import Competence

    competences = list(Competence.objects.all()[:3])

    def add(count):
        for _ in range(count):
            training = make_training(catalogue)
            training.competences = competences
            training.save_revision().publish()
            make_session(training)

    add(1)
    small, _response = visit_queries(agent_client, catalogue.url)
    add(10)
    assert visit_queries(agent_client, catalogue.url)[0] == small


# Concurrency: the last seat goes to exactly one agent.


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers; the race only exists on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_the_seats(site, department):
    training = make_training(make_training_catalogue(site))
    session = make_session(training, capacity=1)
    agents = [
        Agent.objects.create_user(f"course{index}@ville.test", "x", department=department)
        for index in range(8)
    ]
    barrier = threading.Barrier(len(agents))
    errors = []

    def register(agent):
        try:
            barrier.wait()
            services.register(session, agent)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=register, args=[agent]) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = list(session.enrolments.values_list("status", flat=True))
    assert statuses.count(Enrolment.Status.REGISTERED) == 1
    assert statuses.count(Enrolment.Status.WAITING) == 7


# Attendance: the training officer marks it, nobody else.


@pytest.fixture
def officer(make_agent):
    agent = make_agent("Référente")
    agent.groups.add(Group.objects.get(name="Référents compétences"))
    return agent


def attendance_url(session):
    return reverse("training_sessions:attendance", args=[session.pk])


@pytest.mark.django_db
def test_the_training_officer_marks_attendance(client, officer, training, make_agent):
    session = make_session(training, days=-1)
    present, absent = enrol(session, make_agent("Présente")), enrol(session, make_agent("Absent"))
    waiting = enrol(session, make_agent("Attente"), Enrolment.Status.WAITING)
    client.force_login(officer)
    page = client.get(attendance_url(session)).content.decode()
    assert "<legend" in page and "Présence de Agent Présente" in page
    response = client.post(
        attendance_url(session),
        {f"enrolment_{present.pk}": "attended", f"enrolment_{absent.pk}": "absent"},
    )
    assert response.status_code == 302
    present.refresh_from_db(), absent.refresh_from_db(), waiting.refresh_from_db()
    assert (present.status, absent.status, waiting.status) == ("attended", "absent", "waiting")


@pytest.mark.django_db
def test_bad_attendance_input_saves_nothing(client, officer, training, make_agent):
    session = make_session(training, days=-1)
    present, other = enrol(session, make_agent()), enrol(session, make_agent())
    client.force_login(officer)
    response = client.post(
        attendance_url(session),
        {f"enrolment_{present.pk}": "attended", f"enrolment_{other.pk}": "en-retard"},
    )
    assert response.status_code == 200
    assert "Les présences n’ont pas pu être enregistrées" in response.content.decode()
    assert set(session.enrolments.values_list("status", flat=True)) == {"registered"}


@pytest.mark.django_db
def test_attendance_of_a_future_session_cannot_be_marked(client, officer, training, agent):
    session = make_session(training, days=3)
    enrolment = enrol(session, agent)
    client.force_login(officer)
    response = client.post(attendance_url(session), {f"enrolment_{enrolment.pk}": "attended"})
    assert "Les présences se notent une fois la session commencée." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "registered"


@pytest.mark.django_db
def test_an_agent_cannot_mark_attendance(agent_client, agent, training):
    session = make_session(training, days=-1)
    enrolment = enrol(session, agent)
    response = agent_client.post(
        attendance_url(session), {f"enrolment_{enrolment.pk}": "attended"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    enrolment.refresh_from_db()
    assert enrolment.status == "registered"


@pytest.mark.django_db
def test_an_editor_cannot_mark_attendance_either(client, make_agent, training, agent):
    editor = make_agent("Éditeur")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    session = make_session(training, days=-1)
    enrolment = enrol(session, agent)
    client.force_login(editor)
    response = client.post(attendance_url(session), {f"enrolment_{enrolment.pk}": "attended"})
    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == "registered"


@pytest.mark.django_db
def test_more_seats_in_the_admin_go_to_the_waiting_list(
    client, officer, training, make_agent, django_capture_on_commit_callbacks
):
    session = make_session(training, capacity=1)
    enrol(session, make_agent())
    waiting = enrol(session, make_agent("Attente"), Enrolment.Status.WAITING)
    client.force_login(officer)
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training_sessions:edit", args=[session.pk]),
            {
                "training": training.pk,
                "starts_at": start.strftime("%Y-%m-%d %H:%M"),
                "ends_at": end.strftime("%Y-%m-%d %H:%M"),
                "place": session.place,
                "video_url": "",
                "capacity": 2,
                "trainer": "",
            },
        )
    assert response.status_code == 302, response.context["form"].errors
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_seats_cannot_drop_below_the_registered_agents(training, make_agent):
    from django.core.exceptions import ValidationError

    session = make_session(training, capacity=2)
    enrol(session, make_agent()), enrol(session, make_agent())
    session.capacity = 1
    with pytest.raises(ValidationError, match="2"):
        session.full_clean()


@pytest.mark.django_db
def test_a_session_needs_a_place_or_a_video_link_and_an_end_after_its_start(training):
    from django.core.exceptions import ValidationError

    start = timezone.now() + datetime.timedelta(days=2)
    session = TrainingSession(training=training, starts_at=start, ends_at=start, capacity=5)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "ends_at" in error.value.message_dict
    assert "__all__" in error.value.message_dict


# Figures for the dashboard.


@pytest.mark.django_db
def test_participants_are_counted_per_training_and_per_month(catalogue, make_agent, department):
    visio, projet = make_training(catalogue, "Visio"), make_training(catalogue, "Projet")
    march = make_session(visio, days=-30)
    april = make_session(visio, days=-2)
    old = make_session(projet, days=-400)
    for session, statuses in [
        (march, ["attended", "attended", "absent"]),
        (april, ["attended", "waiting"]),
        (old, ["attended"]),
    ]:
        for status in statuses:
            enrol(session, make_agent(), status)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=90)
    rows = indicators.participants_by_training(start, today)
    assert [
        (row["title"], row["sessions"], row["participants"], row["absents"]) for row in rows
    ] == [(visio.title, 2, 3, 1)]
    months = indicators.participants_by_month(start, today)
    assert sum(row["participants"] for row in months) == 3
    assert indicators.distinct_participants(start, today) == 3
    assert indicators.distinct_participants(start, today, departments=[department.parent]) == 0


@pytest.mark.django_db
def test_the_training_report_is_for_officers_and_refuses_a_bad_period(client, officer, agent):
    client.force_login(officer)
    response = client.get(
        reverse("practices_trainings"), {"start": "2026-05-01", "end": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "La fin de la période doit venir après son début." in response.content.decode()
    client.force_login(agent)
    assert client.get(reverse("practices_trainings")).status_code == 302


def test_each_page_of_the_catalogue_has_its_own_title(agent_client, site):
    catalogue = make_training_catalogue(site)
    for _ in range(catalogue.trainings_per_page + 1):
        make_training(catalogue)

    second = agent_client.get(catalogue.url, {"page": 2}).content.decode()

    assert f"<title>{catalogue.title} – page 2 sur 2 – " in second
