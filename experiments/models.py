from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from intranet.accounts.roles import MODERATORS, has_role, is_manager
from intranet.core.text import SingleLineTitle

# The eight stages, in order, each a node of ExperimentFlow (plus the send-back loop and
# the follow-ups' scheduling).
STAGES = [
    ("frame", _("Framing")),
    ("review", _("Approval")),
    ("launch", _("Launch")),
    ("run", _("Experimentation")),
    ("retrospective", _("Retrospective")),
    ("synthesis", _("Synthesis")),
    ("action_plan", _("Action plan")),
    ("follow_up", _("Follow-up")),
]
STAGE_NAMES = dict(STAGES)


class ExperimentQuerySet(models.QuerySet):
    def visible_to(self, agent):
        """Experiments an agent may open in full: lead, sponsor, participant, manager."""
        if agent.is_superuser:
            return self
        involved = Q(lead=agent) | Q(sponsor=agent) | Q(participants=agent)
        if is_manager(agent):
            involved |= Q(department__in=agent.department.with_descendants())
        return self.filter(involved).distinct()

    def finished(self):
        return self.filter(status=PROCESS.DONE)


class Experiment(SingleLineTitle, Process):
    """A team tries collaboration practices and tools for real, then decides."""

    class Decision(models.TextChoices):
        GENERALISE = "generalise", _("Generalise")
        ADAPT = "adapt", _("Adapt")
        STOP = "stop", _("Stop")

    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiments",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project lead"),
        on_delete=models.PROTECT,
        related_name="led_experiments",
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsored_experiments",
    )
    problem = models.TextField(_("problem"), blank=True)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    practices = models.ManyToManyField(
        "practices.PracticePage",
        verbose_name=_("practices tested"),
        blank=True,
        related_name="experiments",
    )
    tools = models.ManyToManyField(
        "practices.Tool", verbose_name=_("tools tested"), blank=True, related_name="experiments"
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="experiments",
    )
    success_criteria = models.TextField(_("success criteria"), blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    # The retrospective is the team's regard on the experiment: the lead, who owns its
    # results, answers it only by choice.
    lead_answers_retrospective = models.BooleanField(
        _("the project lead answers the retrospective"), default=False
    )
    approved = models.BooleanField(_("approved"), null=True, blank=True, editable=False)
    retrospective_survey = models.OneToOneField(
        "surveys.Survey",
        verbose_name=_("retrospective survey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiment",
    )
    synthesis = models.TextField(_("synthesis"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    spread_practices = models.ManyToManyField(
        "practices.PracticePage",
        verbose_name=_("practices to spread"),
        blank=True,
        related_name="spread_by_experiments",
        help_text=_("Practice pages written or revised by the action plan."),
    )

    # Issue 16 §1: days per later stage, set by the lead at framing (deadlines.py).
    stage_durations = models.JSONField(
        _("target durations of the stages"),
        default=dict,
        blank=True,
    )

    # Raised by every change the experiment's page shows (signals.py): the key of its cache.
    revision = models.PositiveIntegerField(default=0, editable=False)

    # Issue 16 §5: you said, we did (announcements.py). The retrospective's invitees are
    # kept when it closes, as a set (never who answered): the invitations may be purged
    # before the lead writes.
    changes_announced = models.TextField(_("what will change"), blank=True)
    changes_announced_at = models.DateTimeField(
        _("what will change, published on"), null=True, blank=True, editable=False
    )
    changes_announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("what will change, published by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retrospective_invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited to the retrospective"),
        blank=True,
        editable=False,
        related_name="+",
    )

    # Issue 16 §4: the follow-up surveys (follow_ups.py) invite the participants' teams too.
    follow_up_include_teams = models.BooleanField(
        _("the participants' teams answer the follow-ups too"), default=False
    )

    objects = ExperimentQuerySet.as_manager()

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ["-created"]

    def __str__(self):
        return self.title

    def is_involved(self, agent):
        if agent.is_superuser or agent.pk in (self.lead_id, self.sponsor_id):
            return True
        return Experiment.objects.visible_to(agent).filter(pk=self.pk).exists()


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        OBSERVATION = "observation", _("Observation")
        DIFFICULTY = "difficulty", _("Difficulty")
        TOOLS = "tools", _("Tools used")

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="journal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("entry"), max_length=5000)
    created_at = models.DateTimeField(_("written on"), auto_now_add=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text[:60]


class ActionItem(models.Model):
    """An action of the plan: its owner tracks it to the end (action_tracking.py)."""

    class Status(models.TextChoices):
        TODO = "todo", _("to do")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        ABANDONED = "abandoned", _("abandoned")

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="experiment_actions",
    )
    due_date = models.DateField(_("due date"))
    # Issue 16 §3: actions tracked to the end.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.TODO
    )
    progress_note = models.TextField(_("progress note"), max_length=2000, blank=True)
    abandon_reason = models.TextField(_("why it is abandoned"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="abandoned") | ~Q(abandon_reason=""),
                name="abandoned_action_has_a_reason",
            )
        ]

    def __str__(self):
        return self.what


OPEN_ACTION_STATUSES = (ActionItem.Status.TODO, ActionItem.Status.IN_PROGRESS)


class ActionItemChange(models.Model):
    """One update of an action: its status before and after, and the note written."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="action_changes",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    old_status = models.CharField(
        _("previous status"), max_length=20, choices=ActionItem.Status.choices
    )
    new_status = models.CharField(
        _("new status"), max_length=20, choices=ActionItem.Status.choices
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("action update")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.action_id}: {self.old_status} → {self.new_status}"


class ActionReminder(models.Model):
    """A reminder of an action coming due, one a day at most: the row is claimed first."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("day"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action reminder")
        constraints = [
            models.UniqueConstraint(fields=["action", "day"], name="one_action_reminder_a_day")
        ]

    def __str__(self):
        return f"{self.action_id} {self.day}"


