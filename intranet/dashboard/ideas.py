"""Ideas of the idea box in the dashboard: proposed, supported and adopted in the period,
per department where they arose. A department with fewer than *k* ideas shows no number,
nor one derivable from its direction's or the city's total (the rule of indicators.py)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from experiments.models import Idea
from intranet.accounts.models import Department
from practices.indicators import ordered_departments

from .indicators import hidden_departments


@dataclass(frozen=True)
class IdeaCounts:
    """A department's ideas (services included for a direction); None for the scope's total."""

    department: Department | None
    total: int  # ideas proposed: the size of the group
    supported: int  # ideas with at least one support
    supports: int
    adopted: int

    @property
    def is_direction(self):
        return self.department is not None and self.department.parent_id is None


@dataclass(frozen=True)
class IdeaRow:
    department: Department | None
    figures: IdeaCounts | None  # None when too few ideas to show

    @property
    def hidden(self):
        return self.figures is None

    @property
    def is_direction(self):
        return self.department is not None and self.department.parent_id is None


@dataclass(frozen=True)
class IdeaFigures:
    rows: tuple
    total: IdeaRow


FIGURES = ("total", "supported", "supports", "adopted")


def idea_figures(department, period, minimum):
    """IdeaFigures of the ideas proposed in ``period`` in ``department`` with its services
    (None: the whole city); hidden ideas (abuse) are not counted. Two queries."""
    departments = department.with_descendants() if department else Department.objects.all()
    counts = {
        row["department_id"]: tuple(row[name] for name in FIGURES)
        for row in Idea.objects.filter(
            hidden=False,
            department__in=departments,
            created__range=(period.start, period.end),
        )
        .values("department_id")
        .annotate(
            total=Count("pk", distinct=True),
            supported=Count("pk", filter=Q(supports__isnull=False), distinct=True),
            supports=Count("supports"),
            adopted=Count("pk", filter=Q(status=Idea.Status.ADOPTED), distinct=True),
        )
    }
    empty = (0,) * len(FIGURES)
    departments = list(ordered_departments(departments))
    rows = []
    for each in departments:
        figures = [counts.get(each.pk, empty)]
        if each.parent_id is None:
            figures += [
                counts.get(service.pk, empty)
                for service in departments
                if service.parent_id == each.pk
            ]
        rows.append(IdeaCounts(each, *map(sum, zip(*figures, strict=True))))
    rows.append(IdeaCounts(None, *map(sum, zip(*(list(counts.values()) or [empty]), strict=True))))
    hidden = hidden_departments(rows, minimum)
    *shown, total = (IdeaRow(row.department, None if key(row) in hidden else row) for row in rows)
    return IdeaFigures(tuple(shown), total)


def key(row):
    return row.department.pk if row.department else None
