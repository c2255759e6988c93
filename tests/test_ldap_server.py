"""The test directory server itself: what the LDAP sign-in tests can rely on."""

import time

import pytest

from tests.ldap_server.availability import import_python_ldap

# The fixtures (slapd, ldap_directory, dead_ldap_uri, blackhole_ldap_uri) as a plugin: imported
# by name they would be flagged by ruff as redefined in every test's arguments (F811).
pytest_plugins = ["tests.ldap_server.fixtures"]

ldap = import_python_ldap()

CLAIRE_DN = "uid=cmartin,ou=people,dc=ville,dc=test"
ACCOUNT_LOCKED = 1  # PasswordPolicyError accountLocked (draft-behera-ldap-password-policy)


def connect(uri, **options):
    connection = ldap.initialize(uri)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 2)
    connection.set_option(ldap.OPT_TIMEOUT, 2)
    for option, value in options.items():
        connection.set_option(getattr(ldap, option), value)
    return connection


def bind(directory, dn, password):
    connection = connect(directory.uri)
    connection.simple_bind_s(dn, password)
    return connection


def service_connection(directory):
    return bind(directory, directory.bind_dn, directory.bind_password)


def people_uids(directory):
    entries = service_connection(directory).search_s(
        directory.people_dn, ldap.SCOPE_ONELEVEL, "(objectClass=inetOrgPerson)", ["uid"]
    )
    return sorted(entry["uid"][0].decode() for _, entry in entries)


def test_anonymous_clients_cannot_see_people(ldap_directory):
    anonymous = connect(ldap_directory.uri)

    with pytest.raises(ldap.NO_SUCH_OBJECT):
        anonymous.search_s(ldap_directory.people_dn, ldap.SCOPE_SUBTREE, "(uid=cmartin)")


def test_service_account_finds_a_person_by_uid(ldap_directory):
    [(dn, entry)] = service_connection(ldap_directory).search_s(
        ldap_directory.people_dn, ldap.SCOPE_SUBTREE, "(uid=cmartin)"
    )

    assert dn == CLAIRE_DN
    assert entry["mail"] == [b"claire.martin@ville.test"]
    assert entry["employeeNumber"] == [b"10001"]
    assert entry["givenName"] == [b"Claire"]
    assert entry["sn"] == [b"Martin"]


def test_service_account_finds_a_person_by_mail(ldap_directory):
    [(dn, _)] = service_connection(ldap_directory).search_s(
        ldap_directory.people_dn, ldap.SCOPE_SUBTREE, "(mail=Jean.Dupont@ville.test)"
    )

    assert dn == "uid=jdupont,ou=people,dc=ville,dc=test"


def test_service_account_never_reads_password_hashes(ldap_directory):
    [(_, entry)] = service_connection(ldap_directory).search_s(
        CLAIRE_DN, ldap.SCOPE_BASE, attrlist=["*"]
    )

    assert "userPassword" not in entry


def test_accented_names_come_back_in_utf8(ldap_directory):
    [(_, entry)] = service_connection(ldap_directory).search_s(
        ldap_directory.people_dn, ldap.SCOPE_SUBTREE, "(uid=elefevre)"
    )

    assert entry["cn"][0].decode() == "Éloïse Lefèvre"


def test_service_account_finds_the_groups_of_a_person(ldap_directory):
    groups = service_connection(ldap_directory).search_s(
        ldap_directory.groups_dn, ldap.SCOPE_SUBTREE, f"(member={CLAIRE_DN})", ["cn"]
    )

    assert [entry["cn"] for _, entry in groups] == [[b"intranet-admins"]]


def test_a_person_binds_with_their_own_dn_and_password(ldap_directory):
    connection = bind(ldap_directory, CLAIRE_DN, "claire-secret")

    assert connection.whoami_s() == f"dn:{CLAIRE_DN}"


def test_a_person_binds_with_an_accented_password(ldap_directory):
    dn = "uid=elefevre,ou=people,dc=ville,dc=test"

    assert bind(ldap_directory, dn, "éloïse-secret").whoami_s() == f"dn:{dn}"


