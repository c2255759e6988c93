import functools
import hmac
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import LoginView
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model
from oauth2_provider.views import RPInitiatedLogoutView

from . import tampering
from .models import Identity

# Claims the provider computes itself; a test may not set them per user.
RESERVED_CLAIMS = frozenset(
    ("sub", "iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "jti", "at_hash")
)


class ProviderLoginView(LoginView):
    """The page DOT's authorize endpoint sends anonymous users to."""

    template_name = "oidc_provider/login.html"


class SilentLogoutView(RPInitiatedLogoutView):
    """RP-initiated logout that never asks: the provider session ends and the user leaves.

    DOT asks for confirmation unless a matching id_token_hint is given; the intranet's
    sign-out is tested for where it lands, not for the provider's confirmation page.
    """

    def must_prompt(self, token_user):
        return False


def control_endpoint(view):
    """A JSON-over-POST endpoint for the test helper, guarded by the control secret."""

    @csrf_exempt
    @require_POST
    @functools.wraps(view)
    def guarded(request):
        expected = settings.PROVIDER_CONTROL_SECRET
        given = request.headers.get("X-Control-Secret", "")
        if not expected or not hmac.compare_digest(given, expected):
            return JsonResponse({"error": "forbidden"}, status=403)
        try:
            payload = json.loads(request.body or b"{}")
            return JsonResponse(view(payload))
        except (ValueError, KeyError, TypeError, IntegrityError) as error:
            return JsonResponse({"error": str(error)}, status=400)

    return guarded


@control_endpoint
def create_user(payload):
    """A user with the given names, email (may be absent) and extra claims; returns its sub."""
    extra_claims = payload.get("claims") or {}
    if reserved := RESERVED_CLAIMS & set(extra_claims):
        raise ValueError(f"These claims are set by the provider: {sorted(reserved)}")
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            payload["username"],
            email=payload.get("email") or "",
            password=payload["password"],
            first_name=payload.get("given_name", ""),
            last_name=payload.get("family_name", ""),
        )
        identity = Identity.objects.create(user=user, extra_claims=extra_claims)
    return {"sub": identity.subject}


@control_endpoint
def reset(payload):
    """Forget users, their tokens, grants and sessions; stop tampering."""
    tampering.set_mode(None)
    with transaction.atomic():
        # Tokens, grants and identities go with their users (on_delete=CASCADE).
        get_user_model().objects.all().delete()
        Session.objects.all().delete()
    return {}


@control_endpoint
def set_tamper_mode(payload):
    """From now on, id_tokens are bad in the way ``mode`` names, or good if it is None."""
    tampering.set_mode(payload["mode"])
    return {"mode": payload["mode"]}


@control_endpoint
def set_redirect_uris(payload):
    """Replace the client's redirect URIs and post-logout redirect URIs."""
    application = get_application_model().objects.get(client_id=settings.PROVIDER_CLIENT_ID)
    application.redirect_uris = " ".join(payload["redirect_uris"])
    application.post_logout_redirect_uris = " ".join(payload.get("post_logout_redirect_uris", []))
    application.save(update_fields=["redirect_uris", "post_logout_redirect_uris"])
    return {}
