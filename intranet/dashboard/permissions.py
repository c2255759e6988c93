"""Who may open the impact dashboard, and which departments they may look at.

Skills officers and the direction (superusers, sponsors) follow the whole city; managers
their department and its services; anybody else is refused.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from intranet.accounts.models import Department
from skills.permissions import aggregate_access, is_skills_officer, ordered

SPONSORS = "Commanditaires"


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
    if is_skills_officer(user) or user.groups.filter(name=SPONSORS).exists():
        return DashboardAccess(list(ordered(Department.objects.all())), citywide=True)
    access = aggregate_access(user)
    if not access.departments:
        raise PermissionDenied
    default = next(d for d in access.departments if d.pk == access.default_department)
    return DashboardAccess(access.departments, citywide=False, default_department=default)
