"""The documented backup and restore (ops/backup.sh, ops/restore.sh) give back a working site."""

import http.cookiejar
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from wagtail.documents.models import Document
from wagtail.models import Collection

from intranet.home.models import StandardPage

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump and pg_restore work on PostgreSQL only (CI runs this on PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]

OPS = Path(settings.BASE_DIR) / "ops"
PASSWORD = "motdepasse-solide"


def database_url(name):
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{name}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drop_database(name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def original(site, make_agent, tmp_path, settings):
    """A site with a published page, an agent who can log in and an uploaded document."""
    settings.MEDIA_ROOT = tmp_path / "media"
    page = StandardPage(title="Plan de continuité", slug="plan-continuite", intro="Sauvegardé.")
    site.add_child(instance=page)
    page.save_revision().publish()
    # A transactional test empties the tables, the root collection of the migrations included.
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    document = Document(title="Procédure de crise", collection=collection)
    document.file.save("procedure-crise.txt", ContentFile(b"Appeler le 3 bis."), save=True)
    agent = make_agent("Restauration", email="restauration@ville.test")
    return page, document, agent


@pytest.fixture
def restored_name():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    yield name
    drop_database(name)


@pytest.fixture
def served(tmp_path):
    """Starts gunicorn on a database and media folder; yields the base URL."""
    processes = []

    def serve(url, media_root):
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(media_root),
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "intranet.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                return base
            # Not up yet: refused, or still loading the application past the timeout.
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(process.stderr.read().decode()) from None
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer on the restored database")

    yield serve
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def log_in(base, email):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/compte/connexion/")
    token = next(cookie.value for cookie in jar if cookie.name == settings.CSRF_COOKIE_NAME)
    form = urllib.parse.urlencode(
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/compte/connexion/", data=form, headers={"Referer": f"{base}/compte/connexion/"}
    )
    landing = opener.open(request)
    assert not landing.url.rstrip("/").endswith("/compte/connexion"), "login refused"
    return opener


def session_table():
    """The table of the configured session engine: the one a backup must leave empty."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store.get_model_class()._meta.db_table


def run(script, *args, **env):
    return subprocess.run(
        ["bash", str(OPS / script), *map(str, args)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_backup_restored_into_a_fresh_database_is_served_by_the_site(
    original, restored_name, served, tmp_path
):
    page, document, agent = original
    backup = run(
        "backup.sh",
        tmp_path / "backups",
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        MEDIA_ROOT=settings.MEDIA_ROOT,
    )
    assert backup.returncode == 0, backup.stderr
    dump, media = backup.stdout.split()
    # The original media disappears: only the archive can bring the document back.
    shutil.rmtree(settings.MEDIA_ROOT)

    restored_media = tmp_path / "restored-media"
    restore = run(
        "restore.sh",
        dump,
        media,
        DATABASE_URL=database_url(restored_name),
        MEDIA_ROOT=restored_media,
    )
    assert restore.returncode == 0, restore.stderr

    base = served(database_url(restored_name), restored_media)
    browser = log_in(base, agent.email)
    html = browser.open(f"{base}{page.url}").read().decode()
    assert "Plan de continuité" in html
    assert "Sauvegardé." in html
    assert browser.open(f"{base}{document.url}").read() == b"Appeler le 3 bis."


def test_restoring_into_a_database_that_holds_tables_is_refused(original, restored_name, tmp_path):
    backup = run(
        "backup.sh",
        tmp_path / "backups",
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        MEDIA_ROOT=settings.MEDIA_ROOT,
    )
    dump, media = backup.stdout.split()
    target = {"DATABASE_URL": database_url(restored_name), "MEDIA_ROOT": tmp_path / "m"}
    assert run("restore.sh", dump, media, **target).returncode == 0

    again = run("restore.sh", dump, media, **target)

    assert again.returncode == 1
    assert re.search(r"not empty \(\d+ tables\)", again.stderr)


def test_restore_names_a_missing_dump(tmp_path):
    result = run(
        "restore.sh",
        tmp_path / "absent.dump",
        tmp_path / "absent.tar.gz",
        DATABASE_URL=database_url("never_created"),
        MEDIA_ROOT=tmp_path,
    )
    assert result.returncode == 1
    assert "no such dump" in result.stderr


def back_up(tmp_path):
    backup = run(
        "backup.sh",
        tmp_path / "backups",
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        MEDIA_ROOT=settings.MEDIA_ROOT,
    )
    assert backup.returncode == 0, backup.stderr
    return backup.stdout.split()


def test_the_backup_files_are_readable_by_their_owner_only(original, tmp_path):
    # Whatever the umask of cron's shell: the dump holds password hashes and personal data.
    previous = os.umask(0o022)
    try:
        dump, media = back_up(tmp_path)
    finally:
        os.umask(previous)

    assert stat.S_IMODE(os.stat(dump).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(media).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "backups").st_mode) == 0o700


def test_a_restored_backup_holds_no_session_and_an_old_session_key_opens_nothing(
    original, restored_name, served, tmp_path
):
    page, document, agent = original
    stolen = []
    for _ in range(5):
        browser = Client()
        browser.force_login(agent)
        stolen.append(browser.cookies[settings.SESSION_COOKIE_NAME].value)
    dump, media = back_up(tmp_path)
    restored_media = tmp_path / "restored-media"
    target = {"DATABASE_URL": database_url(restored_name), "MEDIA_ROOT": restored_media}
    assert run("restore.sh", dump, media, **target).returncode == 0

    rows = subprocess.run(
        ["psql", "--dbname", database_url(restored_name), "--tuples-only", "--no-align",
         "--command", f'SELECT count(*) FROM "{session_table()}"'],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert rows.stdout.strip() == "0"

    base = served(database_url(restored_name), restored_media)
    for key in stolen:
        request = urllib.request.Request(
            f"{base}{page.url}",
            headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"},
        )
        landing = urllib.request.urlopen(request)
        assert urllib.parse.urlsplit(landing.url).path == "/compte/connexion/"
