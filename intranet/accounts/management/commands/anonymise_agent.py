from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from intranet.accounts.anonymisation import AnonymisationRefused, anonymise_agent
from intranet.accounts.models import Agent


class Command(BaseCommand):
    help = (
        "Anonymise a departed (inactive) agent, found by e-mail address or HR matricule: "
        "their identity is erased, their contributions are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("agent", help="e-mail address or HR matricule of the agent")

    def handle(self, *args, agent, **options):
        identifier = agent.strip()
        found = Agent.objects.filter(Q(email__iexact=identifier) | Q(external_id=identifier))
        match list(found[:2]):
            case []:
                raise CommandError(
                    _("No agent has the e-mail address or HR matricule “%(id)s”.")
                    % {"id": identifier}
                )
            case [one]:
                pass
            case _:
                raise CommandError(
                    _("Several agents match “%(id)s”: give the e-mail address.")
                    % {"id": identifier}
                )
        name = str(one)
        try:
            result = anonymise_agent(one)
        except AnonymisationRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if result.already_done:
            self.stdout.write(_("This agent was already anonymised."))
        else:
            self.stdout.write(
                _("%(name)s is now “%(label)s”: their contributions are kept.")
                % {"name": name, "label": result.agent}
            )
