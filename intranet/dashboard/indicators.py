"""The impact dashboard: the indicators the city chose, composed from every app.

Each indicator reuses its app's own figures (skills, practices, surveys, experiments) for
a period and a department with its services (or the whole city). Every query is an SQL
aggregate: the dashboard costs the same number of queries whatever the data. A group of
fewer than *k* people is never given as a number, nor left derivable from a total.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone

from experiments.models import Experiment
from intranet.accounts.models import Department
from practices import indicators as practices_indicators
from practices.indicators import (
    DepartmentRate,
    active_agents,
    charter_adhesion,
    rates_by_department,
    sessions_between,
)
from practices.models import (
    CharterPage,
    Enrolment,
    OnboardingPage,
    PracticePage,
)
from skills.evolution import (
    MINIMUM_GROUP_SIZE,
    GroupEvolution,
    Snapshot,
    group_evolution,
    profile_campaigns,
    shared_profiles,
)
from skills.models import PixCampaign
from surveys.models import Answer, Question, Survey
from surveys.scoring import Recommendation, hide_small_groups, recommendation_counts
from surveys.trends import Trend, combined_trend, trends_of_pages

# What a direction holds beyond the services listed: its own agents.
REST = "rest"


@dataclass(frozen=True)
class Period:
    """From one day to another, both included, in the city's time zone."""

    first_day: datetime.date
    last_day: datetime.date

    @property
    def start(self):
        return datetime.datetime.combine(
            self.first_day, datetime.time.min, timezone.get_current_timezone()
        )

    @property
    def end(self):
        return datetime.datetime.combine(
            self.last_day, datetime.time.max, timezone.get_current_timezone()
        )


def last_twelve_months(today):
    """The default period: the twelve months up to ``today``."""
    try:
        year_before = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_before = today.replace(year=today.year - 1, day=28)
    return Period(year_before + datetime.timedelta(days=1), today)


@dataclass(frozen=True)
class RateRow:
    """A department's line (the scope's total when ``department`` is None)."""

    department: Department | None
    # None when the group is too small: its numbers never leave this module.
    figures: DepartmentRate | None

    @property
    def hidden(self):
        return self.figures is None

    @property
    def is_direction(self):
        return self.department is not None and self.department.parent_id is None

    @property
    def done(self):
        """How many did it; None when hidden."""
        return None if self.hidden else self.figures.done


@dataclass(frozen=True)
class RateTable:
    rows: tuple  # RateRow per department of the scope, each direction before its services
    total: RateRow


def hidden_parts(counts, whole, minimum):
    """Keys of ``counts`` to hide, the parts of ``whole`` left unlisted counting as one more
    part, so that no small part can be derived by subtraction. Empty parts reveal nothing."""
    parts = {**counts, REST: whole - sum(counts.values())}
    not_empty = {key: count for key, count in parts.items() if count}
    return hide_small_groups(not_empty, minimum) - {REST}


def hidden_departments(rates, minimum):
    """Keys of the rows to hide (department pk, None for the total) of rates_by_department()."""
    *rows, total = rates
    if total.total < minimum:
        return {row.department.pk for row in rows} | {None}
    listed = {row.department.pk for row in rows}
    roots = [row for row in rows if row.department.parent_id not in listed]
    hidden = hidden_parts({row.department.pk: row.total for row in roots}, total.total, minimum)
    for root in roots:
        services = {
            row.department.pk: row.total
            for row in rows
            if row.department.parent_id == root.department.pk
        }
        if services:
            hidden |= hidden_parts(services, root.total, minimum)
    # A hidden direction hides its services too: their sum would give it away.
    return hidden | {row.department.pk for row in rows if row.department.parent_id in hidden}


def rate_table(rates, minimum):
    hidden = hidden_departments(rates, minimum)
    *rows, total = (
        RateRow(rate.department, None if row_key(rate) in hidden else rate) for rate in rates
    )
    return RateTable(tuple(rows), total)


def row_key(rate):
    return rate.department.pk if rate.department else None


