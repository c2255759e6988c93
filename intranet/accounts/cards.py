"""Printed cards: a sign-in address, a personal code and a QR code that fills the form.

The QR code carries the code in the address's fragment (after #), which the browser never
sends to the server: no access log ever holds a code.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Card:
    holder: object
    identifier: str
    code: str
    expires_at: object
    address: str
    qr_svg: str


def qr_svg(url, title):
    """An inline SVG QR code, dark on white, labelled for assistive technologies."""
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2, title=title, dark="#000")
    return mark_safe(svg)  # noqa: S308 - segno escapes the title; the URL is ours


def card_url(view_name, **fragment):
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(view_name)
    return f"{base}#{urlencode(fragment)}"


def sign_in_cards(issued):
    """One card per issued access code."""
    address = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("access_code_login")
    return [
        Card(
            holder=item.agent,
            identifier=item.agent.external_id,
            code=item.code,
            expires_at=item.expires_at,
            address=address,
            qr_svg=qr_svg(
                card_url("access_code_login", matricule=item.agent.external_id, code=item.code),
                title=str(item.agent),
            ),
        )
        for item in issued
    ]
