"""Passwords checked by the city's directory (LDAP, Active Directory): django-auth-ldap.

The directory checks the password; the HR directory says who is an agent. The directory
entry is matched to an existing active agent by its matricule attribute, then its e-mail
(never an agent whose matricule differs from the entry's); nothing is created nor
overwritten from LDAP.
"""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, ldap_error

from .models import Agent

logger = logging.getLogger(__name__)


def first_value(ldap_user, attribute):
    values = ((ldap_user.attrs or {}).get(attribute) or []) if attribute else []
    return str(values[0]).strip() if values else ""


class AgentLDAPBackend(LDAPBackend):
    # The session's agent, still active (ModelBackend's get_user needs its own helper).
    get_user = ModelBackend.get_user
    user_can_authenticate = ModelBackend.user_can_authenticate

    def get_or_build_user(self, username, ldap_user):
        matricule = first_value(ldap_user, settings.LDAP_MATRICULE_ATTRIBUTE)
        email = first_value(ldap_user, settings.LDAP_EMAIL_ATTRIBUTE)
        agent = None
        if matricule:
            agent = Agent.objects.filter(external_id__iexact=matricule).first()
        if agent is None and email:
            agent = Agent.objects.filter(email__iexact=email).first()
            # An address now another person's: the matricules say they differ.
            if agent is not None and matricule and agent.external_id:
                agent = None
        if agent is None or not agent.is_active:
            # The same answer as a wrong password: the form reveals nothing.
            raise ldap_user.AuthenticationFailed(
                f"{ldap_user.dn} is no active agent (matricule {matricule!r}, e-mail {email!r})"
            )
        return agent, False

    # Group permissions come from the agent's roles (AgentBackend), not from LDAP groups.
    def get_group_permissions(self, user, obj=None):
        return set()


@receiver(ldap_error)
def remember_the_directory_failed(sender, context, user, request=None, exception=None, **kw):
    """The login form tells "the directory does not answer" rather than "wrong password"."""
    logger.warning("LDAP directory error during %s: %s", context, exception)
    if request is not None:
        request.directory_unavailable = True
