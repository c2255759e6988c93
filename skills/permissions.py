"""Who may import PIX files and see whose levels.

An agent sees their own levels. Skills officers (and superusers) import campaigns and see
every department and the city; managers see their department, its services and the city.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from wagtail.permission_policies import BasePermissionPolicy

from intranet.accounts.models import Department
from intranet.accounts.roles import SKILLS_OFFICERS, has_reports, has_role


def is_skills_officer(user):
    """Superusers and members of the skills officers' group."""
    return user.is_active and (user.is_superuser or has_role(user, SKILLS_OFFICERS))


@dataclass(frozen=True)
class AggregateAccess:
    """The departments whose figures a person may see; every holder sees the city's."""

    departments: list
    default_department: int | None = None

    def allows(self, department_id):
        return any(str(department.pk) == str(department_id) for department in self.departments)


def ordered(departments):
    """Each direction followed by its services."""
    return departments.select_related("parent").order_by(
        Coalesce("parent__name", "name"), F("parent").asc(nulls_first=True), "name"
    )


def aggregate_access(user):
    """What ``user`` may see of the group figures; PermissionDenied for a plain agent."""
    if is_skills_officer(user):
        return AggregateAccess(list(ordered(Department.objects.all())))
    if has_reports(user):
        if user.department_id is None:
            return AggregateAccess([])
        # with_descendants() only needs the key: no query for the department itself.
        department = Department(pk=user.department_id)
        return AggregateAccess(
            list(ordered(department.with_descendants())), default_department=department.pk
        )
    raise PermissionDenied


class SkillsOfficerPolicy(BasePermissionPolicy):
    """Skills officers may look at campaigns; only imports change them."""

    def user_has_permission(self, user, action):
        return action == "view" and is_skills_officer(user)

    def users_with_any_permission(self, actions):
        Agent = get_user_model()
        if "view" not in actions:
            return Agent.objects.none()
        return Agent.objects.filter(
            Q(is_superuser=True) | Q(groups__name=SKILLS_OFFICERS), is_active=True
        ).distinct()
