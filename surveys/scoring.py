"""The recommendation score ("NPS") and the rule that hides small groups.

Score = % promoters (9–10) − % detractors (0–6), from −100 to 100, computed in SQL with
conditional aggregates: over the answers, or over the answer tallies (how many answers gave
each value to a question, kept by triggers) when the score covers whole questions. A group
with fewer than *k* answers is never shown as a number.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from .models import DEFAULT_MIN_GROUP_SIZE, AnswerTally, Question

PROMOTER = Q(value__gte=9)
DETRACTOR = Q(value__lte=6)
PASSIVE = Q(value__in=[7, 8])


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
        return int(score + 0.5) if score >= 0 else -int(-score + 0.5)

    @property
    def visible_score(self):
        """What may be shown: the rounded score, or None under the minimum group size."""
        return self.rounded_score if self.enough_answers else None


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
    """Every recommendation question whose subject is this page, across surveys.

    The strictest minimum group size of the surveys involved applies, including those of
    questions nobody answered yet.
    """
    questions = dict(
        Question.objects.filter(subject_id=page.pk, kind=Question.Kind.RECOMMENDATION).values_list(
            "pk", "survey__min_group_size"
        )
    )
    if not questions:
        return Recommendation()
    return recommendation_of_questions(list(questions), min_group_size=max(questions.values()))


def recommendations_by_question(survey):
    """{question_id: Recommendation} for every answered recommendation question of a survey."""
    questions = survey.questions.filter(kind=Question.Kind.RECOMMENDATION).values("pk")
    rows = tallies_of(questions).values("question_id").annotate(**tallied_counts()).order_by()
    return {
        row.pop("question_id"): Recommendation(min_group_size=survey.min_group_size, **row)
        for row in rows
    }


def hide_small_groups(counts, k):
    """Names of the groups to hide: those under k answers, plus, when exactly one group is
    hidden, the next smallest one, so the hidden one cannot be derived from the total.
    """
    hidden = {name for name, count in counts.items() if count < k}
    if len(hidden) == 1:
        visible = sorted((count, name) for name, count in counts.items() if name not in hidden)
        if visible:
            hidden.add(visible[0][1])
    return hidden
