"""Agents without e-mail: they exist, are imported, invited and told — on their home page.

Every place that e-mails an agent (survey invitations, a freed training seat, an experiment
task or launch) shows the same information on the home page, so nothing depends on e-mail.
"""

import pytest
from django.core import mail
from django.urls import reverse

from experiments.models import Experiment
from intranet.accounts.importers import import_agents
from intranet.accounts.models import Agent
from intranet.core.files import ImportRefused
from practices.models import Enrolment
from surveys import services as survey_services

from .support.directory import csv_bytes, row
from .support.experiments import advanced_to
from .support.practices import enrol, make_session, make_training, make_training_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def field_agent(make_agent):
    return make_agent("Terrain", first_name="Karim", email=None, external_id="009001")


def home_of(client, agent):
    client.force_login(agent)
    return client.get("/").content.decode()


def test_an_agent_may_have_no_email_but_needs_a_matricule():
    agent = Agent.objects.create_user(None, external_id="T1", first_name="Ana", last_name="Bo")
    assert agent.email is None and str(agent) == "Ana Bo"
    assert agent.sign_in_identifier == "T1"
    with pytest.raises(ValueError):
        Agent.objects.create_user(None, first_name="Sans", last_name="Rien")


def test_several_agents_without_email_coexist(make_agent):
    make_agent("Un", email=None, external_id="T1")
    make_agent("Deux", email=None, external_id="T2")
    assert Agent.objects.filter(email__isnull=True).count() == 2


def test_the_directory_import_accepts_rows_without_email(make_agent):
    report = import_agents(
        csv_bytes(
            [
                row("000001", "Chef", "Paul", "paul.chef@ville.test"),
                row("000002", "Terrain", "Ana", "", manager="paul.chef@ville.test"),
                row("000003", "Voirie", "Léo", "", manager="000002"),
            ]
        )
    )
    assert report.created == 3
    ana = Agent.objects.get(external_id="000002")
    assert ana.email is None
    assert ana.manager.external_id == "000001"
    assert Agent.objects.get(external_id="000003").manager == ana


def test_a_manager_given_by_an_unknown_matricule_is_refused():
    with pytest.raises(ImportRefused) as refused:
        import_agents(csv_bytes([row("000002", "Terrain", "Ana", "", manager="999999")]))
    assert "999999" in str(refused.value)
    assert not Agent.objects.exists()


def test_an_agent_cannot_be_their_own_manager_by_matricule():
    with pytest.raises(ImportRefused):
        import_agents(csv_bytes([row("000002", "Terrain", "Ana", "", manager="000002")]))


def test_an_email_removed_from_the_directory_is_removed_from_the_agent():
    import_agents(csv_bytes([row("000002", "Terrain", "Ana", "ana@ville.test")]))
    import_agents(csv_bytes([row("000002", "Terrain", "Ana", "")]))
    assert Agent.objects.get(external_id="000002").email is None


