from . import announcements, services


def retrospective_survey_closed(sender, survey, **kwargs):
    """A retrospective survey closed (date reached or closed by hand): its invitees are kept
    for « Vous avez dit, nous avons fait », and on to the synthesis."""
    announcements.remember_invitees(survey)
    services.finish_retrospective(survey)


def follow_up_survey_closed(sender, survey, **kwargs):
    """A follow-up survey closed (date reached or closed by hand): the experiment ends after
    its last one (issue 16 §4)."""
    services.finish_follow_up(survey)
