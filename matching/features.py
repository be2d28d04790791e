"""Profiles → scoring arrays, cached per worker process.

The first call for a program reads every ready profile once; after that each
call re-reads only the profiles saved since (by ``updated_at``), so scoring a
new person does not reload the program. Deleting a profile or editing the
tag vocabulary bumps a generation counter in the shared cache, which makes
every process reload from scratch.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q

from profiles.models import TAKING_PART, Cycle, Profile, Tag
from profiles.taxonomy import COMPONENTS, Role, TagKind

from . import scoring
from .reasons import Explainer, Labels
from .scoring import FACETS, Side

# Rows saved this close before the last look are read again: a transaction
# may commit a little after the moment its updated_at records.
LAG = timedelta(seconds=120)
MEETING_CODES = {"online": scoring.ONLINE, "in_person": scoring.IN_PERSON, "either": scoring.EITHER}
VISIBILITY_CODES = {
    "matching": scoring.VISIBILITY_MATCHING,
    "matches": scoring.VISIBILITY_MATCHES,
    "program": scoring.VISIBILITY_PROGRAM,
}
PROFILE_FIELDS = (
    "id",
    "user_id",
    "role",
    "in_pool",
    "updated_at",
    "career_stage",
    "industry_id",
    "timezone",
    "meeting_format",
    "city",
    "background_visibility",
    "is_paused",
    "capacity",
    "must_share",
    *(f"importance_{c}" for c in COMPONENTS),
)


@functools.cache
def utc_offset_hours(name: str) -> float:
    """Mean of the January and July offsets, so scores do not move with DST."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return math.nan
    offsets = [
        datetime(2025, month, 15, 12, tzinfo=UTC).astimezone(zone).utcoffset().total_seconds()
        for month in (1, 7)
    ]
    return sum(offsets) / 2 / 3600


def generation_key(program_id: int) -> str:
    return f"matching:features-generation:{program_id}"


def invalidate(program_id: int) -> None:
    """Make every process reload this program's arrays on its next use."""
    key = generation_key(program_id)
    cache.add(key, 0, timeout=None)
    generation = cache.incr(key)
    if generation is not None:
        # The copy kept for other processes goes too: it may hold answers of
        # someone who just deleted their account.
        cache.delete(shared_key(program_id, generation - 1))


@dataclass
class Vocabulary:
    """Column of each tag in the goal / value / background matrices."""

    goal_column: dict[int, int]
    value_column: dict[int, int]
    background_column: dict[int, int]
    industry_code: dict[int, int]
    labels: Labels
    facet_columns: dict[str, np.ndarray]
    city_code: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Vocabulary:
        tags = list(Tag.objects.order_by("kind", "sort_order", "id"))

        def columns(kinds):
            chosen = [t for t in tags if t.kind in kinds]
            return {t.pk: i for i, t in enumerate(chosen)}, chosen

        goal_column, goals = columns({TagKind.GOAL})
        value_column, values = columns({TagKind.VALUE})
        background_column, background = columns(
            {TagKind.LANGUAGE, TagKind.HERITAGE, TagKind.IDENTITY}
        )
        industry_code, industries = columns({TagKind.INDUSTRY})
        facets = [t.facet for t in background]
        return cls(
            goal_column=goal_column,
            value_column=value_column,
            background_column=background_column,
            industry_code=industry_code,
            labels=Labels(
                goals=[t.pk for t in goals],
                values=[t.pk for t in values],
                background=[t.pk for t in background],
                background_facets=facets,
                industries=[t.pk for t in industries],
                cities=[],
            ),
            facet_columns={
                f: np.array([i for i, tf in enumerate(facets) if tf == f], dtype=np.int64)
                for f in FACETS
            },
        )

    def columns(self, link: str) -> dict[int, int]:
        """Tag id → column for a link kind: goals, values or background."""
        return {
            "goals": self.goal_column,
            "values": self.value_column,
            "background": self.background_column,
        }[link]

    def city(self, name: str) -> int:
        key = " ".join(name.split()).casefold()
        if not key:
            return -1
        if key not in self.city_code:
            self.city_code[key] = len(self.city_code)
            self.labels.cities.append(" ".join(name.split()))
        return self.city_code[key]


