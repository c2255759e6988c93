"""Benchmark (`make bench`): the production settings, plus a URLconf holding a bare view.

The bare view, the framework's floor, lives only in ``bench.urls``: the real site never
serves it. Safe defaults let the benchmark run on loopback over plain HTTP; the load
generator sends ``X-Forwarded-Proto: https`` so the production security settings apply.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-key-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from .production import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
# No mail server, no task worker: generated invitations and notifications go nowhere.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
