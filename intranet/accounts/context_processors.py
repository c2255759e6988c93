from django.utils.functional import SimpleLazyObject

from .access_codes import manages_access_by_facts
from .facts import agent_facts


def header_links(request):
    """Whether the header offers Wagtail's admin and the agents' access page: decided from the
    agent's facts of the request (one query, shared), only when a template asks.
    """
    return {
        "can_access_admin": SimpleLazyObject(lambda: agent_facts(request)["admin"]),
        "can_manage_access": SimpleLazyObject(
            lambda: manages_access_by_facts(request.user, agent_facts(request))
        ),
    }
