import pytest
from django.urls import reverse
from wagtail.models import GroupApprovalTask, WorkflowState

from intranet.home.models import StandardPage
from practices import services
from practices.models import ModerationSettings, PracticePage

from .support.practices import edit_data, make_library, make_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(site):
    return make_practice(make_library(site), "Animer une réunion hybride")


def test_a_migration_sets_up_moderation_by_the_moderators_group():
    workflow = ModerationSettings.objects.get().workflow
    task = workflow.tasks.get().specific
    assert isinstance(task, GroupApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == ["Modérateurs"]


def test_practices_content_uses_the_practices_workflow_wherever_it_lives(site, practice):
    workflow = ModerationSettings.objects.get().workflow
    assert practice.get_workflow() == workflow
    assert practice.get_parent().specific.get_workflow() == workflow
    # Other pages keep the workflow of their place in the tree.
    page = StandardPage(title="À propos", slug="a-propos")
    site.add_child(instance=page)
    assert page.get_workflow() != workflow


def test_an_editor_submits_a_change_and_a_moderator_publishes_it(
    client, editor, moderator, practice
):
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[practice.pk])
    response = client.post(
        edit_url, {**edit_data(practice, summary="Un nouveau résumé."), "action-submit": "on"}
    )
    assert response.status_code == 302, response.context["form"].errors
    practice.refresh_from_db()
    assert practice.summary == "Chacun entend, voit et parle."  # live content unchanged
    state = WorkflowState.objects.for_instance(practice).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow == ModerationSettings.objects.get().workflow

    # The editor may not approve; the moderator may.
    task = state.current_task_state.task.specific
    assert task.get_actions(practice, editor) == []
    client.force_login(moderator)
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[practice.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": "Parfait."},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.summary == "Un nouveau résumé."
    assert "Nouvelle version de la pratique." in str(practice.body)


def test_an_editor_cannot_publish_directly(client, editor, practice):
    client.force_login(editor)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[practice.pk]),
        {**edit_data(practice, summary="Publié sans relecture."), "action-publish": "on"},
    )
    practice.refresh_from_db()
    assert practice.summary == "Chacun entend, voit et parle."


def test_an_experiment_turns_into_draft_practices_submitted_to_moderation(practice, make_agent):
    class Experiment:
        title = "Réunions hybrides équitables"
        synthesis = "Le tour de table commence par les distants.\nLe son compte."
        hypothesis = "Une règle de parole commune rend les réunions plus justes."
        problem = ""
        department = None
        lead = make_agent("Cheffe")
        practices = PracticePage.objects.filter(pk=practice.pk)

    revised = services.draft_practice_from_experiment(Experiment, page=practice)
    new = services.draft_practice_from_experiment(Experiment, title="Le tour de table inversé")

    practice.refresh_from_db()
    assert "Le tour de table commence" not in str(practice.body)  # live content unchanged
    latest = practice.get_latest_revision_as_object()
    assert "Le tour de table commence par les distants." in str(latest.body)
    assert revised.workflow_in_progress

    assert not new.live
    assert new.get_parent().pk == practice.get_parent().pk
    assert new.category == practice.category
    assert new.workflow_in_progress
    assert new.latest_revision.user == Experiment.lead