def test_a_wrong_password_is_refused(ldap_directory):
    with pytest.raises(ldap.INVALID_CREDENTIALS):
        bind(ldap_directory, CLAIRE_DN, "not-claire-secret")


def test_the_disabled_person_is_refused_by_the_server_as_locked(ldap_directory):
    from ldap.controls import DecodeControlTuples
    from ldap.controls.ppolicy import PasswordPolicyControl

    connection = connect(ldap_directory.uri)
    with pytest.raises(ldap.INVALID_CREDENTIALS) as refusal:
        connection.simple_bind_s(
            "uid=pdurand,ou=people,dc=ville,dc=test",
            "paul-secret",
            serverctrls=[PasswordPolicyControl()],
        )

    [policy] = DecodeControlTuples(refusal.value.args[0]["ctrls"])
    assert policy.error == ACCOUNT_LOCKED


def test_an_added_person_binds_and_is_found_by_the_service_account(ldap_directory):
    dn = ldap_directory.add_person(
        "nrobert",
        "nina-secret",
        mail="nina.robert@ville.test",
        employee_number="20001",
        given_name="Nina",
        sn="Robert",
    )

    assert dn == "uid=nrobert,ou=people,dc=ville,dc=test"
    assert bind(ldap_directory, dn, "nina-secret").whoami_s() == f"dn:{dn}"
    [(_, entry)] = service_connection(ldap_directory).search_s(
        ldap_directory.people_dn, ldap.SCOPE_SUBTREE, "(employeeNumber=20001)"
    )
    assert entry["cn"] == [b"Nina Robert"]
    assert entry["mail"] == [b"nina.robert@ville.test"]


def test_an_added_disabled_person_cannot_bind(ldap_directory):
    dn = ldap_directory.add_person("nrobert", "nina-secret", disabled=True)

    with pytest.raises(ldap.INVALID_CREDENTIALS):
        bind(ldap_directory, dn, "nina-secret")


def test_a_removed_person_can_no_longer_bind(ldap_directory):
    ldap_directory.remove_person("cmartin")

    with pytest.raises(ldap.INVALID_CREDENTIALS):
        bind(ldap_directory, CLAIRE_DN, "claire-secret")


def test_removing_an_unknown_person_raises(ldap_directory):
    with pytest.raises(ldap.NO_SUCH_OBJECT):
        ldap_directory.remove_person("nobody")


def test_the_directory_is_reset_to_the_ldif_before_each_test(ldap_directory):
    ldap_directory.remove_person("jdupont")
    ldap_directory.add_person("nrobert", "nina-secret")

    ldap_directory.reset()

    assert people_uids(ldap_directory) == ["cmartin", "elefevre", "jdupont", "lbernard", "pdurand"]


def test_start_tls_succeeds_with_the_test_ca(ldap_directory):
    connection = connect(
        ldap_directory.uri,
        OPT_X_TLS_REQUIRE_CERT=ldap.OPT_X_TLS_DEMAND,
        OPT_X_TLS_CACERTFILE=ldap_directory.ca_file,
        OPT_X_TLS_NEWCTX=0,
    )

    connection.start_tls_s()
    connection.simple_bind_s(CLAIRE_DN, "claire-secret")

    assert connection.whoami_s() == f"dn:{CLAIRE_DN}"


def test_start_tls_fails_certificate_verification_without_the_test_ca(ldap_directory):
    connection = connect(
        ldap_directory.uri, OPT_X_TLS_REQUIRE_CERT=ldap.OPT_X_TLS_DEMAND, OPT_X_TLS_NEWCTX=0
    )

    with pytest.raises(ldap.CONNECT_ERROR):
        connection.start_tls_s()


def test_nothing_answers_on_the_dead_uri(dead_ldap_uri):
    with pytest.raises(ldap.SERVER_DOWN):
        connect(dead_ldap_uri).simple_bind_s("", "")


def test_the_blackhole_uri_times_out_within_the_client_timeout(blackhole_ldap_uri):
    started = time.monotonic()

    with pytest.raises(ldap.TIMEOUT):
        connect(blackhole_ldap_uri).simple_bind_s(CLAIRE_DN, "claire-secret")

    assert time.monotonic() - started < 10
