"""What agents, officers and experiments do with the practices content.

Each function is one business action, atomic, safe when two requests race.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import (
    CharterSignature,
    Enrolment,
    OnboardingProgress,
    OnboardingStep,
    PracticeCategory,
    PracticeIndexPage,
    PracticePage,
    TrainingSession,
)
from .notifications import send_seat_freed_email


class RegistrationError(Exception):
    """A registration or unregistration that cannot be done; nothing was written."""


class NoPracticeLibrary(Exception):
    """A new practice needs a practice library to live in."""


def sign_charter(page, agent):
    """Sign the charter's current version; signing it again changes nothing.

    Returns (signature, created); a concurrent double click ends with one signature
    (get_or_create falls back on the row the other request inserted).
    """
    return CharterSignature.objects.get_or_create(page=page, agent=agent, version=page.version)


def lock_session(session):
    """The session row, locked until the end of the transaction: seats are counted under it."""
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


def register(session, agent, now=None):
    """Give the agent a seat, or a place on the waiting list when the session is full.

    Returns (enrolment, created). Raises RegistrationError when registering is not possible.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = lock_session(session)
        if session.starts_at <= now:
            raise RegistrationError(_("This session has started: registrations are closed."))
        existing = Enrolment.objects.filter(session=session, agent=agent).first()
        if existing:
            return existing, False
        if (
            Enrolment.objects.filter(
                agent=agent,
                session__training_id=session.training_id,
                session__starts_at__gt=now,
            )
            .exclude(session=session)
            .exists()
        ):
            raise RegistrationError(
                _(
                    "You are already registered to another session of this training: "
                    "unregister from it first."
                )
            )
        taken = Enrolment.objects.filter(session=session).exclude(status=Enrolment.Status.WAITING)
        status = (
            Enrolment.Status.REGISTERED
            if taken.count() < session.capacity
            else Enrolment.Status.WAITING
        )
        return Enrolment.objects.create(session=session, agent=agent, status=status), True


def waiting_position(enrolment):
    """1 for the first on the waiting list."""
    ahead = Q(created_at__lt=enrolment.created_at) | Q(
        created_at=enrolment.created_at, pk__lt=enrolment.pk
    )
    waiting = Enrolment.objects.filter(
        session_id=enrolment.session_id, status=Enrolment.Status.WAITING
    )
    return waiting.filter(ahead).count() + 1


def unregister(session, agent, now=None):
    """Free the agent's seat (or waiting place); the first on the waiting list takes the seat."""
    now = now or timezone.now()
    with transaction.atomic():
        session = lock_session(session)
        if session.starts_at <= now:
            raise RegistrationError(_("This session has started: you can no longer unregister."))
        enrolment = Enrolment.objects.filter(session=session, agent=agent).first()
        if enrolment is None:
            raise RegistrationError(_("You were not registered to this session."))
        held_a_seat = enrolment.status != Enrolment.Status.WAITING
        enrolment.delete()
        if held_a_seat:
            fill_seats(session)


def fill_seats(session):
    """Give the free seats to the waiting list, first come first served, and tell them.

    Call it inside a transaction holding the session's lock (see lock_session).
    """
    taken = (
        Enrolment.objects.filter(session=session).exclude(status=Enrolment.Status.WAITING).count()
    )
    free = session.capacity - taken
    if free <= 0:
        return []
    promoted = list(
        Enrolment.objects.filter(session=session, status=Enrolment.Status.WAITING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:free]
    )
    Enrolment.objects.filter(pk__in=promoted).update(status=Enrolment.Status.REGISTERED)
    for enrolment_id in promoted:
        transaction.on_commit(lambda pk=enrolment_id: send_seat_freed_email.enqueue(pk))
    return promoted


def mark_attendance(session, statuses):
    """Record who attended a started session; ``statuses`` maps enrolment ids to a status."""
    if not session.has_started:
        raise RegistrationError(_("Attendance can be marked once the session has started."))
    allowed = {Enrolment.Status.REGISTERED, Enrolment.Status.ATTENDED, Enrolment.Status.ABSENT}
    with transaction.atomic():
        for status in allowed:
            ids = [pk for pk, chosen in statuses.items() if chosen == status]
            Enrolment.objects.filter(session=session, pk__in=ids).exclude(
                status=Enrolment.Status.WAITING
            ).update(status=status)


def set_step_done(step, agent, done):
    """Tick (or untick) an onboarding step for an agent."""
    if done:
        OnboardingProgress.objects.get_or_create(agent=agent, step=step)
    else:
        OnboardingProgress.objects.filter(agent=agent, step=step).delete()


def tick_steps_linking_to(page_id, agent_ids):
    """Tick, for these agents, the onboarding steps whose link opens this page: a step
    linking the charter asks to sign it, one linking a training to enrol in it."""
    steps = list(OnboardingStep.objects.filter(link_page_id=page_id).values_list("pk", flat=True))
    if steps:
        OnboardingProgress.objects.bulk_create(
            (
                OnboardingProgress(agent_id=agent, step_id=step)
                for agent in agent_ids
                for step in steps
            ),
            ignore_conflicts=True,
        )


def experiment_feedback(experiment):
    """The example block telling what an experiment taught (page content: in French)."""
    paragraphs = [line.strip() for line in experiment.synthesis.splitlines() if line.strip()]
    text = "".join(f"<p>{escape(line)}</p>" for line in paragraphs) or (
        "<p>Synthèse à rédiger à partir de la rétrospective.</p>"
    )
    return (
        "example",
        {
            "title": f"Retour de l'expérimentation « {experiment.title} »"[:200],
            "text": text,
            "where": str(experiment.department or "")[:200],
        },
    )


def draft_practice_from_experiment(experiment, page=None, title=None):
    """A draft practice carrying what the experiment taught, submitted to moderation.

    With ``page``: a new revision of that practice; with ``title``: a new practice in the
    library. The experiment's lead is the author. Returns the practice page.
    """
    with transaction.atomic():
        if page is not None:
            draft = page.specific.get_latest_revision_as_object()
            draft.body.append(experiment_feedback(experiment))
        else:
            library = PracticeIndexPage.objects.order_by("path").first()
            if library is None:
                raise NoPracticeLibrary(_("Create the practice library page first."))
            tested = experiment.practices.exclude(category=None).order_by("path").first()
            draft = PracticePage(
                title=title,
                summary=(experiment.hypothesis or experiment.problem or title)[:400],
                category=tested.category if tested else PracticeCategory.objects.first(),
                body=[experiment_feedback(experiment)],
                owner=experiment.lead,
                live=False,
            )
            library.add_child(instance=draft)
        draft.save_revision(user=experiment.lead, log_action=True)
        workflow = draft.get_workflow()
        if workflow and not draft.workflow_in_progress:
            workflow.start(draft, experiment.lead)
    return draft
