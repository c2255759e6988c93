from django.core.management.base import BaseCommand

from surveys import services


class Command(BaseCommand):
    help = (
        "Close the surveys whose closing date has passed (announcing it), then remind the "
        "agents who have not answered an open survey, at most once a day. Run it from cron."
    )

    def handle(self, *args, **options):
        closed = services.close_due_surveys()
        reminded = services.send_reminders()
        self.stdout.write(f"{closed} surveys closed, {reminded} reminders sent.")
