"""Suggestions spread the load within a bounded gap (docs/matching.md, "Load spreading")."""

from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest

from matching import scoring, suggestions
from profiles.models import Program as ProgramModel
from tests.matching.people import Person, Program, build

pytestmark = pytest.mark.usefixtures("scoring_path")

GOALS = {"networking", "leadership", "belonging", "resilience"}


def similar_mentees(n: int) -> list[Person]:
    return [Person(i, goals=set(GOALS), values={"community"}, stage=1) for i in range(1, n + 1)]


def program_with_a_star(pending_on_star: int = 0):
    star = Person(1000, goals=set(GOALS), values={"community"}, stage=3, pending=pending_on_star)
    # Equal to one another, a little behind the star: three of the four goals.
    equals = [
        Person(1001 + i, goals=GOALS - {"resilience"}, values={"community"}, stage=3)
        for i in range(8)
    ]
    return star, equals


def lists_by_mentee(mentees, mentors, exposure=True, k=5, gap=10) -> dict[int, list[int]]:
    ms, js, rules = build(mentees, mentors, Program(k=k, gap=gap))
    shown = scoring.Exposure(np.zeros(len(mentors))) if exposure else None
    result = scoring.top_k(ms, js, rules, exposure=shown)
    return {
        mentees[r].id: [mentors[c].id for c in row if c >= 0]
        for r, row in zip(result.mentee_rows, result.mentor_rows, strict=True)
    }


def lists(mentees, mentors, exposure=True, k=5, gap=10) -> list[list[int]]:
    return list(lists_by_mentee(mentees, mentors, exposure, k, gap).values())


def scores_of(mentees, mentors, k=5, gap=10, exposure=True):
    ms, js, rules = build(mentees, mentors, Program(k=k, gap=gap))
    shown = scoring.Exposure(np.zeros(len(mentors))) if exposure else None
    return scoring.top_k(ms, js, rules, exposure=shown)


def test_the_best_mentor_with_room_is_in_every_list_and_first():
    """The mentee's best mentor is kept while not asked by more people than
    they have room for, and lists are shown in score order."""
    star, equals = program_with_a_star()
    built = lists(similar_mentees(60), [star, *equals])
    assert all(row[0] == star.id for row in built)


def test_equal_mentors_share_the_rest_of_the_load():
    star, equals = program_with_a_star()
    shown = Counter(m for row in lists(similar_mentees(60), [star, *equals]) for m in row)
    # 60 lists × 4 places after the star, among 8 equal mentors: 30 each if shared evenly.
    assert all(20 <= shown[m.id] <= 40 for m in equals), shown


def test_without_spreading_the_same_four_would_fill_every_list():
    """The contrast that shows the rule is doing the work above."""
    star, equals = program_with_a_star()
    mentees, mentors = similar_mentees(60), [star, *equals]
    ms, js, rules = build(mentees, mentors, Program())
    rules = scoring.Rules(**{**rules.__dict__, "spread": False})
    result = scoring.top_k(ms, js, rules)
    shown = Counter(mentors[c].id for row in result.mentor_rows for c in row)
    assert sorted(shown.values()) == [60] * 5
    assert sum(shown[m.id] == 0 for m in equals) == 4


def test_lists_are_shown_in_score_order():
    star, equals = program_with_a_star()
    spread = Person(2000, goals={"networking"}, values={"community"}, stage=3)
    result = scores_of(similar_mentees(40), [star, *equals, spread], k=7, gap=40)
    for row in result.scores:
        found = row[np.isfinite(row)]
        assert len(found) == 7
        assert list(found) == sorted(found, reverse=True)


def test_a_mentor_beyond_the_gap_waits_while_mentors_within_it_have_room():
    """Mentors 10+ points under the mentee's best are not pulled up by spreading."""
    star, equals = program_with_a_star()
    # Shares one goal of four: far under the star, but with all the room in the world.
    idle = Person(2000, goals={"networking"}, values={"community"}, stage=3, room=20)
    mentees, mentors = similar_mentees(60), [star, *equals, idle]
    result = scores_of(mentees, mentors, k=5, gap=10)
    best = np.nanmax(result.scores, axis=1)
    assert np.all(result.scores[np.isfinite(result.scores)].reshape(60, 5) >= best[:, None] - 10)
    assert idle.id not in {m for row in lists(mentees, mentors) for m in row}


