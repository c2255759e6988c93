"""Every score with its 95 % interval: NPS = p_P − p_D, Var = (p_P + p_D − (p_P − p_D)²) / n,
score ± 1.96·√Var in points, clipped to [−100, +100]. Values computed by hand."""

import itertools

import pytest

from surveys.scoring import (
    PUBLISHED_EXACT_FROM,
    Interval,
    Recommendation,
    published_interval,
)


@pytest.mark.parametrize(
    ("counts", "low", "high", "half_width", "uncertain"),
    [
        # p_P = .6, p_D = .2: Var = (.8 − .16) / 10 = .064, √ = .25298, × 196 = 49.58.
        ((6, 2, 2), -10, 90, 49.58, True),
        # The same proportions on 100 answers: Var = .0064, √ = .08, × 196 = 15.68.
        ((60, 20, 20), 24, 56, 15.68, False),
        # p_P = .5, p_D = .2: Var = (.7 − .09) / 100 = .0061, √ = .078102 → 15.31.
        ((50, 30, 20), 15, 45, 15.31, False),
        # 30 / 10 / 20 of 60: d = 1/6, Var = (5/6 − 1/36) / 60 = .013426 → 22.71: too wide.
        ((30, 10, 20), -6, 39, 22.71, True),
        # Everyone a promoter: no variance, but 5 answers are too few to trust it.
        ((5, 0, 0), 100, 100, 0.0, True),
        ((0, 0, 40), -100, -100, 0.0, False),
        # Only passives: a score of 0 and no spread either.
        ((0, 35, 0), 0, 0, 0.0, False),
        # 1 / 1 / 3 of 5: d = −.4, Var = (.8 − .16) / 5 = .128 → 70.12, clipped at −100.
        ((1, 1, 3), -100, 30, 70.12, True),
    ],
)
def test_exact_interval_on_known_sets(counts, low, high, half_width, uncertain):
    promoters, passives, detractors = counts
    interval = Recommendation(promoters, passives, detractors).interval
    assert (interval.low, interval.high) == (low, high)
    assert interval.half_width == pytest.approx(half_width, abs=0.01)
    assert interval.uncertain is uncertain


def test_no_answer_has_no_interval():
    assert Recommendation().interval is None
    assert Recommendation().visible_interval is None


def test_below_k_neither_score_nor_interval_is_published():
    small = Recommendation(promoters=4, min_group_size=5)
    assert small.interval is not None  # computed, never shown
    assert small.visible_score is None
    assert small.visible_interval is None


def test_at_k_the_published_interval_comes_from_the_shown_figures_only():
    # n = k = 5, 3 / 1 / 1: score +40 on 5 answers; the widest variance of +40 is
    # (1 − .16) / 5 = .168, √ = .40988 → ±80.34: from −40 to +100 (120.34 clipped).
    at_k = Recommendation(3, 1, 1, min_group_size=5)
    assert at_k.visible_score == 40
    assert at_k.visible_interval == published_interval(40, 5)
    assert (at_k.visible_interval.low, at_k.visible_interval.high) == (-40, 100)
    assert at_k.visible_interval.uncertain


def test_the_published_interval_of_a_rounded_count_uses_the_count_shown():
    # 7 answers under k = 5 are shown as "at least 5": the interval is that of 5 answers.
    seven = Recommendation(4, 2, 1, min_group_size=5)
    assert seven.published_answers == 5
    assert seven.visible_interval == published_interval(seven.visible_score, 5)


def test_from_fifty_answers_the_published_interval_is_the_exact_one():
    large = Recommendation(30, 10, 10, min_group_size=5)
    assert large.answers == PUBLISHED_EXACT_FROM
    assert large.visible_interval == large.interval
    assert large.visible_interval.half_width < published_interval(40, 50).half_width


def test_the_published_interval_is_never_narrower_than_the_exact_one():
    # Up to the rounding of the score it starts from (half a point at most moves it < 0.5).
    for promoters, passives, detractors in itertools.product(range(20), repeat=3):
        counts = Recommendation(promoters, passives, detractors, min_group_size=5)
        if counts.enough_answers and counts.published_answers == counts.answers:
            assert counts.visible_interval.half_width > counts.interval.half_width - 0.5


def test_uncertain_from_the_half_width_or_the_count():
    assert Interval(0, 40, 20.0, 100).uncertain is False
    assert Interval(0, 41, 20.5, 100).uncertain is True
    assert Interval(10, 10, 0.0, 29).uncertain is True
    assert Interval(10, 10, 0.0, 30).uncertain is False


# Attacks: what a reader of a published score, count and interval can work back.


def shown(counts):
    """What a page everyone reads shows of a recommendation."""
    return (counts.visible_score, counts.published_answers, counts.visible_interval)


def small_sets(k=5):
    """Every (promoters, passives, detractors) of k to 49 answers."""
    for promoters, passives, detractors in itertools.product(
        range(PUBLISHED_EXACT_FROM), repeat=3
    ):
        if k <= promoters + passives + detractors < PUBLISHED_EXACT_FROM:
            yield Recommendation(promoters, passives, detractors, min_group_size=k)


def test_the_exact_interval_would_give_the_exact_counts_away():
    """Why small sets publish another interval: with the exact one, the score, the rounded
    count and the interval single out the exact counts of sets the first two do not."""
    by_score_and_count, by_exact_interval = {}, {}
    for counts in small_sets():
        key = (counts.visible_score, counts.published_answers)
        by_score_and_count.setdefault(key, set()).add(counts)
        by_exact_interval.setdefault((*key, counts.interval), set()).add(counts)
    betrayed = [
        candidates
        for (score, answers, _interval), candidates in by_exact_interval.items()
        if len(candidates) == 1 and len(by_score_and_count[score, answers]) > 1
    ]
    assert len(betrayed) > 100


def test_the_published_interval_tells_nothing_beyond_the_score_and_the_count():
    intervals = {}
    for counts in small_sets():
        score, answers, interval = shown(counts)
        intervals.setdefault((score, answers), set()).add(interval)
    assert all(len(shown_intervals) == 1 for shown_intervals in intervals.values())


def test_a_count_under_fifty_is_shown_rounded_down_to_a_multiple_of_k():
    """The exact count with the rounded score gives promoters − detractors exactly: the
    dashboard used to show it (6 answers at +50: 3 more promoters than detractors)."""
    six = Recommendation(4, 1, 1, min_group_size=5)
    assert six.published_answers == 5
    candidates = {
        (counts.promoters - counts.detractors, counts.answers)
        for counts in small_sets()
        if shown(counts) == shown(six)
    }
    assert len({answers for _difference, answers in candidates}) > 1