def pix_users(departments, period, minimum):
    """Agents who shared a PIX profile in the period, per department."""
    shared = shared_profiles().filter(
        agent=OuterRef("pk"), shared_at__range=(period.start, period.end)
    )
    return rate_table(
        rates_by_department(active_agents(departments), Exists(shared), departments), minimum
    )


@dataclass(frozen=True)
class TrainingFigures:
    participants: RateTable  # agents who attended at least one session
    attendances: int | None  # attended enrolments; None when the scope is too small


def training_participants(departments, period, minimum):
    """Agents who attended a training session of the period, and their attendances."""
    attended = sessions_between(period.first_day, period.last_day).filter(
        status=Enrolment.Status.ATTENDED
    )
    agents = active_agents(departments)
    table = rate_table(
        rates_by_department(agents, Exists(attended.filter(agent=OuterRef("pk"))), departments),
        minimum,
    )
    attendances = None if table.total.hidden else attended.filter(agent__in=agents).count()
    return TrainingFigures(table, attendances)


@dataclass(frozen=True)
class LevelEvolution:
    """The evolution between the last two profiles collections up to the period's end."""

    before: PixCampaign | None = None
    after: PixCampaign | None = None
    figures: GroupEvolution | None = None  # None with fewer than two campaigns


def level_evolution(department, period, minimum):
    campaigns = list(profile_campaigns().filter(last_shared_at__lte=period.end)[:2])
    if len(campaigns) < 2:
        return LevelEvolution()
    after, before = campaigns
    return LevelEvolution(
        before,
        after,
        group_evolution(
            Snapshot.of_campaign(before), Snapshot.of_campaign(after), department, minimum
        ),
    )


@dataclass(frozen=True)
class PracticeRecommendation:
    practice: PracticePage
    recommendation: Recommendation

    @property
    def bar_start(self):
        """Where the score's bar starts on a track from -100 (0 %) to 100 (100 %)."""
        return 50 + min(self.recommendation.visible_score, 0) / 2

    @property
    def bar_width(self):
        return abs(self.recommendation.visible_score) / 2


@dataclass(frozen=True)
class ExperimentRecommendations:
    experiment: Experiment
    practices: tuple  # PracticeRecommendation per practice tested, by title


def recommendations_by_experiment(departments, period, minimum):
    """For each experiment whose retrospective survey ran during the period: each practice
    tested, with its recommendation from that survey. ``departments`` None: every experiment.
    """
    experiments = (
        Experiment.objects.filter(retrospective_survey__opens_at__lte=period.end)
        .alias(
            survey_end=Coalesce(
                "retrospective_survey__closed_at", "retrospective_survey__closes_at"
            )
        )
        .filter(survey_end__gte=period.start)
        .select_related("retrospective_survey")
        .prefetch_related(Prefetch("practices", PracticePage.objects.order_by("title")))
        .order_by("-retrospective_survey__opens_at", "title")
    )
    if departments is not None:
        experiments = experiments.filter(department__in=departments)
    experiments = list(experiments)
    counts = {
        (row.pop("question__survey_id"), row.pop("question__subject_id")): row
        for row in Answer.objects.filter(
            question__survey__in=[
                experiment.retrospective_survey_id for experiment in experiments
            ],
            # Published once the survey is closed: a dashboard read before and after one
            # participant answers must not tell what they answered (docs/privacy.md).
            question__survey__closed_at__isnull=False,
            question__kind=Question.Kind.RECOMMENDATION,
            question__subject__isnull=False,
            value__isnull=False,
        )
        .values("question__survey_id", "question__subject_id")
        .annotate(**recommendation_counts())
    }
    return [
        ExperimentRecommendations(
            experiment,
            practice_recommendations(experiment, counts, minimum),
        )
        for experiment in experiments
    ]


def practice_recommendations(experiment, counts, minimum):
    survey = experiment.retrospective_survey
    # The survey's own minimum applies when it is stricter than the dashboard's.
    k = max(minimum, survey.min_group_size)
    return tuple(
        PracticeRecommendation(
            practice,
            Recommendation(min_group_size=k, **counts.get((survey.pk, practice.pk), {})),
        )
        for practice in experiment.practices.all()
    )


