from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from intranet.accounts.commands import read_file, refusal
from intranet.accounts.importers import AgentImportError, import_agents


class Command(BaseCommand):
    help = "Import the HR directory (agents and departments) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV export of the HR directory")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate the agents with a matricule that are absent from the file.",
        )

    def handle(self, *args, file, deactivate_missing, **options):
        try:
            report = import_agents(read_file(file), deactivate_missing=deactivate_missing)
        except AgentImportError as error:
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
                self.stdout.write(f"  {agent.external_id} {agent.get_full_name()} <{agent.email}>")
