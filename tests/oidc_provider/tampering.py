"""Bad id_tokens on demand, so that the relying party's checks can be tested.

The mode lives in this process's memory: the provider is one process, and the
control endpoint sets it.
"""

import functools
import json
import secrets
import threading
import time

from jwcrypto import jwk, jwt
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

MODES = ("signature", "nonce", "expired", "issuer", "audience")
HOUR = 3600

_lock = threading.Lock()
_mode = None


def set_mode(mode):
    """Make the token endpoint's id_tokens bad in the way ``mode`` names, or good (None)."""
    global _mode
    if mode is not None and mode not in MODES:
        raise ValueError(f"Unknown tamper mode {mode!r}; expected one of {MODES} or None.")
    with _lock:
        _mode = mode


def current_mode():
    """The mode set last, or None."""
    with _lock:
        return _mode


@functools.cache
def impostor_key():
    """An RSA key that the JWKS does not publish."""
    return jwk.JWK.generate(kty="RSA", size=2048)


def tampered(id_token, mode):
    """``id_token`` made bad in one way only: every other check still passes."""
    key = jwk_from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY)
    original = jwt.JWT(jwt=id_token, key=key)
    header, claims = json.loads(original.header), json.loads(original.claims)
    signing_key = key
    if mode == "signature":
        # Same header, kid included: only the signature cannot be verified.
        signing_key = impostor_key()
    elif mode == "nonce":
        claims["nonce"] = secrets.token_urlsafe(16)
    elif mode == "expired":
        now = int(time.time())
        claims["iat"], claims["exp"] = now - 2 * HOUR, now - HOUR
    elif mode == "issuer":
        claims["iss"] = "https://impostor.invalid/o"
    elif mode == "audience":
        claims["aud"] = "another-client"
    token = jwt.JWT(header=header, claims=claims)
    token.make_signed_token(signing_key)
    return token.serialize()


class IdTokenTamperingMiddleware:
    """Rewrites the id_token of the token endpoint's responses while a mode is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        mode = current_mode()
        match = getattr(request, "resolver_match", None)
        if mode is None or match is None or match.view_name != "oauth2_provider:token":
            return response
        if response.status_code != 200:
            return response
        body = json.loads(response.content)
        if "id_token" in body:
            body["id_token"] = tampered(body["id_token"], mode)
            response.content = json.dumps(body)
        return response
