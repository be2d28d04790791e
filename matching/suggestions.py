"""Mentees' suggestion lists: where the ORM meets scoring for one person or a
few lists (docs/matching.md).

Every write here is recomputed from the database and upserted against the
one-row-per-pair constraint, so a retried, duplicated or concurrent call
leaves the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext

from mentorships import lifecycle
from mentorships.exceptions import Refused
from mentorships.models import Mentorship
from mentorships.signals import Event
from mentorships.visibility import can_see_background
from profiles.models import Profile, Program
from profiles.taxonomy import COMPONENTS, Role

from . import emails, lists, scoring
from . import features as feature_cache
from .models import (
    BACKGROUND_COMPONENTS,
    Suggestion,
    WordedReasons,
    blank_notes,
    blank_owners,
    component_bars,
    unweighted_notes,
    word_reasons,
)
from .reasons import Explainer

EXCLUDING = (Suggestion.Status.DISMISSED, Suggestion.Status.REQUESTED)


def refreshing_key(profile_id: int) -> str:
    return f"matching:refreshing:{profile_id}"


# --- settings --------------------------------------------------------------------


def snapshot(program: Program) -> tuple[dict, dict]:
    """The weights and settings a run records, so runs can be compared later."""
    return program.weights(), {
        "min_score": program.min_score,
        "k": program.suggestions_per_mentee,
        "gap": program.suggestion_gap,
        "require_common_language": program.require_common_language,
        "load_spreading": True,
    }


def rules_from(weights: dict, settings: dict, features) -> scoring.Rules:
    return scoring.Rules(
        weights=tuple(float(weights[c]) for c in COMPONENTS),
        min_score=float(settings["min_score"]),
        require_common_language=bool(settings["require_common_language"]),
        facet_columns=features.vocabulary.facet_columns,
        k=int(settings["k"]),
        gap=float(settings.get("gap", scoring.GAP)),
        spread=bool(settings.get("load_spreading", True)),
    )


# --- loading -----------------------------------------------------------------------


def mentor_load(program_id: int) -> dict[int, tuple[int, int]]:
    """``{mentor id: (mentorships taken, requests waiting)}`` for a program."""
    return Mentorship.objects.load_by_mentor(program_id)


def prepared(program_id: int):
    """The program's cached arrays, with each mentor's current room applied."""
    features = feature_cache.current(program_id)
    features.apply_load(mentor_load(program_id))
    return features


# Past this many mentees, their pairs are read by the range of their ids and
# kept in Python: an IN list of thousands costs Django more to build (and
# PostgreSQL more to plan) than the rows it would leave out.
IN_LIST_LIMIT = 64


def excluded_pairs(features, *, mentee_ids=None, mentor_id=None) -> tuple[np.ndarray, np.ndarray]:
    """(mentee rows, mentor rows) never to suggest: dismissed or already requested
    suggestions, and pairs whose mentorship was declined or is under way."""
    wanted = None if mentee_ids is None else {int(i) for i in mentee_ids}
    pairs = Suggestion.objects.filter(program_id=features.program_id, status__in=EXCLUDING)
    if wanted is not None:
        pairs = pairs.filter(mentees_around(wanted))
    if mentor_id is not None:
        pairs = pairs.filter(mentor_id=mentor_id)
    found = set(pairs.values_list("mentee_id", "mentor_id"))
    found |= Mentorship.objects.blocked_pairs(
        features.program_id,
        mentees=None if wanted is None else mentees_around(wanted),
        mentor_id=mentor_id,
    )
    rows, cols = [], []
    for mentee, mentor in found:
        if wanted is not None and mentee not in wanted:
            continue
        r, c = features.mentee_row.get(mentee), features.mentor_row.get(mentor)
        if r is not None and c is not None:
            rows.append(r)
            cols.append(c)
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


def mentees_around(ids: set[int]) -> Q:
    """Rows of these mentees (``mentee_id``), and past IN_LIST_LIMIT of others
    whose ids lie between theirs: the caller keeps the ones it asked for."""
    if len(ids) > IN_LIST_LIMIT:
        return Q(mentee_id__gte=min(ids), mentee_id__lte=max(ids))
    return Q(mentee_id__in=ids)


# --- writing suggestions ---------------------------------------------------------------


def _per_row(ids: np.ndarray, values: list[tuple], width: int) -> tuple[np.ndarray, np.ndarray]:
    """For the (id, …) tuples of ``width`` items whose id is in ``ids``: their
    row positions in ``ids``, and the rest of each tuple as an array row."""
    table = np.array(values, dtype=float).reshape(-1, width)
    if not len(ids):
        return np.zeros(0, dtype=np.int64), table[:0, 1:]
    order = np.argsort(ids)
    rows = order[np.minimum(np.searchsorted(ids, table[:, 0], sorter=order), len(ids) - 1)]
    known = ids[rows] == table[:, 0]
    return rows[known], table[known, 1:]


def exposure_elsewhere(features, mentee_ids) -> scoring.Exposure:
    """How many lists, other than these mentees' own, show each mentor now:
    every list of the program (counted from an index alone), less theirs."""
    listed = Suggestion.objects.filter(status__in=Suggestion.LISTED).order_by()
    shown = np.zeros(len(features.mentors))
    for sign, lists_ in (
        (1, listed.filter(program_id=features.program_id)),
        (-1, listed.filter(mentee_id__in=mentee_ids)),
    ):
        counts = list(
            lists_.values("mentor_id").annotate(n=Count("*")).values_list("mentor_id", "n")
        )
        rows, n = _per_row(features.mentors.ids, counts, width=2)
        np.add.at(shown, rows, sign * n[:, 0])
    return scoring.Exposure(shown=shown)


def lock_lists(mentee_ids: list[int]) -> None:
    """Make rewriting these mentees' lists exclusive until the transaction ends.

    Their profile rows are locked in id order, as every transition locks a
    mentee before a mentor (docs/architecture.md): two refreshes of one list
    take turns, each computing from what the other committed, and a request,
    an acceptance or a dismissal waits for a refresh of its mentee's list.
    ``FOR NO KEY UPDATE`` leaves rows referring to the profile free to be written.
    """
    list(
        Profile.objects.filter(pk__in=mentee_ids)
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )


def _hold_mentors(features, mentor_ids: list[int]) -> list[int]:
    """Hold these mentors as they are until the transaction ends (``FOR SHARE``:
    a pause, an edit or an accept of one of them waits for this commit, and the
    refresh it then queues sees this list), and say which of them have become
    unavailable (paused, or full) since the arrays were read."""
    if not mentor_ids or connection.vendor != "postgresql":
        return []  # SQLite, the no-setup default, writes one transaction at a time
    table = connection.ops.quote_name(Profile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # The table name comes from model meta; the ids are a parameter.
            f"SELECT id, is_paused, capacity FROM {table} WHERE id = ANY(%s)"  # noqa: S608  # nosec B608
            " ORDER BY id FOR SHARE",
            [sorted(mentor_ids)],
        )
        held = cursor.fetchall()
    load = mentor_load(features.program_id)
    return [
        pk for pk, paused, capacity in held if paused or capacity - load.get(pk, (0, 0))[0] <= 0
    ]


def pool_rows(features, *, mentee_ids: list[int]) -> np.ndarray:
    """The rows of these mentees still in the pool: ready (in the arrays) and
    not paired with a mentor. Their lists are the ones a re-score fills."""
    # Others' ids in the range are harmless here: only these mentees' rows are kept.
    paired = set(
        Mentorship.objects.filter(
            mentees_around(set(mentee_ids)),
            program_id=features.program_id,
            status__in=Mentorship.PAIRED,
        ).values_list("mentee_id", flat=True)
    )
    return np.array(
        [
            features.mentee_row[i]
            for i in mentee_ids
            if i in features.mentee_row and i not in paired
        ],
        dtype=np.int64,
    )


def refresh_mentees(
    *,
    program_id: int,
    weights: dict,
    settings: dict,
    mentee_ids: Iterable[int],
    run=None,
    scope: Q | None = None,
    exposure_scale: float | None = None,
    announce: bool = False,
):
    """Recompute the lists of these mentees. Mentees not ready for matching, or
    already paired with a mentor, are out of the pool: their lists empty. With
    ``announce``, a mentee whose list was empty and now is not hears so (a
    re-score keeps the promise of the email that said "no suggestions yet").

    The lists are locked first and everything is read after (:func:`lock_lists`);
    the mentors chosen are held and checked once more before a row is written,
    so no list ever gains a mentor paused or filled meanwhile. A run passes
    ``exposure_scale``: it ignores the lists it replaces and counts each chunk's
    own as standing for the whole program's, so results do not depend on which
    chunk ran first."""
    mentee_ids = sorted(set(mentee_ids))
    with transaction.atomic():
        lock_lists(mentee_ids)
        features = prepared(program_id)
        rules = rules_from(weights, settings, features)
        rows = pool_rows(features, mentee_ids=mentee_ids)
        excluded = excluded_pairs(features, mentee_ids=mentee_ids)
        if exposure_scale is None:
            exposure = exposure_elsewhere(features, mentee_ids)
        else:
            exposure = scoring.Exposure(shown=np.zeros(len(features.mentors)), scale=exposure_scale)
        while True:
            top = scoring.top_k(
                features.mentees,
                features.mentors,
                rules,
                rows=rows,
                excluded=excluded,
                exposure=exposure,
            )
            chosen = np.unique(top.mentor_rows[top.mentor_rows >= 0])
            gone = _hold_mentors(features, features.mentors.ids[chosen].tolist())
            if not gone:
                break
            # Each pass rules out at least one more mentor, and those held stay as they are.
            features.mentors.available[[features.mentor_row[pk] for pk in gone]] = False
        scope = scope if scope is not None else Q(mentee_id__in=mentee_ids)
        if announce:
            had_lists = set(
                Suggestion.objects.filter(scope, status__in=Suggestion.LISTED)
                .order_by()
                .values_list("mentee_id", flat=True)
                .distinct()
            )
        lists.replace(
            scope,
            lists.rows(features, top, features.explainer()),
            program_id=program_id,
            run_id=run.pk if run is not None else None,
        )
        if announce:
            listed = top.mentee_rows[(top.mentor_rows >= 0).any(axis=1)]
            if first := sorted(set(features.mentees.ids[listed].tolist()) - had_lists):
                emails.suggestions_ready_for.delay_on_commit(first)
    return top


def refresh_for_mentor(*, features, rules, mentor_id: int, announce: bool = False) -> set[int]:
    """After a mentor changed: recompute the lists they are in, and those they now belong in.
    With ``announce``, a mentee whose list was empty and now is not hears so: the
    back-in-the-pool email that said "no suggestions yet" promised it."""
    first_lists: list[int] = []
    affected = set(
        Suggestion.objects.filter(mentor_id=mentor_id, status__in=Suggestion.LISTED).values_list(
            "mentee_id", flat=True
        )
    )
    col = features.mentor_row.get(mentor_id)
    if col is not None and len(features.mentees):
        # Each mentee's list: how long, its lowest key and its lowest score.
        lists = list(
            Suggestion.objects.filter(program_id=features.program_id, status__in=Suggestion.LISTED)
            .order_by()  # the default ordering would join each mentee's profile
            .values("mentee_id")
            .annotate(n=Count("*"), low=Min("sort_key"), low_score=Min("score"))
            .values_list("mentee_id", "n", "low", "low_score")
        )
        length = np.zeros(len(features.mentees))
        lowest = np.full(len(features.mentees), -np.inf)
        weakest = np.full(len(features.mentees), -np.inf)
        rows, found = _per_row(features.mentees.ids, lists, width=4)
        length[rows], lowest[rows], weakest[rows] = found[:, 0], found[:, 1], found[:, 2]
        rows, cols = excluded_pairs(features, mentor_id=mentor_id)
        one = scoring.top_k(
            features.mentees,
            features.mentors.take(np.array([col])),
            rules,
            excluded=(rows, np.zeros_like(cols)),
            k=1,
        )
        hit = one.mentor_rows[:, 0] >= 0
        rows, keys, scores = one.mentee_rows[hit], one.keys[hit, 0], one.scores[hit, 0]
        # In by key among the mentors near the best, or by score as a new best
        # or ahead of a list filled by score (docs/matching.md, "Load spreading").
        belongs = (length[rows] < rules.k) | (keys > lowest[rows]) | (scores > weakest[rows])
        affected.update(features.mentees.ids[rows[belongs]].tolist())
        first_lists = features.mentees.ids[rows[belongs & (length[rows] == 0)]].tolist()
    if affected:
        weights, settings = snapshot(Program.objects.get(pk=features.program_id))
        refresh_mentees(
            program_id=features.program_id, weights=weights, settings=settings, mentee_ids=affected
        )
    if announce and first_lists:
        # A paired mentee's list is empty too, and stays so: not theirs to hear.
        paired = Mentorship.objects.filter(mentee_id__in=first_lists, status__in=Mentorship.PAIRED)
        for mentee_id in set(first_lists) - set(paired.values_list("mentee_id", flat=True)):
            emails.suggestions_ready.delay_on_commit(mentee_id)
    return affected


def refresh_profile(*, profile_id: int, announce: bool = True) -> None:
    """Re-score one person against the other side after their profile changed.
    A mentee who now has suggestions is told (``emails.suggestions_ready``,
    once per entry into the pool), and so is one whose empty list a changed
    mentor now fills, unless ``announce`` is off."""
    profile = Profile.objects.filter(pk=profile_id).select_related("program").first()
    try:
        if profile is None:
            return
        weights, settings = snapshot(profile.program)
        if profile.role == Role.MENTEE:
            top = refresh_mentees(
                program_id=profile.program_id,
                weights=weights,
                settings=settings,
                mentee_ids=[profile.pk],
            )
            if announce and (top.mentor_rows >= 0).any():
                emails.suggestions_ready.delay_on_commit(profile.pk)
        else:
            features = prepared(profile.program_id)
            rules = rules_from(weights, settings, features)
            refresh_for_mentor(
                features=features, rules=rules, mentor_id=profile.pk, announce=announce
            )
    finally:
        cache.delete(refreshing_key(profile_id))


# --- explaining one pair ----------------------------------------------------------------


@dataclass
class Explanation(WordedReasons):
    score: float
    components: dict
    # Language-neutral parts (reasons.py), worded when shown (sentences.py).
    reasons: list[dict]
    # Components the viewer may not see (the other person's background), with
    # their value left out of ``components`` too.
    withheld: tuple[str, ...] = ()
    # Why each component left out of the score was, in words (models.blank_notes).
    notes: dict = field(default_factory=dict)
    # Components answered but weighing nothing here, in words (models.unweighted_notes).
    unweighted: dict = field(default_factory=dict)

    def bars(self):
        return component_bars(
            self.components, withheld=self.withheld, notes=self.notes, unweighted=self.unweighted
        )


def _shown(components: np.ndarray, importance: np.ndarray, weights: list, hidden) -> np.ndarray:
    """Scores of these pairs' components as their viewer is shown them: the
    background left out, as if missing, where ``hidden`` (docs/matching.md)."""
    shown = components.copy()
    hidden = np.asarray(hidden, dtype=bool)
    for c in BACKGROUND_COMPONENTS:
        shown[hidden, COMPONENTS.index(c)] = np.nan
    return scoring.combine(shown, importance, weights)


def explain_pair(*, mentee: Profile, mentor: Profile, viewer: Profile) -> Explanation | None:
    """Score and reasons for one pair, as ``viewer`` (one of the two) may read them."""
    pair = feature_cache.for_pair(mentee.program_id, mentee.pk, mentor.pk)
    if pair is None:
        return None
    mentees, mentors, vocab = pair
    weights = mentee.program.weights()
    scores, components = scoring.score_pairs(
        mentees, [0], mentors, [0], [weights[c] for c in COMPONENTS]
    )
    other = mentor if viewer.pk == mentee.pk else mentee
    reveal = can_see_background(other, viewer)
    reasons = Explainer(mentees, mentors, vocab.labels).explain(
        0, 0, components[0], viewer=viewer.role, reveal_background=reveal
    )
    weights = [weights[c] for c in COMPONENTS]
    score = scores[0] if reveal else _shown(components, mentees.importance, weights, [True])[0]
    return explanation_of(
        components[0],
        score,
        reasons,
        reveal=reveal,
        mentee_has_values=bool(mentees.values[0].any()),
        viewer="mentee" if viewer.pk == mentee.pk else "mentor",
        names={"mentee": mentee.name, "mentor": mentor.name},
        weighed=(mentee.importances(), mentee.program.weights()),
    )


def explanation_of(
    parts,
    score,
    reasons,
    *,
    reveal: bool,
    mentee_has_values: bool,
    viewer: str,
    names: dict,
    weighed: tuple[dict, dict] | None = None,
) -> Explanation:
    """A pair's ``score``, components (``parts``) and reasons as ``viewer`` ("mentee",
    "mentor" or "admin") is shown them: the background withheld unless ``reveal``.
    ``weighed``: the mentee's importance and the program's weights, so a component
    that counts for nothing says so."""
    withheld = () if reveal else BACKGROUND_COMPONENTS
    components = {
        c: None if math.isnan(v) or c in withheld else round(float(v), 4)
        for c, v in zip(COMPONENTS, parts, strict=True)
    }
    owners = blank_owners(
        {c: None if math.isnan(v) else v for c, v in zip(COMPONENTS, parts, strict=True)},
        mentee_has_values=mentee_has_values,
    )
    return Explanation(
        score=round(float(score), 2),
        components=components,
        reasons=reasons,
        withheld=withheld,
        notes=blank_notes(owners, viewer=viewer, names=names),
        unweighted=unweighted_notes(
            components,
            importance=weighed[0],
            weights=weighed[1],
            viewer=viewer,
            mentee_name=names["mentee"],
        )
        if weighed
        else {},
    )


def score_mentors(
    *, mentee: Profile, mentor_ids: list[int], visible: set[int], features=None
) -> dict[int, float]:
    """The score this mentee is shown with each of these mentors (their
    background left out where ``visible`` does not hold them), from the
    program's arrays in one pass; mentors not ready for matching are left out."""
    features = features or prepared(mentee.program_id)
    row = features.mentee_row.get(mentee.pk)
    known = [pk for pk in mentor_ids if pk in features.mentor_row]
    if row is None or not known:
        return {}
    cols = np.array([features.mentor_row[pk] for pk in known], dtype=np.int64)
    rows = np.full(len(cols), row, dtype=np.int64)
    weights = mentee.program.weights()
    components = scoring.pair_components(features.mentees, rows, features.mentors, cols)
    scores = _shown(
        components,
        features.mentees.importance[rows],
        [weights[c] for c in COMPONENTS],
        [pk not in visible for pk in known],
    )
    return dict(zip(known, np.round(scores, 2).tolist(), strict=True))


