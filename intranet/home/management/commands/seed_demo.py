from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from intranet.accounts.demo import DEMO_FIELD_AGENT, DEMO_LOGINS, DEMO_PASSWORD, demo_email


class Command(BaseCommand):
    help = "Create or complete the demo content (idempotent): agents, departments, pages…"

    def handle(self, *args, **options):
        # The demo's invitations and notifications are not sent to the fictional agents.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            for path in settings.DEMO_SEEDERS:
                import_string(path)(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content ready. Demo logins:"))
        for local, first, last, *_rest, title, groups in DEMO_LOGINS:
            role = ", ".join(groups) if groups else "agent"
            self.stdout.write(
                f"  {demo_email(local):40} {DEMO_PASSWORD}  {first} {last}, {title} ({role})"
            )
        matricule, first, last, *_rest, title = DEMO_FIELD_AGENT
        self.stdout.write(
            f"  {matricule:40} {DEMO_PASSWORD}  {first} {last}, {title} (agent without e-mail)"
        )
        self.stdout.write(
            "  Every other agent of the demo directory: their e-mail address or matricule, "
            f"and {DEMO_PASSWORD}."
        )