def test_too_few_within_the_gap_are_followed_by_the_next_best_by_score():
    star, _ = program_with_a_star()
    weaker = [
        Person(2000 + i, goals=set(sorted(GOALS)[:g]), values={"community"}, stage=3)
        for i, g in enumerate((1, 2, 2))
    ]
    mentees = similar_mentees(3)
    ms, js, rules = build(mentees, [star, *weaker], Program(k=3, gap=1))
    result = scoring.top_k(ms, js, rules, exposure=scoring.Exposure(np.zeros(4)))
    everyone = scoring.top_k(ms, js, scoring.Rules(**{**rules.__dict__, "spread": False}), k=4)
    # Only the star is within a point of itself: the other two are the best two of the rest.
    np.testing.assert_array_equal(result.mentor_rows, everyone.mentor_rows[:, :3])


def test_a_mentor_asked_by_more_than_their_room_is_no_longer_kept():
    star, equals = program_with_a_star(pending_on_star=4)  # room 3, four waiting
    built = lists(similar_mentees(60), [star, *equals])
    assert sum(star.id in row for row in built) < 60 / 2
    # Asked exactly up to their room, they are still kept.
    star, equals = program_with_a_star(pending_on_star=3)
    assert all(row[0] == star.id for row in lists(similar_mentees(60), [star, *equals]))


def test_requests_already_waiting_push_a_mentor_down():
    star, equals = program_with_a_star(pending_on_star=12)
    built = lists(similar_mentees(20), [star, *equals], exposure=False)
    assert sum(row[0] == star.id for row in built) == 0


def test_room_left_counts_against_waiting_requests():
    # the same waiting requests weigh less on a mentor with more room
    busy = scoring.load_factor(np.array([1, 5]), np.array([4, 4]))
    assert busy[0] < busy[1] < 1
    assert scoring.load_factor(np.array([3]), np.array([0]))[0] == 1


def test_spreading_never_changes_the_score_shown():
    star, equals = program_with_a_star(pending_on_star=12)
    mentees = similar_mentees(5)
    ms, js, rules = build(mentees, [star, *equals], Program(k=9))
    spread = scoring.top_k(ms, js, rules, exposure=scoring.Exposure(np.zeros(9)))
    plain = scoring.top_k(ms, js, scoring.Rules(**{**rules.__dict__, "spread": False}), k=9)
    for row in range(len(mentees)):
        by_mentor = dict(zip(spread.mentor_rows[row], spread.scores[row], strict=True))
        for col, value in zip(plain.mentor_rows[row], plain.scores[row], strict=True):
            assert by_mentor[col] == value


def test_lists_do_not_depend_on_block_size():
    star, equals = program_with_a_star()
    mentees, mentors = similar_mentees(30), [star, *equals]
    ms, js, rules = build(mentees, mentors, Program())
    whole = scoring.top_k(ms, js, rules, exposure=scoring.Exposure(np.zeros(9)))
    original = scoring.BLOCK_BYTES
    try:
        scoring.BLOCK_BYTES = 4 * len(mentors) * 4  # four rows per block
        blocked = scoring.top_k(ms, js, rules, exposure=scoring.Exposure(np.zeros(9)))
    finally:
        scoring.BLOCK_BYTES = original
    np.testing.assert_array_equal(whole.mentor_rows, blocked.mentor_rows)


def test_lists_do_not_depend_on_row_order():
    star, equals = program_with_a_star()
    mentees, mentors = similar_mentees(30), [star, *equals]
    assert lists_by_mentee(mentees, mentors) == lists_by_mentee(list(reversed(mentees)), mentors)


@pytest.mark.django_db
def test_a_new_program_spreads_within_ten_points_and_its_runs_use_that():
    """The default gap is 10 points, and a run's rules carry the program's own."""
    program = ProgramModel.objects.create(name="New program", slug="new-program")
    assert program.suggestion_gap == 10
    program.suggestion_gap = 4
    weights, settings = suggestions.snapshot(program)
    assert settings["gap"] == 4
    features = SimpleNamespace(vocabulary=SimpleNamespace(facet_columns=()))
    assert suggestions.rules_from(weights, settings, features).gap == 4.0
