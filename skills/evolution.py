"""Evolution of PIX levels between two snapshots: two campaigns, or two periods.

A snapshot holds at most one shared profile per agent. Groups (a department, the city)
are compared on the agents present in both snapshots, in SQL, and hidden under
``MINIMUM_GROUP_SIZE`` agents.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .framework import CERTIFIABLE_COMPETENCES, CERTIFIABLE_LEVEL, MAX_LEVEL
from .models import Competence, CompetenceResult, PixCampaign, PixParticipation

MINIMUM_GROUP_SIZE = 5


def percent(value, maximum):
    """A whole percentage, halves rounded up (12.5 → 13), e.g. the width of a chart bar."""
    return math.floor(100 * value / maximum + 0.5)


def shared_profiles():
    """Shared profiles-collection participations of known agents: the ones with levels."""
    return PixParticipation.objects.filter(
        is_shared=True,
        agent__isnull=False,
        campaign__kind=PixCampaign.Kind.PROFILES_COLLECTION,
    )


def profile_campaigns():
    """Profiles-collection campaigns, the most recent first (by their latest send)."""
    return (
        PixCampaign.objects.filter(kind=PixCampaign.Kind.PROFILES_COLLECTION)
        .annotate(last_shared_at=Max("participations__shared_at"))
        .order_by(F("last_shared_at").desc(nulls_last=True), "-pk")
    )


@dataclass(frozen=True)
class Snapshot:
    """One side of a comparison."""

    participations: QuerySet

    @classmethod
    def of_campaign(cls, campaign):
        return cls(shared_profiles().filter(campaign=campaign))

    @classmethod
    def of_period(cls, first_day: datetime.date, last_day: datetime.date):
        """Each agent's latest profile shared between the two days (included)."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(first_day, datetime.time.min, zone)
        end = datetime.datetime.combine(last_day, datetime.time.max, zone)
        in_period = shared_profiles().filter(shared_at__range=(start, end))
        latest = in_period.filter(agent=OuterRef("agent")).order_by("-shared_at", "-pk")
        return cls(in_period.filter(pk=Subquery(latest.values("pk")[:1])))


@dataclass(frozen=True)
class CompetenceEvolution:
    code: str
    name: str
    before: float
    after: float
    progressed_share: float

    @property
    def before_percent(self):
        return percent(self.before, MAX_LEVEL)

    @property
    def after_percent(self):
        return percent(self.after, MAX_LEVEL)

    @property
    def progressed_percent(self):
        return percent(self.progressed_share, 1)


@dataclass(frozen=True)
class GroupEvolution:
    """Figures of a group; ``hidden`` (and nothing else) when it is too small."""

    hidden: bool
    agents: int | None = None
    certifiable_before: int | None = None
    certifiable_after: int | None = None
    competences: tuple = ()

    @property
    def certifiable_before_percent(self):
        return percent(self.certifiable_before, self.agents)

    @property
    def certifiable_after_percent(self):
        return percent(self.certifiable_after, self.agents)


def certifiable_count(participations):
    """(participations, certifiable ones): at least 5 competences at level 1 or more."""
    counted = participations.annotate(
        certifying=Count("results", filter=Q(results__level__gte=CERTIFIABLE_LEVEL))
    ).aggregate(
        total=Count("pk"),
        certifiable=Count("pk", filter=Q(certifying__gte=CERTIFIABLE_COMPETENCES)),
    )
    return counted["total"], counted["certifiable"]


def group_evolution(before, after, department=None, minimum=MINIMUM_GROUP_SIZE):
    """Compare the agents of ``department`` (with its services; None: the whole city)
    present in both snapshots."""
    scope = Q(agent__department__in=department.with_descendants()) if department else Q()
    paired_after = after.participations.filter(
        scope, agent__in=before.participations.values("agent")
    )
    paired_before = before.participations.filter(
        scope, agent__in=after.participations.values("agent")
    )
    agents, certifiable_after = certifiable_count(paired_after)
    if agents < minimum:
        return GroupEvolution(hidden=True)
    _agents, certifiable_before = certifiable_count(paired_before)

    # Each result after, joined with the same agent's result before for that competence (a
    # snapshot holds one profile per agent): a join, where a correlated subquery per row took
    # seconds on 20 campaigns of 2,200 agents.
    rows = (
        CompetenceResult.objects.filter(
            participation__in=paired_after,
            participation__agent__pix_participations__in=before.participations,
            participation__agent__pix_participations__results__competence=F("competence"),
            participation__agent__pix_participations__results__level__isnull=False,
        )
        .annotate(level_before=F("participation__agent__pix_participations__results__level"))
        .values("competence__code", "competence__name")
        .annotate(
            compared=Count("pk"),
            mean_before=Avg("level_before"),
            mean_after=Avg("level"),
            progressed=Count("pk", filter=Q(level__gt=F("level_before"))),
        )
        .order_by("competence__code")
    )
    return GroupEvolution(
        hidden=False,
        agents=agents,
        certifiable_before=certifiable_before,
        certifiable_after=certifiable_after,
        competences=tuple(
            CompetenceEvolution(
                code=row["competence__code"],
                name=row["competence__name"],
                before=float(row["mean_before"]),
                after=float(row["mean_after"]),
                progressed_share=row["progressed"] / row["compared"],
            )
            for row in rows
        ),
    )


@dataclass(frozen=True)
class CompetenceLevels:
    code: str
    name: str
    before: int | None
    after: int | None

    @property
    def before_percent(self):
        return percent(self.before or 0, MAX_LEVEL)

    @property
    def after_percent(self):
        return percent(self.after or 0, MAX_LEVEL)

    @property
    def change(self):
        """Levels gained (negative: lost); None without two levels to compare."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def change_size(self):
        return abs(self.change)


def agent_levels(before, after):
    """Levels of one agent's two participations (``before`` may be None), per competence."""
    participations = [participation for participation in (before, after) if participation]
    levels = {
        (participation_id, code): level
        for participation_id, code, level in CompetenceResult.objects.filter(
            participation__in=participations
        ).values_list("participation_id", "competence__code", "level")
    }
    return [
        CompetenceLevels(
            code=code,
            name=name,
            before=levels.get((before.pk, code)) if before else None,
            after=levels.get((after.pk, code)),
        )
        for code, name in Competence.objects.values_list("code", "name")
    ]


def is_certifiable(levels):
    return sum(level is not None and level >= CERTIFIABLE_LEVEL for level in levels) >= (
        CERTIFIABLE_COMPETENCES
    )
