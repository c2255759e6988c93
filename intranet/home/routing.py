"""Serving a Wagtail page in fewer queries, on Wagtail's public API only.

The page a path leads to is kept in the cache under the content version
(`intranet.core.content`), which any publication, unpublication, move or site change raises.
Wagtail walks the tree one query per level (two for a page's specific type); a known path
costs one query, for the page itself, read afresh. The page is then served as Wagtail's own
``serve`` view does, through the same public hooks (``on_serve_page``, which checks the view
restrictions, and ``before_serve_page``); its view restrictions come from the cache too
(`intranet.core.pages.KnownViewRestrictions`). An address with arguments (a sub-route of a
page), an unknown page type or a page gone since are left to Wagtail.
"""

from django.apps import apps
from django.core.cache import cache
from django.http import Http404, HttpResponse
from wagtail import hooks
from wagtail import views as wagtail_views
from wagtail.models import Page

from intranet.core.content import CACHE_SECONDS, content_version, view_restrictions
from intranet.core.pages import KnownViewRestrictions

NOT_FOUND = "not found"


def serve_page(request, path):
    """Wagtail's page serving (view restrictions, hooks, the page's own serve), with the page
    a known address leads to read from the cache."""
    page = cached_page(request, path) if request.user.is_authenticated else None
    if page is None:
        return wagtail_views.serve(request, path)
    return serve_found(request, page)


def cached_page(request, path):
    """The live page ``path`` leads to when the cache knows it, or None to let Wagtail route
    it (remembering what Wagtail found for the next request). Raises Http404 for an address
    known to lead nowhere."""
    key = ":".join(
        str(part) for part in ("route", content_version(request), request.get_host(), path)
    )
    found = cache.get(key)
    if found is None:
        # Wagtail keeps the route it finds for this request: its serve view will not look again.
        route = Page.route_for_request(request, path)
        if route is None:
            cache.set(key, NOT_FOUND, CACHE_SECONDS)
        elif not route.args and not route.kwargs:
            cache.set(key, (route.page._meta.label, route.page.pk), CACHE_SECONDS)
        return None
    if found == NOT_FOUND:
        raise Http404
    label, pk = found
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    page = model.objects.filter(pk=pk, live=True).first()
    if page is None:
        return None
    if isinstance(page, KnownViewRestrictions) and page.alias_of_id is None:
        page.known_view_restrictions = [
            restriction
            for restriction, restricted_path, _groups in view_restrictions(request)
            if page.path.startswith(restricted_path)
        ]
    return page


def serve_found(request, page):
    """What `wagtail.views.serve` does once it has found a page without arguments: the
    ``on_serve_page`` chain around the page's ``serve``, after the ``before_serve_page``
    hooks (tests/test_performance_shared_content.py holds both views to the same answers)."""
    args, kwargs = (), {}
    on_serve_chain = wagtail_views.serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        on_serve_chain = fn(on_serve_chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return on_serve_chain(page, request, args, kwargs)
