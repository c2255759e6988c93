from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intranet.accounts.commands import read_file, refusal
from intranet.accounts.importers import import_agents
from intranet.accounts.models import Agent
from intranet.accounts.notifications import queue_activation_links
from intranet.core.files import ImportRefused


class Command(BaseCommand):
    help = "Import the HR directory (agents and departments) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV export of the HR directory")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate the agents with a matricule that are absent from the file.",
        )
        parser.add_argument(
            "--send-activation",
            action="store_true",
            help=(
                "E-mail the link to choose a password to the agents of the file who never "
                "chose one (new agents, and those who have not activated their account yet)."
            ),
        )

    def handle(self, *args, file, deactivate_missing, send_activation, **options):
        try:
            with transaction.atomic():
                report = import_agents(read_file(file), deactivate_missing=deactivate_missing)
                in_file = Agent.objects.filter(external_id__in=report.matricules)
                sent = queue_activation_links(in_file) if send_activation else 0
                without_email = in_file.filter(is_active=True, email__isnull=True).count()
        except ImportRefused as error:
            raise refusal(error.problems) from error

        self.stdout.write(
            _(
                "%(rows)s agents read: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(departments)s departments created."
            )
            % {
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "departments": report.departments_created,
            }
        )
        if report.absent:
            verb = _("deactivated") if deactivate_missing else _("left active")
            self.stdout.write(
                _("%(count)s active agents are absent from the file (%(verb)s):")
                % {"count": len(report.absent), "verb": verb}
            )
            for agent in report.absent:
                email = f" <{agent.email}>" if agent.email else ""
                self.stdout.write(f"  {agent.external_id} {agent.get_full_name()}{email}")
        if send_activation:
            self.stdout.write(
                ngettext(
                    "%(count)s activation e-mail queued.",
                    "%(count)s activation e-mails queued.",
                    sent,
                )
                % {"count": sent}
            )
        if without_email:
            self.stdout.write(
                ngettext(
                    "%(count)s agent of the file has no e-mail address: print their access "
                    "code from %(url)s.",
                    "%(count)s agents of the file have no e-mail address: print their access "
                    "codes from %(url)s.",
                    without_email,
                )
                % {
                    "count": without_email,
                    "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("agent_access"),
                }
            )
