import pytest
from django.core import mail
from django.urls import reverse

from surveys.admin_forms import SurveyAdminForm
from surveys.models import Invitation, Question, Survey
from surveys.services import submit_response
from tests.browser_forms import submitted_data

from .support.surveys import question_data, survey_data


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_builds_a_survey_with_ordered_questions(editor_client, editor):
    response = editor_client.post(
        reverse("surveys_admin:add"),
        survey_data(
            [
                question_data(),
                question_data("single", "Quel outil ?", choices="Messagerie\nVisio"),
                question_data("text", "Une idée ?"),
            ]
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    survey = Survey.objects.get()
    assert survey.owner == editor
    assert survey.anonymous
    assert list(survey.questions.values_list("kind", flat=True)) == [
        "recommendation",
        "single",
        "text",
    ]


def test_the_builder_form_and_its_question_fields_come_from_the_viewset(editor_client):
    form = editor_client.get(reverse("surveys_admin:add")).context["form"]
    assert isinstance(form, SurveyAdminForm)
    question = form.formsets["questions"].empty_form
    fields = ["kind", "required", "label", "help_text", "choices", "subject"]
    assert list(question.fields) == [*fields, "id", "ORDER", "DELETE"]
    # Declared by the viewset's panels, not patched onto the models at import time.
    assert "base_form_class" not in vars(Survey)
    assert "panels" not in vars(Question)


def test_a_choice_question_without_choices_is_refused(editor_client):
    response = editor_client.post(
        reverse("surveys_admin:add"), survey_data([question_data("single", "Quel outil ?")])
    )
    assert response.status_code == 200
    assert Survey.objects.count() == 0


def test_closing_before_opening_is_refused(editor_client):
    response = editor_client.post(
        reverse("surveys_admin:add"),
        survey_data([question_data()], closes_at="2026-11-01 09:00"),
    )
    assert response.status_code == 200
    assert "doit se clore après son ouverture" in response.content.decode()
    assert Survey.objects.count() == 0


def answered_survey(make_survey, make_agent):
    survey = make_survey(kinds=("recommendation", "text"))
    invitation = Invitation.objects.create(survey=survey, agent=make_agent())
    survey.audience_agents.add(invitation.agent)
    survey.save()  # a ParentalManyToManyField writes its relations on save
    submit_response(invitation, {survey.questions.first(): 9})
    return survey


def edit_data(survey, **question_changes):
    questions = []
    for question in survey.questions.all():
        data = question_data(question.kind, question.label, id=str(question.pk))
        data.update(question_changes.get(question.kind, {}))
        questions.append(data)
    return survey_data(
        questions,
        title=survey.title,
        opens_at=survey.opens_at.strftime("%Y-%m-%d %H:%M"),
        closes_at=survey.closes_at.strftime("%Y-%m-%d %H:%M"),
    )


def test_questions_are_frozen_once_answers_exist(editor_client, make_survey, make_agent):
    survey = answered_survey(make_survey, make_agent)
    editor_client.post(
        reverse("surveys_admin:edit", args=[survey.pk]),
        edit_data(survey, recommendation={"label": "Autre question"}, text={"DELETE": "on"}),
    )
    assert list(survey.questions.values_list("label", flat=True)) == [
        "Question recommendation",
        "Question text",
    ]


def test_a_question_cannot_be_added_once_answers_exist(editor_client, make_survey, make_agent):
    survey = answered_survey(make_survey, make_agent)
    data = edit_data(survey)
    total = int(data["questions-TOTAL_FORMS"])
    data["questions-TOTAL_FORMS"] = str(total + 1)
    for key, value in question_data("scale", "Nouvelle").items():
        data[f"questions-{total}-{key}"] = value
    data[f"questions-{total}-ORDER"] = str(total + 1)
    data[f"questions-{total}-DELETE"] = ""
    data[f"questions-{total}-id"] = ""
    response = editor_client.post(reverse("surveys_admin:edit", args=[survey.pk]), data)
    assert response.status_code == 200
    assert "Des réponses existent" in response.content.decode()
    assert survey.questions.count() == 2


def test_invite_view_sends_the_invitations(
    editor_client, make_survey, make_agent, django_capture_on_commit_callbacks
):
    survey = make_survey(audience=Survey.Audience.EVERYONE)
    agents = [make_agent() for _ in range(3)]
    assert editor_client.get(reverse("surveys_admin:invite", args=[survey.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("surveys_admin:invite", args=[survey.pk]))
    invited = set(Invitation.objects.values_list("agent", flat=True))
    assert {agent.pk for agent in agents} <= invited
    assert len(mail.outbox) == len(invited)


def test_duplicate_view_copies_the_survey(editor_client, make_survey):
    survey = make_survey(kinds=("recommendation", "scale"))
    response = editor_client.post(reverse("surveys_admin:duplicate", args=[survey.pk]))
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert response.url == reverse("surveys_admin:edit", args=[copy.pk])
    assert copy.questions.count() == 2


def test_close_view_closes_the_survey(editor_client, make_survey):
    survey = make_survey()
    editor_client.post(reverse("surveys_admin:close", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.closed_at is not None


def test_the_listing_shows_answer_counts(editor_client, make_survey, make_agent):
    survey = answered_survey(make_survey, make_agent)
    response = editor_client.get(reverse("surveys_admin:index"))
    assert response.status_code == 200
    assert survey.title in response.content.decode()


@pytest.mark.parametrize("view", ["add", "invite", "duplicate", "close"])
def test_agents_without_the_role_cannot_use_the_builder(agent_client, make_survey, view):
    survey = make_survey()
    url = (
        reverse("surveys_admin:add")
        if view == "add"
        else reverse(f"surveys_admin:{view}", args=[survey.pk])
    )
    response = agent_client.post(url, {})
    # Wagtail sends agents without admin access back to the login page.
    assert response.status_code in (302, 403)
    survey.refresh_from_db()
    assert survey.closed_at is None
    assert Survey.objects.count() == 1
    assert Invitation.objects.count() == 0
    assert Question.objects.count() == 1


def test_a_survey_with_answers_saves_as_a_browser_sends_it(editor_client, make_survey, make_agent):
    """Disabled inputs are not submitted: the frozen questions' hidden ids must not be
    disabled, else Django's formset misses them (MultiValueDictKeyError, a 500)."""
    survey = answered_survey(make_survey, make_agent)
    path = reverse("surveys_admin:edit", args=[survey.pk])
    page = editor_client.get(path)
    data = submitted_data(
        page.content.decode(),
        changes={"min_group_size": "8", "closes_at": "2026-12-30 18:00"},
    )
    response = editor_client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    survey.refresh_from_db()
    assert survey.min_group_size == 8
    assert survey.closes_at.day == 30
    assert survey.questions.count() == 2


def test_the_audience_can_only_widen_once_answers_exist(
    editor_client, make_survey, make_agent, department
):
    """Narrowed then widened again, an audience would let an owner compare the answers
    before and after one agent's: once answers exist, every agent invited stays invited."""
    survey = answered_survey(make_survey, make_agent)
    path = reverse("surveys_admin:edit", args=[survey.pk])
    html = editor_client.get(path).content.decode()
    newcomer = make_agent("Nouvelle")
    narrowed = editor_client.post(
        path, submitted_data(html, changes={"audience_agents": [str(newcomer.pk)]})
    )
    assert narrowed.status_code == 200
    assert "peut seulement être élargie" in narrowed.content.decode()
    survey.refresh_from_db()
    assert set(survey.audience_agents.values_list("pk", flat=True)) == {
        survey.invitations.get().agent_id
    }
    invited = str(survey.invitations.get().agent_id)
    widened = editor_client.post(
        path, submitted_data(html, changes={"audience_agents": [invited, str(newcomer.pk)]})
    )
    assert widened.status_code == 302
    department_wide = editor_client.post(
        path,
        submitted_data(
            html,
            changes={"audience": "department", "audience_department": str(department.pk)},
        ),
    )
    assert department_wide.status_code == 302  # the invited agent works in that department


def test_an_anonymous_survey_hides_groups_under_five_at_least(editor_client):
    """A k of 1 would show a single colleague's answers: refused for anonymous surveys."""
    response = editor_client.post(
        reverse("surveys_admin:add"), survey_data([question_data()], min_group_size="1")
    )
    assert response.status_code == 200
    assert Survey.objects.count() == 0
    named = editor_client.post(
        reverse("surveys_admin:add"),
        survey_data([question_data()], min_group_size="1", anonymous=""),
    )
    assert named.status_code == 302
    assert Survey.objects.get().min_group_size == 1
