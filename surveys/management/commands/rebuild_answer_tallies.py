from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys.tallies import rebuild_answer_tallies, tally_differences


class Command(BaseCommand):
    help = (
        "Recount the answer tallies that scores read from the answers themselves (triggers "
        "keep them up to date; this is for recovery). With --check, only compare."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the tallies with the answers, change nothing; fail if they differ",
        )

    def handle(self, *args, check, **options):
        differences = tally_differences() if check else rebuild_answer_tallies()
        for (question_id, value), (tallied, counted) in sorted(differences.items()):
            self.stdout.write(
                _("Question %(question)s, value %(value)s: tally %(tallied)s, answers %(counted)s")
                % {"question": question_id, "value": value, "tallied": tallied, "counted": counted}
            )
        if check and differences:
            raise CommandError(_("The answer tallies differ from the answers."))
        if check:
            self.stdout.write(_("The answer tallies match the answers."))
        else:
            self.stdout.write(_("Answer tallies rebuilt from the answers."))
