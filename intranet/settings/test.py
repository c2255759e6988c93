"""Settings for the test suite (pytest-django)."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://testserver")
# Serve static files straight from the apps: no collectstatic needed to run the tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests log in with `client.login()`, which gives django-axes no request; the lockout tests
# switch it back on.
AXES_ENABLED = False
# Dashboard figures always fresh in tests; tests/test_performance_caching.py turns the cache on.
DASHBOARD_CACHE_SECONDS = 0