@dataclass
class ProgramFeatures:
    program_id: int
    generation: int
    vocabulary: Vocabulary
    mentees: Side
    mentors: Side
    capacity: np.ndarray  # per mentor row; room is capacity minus mentorships taken
    paused: np.ndarray  # per mentor row
    stamps: dict[int, datetime]  # updated_at of every profile read, ready or not
    watermark: datetime | None

    def __post_init__(self) -> None:
        self.index()

    def index(self) -> None:
        self.mentee_row = {int(pid): r for r, pid in enumerate(self.mentees.ids)}
        self.mentor_row = {int(pid): r for r, pid in enumerate(self.mentors.ids)}

    def explainer(self) -> Explainer:
        """The reasons' writer for these arrays, made again only when a side changed."""
        if getattr(self, "_explained", None) is not (self.mentees, self.mentors):
            self._explainer = Explainer(self.mentees, self.mentors, self.vocabulary.labels)
            self._explained = (self.mentees, self.mentors)
        return self._explainer

    def apply_load(self, load: dict[int, tuple[int, int]]) -> None:
        """Room and waiting requests per mentor: ``{mentor id: (taken, pending)}``."""
        taken, pending = (
            np.array([load.get(int(i), (0, 0))[k] for i in self.mentors.ids], dtype=np.int64)
            for k in (0, 1)
        )
        self.mentors.room = np.maximum(self.capacity - taken, 0)
        self.mentors.pending = pending
        self.mentors.available = ~self.paused & (self.mentors.room > 0)


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _links(through, program_id: int, ids: list[int] | None) -> list[tuple[int, int]]:
    table = connection.ops.quote_name(through._meta.db_table)
    if ids is None:
        profiles = connection.ops.quote_name(Profile._meta.db_table)
        cycles = connection.ops.quote_name(Cycle._meta.db_table)
        sql = (
            # Table names come from model meta; every value is a parameter.
            f"SELECT t.profile_id, t.tag_id FROM {table} t JOIN {profiles} p "  # noqa: S608  # nosec B608
            f"ON p.id = t.profile_id LEFT JOIN {cycles} c ON c.id = p.cycle_id "
            "WHERE p.program_id = %s AND p.is_ready "
            f"AND (p.cycle_id IS NULL OR c.state IN ({_placeholders(Cycle.TAKING_PART)}))"
        )
        params = [program_id, *Cycle.TAKING_PART]
    else:
        if not ids:
            return []
        # Table names come from model meta; every value is a parameter.
        sql = f"SELECT profile_id, tag_id FROM {table} WHERE profile_id IN ({_placeholders(ids)})"  # noqa: S608  # nosec B608
        params = ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _read(program_id: int, ids: list[int] | None = None):
    """Profile rows (sorted by id) and their tag links, for a program or some ids."""
    # In the pool: ready, and taking part now (ProfileQuerySet.ready()).
    in_pool = Q(is_ready=True, user__is_active=True) & TAKING_PART
    profiles = Profile.objects.filter(program_id=program_id).annotate(
        in_pool=ExpressionWrapper(in_pool, output_field=BooleanField())
    )
    if ids is not None:
        profiles = profiles.filter(pk__in=ids)
    rows = list(profiles.order_by("id").values_list(*PROFILE_FIELDS))
    ready = None if ids is None else [r[0] for r in rows if r[3]]
    links = {
        "goals": _links(Profile.goals.through, program_id, ready),
        "values": _links(Profile.values.through, program_id, ready),
        # Languages always count towards background.
        "background": _links(Profile.background.through, program_id, ready)
        + _links(Profile.languages.through, program_id, ready),
    }
    return rows, links


def _matrix(ids: np.ndarray, links, column: dict[int, int]) -> np.ndarray:
    out = np.zeros((len(ids), len(column)))
    if not links or not len(ids):
        return out
    pairs = np.array(links, dtype=np.int64)
    rows = np.searchsorted(ids, pairs[:, 0])
    ok = (rows < len(ids)) & (ids[np.minimum(rows, len(ids) - 1)] == pairs[:, 0])
    cols = np.array([column.get(int(t), -1) for t in pairs[:, 1]], dtype=np.int64)
    ok &= cols >= 0
    out[rows[ok], cols[ok]] = 1.0
    return out


FIELD = {name: i for i, name in enumerate(PROFILE_FIELDS)}


