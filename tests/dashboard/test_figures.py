"""Every dashboard figure against a hand-built program whose answers are known."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard import figures
from matching.models import Suggestion
from mentorships.models import Mentorship
from profiles.models import Cycle, Profile
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, tags

pytestmark = pytest.mark.django_db


def created(profile, days_ago: float):
    Profile.objects.filter(pk=profile.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    profile.refresh_from_db()
    return profile


@pytest.fixture
def known(program):
    now = timezone.now()
    full = MentorFactory(program=program, capacity=2, goals=["networking"])
    waiting_on = MentorFactory(program=program, capacity=1, goals=["leadership"])
    idle = MentorFactory(program=program, capacity=3, goals=["leadership"])
    MentorFactory(program=program, steps_done=["about"])  # not ready
    mentees = [
        created(ProfileFactory(program=program, goals=["networking"]), 30 - i) for i in range(6)
    ]
    ProfileFactory(program=program, steps_done=["about"])  # not ready
    active = Mentorship.objects.create(
        program=program,
        mentee=mentees[0],
        mentor=full,
        status="active",
        started_at=mentees[0].created_at + timedelta(days=4),
        score=80,
        health="low_rating",
        health_flagged_at=now,
    )
    Mentorship.objects.create(
        program=program,
        mentee=mentees[1],
        mentor=full,
        status="accepted",
        started_at=mentees[1].created_at + timedelta(days=2),
        score=70,
    )
    Mentorship.objects.create(
        program=program, mentee=mentees[2], mentor=waiting_on, requested_at=now - timedelta(days=8)
    )
    Mentorship.objects.create(
        program=program,
        mentee=mentees[3],
        mentor=waiting_on,
        status="declined",
        decline_reason="timing",
        decided_at=now - timedelta(days=1),
    )
    for mentee, score in zip(mentees[2:5], [45, 55, 57], strict=True):
        Suggestion.objects.create(program=program, mentee=mentee, mentor=idle, score=score, rank=1)
    return {
        "full": full,
        "waiting_on": waiting_on,
        "idle": idle,
        "mentees": mentees,
        "active": active,
    }


def test_counts_and_matched_share(known, program):
    health = figures.program_health(program)
    assert (health["mentors"], health["mentees"], health["unfinished"]) == (3, 6, 2)
    assert health["matched"] == 2
    assert health["matched_share"] == 33


def test_median_days_to_match(known, program):
    assert figures.program_health(program)["median_days_to_match"] == 3.0


def test_waiting_mentees_oldest_first(known, program):
    waiting = figures.program_health(program)["waiting"]
    mentees = known["mentees"]
    # mentees[3] was declined a day ago: waiting since then, so last.
    assert [p["id"] for p in waiting] == [mentees[i].pk for i in (2, 4, 5, 3)]
    assert waiting[0]["open_requests"] == 1


def test_full_and_idle_mentors(known, program):
    health = figures.program_health(program)
    assert health["full_mentors"] == [figures.person(known["full"])] and health["full_count"] == 1
    assert health["idle_mentors"] == [figures.person(known["idle"])] and health["idle_count"] == 1


def test_requests_pending_over_seven_days(known, program):
    health = figures.program_health(program)
    assert health["stalled_count"] == 1
    assert health["stalled"][0]["mentee"]["id"] == known["mentees"][2].pk


def test_score_histogram(known, program):
    bars = {bar["label"]: bar["value"] for bar in figures.program_health(program)["histogram"]}
    assert bars["40–49"] == 1 and bars["50–59"] == 2
    assert sum(bars.values()) == 3


def test_unmet_goals(known, program):
    # waiting mentees want networking; only the full mentor offers it
    assert figures.program_health(program)["unmet_goals"] == [["Networking", 4]]


def test_match_health_flags(known, program):
    assert [m["id"] for m in figures.program_health(program)["flags"]] == [known["active"].pk]


def test_load_spread(known, program):
    # three ready mentors: the busiest one (ceil 10%) holds both mentorships
    assert figures.program_health(program)["busiest_share"] == 100


def test_an_empty_program_has_no_figures_to_divide(program):
    health = figures.program_health(program)
    assert health["matched_share"] is None and health["median_days_to_match"] is None
    assert health["busiest_share"] is None and health["waiting"] == []


# --- fairness ------------------------------------------------------------------------


@pytest.fixture
def groups(program):
    mentor = MentorFactory(program=program)
    korean = [ProfileFactory(program=program) for _ in range(5)]
    filipino = [ProfileFactory(program=program) for _ in range(4)]
    for p in korean:
        p.background.set(tags("heritage", "korean"))
    for p in filipino:
        p.background.set(tags("heritage", "filipino"))
    Mentorship.objects.create(
        program=program,
        mentee=korean[0],
        mentor=mentor,
        status="active",
        score=60,
        started_at=korean[0].created_at + timedelta(days=5),
    )
    for mentee in korean[1:3]:
        Mentorship.objects.create(
            program=program, mentee=mentee, mentor=mentor, status="declined", decline_reason="other"
        )
    return korean, filipino


def test_fairness_figures_per_group(groups, program):
    report = figures.fairness(program)
    (korean,) = [g for g in report["groups"] if g["name"] == "Korean"]
    assert korean["people"] == 5
    assert korean["matched_share"] == 20
    assert korean["median_days"] == 5.0
    assert korean["decline_rate"] == 67  # two declined of three answered
    assert korean["mean_score"] == 60.0


def test_a_returning_mentees_mentorships_of_a_closed_cycle_are_not_counted(groups, program):
    """Fairness is about the cycles taking part: a mentee back for this round with a
    declined request and a scored mentorship in a closed round keeps those in the
    cycles compared, not here."""
    korean, _ = groups
    past = CycleFactory(program=program, name="Summer 2026", state=Cycle.State.CLOSED)
    mentor = MentorFactory(program=program)
    Mentorship.objects.create(
        program=program,
        cycle=past,
        mentee=korean[4],
        mentor=mentor,
        status="declined",
        decline_reason="other",
    )
    Mentorship.objects.create(
        program=program,
        cycle=past,
        mentee=korean[3],
        mentor=mentor,
        status="completed",
        end_reason="goals_met",
        score=10,
        started_at=korean[3].created_at + timedelta(days=1),
    )
    report = figures.fairness(program)
    (korean_row,) = [g for g in report["groups"] if g["name"] == "Korean"]
    assert korean_row["decline_rate"] == 67
    assert korean_row["mean_score"] == 60.0
    assert korean_row["median_days"] == 5.0
    assert report["everyone"]["decline_rate"] == 67


def test_groups_under_five_people_are_hidden(groups, program):
    report = figures.fairness(program)
    assert "Filipino" not in [g["name"] for g in report["groups"]]
    assert report["hidden"] >= 1


def test_the_undisclosed_group_appears_only_from_five(program, groups):
    assert "Chose not to disclose" not in [g["name"] for g in figures.fairness(program)["groups"]]
    for _ in range(5):
        ProfileFactory(program=program)
    assert "Chose not to disclose" in [g["name"] for g in figures.fairness(program)["groups"]]
