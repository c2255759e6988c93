from django.utils.functional import SimpleLazyObject

from intranet.accounts.access_codes import HR_ADMINISTRATORS
from intranet.home.chrome import agent_facts


def dashboard_link(request):
    """Whether to offer the dashboard and the administration in the header: read with the
    agent's other facts in one query per request (`intranet.home.chrome`), only when a
    template asks.
    """
    return {
        "can_see_dashboard": SimpleLazyObject(lambda: agent_facts(request)["dashboard"]),
        "can_access_admin": SimpleLazyObject(lambda: agent_facts(request)["admin"]),
        "can_manage_access": SimpleLazyObject(lambda: may_manage_access(request)),
    }


def may_manage_access(request):
    """Managers and HR administrators (accounts.access_codes.can_manage_access), read from
    the agent's facts: no query of its own."""
    facts = agent_facts(request)
    user = request.user
    return user.is_authenticated and (
        user.is_superuser
        or HR_ADMINISTRATORS in facts["groups"].values()
        or (facts["manages"] and user.department_id is not None)
    )
