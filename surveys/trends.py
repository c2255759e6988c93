"""A practice's recommendation over time: one point per closed survey that rated it.

Each point is that survey's own recommendation of the page, published as the page's score
is (docs/privacy.md): once the survey is closed, and only with at least its *k* answers; a
survey under *k* is left out and only counted. Two queries, whatever the number of surveys.
"""

from dataclasses import dataclass

from .models import Question
from .scoring import Recommendation, tallied_counts, tallies_of

# A page draws the last three years of quarterly surveys at most.
SHOWN = 12


@dataclass(frozen=True)
class TrendPoint:
    survey_id: int
    survey_title: str
    closed_at: object  # datetime
    recommendation: Recommendation

    @property
    def score(self):
        return self.recommendation.visible_score

    @property
    def interval(self):
        return self.recommendation.visible_interval

    @property
    def answers(self):
        return self.recommendation.published_answers


@dataclass(frozen=True)
class Trend:
    points: tuple  # TrendPoint, oldest first
    left_out: int  # closed surveys that rated the page with fewer than their k answers

    def __bool__(self):
        return bool(self.points)

    @property
    def last(self):
        return self.points[-1] if self.points else None

    @property
    def recent(self):
        """The points a page draws and lists: the last SHOWN (the dashboard's exports hold all)."""
        return self.points[-SHOWN:]

    @property
    def earlier(self):
        """How many older points the page leaves to the exports."""
        return max(len(self.points) - SHOWN, 0)

    @property
    def chart(self):
        """Where to draw each recent point on the chart (see TrendChart)."""
        return TrendChart(self.recent)


class TrendChart:
    """The geometry of the trend's SVG: scores from +100 (top) to −100 (bottom), the points
    evenly spaced from the oldest (left) to the newest (right), in viewBox units."""

    WIDTH, HEIGHT = 600, 240
    LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 12
    ticks = (100, 50, 0, -50, -100)

    def __init__(self, points):
        self.points = points

    def y(self, score):
        return self.TOP + (100 - score) * (self.HEIGHT - self.TOP - self.BOTTOM) / 200

    def x(self, index):
        if len(self.points) == 1:
            return (self.LEFT + self.WIDTH - self.RIGHT) / 2
        return self.LEFT + index * (self.WIDTH - self.LEFT - self.RIGHT) / (len(self.points) - 1)

    @property
    def view_box(self):
        return f"0 0 {self.WIDTH} {self.HEIGHT}"

    @property
    def axis(self):
        return [(tick, self.y(tick)) for tick in self.ticks]

    @property
    def zero(self):
        return self.y(0)

    @property
    def plot_left(self):
        return self.LEFT

    @property
    def plot_right(self):
        return self.WIDTH - self.RIGHT

    @property
    def marks(self):
        """(x, y of the score, y of the interval's top, y of its bottom) per point."""
        return [
            (
                round(self.x(index), 1),
                round(self.y(point.score), 1),
                round(self.y(point.interval.high), 1),
                round(self.y(point.interval.low), 1),
            )
            for index, point in enumerate(self.points)
        ]

    @property
    def line(self):
        """The polyline's points attribute."""
        return " ".join(f"{x},{y}" for x, y, _top, _bottom in self.marks)


def trend_of_page(page):
    """The trend of a page's recommendation, from its closed surveys (see the module)."""
    return trends_of_pages([page.pk])[page.pk]


def trends_of_pages(page_ids, closed_between=None, minimum=0, surveys=None):
    """{page id: Trend} for these pages (ids, or a queryset of ids), in the same two queries
    however many; with ``closed_between`` (start, end), only the surveys closed then. Given
    a queryset, only the pages some closed survey rated are in the result. ``minimum``
    raises every survey's k (the dashboard's own); ``surveys`` (a queryset) keeps only those."""
    questions = Question.objects.filter(
        subject_id__in=page_ids,
        kind=Question.Kind.RECOMMENDATION,
        survey__closed_at__isnull=False,
    )
    if closed_between is not None:
        questions = questions.filter(survey__closed_at__range=closed_between)
    if surveys is not None:
        questions = questions.filter(survey__in=surveys)
    rated = {}
    for question_id, page_id, survey_id, title, closed_at, k in questions.values_list(
        "pk",
        "subject_id",
        "survey_id",
        "survey__title",
        "survey__closed_at",
        "survey__min_group_size",
    ):
        rated.setdefault((page_id, survey_id), (title, closed_at, k, []))[3].append(question_id)
    counts = {
        row.pop("question_id"): row
        for row in tallies_of(questions.values("pk"))
        .values("question_id")
        .annotate(**tallied_counts())
        .order_by()
    }
    if isinstance(page_ids, list | tuple | set):
        pages = list(page_ids)
    else:
        pages = sorted({page_id for page_id, _survey_id in rated})
    points = {page_id: [] for page_id in pages}
    left_out = dict.fromkeys(pages, 0)
    for (page_id, survey_id), (title, closed_at, k, question_ids) in rated.items():
        recommendation = survey_recommendation(counts, question_ids, max(k, minimum))
        if recommendation.enough_answers:
            points[page_id].append(TrendPoint(survey_id, title, closed_at, recommendation))
        else:
            left_out[page_id] += 1
    return {
        page_id: Trend(
            tuple(sorted(points[page_id], key=lambda point: point.closed_at)), left_out[page_id]
        )
        for page_id in pages
    }


def survey_recommendation(counts, question_ids, k):
    """A survey's recommendation of a page, over its questions about it with k answers or
    more (as recommendation_of_page counts them)."""
    totals = dict.fromkeys(("promoters", "passives", "detractors"), 0)
    for question_id in question_ids:
        question = Recommendation(min_group_size=k, **counts.get(question_id, {}))
        if question.enough_answers:
            for name in totals:
                totals[name] += getattr(question, name)
    return Recommendation(min_group_size=k, **totals)


def combined_trend(trends):
    """One trend of several pages' trends: per survey, the answers of its published points
    added up (each already of k answers or more). No query."""
    surveys = {}
    for trend in trends:
        for point in trend.points:
            surveys.setdefault(point.survey_id, []).append(point)
    points = []
    for same_survey in surveys.values():
        first = same_survey[0]
        counts = {
            name: sum(getattr(point.recommendation, name) for point in same_survey)
            for name in ("promoters", "passives", "detractors")
        }
        recommendation = Recommendation(
            min_group_size=max(point.recommendation.min_group_size for point in same_survey),
            **counts,
        )
        points.append(
            TrendPoint(first.survey_id, first.survey_title, first.closed_at, recommendation)
        )
    return Trend(tuple(sorted(points, key=lambda point: point.closed_at)), 0)
