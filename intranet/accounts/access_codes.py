"""Personal access codes: how an agent without e-mail signs in for the first time.

A manager or an HR administrator issues codes and prints them, one card per agent. The agent
types their matricule and the code; the code then is spent. Only a hash is kept.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import AccessCode, Agent, Department
from .roles import HR_ADMINISTRATORS, is_manager, is_manager_by_facts

# No 0/O, 1/I/L, 5/S, 8/B: a code read off paper is typed right the first time.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
LENGTH = 8
# Wrong codes typed for one agent (from any address) before their code is revoked.
MAX_FAILED_ATTEMPTS = 10
# HR administrators hold it (the group of migration 0005), superusers implicitly.
SIGN_IN_PERMISSION = "accounts.manage_sign_in"
# The form field of a printed code: typed as read, no autocorrection.
CODE_INPUT_ATTRS = {"autocapitalize": "characters", "spellcheck": "false"}


@dataclass(frozen=True)
class IssuedCode:
    agent: Agent
    code: str
    expires_at: object


def new_code():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(code):
    """What the agent typed, as issued: capitals, no spaces nor dashes."""
    return "".join(character for character in (code or "").upper() if character.isalnum())


def issue_codes(agents, by):
    """A new code for each agent, revoking the previous one; the codes in clear, once."""
    now = timezone.now()
    expires_at = now + timedelta(days=settings.ACCESS_CODE_DAYS)
    issued = [IssuedCode(agent, new_code(), expires_at) for agent in agents]
    with transaction.atomic():
        AccessCode.objects.filter(
            agent__in=[item.agent for item in issued],
            used_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        AccessCode.objects.bulk_create(
            AccessCode(
                agent=item.agent,
                code_hash=make_password(normalise(item.code)),
                issued_by=by,
                issued_at=now,
                expires_at=expires_at,
            )
            for item in issued
        )
    return issued


def redeem(agent, code):
    """Spend the agent's pending code if ``code`` is it; True when it signs them in.

    Each wrong code counts against the pending one, which is revoked after
    MAX_FAILED_ATTEMPTS: the login lockout counts per address, this counts per agent.
    """
    pending = AccessCode.objects.live().filter(agent=agent).first()
    if pending is None:
        make_password(normalise(code))  # the same work as a real check: timing says nothing
        return False
    if not check_password(normalise(code), pending.code_hash):
        AccessCode.objects.filter(pk=pending.pk).update(failed_attempts=F("failed_attempts") + 1)
        AccessCode.objects.filter(
            pk=pending.pk, failed_attempts__gte=MAX_FAILED_ATTEMPTS, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        return False
    # Compare-and-set: two simultaneous sign-ins with one code, only one gets in.
    return bool(
        AccessCode.objects.live()
        .filter(pk=pending.pk)
        .update(used_at=timezone.now(), failed_attempts=0)
    )


def is_sign_in_manager(user):
    return user.is_superuser or user.has_perm(SIGN_IN_PERMISSION)


def agents_in_reach(user):
    """The agents ``user`` may send sign-in links to or issue access codes for.

    HR administrators (the ``manage_sign_in`` permission): every active agent who is not a
    superuser. Managers (agents with reports): the active agents of their department and its
    services who have no e-mail and hold no role, since a code signs its holder in as that
    agent. Anybody else: nobody.
    """
    agents = Agent.objects.filter(is_active=True, is_superuser=False).exclude(pk=user.pk)
    if is_sign_in_manager(user):
        return agents
    if is_manager(user):
        return agents.filter(
            Q(department__in=Department(pk=user.department_id).with_descendants()),
            email__isnull=True,
            groups__isnull=True,
            is_staff=False,
        )
    return agents.none()


def manages_access_by_facts(user, facts):
    """``can_manage_access`` read from the agent's facts of the request (roles, has reports:
    `facts.agent_facts`), for the header and the home page: no query of its own.
    The page itself checks the permission."""
    return user.is_authenticated and (
        user.is_superuser
        or HR_ADMINISTRATORS in facts["groups"].values()
        or is_manager_by_facts(user, facts)
    )


def can_manage_access(user):
    """Whether ``user`` may open the agents' access page at all."""
    return user.is_authenticated and (is_sign_in_manager(user) or is_manager(user))
