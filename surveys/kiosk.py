"""Answering from the field: printed invitations with a short code, typed on a kiosk.

A survey owner prints, per team, one sheet per invited agent with an answer code and a QR
code. On a shared tablet in a depot, the agent types (or scans) their code and answers; the
kiosk then returns to the code screen. Codes are single use (one answer per invitation),
expire with the survey, and only their keyed hash is stored. Between the code and the
answers, the form carries a signed, short-lived ticket: no session is opened.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

# Answer codes read like access codes: 8 letters and digits nobody mistakes for others.
from intranet.accounts.access_codes import LENGTH, new_code, normalise

from .models import Invitation

TICKET_SALT = "surveys.kiosk.ticket"


def code_digest(code):
    """The stored form of a code: an HMAC keyed by SECRET_KEY, so that the database alone
    cannot be searched for codes."""
    key = f"{settings.SECRET_KEY}:{TICKET_SALT}".encode()
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def issue_answer_codes(invitations):
    """A new code for each invitation, replacing any earlier one; [(invitation, code)]."""
    issued = []
    with transaction.atomic():
        for invitation in invitations:
            for _attempt in range(5):
                code = new_code()
                try:
                    with transaction.atomic():
                        Invitation.objects.filter(pk=invitation.pk).update(
                            answer_code_digest=code_digest(code)
                        )
                except IntegrityError:  # the same code for another invitation: draw again
                    continue
                issued.append((invitation, code))
                break
            else:
                raise RuntimeError("No free answer code after 5 draws.")
    return issued


def invitation_for_code(code):
    """The invitation a typed code designates, or None."""
    if len(normalise(code)) != LENGTH:
        return None
    return (
        Invitation.objects.select_related("survey", "agent__department__parent")
        .filter(answer_code_digest=code_digest(code))
        .first()
    )


def ticket_for(invitation):
    return signing.dumps(invitation.pk, salt=TICKET_SALT)


def invitation_for_ticket(ticket):
    """The invitation of a ticket signed less than KIOSK_TICKET_MINUTES ago, or None."""
    try:
        pk = signing.loads(ticket, salt=TICKET_SALT, max_age=settings.KIOSK_TICKET_MINUTES * 60)
    except (signing.BadSignature, TypeError):
        return None
    return (
        Invitation.objects.select_related("survey", "agent__department__parent")
        .filter(pk=pk, answer_code_digest__isnull=False)
        .first()
    )