def _side(rows: list[tuple], links, vocab: Vocabulary) -> Side:
    """A Side for ready profile ``rows``, sorted by id."""

    def column(name, convert=lambda v: v, dtype=np.int64):
        return np.array([convert(r[FIELD[name]]) for r in rows], dtype=dtype)

    ids = column("id")
    n = len(rows)
    return Side(
        ids=ids,
        user_ids=column("user_id"),
        goals=_matrix(ids, links["goals"], vocab.columns("goals")),
        values=_matrix(ids, links["values"], vocab.columns("values")),
        background=_matrix(ids, links["background"], vocab.columns("background")),
        stage=column("career_stage", lambda v: -1 if v is None else v),
        industry=column("industry_id", lambda v: vocab.industry_code.get(v, -1)),
        utc_offset=column("timezone", utc_offset_hours, float),
        meeting=column("meeting_format", MEETING_CODES.__getitem__, np.int8),
        city=column("city", vocab.city),
        importance=np.array(
            [[r[FIELD[f"importance_{c}"]] for c in COMPONENTS] for r in rows], dtype=np.int64
        ).reshape(n, len(COMPONENTS)),
        must=np.array(
            [[facet in (r[FIELD["must_share"]] or []) for facet in FACETS] for r in rows],
            dtype=bool,
        ).reshape(n, len(FACETS)),
        visibility=column("background_visibility", VISIBILITY_CODES.__getitem__, np.int8),
        available=column("is_paused", lambda v: not v, bool),
        room=column("capacity"),
        pending=np.zeros(n, dtype=np.int64),
    )


def _split(rows, links, vocab) -> tuple[Side, Side]:
    ready = [r for r in rows if r[FIELD["in_pool"]]]
    return tuple(
        _side([r for r in ready if r[FIELD["role"]] == role], links, vocab)
        for role in (Role.MENTEE, Role.MENTOR)
    )


def load(program_id: int, generation: int = 0) -> ProgramFeatures:
    vocab = Vocabulary.load()
    rows, links = _read(program_id)
    mentees, mentors = _split(rows, links, vocab)
    features = ProgramFeatures(
        program_id=program_id,
        generation=generation,
        vocabulary=vocab,
        mentees=mentees,
        mentors=mentors,
        capacity=mentors.room.copy(),
        paused=~mentors.available,
        stamps={r[0]: r[FIELD["updated_at"]] for r in rows},
        watermark=max((r[FIELD["updated_at"]] for r in rows), default=None),
    )
    _share(features)
    return features


# --- shared between processes ----------------------------------------------------------
#
# Reading a program from the database costs 0.1 s at 1,000 people and 0.3 s at
# 5,000; every new process (a command, a restarted worker or web process) paid
# it. A whole load is therefore also kept in the cache for the others, its 0/1
# tag matrices packed to bits; a process that picks it up brings it up to date
# with :func:`update` like its own copy. Past SHARED_MAX_PROFILES the copy
# would be too big a cache value to be worth it. It holds background answers
# (as bits), so it is dropped when the program's generation moves (a deleted
# profile, a tag change) and kept an hour at most (docs/operations.md).
SHARED_MAX_PROFILES = 30_000
SHARED_TIMEOUT = 3600
TAG_MATRICES = ("goals", "values", "background")
SHARED_SHAPE = 2  # raise when what is kept changes shape (2: labels are tag ids)


def shared_key(program_id: int, generation: int) -> str:
    # The database's name too: two databases may share one Redis and prefix.
    database = connection.settings_dict["NAME"]
    return f"matching:features:{SHARED_SHAPE}:{database}:{program_id}:{generation}"


def _packed(side: Side) -> dict:
    return {
        name: (np.packbits(value > 0, axis=1), value.shape[1]) if name in TAG_MATRICES else value
        for name, value in side.arrays().items()
    }


def _unpacked(arrays: dict) -> Side:
    return Side(
        **{
            name: (
                np.unpackbits(value[0], axis=1, count=value[1]).astype(float)
                if name in TAG_MATRICES
                else value
            )
            for name, value in arrays.items()
        }
    )


def _share(features: ProgramFeatures) -> None:
    """Keep a whole load for the other processes, once what it read is
    committed (a load inside a transaction that rolls back is never shared),
    and only if the program's generation has not moved meanwhile."""
    if len(features.stamps) > SHARED_MAX_PROFILES:
        return
    transaction.on_commit(lambda: _keep_shared(features))


