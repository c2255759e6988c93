"""How long surveys keep what links them to agents (see docs/privacy.md).

Once a survey has been closed for ``SURVEY_RETENTION_MONTHS``, its per-agent links go: the
invitations (personal links, who was invited, reminded, who answered), the author of each
named response and the agents chosen as its audience. The answers, the respondent's
direction and therefore every score stay; the number of agents invited is kept.
"""

import calendar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Invitation, Response, Survey


def months_before(moment, months):
    """The same moment ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class SurveyPurge:
    survey: Survey
    invitations: int
    named_responses: int
    audience_agents: int


@dataclass
class PurgeReport:
    cutoff: object
    surveys: list = field(default_factory=list)

    @property
    def invitations(self):
        return sum(purge.invitations for purge in self.surveys)

    @property
    def named_responses(self):
        return sum(purge.named_responses for purge in self.surveys)


def surveys_to_purge(cutoff):
    """Surveys closed before ``cutoff`` that still link agents to them, with what they hold."""
    audience = Survey.audience_agents.through.objects.filter(survey=OuterRef("pk"))
    return (
        Survey.objects.annotate(ended_at=Coalesce("closed_at", "closes_at"))
        .filter(ended_at__lt=cutoff)
        .annotate(
            invitation_count=Count("invitations", distinct=True),
            named_count=Count(
                "responses", filter=Q(responses__agent__isnull=False), distinct=True
            ),
            audience_count=subquery_count(audience),
        )
        .filter(Q(invitation_count__gt=0) | Q(named_count__gt=0) | Q(audience_count__gt=0))
        .order_by("ended_at", "pk")
    )


def subquery_count(queryset):
    counted = queryset.order_by().values("survey").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def purge_survey_personal_data(months=None, now=None, dry_run=False):
    """Delete the per-agent links of the surveys closed more than ``months`` months ago.

    Idempotent; with ``dry_run`` only reports what would go.
    """
    months = settings.SURVEY_RETENTION_MONTHS if months is None else months
    report = PurgeReport(cutoff=months_before(now or timezone.now(), months))
    for survey in surveys_to_purge(report.cutoff):
        if dry_run:
            purge = SurveyPurge(
                survey, survey.invitation_count, survey.named_count, survey.audience_count
            )
        else:
            purge = purge_survey(survey)
        report.surveys.append(purge)
    return report


def purge_survey(survey):
    with transaction.atomic():
        # Two purges at once: the second waits, then finds nothing left to delete.
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        _, deleted = Invitation.objects.filter(survey=survey).delete()
        invitations = deleted.get(Invitation._meta.label, 0)
        Survey.objects.filter(pk=survey.pk).update(
            purged_invitations=F("purged_invitations") + invitations
        )
        named = Response.objects.filter(survey=survey, agent__isnull=False).update(agent=None)
        audience, _ = Survey.audience_agents.through.objects.filter(survey=survey).delete()
    return SurveyPurge(survey, invitations, named, audience)
