"""Single sign-on with OpenID Connect (mozilla-django-oidc): Keycloak, Microsoft Entra ID,
ProConnect or any standard provider, configured by environment variables.

The provider says who the person is; the HR directory says whether they are an agent. A
sign-in is matched to an existing active agent (matricule claim first, then e-mail, any
case); anyone else gets a page that says why, and no session. The endpoints come from the
provider's discovery document unless set one by one.
"""

import logging
import time
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import Agent

logger = logging.getLogger(__name__)

# mozilla-django-oidc's setting → the discovery document's key.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
    "OIDC_OP_ISSUER": "issuer",
}
DISCOVERY_CACHE_SECONDS = 3600
_discovery = {"url": None, "fetched_at": 0.0, "document": {}}


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered something that is not OpenID Connect."""


class IdentityConflict(Exception):
    """The e-mail claim is an agent's whose matricule is not the matricule claim."""


def discovery_document():
    """The provider's discovery document, fetched once an hour at most ({} without one)."""
    url = settings.OIDC_DISCOVERY_URL
    if not url:
        return {}
    if _discovery["url"] == url and time.monotonic() - _discovery["fetched_at"] < (
        DISCOVERY_CACHE_SECONDS
    ):
        return _discovery["document"]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(str(error)) from error
    if not isinstance(document, dict) or "authorization_endpoint" not in document:
        raise ProviderUnavailable(f"{url} is not an OpenID Connect discovery document.")
    _discovery.update(url=url, fetched_at=time.monotonic(), document=document)
    return document


def forget_discovery():
    _discovery.update(url=None, fetched_at=0.0, document={})


def provider_setting(name, *default):
    """A setting of mozilla-django-oidc; an unset endpoint comes from discovery."""
    value = getattr(settings, name, None)
    if value:
        return value
    if name in DISCOVERED:
        found = discovery_document().get(DISCOVERED[name])
        if found:
            return found
    return import_from_settings(name, *default)


def refuse(request, reason):
    """Remember why this sign-in is refused, for the page the callback shows."""
    request.oidc_refusal = reason


def match_agent(claims):
    """The agent these claims designate: by the matricule claim, then by the e-mail claim.

    Never, by e-mail, an agent the HR directory gives another matricule than the claim's:
    addresses get reassigned, and the matricule says who the person is.
    """
    matricule = str(claims.get(settings.OIDC_MATRICULE_CLAIM) or "").strip()
    if settings.OIDC_MATRICULE_CLAIM and matricule:
        agent = Agent.objects.filter(external_id__iexact=matricule).first()
        if agent is not None:
            return agent
    email = str(claims.get(settings.OIDC_EMAIL_CLAIM) or "").strip()
    # An address the provider says it has not verified names nobody (Entra ID guests,
    # self-service profiles): only a verified or unqualified one is trusted.
    if not email or claims.get("email_verified") is False:
        return None
    agent = Agent.objects.filter(email__iexact=email).first()
    if agent is not None and matricule and agent.external_id:
        logger.warning(
            "OpenID Connect sign-in refused: the e-mail claim is agent %s's, whose matricule "
            "is not the matricule claim.",
            agent.pk,
        )
        raise IdentityConflict
    return agent


def role_map():
    """{provider group: role group name} from OIDC_ROLE_MAP ("group=Role;group=Role")."""
    pairs = (item.split("=", 1) for item in settings.OIDC_ROLE_MAP.split(";") if "=" in item)
    return {group.strip(): role.strip() for group, role in pairs if group.strip()}


def sync_roles(agent, claims):
    """Give or take the roles the provider's groups claim governs; leave the others alone."""
    mapping = role_map()
    if not (settings.OIDC_GROUPS_CLAIM and mapping):
        return
    claimed = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(claimed, str):
        claimed = [claimed]
    wanted = {mapping[group] for group in claimed if group in mapping}
    governed = Group.objects.filter(name__in=set(mapping.values()))
    agent.groups.remove(*[group for group in governed if group.name not in wanted])
    agent.groups.add(*[group for group in governed if group.name in wanted])


def create_agent(claims):
    """OIDC_CREATE_AGENTS: a person the directory does not know yet becomes an agent."""
    email = str(claims.get(settings.OIDC_EMAIL_CLAIM) or "").strip().lower()
    matricule = str(claims.get(settings.OIDC_MATRICULE_CLAIM) or "").strip() or None
    if not (email or matricule):
        return None
    return Agent.objects.create_user(
        email or None,
        external_id=matricule,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or claims.get("usual_name") or "")[:150],
    )


class AgentOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, checking the id_token's issuer, audience and dates
    and matching the person to an agent instead of creating users."""

    get_settings = staticmethod(provider_setting)
    get_user = ModelBackend.get_user  # checks that the agent is still active

    def __init__(self, *args, **kwargs):
        # Endpoints are read when a sign-in happens, not each time Django lists its backends.
        self.UserModel = Agent

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password form never reaches the provider.
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            # 4xx: the provider refused this code or this client (a replayed or expired code,
            # a wrong secret); 5xx: it is down.
            status = error.response.status_code if error.response is not None else 500
            logger.warning("OpenID Connect provider answered %s: %s", status, error)
            refuse(request, "invalid" if status < 500 else "unavailable")
        except (requests.RequestException, ValueError, ProviderUnavailable) as error:
            logger.warning("OpenID Connect provider unavailable: %s", error)
            refuse(request, "unavailable")
        except SuspiciousOperation as error:
            logger.warning("OpenID Connect sign-in refused: %s", error)
            refuse(request, "invalid")
        return None

    # Set by verify_token: an id_token must carry its issuer and audience; a signed userinfo
    # (ProConnect) has them checked when present.
    _checking_id_token = True

    def _verify_jws(self, payload, key):
        """The signature against the provider's key, then the claims OpenID Connect Core
        §3.1.3.7 asks to check: issuer, audience, expiry and issue time when present."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"Unreadable token: {error}") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"Unexpected signing algorithm {header.get('alg')!r}.")
        issuer = provider_setting("OIDC_OP_ISSUER", None)
        claims = jwt.decode(payload, options={"verify_signature": False})
        required = ["aud", "iss", "sub"] if self._checking_id_token else ["sub"]
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID if "aud" in required or "aud" in claims else None,
                issuer=issuer,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={
                    "require": required,
                    "verify_iss": bool(issuer) and ("iss" in required or "iss" in claims),
                    "verify_aud": "aud" in required or "aud" in claims,
                },
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"Invalid token: {error}") from error

    def verify_token(self, token, **kwargs):
        self._checking_id_token = "nonce" in kwargs  # mozilla passes it for the id_token only
        try:
            payload = super().verify_token(token, **kwargs)
        except (jwt.PyJWTError, KeyError) as error:  # garbled, no id_token, key without kid
            raise SuspiciousOperation(f"Unreadable token: {error!r}") from error
        # An id_token (the one checked with a nonce) must also say when it ends.
        if "nonce" in kwargs and not {"exp", "iat"} <= payload.keys():
            raise SuspiciousOperation("The id_token has no expiry or issue time.")
        return payload

    def store_tokens(self, access_token, id_token):
        # Into the session only once the agent is signed in (CallbackView.login_success): a
        # refused sign-in must leave no token behind, and login() may flush the session.
        self.request.oidc_id_token = id_token

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo claims over the id_token's (Entra ID puts most in the id_token)."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") not in (None, payload.get("sub")):
            raise SuspiciousOperation("The userinfo and the id_token name different people.")
        return {**payload, **userinfo}

    def verify_claims(self, claims):
        return bool(
            claims.get(settings.OIDC_EMAIL_CLAIM) or claims.get(settings.OIDC_MATRICULE_CLAIM)
        )

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            refuse(self.request, "no_identity")
            return None
        with transaction.atomic():
            try:
                agent = match_agent(claims)
            except IdentityConflict:
                refuse(self.request, "unknown")
                return None
            if agent is None and settings.OIDC_CREATE_AGENTS:
                try:
                    with transaction.atomic():
                        agent = create_agent(claims)
                except IntegrityError:  # created meanwhile by a simultaneous first sign-in
                    agent = match_agent(claims)
            if agent is None:
                refuse(self.request, "unknown")
                return None
            if not agent.is_active:
                refuse(self.request, "inactive")
                return None
            sync_roles(agent, claims)
        return agent


class SignInView(OIDCAuthenticationRequestView):
    """To the provider's authorization endpoint, with state, nonce and PKCE."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not settings.OIDC_ENABLED:
            return refused_page(request, "disabled")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as error:
            logger.warning("OpenID Connect provider unavailable: %s", error)
            return refused_page(request, "unavailable")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request):
        return dict(item.split("=", 1) for item in settings.OIDC_AUTH_EXTRA_PARAMS if "=" in item)


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: an agent signed in, or a page saying why not."""

    get_settings = staticmethod(provider_setting)

    def get(self, request):
        if not settings.OIDC_ENABLED:
            return refused_page(request, "disabled")
        try:
            return super().get(request)
        except SuspiciousOperation as error:  # a state this browser never sent
            logger.warning("OpenID Connect callback refused: %s", error)
            refuse(request, "invalid")
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        if settings.OIDC_STORE_ID_TOKEN:
            self.request.session["oidc_id_token"] = self.request.oidc_id_token
        return response

    def login_failure(self):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        reason = getattr(self.request, "oidc_refusal", None)
        if reason is None:
            reason = "cancelled" if self.request.GET.get("error") else "invalid"
        return refused_page(self.request, reason)


def refused_page(request, reason):
    status = {"unavailable": 503, "disabled": 404}.get(reason, 403)
    return render(
        request,
        "accounts/sso_refused.html",
        {"reason": reason, "provider_name": settings.OIDC_PROVIDER_NAME},
        status=status,
    )


def provider_logout_url(request):
    """Where to send an agent who logs out, to end the provider's session too (None when the
    provider has no end-session endpoint or the agent did not come through it)."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.OIDC_ENABLED and id_token):
        return None
    try:
        endpoint = provider_setting("OIDC_OP_LOGOUT_ENDPOINT", None)
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