def _keep_shared(features: ProgramFeatures) -> None:
    if cache.get(generation_key(features.program_id), 0) != features.generation:
        return
    kept = {
        "mentees": _packed(features.mentees),
        "mentors": _packed(features.mentors),
        "vocabulary": features.vocabulary,
        "capacity": features.capacity,
        "paused": features.paused,
        "stamps": features.stamps,
        "watermark": features.watermark,
    }
    cache.set(shared_key(features.program_id, features.generation), kept, SHARED_TIMEOUT)


def _from_shared(program_id: int, generation: int) -> ProgramFeatures | None:
    """The kept copy brought up to date, or None: none kept, or a profile it
    holds is gone (a deletion the generation did not catch, a database reset)."""
    kept = cache.get(shared_key(program_id, generation))
    if kept is None:
        return None
    features = ProgramFeatures(
        program_id=program_id,
        generation=generation,
        vocabulary=kept["vocabulary"],
        mentees=_unpacked(kept["mentees"]),
        mentors=_unpacked(kept["mentors"]),
        capacity=kept["capacity"],
        paused=kept["paused"],
        stamps=kept["stamps"],
        watermark=kept["watermark"],
    )
    features = update(features)
    if Profile.objects.filter(program_id=program_id).count() != len(features.stamps):
        return None
    return features


def for_pair(program_id: int, mentee_id: int, mentor_id: int):
    """A one-mentee, one-mentor view of two ready profiles, read fresh (no cache):
    the page that explains one pair must not load the whole program."""
    vocab = Vocabulary.load()
    rows, links = _read(program_id, ids=[mentee_id, mentor_id])
    mentees, mentors = _split(rows, links, vocab)
    if len(mentees) != 1 or len(mentors) != 1:
        return None
    return mentees, mentors, vocab


def update(features: ProgramFeatures) -> ProgramFeatures:
    """Apply the profiles saved since the last look; reload when that is cheaper."""
    recent = Profile.objects.filter(program_id=features.program_id)
    if features.watermark is not None:
        recent = recent.filter(updated_at__gte=features.watermark - LAG)
    changed = {
        pid: stamp
        for pid, stamp in recent.values_list("id", "updated_at")
        if features.stamps.get(pid) != stamp
    }
    if not changed:
        return features
    if len(changed) > max(2000, (len(features.mentees) + len(features.mentors)) // 5):
        return load(features.program_id, features.generation)
    rows, links = _read(features.program_id, ids=sorted(changed))
    vocab = features.vocabulary
    if any(t not in vocab.columns(kind) for kind in links for _, t in links[kind]):
        return load(features.program_id, features.generation)
    mentees, mentors = _split(rows, links, vocab)
    gone = np.array(sorted(changed), dtype=np.int64)
    keep_mentees = np.flatnonzero(~np.isin(features.mentees.ids, gone))
    keep_mentors = np.flatnonzero(~np.isin(features.mentors.ids, gone))
    # A side nobody on it changed keeps its arrays (and what scoring derived
    # from them): a new mentor does not copy every mentee.
    if len(keep_mentees) < len(features.mentees) or len(mentees):
        features.mentees = features.mentees.take(keep_mentees).concat(mentees)
    if len(keep_mentors) < len(features.mentors) or len(mentors):
        features.mentors = features.mentors.take(keep_mentors).concat(mentors)
        features.capacity = np.concatenate([features.capacity[keep_mentors], mentors.room])
        features.paused = np.concatenate([features.paused[keep_mentors], ~mentors.available])
    features.stamps.update(changed)
    features.watermark = max(filter(None, [features.watermark, *changed.values()]))
    features.index()
    return features


_lock = threading.Lock()
_cache: dict[int, ProgramFeatures] = {}


def current(program_id: int) -> ProgramFeatures:
    """This program's arrays, fresh as of now (mentor load not yet applied)."""
    generation = cache.get(generation_key(program_id), 0)
    with _lock:
        features = _cache.get(program_id)
        if features is None or features.generation != generation:
            features = _from_shared(program_id, generation) or load(program_id, generation)
        else:
            features = update(features)
        _cache[program_id] = features
        return features


def forget() -> None:
    """Drop every cached program (tests, and after a database reset)."""
    with _lock:
        _cache.clear()
