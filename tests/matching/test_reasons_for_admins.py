"""Reasons as an admin reads them: about the pair ("the mentee's goals"), not
spoken to either of the two; background only when the admin may read it."""

from matching.reasons import is_concern
from tests.matching.people import Person
from tests.matching.test_reasons import reasons


def admin(mentee: Person, mentor: Person, reveal=False) -> list[str]:
    return reasons(mentee, mentor, viewer="admin", reveal=reveal)


def test_goals_are_counted_against_the_mentees():
    mentee = Person(1, goals={"networking", "leadership", "resilience", "belonging"})
    mentor = Person(2, goals={"networking", "leadership", "resilience", "belonging"})
    assert (
        "Can help with 4 of the mentee's 4 goals: belonging, leadership, networking, resilience"
        in admin(mentee, mentor)
    )


def test_no_shared_goal_is_a_concern_about_the_pair():
    said = admin(Person(1, goals={"a"}), Person(2, goals={"b"}))
    assert "None of the mentee's goals is on the mentor's list" in said
    assert is_concern("None of the mentee's goals is on the mentor's list")


def test_career_stages_name_both_sides():
    said = admin(Person(1, stage=1, industry="tech"), Person(2, stage=3, industry="tech"))
    assert "The mentor is further along (senior mentor, early-career mentee)" in said
    assert "Both work in tech" in said
    assert "Both at the same career stage (mid-career)" in admin(
        Person(1, stage=2), Person(2, stage=2)
    )


def test_nothing_speaks_to_the_reader():
    mentee = Person(1, goals={"a", "b"}, values={"c"}, stage=0, languages={"english", "korean"})
    mentor = Person(2, goals={"a"}, values={"c"}, stage=4, languages={"english", "korean"})
    said = " ".join(admin(mentee, mentor))
    for word in ("your", "You ", "you ", "their career", " as you"):
        assert word not in said, word
    assert "Both speak English and Korean" in said


def test_background_only_for_an_admin_allowed_to_read_it():
    mentee = Person(1, background={("heritage", "filipino")}, languages={"english", "tagalog"})
    mentor = Person(2, background={("heritage", "filipino")}, languages={"english", "tagalog"})
    hidden = admin(mentee, mentor, reveal=False)
    assert "Both speak English and Tagalog" in hidden
    assert not any("Filipino" in r or "background" in r.lower() for r in hidden)
    assert "Shared background: Filipino" in admin(mentee, mentor, reveal=True)


def test_the_mentee_and_mentor_wording_is_unchanged():
    mentee = Person(1, goals={"networking", "leadership"})
    mentor = Person(2, goals={"networking"})
    assert "Can help with 1 of your 2 goals: networking" in reasons(mentee, mentor)
    assert "You can help with 1 of their 2 goals: networking" in reasons(
        mentee, mentor, viewer="mentor"
    )
