"""A real OpenLDAP server (Debian's slapd) run by the test suite, loaded from directory.ldif."""

import base64
import contextlib
import ctypes
import hashlib
import os
import secrets
import signal
import socket
import string
import subprocess
import time
from pathlib import Path

import ldap
import ldap.modlist
from ldap.dn import escape_dn_chars
from ldif import LDIFRecordList

from .availability import SLAPD
from .certificates import write_tls_files

HERE = Path(__file__).resolve().parent
CONFIG_TEMPLATE = HERE / "slapd.conf"
DIRECTORY_LDIF = HERE / "directory.ldif"

BASE_DN = "dc=ville,dc=test"
PEOPLE_DN = f"ou=people,{BASE_DN}"
GROUPS_DN = f"ou=groups,{BASE_DN}"
SERVICE_DN = f"cn=intranet,ou=services,{BASE_DN}"
SERVICE_PASSWORD = "service-intranet"
ADMIN_DN = f"cn=admin,{BASE_DN}"
POLICY_DN = f"cn=default,ou=policies,{BASE_DN}"
# Generalized time in the past with no lockout duration: ppolicy's administrative lock.
ADMINISTRATIVE_LOCK = b"000001010000Z"

START_TIMEOUT = 10.0
START_ATTEMPTS = 3
PR_SET_PDEATHSIG = 1
STOP_TIMEOUT = 10.0


class SlapdError(RuntimeError):
    """slapd did not start or answer; the message carries its log."""


