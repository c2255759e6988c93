"""The sign-in doors that check a secret here: a password, a printed access code.

Single sign-on (OpenID Connect) lives in ``oidc.py``, the directory (LDAP) in
``ldap_backend.py``.
Each door finds an *existing, active* agent: the HR directory says who is an agent.
"""

from django.conf import settings
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.hashers import make_password
from django.db.models import Q

from . import access_codes
from .models import Agent


def find_agent(identifier):
    """The agent whose e-mail address or HR matricule is ``identifier`` (any case), or None."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    return Agent.objects.filter(
        Q(email__iexact=identifier) | Q(external_id__iexact=identifier)
    ).first()


class AgentBackend(ModelBackend):
    """Password sign-in, with the e-mail address or the matricule; also the permissions of
    every door. ``PASSWORD_LOGIN_ENABLED = False`` closes the password door only."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.PASSWORD_LOGIN_ENABLED or username is None or password is None:
            return None
        agent = find_agent(username)
        if agent is None:
            make_password(password)  # as long as checking a real password
            return None
        if agent.check_password(password) and self.user_can_authenticate(agent):
            return agent
        return None


class AccessCodeBackend(BaseBackend):
    """Matricule and personal access code, for agents without e-mail."""

    def authenticate(self, request, username=None, access_code=None, **kwargs):
        if not settings.ACCESS_CODE_LOGIN_ENABLED or username is None or access_code is None:
            return None
        agent = Agent.objects.filter(external_id__iexact=username.strip(), is_active=True).first()
        if agent is None:
            make_password(access_code)
            return None
        return agent if access_codes.redeem(agent, access_code) else None

    def get_user(self, user_id):
        return Agent.objects.filter(pk=user_id, is_active=True).first()
