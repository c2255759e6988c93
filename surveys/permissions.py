def can_see_results(user, survey):
    """The owner, the survey managers (who may edit surveys) and superusers."""
    return (
        user.is_superuser
        or (survey.owner_id is not None and survey.owner_id == user.pk)
        or user.has_perm("surveys.change_survey")
        or user.has_perm("surveys.view_survey_results")
    )
