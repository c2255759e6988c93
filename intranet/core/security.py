"""Site-wide security helpers: the admin's content security policy, the headers Django has
no setting for, login lockout keys."""

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control


class ResponseHeadersMiddleware:
    """`Permissions-Policy` on every response; `Cache-Control: private, no-store` on every
    response to a logged-in agent and on every download (CSV, XLSX, JSON, documents).

    What an agent saw must not stay in a shared proxy's cache, nor on the disk of a shared
    computer after they logged out; a downloaded export is personal data whoever asked.
    Static files (served by whitenoise, which answers before the login is known) keep their
    long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if is_download(response) or is_logged_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def is_download(response):
    return response.get("Content-Disposition", "").lower().startswith("attachment")


def is_logged_in(request):
    # No `user` when an outer middleware answered (static files, the health check).
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


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
