"""What every page's frame needs (header links, main menu, view restrictions), in as few
queries as possible, whatever the page.

Shared content (the menu, the view restrictions, lists of pages) is cached under the
*content version*, a counter kept in the database and raised whenever a page, a restriction,
a category, a tool or a person's name changes (signals.py): each request reads it, so a
publication shows at once in every worker, whatever the cache backend (each worker's own
memory by default).
"""

from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import get_language

from intranet.accounts.models import Agent

from .models import ContentVersion, HomePage
from .visibility import viewable_pages

ADMIN_PERMISSION = ("wagtailadmin", "access_admin")
CACHE_SECONDS = 24 * 3600


def raise_content_version(**_kwargs):
    """Mark every cached fragment of shared content out of date (signal receiver)."""
    with transaction.atomic():
        if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
            ContentVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def agent_facts(request):
    """One query per request: the content version, and what the header offers this agent.

    ``dashboard``: the same people as `dashboard_access` (superusers, skills officers,
    sponsors, managers with a department); ``manages``: the agent has reports;
    ``admin``: Wagtail's admin access permission;
    ``groups``: the agent's group ids and names.
    """
    facts = getattr(request, "_agent_facts", None)
    if facts is not None:
        return facts
    version = ContentVersion.objects.filter(pk=1).values("value")
    user = request.user
    if not user.is_authenticated:
        facts = {
            "version": version.values_list("value", flat=True).first() or 0,
            "dashboard": False,
            "manages": False,
            "admin": False,
            "groups": {},
        }
    else:
        facts = _authenticated_facts(user, version)
    request._agent_facts = facts
    if not hasattr(request, "_wagtail_site"):
        # Every page links to Wagtail pages: the request's site, from the cache too.
        from .routing import remember_site

        remember_site(request)
    return facts


def _authenticated_facts(user, version):
    from intranet.dashboard.permissions import SPONSORS
    from skills.permissions import SKILLS_OFFICERS

    app_label, codename = ADMIN_PERMISSION
    admin_permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).filter(Q(group__user=OuterRef("pk")) | Q(user=OuterRef("pk")))
    rows = list(
        Agent.objects.filter(pk=user.pk)
        .annotate(
            content_version=Subquery(version),
            manages=Exists(Agent.objects.filter(manager=OuterRef("pk"))),
            admin_access=Exists(admin_permission),
        )
        .values(
            "content_version",
            "manages",
            "admin_access",
            "department_id",
            "groups__pk",
            "groups__name",
        )
    )
    groups = {row["groups__pk"]: row["groups__name"] for row in rows if row["groups__pk"]}
    first = rows[0] if rows else {"content_version": 0, "manages": False, "department_id": None}
    return {
        "version": first["content_version"] or 0,
        "dashboard": user.is_superuser
        or bool({SKILLS_OFFICERS, SPONSORS} & set(groups.values()))
        or (first["manages"] and first["department_id"] is not None),
        "manages": bool(first["manages"]),
        "admin": user.is_superuser or any(row["admin_access"] for row in rows),
        "groups": groups,
    }


def view_restrictions(request):
    """[(restriction, page path, group ids)] of every view restriction, cached by version."""
    from wagtail.models import PageViewRestriction

    key = f"chrome:restrictions:{agent_facts(request)['version']}"
    restrictions = cache.get(key)
    if restrictions is None:
        restrictions = [
            (restriction, restriction.page.path, {group.pk for group in restriction.groups.all()})
            for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
                "groups"
            )
        ]
        cache.set(key, restrictions, CACHE_SECONDS)
    return restrictions


def refused_restrictions(request):
    """The restricted pages this agent may not open: computed once per request."""
    refused = getattr(request, "_refused_restricted_pages", None)
    if refused is None:
        facts = agent_facts(request)
        refused = []
        for restriction, _path, group_ids in view_restrictions(request):
            if restriction.restriction_type == restriction.GROUPS:
                accepted = request.user.is_superuser or bool(group_ids & set(facts["groups"]))
            else:
                accepted = restriction.accept_request(request)
            if not accepted:
                refused.append(restriction.page)
        request._refused_restricted_pages = refused
    return refused


def shared_key(request, name, *parts):
    """A cache key for content shared by every agent refused the same restricted pages, which
    changes with the content version; ``parts`` complete it.
    """
    refused = ",".join(str(pk) for pk in sorted(page.pk for page in refused_restrictions(request)))
    version = agent_facts(request)["version"]
    return ":".join(
        str(part) for part in ("shared", name, version, get_language(), refused, *parts)
    )


def shared_content(request, name, compute, *parts):
    """What ``compute()`` returns (picklable), shared by every agent who is refused the same
    restricted pages, until the content version changes; ``parts`` complete the key.
    """
    key = shared_key(request, name, *parts)
    content = cache.get(key)
    if content is None:
        content = compute()
        cache.set(key, content, CACHE_SECONDS)
    return content


def menu(request):
    """The site's home and the top-level pages shown in menus that this agent may open:
    (home url or None, [(title, url)]).
    """

    def entries():
        site_root = HomePage.objects.live().first()
        if site_root is None:
            return (None, [])
        items = viewable_pages(request, site_root.get_children()).in_menu()
        return (
            site_root.get_url(request),
            [(item.title, item.get_url(request)) for item in items],
        )

    return shared_content(request, "menu", entries)
