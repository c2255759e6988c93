"""gunicorn started as docs/configuration.md says, with the production settings, on a
loopback port: for the tests that need the real server's bytes (its headers, plain HTTP)."""

import http.client
import os
import shlex
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
    "SECRET_KEY": "g" * 30 + "-production-secret-used-by-the-tests-only-0123456789",
    "ALLOWED_HOSTS": "intranet.ville.test",
    "BASE_URL": "https://intranet.ville.test",
    "TASKS_BACKEND": "immediate",
}


def documented_command():
    """The gunicorn command line of docs/configuration.md's "Production" section."""
    text = (ROOT / "docs" / "configuration.md").read_text()
    section = text.split("## Production", 1)[1]
    line = next(line for line in section.splitlines() if line.startswith("gunicorn "))
    return shlex.split(line.split("#", 1)[0])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def production_gunicorn(database_url):
    """Yields the port of gunicorn, run by the documented command on a loopback port."""
    port = free_port()
    command = documented_command()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "1"
    system = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    process = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        env={**system, **PRODUCTION_ENV, "DATABASE_URL": database_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(port, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        try:
            get(port, "/healthz", host="intranet.ville.test")
            return
        except OSError:  # not listening yet, or still loading the application
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")


def get(port, path, host=None, headers=None):
    """A plain-HTTP GET; returns (status, headers as a list of pairs, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "GET", path, headers={"Host": host or f"127.0.0.1:{port}", **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def header_values(headers, name):
    return [value for key, value in headers if key.lower() == name.lower()]
