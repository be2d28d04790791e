from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .taxonomy import (
    COMPONENTS,
    CONSENT_PURPOSE,
    CONSENT_TEXT_VERSION,
    REQUIRED_STEPS,
    STEP_TITLES,
    STEPS,
    CareerStage,
    Facet,
    MeetingFormat,
    Role,
    TagKind,
    Visibility,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person's account. Email is the login; everything they answer lives
    on their :class:`Profile` in each program they join."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    # The role chosen on the landing page, kept at sign-up so that whichever
    # browser opens the confirmation link, the person goes on as that role.
    signup_role = models.CharField(
        _("role chosen at sign-up"), max_length=10, choices=Role.choices, blank=True, editable=False
    )
    # The language Kindred speaks to them, on pages and in emails (profiles/languages.py);
    # empty until they sign in or choose. A code of settings.LANGUAGES.
    language = models.CharField(_("language"), max_length=12, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email


class ProgramQuerySet(models.QuerySet):
    def open(self) -> ProgramQuerySet:
        """Programs people can join now: sign-up on and, for a program that runs in
        cycles, a cycle whose registration is open (as ``cycles.registration``)."""
        cycles = Cycle.objects.filter(program=OuterRef("pk"))
        return self.filter(signup_open=True).filter(
            ~Exists(cycles) | Exists(cycles.filter(state=Cycle.State.REGISTRATION))
        )


class Program(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    signup_open = models.BooleanField(_("sign-up open"), default=True)
    require_common_language = models.BooleanField(
        default=True, help_text=_("Only suggest pairs who share at least one language.")
    )
    default_capacity = models.PositiveSmallIntegerField(default=3)
    suggestions_per_mentee = models.PositiveSmallIntegerField(default=5)
    min_score = models.PositiveSmallIntegerField(
        _("minimum score"), default=30, help_text=_("Pairs scoring below this are not suggested.")
    )
    suggestion_gap = models.PositiveSmallIntegerField(
        _("spreading gap"),
        default=10,
        help_text=_(
            "How many points below a mentee's best available score a mentor may be "
            "and still be chosen for their list to spread mentees across mentors."
        ),
    )
    weight_goals = models.PositiveSmallIntegerField(default=40)
    weight_background = models.PositiveSmallIntegerField(default=25)
    weight_values = models.PositiveSmallIntegerField(default=20)
    weight_experience = models.PositiveSmallIntegerField(default=10)
    weight_logistics = models.PositiveSmallIntegerField(default=5)
    expired_pair_cooldown_days = models.PositiveSmallIntegerField(
        _("days before an unanswered mentor is suggested again"),
        default=30,
        help_text=_(
            "A request left unanswered keeps that mentor out of the mentee's "
            "suggestions for this many days; then the two may be suggested again."
        ),
    )
    term_grace_days = models.PositiveSmallIntegerField(
        _("days to decide at a cycle's end"),
        default=14,
        help_text=_(
            "When a cycle's mentorships end, how long each pair has to choose to go on "
            "before their mentorship closes as completed."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_score__lte=100), name="program_min_score_le_100"
            ),
            models.CheckConstraint(
                condition=Q(suggestions_per_mentee__gte=1, suggestions_per_mentee__lte=50),
                name="program_suggestions_1_50",
            ),
            models.CheckConstraint(
                condition=Q(default_capacity__lte=50), name="program_default_capacity_le_50"
            ),
            models.CheckConstraint(
                condition=Q(suggestion_gap__lte=100), name="program_suggestion_gap_le_100"
            ),
            models.CheckConstraint(
                condition=Q(term_grace_days__lte=90), name="program_term_grace_le_90"
            ),
            models.CheckConstraint(
                condition=Q(expired_pair_cooldown_days__lte=365),
                name="program_expired_pair_cooldown_le_365",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"weight_{c}__lte": 100}), name=f"program_weight_{c}_le_100"
                )
                for c in COMPONENTS
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def weights(self) -> dict[str, int]:
        return {c: getattr(self, f"weight_{c}") for c in COMPONENTS}


class CycleQuerySet(models.QuerySet):
    def taking_part(self) -> CycleQuerySet:
        """Cycles whose people are in the pool: registration, matching or running."""
        return self.filter(state__in=Cycle.TAKING_PART)


class Cycle(models.Model):
    """One round of a program ("Spring 2027 cohort"): registration opens and closes,
    matching, the mentorships' term. The clock (profiles/cycles.py) moves ``state``
    along on the dates; an admin can move it by hand."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REGISTRATION = "registration", _("Registration open")
        MATCHING = "matching", _("Matching")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    TAKING_PART = (State.REGISTRATION, State.MATCHING, State.RUNNING)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(max_length=80)
    registration_opens = models.DateField(null=True, blank=True)
    registration_closes = models.DateField(
        null=True, blank=True, help_text=_("Empty: registration stays open while the cycle runs.")
    )
    matching_on = models.DateField(_("matching"), null=True, blank=True)
    starts_on = models.DateField(_("mentorships start"), null=True, blank=True)
    ends_on = models.DateField(
        _("mentorships end"), null=True, blank=True, help_text=_("Empty: an open-ended cycle.")
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["program", "registration_opens", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="cycle_name_unique"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "registration", "matching", "running", "closed"]),
                name="cycle_state_valid",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{a}__isnull": True})
                    | Q(**{f"{b}__isnull": True})
                    | Q(**{f"{a}__lte": models.F(b)}),
                    name=f"cycle_{a}_before_{b}",
                )
                for a, b in [
                    ("registration_opens", "registration_closes"),
                    ("registration_closes", "matching_on"),
                    ("matching_on", "starts_on"),
                    ("starts_on", "ends_on"),
                    ("registration_opens", "ends_on"),
                ]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.program})"


class ProgramRole(models.Model):
    """What one person may do in one program's admin pages. Superusers may do
    everything everywhere; being staff alone grants nothing (profiles/access.py)."""

    class Kind(models.TextChoices):
        ADMIN = "admin", _("Program admin")
        COORDINATOR = "coordinator", _("Coordinator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="program_roles")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=12, choices=Kind.choices)
    may_read_background = models.BooleanField(
        _("may read background answers"),
        default=False,
        help_text=_(
            "Raw background answers of this program's people, each reading recorded. "
            "Program admins only."
        ),
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["program", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"], name="program_role_one_per_program"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["admin", "coordinator"]), name="program_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(role="admin") | Q(may_read_background=False),
                name="program_role_background_admins_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} of {self.program}"


class TagQuerySet(models.QuerySet):
    def active(self) -> TagQuerySet:
        return self.filter(is_active=True)

    def of_kind(self, kind: str) -> TagQuerySet:
        return self.active().filter(kind=kind)

    def of_facet(self, facet: str) -> TagQuerySet:
        return self.active().filter(facet=facet)


class Tag(models.Model):
    """A vocabulary entry. Background tags carry the facet they answer, so a
    mentee's "must share" can be checked facet by facet."""

    kind = models.CharField(max_length=16, choices=TagKind.choices)
    facet = models.CharField(max_length=16, choices=Facet.choices, blank=True)
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=80)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="tag_kind_slug_unique"),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[TagKind.HERITAGE, TagKind.IDENTITY, TagKind.LANGUAGE])
                    & ~Q(facet="")
                )
                | (Q(kind__in=[TagKind.GOAL, TagKind.VALUE, TagKind.INDUSTRY]) & Q(facet="")),
                name="tag_facet_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sensitive(self) -> bool:
        return self.kind in (TagKind.HERITAGE, TagKind.IDENTITY)


