"""Property: whatever an agent's browser posts to a survey, the answer is a page, never a
500, and the response is written whole or not at all."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from surveys.models import Answer, Invitation, Question, Response

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KINDS = ("recommendation", "scale", "single", "multiple", "text")
CHOICES = ["Oui", "Non", "Peut-être"]
# Surrogates cannot be sent by a browser (they are not UTF-8); everything else can.
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
long_texts = st.text(alphabet="ab\n", min_size=4990, max_size=5020)
values = st.one_of(
    texts,
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["", " ", "0", "5", "10", "11", "-1", "1.5", "1e3", "NaN", "\x00", *CHOICES]),
    long_texts,
)


def form_values(question):
    """What the form itself could send for the question, the longest texts included."""
    if question.kind in Question.NUMERIC_KINDS:
        low, high = Question.RANGES[question.kind]
        return st.integers(low, high).map(lambda value: [str(value)])
    if question.kind == "multiple":
        return st.lists(st.sampled_from(CHOICES), min_size=1, max_size=3, unique=True)
    if question.kind == "single":
        return st.sampled_from(CHOICES).map(lambda choice: [choice])
    return st.one_of(texts, long_texts).map(lambda text: [text])


def answer_post(questions):
    """A form as a browser could send it: any subset of the fields, valid or not, one or many
    values each, and fields nobody asked for."""
    fields = st.fixed_dictionaries(
        {},
        optional={
            f"q{question.pk}": st.one_of(
                form_values(question), st.lists(values, min_size=1, max_size=4)
            )
            for question in questions
        },
    )
    extra = st.dictionaries(texts.filter(lambda key: not key.startswith("q")), texts, max_size=3)
    return st.tuples(fields, extra).map(lambda pair: {**pair[1], **pair[0]})


@pytest.fixture
def fuzz_survey(make_survey, agent):
    survey = make_survey(kinds=KINDS, anonymous=False)
    survey.questions.filter(kind="scale").update(required=True)
    invitation = Invitation.objects.create(survey=survey, agent=agent)
    return invitation, list(survey.questions.all())


def counts():
    return Response.objects.count(), Answer.objects.count()


def assert_answers_are_valid(response, questions):
    for answer in Answer.objects.filter(response=response).select_related("question"):
        question = answer.question
        if question.kind in Question.NUMERIC_KINDS:
            low, high = Question.RANGES[question.kind]
            assert low <= answer.value <= high
        elif question.kind in Question.CHOICE_KINDS:
            assert answer.choice in CHOICES
        else:
            assert 0 < len(answer.text) <= 5000
            assert "\x00" not in answer.text
    singles = Answer.objects.filter(response=response).exclude(question__kind="multiple")
    assert singles.count() == len(set(singles.values_list("question", flat=True)))


@FUZZ
@given(data=st.data())
def test_any_post_to_a_survey_gets_a_page_and_writes_all_or_nothing(
    agent_client, fuzz_survey, data
):
    invitation, questions = fuzz_survey
    post = data.draw(answer_post(questions))
    # Each example starts from the unanswered invitation.
    with transaction.atomic():
        before = counts()
        response = agent_client.post(reverse("surveys:answer", args=[invitation.survey_id]), post)
        assert response.status_code in (200, 302)
        event(f"HTTP {response.status_code}")
        invitation.refresh_from_db()
        if response.status_code == 302:
            assert invitation.answered
            assert Response.objects.count() == before[0] + 1
            assert_answers_are_valid(Response.objects.get(), questions)
        else:
            assert not invitation.answered
            assert counts() == before
        transaction.set_rollback(True)
