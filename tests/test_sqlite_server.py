"""SQLite configured for a web server (the demo): two requests writing at once both succeed."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's own locking; PostgreSQL has row locks"
)


@pytest.fixture
def connect(tmp_path, django_db_blocker):
    """connect() → a new connection to a demo database file of its own (not the test
    database), with the site's own database settings."""
    opened = []

    def connect():
        wrapper = DatabaseWrapper(
            {**settings.DATABASES["default"], "NAME": str(tmp_path / "demo.sqlite3")}, alias="demo"
        )
        wrapper.connect()
        opened.append(wrapper)
        return wrapper

    with django_db_blocker.unblock():
        yield connect
        for wrapper in opened:
            wrapper.inc_thread_sharing()
            wrapper.close()


def test_readers_do_not_wait_for_a_writer_and_a_writer_waits_for_another(connect):
    reader_writer = connect()
    with reader_writer.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
        cursor.execute("CREATE TABLE page (title TEXT)")
    holding, failures = threading.Event(), []

    def autosave():
        try:
            with connect().cursor() as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("INSERT INTO page VALUES ('brouillon')")
                holding.set()
                time.sleep(1)
                cursor.execute("COMMIT")
        except Exception as error:  # reported by the test's thread below
            failures.append(error)
            holding.set()

    saving = threading.Thread(target=autosave)
    saving.start()
    assert holding.wait(5) and not failures, failures
    with reader_writer.cursor() as cursor:
        # A reader sees the last committed state at once, the writer's lock held.
        assert cursor.execute("SELECT COUNT(*) FROM page").fetchone()[0] == 0
        # A writer waits for the lock instead of answering "database is locked".
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("INSERT INTO page VALUES ('soumission')")
        cursor.execute("COMMIT")
        assert cursor.execute("SELECT COUNT(*) FROM page").fetchone()[0] == 2
    saving.join()
    assert not failures, failures


def test_a_transaction_takes_the_write_lock_as_it_begins():
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
