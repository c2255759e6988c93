import re

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail import views as wagtail_views

from .routing import remember_route, remember_site
from .visibility import viewable_pages

SEARCH_PAGE_SIZE = 10


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


def serve_page(request, path):
    """Wagtail's page serving (view restrictions, hooks, the page's own serve), with the site
    and the route read from the cache.
    """
    if request.user.is_authenticated:
        remember_site(request)
        remember_route(request, path)
    return wagtail_views.serve(request, path)
