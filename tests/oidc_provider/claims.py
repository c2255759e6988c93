"""The claims the provider asserts, in the id_token and at the userinfo endpoint."""

from oauth2_provider.oauth2_validators import OAuth2Validator

STANDARD_CLAIMS = ["sub", "email", "given_name", "family_name"]


class ClaimsValidator(OAuth2Validator):
    """DOT's validator, asserting each user's identity and extra claims by scope.

    ``email`` needs the ``email`` scope; names and every extra claim need ``profile``.
    Empty values are left out, as a provider that knows nothing about them would do.
    """

    # The scope filtering is done in get_additional_claims: extra claims have arbitrary names.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        """The claims of ``request.user`` that the granted scopes allow."""
        user, scopes = request.user, set(request.scopes)
        identity = user.identity
        claims = {"sub": identity.subject}
        if "email" in scopes and user.email:
            claims["email"] = user.email
        if "profile" in scopes:
            names = {"given_name": user.first_name, "family_name": user.last_name}
            claims.update({name: value for name, value in names.items() if value})
            claims.update(identity.extra_claims)
        return claims

    def get_discovery_claims(self, request):
        """The standard claims; extra claims differ from user to user and are not listed."""
        return STANDARD_CLAIMS