class ProfileQuerySet(models.QuerySet):
    def mentors(self) -> ProfileQuerySet:
        return self.filter(role=Role.MENTOR)

    def mentees(self) -> ProfileQuerySet:
        return self.filter(role=Role.MENTEE)

    def ready(self) -> ProfileQuerySet:
        """Profiles that have answered enough to be scored, and take part now: in no
        cycle (a program without cycles), or in one that has not closed; never
        an account that is switched off (deactivated by its directory)."""
        return self.filter(is_ready=True, user__is_active=True).filter(TAKING_PART)

    def owned_by(self, user) -> ProfileQuerySet:
        """The signed-in person's own profiles: every page that opens one starts here."""
        return self.filter(user=user).select_related("program", "user")

    def search(self, text: str) -> ProfileQuerySet:
        """People whose name or email holds every word of ``text``, in any case
        ("ana park", "park@"); all of them for empty text."""
        found = self
        for word in text.split()[:6]:
            found = found.filter(Q(display_name__icontains=word) | Q(user__email__icontains=word))
        return found

    def joined_between(self, first: date | None, last: date | None) -> ProfileQuerySet:
        """People who joined on or after ``first`` and on or before ``last``
        (days in the current time zone; either may be None)."""
        found = self
        if first is not None:
            found = found.filter(created_at__gte=_midnight(first))
        if last is not None:
            found = found.filter(created_at__lt=_midnight(last + timedelta(days=1)))
        return found

    def invited_never_logged_in(self) -> ProfileQuerySet:
        """People sent an invitation (profiles/emails.py) who have neither logged
        in nor chosen a password since."""
        invited = SentEmail.objects.filter(INVITATIONS, to=OuterRef("user_id"))
        return self.filter(
            Exists(invited),
            user__last_login__isnull=True,
            user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )


