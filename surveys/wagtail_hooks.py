from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail import hooks

from intranet.home.attention import HOOK_NAME, AttentionItem

from .models import Invitation, Survey
from .viewsets import SurveyViewSet


@hooks.register("register_admin_viewset")
def register_survey_viewset():
    return SurveyViewSet()


@hooks.register(HOOK_NAME)
def surveys_to_answer(request):
    """Open surveys the agent has not answered yet, for the home page."""
    invitations = (
        Invitation.objects.filter(
            agent=request.user, answered=False, survey__in=Survey.objects.open()
        )
        .select_related("survey")
        .order_by("survey__closes_at")
    )
    return [
        AttentionItem(
            title=_("Answer the survey “%(title)s”") % {"title": invitation.survey.title},
            url=reverse("surveys:answer", args=[invitation.token]),
            description=_("Open until %(date)s")
            % {
                "date": date_format(
                    timezone.localtime(invitation.survey.closes_at), "DATETIME_FORMAT"
                )
            },
        )
        for invitation in invitations
    ]
