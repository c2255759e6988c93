"""What happens to surveys: inviting, answering, reminding, closing, duplicating."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from intranet.accounts.models import Agent

from .models import Answer, Channel, Invitation, Question, Response, Survey
from .notifications import send_invitation_email
from .signals import survey_closed


class AlreadyAnswered(Exception):
    """This invitation has already been used; nothing was recorded."""


def audience_agents(survey):
    """The active agents the survey's audience designates."""
    return designated_agents(
        survey.audience, survey.audience_department, survey.audience_agents.values("pk")
    ).filter(is_active=True)


def designated_agents(audience, department, agents):
    """Every agent (active or not) an audience designates: everyone, a department with its
    services, or the chosen ``agents`` (agents or their ids)."""
    if audience == Survey.Audience.EVERYONE:
        return Agent.objects.all()
    if audience == Survey.Audience.DEPARTMENT:
        if department is None:
            return Agent.objects.none()
        return Agent.objects.filter(department__in=department.with_descendants())
    return Agent.objects.filter(pk__in=agents)


def invite(survey, agents=None):
    """Create the missing invitations and e-mail each new one; return how many were created."""
    agents = audience_agents(survey) if agents is None else agents
    already = Invitation.objects.filter(survey=survey).values("agent_id")
    new = [Invitation(survey=survey, agent=agent) for agent in agents.exclude(pk__in=already)]
    with transaction.atomic():
        Invitation.objects.bulk_create(new, ignore_conflicts=True)
        created = Invitation.objects.filter(
            survey=survey, agent__in=[invitation.agent for invitation in new]
        ).values_list("pk", flat=True)
        for invitation_id in created:
            transaction.on_commit(
                lambda pk=invitation_id: send_invitation_email.enqueue(pk, reminder=False)
            )
    return len(new)


def submit_response(invitation, answers, channel=Channel.SIGNED_IN):
    """Record an invitation's answers, exactly once, even under concurrent submissions.

    ``answers`` maps each Question to a value: an int (recommendation, scale), a string
    (single choice, free text), a list of strings (multiple choice) or None (skipped).
    ``channel`` (how the agent came) goes on the invitation, never on the response.
    """
    survey = invitation.survey
    with transaction.atomic():
        # The compare-and-set below takes the row lock: a concurrent submit waits, then
        # finds the invitation answered and updates nothing.
        marked = Invitation.objects.filter(pk=invitation.pk, answered=False).update(
            answered=True,
            answered_at=None if survey.anonymous else timezone.now(),
            answered_via=channel,
        )
        if not marked:
            raise AlreadyAnswered
        agent = invitation.agent
        try:
            response = Response.objects.create(
                survey=survey,
                agent=None if survey.anonymous else agent,
                department=(agent.department.parent or agent.department)
                if agent.department_id
                else None,
                submitted_at=None if survey.anonymous else timezone.now(),
            )
        except IntegrityError as error:
            raise AlreadyAnswered from error
        Answer.objects.bulk_create(answer_rows(response, answers))
    invitation.answered = True
    return response


def answer_rows(response, answers):
    rows = []
    for question, value in answers.items():
        if value in (None, "", []):
            continue
        if question.kind in Question.NUMERIC_KINDS:
            rows.append(Answer(response=response, question=question, value=int(value)))
        elif question.kind == Question.Kind.MULTIPLE_CHOICE:
            rows.extend(
                # A choice ticked twice (a crafted post) is one answer: the database allows one.
                Answer(response=response, question=question, choice=choice)
                for choice in dict.fromkeys(value)
            )
        elif question.kind == Question.Kind.SINGLE_CHOICE:
            rows.append(Answer(response=response, question=question, choice=value))
        else:
            rows.append(Answer(response=response, question=question, text=value))
    return rows


def send_reminders(now=None):
    """Remind the invited agents who have not answered an open survey, once a day at most."""
    now = now or timezone.localtime()
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    due = Invitation.objects.filter(
        survey__in=Survey.objects.open(now),
        answered=False,
        agent__is_active=True,
        invited_at__lt=start_of_day,
    ).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=start_of_day))
    reminded = 0
    for invitation_id in due.values_list("pk", flat=True):
        # Claim the reminder before sending: two cron runs never send it twice.
        if (
            Invitation.objects.filter(pk=invitation_id)
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=start_of_day))
            .update(reminded_at=now)
        ):
            send_invitation_email.enqueue(invitation_id, reminder=True)
            reminded += 1
    return reminded


def close(survey, now=None):
    """Close a survey (by hand or at its closing date) and announce it, once."""
    now = now or timezone.now()
    if not Survey.objects.filter(pk=survey.pk, closed_at__isnull=True).update(closed_at=now):
        return False
    survey.closed_at = now
    survey_closed.send(sender=Survey, survey=survey)
    return True


def close_due_surveys(now=None):
    return sum(close(survey, now) for survey in Survey.objects.due_for_closing(now))


def duplicate(survey, owner):
    """A copy of the survey and its questions, with no invitation nor answer."""
    with transaction.atomic():
        copy = Survey.objects.get(pk=survey.pk)
        copy.pk = None
        copy.title = f"{survey.title} (copie)"[:200]
        copy.owner = owner
        copy.closed_at = None
        copy.save()
        copy.audience_agents.set(survey.audience_agents.all())
        copy.save()
        Question.objects.bulk_create(
            Question(
                survey=copy,
                sort_order=question.sort_order,
                kind=question.kind,
                label=question.label,
                help_text=question.help_text,
                required=question.required,
                choices=question.choices,
                subject_id=question.subject_id,
            )
            for question in survey.questions.all()
        )
    return copy
