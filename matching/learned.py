"""Weights learned from a program's outcomes: where the database meets
matching/learning.py (docs/outcomes.md, "Matching that learns, in the open").

``observations`` gathers, for the mentorships that kept the components the
matcher knew when they were made (``Mentorship.match_components``), each
outcome that says something about the pair, good (1) or poor (0):

- **request**: a mentee's request the mentor accepted (1) or declined (0). A
  decline for want of room (``Mentorship.NO_ROOM``) is left out: it is about the
  mentor's places, not this mentee. Matches made by an admin or auto-assignment
  were never asked, so they have no request outcome.
- **check_in**: a check-in from either side rated 4–5 (1) or 1–2 (0); a 3 says
  neither and is left out.
- **close_out**: a close-out survey's overall rating, 4–5 (1) or 1–2 (0), 3 left
  out; unanswered surveys and surveys without a rating are left out.
- **close**: a mentorship completed (goals met, or its cycle's term came to an
  end: 1) or ended early because the pair did not work (``not_working``, or a
  match made for them turned down, ``not_for_me``: 0). Ends for reasons that
  are not about the pair — no time, a change of job or place, an admin's reason
  (``other``) — are left out.

Each mentorship counts for one unit of each kind: its observations of a kind
share it (a pair with six check-ins does not outweigh a pair with one), and the
bootstrap resamples whole mentorships.

``propose`` fits them and records a :class:`~matching.models.WeightProposal`.
It never changes a program's weights: approving is an admin's act.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.utils import formats
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from mentorships.models import CheckIn, Mentorship
from mentorships.outcome_models import CloseOut
from profiles.models import Cycle, Program, User
from profiles.taxonomy import COMPONENTS

from . import learning, sentences
from .models import WeightProposal

KINDS = ("request", "check_in", "close_out", "close")
# How each kind is counted in words: "120 requests answered", "300 check-ins".
GOOD_RATING = 4  # and above
POOR_RATING = 2  # and below
ACCEPTED = (
    Mentorship.Status.ACCEPTED,
    Mentorship.Status.ACTIVE,
    Mentorship.Status.COMPLETED,
    Mentorship.Status.ENDED,
)
ENDED_POORLY = (Mentorship.EndReason.NOT_WORKING, Mentorship.EndReason.NOT_FOR_ME)


@dataclass(frozen=True)
class Observations:
    """Outcomes, one per row: the pair's components then (n × 5, NaN where not
    counted, in ``COMPONENTS`` order), the outcome (1 good, 0 poor), its
    mentorship, its kind and its weight; with what they came from."""

    components: np.ndarray
    outcomes: np.ndarray
    mentorships: np.ndarray
    kinds: np.ndarray
    weights: np.ndarray
    # kind → {"good": n, "poor": n} (rows).
    counts: dict[str, dict[str, int]]
    cycles: list[str]
    first: date | None
    last: date | None
    cycle: str | None = None
    # Mentorships made outside any cycle (a program without cycles, or before them).
    outside_cycles: int = 0

    @property
    def mentorship_count(self) -> int:
        return len(np.unique(self.mentorships))

    def sample(self) -> dict:
        """JSON-ready: what ``WeightProposal.sample`` keeps."""
        return {
            "mentorships": self.mentorship_count,
            "observations": len(self.outcomes),
            "kinds": {k: dict(v) for k, v in self.counts.items()},
            "cycle": self.cycle,
            "cycles": list(self.cycles),
            "outside_cycles": self.outside_cycles,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "needs": {
                "mentorships": learning.MIN_MENTORSHIPS,
                "observations": learning.MIN_OBSERVATIONS,
            },
        }


def observations(program: Program, cycle: Cycle | None = None) -> Observations:
    """The outcomes of ``program``'s mentorships that kept their components
    (of ``cycle`` only, if given), as the module docstring counts them."""
    made = Mentorship.objects.filter(program=program, match_components__isnull=False)
    if cycle is not None:
        made = made.filter(cycle=cycle)
    pairs = {
        row["pk"]: row
        for row in made.values(
            "pk",
            "match_components",
            "status",
            "source",
            "decline_reason",
            "end_reason",
            "requested_at",
            "cycle_id",
        )
    }
    found: list[tuple[int, str, int]] = []  # (mentorship, kind, outcome)
    for pk, m in pairs.items():
        if m["source"] == Mentorship.Source.REQUEST:
            if m["status"] in ACCEPTED:
                found.append((pk, "request", 1))
            elif (
                m["status"] == Mentorship.Status.DECLINED
                and m["decline_reason"] != Mentorship.DeclineReason.NO_ROOM
            ):
                found.append((pk, "request", 0))
        if m["status"] == Mentorship.Status.COMPLETED:
            found.append((pk, "close", 1))
        elif m["status"] == Mentorship.Status.ENDED and m["end_reason"] in ENDED_POORLY:
            found.append((pk, "close", 0))
    rated = (
        ("check_in", CheckIn.objects.filter(mentorship__in=made)),
        ("close_out", CloseOut.objects.filter(mentorship__in=made, rating__isnull=False)),
    )
    for kind, rows in rated:
        for pk, rating in rows.order_by("pk").values_list("mentorship_id", "rating"):
            if rating >= GOOD_RATING:
                found.append((pk, kind, 1))
            elif rating <= POOR_RATING:
                found.append((pk, kind, 0))

    found.sort(key=lambda row: (row[0], KINDS.index(row[1])))
    per_pair_kind = Counter((pk, kind) for pk, kind, _ in found)
    counts = {k: {"good": 0, "poor": 0} for k in KINDS}
    for _, kind, outcome in found:
        counts[kind]["good" if outcome else "poor"] += 1
    used = sorted({pk for pk, _, _ in found})
    cycle_ids = {pairs[pk]["cycle_id"] for pk in used} - {None}
    outside = sum(pairs[pk]["cycle_id"] is None for pk in used)
    cycle_names = list(
        Cycle.objects.filter(pk__in=cycle_ids)
        .order_by("registration_opens", "pk")
        .values_list("name", flat=True)
    )
    dates = [pairs[pk]["requested_at"].date() for pk in used]
    return Observations(
        components=np.array(
            [
                [_number(pairs[pk]["match_components"].get(c)) for c in COMPONENTS]
                for pk, *_ in found
            ],
            dtype=float,
        ).reshape(-1, len(COMPONENTS)),
        outcomes=np.array([outcome for *_, outcome in found], dtype=float),
        mentorships=np.array([pk for pk, *_ in found], dtype=np.int64),
        kinds=np.array([kind for _, kind, _ in found], dtype=object),
        weights=np.array([1 / per_pair_kind[(pk, kind)] for pk, kind, _ in found], dtype=float),
        counts=counts,
        cycles=cycle_names,
        first=min(dates, default=None),
        last=max(dates, default=None),
        cycle=cycle.name if cycle is not None else None,
        outside_cycles=outside,
    )


def _number(value) -> float:
    return float("nan") if value is None else float(value)


def learn(program: Program, cycle: Cycle | None = None) -> tuple[Observations, learning.Learned]:
    """The outcomes and what matching/learning.py makes of them; nothing saved."""
    found = observations(program, cycle)
    result = learning.learn(
        found.components,
        found.outcomes,
        found.mentorships,
        program.weights(),
        kinds=found.kinds,
        weights=found.weights,
    )
    return found, result


def propose(
    *, program: Program, cycle: Cycle | None = None, by: User | None = None
) -> WeightProposal:
    """Learn weights from ``program``'s outcomes (of ``cycle`` only, if given) and
    record them as a proposal for its admins: status ``proposed`` with the
    weights, their intervals and the fit, or ``too_few`` with the counts and no
    weights when the sample is under the minimum or every outcome was alike.
    The program's weights are not touched.

    ``proposal.fit`` holds ``learning.Learned.as_dict()`` less what has a field of
    its own: reason, counts, confident and learned per component, the
    coefficients and their intervals, level, resamples, seed, converged, and the
    model's settings; ``proposal.sample`` holds ``Observations.sample()``."""
    found, result = learn(program, cycle)
    fit = result.as_dict()
    for key in ("current", "proposed", "intervals"):
        fit.pop(key)
    fit["model"] = {
        "kind": "logistic",
        "penalty": learning.PENALTY,
        "floor": learning.FLOOR,
        "ceiling": learning.CEILING,
        "max_tilt": learning.MAX_TILT,
    }
    return WeightProposal.objects.create(
        program=program,
        cycle=cycle,
        created_by=by,
        status=WeightProposal.Status.PROPOSED if result.enough else WeightProposal.Status.TOO_FEW,
        current_weights=result.current,
        proposed_weights=result.proposed,
        intervals={c: list(v) for c, v in result.intervals.items()},
        fit=fit,
        sample=found.sample(),
    )


