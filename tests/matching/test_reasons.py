"""Reasons in plain words, never naming what the other person keeps private."""

import numpy as np
import pytest

from matching import scoring, sentences
from matching.reasons import Explainer, Labels, is_concern, split
from tests.matching.people import Person, Program, build


def parts(mentee: Person, mentor: Person, viewer="mentee", reveal=False) -> tuple[list, dict]:
    """The pair's reasons as stored (language-neutral parts), and the names of
    the tags they name (tag id → name)."""
    people = [mentee, mentor]
    mentees, mentors, _ = build([mentee], [mentor], Program())
    goals = sorted({g for p in people for g in p.goals})
    values = sorted({v for p in people for v in p.values})
    tags = sorted({t for p in people for t in p.matching_set()})
    cities = sorted({p.city for p in people if p.city})
    industries = sorted({p.industry for p in people if p.industry})
    names: dict[int, str] = {}

    def ids(words: list[str]) -> list[int]:
        for word in words:
            names[len(names) + 1] = word
        return list(range(len(names) - len(words) + 1, len(names) + 1))

    labels = Labels(
        goals=ids([g.title() for g in goals]),
        values=ids([v.title() for v in values]),
        background=ids([t[1].title() for t in tags]),
        background_facets=[t[0] for t in tags],
        industries=ids([i.title() for i in industries]),
        cities=cities,
    )
    components = scoring.pair_components(mentees, [0], mentors, [0])[0]
    said = Explainer(mentees, mentors, labels).explain(
        0, 0, components, viewer=viewer, reveal_background=reveal
    )
    return said, names


def reasons(mentee: Person, mentor: Person, viewer="mentee", reveal=False) -> list[str]:
    """The pair's reasons as a reader sees them: sentences, in English."""
    said, names = parts(mentee, mentor, viewer, reveal)
    return sentences.words(said, names=names)


def test_goal_coverage_is_counted_and_named():
    mentee = Person(1, goals={"networking", "leadership", "resilience", "belonging"})
    mentor = Person(2, goals={"networking", "leadership", "resilience"})
    assert "Can help with 3 of your 4 goals: leadership, networking, resilience" in reasons(
        mentee, mentor
    )


def test_the_mentor_reads_it_from_their_side():
    mentee = Person(1, goals={"networking", "leadership"})
    mentor = Person(2, goals={"networking"})
    assert "You can help with 1 of their 2 goals: networking" in reasons(
        mentee, mentor, viewer="mentor"
    )


def test_no_shared_goal_says_so():
    assert "None of your goals is on their list" in reasons(
        Person(1, goals={"a"}), Person(2, goals={"b"})
    )


def test_shared_values_are_named():
    mentee = Person(1, values={"community", "family", "service"})
    mentor = Person(2, values={"community", "family"})
    assert "Shared values: community, family" in reasons(mentee, mentor)


def test_shared_languages_are_named():
    mentee = Person(1, languages={"english", "korean"})
    mentor = Person(2, languages={"english", "korean"})
    assert "Both speak English and Korean" in reasons(mentee, mentor)


def test_private_background_is_never_named():
    mentee = Person(1, background={("heritage", "korean"), ("generation", "second")})
    mentor = Person(2, background={("heritage", "korean"), ("generation", "second")})
    said = reasons(mentee, mentor, reveal=False)
    assert not any("Korean" in r or "Second" in r for r in said)


def test_a_private_background_is_not_even_hinted_at():
    mentee = Person(1, background={("heritage", "korean"), ("lgbtq", "lgbtq")})
    mentor = Person(2, background={("heritage", "korean")})
    assert not any("background" in r.lower() for r in reasons(mentee, mentor, reveal=False))


def test_background_is_named_when_its_owner_allows():
    mentee = Person(1, background={("heritage", "korean")})
    mentor = Person(2, background={("heritage", "korean")})
    assert "Shared background: Korean" in reasons(mentee, mentor, reveal=True)


def test_experience_reasons():
    said = reasons(Person(1, stage=1, industry="tech"), Person(2, stage=3, industry="tech"))
    assert "Further along in their career (senior)" in said
    assert "Both work in tech" in said


def test_logistics_reasons():
    assert "Same timezone" in reasons(Person(1, utc_offset=-5), Person(2, utc_offset=-5))
    assert "Within 3 hours of each other" in reasons(
        Person(1, utc_offset=-5), Person(2, utc_offset=-8)
    )
    assert "Timezones 9 hours apart" in reasons(Person(1, utc_offset=0), Person(2, utc_offset=9))
    online = reasons(Person(1, meeting="online"), Person(2, meeting="in_person"))
    assert "Meeting formats do not line up (online only and in person only)" in online
    same_city = reasons(
        Person(1, meeting="in_person", city="Oslo"), Person(2, meeting="either", city="Oslo")
    )
    assert "Can meet in person in Oslo" in same_city


def test_explainer_handles_empty_vocabularies():
    labels = Labels([], [], [], [], [], [])
    mentees, mentors, _ = build(
        [Person(1, languages=set(), stage=None)], [Person(2, languages=set())], Program()
    )
    components = np.full(5, np.nan)
    components[scoring.LOGISTICS] = 1.0
    said = Explainer(mentees, mentors, labels).explain(0, 0, components)
    assert sentences.words(said, names={}) == ["Same timezone"]


# --- reasons for and against a pair (issue 18) -------------------------------------------------

AGAINST = [
    (Person(1, goals={"a"}), Person(2, goals={"b"}), "None of your goals is on their list"),
    (Person(1, utc_offset=0), Person(2, utc_offset=9), "Timezones 9 hours apart"),
    (
        Person(1, meeting="online"),
        Person(2, meeting="in_person"),
        "Meeting formats do not line up (online only and in person only)",
    ),
    (
        Person(1, meeting="in_person", city="Oslo"),
        Person(2, meeting="either", city="Bergen"),
        "Cannot meet in person: different cities",
    ),
    (Person(1, utc_offset=None), Person(2), "Timezone unknown"),
]


@pytest.mark.parametrize(("mentee", "mentor", "phrase"), AGAINST)
def test_each_reason_against_a_pair_is_known_as_one(mentee, mentor, phrase):
    said, names = parts(mentee, mentor)
    _for, against = sentences.split(said, names=names)
    assert phrase in against and phrase not in _for


def test_the_mentor_reads_a_missing_goal_as_one_against_too():
    said, names = parts(Person(1, goals={"a"}), Person(2, goals={"b"}), viewer="mentor")
    assert sentences.split(said, names=names)[1] == ["None of their goals is on your list"]


def test_reasons_for_a_pair_stay_with_the_reasons_for():
    mentee = Person(1, goals={"networking"}, values={"family"}, stage=1, industry="tech")
    mentor = Person(2, goals={"networking"}, values={"family"}, stage=3, industry="tech")
    near = Person(3, utc_offset=-3)
    said = parts(mentee, mentor)[0] + parts(Person(4), near)[0]
    assert split(said) == (said, [])
    assert not any(is_concern(r) for r in said)


@pytest.mark.parametrize(("mentee", "mentor", "phrase"), AGAINST)
def test_an_english_reason_stored_before_parts_is_still_told_apart(mentee, mentor, phrase):
    # Rows scored before reasons were stored as parts keep English sentences
    # until their next re-score: they read as they are, concerns apart.
    old = ["Shared values: family", phrase]
    assert sentences.split(old, names={}) == (["Shared values: family"], [phrase])
