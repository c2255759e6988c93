"""Answer tallies: how many answers gave each value to a question, kept by the database.

Whatever writes or deletes answers (the survey service, the ORM, raw SQL, cascades, the
retention purge, anonymisation), the tallies equal the answers counted by (question, value),
and the scores read them.
"""

import datetime
import importlib
import io
import threading
import uuid
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone, translation

from intranet.accounts.anonymisation import anonymise_agent
from surveys.models import Answer, AnswerTally, Invitation, Question, Response, Survey
from surveys.retention import purge_survey_personal_data
from surveys.scoring import (
    recommendation,
    recommendation_of_page,
    recommendation_of_questions,
    recommendations_by_question,
)
from surveys.services import close, submit_response

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement-level triggers and TRUNCATE"
)
migration = importlib.import_module("surveys.migrations.0004_answer_tallies")


def tallies():
    return {(t.question_id, t.value): t.count for t in AnswerTally.objects.filter(count__gt=0)}


def counted_answers():
    return dict(
        Counter(Answer.objects.filter(value__isnull=False).values_list("question_id", "value"))
    )


def assert_tallies_match_answers():
    counted = counted_answers()
    assert tallies() == counted
    return counted


def submit(survey, agent, answers):
    invitation = Invitation.objects.create(survey=survey, agent=agent)
    return submit_response(invitation, answers)


def answered_survey(make_survey, make_agent, values, **fields):
    """A recommendation survey answered once per value (None: the question skipped)."""
    survey = make_survey(**fields)
    question = survey.questions.get()
    for value in values:
        submit(survey, make_agent(), {question: value})
    return survey, question


@pytest.fixture
def question(make_survey):
    return make_survey().questions.get()


@pytest.fixture
def response(question):
    return Response.objects.create(survey=question.survey)


def test_a_submission_is_tallied_by_question_and_value_numeric_answers_only(
    make_survey, make_agent
):
    survey = make_survey(kinds=("recommendation", "scale", "single", "multiple", "text"))
    rated, scale, single, multiple, text = survey.questions.order_by("pk")
    answers = {rated: 9, scale: 4, single: "Oui", multiple: ["Oui", "Non"], text: "Bien"}
    submit(survey, make_agent(), answers)
    submit(survey, make_agent(), {rated: 9, scale: None, text: "Bof"})
    submit(survey, make_agent(), {rated: 0})

    assert assert_tallies_match_answers() == {(rated.pk, 9): 2, (rated.pk, 0): 1, (scale.pk, 4): 1}


def test_answers_created_one_by_one_or_in_bulk_are_tallied(question, response):
    Answer.objects.create(response=response, question=question, value=10)
    Answer.objects.create(response=response, question=question, choice="sans valeur")
    other = Response.objects.create(survey=question.survey)
    Answer.objects.bulk_create(
        Answer(response=other, question=question, value=value, choice=str(index))
        for index, value in enumerate([10, 10, 7, 3])
    )
    assert assert_tallies_match_answers() == {
        (question.pk, 10): 3,
        (question.pk, 7): 1,
        (question.pk, 3): 1,
    }


def test_a_raw_multi_row_insert_is_tallied(question, response):
    def db(field, value):
        return field.get_db_prep_value(value, connection)

    rows = [(uuid.uuid4(), value) for value in (8, 8, 8, 1)]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO surveys_answer (id, response_id, question_id, value, choice, text) "
            "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, '')"] * len(rows)),
            [
                param
                for index, (pk, value) in enumerate(rows)
                for param in (
                    db(Answer._meta.pk, pk),
                    db(Response._meta.pk, response.pk),
                    question.pk,
                    value,
                    str(index),
                )
            ],
        )
    assert assert_tallies_match_answers() == {(question.pk, 8): 3, (question.pk, 1): 1}


def test_deleting_a_response_removes_its_answers_from_the_tallies(make_survey, make_agent):
    survey, question = answered_survey(make_survey, make_agent, [10, 10, 2])
    Response.objects.filter(answers__value=2).delete()
    assert assert_tallies_match_answers() == {(question.pk, 10): 2}
    Response.objects.filter(survey=survey).delete()
    assert assert_tallies_match_answers() == {}
    assert recommendations_by_question(survey) == {}