# --- in words ------------------------------------------------------------------------


def _grouped(n: int) -> str:
    return formats.number_format(n, force_grouping=True)


def _mentorships(n: int) -> str:
    return ngettext("%(count)s mentorship", "%(count)s mentorships", n) % {"count": _grouped(n)}


def _outcomes(n: int) -> str:
    return ngettext("%(count)s outcome", "%(count)s outcomes", n) % {"count": _grouped(n)}


def _of_kind(kind: str, n: int) -> str:
    """How many outcomes of one kind: "120 requests answered"."""
    count = {"count": _grouped(n)}
    if kind == "request":
        return ngettext("%(count)s request answered", "%(count)s requests answered", n) % count
    if kind == "check_in":
        return ngettext("%(count)s check-in", "%(count)s check-ins", n) % count
    if kind == "close_out":
        return ngettext("%(count)s close-out", "%(count)s close-outs", n) % count
    return ngettext("%(count)s closed", "%(count)s closed", n) % count


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _where(sample: dict) -> str:
    """Where the sample's mentorships were made: in which cycles, or when."""
    cycles = sample["cycles"]
    outside = bool(sample.get("outside_cycles"))
    if len(cycles) > 3:
        values = {"count": len(cycles), "first": cycles[0], "last": cycles[-1]}
        if outside:
            return (
                gettext("in %(count)s cycles (%(first)s to %(last)s) and outside any cycle")
                % values
            )
        return gettext("in %(count)s cycles (%(first)s to %(last)s)") % values
    if cycles:
        if outside:
            return gettext("in %(cycles)s and outside any cycle") % {
                "cycles": sentences.and_listed(cycles)
            }
        return gettext("in %(cycles)s") % {"cycles": sentences.and_listed(cycles)}
    if sample["first"]:
        first, last = (date.fromisoformat(sample[k]) for k in ("first", "last"))
        if first == last:
            return gettext("made on %(date)s") % {"date": _day(first)}
        return gettext("made between %(first)s and %(last)s") % {
            "first": _day(first),
            "last": _day(last),
        }
    return ""


