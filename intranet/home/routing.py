"""Serving a Wagtail page in fewer queries: the site and the page a path leads to are kept in
the cache under the content version (`intranet.core.content`), which any page change, move or
site change raises. Wagtail walks the tree one query per level (two for a page's specific
type); a known path costs one query, for the page itself, read afresh.
"""

from django.apps import apps
from django.core.cache import cache
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from intranet.core.content import CACHE_SECONDS, content_version, view_restrictions

NOT_FOUND = "not found"


def _key(request, kind, *parts):
    host = request._get_raw_host()
    return ":".join(str(part) for part in (kind, content_version(request), host, *parts))


def remember_site(request):
    """Set Wagtail's per-request site from the cache (`Site.find_for_request` reads it)."""
    key = _key(request, "site", request.get_port())
    site = cache.get(key)
    if site is None:
        site = Site.find_for_request(request)
        if site is None:
            return
        cache.set(key, site, CACHE_SECONDS)
    request._wagtail_site = site


def remember_route(request, path):
    """Set Wagtail's per-request route (`Page.route_for_request` reads it) from the cache:
    the page a path leads to, or that it leads nowhere. Routes with arguments (sub-routes of
    a page) are left to Wagtail.
    """
    key = _key(request, "route", path)
    found = cache.get(key)
    if found is None:
        route = Page.route_for_request(request, path)
        if route is None:
            cache.set(key, NOT_FOUND, CACHE_SECONDS)
        elif not route.args and not route.kwargs:
            page = route.page
            cache.set(key, (page._meta.label, page.pk), CACHE_SECONDS)
        return
    if found == NOT_FOUND:
        request._wagtail_route_for_request = None
        return
    label, pk = found
    page = apps.get_model(label).objects.filter(pk=pk, live=True).first()
    if page is None:
        return
    if page.alias_of_id is None:
        # Wagtail's check of the page's view restrictions reads them from the cached list of
        # every restriction (the same objects) instead of two queries.
        restrictions = [
            restriction
            for restriction, path, _groups in view_restrictions(request)
            if page.path.startswith(path)
        ]
        page.get_view_restrictions = lambda: restrictions
    request._wagtail_route_for_request = RouteResult(page)
