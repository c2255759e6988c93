"""The test OpenID Connect provider, driven by hand as a relying party would drive it."""

import base64
import hashlib
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from tests.oidc_provider.fixtures import ProviderError

# The fixtures (oidc_provider, oidc) as a plugin: imported by name, ruff would flag them as
# redefined in every test's arguments (F811).
pytest_plugins = ["tests.oidc_provider.fixtures"]

CALLBACK = "http://testserver/oidc/callback/"
SIGNED_OUT = "http://testserver/signed-out/"
EXTRA_CLAIMS = {"matricule": "001042", "groups": ["intranet-editeurs"]}


@pytest.fixture
def provider(oidc):
    oidc.set_redirect_uris([CALLBACK], post_logout=[SIGNED_OUT])
    oidc.add_user(
        "cmartin",
        "mot-de-passe-1",
        email="claire.martin@ville.test",
        given_name="Claire",
        family_name="Martin",
        claims=EXTRA_CLAIMS,
    )
    return oidc


def discovery(provider):
    return requests.get(provider.discovery_url, timeout=5).json()


def authorization_request(provider, scope="openid email profile", **overrides):
    """The parameters a relying party sends, the code verifier it keeps, and the URL."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": CALLBACK,
        "scope": scope,
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
        **overrides,
    }
    params = {name: value for name, value in params.items() if value is not None}
    url = f"{discovery(provider)['authorization_endpoint']}?{urlencode(params)}"
    return params, verifier, url


def callback_parameters(location):
    assert location.startswith(CALLBACK)
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def token_request(provider, code, verifier=None):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
    }
    if verifier:
        data["code_verifier"] = verifier
    return requests.post(discovery(provider)["token_endpoint"], data=data, timeout=5)


def sign_in_and_get_tokens(
    provider, session=None, username="cmartin", password="mot-de-passe-1", **request
):
    params, verifier, url = authorization_request(provider, **request)
    location = provider.sign_in(session or requests.Session(), url, username, password)
    callback = callback_parameters(location)
    assert callback["state"] == params["state"]
    response = token_request(provider, callback["code"], verifier)
    assert response.status_code == 200, response.text
    return params, response.json()


def signing_key(provider, id_token):
    jwks = requests.get(discovery(provider)["jwks_uri"], timeout=5).json()
    return jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(id_token)["kid"]]


def verified_claims(provider, id_token, nonce):
    claims = jwt.decode(
        id_token,
        signing_key(provider, id_token),
        algorithms=["RS256"],
        audience=provider.client_id,
        issuer=provider.issuer,
    )
    assert claims["nonce"] == nonce
    return claims


def failed_checks(provider, id_token, nonce):
    """Which of the relying party's checks the id_token fails, each checked alone."""
    claims = jwt.decode(id_token, options={"verify_signature": False})
    failed = set()
    try:
        jwt.decode(
            id_token,
            signing_key(provider, id_token),
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        failed.add("signature")
    checks = {
        "nonce": claims["nonce"] == nonce,
        "expired": claims["exp"] > time.time(),
        "issuer": claims["iss"] == provider.issuer,
        "audience": claims["aud"] == provider.client_id,
    }
    return failed | {check for check, passed in checks.items() if not passed}


def test_discovery_document_names_the_issuer_and_every_endpoint(provider):
    document = discovery(provider)

    assert document["issuer"] == provider.issuer
    assert provider.discovery_url == f"{provider.issuer}/.well-known/openid-configuration"
    for endpoint in ("authorization", "token", "userinfo", "end_session"):
        assert document[f"{endpoint}_endpoint"].startswith(f"{provider.issuer}/")
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert {"openid", "email", "profile"} <= set(document["scopes_supported"])
    jwks = requests.get(document["jwks_uri"], timeout=5).json()
    assert [(key["kty"], key["alg"]) for key in jwks["keys"]] == [("RSA", "RS256")]


def test_code_flow_gives_a_signed_id_token_and_userinfo_with_every_claim(provider):
    params, tokens = sign_in_and_get_tokens(provider)

    claims = verified_claims(provider, tokens["id_token"], params["nonce"])
    expected = {
        "email": "claire.martin@ville.test",
        "given_name": "Claire",
        "family_name": "Martin",
        **EXTRA_CLAIMS,
    }
    assert expected.items() <= claims.items()
    userinfo = requests.get(
        discovery(provider)["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    ).json()
    assert userinfo == {"sub": claims["sub"], **expected}


def test_sub_is_the_one_add_user_returned(provider):
    provider.set_redirect_uris([CALLBACK])
    sub = provider.add_user("jdupont", "mot-de-passe-2")

    params, tokens = sign_in_and_get_tokens(
        provider, username="jdupont", password="mot-de-passe-2"
    )

    assert verified_claims(provider, tokens["id_token"], params["nonce"])["sub"] == sub


def test_a_user_without_email_has_no_email_claim(provider):
    provider.set_redirect_uris([CALLBACK])
    provider.add_user("sans-courriel", "mot-de-passe-3", given_name="Paul")

    params, tokens = sign_in_and_get_tokens(
        provider, username="sans-courriel", password="mot-de-passe-3"
    )

    claims = verified_claims(provider, tokens["id_token"], params["nonce"])
    assert "email" not in claims
    assert claims["given_name"] == "Paul"


def test_names_and_extra_claims_need_the_profile_scope(provider):
    params, tokens = sign_in_and_get_tokens(provider, scope="openid email")

    claims = verified_claims(provider, tokens["id_token"], params["nonce"])
    assert claims["email"] == "claire.martin@ville.test"
    assert not {"given_name", "family_name", *EXTRA_CLAIMS} & set(claims)


def test_token_request_without_the_code_verifier_is_refused(provider):
    params, verifier, url = authorization_request(provider)
    location = provider.sign_in(requests.Session(), url, "cmartin", "mot-de-passe-1")

    response = token_request(provider, callback_parameters(location)["code"])

    assert response.status_code == 400
    assert "id_token" not in response.json()


def test_authorization_request_without_code_challenge_is_refused(provider):
    params, verifier, url = authorization_request(
        provider, code_challenge=None, code_challenge_method=None
    )

    location = provider.sign_in(requests.Session(), url, "cmartin", "mot-de-passe-1")

    assert callback_parameters(location)["error"] == "invalid_request"


def test_plain_code_challenge_is_refused(provider):
    params, verifier, url = authorization_request(
        provider, code_challenge="a" * 43, code_challenge_method="plain"
    )

    location = provider.sign_in(requests.Session(), url, "cmartin", "mot-de-passe-1")

    assert callback_parameters(location)["error"] == "invalid_request"


def test_wrong_password_is_refused(provider):
    params, verifier, url = authorization_request(provider)

    with pytest.raises(ProviderError, match="refused the password"):
        provider.sign_in(requests.Session(), url, "cmartin", "mauvais")


def test_login_page_labels_its_fields(provider):
    params, verifier, url = authorization_request(provider)

    page = requests.get(url, timeout=5)

    assert page.url.startswith(provider.login_url)
    assert '<label for="id_username">Identifiant</label>' in page.text
    assert '<label for="id_password">Mot de passe</label>' in page.text
    assert '<button type="submit">Se connecter au fournisseur</button>' in page.text


@pytest.mark.parametrize("mode", ["signature", "nonce", "expired", "issuer", "audience"])
def test_each_tamper_mode_breaks_its_own_check_only(provider, mode):
    provider.tamper(mode)

    params, tokens = sign_in_and_get_tokens(provider)

    assert failed_checks(provider, tokens["id_token"], params["nonce"]) == {mode}


def test_tampering_stops_when_asked(provider):
    provider.tamper("signature")
    provider.tamper(None)

    params, tokens = sign_in_and_get_tokens(provider)

    assert failed_checks(provider, tokens["id_token"], params["nonce"]) == set()


def test_reset_stops_tampering_and_forgets_the_users(provider):
    provider.tamper("nonce")
    provider.reset()
    provider.add_user("cmartin", "mot-de-passe-1")

    params, tokens = sign_in_and_get_tokens(provider)

    assert failed_checks(provider, tokens["id_token"], params["nonce"]) == set()


def test_end_session_redirects_to_the_registered_uri_and_ends_the_provider_session(provider):
    session = requests.Session()
    params, tokens = sign_in_and_get_tokens(provider, session)
    logout = {
        "id_token_hint": tokens["id_token"],
        "client_id": provider.client_id,
        "post_logout_redirect_uri": SIGNED_OUT,
        "state": "au-revoir",
    }

    response = session.get(
        discovery(provider)["end_session_endpoint"], params=logout, allow_redirects=False
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"{SIGNED_OUT}?state=au-revoir"
    params, verifier, url = authorization_request(provider)
    assert session.get(url, timeout=5).url.startswith(provider.login_url)


def test_end_session_without_id_token_hint_does_not_prompt_either(provider):
    session = requests.Session()
    sign_in_and_get_tokens(provider, session)
    logout = {"client_id": provider.client_id, "post_logout_redirect_uri": SIGNED_OUT}

    response = session.get(
        discovery(provider)["end_session_endpoint"], params=logout, allow_redirects=False
    )

    assert response.headers["Location"] == SIGNED_OUT


def test_end_session_refuses_an_unregistered_post_logout_uri(provider):
    logout = {"client_id": provider.client_id, "post_logout_redirect_uri": "http://evil.test/"}

    response = requests.get(
        discovery(provider)["end_session_endpoint"], params=logout, allow_redirects=False
    )

    assert response.status_code == 400


def test_control_endpoints_refuse_requests_without_the_secret(provider):
    response = requests.post(f"{provider.base_url}/_test/reset/", json={}, timeout=5)

    assert response.status_code == 403


def test_claims_the_provider_computes_cannot_be_set_per_user(provider):
    with pytest.raises(ProviderError, match="set by the provider"):
        provider.add_user("usurpateur", "mot-de-passe-4", claims={"sub": "quelqu-un"})


def test_unknown_tamper_mode_is_refused(provider):
    with pytest.raises(ProviderError, match="Unknown tamper mode"):
        provider.tamper("everything")
