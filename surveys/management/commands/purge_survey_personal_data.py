from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from surveys.retention import purge_survey_personal_data


class Command(BaseCommand):
    help = (
        "Delete the invitations (personal links) and the authors of named answers of the "
        "surveys closed more than SURVEY_RETENTION_MONTHS months ago. Answers and scores stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=f"retention in months (default: SURVEY_RETENTION_MONTHS, "
            f"{settings.SURVEY_RETENTION_MONTHS})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be deleted, delete nothing"
        )

    def handle(self, *args, months, dry_run, **options):
        if months is not None and months < 1:
            raise CommandError(_("The retention must be at least one month."))
        report = purge_survey_personal_data(months=months, dry_run=dry_run)
        cutoff = date_format(timezone.localtime(report.cutoff), "DATE_FORMAT")
        for purge in report.surveys:
            self.stdout.write(
                _(
                    "“%(survey)s”: %(invitations)s invitations, %(named)s named answers, "
                    "%(audience)s agents chosen as audience"
                )
                % {
                    "survey": purge.survey.title,
                    "invitations": purge.invitations,
                    "named": purge.named_responses,
                    "audience": purge.audience_agents,
                }
            )
        summary = (
            _("Dry run, nothing deleted: %(surveys)s surveys closed before %(date)s to purge.")
            if dry_run
            else _("%(surveys)s surveys closed before %(date)s purged.")
        )
        self.stdout.write(summary % {"surveys": len(report.surveys), "date": cutoff})
