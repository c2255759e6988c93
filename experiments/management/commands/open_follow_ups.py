"""Open the experiments' follow-up surveys that are due, close those whose date passed.

A daily sweep rather than viewflow timers, as for the stage reminders (send_task_reminders):
the delays come from the settings and the follow-ups are rows, each claimed before it is
opened, so that two runs (two cron hosts, a run repeated by hand) open it once.
"""

from django.core.management.base import BaseCommand

from experiments.follow_ups import close_due_follow_ups, open_due_follow_ups


class Command(BaseCommand):
    help = (
        "Open the experiments' follow-up surveys due today or before (inviting the "
        "participants by e-mail), and close those whose closing date has passed: the "
        "experiment ends after its last one. Run it daily from cron."
    )

    def handle(self, *args, **options):
        closed = close_due_follow_ups()
        opened = open_due_follow_ups()
        self.stdout.write(f"{opened} follow-ups opened, {closed} follow-up surveys closed.")
