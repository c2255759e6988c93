"""Follow-up: measure again (issue 16 §4).

When the action plan is done, the flow schedules one follow-up per value of
``settings.EXPERIMENT_FOLLOW_UP_MONTHS`` (months after the action plan), then waits in its
``follow_up`` stage, the lead's. Each follow-up is opened on its due date by the daily
``open_follow_ups`` command: an anonymous survey, per practice tested, "do you still apply
it?" and the retrospective's own recommendation question, for the participants (and their
teams when the lead chose so at the action plan). The experiment ends when the last
follow-up's survey closes, or earlier when its lead ends it with a reason.

Its page shows each practice before (the retrospective) and after (each closed follow-up),
every figure withheld under the survey's minimum group size, as the retrospective's are.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from intranet.accounts.models import Agent
from surveys import services as survey_services
from surveys.models import Answer, Question, Survey
from surveys.scoring import Recommendation, recommendation_counts

from .models import FollowUp
from .retrospectives import RETROSPECTIVE_DAYS, build_survey, practice_recommendation
from .signals import raise_revision

# A follow-up survey stays open as long as the retrospective did.
FOLLOW_UP_SURVEY_DAYS = RETROSPECTIVE_DAYS
YES, PARTLY, NO = "Oui", "En partie", "Non"
STILL_APPLIED_CHOICES = [YES, PARTLY, NO]
STILL_APPLIED_PREFIX = "Appliquez-vous toujours la pratique"


def add_months(day, months):
    """The same day ``months`` later; the month's last day when it is shorter (31 → 30)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_months():
    return sorted({int(months) for months in settings.EXPERIMENT_FOLLOW_UP_MONTHS if months > 0})


def schedule(experiment, on=None):
    """The follow-ups of an experiment whose action plan was done ``on`` (today): one per
    configured delay, numbered from 1. Scheduling twice creates nothing more."""
    on = on or timezone.localdate()
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                experiment=experiment, number=number, months=months, due_on=add_months(on, months)
            )
            for number, months in enumerate(follow_up_months(), start=1)
        ],
        ignore_conflicts=True,
    )
    return experiment.follow_ups.count()


def respondents(experiment):
    """Who answers a follow-up: the participants (and the lead, when she answered the
    retrospective), and when the lead chose so the active agents of their departments."""
    who = Q(pk__in=experiment.participants.values("pk"))
    if experiment.lead_answers_retrospective:
        who |= Q(pk=experiment.lead_id)
    if experiment.follow_up_include_teams:
        teams = experiment.participants.exclude(department=None).values("department")
        who |= Q(department__in=teams) & ~Q(pk=experiment.lead_id)
    return Agent.objects.filter(who, is_active=True)


def still_applied_question(practice):
    return Question(
        kind=Question.Kind.SINGLE_CHOICE,
        label=f"{STILL_APPLIED_PREFIX} « {practice.title} » ?"[:300],
        choices="\n".join(STILL_APPLIED_CHOICES),
        subject=practice,
    )


def follow_up_questions(experiment):
    questions = []
    for practice in experiment.practices.all():
        questions += [still_applied_question(practice), practice_recommendation(practice)]
    questions.append(
        Question(
            kind=Question.Kind.TEXT,
            label="Qu’est-ce qui a changé depuis la fin de l’expérimentation ?",
        )
    )
    return questions


def open_follow_up(follow_up_pk, now=None):
    """Open a due follow-up: claim it, create its survey, invite (e-mails on commit).

    The claim is a compare-and-set on the row: a second, concurrent run waits for the
    first's transaction, then finds it opened and does nothing (False).
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = FollowUp.objects.filter(
            pk=follow_up_pk, opened_at__isnull=True, cancelled_at__isnull=True
        ).update(opened_at=now)
        if not claimed:
            return False
        follow_up = FollowUp.objects.select_related("experiment__lead").get(pk=follow_up_pk)
        experiment = follow_up.experiment
        survey = build_survey(
            experiment,
            f"Suivi à {follow_up.months} mois : {experiment.title}",
            f"{follow_up.months} mois après le plan d’action : appliquez-vous toujours les "
            "pratiques testées, et les recommanderiez-vous aujourd’hui ? "
            "Toutes les questions sont facultatives.",
            follow_up_questions(experiment),
            respondents(experiment),
            now,
            FOLLOW_UP_SURVEY_DAYS,
        )
        FollowUp.objects.filter(pk=follow_up_pk).update(survey=survey)
        raise_revision(experiment.pk)
    return True


def due_follow_ups(today=None):
    today = today or timezone.localdate()
    return FollowUp.objects.filter(
        opened_at__isnull=True, cancelled_at__isnull=True, due_on__lte=today
    ).exclude(experiment__status=PROCESS.DONE)


def open_due_follow_ups(now=None):
    now = now or timezone.now()
    pks = list(
        due_follow_ups(timezone.localdate(now))
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    return sum(open_follow_up(pk, now) for pk in pks)


def close_due_follow_ups(now=None):
    """Close the follow-up surveys whose closing date passed (the survey_closed signal then
    marks the follow-up closed, and ends the experiment after its last one)."""
    due = Survey.objects.due_for_closing(now).filter(follow_up__isnull=False)
    return sum(survey_services.close(survey, now) for survey in due)


def mark_closed(survey):
    """A follow-up's survey closed: its follow-up is closed; its experiment (None when the
    survey is no follow-up's)."""
    follow_up = FollowUp.objects.filter(survey=survey).select_related("experiment").first()
    if follow_up is None:
        return None
    FollowUp.objects.filter(pk=follow_up.pk, closed_at__isnull=True).update(
        closed_at=survey.closed_at or timezone.now()
    )
    return follow_up.experiment


