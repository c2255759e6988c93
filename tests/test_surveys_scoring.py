import pytest

from surveys.models import Invitation, Question
from surveys.scoring import (
    Recommendation,
    hide_small_groups,
    recommendation,
    recommendation_of_page,
)
from surveys.services import close, submit_response


def answer_all(survey, agents, values):
    question = survey.questions.get(kind=Question.Kind.RECOMMENDATION)
    for agent, value in zip(agents, values, strict=True):
        invitation = Invitation.objects.create(survey=survey, agent=agent)
        submit_response(invitation, {question: value})
    return question


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([9, 10, 9, 10, 10], 100),
        ([0, 3, 6, 5, 1], -100),
        ([7, 8, 7, 8, 7], 0),
        ([10, 9, 8, 7, 0, 6], 0),
        ([10, 10, 10, 0, 8], 40),
        ([9, 6, 6], -33),
        ([10, 7, 7], 33),
    ],
)
def test_recommendation_score_on_known_answer_sets(make_survey, make_agent, values, expected):
    survey = make_survey()
    agents = [make_agent() for _ in values]
    question = answer_all(survey, agents, values)
    score = recommendation(question.answers.all())
    assert score.rounded_score == expected
    assert score.answers == len(values)
    assert (score.promoters, score.passives, score.detractors) == (
        sum(v >= 9 for v in values),
        sum(v in (7, 8) for v in values),
        sum(v <= 6 for v in values),
    )


def test_no_answer_means_no_score(make_survey):
    survey = make_survey()
    score = recommendation(survey.questions.get().answers.all())
    assert score.answers == 0
    assert score.score is None
    assert score.visible_score is None


def test_score_is_withheld_under_the_minimum_group_size():
    assert Recommendation(promoters=4, min_group_size=5).visible_score is None
    assert Recommendation(promoters=5, min_group_size=5).visible_score == 100
    assert Recommendation(promoters=1, detractors=1, min_group_size=1).visible_score == 0


def test_half_points_round_away_from_zero():
    assert Recommendation(promoters=1, passives=7).rounded_score == 13  # 12.5
    assert Recommendation(detractors=1, passives=7).rounded_score == -13


def test_practice_score_aggregates_every_closed_survey_about_the_page(
    make_survey, make_agent, site
):
    """Published scores change in steps: a question counts once its survey is closed, with
    at least its k answers; reading the page before and after one answer tells nothing."""
    first, second, still_open, too_few, other = (make_survey() for _ in range(5))
    for survey in (first, second, still_open, too_few):
        question = survey.questions.get()
        question.subject = site
        question.save()
    answer_all(first, [make_agent() for _ in range(5)], [10, 10, 2, 9, 9])
    answer_all(second, [make_agent() for _ in range(5)], [9, 8, 8, 0, 10])
    answer_all(still_open, [make_agent() for _ in range(5)], [0] * 5)
    answer_all(too_few, [make_agent() for _ in range(3)], [0] * 3)
    answer_all(other, [make_agent() for _ in range(5)], [0] * 5)
    for survey in (first, second, too_few, other):
        close(survey)
    score = recommendation_of_page(site)
    assert score.answers == 10
    assert (score.promoters, score.passives, score.detractors) == (6, 2, 2)
    assert score.rounded_score == 40


def test_practice_score_uses_the_strictest_group_size(make_survey, make_agent, site):
    survey = make_survey(min_group_size=8)
    question = survey.questions.get()
    question.subject = site
    question.save()
    answer_all(survey, [make_agent() for _ in range(6)], [10] * 6)
    score = recommendation_of_page(site)
    assert score.min_group_size == 8
    assert score.visible_score is None


def test_practice_score_is_one_query(make_survey, make_agent, site, django_assert_num_queries):
    with django_assert_num_queries(1):
        recommendation_of_page(site)


def test_small_groups_are_hidden():
    assert hide_small_groups({"A": 12, "B": 7, "C": 30}, 5) == set()
    assert hide_small_groups({"A": 12, "B": 3, "C": 2}, 5) == {"B", "C"}


def test_a_lone_hidden_group_takes_the_next_smallest_with_it():
    # Otherwise B = total − A − C.
    assert hide_small_groups({"A": 12, "B": 3, "C": 30}, 5) == {"B", "A"}


def test_a_lone_group_under_k_is_hidden():
    assert hide_small_groups({"A": 3}, 5) == {"A"}
