"""Counting attempts in the database, so that every worker sees the same count."""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Throttle

# Rows older than this are forgotten at the next attempt of any kind.
KEEP = timedelta(days=1)


def throttle_key(kind, value):
    """A key that does not store the value itself (an e-mail address, an IP address)."""
    digest = hashlib.sha256(f"{kind}\x1f{value}".lower().encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def attempts(key, period, now=None):
    """Attempts counted under ``key`` in its current window (0 once the window has passed)."""
    now = now or timezone.now()
    throttle = Throttle.objects.filter(key=key, window_start__gt=now - period).first()
    return throttle.count if throttle else 0


def record(key, period, now=None):
    """Count one attempt under ``key``; return the attempts of the window, this one included.

    A window opens at the first attempt and lasts ``period``.
    """
    now = now or timezone.now()
    Throttle.objects.filter(window_start__lt=now - max(KEEP, period)).delete()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                throttle, _created = Throttle.objects.select_for_update().get_or_create(
                    key=key, defaults={"window_start": now}
                )
                if throttle.window_start <= now - period:
                    throttle.window_start, throttle.count = now, 0
                throttle.count += 1
                throttle.save(update_fields=["window_start", "count"])
                return throttle.count
        except IntegrityError:  # two first attempts at once: the other one created the row
            continue
    raise RuntimeError(f"Cannot count the attempts of {key}.")


def allow(key, limit, period, now=None):
    """Count one attempt; True while the window holds at most ``limit`` of them."""
    return record(key, period, now) <= limit


def clear(key):
    Throttle.objects.filter(key=key).delete()