def explain_mentors(
    *, mentee: Profile, mentors: list[Profile], visible: set[int], features=None
) -> dict[int, Explanation]:
    """Score and reasons of this mentee with each of these mentors, as the
    mentee reads them: what :func:`explain_pair` says of one pair, for a page of
    mentors at once from the program's arrays (the browse page)."""
    features = features or prepared(mentee.program_id)
    row = features.mentee_row.get(mentee.pk)
    known = [m for m in mentors if m.pk in features.mentor_row]
    if row is None or not known:
        return {}
    cols = np.array([features.mentor_row[m.pk] for m in known], dtype=np.int64)
    rows = np.full(len(cols), row, dtype=np.int64)
    weights = [mentee.program.weights()[c] for c in COMPONENTS]
    components = scoring.pair_components(features.mentees, rows, features.mentors, cols)
    hidden = [m.pk not in visible for m in known]
    scores = _shown(components, features.mentees.importance[rows], weights, hidden)
    explainer = features.explainer()
    explainer.prepare("mentee", [row])
    explainer.prepare("mentor", cols)
    has_values = bool(features.mentees.values[row].any())
    weighed = (mentee.importances(), mentee.program.weights())
    explained = {
        m.pk: explanation_of(
            parts,
            score,
            explainer.explain(row, col, parts, reveal_background=not hide),
            reveal=not hide,
            mentee_has_values=has_values,
            viewer="mentee",
            names={"mentee": mentee.name, "mentor": m.name},
            weighed=weighed,
        )
        for m, col, parts, score, hide in zip(
            known, cols.tolist(), components, scores, hidden, strict=True
        )
    }
    word_reasons(explained.values())
    return explained


