from django.db.models import Count, Prefetch, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks

from intranet.core.hooks import (
    AGENT_ANONYMISATION,
    ATTENTION_ITEMS,
    PERSONAL_DATA,
    AttentionItem,
    PersonalDataSection,
    with_the_others_counted,
)

from .models import Answer, Invitation, Response, Survey
from .viewsets import SurveyViewSet

# Surveys listed on the home page; the others are counted, with a link to "My surveys".
HOME_SURVEYS = 5


@hooks.register("register_admin_viewset")
def register_survey_viewset():
    return SurveyViewSet()


@hooks.register(ATTENTION_ITEMS)
def surveys_to_answer(request):
    """Open surveys the agent has not answered yet, for the home page: those closing first,
    and a link to the others.
    """
    invitations = list(
        Invitation.objects.filter(
            agent=request.user, answered=False, survey__in=Survey.objects.open()
        )
        .select_related("survey")
        .annotate(total=Window(Count("pk")))
        .order_by("survey__closes_at", "pk")[:HOME_SURVEYS]
    )
    items = [
        AttentionItem(
            title=_("Answer the survey “%(title)s”") % {"title": invitation.survey.title},
            url=reverse("surveys:answer", args=[invitation.survey_id]),
            description=_("Open until %(date)s")
            % {
                "date": date_format(
                    timezone.localtime(invitation.survey.closes_at), "DATETIME_FORMAT"
                )
            },
        )
        for invitation in invitations
    ]
    return with_the_others_counted(
        items,
        invitations[0].total if invitations else 0,
        lambda count: (
            ngettext(
                "%(count)s other survey waits for your answer",
                "%(count)s other surveys wait for your answer",
                count,
            )
            % {"count": count}
        ),
        reverse("surveys:mine"),
        _("See them all in My surveys."),
    )


@hooks.register(PERSONAL_DATA)
def survey_data(agent):
    """Invitations, named answers and surveys owned; anonymous answers cannot be found."""
    answers = Prefetch(
        "answers",
        queryset=Answer.objects.select_related("question").order_by(
            "question__sort_order", "question__pk", "choice"
        ),
    )
    responses = (
        Response.objects.filter(agent=agent)
        .select_related("survey", "department")
        .prefetch_related(answers)
        .order_by("submitted_at", "pk")
    )
    return [
        PersonalDataSection(
            key="survey_invitations",
            title=gettext_lazy("Survey invitations"),
            purpose=gettext_lazy(
                "Sends you your personal link, reminds you once a day while you have not "
                "answered, and makes sure each agent answers once."
            ),
            records=[
                {
                    "survey": invitation.survey.title,
                    "anonymous": invitation.survey.anonymous,
                    "invited_at": invitation.invited_at,
                    "reminded_at": invitation.reminded_at,
                    "answered": invitation.answered,
                    "answered_at": invitation.answered_at,
                }
                for invitation in Invitation.objects.filter(agent=agent)
                .select_related("survey")
                .order_by("invited_at", "pk")
            ],
        ),
        PersonalDataSection(
            key="named_survey_answers",
            title=gettext_lazy("Your answers to named surveys"),
            purpose=gettext_lazy("The survey's owner may read named answers with your name."),
            note=gettext_lazy(
                "Answers to anonymous surveys are stored with no link to you: nobody can find "
                "them, so they are not listed here."
            ),
            records=[
                {
                    "survey": response.survey.title,
                    "submitted_at": response.submitted_at,
                    "direction": response.department.name if response.department else None,
                    "answers": [
                        {
                            "question": answer.question.label,
                            "value": answer.value,
                            "choice": answer.choice,
                            "text": answer.text,
                        }
                        for answer in response.answers.all()
                    ],
                }
                for response in responses
            ],
        ),
        PersonalDataSection(
            key="surveys_owned",
            title=gettext_lazy("Surveys you own"),
            purpose=gettext_lazy("The owner of a survey sees its results."),
            records=list(
                Survey.objects.filter(owner=agent)
                .order_by("created_at", "pk")
                .values("title", "opens_at", "closes_at", "anonymous")
            ),
        ),
    ]


@hooks.register(AGENT_ANONYMISATION)
def detach_survey_answers(agent):
    """Named answers lose their author; invitations stay counted, without their dates."""
    Response.objects.filter(agent=agent).update(agent=None)
    Invitation.objects.filter(agent=agent).update(answered_at=None, reminded_at=None)
