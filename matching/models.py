from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from profiles.models import Cycle, Profile, Program, User
from profiles.taxonomy import COMPONENT_LABELS, COMPONENTS


@dataclass(frozen=True)
class Bar:
    """One component of a score, as a page shows it: ``percent`` is None where
    the component was not counted (``note`` says why, in words), and
    ``private`` where the other person's visibility choice keeps it from the
    viewer (no value, however vague)."""

    key: str
    label: str
    percent: int | None
    private: bool = False
    note: str = ""


def blank_owners(components: dict, *, mentee_has_values: bool) -> dict[str, str]:
    """``{component: "mentee" | "mentor"}`` for each component left out because
    that side left it blank. Goals, background and values only ever drop for
    want of an answer (docs/matching.md), never for a private one."""
    owners = {}
    for c in ("goals", "background", "values"):
        if components.get(c) is None:
            owners[c] = "mentee" if c != "values" or not mentee_has_values else "mentor"
    return owners


def _blank_note(component: str, name: str | None) -> str:
    """Why ``component`` is left out of a score (docs/matching.md, "dropped when"):
    the mentee chose no goal; the mentee's background set is empty; either side
    chose no value. ``name`` is who left it blank, None for the reader."""
    if component == "goals":
        if name is None:
            return gettext("Not part of this score: you chose no goals")
        return gettext("Not part of this score: %(name)s chose no goals") % {"name": name}
    if component == "background":
        if name is None:
            return gettext("Not part of this score: you shared no background answers or languages")
        return gettext(
            "Not part of this score: %(name)s shared no background answers or languages"
        ) % {"name": name}
    if name is None:
        return gettext("Not part of this score: you chose no values")
    return gettext("Not part of this score: %(name)s chose no values") % {"name": name}


def blank_notes(owners: dict[str, str], *, viewer: str, names: dict[str, str]) -> dict[str, str]:
    """The words for each left-out component, as ``viewer`` ("mentee" or "mentor") reads them."""
    return {
        c: _blank_note(c, None if side == viewer else names[side]) for c, side in owners.items()
    }


def unweighted_notes(
    components: dict, *, importance: dict, weights: dict, viewer: str, mentee_name: str
) -> dict[str, str]:
    """Components both sides answered that count for nothing in this score, in
    words: the program does not weigh it, or the mentee said it does not matter
    to them (importance "not important")."""
    notes = {}
    for c, value in components.items():
        if value is None:
            continue
        if not weights.get(c):
            notes[c] = gettext("Not part of this score: the program does not count it")
        elif not importance.get(c):
            notes[c] = (
                gettext("Not part of this score: you said it does not matter to you")
                if viewer == "mentee"
                else gettext("Not part of this score: %(name)s said it does not matter to them")
                % {"name": mentee_name}
            )
    return notes


def component_bars(
    components: dict,
    *,
    withheld: tuple[str, ...] = (),
    notes: dict[str, str] | None = None,
    unweighted: dict[str, str] | None = None,
) -> list[Bar]:
    notes, unweighted = notes or {}, unweighted or {}
    return [
        Bar(c, COMPONENT_LABELS[c], None, private=True)
        if c in withheld
        else Bar(c, COMPONENT_LABELS[c], None, note=unweighted[c])
        if c in unweighted
        else Bar(
            c,
            COMPONENT_LABELS[c],
            None if components.get(c) is None else round(100 * components[c]),
            note=notes.get(c, gettext("Not part of this score"))
            if components.get(c) is None
            else "",
        )
        for c in COMPONENTS
    ]


# The components that describe the other person's background answers, and are
# withheld from a viewer their owner does not let see them (docs/security.md).
BACKGROUND_COMPONENTS = ("background",)


def score_over(components: dict, *, importance: dict, weights: dict, left_out=()) -> float:
    """The score of these components with ``left_out`` dropped as if missing:
    what a viewer who may not see a component is shown, so that the total
    cannot be worked back to it (docs/matching.md)."""
    # Here, not at the top: models load in every process, most of which never
    # score (docs/performance.md, start-up).
    import numpy as np

    from . import scoring

    values = np.array(
        [
            [
                np.nan if c in left_out or components.get(c) is None else components[c]
                for c in COMPONENTS
            ]
        ]
    )
    rows = np.array([[importance[c] for c in COMPONENTS]])
    return round(float(scoring.combine(values, rows, [weights[c] for c in COMPONENTS])[0]), 2)


