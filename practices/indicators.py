"""The practices' figures, per department and per period, for reports and the dashboard.

Every figure is aggregated in SQL; Python only rolls services up into their direction.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncMonth

from intranet.accounts.models import Agent, Department

from .models import CharterSignature, Enrolment, OnboardingProgress, OnboardingStep


@dataclass(frozen=True)
class DepartmentRate:
    """How many agents of a department (services included for a direction) did something."""

    department: Department | None
    total: int
    done: int

    @property
    def rate(self):
        """Rounded percentage, or None for an empty department."""
        return round(100 * self.done / self.total) if self.total else None

    @property
    def is_direction(self):
        return self.department is not None and self.department.parent_id is None


def ordered_departments(departments):
    """Each direction followed by its services."""
    return departments.select_related("parent").order_by(
        Coalesce("parent__name", "name"), F("parent").asc(nulls_first=True), "name"
    )


def rates_by_department(agents, done, departments):
    """[DepartmentRate] for each department of the scope, then the scope's total (None).

    ``agents`` is a queryset of the scope's agents; ``done`` the condition for having done
    the thing. A direction's row adds up its own agents and its services'.
    """
    counts = {
        row["department_id"]: (row["total"], row["done"])
        for row in agents.values("department_id").annotate(
            total=Count("pk"), done=Count("pk", filter=done)
        )
    }
    departments = list(ordered_departments(departments))
    rows = []
    for department in departments:
        figures = [counts.get(department.pk, (0, 0))]
        if department.parent_id is None:
            figures += [
                counts.get(service.pk, (0, 0))
                for service in departments
                if service.parent_id == department.pk
            ]
        rows.append(DepartmentRate(department, *map(sum, zip(*figures, strict=True))))
    total = list(counts.values()) or [(0, 0)]
    rows.append(DepartmentRate(None, *map(sum, zip(*total, strict=True))))
    return rows


def active_agents(departments):
    return Agent.objects.filter(is_active=True, department__in=departments)


def charter_adhesion(page, departments):
    """Agents who signed the current version of the charter, per department."""
    signed = CharterSignature.objects.filter(page=page, version=page.version, agent=OuterRef("pk"))
    return rates_by_department(active_agents(departments), Exists(signed), departments)


def onboarding_completion(page, departments, arrived_since, arrived_until=None):
    """Agents arrived since a date (and until another) who did every step of the onboarding,
    per department."""
    missing_step = OnboardingStep.objects.filter(page=page).exclude(
        Exists(
            OnboardingProgress.objects.filter(step=OuterRef("pk"), agent=OuterRef(OuterRef("pk")))
        )
    )
    agents = active_agents(departments).filter(arrival_date__gte=arrived_since)
    if arrived_until is not None:
        agents = agents.filter(arrival_date__lte=arrived_until)
    has_steps = OnboardingStep.objects.filter(page=page)
    done = Q(Exists(has_steps)) & ~Q(Exists(missing_step))
    return rates_by_department(agents, done, departments)


def sessions_between(start, end):
    """Enrolments of the sessions that start between two dates, both included."""
    return Enrolment.objects.filter(
        session__starts_at__date__gte=start, session__starts_at__date__lte=end
    )


PARTICIPATION = {
    "registered": Count("pk", filter=~Q(status=Enrolment.Status.WAITING)),
    "participants": Count("pk", filter=Q(status=Enrolment.Status.ATTENDED)),
    "absents": Count("pk", filter=Q(status=Enrolment.Status.ABSENT)),
}


def participants_by_training(start, end, departments=None):
    """Per training: sessions, seats taken, participants (attended) and absents in the period."""
    enrolments = sessions_between(start, end)
    if departments is not None:
        enrolments = enrolments.filter(agent__department__in=departments)
    return list(
        enrolments.values(
            training_id=F("session__training_id"), title=F("session__training__title")
        )
        .annotate(sessions=Count("session", distinct=True), **PARTICIPATION)
        .order_by("-participants", "title")
    )


def participants_by_month(start, end, departments=None):
    """Per month of the period: seats taken, participants and absents."""
    enrolments = sessions_between(start, end)
    if departments is not None:
        enrolments = enrolments.filter(agent__department__in=departments)
    return list(
        enrolments.annotate(month=TruncMonth("session__starts_at"))
        .values("month")
        .annotate(**PARTICIPATION)
        .order_by("month")
    )


def distinct_participants(start, end, departments=None):
    """How many different agents attended at least one session in the period."""
    enrolments = sessions_between(start, end).filter(status=Enrolment.Status.ATTENDED)
    if departments is not None:
        enrolments = enrolments.filter(agent__department__in=departments)
    return enrolments.values("agent").distinct().count()
