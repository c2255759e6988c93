"""The recommendation score ("NPS") and the rule that hides small groups.

Score = % promoters (9–10) − % detractors (0–6), from −100 to 100, computed in SQL with
conditional aggregates: over the answers, or over the answer tallies (how many answers gave
each value to a question, kept by triggers) when the score covers whole questions. A group
with fewer than *k* answers is never shown as a number.
"""

import math
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from .models import DEFAULT_MIN_GROUP_SIZE, AnswerTally, Question

PROMOTER = Q(value__gte=9)
DETRACTOR = Q(value__lte=6)
PASSIVE = Q(value__in=[7, 8])
# From this many answers a published count is exact; below, rounded down to a multiple of k.
PUBLISHED_EXACT_FROM = 50
# A score is called uncertain when its 95 % interval reaches further than this many points on
# either side, or when it rests on fewer than UNCERTAIN_BELOW answers: with few answers the
# normal approximation is rough.
UNCERTAIN_HALF_WIDTH = 20
UNCERTAIN_BELOW = 30
Z_95 = 1.96
# The variance is taken on proportions adjusted by ADJUSTMENT pseudo-answers (three quarters
# of one a promoter, as much a detractor, one and a half passive: the "adjusted Wald" of the
# NPS): without them, six answers all 10 would give a zero-width interval, "+100 to +100".
ADJUSTMENT = (0.75, 1.5, 0.75)


def adjusted_variance(promoters, passives, detractors):
    """The variance of p_P − p_D, (p_P + p_D − (p_P − p_D)²) / n, on the adjusted counts."""
    promoters += ADJUSTMENT[0]
    detractors += ADJUSTMENT[2]
    n = promoters + passives + ADJUSTMENT[1] + detractors
    p_p, p_d = promoters / n, detractors / n
    return (p_p + p_d - (p_p - p_d) ** 2) / n


def round_half_away(value):
    """The nearest integer, halves away from zero (12.5 → 13, −12.5 → −13)."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


@dataclass(frozen=True)
class Interval:
    """A score's 95 % interval, in whole points from −100 to +100."""

    low: int
    high: int
    half_width: float
    answers: int

    @property
    def uncertain(self):
        return self.half_width > UNCERTAIN_HALF_WIDTH or self.answers < UNCERTAIN_BELOW

    @classmethod
    def around(cls, score, variance, answers):
        """score ± 1.96·√variance, ``score`` and the variance on the scale of proportions."""
        half_width = 100 * Z_95 * math.sqrt(max(variance, 0))
        return cls(
            low=max(-100, round_half_away(100 * score - half_width)),
            high=min(100, round_half_away(100 * score + half_width)),
            half_width=half_width,
            answers=answers,
        )


@dataclass(frozen=True)
class Recommendation:
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE

    @property
    def answers(self):
        return self.promoters + self.passives + self.detractors

    @property
    def enough_answers(self):
        return self.answers > 0 and self.answers >= self.min_group_size

    @property
    def score(self):
        """The exact score, or None when there is no answer."""
        if not self.answers:
            return None
        return 100 * (self.promoters - self.detractors) / self.answers

    @property
    def rounded_score(self):
        score = self.score
        if score is None:
            return None
        return round_half_away(score)

    @property
    def interval(self):
        """The exact 95 % interval around the score: the score is the difference of two
        proportions of the same answers, p_P − p_D, of variance (p_P + p_D − (p_P − p_D)²) / n
        (on the adjusted counts, see ADJUSTMENT). None without an answer."""
        n = self.answers
        if not n:
            return None
        variance = adjusted_variance(self.promoters, self.passives, self.detractors)
        return Interval.around(self.score / 100, variance, n)

    @property
    def visible_interval(self):
        """What may be shown of the interval: None under the minimum group size; below
        PUBLISHED_EXACT_FROM answers, computed from what is shown only (the rounded score
        and the published count), with the largest variance that score allows (no passive
        answer): exact counts cannot be worked back from it (docs/privacy.md)."""
        if not self.enough_answers:
            return None
        if self.answers >= PUBLISHED_EXACT_FROM:
            return self.interval
        return published_interval(self.visible_score, self.published_answers)

    @property
    def published_answers(self):
        """The answer count as pages read by everyone show it (see published_count)."""
        return published_count(self.answers, self.min_group_size)

    @property
    def visible_score(self):
        """What may be shown: the rounded score, or None under the minimum group size."""
        return self.rounded_score if self.enough_answers else None


