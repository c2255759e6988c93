from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from intranet.accounts.commands import read_file, refusal
from intranet.core.files import ImportRefused
from skills.importers import import_pix


class Command(BaseCommand):
    help = "Import a PIX Orga campaign export (profiles collection or assessment)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file exported from PIX Orga")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show the report without writing anything.",
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            report = import_pix(read_file(file), dry_run=dry_run)
        except ImportRefused as error:
            raise refusal(error.problems) from error
        for line in report.summary():
            self.stdout.write(line)
        if report.unmatched:
            self.stdout.write(_("Participants matched to no agent:"))
            for participation in report.unmatched:
                self.stdout.write(
                    f"  {participation.last_name} {participation.first_name}"
                    f" {participation.external_id or '-'} {participation.email or '-'}"
                )
