from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from skills.importers import import_pix
from skills.pixfiles import PixImportError


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
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from error
        try:
            report = import_pix(data, dry_run=dry_run)
        except PixImportError as error:
            raise CommandError(
                "\n".join([_("The file was refused, nothing was changed:"), *error.problems])
            ) from error
        for line in report.summary():
            self.stdout.write(line)
        if report.unmatched:
            self.stdout.write(_("Participants matched to no agent:"))
            for participation in report.unmatched:
                self.stdout.write(
                    f"  {participation.last_name} {participation.first_name}"
                    f" {participation.external_id or '-'} {participation.email or '-'}"
                )