def published_interval(score, answers):
    """The widest 95 % interval of a score of ``answers`` answers: the variance is largest,
    for a given score s, when nobody is passive (s·n more promoters than detractors)."""
    difference = score / 100
    promoters = answers * (1 + difference) / 2
    variance = adjusted_variance(promoters, 0, answers - promoters)
    return Interval.around(difference, variance, answers)


def recommendation_counts():
    """The aggregate expressions, to use in .aggregate() or .annotate()."""
    return {
        "promoters": Count("pk", filter=PROMOTER),
        "passives": Count("pk", filter=PASSIVE),
        "detractors": Count("pk", filter=DETRACTOR),
    }


def recommendation(answers, min_group_size=DEFAULT_MIN_GROUP_SIZE):
    """The recommendation of a queryset of answers to recommendation questions."""
    totals = answers.aggregate(**recommendation_counts())
    return Recommendation(min_group_size=min_group_size, **totals)


def tallied_counts():
    """The aggregate expressions over answer tallies: the same counts, summed by value."""
    return {
        name: Coalesce(Sum("count", filter=category), 0)
        for name, category in (
            ("promoters", PROMOTER),
            ("passives", PASSIVE),
            ("detractors", DETRACTOR),
        )
    }


def tallies_of(question_ids):
    """The tallies of these questions (ids or a queryset of ids), at most 11 rows each."""
    return AnswerTally.objects.filter(question_id__in=question_ids, count__gt=0)


def recommendation_of_questions(question_ids, min_group_size=DEFAULT_MIN_GROUP_SIZE):
    """The recommendation over every answer to these questions, read from their tallies."""
    totals = tallies_of(question_ids).aggregate(**tallied_counts())
    return Recommendation(min_group_size=min_group_size, **totals)


def recommendation_of_page(page):
    """The published recommendation of a page: its recommendation questions, across surveys.

    Shown to every agent, so it changes only in steps (docs/privacy.md): a question counts
    once its survey is closed and only with at least its survey's k answers; reading the
    page before and after a colleague answers tells nothing. The strictest minimum group
    size of the surveys involved applies, including those of questions nobody answered.
    """
    questions = dict(
        Question.objects.filter(subject_id=page.pk, kind=Question.Kind.RECOMMENDATION).values_list(
            "pk", "survey__min_group_size"
        )
    )
    if not questions:
        return Recommendation()
    published = (
        tallies_of(
            Question.objects.filter(
                pk__in=list(questions), survey__closed_at__isnull=False
            ).values("pk")
        )
        .values("question_id")
        .annotate(**tallied_counts())
        .order_by()
    )
    totals = dict.fromkeys(("promoters", "passives", "detractors"), 0)
    for row in published:
        counts = Recommendation(min_group_size=questions[row.pop("question_id")], **row)
        if counts.enough_answers:
            for name in totals:
                totals[name] += getattr(counts, name)
    return Recommendation(min_group_size=max(questions.values()), **totals)


def published_count(count, k):
    """An answer count as a page everyone reads shows it: exact from PUBLISHED_EXACT_FROM,
    below that rounded down to a multiple of k, so that a single new answer never shows."""
    if count >= PUBLISHED_EXACT_FROM:
        return count
    return count - count % max(k, 1)


def recommendations_by_question(survey):
    """{question_id: Recommendation} for every answered recommendation question of a survey."""
    questions = survey.questions.filter(kind=Question.Kind.RECOMMENDATION).values("pk")
    rows = tallies_of(questions).values("question_id").annotate(**tallied_counts()).order_by()
    return {
        row.pop("question_id"): Recommendation(min_group_size=survey.min_group_size, **row)
        for row in rows
    }


def hide_small_groups(counts, k, hidden=()):
    """Names of the groups to hide so that nothing under k can be derived from what is shown.

    What is shown: every other group and the total. From them a reader derives exactly one
    more figure, the sum of the hidden groups (the total minus the groups shown); no single
    hidden group when two or more are hidden. So: hide the groups under k (and ``hidden``),
    then, while the hidden groups add up to fewer than k answers (but more than none), hide
    the smallest group still shown too. A hidden sum of k or more is a group of k or more.
    """
    hidden = set(hidden) | {name for name, count in counts.items() if count < k}
    while 0 < sum(counts[name] for name in hidden) < k:
        shown = sorted((count, str(name), name) for name, count in counts.items() if count)
        shown = [name for _count, _key, name in shown if name not in hidden]
        if not shown:
            break
        hidden.add(shown[0])
    return hidden
