from . import services


def retrospective_survey_closed(sender, survey, **kwargs):
    """A retrospective survey closed (date reached or closed by hand): on to the synthesis."""
    services.finish_retrospective(survey)
