from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A direction of the city, or a service inside a direction."""

    class Kind(models.TextChoices):
        DIRECTION = "direction", _("Direction")
        SERVICE = "service", _("Service")

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent direction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="unique_department_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="unique_direction_name",
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    @property
    def kind(self):
        return self.Kind.SERVICE if self.parent_id else self.Kind.DIRECTION

    def with_descendants(self):
        """This department and every department below it (the tree is direction → service)."""
        return Department.objects.filter(Q(pk=self.pk) | Q(parent=self.pk))


class AgentManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_user(self, email=None, password=None, **fields):
        if not email and not fields.get("external_id"):
            raise ValueError("An agent needs an e-mail address or an HR matricule.")
        agent = self.model(email=self.normalize_email(email).lower() or None, **fields)
        agent.set_password(password)
        agent.save(using=self._db)
        return agent

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class Agent(AbstractBaseUser, PermissionsMixin):
    """An agent of the city: the user of the intranet."""

    # Field agents (roads, parks, schools) may have none: they sign in with their matricule.
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    external_id = models.CharField(
        _("HR matricule"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifier in the HR directory, also used as the PIX external id."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agents",
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Technical staff of the intranet."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    activation_sent_at = models.DateTimeField(
        _("activation link sent at"), null=True, blank=True, editable=False
    )

    objects = AgentManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_agent_email_ci"),
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(external_id__isnull=False),
                name="agent_has_email_or_matricule",
            ),
        ]
        permissions = [
            (
                "manage_sign_in",
                _("Can send activation links and issue access codes to every agent"),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email or self.external_id or ""

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email or "").lower() or None

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email or self.external_id or ""

    @property
    def sign_in_identifier(self):
        """What the agent types on the login form: their e-mail, or else their matricule."""
        return self.email or self.external_id


class AccessCodeQuerySet(models.QuerySet):
    def live(self, now=None):
        """Codes that may still sign their agent in: not used, not revoked, not expired."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class AccessCode(models.Model):
    """A personal access code printed for an agent without e-mail: single use, expiring.

    Only a hash is stored: the code is shown once, on the card printed when it is issued.
    Issuing a new code revokes the agent's previous one.
    """

    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="access_codes"
    )
    code_hash = models.CharField(max_length=128, editable=False)
    issued_by = models.ForeignKey(
        Agent,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)

    objects = AccessCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_pending_access_code_per_agent",
            ),
        ]

    def __str__(self):
        return f"{self.agent} ({self.issued_at:%Y-%m-%d})"


class Throttle(models.Model):
    """How many times something was attempted under a key since the window began.

    Shared by every worker through the database (the cache is per worker): sign-in links
    asked for an address, kiosk codes typed on one device.
    """

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("throttle")
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self):
        return f"{self.key}: {self.count}"


class AgentSession(AbstractBaseSession):
    """A login session (Django's database session) that knows whose it is.

    Written by the session engine of ``sessions.py`` on every save, so a key changed by a new
    password still names its agent; "log out everywhere" and anonymisation are one DELETE.
    """

    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
