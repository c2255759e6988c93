"""Whether the LDAP tests can run here: slapd and python-ldap, or a loud failure in CI."""

import os
from pathlib import Path

import pytest

SLAPD = Path("/usr/sbin/slapd")
SLAPD_MISSING = (
    "slapd is not installed (apt-get install slapd ldap-utils); .ci/run installs it and sets "
    "REQUIRE_LDAP so these tests always run in CI"
)
PYTHON_LDAP_MISSING = (
    "python-ldap is not installed (pip install -e .[ldap], which builds against Debian's "
    "libldap2-dev and libsasl2-dev); .ci/run installs it and sets REQUIRE_LDAP so these tests "
    "always run in CI"
)


def import_python_ldap():
    """The python-ldap module; skips the test (or module) without it, fails under REQUIRE_LDAP.

    For test modules that use python-ldap directly: `ldap = import_python_ldap()`.
    """
    try:
        import ldap
    except ImportError:
        skip_or_fail(PYTHON_LDAP_MISSING)
    return ldap


def require_slapd() -> None:
    """Skip the test when slapd or python-ldap is missing; fail under REQUIRE_LDAP."""
    if not SLAPD.exists():
        skip_or_fail(SLAPD_MISSING)
    import_python_ldap()


def skip_or_fail(reason: str) -> None:
    """pytest.skip(reason), or pytest.fail when REQUIRE_LDAP says the tests must run."""
    if os.environ.get("REQUIRE_LDAP"):
        pytest.fail(f"REQUIRE_LDAP is set but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