# Who is in the matching pool: see ProfileQuerySet.ready().
TAKING_PART = Q(cycle__isnull=True) | Q(cycle__state__in=Cycle.TAKING_PART)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class Profile(models.Model):
    """One person in one program, as a mentor or a mentee."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="profiles")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="profiles")
    role = models.CharField(max_length=8, choices=Role.choices)
    # The round this person takes part in now (profiles/cycles.py keeps it in step with
    # their Enrolment rows); empty in a program without cycles.
    cycle = models.ForeignKey(
        "Cycle", null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles"
    )

    display_name = models.CharField(max_length=80, blank=True)
    headline = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    industry = models.ForeignKey(
        Tag,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": TagKind.INDUSTRY},
    )
    career_stage = models.PositiveSmallIntegerField(
        choices=CareerStage.choices, null=True, blank=True
    )
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    meeting_format = models.CharField(
        max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.EITHER
    )
    city = models.CharField(max_length=80, blank=True)
    contact_details = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("How a match can reach you once a mentorship is accepted."),
    )

    languages = models.ManyToManyField(
        Tag, blank=True, related_name="+", limit_choices_to={"kind": TagKind.LANGUAGE}
    )
    goals = models.ManyToManyField(
        Tag, blank=True, related_name="+", limit_choices_to={"kind": TagKind.GOAL}
    )
    values = models.ManyToManyField(
        Tag, blank=True, related_name="+", limit_choices_to={"kind": TagKind.VALUE}
    )
    # Sensitive: stored only under a given Consent, shown per background_visibility.
    background = models.ManyToManyField(
        Tag,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": [TagKind.HERITAGE, TagKind.IDENTITY]},
    )
    heritage_note = models.CharField(_("heritage in your own words"), max_length=200, blank=True)
    background_visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.MATCHING
    )

    capacity = models.PositiveSmallIntegerField(default=3)
    is_paused = models.BooleanField(_("paused"), default=False)

    importance_goals = models.PositiveSmallIntegerField(default=2)
    importance_background = models.PositiveSmallIntegerField(default=2)
    importance_values = models.PositiveSmallIntegerField(default=2)
    importance_experience = models.PositiveSmallIntegerField(default=2)
    importance_logistics = models.PositiveSmallIntegerField(default=2)
    must_share = models.JSONField(default=list, blank=True)

    steps_done = models.JSONField(default=list, blank=True, editable=False)
    # Kept in step with steps_done by save(), so querysets can filter on it.
    is_ready = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = ["program", "role", "display_name"]
        permissions = [
            ("view_sensitive_answers", "Can view raw background answers"),
        ]
        indexes = [
            models.Index(fields=["program", "role"], name="profile_program_role"),
            # Matching re-reads only the profiles changed since its last look.
            models.Index(fields=["program", "updated_at"], name="profile_program_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"], name="profile_user_program_role_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=list(Role.values)), name="profile_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=0, capacity__lte=50), name="profile_capacity_0_50"
            ),
            models.CheckConstraint(
                condition=Q(years_experience__isnull=True) | Q(years_experience__lte=70),
                name="profile_years_experience_le_70",
            ),
            models.CheckConstraint(
                condition=Q(career_stage__isnull=True) | Q(career_stage__lte=4),
                name="profile_career_stage_valid",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"importance_{c}__gte": 0, f"importance_{c}__lte": 3}),
                    name=f"profile_importance_{c}_0_3",
                )
                for c in COMPONENTS
            ),
        ]

    def __str__(self) -> str:
        name = self.display_name or self.user.email
        return f"{name} ({self.get_role_display().lower()}, {self.program})"

    def save(self, *args, **kwargs) -> None:
        self.is_ready = set(self.steps_done) >= REQUIRED_STEPS
        if kwargs.get("update_fields") is not None and "steps_done" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_ready"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("profiles:profile", args=[self.pk])

    @property
    def is_mentor(self) -> bool:
        return self.role == Role.MENTOR

    @property
    def is_mentee(self) -> bool:
        return self.role == Role.MENTEE

    @property
    def name(self) -> str:
        return self.display_name or gettext("New member")

    @property
    def completeness(self) -> int:
        """Share of the questionnaire's steps saved, in percent."""
        return round(100 * len(set(self.steps_done) & set(STEPS)) / len(STEPS))

    def step_states(self) -> list[tuple[str, str, bool]]:
        """(slug, title, saved) for each questionnaire step, in order."""
        return [(s, STEP_TITLES[s], s in self.steps_done) for s in STEPS]

    def next_step(self) -> str | None:
        return next((s for s in STEPS if s not in self.steps_done), None)

    def importances(self) -> dict[str, int]:
        return {c: getattr(self, f"importance_{c}") for c in COMPONENTS}


