"""Settings shared by every environment, driven by environment variables.

Each variable is documented in docs/configuration.md.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "intranet.core",
    "intranet.accounts",
    "intranet.home",
    "practices",
    "surveys",
    "experiments",
    "skills",
    "intranet.dashboard",
    "intranet.worker",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "intranet.accounts.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "intranet.core.apps.WagtailImagesConfig",
    "wagtail.search",
    "intranet.core.apps.WagtailAdminConfig",
    "wagtail",
    "modelcluster",
    "taggit",
    "viewflow",
    "viewflow.workflow",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "intranet.core.apps.StaticFilesConfig",
    "csp",
    "axes",
]

# Declared explicitly: viewflow's AUTOREGISTER would append its own middlewares.
MIDDLEWARE = [
    "intranet.logging.RequestContextMiddleware",
    # Permissions-Policy and Cache-Control, on every response: redirects to HTTPS included.
    "intranet.core.security.ResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before CommonMiddleware's host check: the load balancer probes by address.
    "intranet.home.health.HealthCheckMiddleware",
    "intranet.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "intranet.accounts.sessions.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Offers the agent's facts to the kernel's memo: one query when a page needs them.
    "intranet.accounts.facts.AgentFactsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

VIEWFLOW = {"AUTOREGISTER": False}

ROOT_URLCONF = "intranet.urls"
WSGI_APPLICATION = "intranet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Our templates come first: viewflow ships root templates (403, registration/…).
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "intranet.home.context_processors.site",
                "intranet.accounts.context_processors.header_links",
                "intranet.dashboard.context_processors.dashboard_link",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a web server's database (the demo): readers never wait for the writer (WAL),
    # a writer waits up to 20 s for another (Wagtail's autosave beside a submission) instead
    # of answering "database is locked", and a transaction takes the write lock as it begins,
    # so that two never fail upgrading a read lock at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Agent"

# Signing in (docs/configuration.md, "Signing in"). Every door leads to an agent the HR
# directory already knows; each can be closed.
PASSWORD_LOGIN_ENABLED = env_bool("PASSWORD_LOGIN_ENABLED", True)
ACCESS_CODE_LOGIN_ENABLED = env_bool("ACCESS_CODE_LOGIN_ENABLED", True)
ACCESS_CODE_DAYS = int(env("ACCESS_CODE_DAYS", "30"))
ACTIVATION_LINK_DAYS = int(env("ACTIVATION_LINK_DAYS", "14"))
# "First access" and "forgotten password" links: per address, then per client address.
SIGN_IN_LINKS_PER_ADDRESS = int(env("SIGN_IN_LINKS_PER_ADDRESS", "3"))
SIGN_IN_LINKS_PER_CLIENT = int(env("SIGN_IN_LINKS_PER_CLIENT", "20"))
SIGN_IN_LINKS_PERIOD_MINUTES = int(env("SIGN_IN_LINKS_PERIOD_MINUTES", "60"))

# Kiosk for surveys on shared devices (/borne/): how long an agent may take between their
# code and their answers, and how many wrong codes one device may type.
KIOSK_ENABLED = env_bool("KIOSK_ENABLED", True)
KIOSK_TICKET_MINUTES = int(env("KIOSK_TICKET_MINUTES", "30"))
KIOSK_IDLE_SECONDS = int(env("KIOSK_IDLE_SECONDS", "120"))  # back to the code screen
KIOSK_FAILURES_PER_CLIENT = int(env("KIOSK_FAILURES_PER_CLIENT", "20"))
KIOSK_FAILURES_PERIOD_MINUTES = int(env("KIOSK_FAILURES_PERIOD_MINUTES", "15"))

# OpenID Connect (mozilla-django-oidc): on when a client id is set.
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "")
OIDC_DISCOVERY_URL = env("OIDC_DISCOVERY_URL", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_END_SESSION_ENDPOINT", "")
OIDC_OP_ISSUER = env("OIDC_ISSUER", "")
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", "RS256")
OIDC_AUTH_EXTRA_PARAMS = env_list("OIDC_AUTH_EXTRA_PARAMS", "")  # ProConnect: acr_values=eidas1
OIDC_EMAIL_CLAIM = env("OIDC_EMAIL_CLAIM", "email")
OIDC_MATRICULE_CLAIM = env("OIDC_MATRICULE_CLAIM", "")
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "")
OIDC_ROLE_MAP = env("OIDC_ROLE_MAP", "")
OIDC_CREATE_AGENTS = env_bool("OIDC_CREATE_AGENTS", False)
OIDC_TIMEOUT = float(env("OIDC_TIMEOUT", "5"))
OIDC_CLOCK_SKEW_SECONDS = int(env("OIDC_CLOCK_SKEW_SECONDS", "60"))
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the hint that ends the provider's session at logout
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", False)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"

# LDAP / Active Directory (django-auth-ldap, the `ldap` extra): on when a server is set.
LDAP_SERVER_URI = env("LDAP_SERVER_URI", "")
LDAP_ENABLED = bool(LDAP_SERVER_URI)
if LDAP_ENABLED:
    from intranet.accounts.ldap_settings import ldap_settings

    globals().update(ldap_settings(env, env_bool))

# django-axes first: it refuses a locked-out login before any secret is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "intranet.accounts.backends.AgentBackend",
    *(["intranet.accounts.ldap_backend.AgentLDAPBackend"] if LDAP_ENABLED else []),
    "intranet.accounts.backends.AccessCodeBackend",
    *(["intranet.accounts.oidc.AgentOIDCBackend"] if OIDC_ENABLED else []),
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login brute force (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account
# from one address, that account is refused from that address for LOGIN_COOLOFF_MINUTES.
# Not by address alone: a whole office shares one NAT address. Not by account alone: anyone
# could then lock a colleague out from anywhere. Behind a proxy, set TRUSTED_PROXY_COUNT.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field, though accounts key on e-mail
AXES_USERNAME_CALLABLE = "intranet.core.security.login_username"
AXES_CLIENT_IP_CALLABLE = "intranet.core.security.client_ip"
AXES_LOCKOUT_CALLABLE = "intranet.core.security.lockout_response"
# Single sign-on checks no secret here (the provider does): nothing to count or lock.
AXES_WHITELIST_CALLABLE = "intranet.core.security.checks_no_secret"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept: failures are enough
AXES_ENABLE_ADMIN = False  # no django.contrib.admin: `manage.py axes_reset_username`
# Proxies in front of the intranet: their X-Forwarded-For gives the client's address.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Login sessions in the database, each knowing its agent ("log out everywhere"); they end
# after SESSION_IDLE_HOURS without a request (shared computers), activity keeps them alive.
SESSION_ENGINE = "intranet.accounts.sessions"
SESSION_COOKIE_AGE = round(float(env("SESSION_IDLE_HOURS", "12")) * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Strict would log agents out when they follow an e-mail link
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its preview views SAMEORIGIN itself
# The load balancer probes /healthz over plain HTTP (intranet/home/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browser features no page of the intranet uses: denied to it and to anything it frames. The
# kiosk reads codes typed or sent by a USB scanner (a keyboard), never through the camera.
# Only features Chromium knows: an unknown one is a console warning on every page.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Content Security Policy: no inline script nor style, nothing from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin replaces these directives on its own paths (measured in a browser:
# tests/e2e/test_security_csp.py). Its widgets still print inline <script> without a nonce
# and its editor injects <style>; its preview frames admin pages; its multiple upload shows
# thumbnails from blob: URLs; superusers see new releases.
ADMIN_PATH_PREFIX = "/admin/"
CONTENT_SECURITY_POLICY_ADMIN = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "blob:"],
    "connect-src": [SELF, "https://releases.wagtail.org"],
    "frame-ancestors": [SELF],
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "intranet" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded images served by the intranet to logged-in agents; false when the proxy serves them.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Intranet <intranet@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background work (e-mails): "database" queues it for `manage.py db_worker`; "immediate" runs
# it inside the request, which is fine for the demo.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env("TASKS_BACKEND", "immediate")]}}
# A task still RUNNING this many minutes after it started is taken for one whose worker died:
# it is queued again once, then failed (docs/operations.md). Keep it above the longest task of
# each queue (an e-mail takes seconds); "*" is every queue not named.
TASKS_STALE_AFTER_MINUTES = {"*": float(env("TASKS_STALE_AFTER_MINUTES", "15"))}

WAGTAIL_SITE_NAME = env("SITE_NAME", "Intranet de la Ville")
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_REQUIRED = False  # an agent added by hand gets an activation link
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # agents' e-mail hashes stay here
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "intranet.core.search",
        # Wagtail's database backend, titles weighted on SQLite too (intranet/core/search.py).
        # French stemming, accents ignored (created by practices' migration 0004).
        "SEARCH_CONFIG": "french_unaccent",
    }
}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Uploads: no SVG (it can carry scripts), documents from a list of office formats, served as
# downloads (PDF aside) with nosniff and `default-src 'none'` by Wagtail's serve view.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# 40 megapixels: a 36-Mpx camera photo (7360 x 4912) or a 24-Mpx one fits, and a photo of that
# size is already near the 10 MB limit; decoded, it takes at most 160 MB (4 bytes a pixel).
# Wagtail's default (128 Mpx) let a 15 KB PNG of 121 Mpx in, and each rendition of it took a
# worker 600 MB more. Pillow refuses to open anything larger, uploaded or stored
# (intranet/core/images.py).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "intranet.core.uploads.ImageForm"
WAGTAILDOCS_EXTENSIONS = [
    "csv", "doc", "docx", "odg", "odp", "ods", "odt", "pdf", "ppt", "pptx", "rtf", "txt", "xls",
    "xlsx", "zip",
]  # fmt: skip
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "intranet.core.uploads.DocumentForm"
DOCUMENT_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields without files; Django's default
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files go to a temporary file on disk
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Logs go to standard error, as one JSON object per line (LOG_FORMAT=json) or plain text.
LOG_FORMAT = env("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "intranet.logging.JSONFormatter"},
    },
    # Secrets in addresses (invitation and sign-in tokens) never reach the logs.
    "filters": {"redact_secrets": {"()": "intranet.logging.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # its start-up banner on every command
    },
}
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"password": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"password": False}
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL

# Each app's demo content, in dependency order (`manage.py seed_demo`).
DEMO_SEEDERS = [
    "intranet.accounts.demo.seed",
    "intranet.home.demo.seed",
    "practices.demo.seed",
    "surveys.demo.seed",
    "skills.demo.seed",
    "experiments.demo.seed",
]

# Caching (performance, docs/performance.md): each worker's memory. Keys embed the version of
# what they hold (a page's publication, a closed survey), so a publication shows at once in
# every worker; only the impact dashboard's figures may lag, by DASHBOARD_CACHE_SECONDS.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(env("CACHE_MAX_ENTRIES", "5000"))},
    }
}
DASHBOARD_CACHE_SECONDS = int(env("DASHBOARD_CACHE_SECONDS", "300"))

# Personal data retention (docs/privacy.md): `manage.py purge_survey_personal_data` deletes
# the invitations and named-answer authors of surveys closed more than this many months ago.
SURVEY_RETENTION_MONTHS = int(env("SURVEY_RETENTION_MONTHS", "12"))

# Experiments' follow-up surveys (issue 16 §4, experiments/follow_ups.py): months after the
# action plan, comma-separated ("3,6": one at +3 months, one at +6).
EXPERIMENT_FOLLOW_UP_MONTHS = [
    int(months)
    for months in env("EXPERIMENT_FOLLOW_UP_MONTHS", "3,6").split(",")
    if months.strip()
]
