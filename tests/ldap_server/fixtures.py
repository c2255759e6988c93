"""pytest fixtures: a real slapd loaded with directory.ldif, and addresses that never answer.

Load them as a plugin, `pytest_plugins = ["tests.ldap_server.fixtures"]`, or import them by
name into a conftest (`from tests.ldap_server.fixtures import slapd  # noqa: F401`).
"""

import socket

import pytest

from .availability import require_slapd


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    """The running test directory server (a DirectoryServer), stopped at the end of the session.

    Tests that add or remove people should use ldap_directory, which resets them first.
    """
    require_slapd()
    from .server import DirectoryServer

    server = DirectoryServer(tmp_path_factory.mktemp("slapd"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ldap_directory(slapd):
    """The test directory server, with ou=people and ou=groups as directory.ldif has them."""
    slapd.reset()
    return slapd


@pytest.fixture
def dead_ldap_uri():
    """An ldap:// URI on loopback where connections are refused.

    The port stays bound, never listening, so that no other process can take it meanwhile.
    """
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        yield f"ldap://127.0.0.1:{reserved.getsockname()[1]}"


@pytest.fixture
def blackhole_ldap_uri():
    """An ldap:// URI on loopback that accepts TCP connections and never answers.

    The kernel completes the handshakes into the listen backlog; nothing ever reads or
    writes, so only the client's timeouts end an operation.
    """
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"ldap://127.0.0.1:{listener.getsockname()[1]}"
