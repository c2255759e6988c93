from wagtail import hooks

from .viewsets import SurveyViewSet


@hooks.register("register_admin_viewset")
def register_survey_viewset():
    return SurveyViewSet()
