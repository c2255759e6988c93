"""The health check answers the load balancer before the request's host is checked."""

from . import views

HEALTH_CHECK_PATH = "/healthz"  # intranet/urls.py routes it too, for reverse() and the docs


class HealthCheckMiddleware:
    """Serves /healthz ahead of CommonMiddleware, whose host check would refuse the probe.

    A load balancer probes gunicorn by its address (`Host: 127.0.0.1:8000`), which
    ALLOWED_HOSTS rightly does not list, and over plain HTTP, which SECURE_REDIRECT_EXEMPT
    lets through the HTTPS redirect of SecurityMiddleware (that sits before this one and
    still adds its headers). The check reveals nothing but whether the database answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_CHECK_PATH:
            return views.healthz(request)
        return self.get_response(request)
