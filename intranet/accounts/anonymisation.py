"""Anonymising a departed agent: their identity goes, what they contributed stays.

The agent's row is kept, under a neutral name, so that experiments, pages, revisions, tasks,
charter signatures and survey answers still point somewhere and every figure stays the same.
Apps detach their own per-agent data through the ``register_agent_anonymisation`` Wagtail
hook: a function taking the agent, called inside the transaction before the identity is
erased (the agent still has their e-mail and names).
"""

import logging
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.users.models import UserProfile

from intranet.core.hooks import AGENT_ANONYMISATION

from .models import Agent
from .sessions import end_every_session

# RFC 2606 reserves .invalid: no mail can ever be delivered there.
ANONYMOUS_DOMAIN = "anonymise.invalid"
# Stored data, not interface text: the same in every language of the interface.
ANONYMOUS_FIRST_NAME = "Agent anonymisé"

logger = logging.getLogger(__name__)


class AnonymisationRefused(Exception):
    """The agent may not be anonymised; nothing was changed."""


@dataclass(frozen=True)
class Anonymisation:
    agent: Agent
    already_done: bool


def is_anonymised(agent):
    return (agent.email or "").endswith("@" + ANONYMOUS_DOMAIN)


def anonymous_email(agent):
    return f"agent-{agent.pk}@{ANONYMOUS_DOMAIN}"


def refusal_reason(agent):
    """Why this agent cannot be anonymised, or None."""
    if agent.is_superuser:
        return _("%(agent)s is a superuser: remove that status before anonymising.") % {
            "agent": agent
        }
    if agent.is_active:
        return _(
            "%(agent)s is still active: only departed (inactive) agents can be anonymised."
        ) % {"agent": agent}
    return None


def anonymise_agent(agent, *, by=None):
    """Erase a departed agent's identity, keep their contributions; idempotent.

    Raises :class:`AnonymisationRefused` for an active agent or a superuser.
    """
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        if is_anonymised(agent):
            return Anonymisation(agent, already_done=True)
        reason = refusal_reason(agent)
        if reason:
            raise AnonymisationRefused(reason)

        for detach in hooks.get_hooks(AGENT_ANONYMISATION):
            detach(agent)
        forget_logins(agent.email, agent.external_id)
        agent.access_codes.all().delete()
        forget_admin_profile(agent)
        end_every_session(agent)

        agent.first_name = ANONYMOUS_FIRST_NAME
        agent.last_name = str(agent.pk)
        agent.email = anonymous_email(agent)
        agent.external_id = None
        agent.job_title = ""
        agent.arrival_date = None
        agent.manager = None
        agent.last_login = None
        agent.is_active = False
        agent.is_staff = False
        agent.set_unusable_password()
        agent.save()
        agent.groups.clear()
        agent.user_permissions.clear()
    logger.info("Agent %s anonymised by %s", agent.pk, by.pk if by is not None else "a command")
    return Anonymisation(agent, already_done=False)


def forget_logins(*identifiers):
    """The brute-force protection's records are keyed by what was typed on the login forms:
    the e-mail address or the matricule."""
    for identifier in filter(None, identifiers):
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=identifier).delete()


def forget_admin_profile(agent):
    """Wagtail admin preferences and avatar, editing sessions and page subscriptions."""
    for profile in UserProfile.objects.filter(user=agent):
        if profile.avatar:
            profile.avatar.delete(save=False)
        profile.delete()
    agent.editing_sessions.all().delete()
    agent.page_subscriptions.all().delete()
