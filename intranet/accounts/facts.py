"""What the frame of every page needs to know of the signed-in agent, in one query per
request: the content version (`intranet.core.content`), their groups, whether they manage
someone, whether they may open Wagtail's admin.

`AgentFactsMiddleware` offers these facts to the kernel's memo (`intranet.core.memo`): the
first part of a page that asks for the content version or the agent's groups reads them all.
"""

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, Subquery

from intranet.core.content import read_content_version
from intranet.core.memo import provide, remembered
from intranet.core.models import ContentVersion

from .models import Agent

ADMIN_PERMISSION = ("wagtailadmin", "access_admin")


def agent_facts(request):
    """{version, manages, admin, department_id, groups {id: name}} of the request's agent.

    ``manages``: the agent has reports; ``admin``: Wagtail's admin access permission.
    """
    return remembered(request, "agent_facts", lambda: read_facts(request.user))


def read_facts(user):
    if not user.is_authenticated:
        return {
            "version": read_content_version(),
            "manages": False,
            "admin": False,
            "department_id": None,
            "groups": {},
        }
    app_label, codename = ADMIN_PERMISSION
    admin_permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).filter(Q(group__user=OuterRef("pk")) | Q(user=OuterRef("pk")))
    rows = list(
        Agent.objects.filter(pk=user.pk)
        .annotate(
            content_version=Subquery(ContentVersion.objects.filter(pk=1).values("value")),
            manages=Exists(Agent.objects.filter(manager=OuterRef("pk"))),
            admin_access=Exists(admin_permission),
        )
        .values("content_version", "manages", "admin_access", "groups__pk", "groups__name")
    )
    groups = {row["groups__pk"]: row["groups__name"] for row in rows if row["groups__pk"]}
    first = rows[0] if rows else {"content_version": 0, "manages": False}
    return {
        "version": first["content_version"] or 0,
        "manages": bool(first["manages"]),
        "admin": user.is_superuser or any(row["admin_access"] for row in rows),
        "department_id": user.department_id,
        "groups": groups,
    }


class AgentFactsMiddleware:
    """Offers the agent's facts to the kernel's memo, read only if a part of the page asks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def of_the_request():
            facts = agent_facts(request)
            return {"content_version": facts["version"], "group_ids": frozenset(facts["groups"])}

        def of_the_agent():
            facts = agent_facts(request)
            return {
                "role_names": frozenset(facts["groups"].values()),
                "has_reports": facts["manages"],
            }

        provide(request, ["content_version", "group_ids"], of_the_request)
        # LoginRequiredMiddleware reads request.user on every request anyway.
        if request.user.is_authenticated:
            provide(request.user, ["role_names", "has_reports"], of_the_agent)
        return self.get_response(request)