def pending(experiment):
    """The follow-ups still to come or to close."""
    return experiment.follow_ups.filter(closed_at__isnull=True, cancelled_at__isnull=True)


def end_early(experiment, task, reason, now=None):
    """The lead ends the follow-up stage before its last survey (inside the stage's view,
    under the flow's lock, before the task completes): the follow-ups not opened yet are
    cancelled, the reason goes on the task (the page's history shows it)."""
    now = now or timezone.now()
    experiment.follow_ups.filter(opened_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=now
    )
    task.data = {**(task.data or {}), "comment": reason, "ended_early": True}
    task.save(update_fields=["data"])


def close_open_surveys(experiment, now=None):
    """After an early end: the follow-up surveys still open close now."""
    open_surveys = Survey.objects.filter(follow_up__experiment=experiment, closed_at__isnull=True)
    return sum(survey_services.close(survey, now) for survey in open_surveys)


# --- Before and after, per practice ---


@dataclass
class Figure:
    """A question's figure, or none under k answers."""

    answers: int = 0
    enough: bool = False
    score: int | None = None  # recommendation
    shares: dict = field(default_factory=dict)  # still applied: yes, partly, no → percent


@dataclass
class AfterColumn:
    follow_up: FollowUp
    min_group_size: int


@dataclass
class PracticeRow:
    practice: object
    before: Figure
    after: list  # per closed follow-up: (Figure recommendation, Figure still applied)


def before_figures(results):
    """{practice pk: Figure} of the retrospective's per-practice recommendations."""
    figures = {}
    if results is None or not results.published:
        return figures
    for result in results.questions:
        question = result.question
        if question.kind != Question.Kind.RECOMMENDATION or not question.subject_id:
            continue
        enough = bool(result.enough and result.recommendation)
        figures[question.subject_id] = Figure(
            answers=result.answered,
            enough=enough,
            score=result.recommendation.rounded_score if enough else None,
        )
    return figures


def before_after(experiment, practices, results):
    """The closed follow-ups (as columns) and one row per practice: the retrospective's score,
    then each closed follow-up's score and "still applied" shares. In four queries whatever
    the number of practices and follow-ups; every figure under its survey's k withheld."""
    follow_ups = list(experiment.follow_ups.select_related("survey").order_by("number"))
    closed = [f for f in follow_ups if f.closed_at and f.survey_id]
    if not closed:
        return {"follow_ups": follow_ups, "columns": [], "rows": [], "k": None, "withheld": False}
    k_of = {f.survey_id: f.survey.min_group_size for f in closed}
    questions = list(
        Question.objects.filter(survey_id__in=k_of, subject__isnull=False)
        .exclude(kind=Question.Kind.TEXT)
        .values_list("pk", "survey_id", "subject_id", "kind")
    )
    ids = [pk for pk, *_rest in questions]
    recommendations = {
        row.pop("question_id"): row
        for row in Answer.objects.filter(question_id__in=ids, value__isnull=False)
        .values("question_id")
        .annotate(**recommendation_counts())
        .order_by()
    }
    choices = defaultdict(dict)
    for question_id, choice, n in (
        Answer.objects.filter(question_id__in=ids)
        .exclude(choice="")
        .values("question_id", "choice")
        .annotate(n=Count("pk"))
        .values_list("question_id", "choice", "n")
        .order_by()
    ):
        choices[question_id][choice] = n
    figures = {}  # (survey pk, practice pk, kind) → Figure
    for pk, survey_id, subject_id, kind in questions:
        k = k_of[survey_id]
        if kind == Question.Kind.RECOMMENDATION:
            counts = Recommendation(min_group_size=k, **recommendations.get(pk, {}))
            figure = Figure(answers=counts.answers, enough=counts.enough_answers)
            figure.score = counts.visible_score
        else:
            counts = choices.get(pk, {})
            total = sum(counts.values())
            figure = Figure(answers=total, enough=total > 0 and total >= k)
            if figure.enough:
                figure.shares = {
                    key: round(100 * counts.get(choice, 0) / total)
                    for key, choice in zip(
                        ("yes", "partly", "no"), STILL_APPLIED_CHOICES, strict=True
                    )
                }
        figures[survey_id, subject_id, kind] = figure
    before = before_figures(results)
    rows = [
        PracticeRow(
            practice=practice,
            before=before.get(practice.pk, Figure()),
            after=[
                (
                    figures.get(
                        (f.survey_id, practice.pk, Question.Kind.RECOMMENDATION), Figure()
                    ),
                    figures.get((f.survey_id, practice.pk, Question.Kind.SINGLE_CHOICE), Figure()),
                )
                for f in closed
            ],
        )
        for practice in practices
    ]
    columns = [AfterColumn(f, k_of[f.survey_id]) for f in closed]
    withheld = any(
        not figure.enough
        for row in rows
        for figure in [row.before, *(figure for pair in row.after for figure in pair)]
    )
    return {
        "follow_ups": follow_ups,
        "columns": columns,
        "rows": rows,
        # The strictest k of the surveys compared, for the sentence that says why a figure
        # is withheld.
        "k": max([*k_of.values(), results.survey.min_group_size if results else 0]),
        "withheld": withheld,
    }
