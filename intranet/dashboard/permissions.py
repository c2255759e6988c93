"""Who may open the impact dashboard, and which departments they may look at.

Skills officers and the direction (superusers, sponsors) follow the whole city; managers
their department and its services; anybody else is refused.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from intranet.accounts.models import Department
from intranet.accounts.roles import SKILLS_OFFICERS, SPONSORS, has_role, is_manager_by_facts
from skills.permissions import aggregate_access, is_skills_officer, ordered


@dataclass(frozen=True)
class DashboardAccess:
    """The departments one may choose; ``citywide`` adds the whole city, the default."""

    departments: list
    citywide: bool
    default_department: Department | None = None


def dashboard_access(user):
    """What ``user`` may see on the dashboard; PermissionDenied for anybody else.

    Managers are those with reports (as for the skills figures), limited to their department
    and its services: a manager without a department has nothing to see.
    """
    if is_skills_officer(user) or has_role(user, SPONSORS):
        return DashboardAccess(list(ordered(Department.objects.all())), citywide=True)
    access = aggregate_access(user)
    if not access.departments:
        raise PermissionDenied
    default = next(d for d in access.departments if d.pk == access.default_department)
    return DashboardAccess(access.departments, citywide=False, default_department=default)


def may_refresh_figures(user):
    """Whether ``user`` may have the figures computed again before their time: the skills
    officers and the administrators, who answer for them (a computation reads the whole
    city's data, so not every manager at will)."""
    return is_skills_officer(user)


def opens_dashboard_by_facts(user, facts):
    """Whether `dashboard_access` lets ``user`` in, read from the agent's facts of the request
    (`intranet.accounts.facts`): the header's link, without a query of its own."""
    return user.is_authenticated and (
        user.is_superuser
        or bool({SKILLS_OFFICERS, SPONSORS} & set(facts["groups"].values()))
        or is_manager_by_facts(user, facts)
    )
