"""Remind the owners of the experiments' actions coming due (experiments/action_reminders.py)."""

from django.core.management.base import BaseCommand

from experiments.action_reminders import send_action_reminders


class Command(BaseCommand):
    help = (
        "Remind the owners of the experiments' actions to do or in progress that are due "
        "soon (at most once a day per action). Run it daily from cron."
    )

    def handle(self, *args, **options):
        sent = send_action_reminders()
        self.stdout.write(f"{sent} action reminders sent.")
