"""Who may see the practices figures (charter adhesion, onboarding, trainings)."""

from intranet.accounts.models import Department
from intranet.accounts.roles import PRACTICES_CITYWIDE, has_role, is_manager
from intranet.core.memo import remembered


def reporting_scope(user):
    """The departments whose figures ``user`` may see, or None when they may see none.

    Editors, moderators and skills officers follow the whole city; managers their teams.
    Remembered on the user: templates and views ask several times per request.
    """
    return remembered(user, "practices_reporting_scope", lambda: compute_scope(user))


def compute_scope(user):
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser or has_role(user, *PRACTICES_CITYWIDE):
        return Department.objects.all()
    if is_manager(user):
        # A manager: their department and, for a director, its services.
        return Department(pk=user.department_id).with_descendants()
    return None
