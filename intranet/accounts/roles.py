"""Every role of the intranet (a Django group created by migrations), and who counts as a
manager: the one place that names them.

Group names are data written by the migrations (accounts 0002 and 0005); a migration keeps
its own copy of the names it created, as migrations must not import code that may change.
"""

from intranet.core.memo import remembered

from .models import Agent

EDITORS = "Éditeurs"
MODERATORS = "Modérateurs"
PROJECT_LEADS = "Chefs de projet"
SPONSORS = "Commanditaires"
SKILLS_OFFICERS = "Référents compétences"
HR_ADMINISTRATORS = "Administrateurs RH"

# Who follows the practices' figures (charter, onboarding, trainings) for the whole city.
PRACTICES_CITYWIDE = (EDITORS, MODERATORS, SKILLS_OFFICERS)


def role_names(user):
    """The names of ``user``'s groups, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    return remembered(
        user, "role_names", lambda: frozenset(user.groups.values_list("name", flat=True))
    )


def has_role(user, *roles):
    """Whether ``user`` holds one of ``roles`` (superusers are not implied: callers decide)."""
    return bool(role_names(user) & set(roles))


def has_reports(user):
    """Whether someone names ``user`` as their manager, read once per user object."""
    return remembered(user, "has_reports", lambda: Agent.objects.filter(manager=user).exists())


def is_manager(user):
    """A manager: someone with reports and a department, whose figures and teams they follow
    (their department and, for a director, its services)."""
    return bool(user.is_authenticated and user.department_id and has_reports(user))


def is_manager_by_facts(user, facts):
    """`is_manager` read from the request's agent facts (`facts.agent_facts`): no query."""
    return bool(user.is_authenticated and user.department_id and facts["manages"])
