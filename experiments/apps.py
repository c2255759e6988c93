from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    name = "experiments"
    verbose_name = _("Experiments")

    def ready(self):
        from surveys.signals import survey_closed

        from .receivers import retrospective_survey_closed
        from .signals import connect

        connect()

        from django.db.models.signals import post_save

        from intranet.accounts.models import Agent
        from intranet.accounts.signals import agents_departed

        from . import reassignment

        post_save.connect(reassignment.agent_saved, sender=Agent, dispatch_uid="exp_departed")
        agents_departed.connect(reassignment.agents_departed, dispatch_uid="exp_departed_bulk")

        survey_closed.connect(
            retrospective_survey_closed, dispatch_uid="experiments_retrospective"
        )

        from .receivers import follow_up_survey_closed

        survey_closed.connect(follow_up_survey_closed, dispatch_uid="experiments_follow_up")
