"""Site-wide security helpers: the admin's content security policy, login lockout keys."""

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.shortcuts import render


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the few relaxations the Wagtail admin needs on its paths.

    The front end gets `CONTENT_SECURITY_POLICY` as is; under `/admin/` the directives of
    `CONTENT_SECURITY_POLICY_ADMIN` replace the matching ones, and a page previewed in the
    admin (rendered by Wagtail on a dummy request for the page's own path) may be framed there.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if request.path_info.startswith(settings.ADMIN_PATH_PREFIX):
            relaxed = settings.CONTENT_SECURITY_POLICY_ADMIN
        elif getattr(request, "is_dummy", False):
            relaxed = {"frame-ancestors": [SELF]}
        else:
            return parts
        parts.replace = {**relaxed, **(parts.replace or {})}
        return parts


def client_ip(request):
    """The client's address: behind `TRUSTED_PROXY_COUNT` proxies, the one the outermost added.

    X-Forwarded-For is read only when proxies are declared, and from the right: entries to the
    left of the proxies' own are whatever the client chose to send.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def login_username(request, credentials=None):
    """The e-mail typed on the login form, as the account is keyed: trimmed and lower-case."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or getattr(request, "POST", {})).get(field)
    return (username or "").strip().lower() or None


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the login form while an account is locked (HTTP 429)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    return render(
        request,
        "registration/locked_out.html",
        {
            "cooloff_minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "password_links": settings.PASSWORD_LOGIN_ENABLED,
        },
        status=429,
    )


def checks_no_secret(request, credentials=None):
    """django-axes' whitelist: a sign-in without a typed identifier (single sign-on's
    callback) is neither counted nor locked, the provider guards its own passwords; nor is a
    password the city's directory could not check, because it did not answer."""
    return login_username(request, credentials) is None or bool(
        getattr(request, "directory_unavailable", False)
    )
