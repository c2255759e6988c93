"""Production settings, loaded as a server would, and the security headers every page carries."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
    "SECRET_KEY": "k" * 30 + "-production-secret-used-by-the-tests-only-0123456789",
    "ALLOWED_HOSTS": "intranet.ville.test",
    "DATABASE_URL": "sqlite:///:memory:",
}
READ_SETTINGS = """
import json
from django.conf import settings
names = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "AXES_ENABLED",
    "CONTENT_SECURITY_POLICY", "LOG_FORMAT", "MIDDLEWARE", "AUTHENTICATION_BACKENDS",
]
print(json.dumps({name: getattr(settings, name, None) for name in names}))
"""


def run_production(args, **env):
    """Run Python with the production settings and only the environment a server would have."""
    system = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**system, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(**env):
    result = run_production(["-c", "import django; django.setup()\n" + READ_SETTINGS, "--"], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_and_transport_are_locked_down():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["LOG_FORMAT"] == "json"


def test_production_enforces_the_policy_and_the_login_lockout():
    values = production_settings()
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "intranet.core.security.ContentSecurityPolicyMiddleware" in values["MIDDLEWARE"]
    assert values["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["AXES_ENABLED"] is not False


def test_hsts_and_log_format_follow_the_environment():
    values = production_settings(
        SECURE_HSTS_SECONDS="0", SECURE_HSTS_PRELOAD="false", LOG_FORMAT="plain"
    )
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["LOG_FORMAT"] == "plain"


def test_check_deploy_finds_nothing_to_warn_about():
    result = run_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    result = run_production(["manage.py", "check"], SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.fixture
def page_response(agent_client, site):
    return agent_client.get("/")


def test_pages_carry_the_enforced_policy_not_a_report_only_one(page_response):
    policy = page_response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in page_response
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_pages_cannot_be_framed_nor_sniffed(page_response):
    assert page_response["X-Frame-Options"] == "DENY"
    assert page_response["X-Content-Type-Options"] == "nosniff"
    assert page_response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert page_response["Referrer-Policy"] == "same-origin"


def test_only_the_admin_gets_inline_scripts(client, admin_user):
    client.force_login(admin_user)
    admin = client.get(reverse("wagtailadmin_home"))["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in admin
    assert "frame-ancestors 'self'" in admin
    assert "object-src 'none'" in admin
    login = client.get(reverse("login"))["Content-Security-Policy"]
    assert "unsafe-inline" not in login


def test_the_session_cookie_is_http_only_and_same_site(client, agent):
    response = client.post(
        reverse("login"), {"username": agent.email, "password": "motdepasse-solide"}
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
