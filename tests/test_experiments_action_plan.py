"""The action plan's form: only the first action is required, "Ajouter une action" adds a row
(with or without JavaScript, see tests/e2e), and the errors of every row are summed up."""

import re

import pytest
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from experiments.models import ActionItem

from .support.experiments import advanced_to, as_user, open_task


@pytest.fixture
def planning(client, lead, sponsor, participants, django_capture_on_commit_callbacks):
    experiment = advanced_to(
        client, "action_plan", lead, sponsor, participants, django_capture_on_commit_callbacks
    )
    url = reverse("experiments:task", args=[open_task(experiment, "action_plan").pk])
    return as_user(client, lead), experiment, url


def rows(count, *typed):
    data = {
        "actions-TOTAL_FORMS": str(count),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(typed):
        data.update({f"actions-{index}-{name}": value for name, value in row.items()})
    return data


def action(what="Équiper les salles", owner="", due_date="2027-03-01"):
    return {"what": what, "owner_email": owner, "due_date": due_date}


def title_of(content):
    return re.search(r"<title>(.*?)</title>", content, re.S).group(1).strip()


def test_the_form_opens_with_one_required_action(planning):
    client, _experiment, url = planning
    content = client.get(url).content.decode()
    assert 'name="actions-0-what"' in content
    assert 'name="actions-1-what"' not in content.split("<template")[0]
    assert 'name="add_action"' in content
    assert "Ajouter une action" in content


def test_a_second_action_left_empty_is_optional(planning, lead):
    client, experiment, url = planning
    response = client.post(url, rows(2, action(owner=lead.email), action("", "", "")))
    assert response.status_code == 302
    assert ActionItem.objects.filter(experiment=experiment).count() == 1


def test_an_optional_row_is_not_marked_required(planning, lead):
    client, _experiment, url = planning
    content = client.post(url, {**rows(1, action(owner=lead.email)), "add_action": "1"})
    second = content.content.decode().split("Action 2")[1].split("</fieldset>")[0]
    assert "(obligatoire)" not in second
    assert "(facultative)" in second


def test_adding_an_action_without_javascript_keeps_what_was_typed_and_saves_nothing(
    planning, lead
):
    client, experiment, url = planning
    typed = rows(1, action("Former les animateurs", lead.email, "2027-04-01"))
    response = client.post(url, {**typed, "new_titles": "Le micro de salle", "add_action": "1"})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="Former les animateurs"' in content
    assert f'value="{lead.email}"' in content
    assert "Le micro de salle" in content
    assert re.search(r'<input[^>]*name="actions-1-what"[^>]*autofocus', content)
    assert 'name="actions-TOTAL_FORMS" value="2"' in content
    assert "Le formulaire contient des erreurs" not in content
    assert not title_of(content).startswith("Erreur")
    assert not ActionItem.objects.exists()
    experiment.refresh_from_db()
    assert experiment.status != PROCESS.DONE
    assert open_task(experiment, "action_plan") is not None


def test_the_errors_of_every_row_are_summed_up_with_links_and_the_title_says_so(planning, lead):
    client, _experiment, url = planning
    response = client.post(
        url,
        rows(3, action(owner=lead.email), action("Diffuser", "", ""), action("", "x", "")),
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert title_of(content).startswith("Erreur : ")
    summary = content.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_actions-1-owner_email"' in summary
    assert 'href="#id_actions-1-due_date"' in summary
    assert 'href="#id_actions-2-owner_email"' in summary
    assert "Action 2, Qui (e-mail)" in summary
    assert "Action 3, Action" in summary
    assert 'href="#id_actions-0-' not in summary
    assert not ActionItem.objects.exists()


def test_the_first_action_is_required(planning):
    client, _experiment, url = planning
    content = client.post(url, rows(1, action("", "", ""))).content.decode()
    assert title_of(content).startswith("Erreur : ")
    summary = content.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_actions-0-what"' in summary
    assert not ActionItem.objects.exists()


def test_a_plan_without_any_row_is_refused(planning):
    client, _experiment, url = planning
    content = client.post(url, rows(0)).content.decode()
    assert "Écrivez au moins la première action." in content
    assert 'href="#actions"' in content
    assert not ActionItem.objects.exists()


def test_an_error_of_the_practices_to_spread_is_summed_up_too(planning, lead):
    client, _experiment, url = planning
    response = client.post(url, {**rows(1, action(owner=lead.email)), "new_titles": "x" * 300})
    content = response.content.decode()
    assert title_of(content).startswith("Erreur : ")
    summary = content.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_new_titles"' in summary
    assert not ActionItem.objects.exists()