class MatchingRun(models.Model):
    """A scoring or assignment job, with the settings it ran with so that two
    runs can be compared."""

    class Kind(models.TextChoices):
        SCORE = "score", _("Re-score")
        ASSIGN = "assign", _("Auto-assignment")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="runs")
    # The program's current cycle when the run was started; empty without cycles.
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SCORE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="mentees to process")
    done = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    weights = models.JSONField(default=dict)
    settings = models.JSONField(default=dict)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A re-score's lists as it left them (compressed mentee, mentor, rank triples),
    # so two runs can be compared after later runs have replaced the rows.
    snapshot = models.BinaryField(null=True, blank=True, editable=False)
    committed_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["program", "-created_at"], name="run_program_created")]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="run_done_le_total"),
            models.CheckConstraint(
                condition=Q(chunks_done__lte=F("chunks_total")), name="run_chunks_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of {self.program} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class MatchingChunk(models.Model):
    """One share of a run: the ready mentees whose ids fall in a range."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    first_mentee_id = models.BigIntegerField()
    last_mentee_id = models.BigIntegerField()
    size = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="chunk_run_index_unique"),
            models.CheckConstraint(
                condition=Q(first_mentee_id__lte=F("last_mentee_id")), name="chunk_range_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"chunk {self.index} of run {self.run_id} ({self.status})"


def split_reasons(reasons: list) -> tuple[list[str], list[str]]:
    """(reasons for a pair, things worth knowing) as sentences in the active
    language: ``sentences.split``, imported here only when a page asks (it
    brings numpy, which most processes never load)."""
    from .sentences import split

    return split(reasons)


def reasons_in_words(reasons: list) -> list[str]:
    """Stored reasons as sentences in the active language (``sentences.words``)."""
    from .sentences import words

    return words(reasons)


def word_reasons(rows: Iterable[WordedReasons]) -> None:
    """Word the reasons of many rows (suggestions, explanations) in the active
    language at once: one query for the names of every tag they name."""
    from .sentences import names_of, split

    rows = list(rows)
    names = names_of(row.reasons for row in rows)
    language = translation.get_language()
    for row in rows:
        row._worded_key = (language, id(row.reasons))
        row._worded_value = split(row.reasons, names=names)


class WordedReasons:
    """``reasons_for``, ``concerns`` and ``worded_reasons`` of a row with stored
    ``reasons``: sentences in the active language, worded once per language."""

    def _worded(self) -> tuple[list[str], list[str]]:
        key = (translation.get_language(), id(self.reasons))
        if getattr(self, "_worded_key", None) != key:
            self._worded_key, self._worded_value = key, split_reasons(self.reasons)
        return self._worded_value

    @property
    def reasons_for(self) -> list[str]:
        return self._worded()[0]

    @property
    def concerns(self) -> list[str]:
        return self._worded()[1]

    @property
    def worded_reasons(self) -> list[str]:
        """Every reason, in the stored order."""
        return reasons_in_words(self.reasons)


class SuggestionQuerySet(models.QuerySet):
    def listed(self) -> SuggestionQuerySet:
        """Suggestions currently shown to their mentee, best first."""
        return self.filter(status__in=Suggestion.LISTED).order_by("rank")

    def for_mentee(self, mentee: Profile) -> SuggestionQuerySet:
        return self.filter(mentee=mentee)


class Suggestion(WordedReasons, models.Model):
    """A scored mentor for a mentee. One row per pair: a dismissed or
    requested row stays as the record that keeps the pair out of new lists."""

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("suggestion", "New")
        SEEN = "seen", pgettext_lazy("suggestion", "Seen")
        DISMISSED = "dismissed", pgettext_lazy("suggestion", "Dismissed")
        REQUESTED = "requested", pgettext_lazy("suggestion", "Requested")

    class DismissReason(models.TextChoices):
        NOT_RELEVANT = "not_relevant", _("Their experience is not what I need")
        NO_CONNECTION = "no_connection", _("I don't feel a connection")
        LOGISTICS = "logistics", _("Timing or location will not work")
        KNOW_THEM = "know_them", _("I already know them")
        OTHER = "other", _("Another reason")

    LISTED = (Status.NEW, Status.SEEN)

    # No single-column indexes on these three: the composite indexes and the
    # pair constraint below lead with them, and a re-score rewrites every
    # listed row, so each extra index costs on every run (docs/performance.md).
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", db_index=False)
    mentee = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    mentor = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="suggested_to", db_index=False
    )
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    sort_key = models.FloatField(default=0)
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    dismiss_reason = models.CharField(max_length=16, choices=DismissReason.choices, blank=True)
    # Not indexed: a re-score rewrites it on every row, and an update that
    # touches no indexed column can stay on its page without new index
    # entries (a HOT update; docs/performance.md). Nothing looks suggestions
    # up by run; a run is deleted only with its program, whose suggestions go too.
    run = models.ForeignKey(
        MatchingRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["mentee", "rank"]
        # No index holds a column a re-score rewrites (score, rank, sort_key…),
        # for the same reason as ``run``: a list is a few rows, sorted as read.
        # (program, status, mentor) counts every mentor's lists from the index
        # alone, which load spreading asks for at each new profile. The one
        # exception, ``suggestion_top_score``, holds only each list's first row:
        # the dashboard's histogram of best scores reads it alone (0.14 s →
        # 6 ms at 70,000 mentees), and a re-score that leaves a first row's
        # score as it was still updates it in place.
        indexes = [
            models.Index(fields=["mentee", "status"], name="suggestion_mentee_status"),
            models.Index(fields=["program", "status", "mentor"], name="suggestion_program_mentor"),
            models.Index(fields=["mentor", "status"], name="suggestion_mentor_status"),
            models.Index(
                fields=["program", "status"],
                include=["score"],
                condition=Q(rank=1),
                name="suggestion_top_score",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="suggestion_pair_unique"),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="suggestion_not_self"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="suggestion_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} for {self.mentee_id}: {self.score:.0f}"

    # Set by the page that shows a suggestion (mentorships.visibility); withheld until then.
    show_background = False
    # Set by the page too: whether the mentee chose any value (which side a dropped
    # values component is down to).
    mentee_has_values = True

    @property
    def withheld(self) -> tuple[str, ...]:
        return () if self.show_background else BACKGROUND_COMPONENTS

    def bars(self) -> list[Bar]:
        owners = blank_owners(self.components, mentee_has_values=self.mentee_has_values)
        notes = blank_notes(owners, viewer="mentee", names={"mentor": self.mentor.name})
        unweighted = unweighted_notes(
            self.components,
            importance=self.mentee.importances(),
            weights=self.mentee.program.weights(),
            viewer="mentee",
            mentee_name=self.mentee.name,
        )
        return component_bars(
            self.components, withheld=self.withheld, notes=notes, unweighted=unweighted
        )

    @property
    def shown_score(self) -> float:
        """The score as the mentee may see it (``score`` ranks the list)."""
        if not self.withheld:
            return self.score
        return score_over(
            self.components,
            importance=self.mentee.importances(),
            weights=self.mentee.program.weights(),
            left_out=self.withheld,
        )


class AssignmentPairQuerySet(models.QuerySet):
    def kept(self) -> AssignmentPairQuerySet:
        """The pairs an admin has not removed from their proposal."""
        return self.filter(removed_at__isnull=True)


class AssignmentPair(models.Model):
    """One pair an auto-assignment run proposes; committing makes it a mentorship.
    An admin may remove a pair before the commit (and put it back): a removed
    pair is kept, marked, and committing leaves its mentee waiting."""

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("auto-assignment", "Proposed")
        CREATED = "created", _("Mentorship created")
        SKIPPED = "skipped", pgettext_lazy("auto-assignment", "Skipped")

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PROPOSED)
    note = models.CharField(max_length=200, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AssignmentPairQuerySet.as_manager()

    class Meta:
        ordering = ["run", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="assignment_one_per_mentee"),
            # A removed pair is never committed: it stays a proposal.
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(outcome="proposed"),
                name="assignment_removed_stays_proposed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} → {self.mentor_id} ({self.score:.0f})"

    @property
    def worded_reasons(self) -> list[str]:
        """The stored reasons as sentences in the active language."""
        return reasons_in_words(self.reasons)


class WeightProposal(models.Model):
    """Program weights learned from outcomes (matching/learning.py), proposed to the
    program's admins and applied only when one of them approves. Nothing changes a
    program's weights by itself: ``approve`` is an admin's act, on the record.

    ``sample`` says which data the fit used (cycles, dates, mentorships and
    observations of each kind); ``intervals`` each proposed weight's uncertainty;
    ``preview_run`` the comparison run showing whose lists and which pairs would
    change; ``applied_run`` the re-score that applied it."""

    class Status(models.TextChoices):
        TOO_FEW = "too_few", _("Not enough outcomes yet")
        PROPOSED = "proposed", pgettext_lazy("weights proposal", "Proposed")
        APPROVED = "approved", pgettext_lazy("weights proposal", "Approved")
        DISCARDED = "discarded", pgettext_lazy("weights proposal", "Discarded")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="weight_proposals")
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_weights = models.JSONField(default=dict)
    proposed_weights = models.JSONField(default=dict)
    # {component: [low, high]}: each proposed weight's interval.
    intervals = models.JSONField(default=dict)
    # The model's coefficients and anything else the page explains.
    fit = models.JSONField(default=dict, blank=True)
    sample = models.JSONField(default=dict)
    preview_run = models.ForeignKey(
        MatchingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    applied_run = models.ForeignKey(
        MatchingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "discarded"]) | Q(decided_at__isnull=False),
                name="weight_proposal_decided_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"weights proposal #{self.pk} for {self.program} ({self.status})"