def test_deleting_a_question_or_a_survey_drops_its_tallies_only(make_survey, make_agent):
    kept, kept_question = answered_survey(make_survey, make_agent, [9, 6])
    survey = make_survey(kinds=("recommendation", "scale"))
    rated, scale = survey.questions.order_by("pk")
    submit(survey, make_agent(), {rated: 5, scale: 5})

    Question.objects.filter(pk=scale.pk).delete()
    assert assert_tallies_match_answers() == {
        (kept_question.pk, 9): 1,
        (kept_question.pk, 6): 1,
        (rated.pk, 5): 1,
    }
    Survey.objects.get(pk=survey.pk).delete()
    assert assert_tallies_match_answers() == {(kept_question.pk, 9): 1, (kept_question.pk, 6): 1}
    assert not AnswerTally.objects.exclude(question=kept_question).exists()


def test_answers_deleted_after_their_tallies_leave_no_negative_tally(question, response):
    # A cascade may delete a question's tallies first, then its answers.
    Answer.objects.create(response=response, question=question, value=8)
    AnswerTally.objects.all().delete()
    Answer.objects.all().delete()
    assert not AnswerTally.objects.exists()


def test_changing_a_value_or_setting_it_to_or_from_null_moves_it_between_tallies(
    make_survey, question, response
):
    answer = Answer.objects.create(response=response, question=question, value=3)
    Answer.objects.filter(pk=answer.pk).update(value=9)
    assert assert_tallies_match_answers() == {(question.pk, 9): 1}
    Answer.objects.filter(pk=answer.pk).update(value=None)
    assert assert_tallies_match_answers() == {}
    Answer.objects.filter(pk=answer.pk).update(value=7)
    assert assert_tallies_match_answers() == {(question.pk, 7): 1}
    other = make_survey().questions.get()
    Answer.objects.filter(pk=answer.pk).update(question=other)
    assert assert_tallies_match_answers() == {(other.pk, 7): 1}


def test_saving_an_answer_unchanged_changes_no_tally(question, response):
    answer = Answer.objects.create(response=response, question=question, value=4)
    answer.text = "relu"
    answer.save()
    Answer.objects.all().update(value=4)
    assert assert_tallies_match_answers() == {(question.pk, 4): 1}


def test_the_retention_purge_keeps_tallies_and_scores(make_survey, make_agent):
    closed_at = timezone.now() - datetime.timedelta(days=800)
    survey, question = answered_survey(
        make_survey,
        make_agent,
        [10, 9, 8, 6, 2],
        anonymous=False,
        opens_at=closed_at - datetime.timedelta(days=30),
        closes_at=closed_at,
    )
    before = recommendations_by_question(survey), assert_tallies_match_answers()

    assert len(purge_survey_personal_data().surveys) == 1

    assert not Invitation.objects.filter(survey=survey).exists()
    assert (recommendations_by_question(survey), assert_tallies_match_answers()) == before


def test_anonymising_an_agent_keeps_tallies_and_scores(make_survey, make_agent, site):
    departed = make_agent("Dupont")
    survey = make_survey(anonymous=False)
    question = survey.questions.get()
    Question.objects.filter(pk=question.pk).update(subject=site)
    submit(survey, departed, {question: 0})
    for _ in range(4):
        submit(survey, make_agent(), {question: 10})
    close(survey)
    before = recommendation_of_page(site), assert_tallies_match_answers()
    departed.is_active = False
    departed.save()

    anonymise_agent(departed)

    assert (recommendation_of_page(site), assert_tallies_match_answers()) == before
    assert before[0].answers == 5


def test_scores_read_the_tallies_not_the_answers(make_survey, make_agent, site):
    survey, question = answered_survey(make_survey, make_agent, [10, 10, 10, 10, 10])
    Question.objects.filter(pk=question.pk).update(subject=site)
    close(survey)
    assert recommendation_of_page(site).visible_score == 100

    AnswerTally.objects.filter(question=question, value=10).update(count=1)
    AnswerTally.objects.create(question=question, value=0, count=4)

    assert recommendation_of_page(site).rounded_score == -60
    assert recommendations_by_question(survey)[question.pk].detractors == 4
    assert recommendation(question.answers.all()).rounded_score == 100  # over answers, as before


def test_the_practice_score_costs_two_queries_however_many_answers(
    make_survey, make_agent, site, django_assert_num_queries
):
    survey, question = answered_survey(make_survey, make_agent, [10] * 5)
    Question.objects.filter(pk=question.pk).update(subject=site)
    close(survey)
    with django_assert_num_queries(2):
        assert recommendation_of_page(site).answers == 5
    response = Response.objects.create(survey=survey)
    Answer.objects.bulk_create(
        Answer(response=response, question=question, value=index % 11, choice=str(index))
        for index in range(300)
    )
    with django_assert_num_queries(2):
        assert recommendation_of_page(site).answers == 305


