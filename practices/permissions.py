"""Who may see the practices figures (charter adhesion, onboarding, trainings)."""

from intranet.accounts.models import Department

# Editors, moderators and skills officers follow the whole city; managers their teams.
CITYWIDE_GROUPS = ["Éditeurs", "Modérateurs", "Référents compétences"]


def reporting_scope(user):
    """The departments whose figures ``user`` may see, or None when they may see none.

    Cached on the user: templates and views ask several times per request.
    """
    if not hasattr(user, "_practices_reporting_scope"):
        user._practices_reporting_scope = compute_scope(user)
    return user._practices_reporting_scope


def compute_scope(user):
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser or user.groups.filter(name__in=CITYWIDE_GROUPS).exists():
        return Department.objects.all()
    if user.department_id and user.reports.exists():
        # A manager: their department and, for a director, its services.
        return Department(pk=user.department_id).with_descendants()
    return None
