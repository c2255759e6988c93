"""Every score with its 95 % interval: NPS = p_P − p_D, Var = (p_P + p_D − (p_P − p_D)²) / n
on the counts adjusted by three pseudo-answers (.75 promoter, 1.5 passive, .75 detractor),
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
        # Adjusted: 6.75 / 3.5 / 2.75 of 13, p_P = .51923, p_D = .21154: Var = (.73077 −
        # .30769²) / 13 = .048930, √ = .22120, × 196 = 43.36 around +40.
        ((6, 2, 2), -3, 83, 43.36, True),
        # 60.75 / 21.5 / 20.75 of 103: Var = (.79126 − .38835²) / 103 = .0062179 → 15.46.
        ((60, 20, 20), 25, 55, 15.46, False),
        # 50.75 / 31.5 / 20.75 of 103: Var = (.69417 − .29126²) / 103 = .0059159 → 15.08.
        ((50, 30, 20), 15, 45, 15.08, False),
        # 30.75 / 11.5 / 20.75 of 63: Var = (.81746 − .15873²) / 63 = .012576 → 21.98: too wide.
        ((30, 10, 20), -5, 39, 21.98, True),
        # Everyone a promoter: 5.75 / 1.5 / .75 of 8, Var = (.8125 − .625²) / 8 = .052734 →
        # 45.01: not "+100 to +100", and 5 answers are too few to trust it anyway.
        ((5, 0, 0), 55, 100, 45.01, True),
        # .75 / 1.5 / 40.75 of 43: Var = (.96512 − .93023²) / 43 = .0023206 → 9.44.
        ((0, 0, 40), -100, -91, 9.44, False),
        # Only passives: .75 / 36.5 / .75 of 38, Var = (1.5 / 38) / 38 = .0010388 → 6.32.
        ((0, 35, 0), -6, 6, 6.32, False),
        # 1.75 / 2.5 / 3.75 of 8: Var = (.6875 − .25²) / 8 = .078125 → 54.78 around −40.
        ((1, 1, 3), -95, 15, 54.78, True),
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
    # n = k = 5, 3 / 1 / 1: score +40 on 5 answers; its widest variance, with no passive
    # (3.5 / 1.5 and the adjustment: 4.25 / 1.5 / 2.25 of 8), is (.8125 − .25²) / 8 =
    # .09375, √ = .30619 → ±60.01: from −20 to +100 (100.01 clipped).
    at_k = Recommendation(3, 1, 1, min_group_size=5)
    assert at_k.visible_score == 40
    assert at_k.visible_interval == published_interval(40, 5)
    assert (at_k.visible_interval.low, at_k.visible_interval.high) == (-20, 100)
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
