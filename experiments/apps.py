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

        survey_closed.connect(
            retrospective_survey_closed, dispatch_uid="experiments_retrospective"
        )
