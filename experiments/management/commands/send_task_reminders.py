"""Remind the assignees of the experiment stages coming due or late; escalate to the sponsor.

A cron command rather than viewflow's timers: an ``.OnTimeout`` boundary is armed once with
a fixed delay when its task is created and fires once, where the reminders repeat every
day a stage is late, follow a due date that moves when the lead edits the durations or the
planned dates, and must reach stages opened before this feature; boundary nodes would also
add tasks to every experiment's history and chart. One daily sweep computes the due dates
as "My tasks" shows them and claims one unique row per stage and day (reminders.py).
"""

from django.core.management.base import BaseCommand

from experiments.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Remind the assignees of the experiment stages due soon, today or late (at most once "
        "a day), and tell the sponsor of those long late. Run it daily from cron."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"{sent} stage reminders sent.")
