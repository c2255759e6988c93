"""The site's URLs plus the bare view that every page's throughput is compared with."""

from django.http import HttpResponse
from django.urls import path

from intranet.urls import urlpatterns as site_urlpatterns


def bare(request):
    """The floor: the whole middleware stack (session, logged-in agent), no query of ours."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
