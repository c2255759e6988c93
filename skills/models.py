from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .framework import MAX_LEVEL, MAX_PIX_PER_COMPETENCE


class Area(models.Model):
    """One of the 5 areas ("domaines") of the PIX framework."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("PIX area")
        verbose_name_plural = _("PIX areas")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Competence(models.Model):
    """One of the 16 PIX competences, e.g. 2.3 "Collaborer"."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="competences"
    )

    class Meta:
        verbose_name = _("PIX competence")
        verbose_name_plural = _("PIX competences")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class PixCampaignQuerySet(models.QuerySet):
    def with_figures(self):
        """Participants, matched and unmatched ones, shared profiles: the import report."""
        return self.annotate(
            participants=Count("participations"),
            matched=Count("participations", filter=Q(participations__agent__isnull=False)),
            unmatched=Count("participations", filter=Q(participations__agent__isnull=True)),
            shared=Count("participations", filter=Q(participations__is_shared=True)),
            not_shared=Count("participations", filter=Q(participations__is_shared=False)),
        )


class PixCampaign(models.Model):
    """A PIX Orga campaign, as known from its last imported export."""

    class Kind(models.TextChoices):
        PROFILES_COLLECTION = "profiles_collection", _("Profiles collection")
        ASSESSMENT = "assessment", _("Assessment")

    pix_id = models.CharField(_("PIX campaign ID"), max_length=20, unique=True)
    code = models.CharField(_("campaign code"), max_length=50)
    name = models.CharField(_("name"), max_length=255)
    organisation = models.CharField(_("organisation"), max_length=255)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    target_profile = models.CharField(_("target profile"), max_length=255, blank=True)
    file_rows = models.PositiveIntegerField(
        _("rows in the file"), default=0, help_text=_("Rows of the last imported export.")
    )
    imported_at = models.DateTimeField(_("last imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PixCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("PIX campaign")
        verbose_name_plural = _("PIX campaigns")
        ordering = ["-imported_at"]

    def __str__(self):
        return self.name


class PixParticipation(models.Model):
    """One person's participation in a campaign: the latest one when PIX lists several."""

    class MatchedBy(models.TextChoices):
        EXTERNAL_ID = "external_id", _("HR matricule")
        EMAIL = "email", _("e-mail address")
        NAME = "name", _("name")

    campaign = models.ForeignKey(
        PixCampaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pix_participations",
    )
    matched_by = models.CharField(
        _("matched by"), max_length=20, choices=MatchedBy.choices, blank=True
    )
    # Digest of the participant's identity in the file, stable across re-imports.
    identity_key = models.CharField(max_length=64, editable=False)
    last_name = models.CharField(_("last name"), max_length=255)
    first_name = models.CharField(_("first name"), max_length=255)
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    email = models.CharField(_("e-mail address"), max_length=254, blank=True)
    is_shared = models.BooleanField(_("shared"))
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    progression = models.DecimalField(
        _("progression"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    pix_total = models.PositiveIntegerField(_("total pix"), null=True, blank=True)
    certifiable = models.BooleanField(_("certifiable"), null=True, blank=True)
    certifiable_competences = models.PositiveSmallIntegerField(
        _("certifiable competences"), null=True, blank=True
    )
    mastery_rate = models.DecimalField(
        _("mastery rate"), max_digits=4, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("PIX participation")
        verbose_name_plural = _("PIX participations")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "identity_key"], name="unique_pix_identity_per_campaign"
            ),
            models.UniqueConstraint(
                fields=["campaign", "agent"], name="unique_pix_agent_per_campaign"
            ),
        ]
        indexes = [models.Index(fields=["agent", "is_shared", "shared_at"])]

    def __str__(self):
        return f"{self.last_name} {self.first_name} – {self.campaign}"


class CompetenceResult(models.Model):
    """A shared participation's result for one competence.

    Profiles collections give a level and pix; assessments give mastery of the skills
    their target profile covers.
    """

    participation = models.ForeignKey(
        PixParticipation,
        verbose_name=_("participation"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    competence = models.ForeignKey(
        Competence, verbose_name=_("competence"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    pix = models.PositiveSmallIntegerField(_("pix"), null=True, blank=True)
    mastery_rate = models.DecimalField(
        _("mastery rate"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    targeted_skills = models.PositiveSmallIntegerField(_("targeted skills"), null=True, blank=True)
    mastered_skills = models.PositiveSmallIntegerField(_("mastered skills"), null=True, blank=True)

    class Meta:
        verbose_name = _("competence result")
        verbose_name_plural = _("competence results")
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "competence"], name="unique_result_per_competence"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=MAX_LEVEL),
                name="pix_level_in_range",
            ),
            models.CheckConstraint(
                condition=Q(pix__isnull=True) | Q(pix__lte=MAX_PIX_PER_COMPETENCE),
                name="pix_per_competence_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.participation} – {self.competence.code}"


class PixImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The imports ``user`` may follow: their own uploads; every one for a superuser.

        Callers check first that ``user`` may import at all (skills.permissions).
        """
        return self if user.is_superuser else self.filter(uploaded_by=user)


class PixImport(models.Model):
    """An uploaded PIX export, imported by a background task; the page its uploader follows.

    The file's bytes are kept only until the import ends: they hold personal data.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        CHECKING = "checking", _("Checking the file")
        WRITING = "writing", _("Saving the participants")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveIntegerField(_("size in bytes"))
    # The uploaded file until the import ends, then NULL.
    data = models.BinaryField(null=True, editable=False)
    dry_run = models.BooleanField(_("check only"), default=False)
    language = models.CharField(max_length=10, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    # Lines checked, then participants written, out of the total of that step.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    summary = models.JSONField(_("report"), default=list, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # A check's participants matched to no agent (an import lists them on its campaign).
    unmatched = models.JSONField(default=list, blank=True)
    campaign = models.ForeignKey(
        PixCampaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PixImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("PIX import")
        verbose_name_plural = _("PIX imports")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["uploaded_by", "-uploaded_at"])]

    def __str__(self):
        return self.file_name

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    @property
    def percent(self):
        """How far the current step went, in whole percent; None while its size is unknown."""
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)