def test_reimporting_agents_without_email_changes_nothing():
    data = csv_bytes([row("000002", "Terrain", "Ana", ""), row("000003", "Voirie", "Léo", "")])
    import_agents(data)
    report = import_agents(data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_a_survey_invitation_is_not_emailed_but_shown_on_the_home_page(
    client, site, make_survey, field_agent, agent, django_capture_on_commit_callbacks
):
    survey = make_survey(title="Baromètre des dépôts")
    with django_capture_on_commit_callbacks(execute=True):
        survey_services.invite(survey, Agent.objects.filter(pk__in=[field_agent.pk, agent.pk]))
    assert [message.to for message in mail.outbox] == [[agent.email]]
    assert "Répondre au questionnaire « Baromètre des dépôts »" in home_of(client, field_agent)


def test_survey_reminders_skip_agents_without_email(make_survey, field_agent):
    import datetime

    from django.utils import timezone

    from surveys.models import Invitation

    survey = make_survey()
    Invitation.objects.create(
        survey=survey, agent=field_agent, invited_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert survey_services.send_reminders() == 1  # claimed for the day, not e-mailed
    assert mail.outbox == []


def test_a_freed_seat_is_not_emailed_but_shown_on_the_home_page(
    client, site, make_agent, field_agent, django_capture_on_commit_callbacks
):
    training = make_training(make_training_catalogue(site), title="Bureautique en équipe")
    session = make_session(training, capacity=1)
    holder = make_agent("Titulaire")
    enrol(session, holder)
    enrol(session, field_agent, Enrolment.Status.WAITING)
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("practices:unregister", args=[session.pk]))
    assert Enrolment.objects.get(agent=field_agent).status == Enrolment.Status.REGISTERED
    assert mail.outbox == []
    home = home_of(client, field_agent)
    assert "Formation « Bureautique en équipe" in home
    assert "liste d’attente" not in home


def test_an_experiment_stage_and_its_launch_reach_agents_without_email_on_the_home_page(
    client, site, lead, sponsor, participants, field_agent, django_capture_on_commit_callbacks
):
    lead.email = None
    lead.external_id = "CP001"
    lead.save()
    experiment = advanced_to(
        client, "run", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    experiment.participants.add(field_agent)
    assert lead.pk not in [message.to for message in mail.outbox]
    assert all(None not in message.to for message in mail.outbox)
    assert experiment.title in home_of(client, lead)  # the "run" stage waits for the lead
    assert "Vous participez à l’expérimentation" in home_of(
        client, field_agent
    ) or "Vous participez à l'expérimentation" in home_of(client, field_agent)


def test_participants_are_named_by_email_or_matricule(
    client, lead, sponsor, participants, field_agent, django_capture_on_commit_callbacks
):
    experiment = advanced_to(
        client, "launch", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    task = experiment_task(experiment, "launch")
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("experiments:task", args=[task.pk]),
            {
                "planned_start": "2026-12-01",
                "planned_end": "2027-01-31",
                "participant_emails": f"{participants[0].email}\n{field_agent.external_id}",
            },
        )
    experiment.refresh_from_db()
    assert set(experiment.participants.all()) == {participants[0], field_agent}
    assert [message.to for message in mail.outbox if "lancée" in message.subject.lower()] in (
        [[participants[0].email]],
        [],
    )


def experiment_task(experiment, name):
    from experiments import services

    return services.open_task(Experiment.objects.get(pk=experiment.pk), name)


def test_the_admin_creates_an_agent_without_email(admin_client):
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "",
            "external_id": "T777",
            "first_name": "Ana",
            "last_name": "Terrain",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agent = Agent.objects.get(external_id="T777")
    assert agent.email is None
    assert not agent.has_usable_password()


def test_the_admin_refuses_an_agent_with_neither_email_nor_matricule(admin_client):
    before = Agent.objects.count()
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {"email": "", "external_id": "", "first_name": "Sans", "last_name": "Rien"},
    )
    assert response.status_code == 200
    assert "Indiquez une adresse e-mail ou un matricule RH." in response.content.decode()
    assert Agent.objects.count() == before


def test_the_admin_refuses_a_matricule_already_taken(admin_client, field_agent):
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {"email": "", "external_id": "009001", "first_name": "Dou", "last_name": "Blon"},
    )
    assert "Un autre agent a ce matricule." in response.content.decode()
    assert Agent.objects.filter(external_id="009001").count() == 1


def test_the_admin_edits_an_agent_without_email(admin_client, field_agent):
    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[field_agent.pk]),
        {
            "email": "",
            "external_id": "009001",
            "first_name": "Karim",
            "last_name": "Haddad",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    field_agent.refresh_from_db()
    assert field_agent.last_name == "Haddad" and field_agent.email is None


def test_the_admin_sends_activation_links_in_bulk(
    admin_client, make_agent, field_agent, django_capture_on_commit_callbacks
):
    imported = make_agent("Importé", email="importe@ville.test")
    imported.set_unusable_password()
    imported.save()
    url = (
        reverse("wagtail_bulk_action", args=["accounts", "agent", "send_activation"])
        + f"?id={imported.pk}&id={field_agent.pk}"
    )
    assert admin_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[imported.email]]
