import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from intranet.core.text import SingleLineTitle

DEFAULT_MIN_GROUP_SIZE = 5
# An anonymous survey never hides groups of fewer than this: a smaller k would let a reader
# of the results single out one or two colleagues (docs/privacy.md).
ANONYMOUS_MIN_GROUP_SIZE = 5


class SurveyQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now, closed_at__isnull=True)

    def due_for_closing(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now(), closed_at__isnull=True)


class Survey(SingleLineTitle, ClusterableModel):
    """A questionnaire sent to a list of agents, a department or everyone."""

    class Audience(models.TextChoices):
        AGENTS = "agents", _("Chosen agents")
        DEPARTMENT = "department", _("A department and its services")
        EVERYONE = "everyone", _("Every agent")

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_surveys",
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Anonymous answers are never linked to the agent who gave them."),
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"),
        default=DEFAULT_MIN_GROUP_SIZE,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Results of a group with fewer answers are never shown (at least 5 for an "
            "anonymous survey)."
        ),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.AGENTS
    )
    audience_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department invited"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    audience_agents = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agents invited"),
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set by the retention purge (purge_survey_personal_data), which deletes the invitations.
    purged_invitations = models.PositiveIntegerField(
        _("invitations purged"),
        default=0,
        editable=False,
        help_text=_("Invitations deleted once the retention period ended, still counted."),
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at"]
        permissions = [("view_survey_results", _("Can see the results of every survey"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(min_group_size__gte=ANONYMOUS_MIN_GROUP_SIZE),
                name="anonymous_survey_min_group_size",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})
        if self.audience == self.Audience.DEPARTMENT and not self.audience_department_id:
            raise ValidationError({"audience_department": _("Choose the department to invite.")})
        if self.anonymous and (self.min_group_size or 0) < ANONYMOUS_MIN_GROUP_SIZE:
            raise ValidationError(
                {
                    "min_group_size": _(
                        "An anonymous survey hides groups of fewer than %(k)s answers at least."
                    )
                    % {"k": ANONYMOUS_MIN_GROUP_SIZE}
                }
            )

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.closed_at is None and self.opens_at <= now < self.closes_at

    def has_started(self, now=None):
        return self.opens_at <= (now or timezone.now())

    def invited_count(self):
        """Agents invited, including those whose invitation the retention purge deleted."""
        return self.purged_invitations + self.invitations.count()

    @property
    def results_published(self):
        """Whether its answers may be shown: a named survey's at once; an anonymous survey's
        once it is closed, when no new answer can make a difference between two readings
        (docs/privacy.md)."""
        return not self.anonymous or self.closed_at is not None

    @property
    def is_closed(self):
        return self.closed_at is not None or self.closes_at <= timezone.now()


class Question(Orderable):
    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation (0 to 10)")
        SCALE = "scale", _("Scale (1 to 5)")
        SINGLE_CHOICE = "single", _("Single choice")
        MULTIPLE_CHOICE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    NUMERIC_KINDS = {Kind.RECOMMENDATION, Kind.SCALE}
    CHOICE_KINDS = {Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE}
    RANGES = {Kind.RECOMMENDATION: (0, 10), Kind.SCALE: (1, 5)}

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For choice questions: one choice per line.")
    )
    subject = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("subject"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_questions",
        help_text=_("The page this question rates, e.g. the practice being recommended."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        if self.kind in self.CHOICE_KINDS and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})
        if self.kind not in self.CHOICE_KINDS and self.choices.strip():
            raise ValidationError({"choices": _("Only choice questions have choices.")})

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


def new_token():
    return secrets.token_urlsafe(32)


class Channel(models.TextChoices):
    """How an invited agent reached the answer form."""

    EMAIL = "email", _("E-mail link")
    SIGNED_IN = "signed_in", _("Logged in to the intranet")
    KIOSK = "kiosk", _("Kiosk (printed code)")


class Invitation(models.Model):
    """An agent invited to a survey, with a personal link.

    For an anonymous survey the invitation only records *that* the agent answered: no
    timestamp, so nothing can re-link it to a response.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered = models.BooleanField(_("answered"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # How the agent answered, counted per channel for the owner; never on the response.
    answered_via = models.CharField(
        _("answered via"),
        max_length=20,
        choices=Channel.choices,
        blank=True,
        default="",
        db_default="",  # rows inserted in SQL (the benchmark's generator) get it too
    )
    # A printed invitation's code, for the kiosk: its keyed hash (the code is printed once).
    answer_code_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "agent"], name="one_invitation_per_agent"),
            models.CheckConstraint(
                condition=Q(answered=True) | Q(answered_at__isnull=True),
                name="answered_at_only_when_answered",
            ),
        ]

    def __str__(self):
        return f"{self.agent} → {self.survey}"


class Response(models.Model):
    """One agent's set of answers. Random primary key: row order reveals nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Only for named surveys; always null for anonymous ones.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    # The respondent's direction, kept for the breakdown (shown only from k answers).
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "agent"],
                condition=Q(agent__isnull=False),
                name="one_named_response_per_agent",
            ),
        ]

    def __str__(self):
        return str(self.pk)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"], name="one_answer_per_choice"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=10),
                name="answer_value_in_range",
            ),
        ]
        indexes = [models.Index(fields=["question", "value"])]

    def __str__(self):
        value = self.value if self.value is not None else self.choice or self.text
        return f"{self.question}: {value}"


class AnswerTally(models.Model):
    """How many answers gave each numeric value to a question.

    Kept by database triggers on surveys_answer (migration 0004), so that every way of
    writing answers keeps it right; scores read these at most 11 rows a question instead of
    counting the answers. A count may fall to 0: readers ignore those rows.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    value = models.SmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="one_tally_per_value"),
        ]

    def __str__(self):
        return f"{self.question}: {self.value} × {self.count}"
