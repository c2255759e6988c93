from django.utils.functional import SimpleLazyObject

from intranet.accounts.access_codes import manages_access_by_facts
from intranet.home.chrome import agent_facts


def dashboard_link(request):
    """Whether to offer the dashboard and the administration in the header: read with the
    agent's other facts in one query per request (`intranet.home.chrome`), only when a
    template asks.
    """
    return {
        "can_see_dashboard": SimpleLazyObject(lambda: agent_facts(request)["dashboard"]),
        "can_access_admin": SimpleLazyObject(lambda: agent_facts(request)["admin"]),
        "can_manage_access": SimpleLazyObject(
            lambda: manages_access_by_facts(request.user, agent_facts(request))
        ),
    }
