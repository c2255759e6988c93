from django.utils.functional import SimpleLazyObject

from intranet.accounts.facts import agent_facts

from .permissions import opens_dashboard_by_facts


def dashboard_link(request):
    """Whether the header offers the impact dashboard: decided from the agent's facts of the
    request (`intranet.accounts.facts`, no query of its own), only when a template asks.
    """
    return {
        "can_see_dashboard": SimpleLazyObject(
            lambda: opens_dashboard_by_facts(request.user, agent_facts(request))
        ),
    }
