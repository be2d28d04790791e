"""The learned-weights page in words and figures (docs/outcomes.md, "Approving
learned weights"): each weight now and proposed with its interval, the sample
it came from, and the preview: whose lists and which auto-assignment pairs
would change (rescoring.compare on the two preview runs), and the predicted
chance of a good outcome overall and, for an admin allowed to read background
answers, per self-identified group of at least MIN_GROUP mentees."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from matching import learned, rescoring
from matching.learned_preview import CURRENT, PROPOSED
from matching.models import MatchingRun, WeightProposal
from profiles.models import Profile, SensitiveAccess, Tag, User
from profiles.taxonomy import COMPONENT_LABELS, COMPONENTS

from .figures import MIN_GROUP

# The weights' scale on the page: 0 to the largest figure shown, in tens.
SCALE_STEP = 10
WIDTH = 200  # the SVG's user units across


@dataclass(frozen=True)
class WeightRow:
    key: str
    label: str
    now: int
    proposed: int
    low: int | None
    high: int | None
    confident: bool
    learned: bool
    # Positions on the little chart, in SVG units.
    x_now: float = 0
    x_proposed: float = 0
    x_low: float = 0
    x_high: float = 0

    @property
    def x_span(self) -> float:
        return round(max(self.x_high - self.x_low, 1), 1)

    @property
    def change(self) -> str:
        if not self.learned:
            return gettext("kept: the outcomes say nothing about it")
        if self.proposed == self.now:
            return gettext("no change")
        by = {"by": abs(self.proposed - self.now)}
        if self.proposed > self.now and self.confident:
            return gettext("up %(by)s (confident)") % by
        if self.proposed > self.now:
            return gettext("up %(by)s (not confident: the interval includes today's)") % by
        if self.confident:
            return gettext("down %(by)s (confident)") % by
        return gettext("down %(by)s (not confident: the interval includes today's)") % by


def weight_rows(proposal: WeightProposal) -> list[WeightRow]:
    """Each component's weight now and proposed, with its interval and where each
    falls on a shared scale (0 to the largest figure, rounded up to ten)."""
    fit = proposal.fit
    rows = []
    top = 0
    for c in COMPONENTS:
        interval = proposal.intervals.get(c) or [None, None]
        top = max(top, proposal.current_weights.get(c, 0), proposal.proposed_weights.get(c, 0))
        top = max(top, interval[1] or 0)
    top = max(SCALE_STEP, -(-top // SCALE_STEP) * SCALE_STEP)

    def x(value):
        return round(WIDTH * (value or 0) / top, 1)

    for c in COMPONENTS:
        low, high = proposal.intervals.get(c) or [None, None]
        now = proposal.current_weights.get(c, 0)
        proposed = proposal.proposed_weights.get(c, now)
        rows.append(
            WeightRow(
                key=c,
                label=COMPONENT_LABELS[c],
                now=now,
                proposed=proposed,
                low=low,
                high=high,
                confident=bool((fit.get("confident") or {}).get(c)),
                learned=bool((fit.get("learned") or {}).get(c)),
                x_now=x(now),
                x_proposed=x(proposed),
                x_low=x(low if low is not None else proposed),
                x_high=x(high if high is not None else proposed),
            )
        )
    return rows


def sample_in_words(proposal: WeightProposal) -> str:
    """ "From 143 mentorships in Summer 2026: …" """
    words = learned.describe_sample(proposal.sample) if proposal.sample else ""
    return words[:1].upper() + words[1:]


def level(proposal: WeightProposal) -> int:
    return round(100 * float(proposal.fit.get("level", 0.99)))


def runs_of(proposal: WeightProposal) -> tuple[MatchingRun | None, MatchingRun | None]:
    """(the preview under today's weights, the preview under the proposed ones)."""
    preview = proposal.preview_run
    if preview is None:
        return None, None
    baseline_id = preview.summary.get("preview", {}).get("baseline")
    baseline = MatchingRun.objects.filter(pk=baseline_id, program_id=proposal.program_id).first()
    return baseline, preview


def _names(ids: set) -> dict:
    return dict(
        Profile.objects.filter(pk__in={i for i in ids if i}).values_list("pk", "display_name")
    )


def preview(proposal: WeightProposal) -> dict | None:
    """The preview's comparison, with names, or None while it is worked out."""
    baseline, run = runs_of(proposal)
    if baseline is None or run is None:
        return None
    lists = rescoring.compare(baseline, run)
    extra = run.summary["preview"]
    assignment = dict(extra["assignment"])
    names = _names(
        {i for row in lists["moved_sample"] for i in row}
        | {i for row in assignment["sample"] for i in row}
    )
    lists["moved_sample"] = [tuple(names.get(i, "—") for i in row) for row in lists["moved_sample"]]
    assignment["sample"] = [
        (
            names.get(mentee, "—"),
            names.get(now, "—") if now else "nobody",
            names.get(then, "—") if then else "nobody",
        )
        for mentee, now, then in assignment["sample"]
    ]
    predicted = extra.get("predicted", {})
    return {
        "baseline": baseline,
        "run": run,
        "lists": lists,
        "assignment": assignment,
        "predicted": {k: _percent(v) for k, v in predicted.items()},
        "predicted_known": predicted.get(CURRENT) is not None,
    }


def _percent(value) -> float | None:
    return None if value is None else round(100 * value, 1)


@dataclass(frozen=True)
class GroupRow:
    name: str
    kind: str
    now: float
    proposed: float
    people: int

    @property
    def by(self) -> float:
        return round(self.proposed - self.now, 1)


def by_group(proposal: WeightProposal, viewer: User) -> list[GroupRow] | None:
    """The mean predicted chance of a good outcome per self-identified group,
    today's assignment beside the proposed one, each group of at least MIN_GROUP
    mentees on both sides; None for a viewer not allowed to read background
    answers (each view by one who is goes on the record)."""
    chances = proposal.fit.get("preview") or {}
    now = {int(m): p for m, p in (chances.get(CURRENT) or {}).items()}
    then = {int(m): p for m, p in (chances.get(PROPOSED) or {}).items()}
    program = proposal.program
    if not SensitiveAccess.allowed(viewer, program):
        return None
    if not now or not then:
        return []
    SensitiveAccess.record(
        viewer=viewer,
        program=program,
        what=f"predicted outcomes per group of weights proposal #{proposal.pk}, {program.slug}",
    )
    ids = now.keys() | then.keys()
    held: dict[int, set[int]] = {}
    links = Profile.background.through.objects.filter(profile_id__in=ids)
    for profile_id, tag_id in links.values_list("profile_id", "tag_id"):
        held.setdefault(tag_id, set()).add(profile_id)
    undisclosed = set(
        Profile.objects.filter(pk__in=ids)
        .exclude(Exists(Profile.background.through.objects.filter(profile=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    groups = [
        (t.name, str(t.get_facet_display()), held[t.pk])
        for t in Tag.objects.filter(pk__in=held).order_by("kind", "facet", "sort_order", "pk")
    ]
    groups.append((gettext("Chose not to disclose"), "—", undisclosed))
    rows = []
    for name, kind, members in groups:
        a = [now[m] for m in members if m in now]
        b = [then[m] for m in members if m in then]
        if len(a) < MIN_GROUP or len(b) < MIN_GROUP:
            continue
        rows.append(
            GroupRow(
                name,
                kind,
                round(100 * sum(a) / len(a), 1),
                round(100 * sum(b) / len(b), 1),
                min(len(a), len(b)),
            )
        )
    return rows


def run_name(run: MatchingRun) -> str:
    """A run's kind, a preview of learned weights named as one."""
    preview = (getattr(run, "settings", None) or {}).get("preview")
    if preview == PROPOSED:
        return gettext("Preview of learned weights")
    if preview:
        return gettext("Preview of today's weights")
    return run.get_kind_display()


def run_source(run: MatchingRun) -> str:
    """Where a run's weights came from, in words ("" for the program's own)."""
    settings = run.settings
    if settings.get("preview"):
        proposal = {"proposal": settings.get("learned_from")}
        if settings["preview"] == PROPOSED:
            return (
                gettext(
                    "A preview of weights learned from outcomes (proposal #%(proposal)s), with "
                    "the proposed weights: worked out to compare, nothing was written."
                )
                % proposal
            )
        return (
            gettext(
                "A preview of weights learned from outcomes (proposal #%(proposal)s), with "
                "today's weights: worked out to compare, nothing was written."
            )
            % proposal
        )
    if settings.get("weights_from") == "learning":
        sample = settings.get("sample") or {}
        n = sample.get("mentorships", 0)
        # Translators: a list's separator, as in "proposal #3, 40 mentorships, Spring".
        comma = gettext(", ")
        parts = [
            gettext("proposal #%(proposal)s") % {"proposal": settings.get("proposal")},
            ngettext("%(count)s mentorship", "%(count)s mentorships", n)
            % {"count": number_format(n, force_grouping=True)},
        ]
        cycles = sample.get("cycles") or []
        if cycles:
            parts.append(
                comma.join(cycles)
                if len(cycles) <= 3
                else ngettext("%(count)s cycle", "%(count)s cycles", len(cycles))
                % {"count": len(cycles)}
            )
        return gettext("Weights learned from outcomes (%(details)s).") % {
            "details": comma.join(parts)
        }
    return ""
