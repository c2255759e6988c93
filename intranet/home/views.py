import re

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from intranet.core.visibility import viewable_pages

from . import routing
from .context_processors import site as site_context
from .models import AccessibilityStatementPage

SEARCH_PAGE_SIZE = 10
# The header's colour (--brand in static/css/site.css; theme-color in templates/base.html).
BRAND_COLOUR = "#1d4f91"
SHORT_NAME_LENGTH = 12  # what a phone's home screen shows under an icon
MANIFEST_ICONS = [
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
]


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness and database check for the load balancer and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required  # browsers fetch the manifest without the session cookie
@require_GET
def web_manifest(request):
    """The web app manifest, so that agents can add the intranet to a phone's home screen.

    No service worker goes with it: nothing of the intranet is kept on the phone.
    """
    name = site_context(request)["intranet_name"].strip() or _("Intranet")
    manifest = {
        "name": name,
        "short_name": name if len(name) <= SHORT_NAME_LENGTH else _("Intranet"),
        "lang": "fr",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": BRAND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in MANIFEST_ICONS
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = None
    if query:
        # Words only: a stray double quote is a syntax error for SQLite's full-text search.
        words = " ".join(re.findall(r"\w+", query))
        pages = viewable_pages(request).specific()
        found = pages.search(words) if words else []
        results = Paginator(found, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "home/search.html", {"query": query, "results": results})


@login_not_required  # the law wants it reachable from every page, the login page included
@require_GET
def accessibility_statement(request):
    """The published accessibility statement, at its fixed address, served as Wagtail serves
    any page (hooks, view restrictions): to anyone, signed in or not."""
    statement = AccessibilityStatementPage.objects.live().first()
    if statement is None:
        raise Http404
    return routing.serve_found(request, statement)
