import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from viewflow.workflow.status import STATUS

from experiments import services
from experiments.models import TaskReassignment
from experiments.reassignment import ReassignmentRefused, reassign, unassigned_tasks
from intranet.accounts import roles
from intranet.accounts.anonymisation import anonymise_agent
from intranet.accounts.importers import directory_csv, import_agents

from .conftest import member_of


@pytest.fixture
def boss(make_agent):
    return make_agent("Manager", email="manager@example.org")


@pytest.fixture
def experiment(lead, sponsor, boss, django_capture_on_commit_callbacks):
    lead.manager = boss
    lead.email = "lead@example.org"
    lead.save()
    with django_capture_on_commit_callbacks(execute=True):
        experiment = services.start(lead, "Réunions hybrides")
    experiment.sponsor = sponsor
    experiment.save()
    return experiment


@pytest.fixture
def other_lead(make_agent):
    agent = member_of(roles.PROJECT_LEADS, make_agent, "Autre", "Léa")
    agent.email = "lea@example.org"
    agent.save()
    return agent


@pytest.mark.parametrize("who", ["sponsor", "boss", "admin"])
def test_allowed_roles_reassign_and_both_are_told(
    who, request, experiment, other_lead, make_agent, django_capture_on_commit_callbacks
):
    by = make_agent("Admin", is_superuser=True) if who == "admin" else request.getfixturevalue(who)
    task = services.open_task(experiment, "frame")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reassign(task, other_lead, by, "Congé long")
    task.refresh_from_db()
    experiment.refresh_from_db()
    assert task.owner == other_lead and task.status == STATUS.ASSIGNED
    assert experiment.lead == other_lead
    record = TaskReassignment.objects.get()
    assert (record.from_agent.last_name, record.to_agent, record.by, record.reason) == (
        "Cheffe",
        other_lead,
        by,
        "Congé long",
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["lea@example.org", "lead@example.org"]
    assert task.flow_task.can_execute(other_lead, task)
    assert not task.flow_task.can_execute(record.from_agent, task)


def test_wrong_users_are_refused_and_nothing_changes(
    experiment, lead, other_lead, make_agent, participants
):
    task = services.open_task(experiment, "frame")
    unrelated_manager = make_agent("Ailleurs")
    make_agent("Subordonné", manager=unrelated_manager)
    for wrong in (lead, other_lead, unrelated_manager, participants[0]):
        with pytest.raises(PermissionDenied):
            reassign(task, other_lead, wrong, "Parce que")
    task.refresh_from_db()
    assert task.owner == lead
    assert not TaskReassignment.objects.exists()


def test_refusals(experiment, sponsor, lead, other_lead, make_agent):
    task = services.open_task(experiment, "frame")
    inactive = member_of(roles.PROJECT_LEADS, make_agent, "Parti", "Paul")
    inactive.is_active = False
    inactive.save()
    not_a_lead = make_agent("Simple")
    for to_agent, reason in ((other_lead, "  "), (lead, "x"), (inactive, "x"), (not_a_lead, "x")):
        with pytest.raises(ReassignmentRefused):
            reassign(task, to_agent, sponsor, reason)
    task.status = STATUS.DONE
    task.save()
    with pytest.raises(ReassignmentRefused, match="déjà terminée"):
        reassign(task, other_lead, sponsor, "x")
    assert not TaskReassignment.objects.exists()


def released(experiment, lead, sponsor):
    task = services.open_task(experiment, "frame")
    assert task is None
    tasks = list(unassigned_tasks(sponsor))
    assert len(tasks) == 1 and tasks[0].owner is None and tasks[0].status == STATUS.NEW
    return tasks[0]


def test_admin_deactivation_releases_the_tasks_and_the_sponsor_assigns(
    experiment, lead, sponsor, other_lead
):
    lead.is_active = False
    lead.save()
    task = released(experiment, lead, sponsor)
    reassign(task, other_lead, sponsor, "Remplacement")
    task.refresh_from_db()
    assert task.owner == other_lead and task.status == STATUS.ASSIGNED


def test_anonymisation_releases_the_tasks(experiment, lead, sponsor):
    lead.is_active = False
    lead.save()
    anonymise_agent(lead)
    released(experiment, lead, sponsor)


def test_import_deactivate_missing_releases_the_tasks(experiment, lead, sponsor):
    lead.external_id = "M0001"
    lead.save()
    sponsor.external_id = "M0002"
    sponsor.save()
    directory = directory_csv(
        [
            [
                "M0002",
                sponsor.last_name,
                sponsor.first_name,
                sponsor.email or "sponsor@example.org",
                sponsor.department.parent.name
                if sponsor.department.parent
                else sponsor.department.name,
                sponsor.department.name,
                "",
                "",
                "",
            ]
        ]
    )
    import_agents(directory, deactivate_missing=True)
    lead.refresh_from_db()
    assert not lead.is_active
    released(experiment, lead, sponsor)


def test_the_form_reassigns_and_refuses_wrong_users(client, experiment, sponsor, lead, other_lead):
    from django.urls import reverse

    task = services.open_task(experiment, "frame")
    path = reverse("experiments:reassign", args=[task.pk])
    client.force_login(lead)
    assert client.post(path, {"to_agent": other_lead.pk, "reason": "x"}).status_code == 403
    client.force_login(sponsor)
    assert client.get(path).status_code == 200
    response = client.post(path, {"to_agent": other_lead.pk, "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(path, {"to_agent": other_lead.pk, "reason": "Congé"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner == other_lead
    assert "Congé" in client.get(reverse("experiments:detail", args=[experiment.pk])).text


def test_the_queue_keeps_its_query_count(client, lead, sponsor, make_agent):
    from django.urls import reverse

    from .queries import visit_queries

    def make_experiments(count):
        for index in range(count):
            owner = member_of(roles.PROJECT_LEADS, make_agent, f"Lead{index}", "X")
            experiment = services.start(owner, f"Expé {index}")
            experiment.sponsor = sponsor
            experiment.save()
            owner.is_active = False
            owner.save()

    client.force_login(sponsor)
    path = reverse("experiments:unassigned")
    make_experiments(1)
    few, _response = visit_queries(client, path)
    make_experiments(10)
    assert visit_queries(client, path)[0] == few
    assert client.get(path).text.count('<th scope="row">Expé ') == 11


def test_my_tasks_leads_sponsors_to_the_queue_and_nobody_else(client, sponsor, lead):
    queue = reverse("experiments:unassigned")
    client.force_login(sponsor)
    assert queue in client.get(reverse("experiments:my_tasks")).content.decode()
    client.force_login(lead)
    assert queue not in client.get(reverse("experiments:my_tasks")).content.decode()
    assert client.get(queue).status_code == 403
