from django.db.models import Q
from django.utils.functional import SimpleLazyObject

from intranet.accounts.models import Agent
from skills.permissions import SKILLS_OFFICERS

from .permissions import SPONSORS


def dashboard_link(request):
    """Whether to offer the dashboard in the header: one query, only when a template asks.

    The same people as `dashboard_access`: superusers, skills officers, sponsors, and
    managers (agents with reports) who belong to a department.
    """

    def allowed():
        user = request.user
        if not user.is_authenticated:
            return False
        return (
            Agent.objects.filter(pk=user.pk)
            .filter(
                Q(is_superuser=True)
                | Q(groups__name__in=[SKILLS_OFFICERS, SPONSORS])
                | Q(reports__isnull=False, department__isnull=False)
            )
            .exists()
        )

    return {"can_see_dashboard": SimpleLazyObject(allowed)}