# --- asking, dismissing and viewing ---------------------------------------------------------------


def request_mentor(*, suggestion: Suggestion, message: str) -> Mentorship:
    """The mentee asks the suggested mentor (the request keeps the pair's score).
    Asking again, from a second tab or a double click, is refused in words."""
    if suggestion.status == Suggestion.Status.DISMISSED:
        raise Refused(
            gettext("You hid %(mentor)s: they are no longer suggested to you.")
            % {"mentor": suggestion.mentor.name}
        )
    return lifecycle.request_mentor(
        mentee=suggestion.mentee, mentor=suggestion.mentor, message=message, score=suggestion.score
    )


@transaction.atomic
def dismiss(*, suggestion: Suggestion, reason: str) -> None:
    """The mentee hides a suggested mentor for good."""
    current = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    name = suggestion.mentor.name
    if current is None or current.status == Suggestion.Status.DISMISSED:
        raise Refused(gettext("%(mentor)s is already hidden.") % {"mentor": name})
    if current.status == Suggestion.Status.REQUESTED:
        raise Refused(
            gettext(
                "You have asked %(mentor)s to mentor you: withdraw the request if you no "
                "longer want to."
            )
            % {"mentor": name}
        )
    current.status, current.dismiss_reason, current.rank = Suggestion.Status.DISMISSED, reason, None
    current.save(update_fields=["status", "dismiss_reason", "rank", "updated_at"])
    queue_refresh(suggestion.mentee_id)