def describe_sample(sample: dict) -> str:
    """A ``WeightProposal.sample`` in words, as "from 143 mentorships in Summer 2026:
    120 requests answered, 300 check-ins, 80 close-outs, 60 closed"."""
    where = _where(sample)
    if where:
        # Translators: "from 143 mentorships in Summer 2026" (where: "in Summer 2026",
        # "made on 6 December 2026"…); read after "Weights learned", or alone.
        head = gettext("from %(mentorships)s %(where)s") % {
            "mentorships": _mentorships(sample["mentorships"]),
            "where": where,
        }
    else:
        head = gettext("from %(mentorships)s") % {
            "mentorships": _mentorships(sample["mentorships"])
        }
    parts = [_of_kind(kind, n) for kind in KINDS if (n := sum(sample["kinds"][kind].values()))]
    if not parts:
        return head
    # Translators: the sample, then how many outcomes of each kind it holds.
    return gettext("%(sample)s: %(kinds)s") % {
        "sample": head,
        "kinds": pgettext("separator between the items of a list", ", ").join(parts),
    }


def describe_too_few(proposal: WeightProposal) -> str:
    """Why a ``too_few`` proposal proposes nothing, with the counts and what is needed."""
    sample = proposal.sample
    if proposal.fit.get("reason") == learning.Reason.ALL_ALIKE:
        good = sample["observations"] and proposal.fit["counts"]["poor"] == 0
        if good:
            return gettext(
                "Every outcome so far was good (%(sample)s): nothing to learn from until some "
                "differ."
            ) % {"sample": describe_sample(sample)}
        return gettext(
            "Every outcome so far was poor (%(sample)s): nothing to learn from until some differ."
        ) % {"sample": describe_sample(sample)}
    needs = sample["needs"]
    return gettext(
        "Not enough outcomes yet: %(mentorships)s with %(outcomes)s (needs %(needed_mentorships)s "
        "and %(needed_outcomes)s)."
    ) % {
        "mentorships": _mentorships(sample["mentorships"]),
        "outcomes": _outcomes(sample["observations"]),
        "needed_mentorships": _mentorships(needs["mentorships"]),
        "needed_outcomes": _outcomes(needs["observations"]),
    }
