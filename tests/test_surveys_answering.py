import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, Invitation, Response

from .support.surveys import ALL_KINDS, full_answer


@pytest.fixture
def survey(make_survey):
    return make_survey(kinds=ALL_KINDS, title="Baromètre")


@pytest.fixture
def invitation(survey, agent):
    return Invitation.objects.create(survey=survey, agent=agent)


def answer_url(invitation):
    """The survey's own address, the same for every agent invited."""
    return reverse("surveys:answer", args=[invitation.survey_id])


def test_my_surveys_lists_the_open_survey_to_answer(agent_client, invitation):
    response = agent_client.get(reverse("surveys:mine"))
    content = response.content.decode()
    assert "Baromètre" in content
    assert answer_url(invitation) in content


def test_answer_form_asks_each_question_accessibly(agent_client, invitation):
    content = agent_client.get(answer_url(invitation)).content.decode()
    assert content.count("<fieldset") == 4  # every question but the free text
    assert content.count("<legend>") == 4
    assert "Question 1 sur 5" in content
    assert "0 = pas du tout probable, 10 = extrêmement probable" in content
    assert content.count('type="radio"') == 11 + 5 + 3
    assert "Vos réponses sont anonymes" in content


def test_anonymous_answers_are_saved_without_any_path_back_to_the_agent(
    agent_client, invitation, survey, agent
):
    response = agent_client.post(answer_url(invitation), full_answer(survey))
    assert response.url == reverse("surveys:mine")
    saved = Response.objects.get()
    assert saved.agent is None
    assert saved.submitted_at is None
    assert saved.department == agent.department.parent
    invitation.refresh_from_db()
    assert invitation.answered is True
    assert invitation.answered_at is None
    assert sorted(Answer.objects.values_list("value", "choice", "text"), key=str) == sorted(
        [
            (9, "", ""),
            (4, "", ""),
            (None, "Oui", ""),
            (None, "Oui", ""),
            (None, "Peut-être", ""),
            (None, "", "Plus de réunions courtes"),
        ],
        key=str,
    )
    # No column of any survey table refers to the agent.
    for model in (Response, Answer):
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is type(agent):
                assert not model.objects.filter(**{f"{field.name}__isnull": False}).exists()


def test_named_answers_record_the_agent_and_time(agent_client, make_survey, agent):
    survey = make_survey(anonymous=False)
    invitation = Invitation.objects.create(survey=survey, agent=agent)
    question = survey.questions.get()
    agent_client.post(answer_url(invitation), {f"q{question.pk}": "10"})
    saved = Response.objects.get()
    assert saved.agent == agent
    assert saved.submitted_at is not None
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_invalid_answers_keep_what_was_typed_and_save_nothing(agent_client, invitation, survey):
    questions = {question.kind: question for question in survey.questions.all()}
    questions["scale"].required = True
    questions["scale"].save()
    data = full_answer(survey)
    del data[f"q{questions['scale'].pk}"]
    data[f"q{questions['recommendation'].pk}"] = "11"
    response = agent_client.post(answer_url(invitation), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "Choisissez une note de 1 à 5." in content
    assert "Choisissez une note de 0 à 10." in content
    assert f'href="#id_q{questions["scale"].pk}_group"' in content
    assert f'id="id_q{questions["scale"].pk}_group"' in content
    assert f'id="id_q{questions["scale"].pk}_errors"' in content
    assert (
        'value="Plus de réunions courtes"' in content
        or "Plus de réunions courtes</textarea>" in content
    )
    assert 'value="Oui" id="id_q' in content and "checked" in content
    assert Response.objects.count() == 0
    invitation.refresh_from_db()
    assert not invitation.answered


def test_a_choice_that_is_not_offered_is_refused(agent_client, invitation, survey):
    question = survey.questions.get(kind="single")
    response = agent_client.post(answer_url(invitation), {f"q{question.pk}": "Jamais"})
    assert response.status_code == 200
    assert Response.objects.count() == 0


def test_a_choice_ticked_twice_in_a_crafted_post_is_one_answer(agent_client, invitation, survey):
    # Found by the fuzz test on PostgreSQL: the unique choice constraint turned it into a 500.
    question = survey.questions.get(kind="multiple")
    response = agent_client.post(answer_url(invitation), {f"q{question.pk}": ["Oui", "Oui"]})
    assert response.status_code == 302
    assert list(Answer.objects.filter(question=question).values_list("choice", flat=True)) == [
        "Oui"
    ]


def test_every_question_is_optional_by_default(agent_client, invitation):
    response = agent_client.post(answer_url(invitation), {})
    assert response.status_code == 302
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 0


def test_second_submission_of_the_same_invitation_is_refused(agent_client, invitation, survey):
    agent_client.post(answer_url(invitation), full_answer(survey))
    response = agent_client.post(answer_url(invitation), full_answer(survey))
    assert response.status_code == 200
    assert "Vous avez déjà répondu" in response.content.decode()
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 6


def test_another_agents_link_gets_a_clear_page(client, invitation, make_agent, survey):
    client.force_login(make_agent())
    link = client.get(reverse("surveys:answer_link", args=[invitation.token]))
    assert link.status_code == 403
    assert "Ce lien est personnel" in link.content.decode()
    response = client.post(answer_url(invitation), full_answer(survey))
    assert response.status_code == 403
    assert "pas invité" in response.content.decode()
    assert Response.objects.count() == 0


def test_a_wrong_link_gets_a_clear_page(agent_client, invitation):
    response = agent_client.get(reverse("surveys:answer_link", args=["pas-un-jeton"]))
    assert response.status_code == 404
    assert "Ce lien ne mène à aucun questionnaire" in response.content.decode()


def test_a_survey_not_open_yet_says_when_it_opens(agent_client, make_survey, agent):
    survey = make_survey(opens_at=timezone.now() + datetime.timedelta(days=2))
    invitation = Invitation.objects.create(survey=survey, agent=agent)
    response = agent_client.post(answer_url(invitation), {})
    assert "pas encore ouvert" in response.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize("closed_by", ["date", "hand"])
def test_a_closed_survey_accepts_no_answer(agent_client, make_survey, agent, closed_by):
    now = timezone.now()
    if closed_by == "date":
        survey = make_survey(
            opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(days=1)
        )
    else:
        survey = make_survey(closed_at=now)
    invitation = Invitation.objects.create(survey=survey, agent=agent)
    response = agent_client.post(answer_url(invitation), {})
    assert "Ce questionnaire est clos" in response.content.decode()
    assert Response.objects.count() == 0


def test_an_uninvited_agent_gets_a_clear_page(agent_client, survey):
    response = agent_client.get(reverse("surveys:detail", args=[survey.pk]))
    assert response.status_code == 403
    assert "pas invité" in response.content.decode()


def test_the_survey_page_documents_the_anonymity_guarantee(agent_client, invitation, survey):
    content = agent_client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "sans aucun lien avec votre compte" in content
    assert answer_url(invitation) in content


def test_home_page_asks_to_answer_open_surveys(agent_client, invitation, site, make_survey, agent):
    closed = make_survey(title="Ancien questionnaire", closed_at=timezone.now())
    Invitation.objects.create(survey=closed, agent=agent)
    content = agent_client.get("/").content.decode()
    assert "Répondre au questionnaire « Baromètre »" in content
    assert answer_url(invitation) in content
    assert "Ancien questionnaire" not in content