@transaction.atomic
def restore(*, suggestion: Suggestion) -> None:
    """The mentee brings a hidden mentor back: the dismissal is forgotten and
    their list worked out again, where the mentor may now appear."""
    current = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    if current is None or current.status != Suggestion.Status.DISMISSED:
        raise Refused(gettext("%(mentor)s is not hidden.") % {"mentor": suggestion.mentor.name})
    current.delete()
    queue_refresh(suggestion.mentee_id)


def mark_seen(mentee: Profile) -> None:
    Suggestion.objects.filter(mentee=mentee, status=Suggestion.Status.NEW).update(
        status=Suggestion.Status.SEEN
    )


FORGOTTEN_WITHIN = timezone.timedelta(days=2)


def rescore_forgotten(*, within: timezone.timedelta = FORGOTTEN_WITHIN, limit: int = 500) -> int:
    """Queue a refresh for mentees who changed lately yet have no list and no
    mentor: their refresh was lost (the broker was down, or restarted empty)."""
    cutoff = timezone.now() - within
    forgotten = (
        Profile.objects.mentees()
        .ready()
        .filter(updated_at__gte=cutoff)
        .exclude(suggestions__status__in=Suggestion.LISTED)
        .exclude(mentorships_as_mentee__status__in=Mentorship.PAIRED)
        .order_by("-updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for profile_id in forgotten:
        queue_refresh(profile_id)
        count += 1
    return count


RESTED_WITHIN = timezone.timedelta(hours=2)  # the hourly sweep's window, with an hour to spare


def refresh_rested_pairs(*, within: timezone.timedelta = RESTED_WITHIN) -> int:
    """Queue a refresh for mentees a cooling-off kept from a mentor (a request
    left unanswered, or declined for want of room) that ended lately: nothing
    else happens at that moment, and the mentor may now fit their list."""
    now = timezone.now()
    rested = Q(status=Mentorship.Status.EXPIRED) | Mentorship.SAID_NO_ROOM
    count = 0
    for program_id, days in Program.objects.values_list("pk", "expired_pair_cooldown_days"):
        ended = now - timezone.timedelta(days=days)
        mentee_ids = (
            Mentorship.objects.filter(rested, program_id=program_id)
            .filter(decided_at__gt=ended - within, decided_at__lte=ended, mentee__isnull=False)
            .exclude(mentee__mentorships_as_mentee__status__in=Mentorship.PAIRED)
            .order_by()
            .values_list("mentee_id", flat=True)
            .distinct()
        )
        for mentee_id in mentee_ids:
            queue_refresh(mentee_id)
            count += 1
    return count


def _tell_back_in_pool(mentee_id: int) -> None:
    from .tasks import back_in_pool

    cache.set(refreshing_key(mentee_id), timezone.now().isoformat(), timeout=600)
    back_in_pool.delay_on_commit(mentee_id)


def queue_refresh(profile_id: int) -> None:
    """Re-score this person once the current transaction commits."""
    from .tasks import refresh_profile_suggestions

    cache.set(refreshing_key(profile_id), timezone.now().isoformat(), timeout=600)
    refresh_profile_suggestions.delay_on_commit(profile_id)


# --- a mentorship moved ---------------------------------------------------------------


def follow(m: Mentorship, event: Event, *, refresh: bool = True) -> None:
    """Keep the pair's suggestion in step with a lifecycle transition, inside its
    transaction, and re-rank the lists the two are in once it commits."""
    pair = Suggestion.objects.filter(mentee_id=m.mentee_id, mentor_id=m.mentor_id)
    if event in (Event.REQUESTED, Event.MATCHED) and m.match_components is None:
        keep_what_the_matcher_knew(m)
    if event == Event.REQUESTED:
        pair.update(status=Suggestion.Status.REQUESTED, rank=None)
        queue_refresh(m.mentor_id)  # waiting requests move the mentor in lists
    elif event in (Event.ACCEPTED, Event.MATCHED):
        # A paired mentee leaves the pool; the lists the mentor is in re-rank for their room.
        Suggestion.objects.filter(mentee_id=m.mentee_id, status__in=Suggestion.LISTED).delete()
        if refresh:
            queue_refresh(m.mentor_id)
    else:
        # The request or mentorship closed, however it did: its suggestion row no
        # longer stands for it. A decline or a past mentorship still keeps the two
        # apart (Mentorship.objects.blocked_pairs); a request that closed unanswered,
        # withdrawn or overtaken by another acceptance leaves them free.
        pair.filter(status=Suggestion.Status.REQUESTED).delete()
        if m.mentor_id is not None:
            queue_refresh(m.mentor_id)
        if m.mentee_id is None:
            return
        if Mentorship.objects.filter(emails.RETURNED, pk=m.pk).exists():
            _tell_back_in_pool(m.mentee_id)  # refreshes their list, then tells them
        else:
            queue_refresh(m.mentee_id)


def components_of(*, mentee_id: int, mentor_id: int, program_id: int) -> dict | None:
    """The pair's five components (0–1, None where not counted), from the mentee's
    list when the mentor is on it, else worked out fresh; None when either is not
    in the program's scoring data."""
    listed = (
        Suggestion.objects.filter(mentee_id=mentee_id, mentor_id=mentor_id)
        .values_list("components", flat=True)
        .first()
    )
    if listed:
        return {c: listed.get(c) for c in COMPONENTS}
    pair = feature_cache.for_pair(program_id, mentee_id, mentor_id)
    if pair is None:
        return None
    mentees, mentors, _ = pair
    parts = scoring.pair_components(mentees, [0], mentors, [0])[0].tolist()
    return {
        c: None if v != v else round(float(v), 4) for c, v in zip(COMPONENTS, parts, strict=True)
    }


def keep_what_the_matcher_knew(m: Mentorship) -> None:
    """Keep, once, the pair's components and the program's weights as they were when
    the mentorship was made, so outcomes can be related to them (matching/learning.py)."""
    if m.mentee_id is None or m.mentor_id is None:
        return
    components = components_of(
        mentee_id=m.mentee_id, mentor_id=m.mentor_id, program_id=m.program_id
    )
    if components is None:
        return
    weights = Program.objects.get(pk=m.program_id).weights()
    Mentorship.objects.filter(pk=m.pk, match_components__isnull=True).update(
        match_components=components, match_weights=weights
    )
    m.match_components, m.match_weights = components, weights


def score_of(*, mentee: Profile, mentor: Profile) -> float | None:
    """The pair's whole score, as a list stores it (nothing withheld: a request
    keeps the same figure whichever page it came from); None when either is
    not in the program's scoring data."""
    listed = Suggestion.objects.for_mentee(mentee).listed().filter(mentor=mentor).first()
    if listed is not None:
        return listed.score
    pair = feature_cache.for_pair(mentee.program_id, mentee.pk, mentor.pk)
    if pair is None:
        return None
    mentees, mentors, _ = pair
    weights = mentee.program.weights()
    scores, _ = scoring.score_pairs(mentees, [0], mentors, [0], [weights[c] for c in COMPONENTS])
    return round(float(scores[0]), 2)
