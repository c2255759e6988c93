"""The idea box: agents propose practices or tool uses to test, colleagues support and
comment, moderators hide abuse, project leads study, turn down or adopt an idea (adopting
starts an experiment with its framing prefilled)."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task as background_task

from . import services
from .mail import absolute, email, send
from .models import Idea, IdeaComment, IdeaSupport, may_moderate


class AlreadyAdopted(Exception):
    """The idea was adopted (maybe in another tab, by another lead) or is hidden."""


def ideas_for(agent):
    """The ideas ``agent`` may see, each with its number of supports and whether she gave one
    (two annotations: one query whatever the number of ideas)."""
    return (
        Idea.objects.visible_to(agent)
        .select_related("author", "department__parent", "experiment")
        .annotate(
            support_count=Count("supports", distinct=True),
            supported=Count("supports", filter=Q(supports__agent=agent), distinct=True),
        )
    )


def idea_for(agent, pk):
    """One idea with its comments (hidden ones for moderators only); None when ``agent`` may
    not see it."""
    comments = IdeaComment.objects.select_related("author")
    if not may_moderate(agent):
        comments = comments.filter(hidden=False)
    return (
        ideas_for(agent)
        .prefetch_related(Prefetch("comments", queryset=comments, to_attr="visible_comments"))
        .filter(pk=pk)
        .first()
    )


def propose(author, **fields):
    return Idea.objects.create(author=author, department=author.department, **fields)


def may_support(agent, idea):
    """Anyone but its author, while the idea is still open to discussion."""
    return idea.author_id != agent.pk and idea.status != Idea.Status.ADOPTED


def toggle_support(agent, idea):
    """Support ``idea`` or take the support back: True when it is now supported."""
    if not may_support(agent, idea):
        raise PermissionDenied
    deleted, _ = IdeaSupport.objects.filter(idea=idea, agent=agent).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            IdeaSupport.objects.create(idea=idea, agent=agent)
    except IntegrityError:  # a double click: the other request recorded the support
        pass
    return True


def comment(author, idea, text):
    return IdeaComment.objects.create(idea=idea, author=author, text=text)


def moderate(moderator, idea, hidden, comment_pk=None):
    """Hide or show again an idea, or one of its comments."""
    if not may_moderate(moderator):
        raise PermissionDenied
    if comment_pk is not None:
        return IdeaComment.objects.filter(idea=idea, pk=comment_pk).update(hidden=hidden)
    return Idea.objects.filter(pk=idea.pk).update(
        hidden=hidden,
        hidden_by=moderator if hidden else None,
        hidden_at=timezone.now() if hidden else None,
    )


def may_decide(agent):
    return services.can_start(agent)


def set_status(lead, idea, status, reason):
    """Put an idea under study or turn it down, with the reason shown to everyone."""
    if not may_decide(lead) or status not in (Idea.Status.STUDYING, Idea.Status.REJECTED):
        raise PermissionDenied
    return (
        Idea.objects.filter(pk=idea.pk, experiment__isnull=True)
        .exclude(status=Idea.Status.ADOPTED)
        .update(status=status, status_reason=reason)
    )


def adopt(lead, idea_pk):
    """Start the experiment of an idea, its framing prefilled, its author in the team, and
    tell the author. Once: a second adoption raises AlreadyAdopted and starts nothing."""
    if not may_decide(lead):
        raise PermissionDenied
    with transaction.atomic():
        idea = (
            Idea.objects.select_for_update()
            .filter(pk=idea_pk, hidden=False, experiment__isnull=True)
            .exclude(status=Idea.Status.ADOPTED)
            .first()
        )
        if idea is None:
            raise AlreadyAdopted
        experiment = services.start(lead, idea.title, department=idea.department)
        experiment.problem = idea.problem
        experiment.hypothesis = idea.idea
        experiment.save(update_fields=["problem", "hypothesis"])
        if idea.author_id and idea.author_id != lead.pk:
            experiment.participants.add(idea.author_id)
        adopted = (
            Idea.objects.filter(pk=idea.pk, experiment__isnull=True)
            .exclude(status=Idea.Status.ADOPTED)
            .update(status=Idea.Status.ADOPTED, experiment=experiment, status_reason="")
        )
        if not adopted:  # SQLite has no row lock: the conditional update decides
            raise AlreadyAdopted
        transaction.on_commit(lambda: send_adoption_email.enqueue(idea.pk))
    return experiment


@background_task()
def send_adoption_email(idea_id):
    """Tell the author that her idea became an experiment, which she is invited to join."""
    idea = Idea.objects.select_related("author", "experiment__lead").filter(pk=idea_id).first()
    if idea is None or idea.author is None or not idea.author.email or not idea.experiment:
        return
    context = {
        "agent": idea.author,
        "idea": idea,
        "experiment": idea.experiment,
        "lead": idea.experiment.lead,
        "link": absolute(reverse("experiments:idea", args=[idea.pk])),
    }
    send([email("idea_adopted", context, idea.author.email)])