class ConsentQuerySet(models.QuerySet):
    def given(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """An explicit consent to store one sensitive category of a profile."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="consents")
    category = models.CharField(max_length=16, choices=Facet.choices)
    purpose = models.TextField()
    text_version = models.CharField(max_length=40)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "category"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_given_per_category",
            ),
            models.CheckConstraint(
                condition=~Q(category=Facet.LANGUAGE), name="consent_category_sensitive"
            ),
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "given"
        return f"{self.get_category_display()} consent, {state}"

    @classmethod
    def to_current_text(cls, profile: Profile, category: str, at) -> Consent:
        """An unsaved consent to the current text, for one category."""
        return cls(
            profile=profile,
            category=category,
            purpose=CONSENT_PURPOSE,
            text_version=CONSENT_TEXT_VERSION,
            given_at=at,
        )


class Enrolment(models.Model):
    """A profile taking part in one cycle: its sign-up to that round, or the
    one-click "take part again" that carried its answers over."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="enrolments")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    carried_over = models.BooleanField(
        default=False, help_text=_("Taken part again from an earlier cycle, answers carried over.")
    )

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "cycle"], name="enrolment_once_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.profile} in {self.cycle.name}"


class SensitiveAccess(models.Model):
    """A record that someone other than the person read raw background answers
    (the Django admin, an export): who, whose, where, when."""

    viewer = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    profile = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    what = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = _("sensitive accesses")

    def __str__(self) -> str:
        return f"{self.viewer} read {self.what} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def allowed(cls, viewer: User, program: Program) -> bool:
        """Whether ``viewer`` may read raw background answers of ``program``'s
        people: a superuser, or an admin of that program given the right."""
        if not (viewer.is_authenticated and viewer.is_active):
            return False
        if viewer.is_superuser:
            return True
        return ProgramRole.objects.filter(
            user=viewer, program=program, role=ProgramRole.Kind.ADMIN, may_read_background=True
        ).exists()

    @classmethod
    def record(
        cls, *, viewer: User, program: Program, what: str, profile: Profile | None = None
    ) -> SensitiveAccess:
        return cls.objects.create(viewer=viewer, program=program, profile=profile, what=what[:200])

    @classmethod
    def open_for(
        cls, *, viewer: User, program: Program, what: str, profile: Profile | None = None
    ) -> None:
        """Let ``viewer`` read raw background answers of ``program``'s people, on the
        record; without the right, PermissionDenied (a 403 on every interface)."""
        if not cls.allowed(viewer, program):
            raise PermissionDenied("Reading background answers needs that right in this program.")
        cls.record(viewer=viewer, program=program, what=what, profile=profile)


# The keys an invitation is sent under (profiles/emails.py): the first is shared
# with the welcome, which an invited person never gets; the second, a counter
# after it, is each invitation sent again.
INVITATION_KEYS = ("welcome:", "invitation:")
INVITATIONS = Q(key__startswith=INVITATION_KEYS[0]) | Q(key__startswith=INVITATION_KEYS[1])


class SentEmail(models.Model):
    """One row per email sent, under a key naming the event (profiles/outbox.py):
    inserting the row claims the send, so a task run twice never sends a second copy."""

    key = models.CharField(max_length=120, unique=True)
    to = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table it was created with, when emails belonged to matching.
        db_table = "matching_sentemail"
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class AuditEntry(models.Model):
    """One admin action that changed a program or the people in it — who, what, when and
    why — kept for the program's admins to read. Summaries name people and counts, never a
    background answer."""

    class Action(models.TextChoices):
        RESCORE = "rescore", _("Re-score started")
        ASSIGN_COMMIT = "assign_commit", _("Auto-assignment committed")
        ASSIGN_DISCARD = "assign_discard", _("Auto-assignment discarded")
        PROPOSAL_EDIT = "proposal_edit", _("Pair removed from or put back into a proposal")
        IMPORT = "import", _("Participants imported")
        MANUAL_MATCH = "manual_match", _("Matched by hand")
        END = "end", _("Mentorship ended")
        REMATCH = "rematch", _("Mentorship ended to re-match")
        PAUSE = "pause", _("Participant paused or resumed")
        INVITE = "invite", _("Invitation sent again")
        SETTINGS = "settings", _("Settings changed")
        REPORT_HANDLED = "report_handled", _("Reported message handled")
        ROLE = "role", _("Program role granted, changed or removed")
        CYCLE = "cycle", _("Cycle created, changed or moved on")

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["program", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor} · {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(
        cls,
        *,
        program: Program | None,
        actor: User | None,
        action: str,
        summary: str,
        reason: str = "",
        details: dict | None = None,
    ) -> AuditEntry:
        return cls.objects.create(
            program=program,
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            summary=summary[:300],
            reason=reason,
            details=details or {},
        )