@dataclass(frozen=True)
class PracticeTrend:
    practice: PracticePage
    trend: Trend

    @property
    def anchor(self):
        return f"tendance-{self.practice.pk}"

    @property
    def chart_id(self):
        return f"tendance-{self.practice.pk}-graphique"


# Practices whose trend the dashboard draws, the most answered in the period.
DASHBOARD_TRENDS = 10


def practice_trends(departments, period, minimum):
    """Each live practice's score, survey by survey, for the surveys closed in the period:
    for the whole city (``departments`` None) every survey, as on the practice pages; for a
    department, the retrospectives of its experiments only. Only the practices with a point
    published, by title; three queries however many."""
    trends = trends_of_pages(
        PracticePage.objects.live().values("pk"),
        closed_between=(period.start, period.end),
        minimum=minimum,
        surveys=None
        if departments is None
        else Survey.objects.filter(experiment__department__in=departments).values("pk"),
    )
    shown = {page_id: trend for page_id, trend in trends.items() if trend}
    return [
        PracticeTrend(practice, shown[practice.pk])
        for practice in PracticePage.objects.filter(pk__in=list(shown)).order_by("title")
    ]


@dataclass(frozen=True)
class CharterAdhesion:
    charter: CharterPage
    table: RateTable


def charter_adhesion_today(departments, minimum):
    """Agents who signed the current version of the live charter; None without a charter."""
    charter = CharterPage.objects.live().first()
    if charter is None:
        return None
    return CharterAdhesion(charter, rate_table(charter_adhesion(charter, departments), minimum))


def onboarding_completion(departments, period, minimum):
    """Agents arrived in the period who did every step of the live onboarding path."""
    page = OnboardingPage.objects.live().first()
    if page is None:
        return None
    rates = practices_indicators.onboarding_completion(
        page, departments, period.first_day, period.last_day
    )
    return rate_table(rates, minimum)


@dataclass(frozen=True)
class ImpactDashboard:
    period: Period
    department: Department | None  # None: the whole city
    minimum: int
    pix_users: RateTable
    training: TrainingFigures
    evolution: LevelEvolution
    recommendations: list
    trends: list  # PracticeTrend, all of them (the export holds them all)

    @cached_property
    def drawn_trends(self):
        """The DASHBOARD_TRENDS practices most answered in the period, by title: the others
        are counted (their pages and the export hold their trends), as 300 charts would make
        a page nobody reads."""
        most_answered = sorted(
            range(len(self.trends)),
            key=lambda index: (
                -sum(point.recommendation.answers for point in self.trends[index].trend.points)
            ),
        )[:DASHBOARD_TRENDS]
        return [self.trends[index] for index in sorted(most_answered)]  # still by title

    @property
    def other_trends(self):
        return len(self.trends) - len(self.drawn_trends)

    @property
    def overall_trend(self):
        """Every practice's answers together, survey by survey."""
        return combined_trend(item.trend for item in self.trends)

    charter: CharterAdhesion | None
    onboarding: RateTable | None
    computed_at: datetime.datetime = field(default_factory=timezone.now)


def impact_dashboard(department, period, minimum=MINIMUM_GROUP_SIZE):
    """Every indicator for ``department`` with its services (None: the whole city)."""
    departments = department.with_descendants() if department else Department.objects.all()
    return ImpactDashboard(
        period=period,
        department=department,
        minimum=minimum,
        pix_users=pix_users(departments, period, minimum),
        training=training_participants(departments, period, minimum),
        evolution=level_evolution(department, period, minimum),
        recommendations=recommendations_by_experiment(
            departments if department else None, period, minimum
        ),
        trends=practice_trends(departments if department else None, period, minimum),
        charter=charter_adhesion_today(departments, minimum),
        onboarding=onboarding_completion(departments, period, minimum),
    )
