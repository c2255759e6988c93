"""Data sets built once for several tests, each test still isolated."""

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connections, transaction


@contextmanager
def rolled_back():
    """A transaction on every database, rolled back at the end of the block.

    A scoped fixture builds its data set inside it once; pytest-django's transaction of each
    test becomes a savepoint in it, rolled back after the test, so a test that writes leaves
    the next one a clean copy (SQLite and PostgreSQL alike). Caches filled meanwhile
    (Wagtail's site root paths, content types) are cleared so that nothing of the data set
    outlives the block.
    """
    atomics = {alias: transaction.atomic(using=alias) for alias in connections}
    for atomic in atomics.values():
        atomic.__enter__()
    try:
        yield
    finally:
        for alias, atomic in atomics.items():
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)
        for cache in caches.all():
            cache.clear()
        ContentType.objects.clear_cache()
