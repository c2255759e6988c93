"""The pytest fixtures that start the test OpenID Connect provider, and its helper object.

Importing this module is cheap: the provider's Django never loads in the test process,
and the server starts only when a test first asks for ``oidc_provider``.
"""

import os
import secrets
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

REPOSITORY = Path(__file__).resolve().parents[2]
CLIENT_ID = "intranet"
STARTUP_TIMEOUT = 30


class ProviderError(RuntimeError):
    """The provider did not start, refused a control request, or a sign-in went wrong."""


class OpenIDProvider:
    """A running test provider: its URLs, its client, and the handles the tests pull."""

    def __init__(self, base_url, client_secret, control_secret):
        self.base_url = base_url
        self.issuer = f"{base_url}/o"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        self.login_url = f"{base_url}/login/"
        self.client_id = CLIENT_ID
        self.client_secret = client_secret
        self._control_secret = control_secret

    def add_user(
        self, username, password, *, email=None, given_name="", family_name="", claims=None
    ):
        """Create a provider user and return its ``sub``; extra ``claims`` need ``profile``."""
        response = self._control(
            "users",
            username=username,
            password=password,
            email=email,
            given_name=given_name,
            family_name=family_name,
            claims=claims or {},
        )
        return response["sub"]

    def set_redirect_uris(self, uris, post_logout=()):
        """Register exactly these redirect and post-logout redirect URIs for the client."""
        self._control(
            "redirect-uris", redirect_uris=list(uris), post_logout_redirect_uris=list(post_logout)
        )

    def tamper(self, mode):
        """Make the token endpoint's id_tokens bad in the way ``mode`` names (None: good)."""
        self._control("tamper", mode=mode)

    def reset(self):
        """Delete users, tokens, grants and sessions, and stop tampering.

        The client's registered redirect URIs are kept.
        """
        self._control("reset")

    def sign_in(self, session, authorize_url, username, password):
        """Go through the provider's login form; return the redirect back to the client.

        ``session`` (a ``requests.Session``) follows ``authorize_url`` on the provider,
        signs in if asked to, and stops at the first redirect that leaves the provider:
        its absolute Location is returned, not followed.
        """
        response = session.get(authorize_url, allow_redirects=False)
        signed_in = False
        for _ in range(10):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if not self._serves(location):
                    return location
                response = session.get(location, allow_redirects=False)
            elif response.status_code == 200 and response.url.startswith(self.login_url):
                if signed_in:
                    raise ProviderError(f"The provider refused the password of {username!r}.")
                fields = login_form_fields(response.text)
                fields.update(username=username, password=password)
                response = session.post(response.url, data=fields, allow_redirects=False)
                signed_in = True
            else:
                raise ProviderError(
                    f"Unexpected {response.status_code} from {response.url}:\n{response.text}"
                )
        raise ProviderError(f"Too many redirects from {authorize_url}")

    def _serves(self, url):
        return urlsplit(url)[:2] == urlsplit(self.base_url)[:2]

    def _control(self, action, **payload):
        response = requests.post(
            f"{self.base_url}/_test/{action}/",
            json=payload,
            headers={"X-Control-Secret": self._control_secret},
            timeout=10,
        )
        if response.status_code != 200:
            raise ProviderError(f"{action}: {response.status_code} {response.text}")
        return response.json()


class LoginFormParser(HTMLParser):
    """Collects the name and value of every input of a page."""

    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def login_form_fields(html):
    """The fields of the provider's login page, CSRF token and ``next`` included."""
    parser = LoginFormParser()
    parser.feed(html)
    return parser.fields


def start_provider(data_dir):
    """Start the provider in a subprocess; return the process and its base URL once it answers."""
    client_secret, control_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_CLIENT_ID": CLIENT_ID,
        "OIDC_PROVIDER_CLIENT_SECRET": client_secret,
        "OIDC_PROVIDER_CONTROL_SECRET": control_secret,
    }
    log_path = data_dir / "provider.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(data_dir)],
            cwd=REPOSITORY,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = wait_until_ready(process, data_dir / "port", log_path)
    except BaseException:
        stop_provider(process)
        raise
    return process, OpenIDProvider(base_url, client_secret, control_secret)


def wait_until_ready(process, port_file, log_path):
    """Wait for the port the provider chose, then for its discovery document."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProviderError(f"The OIDC provider exited:\n{log_path.read_text()}")
        if port_file.exists():
            base_url = f"http://127.0.0.1:{port_file.read_text()}"
            try:
                response = requests.get(
                    f"{base_url}/o/.well-known/openid-configuration", timeout=2
                )
            except requests.ConnectionError:
                response = None
            if response is not None and response.status_code == 200:
                return base_url
        time.sleep(0.05)
    raise ProviderError(f"The OIDC provider did not answer in time:\n{log_path.read_text()}")


def stop_provider(process):
    """Stop the provider process started by ``start_provider``."""
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The test OpenID Connect provider, running for the whole session."""
    process, provider = start_provider(tmp_path_factory.mktemp("oidc_provider"))
    yield provider
    stop_provider(process)


@pytest.fixture
def oidc(oidc_provider):
    """The test OpenID Connect provider, emptied of users and honest again."""
    oidc_provider.reset()
    return oidc_provider