class ExperimentFollow(models.Model):
    """A participant or the sponsor follows an experiment: its actions' progress is e-mailed."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="follows")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiment_follows"
    )
    created = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("experiment follow")
        constraints = [
            models.UniqueConstraint(fields=["experiment", "agent"], name="one_follow_per_agent")
        ]

    def __str__(self):
        return f"{self.agent_id} → {self.experiment_id}"


# --- Reassignment and departures (issue 16, section 2) ---


class TaskReassignment(models.Model):
    """A stage task given to someone else (or released: ``to_agent`` None, a departure)."""

    task = models.ForeignKey(
        "viewflow.Task", on_delete=models.CASCADE, related_name="reassignments"
    )
    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="reassignments"
    )
    from_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("task reassignment")

    def __str__(self):
        return f"{self.task_id}: {self.from_agent_id} → {self.to_agent_id}"


# --- Deadlines and reminders (issue 16, section 1) ---


class TaskReminder(models.Model):
    """A reminder of an open stage, one a day at most: the row is claimed before sending."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the due date")
        DUE = "due", _("On the due date")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalation")

    task = models.ForeignKey("viewflow.Task", on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task reminder")
        constraints = [
            models.UniqueConstraint(fields=["task", "day"], name="one_task_reminder_a_day")
        ]

    def __str__(self):
        return f"{self.task_id} {self.day} {self.kind}"


# --- Ideas (issue 16, section 6) ---


class IdeaQuerySet(models.QuerySet):
    def visible_to(self, agent):
        """Ideas an agent may see: hidden ones only to moderators and administrators."""
        if may_moderate(agent):
            return self
        return self.filter(hidden=False)


def may_moderate(agent):
    return agent.is_superuser or has_role(agent, MODERATORS)


class Idea(models.Model):
    """A practice or a tool use an agent proposes to test."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", _("A practice")
        TOOL = "tool", _("A tool use")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        STUDYING = "studying", _("under study")
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("not retained")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    # The author's department when proposing: the dashboard counts ideas where they arose.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("the problem"), max_length=5000)
    idea = models.TextField(_("the idea"), max_length=5000)
    concerns = models.TextField(_("who it concerns"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    experiment = models.OneToOneField(
        Experiment,
        verbose_name=_("experiment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea",
    )
    created = models.DateTimeField(_("proposed on"), auto_now_add=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return self.title


class IdeaSupport(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "agent"], name="one_support_per_agent")
        ]

    def __str__(self):
        return f"{self.agent_id} → {self.idea_id}"


class IdeaComment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=2000)
    hidden = models.BooleanField(_("hidden"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return self.text[:60]


# --- Follow-up: measure again (issue 16, section 4) ---


class FollowUp(models.Model):
    """A follow-up survey of an experiment, some months after its action plan (follow_ups.py).

    Scheduled when the action plan is done; opened by ``open_follow_ups`` on its due date
    (the row is claimed first: two runs open it once); closed with its survey.
    """

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="follow_ups")
    number = models.PositiveSmallIntegerField(_("number"))
    months = models.PositiveSmallIntegerField(_("months after the action plan"))
    due_on = models.DateField(_("due on"))
    survey = models.OneToOneField(
        "surveys.Survey",
        verbose_name=_("survey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up",
    )
    opened_at = models.DateTimeField(_("opened on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    # Never opened: the lead ended the experiment first.
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["experiment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "number"], name="one_follow_up_number")
        ]

    def __str__(self):
        return f"{self.experiment_id} #{self.number}"

    @property
    def state(self):
        if self.cancelled_at:
            return "cancelled"
        if self.closed_at:
            return "closed"
        if self.opened_at:
            return "open"
        return "scheduled"
