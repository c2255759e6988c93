"""The charter's signature list as CSV or XLSX, safe to open in a spreadsheet."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .indicators import active_agents
from .models import CharterSignature


def signature_rows(page, departments):
    """Header, then one row per active agent of the departments, with their signature."""
    signatures = CharterSignature.objects.filter(page=page, agent=OuterRef("pk"))
    agents = (
        active_agents(departments)
        .select_related("department__parent")
        .annotate(
            signed_at=Subquery(signatures.filter(version=page.version).values("signed_at")[:1]),
            last_version=Subquery(signatures.order_by("-version").values("version")[:1]),
        )
        .order_by("last_name", "first_name", "email")
    )
    rows = [
        [
            _("Last name"),
            _("First name"),
            _("E-mail"),
            _("Direction"),
            _("Service"),
            _("Signed version %(version)s") % {"version": page.version},
            _("Signed on"),
            _("Last version signed"),
        ]
    ]
    for agent in agents:
        department = agent.department
        direction = department.parent or department
        rows.append(
            [
                agent.last_name,
                agent.first_name,
                agent.email,
                direction.name,
                department.name if department.parent_id else "",
                _("yes") if agent.signed_at else _("no"),
                timezone.localtime(agent.signed_at).strftime("%Y-%m-%d %H:%M")
                if agent.signed_at
                else "",
                agent.last_version or "",
            ]
        )
    return rows