def test_tallied_scores_equal_scores_counted_over_the_answers(make_survey, make_agent, site):
    first, first_question = answered_survey(make_survey, make_agent, [10, 9, 8, 6, 2, None])
    second = make_survey(
        kinds=("recommendation", "recommendation", "scale"), min_group_size=3, anonymous=False
    )
    a, b, scale = second.questions.order_by("pk")
    for values in ([10, 0, 5], [7, 7, 1], [9, None, 2], [3, 8, 5]):
        submit(second, make_agent(), dict(zip((a, b, scale), values, strict=True)))
    Question.objects.filter(pk__in=[first_question.pk, a.pk]).update(subject=site)
    rated = [first_question.pk, a.pk, b.pk]
    close(first), close(second)  # the page publishes closed surveys' scores only

    assert recommendation_of_questions(rated) == recommendation(
        Answer.objects.filter(question__in=rated)
    )
    assert recommendation_of_page(site) == recommendation(
        Answer.objects.filter(question__in=[first_question.pk, a.pk]), min_group_size=5
    )
    assert recommendations_by_question(second) == {
        question.pk: recommendation(question.answers.all(), min_group_size=3)
        for question in (a, b)
    }
    assert recommendations_by_question(first)[first_question.pk].answers == 5


def test_a_question_whose_answers_were_all_deleted_has_no_score(make_survey, make_agent, site):
    survey, question = answered_survey(make_survey, make_agent, [4, 4])
    Question.objects.filter(pk=question.pk).update(subject=site)
    Answer.objects.all().delete()
    assert AnswerTally.objects.get(question=question).count == 0  # kept, at zero
    assert recommendation_of_page(site).score is None
    assert recommendations_by_question(survey) == {}


def test_the_migration_counts_the_answers_written_before_it(question, response):
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    migration.drop_triggers(None, editor)
    Answer.objects.bulk_create(
        Answer(response=response, question=question, value=value, choice=str(index))
        for index, value in enumerate([1, 2, 2])
    )
    assert tallies() == {}

    migration.create_triggers(None, editor)

    assert assert_tallies_match_answers() == {(question.pk, 1): 1, (question.pk, 2): 2}
    Answer.objects.create(response=response, question=question, value=1)
    assert tallies()[question.pk, 1] == 2


def test_the_rebuild_command_finds_and_corrects_wrong_tallies(question, response):
    Answer.objects.create(response=response, question=question, value=6)
    call_command("rebuild_answer_tallies", "--check", stdout=io.StringIO())
    AnswerTally.objects.filter(question=question).update(count=5)
    AnswerTally.objects.create(question=question, value=2, count=1)

    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("rebuild_answer_tallies", "--check", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Question {question.pk}, value 2: tally 1, answers 0",
        f"Question {question.pk}, value 6: tally 5, answers 1",
    ]

    call_command("rebuild_answer_tallies", stdout=io.StringIO())
    assert assert_tallies_match_answers() == {(question.pk, 6): 1}
    call_command("rebuild_answer_tallies", "--check", stdout=io.StringIO())


@on_postgresql
def test_truncating_the_answers_empties_the_tallies(question, response):
    Answer.objects.create(response=response, question=question, value=6)
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred: their pending checks would refuse TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE surveys_answer")
    assert not AnswerTally.objects.exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_to_the_same_questions_are_all_tallied(make_survey, make_agent):
    survey = make_survey(kinds=("recommendation", "recommendation", "scale"))
    questions = list(survey.questions.order_by("pk"))
    threads_count, submissions = 8, 5
    invitations = [
        Invitation.objects.create(survey=survey, agent=make_agent())
        for _ in range(threads_count * submissions)
    ]
    barrier = threading.Barrier(threads_count)
    errors = []

    def submit_all(number):
        try:
            barrier.wait()
            for index in range(submissions):
                invitation = invitations[number * submissions + index]
                # Overlapping tallies written at once: locked in one order, so no deadlock.
                values = [(number + index + offset) % 6 for offset in range(3)]
                submit_response(invitation, dict(zip(questions, values, strict=True)))
        except Exception as error:  # noqa: BLE001 — reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit_all, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(assert_tallies_match_answers().values()) == 3 * threads_count * submissions
