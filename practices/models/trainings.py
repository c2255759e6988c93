from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from intranet.core.blocks import BodyBlock
from intranet.core.visibility import viewable_pages

from .moderation import ModeratedPage


class TrainingIndexPage(ModeratedPage):
    """The training catalogue, filtered by level and PIX competence."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*ModeratedPage.content_panels, FieldPanel("intro")]
    search_fields = [*ModeratedPage.search_fields, index.SearchField("intro")]
    search_kind_words = "formation formations catalogue"

    parent_page_types = ["home.HomePage"]
    subpage_types = ["practices.TrainingPage"]
    trainings_per_page = 20

    class Meta:
        verbose_name = _("training catalogue")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Named, not imported: the forms import the models.
        form = import_string("practices.forms.TrainingFilterForm")(request.GET)
        next_session = (
            TrainingSession.objects.upcoming()
            .filter(training=OuterRef("pk"))
            .order_by("starts_at")
            .values("starts_at")[:1]
        )
        trainings = (
            viewable_pages(request, TrainingPage.objects.child_of(self))
            .annotate(next_session_at=Subquery(next_session))
            .prefetch_related("competences")
            .order_by(F("next_session_at").asc(nulls_last=True), "title")
        )
        if form.is_valid():
            trainings = form.filter(trainings)
        context["filter_form"] = form
        context["trainings"] = Paginator(trainings, self.trainings_per_page).get_page(
            request.GET.get("page")
        )
        return context


class TrainingPage(ModeratedPage):
    """A training: what it teaches, to whom; its sessions are managed in the admin."""

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        REMOTE = "remote", _("Remote (video)")
        HYBRID = "hybrid", _("Hybrid")
        E_LEARNING = "e_learning", _("E-learning")

    summary = models.TextField(_("summary"), max_length=400)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    competences = ParentalManyToManyField(
        "skills.Competence",
        verbose_name=_("PIX competences covered"),
        blank=True,
        related_name="training_pages",
    )
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5)],
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("content"))

    content_panels = [
        *ModeratedPage.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("level"), FieldPanel("format"), FieldPanel("duration_hours")]),
        FieldPanel("competences"),
        FieldPanel("prerequisites"),
        FieldPanel("body"),
    ]
    search_fields = [
        *ModeratedPage.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("prerequisites"),
        index.SearchField("body"),
        index.RelatedFields("competences", [index.SearchField("name")]),
        index.FilterField("level"),
    ]
    search_kind_words = "formation formations"

    parent_page_types = ["practices.TrainingIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A new training, previewed before its first save, has no session yet.
        sessions = (
            list(
                TrainingSession.objects.upcoming()
                .filter(training=self)
                .with_seats()
                .order_by("starts_at")
            )
            if self.pk
            else []
        )
        mine = {
            enrolment.session_id: enrolment
            for enrolment in Enrolment.objects.filter(
                agent=request.user, session__in=[session.pk for session in sessions]
            )
        }
        for session in sessions:
            session.my_enrolment = mine.get(session.pk)
        context["sessions"] = sessions
        context["competences"] = self.competences.order_by("code")
        context["tools"] = self.tools.order_by("name") if self.pk else []
        context["can_manage_sessions"] = request.user.has_perm("practices.change_trainingsession")
        return context


class TrainingSessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gt=now or timezone.now())

    def with_seats(self):
        """Annotate ``taken`` (seats held: registered, attended or absent) and ``waiting``."""
        return self.annotate(
            taken=Count("enrolments", filter=~Q(enrolments__status=Enrolment.Status.WAITING)),
            waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
            attended=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ATTENDED)),
        )


class TrainingSession(models.Model):
    """One date of a training, with a place or a video link and a number of seats."""

    training = models.ForeignKey(
        TrainingPage,
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("seats"),
        validators=[MinValueValidator(1)],
        help_text=_("Registrations beyond go to the waiting list."),
    )
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)

    objects = TrainingSessionQuerySet.as_manager()

    panels = [
        FieldPanel("training"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        MultiFieldPanel(
            [FieldPanel("place"), FieldPanel("video_url")], heading=_("Place or video link")
        ),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("trainer")]),
    ]

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]
        permissions = [("mark_attendance", _("Can mark attendance"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_seats"),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        return f"{self.training.title} – {start:%d/%m/%Y %H:%M}"

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        if not self.place.strip() and not self.video_url:
            errors[NON_FIELD_ERRORS] = _("Give the place of the session, its video link, or both.")
        if self.pk and self.capacity:
            taken = self.enrolments.exclude(status=Enrolment.Status.WAITING).count()
            if self.capacity < taken:
                errors["capacity"] = _(
                    "%(count)s agents hold a seat: keep at least as many seats, or "
                    "unregister some of them first."
                ) % {"count": taken}
        if errors:
            raise ValidationError(errors)

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def seats_left(self):
        """Free seats; needs ``with_seats()``."""
        return max(self.capacity - self.taken, 0)


class Enrolment(models.Model):
    """An agent's registration to a session, then their attendance."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="training_enrolments",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "agent"], name="one_enrolment_per_session")
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self):
        return f"{self.agent} → {self.session}"