class DirectoryServer:
    """One slapd process with its own configuration, data and certificates in run_dir.

    The attributes are what an LDAP client of the test directory needs: `uri`, `base_dn`,
    `people_dn`, `groups_dn`, `bind_dn` and `bind_password` (the intranet's service
    account), `ca_file` (the CA to trust for StartTLS).
    """

    base_dn = BASE_DN
    people_dn = PEOPLE_DN
    groups_dn = GROUPS_DN
    bind_dn = SERVICE_DN
    bind_password = SERVICE_PASSWORD

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.log_file = run_dir / "slapd.log"
        self.uri = ""
        self.ca_file = ""
        self._admin_password = secrets.token_urlsafe(24)
        self._process = None

    def start(self) -> None:
        """Start slapd on a free loopback port, wait until it answers, load the LDIF."""
        (self.run_dir / "data").mkdir()
        tls = write_tls_files(self.run_dir)
        self.ca_file = str(tls.ca_file)
        config_file = self.run_dir / "slapd.conf"
        config_file.write_text(
            string.Template(CONFIG_TEMPLATE.read_text()).substitute(
                run_dir=self.run_dir,
                suffix=BASE_DN,
                root_dn=ADMIN_DN,
                root_password=self._admin_password,
                service_dn=SERVICE_DN,
                policy_dn=POLICY_DN,
                ca_file=tls.ca_file,
                certificate_file=tls.certificate_file,
                key_file=tls.key_file,
            )
        )
        config_file.chmod(0o600)
        try:
            self._launch(config_file)
            with self._admin() as connection:
                for dn, entry in ldif_entries():
                    connection.add_s(dn, ldap.modlist.addModlist(entry))
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop slapd (SIGTERM, then SIGKILL if it lingers)."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def reset(self) -> None:
        """Put people and groups back to the LDIF's content (and clear password-policy state)."""
        restored = (PEOPLE_DN, GROUPS_DN)
        with self._admin() as connection:
            for base in restored:
                children = connection.search_s(base, ldap.SCOPE_ONELEVEL, attrlist=["1.1"])
                for dn, _ in children:
                    connection.delete_s(dn)
            for dn, entry in ldif_entries():
                if dn.lower().endswith(tuple("," + base.lower() for base in restored)):
                    connection.add_s(dn, ldap.modlist.addModlist(entry))

    def add_person(
        self,
        uid: str,
        password: str,
        *,
        mail: str | None = None,
        employee_number: str | int | None = None,
        given_name: str = "",
        sn: str | None = None,
        disabled: bool = False,
    ) -> str:
        """Add an inetOrgPerson under ou=people and return its DN (uid=<uid>,ou=people,…).

        A disabled person is locked by the password policy: its bind is refused.
        """
        dn = f"uid={escape_dn_chars(uid)},{PEOPLE_DN}"
        surname = sn or uid
        attributes = {
            "objectClass": [b"inetOrgPerson"],
            "uid": [uid.encode()],
            "cn": [f"{given_name} {surname}".strip().encode()],
            "sn": [surname.encode()],
            "userPassword": [ssha(password)],
        }
        if given_name:
            attributes["givenName"] = [given_name.encode()]
        if mail:
            attributes["mail"] = [mail.encode()]
        if employee_number:
            attributes["employeeNumber"] = [str(employee_number).encode()]
        if disabled:
            attributes["pwdAccountLockedTime"] = [ADMINISTRATIVE_LOCK]
        with self._admin() as connection:
            connection.add_s(dn, ldap.modlist.addModlist(attributes))
        return dn

    def remove_person(self, uid: str) -> None:
        """Delete uid=<uid>,ou=people,… (ldap.NO_SUCH_OBJECT if there is none)."""
        with self._admin() as connection:
            connection.delete_s(f"uid={escape_dn_chars(uid)},{PEOPLE_DN}")

    @contextlib.contextmanager
    def _admin(self):
        connection = connect(self.uri)
        try:
            connection.simple_bind_s(ADMIN_DN, self._admin_password)
            yield connection
        finally:
            connection.unbind_s()

    def _launch(self, config_file: Path) -> None:
        # Another process may take the free port before slapd binds it: try a few ports.
        for attempt in range(START_ATTEMPTS):
            self.uri = f"ldap://127.0.0.1:{free_port()}"
            with self.log_file.open("wb") as log:
                # -d keeps slapd in the foreground, owned by this process; "stats" logs
                # every connection and operation (BIND, SRCH, RESULT err=…) to slapd.log.
                self._process = subprocess.Popen(
                    [SLAPD, "-f", config_file, "-h", f"{self.uri}/", "-d", "stats"],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_stop_with_parent,
                )
            try:
                self._wait_until_answering()
                return
            except SlapdError:
                self.stop()
                if attempt == START_ATTEMPTS - 1:
                    raise

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._process.poll() is not None:
                raise SlapdError(f"slapd exited with {self._process.returncode}:\n{self.log()}")
            connection = connect(self.uri, timeout=1)
            try:
                connection.whoami_s()
                return
            except ldap.SERVER_DOWN:
                if time.monotonic() > deadline:
                    raise SlapdError(
                        f"slapd did not answer on {self.uri} within {START_TIMEOUT} s:\n"
                        f"{self.log()}"
                    ) from None
                time.sleep(0.02)
            finally:
                connection.unbind_s()

    def log(self) -> str:
        """What slapd printed so far."""
        return self.log_file.read_text(errors="replace")


def connect(uri: str, *, timeout: float = 5) -> ldap.ldapobject.LDAPObject:
    """An unbound python-ldap connection with network and operation timeouts."""
    connection = ldap.initialize(uri)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, timeout)
    connection.set_option(ldap.OPT_TIMEOUT, timeout)
    connection.set_option(ldap.OPT_REFERRALS, 0)
    return connection


def ldif_entries() -> list[tuple[str, dict[str, list[bytes]]]]:
    """The entries of directory.ldif, parents first."""
    with DIRECTORY_LDIF.open("rb") as ldif_file:
        parser = LDIFRecordList(ldif_file)
        parser.parse()
    return parser.all_records


def ssha(password: str) -> bytes:
    """The {SSHA} hash of a password (salted SHA-1, as slappasswd makes by default)."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return b"{SSHA}" + base64.b64encode(digest + salt)


def _stop_with_parent() -> None:
    # PR_SET_PDEATHSIG: a killed pytest must not leave slapd running behind it.
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
