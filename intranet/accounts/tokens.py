"""Signed, single-use links that let an agent choose a password."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """The first-access link of an imported agent: valid ACTIVATION_LINK_DAYS, used once.

    Like a password-reset token it signs the password hash and the last login, so choosing a
    password (or signing in any other way) spends it; it differs by its salt, so a reset link
    is never an activation link, and by its lifetime.
    """

    key_salt = "intranet.accounts.tokens.ActivationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= settings.ACTIVATION_LINK_DAYS * 24 * 3600


activation_token_generator = ActivationTokenGenerator()
