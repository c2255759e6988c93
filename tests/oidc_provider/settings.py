"""Settings of the test OpenID Connect provider (a Django project of its own).

``serve.py`` fills the ``OIDC_PROVIDER_*`` environment variables before Django starts; the
defaults only let management commands such as ``makemigrations`` run.
"""

import os
import secrets
from pathlib import Path

DATA_DIR = os.environ.get("OIDC_PROVIDER_DATA_DIR", "")
ISSUER = os.environ.get("OIDC_PROVIDER_ISSUER", "http://127.0.0.1/o")

# The relying party the provider knows, and the secret guarding the /_test/ endpoints.
PROVIDER_CLIENT_ID = os.environ.get("OIDC_PROVIDER_CLIENT_ID", "intranet")
PROVIDER_CLIENT_SECRET = os.environ.get("OIDC_PROVIDER_CLIENT_SECRET", "")
PROVIDER_CONTROL_SECRET = os.environ.get("OIDC_PROVIDER_CONTROL_SECRET", "")

SECRET_KEY = secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.oidc_provider",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tests.oidc_provider.tampering.IdTokenTamperingMiddleware",
]

ROOT_URLCONF = "tests.oidc_provider.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(DATA_DIR) / "provider.sqlite3") if DATA_DIR else ":memory:",
        "OPTIONS": {
            # The server is threaded: writers queue instead of failing with "locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Fast hashing: these are throwaway test accounts and client secrets.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The provider shares the host 127.0.0.1 with the intranet's live server, and browsers do
# not separate cookies by port: its cookies must not carry the intranet's names.
SESSION_COOKIE_NAME = "oidc_provider_sessionid"
CSRF_COOKIE_NAME = "oidc_provider_csrftoken"

LOGIN_URL = "/login/"
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("OIDC_PROVIDER_RSA_KEY", ""),
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.claims.ClaimsValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "email": "Adresse électronique",
        "profile": "Profil",
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    # Refuse the "plain" PKCE method: S256 only, as RFC 9700 asks.
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}

# The database lives for one test session: the third-party tables are created from their
# models (migrate --run-syncdb) instead of replaying DOT's two dozen migrations (1.3 s).
MIGRATION_MODULES = dict.fromkeys(["auth", "contenttypes", "sessions", "oauth2_provider"])
