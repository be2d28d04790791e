"""The cycles compared (dashboard/cycle_figures.py) on a program built by hand, whose
right answers are worked out below from what was built."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from dashboard import cycle_figures
from mentorships.models import CheckIn, Mentorship
from profiles.models import Enrolment, Profile
from tests.conftest import login
from tests.factories import (
    CycleFactory,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db

SPRING = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AUTUMN = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def enrol(profile, cycle, at):
    Enrolment.objects.create(profile=profile, cycle=cycle, enrolled_at=at)
    profile.cycle = cycle
    profile.save(update_fields=["cycle"])
    return profile


def mentorship(cycle, mentee, mentor, *, started=None, status="active", **more):
    if status in ("completed", "ended"):
        more.setdefault("end_reason", "goals_met")
    return Mentorship.objects.create(
        program=cycle.program,
        cycle=cycle,
        mentee=mentee,
        mentor=mentor,
        status=status,
        started_at=started,
        **more,
    )


@pytest.fixture
def two_cycles():
    """Spring (closed) and Autumn (running) of one program, and a draft after them.

    Spring: six mentees and two mentors enrol on 2 March. Five mentees start a
    mentorship of Spring 2, 4, 6, 10 and 20 days after enrolling; the sixth only
    asked (a request still waiting is no match). Three of the five end completed,
    two ended early. Six check-ins by five people rate 5, 4, 4, 3, 5, 3.

    Autumn: four mentees (one of them a Spring mentee taking part again, who has no
    Autumn mentorship: her Spring one is not Autumn's) and three mentors (two again,
    one new) enrol on 1 September. Two mentees start 1 and 3 days after. Two
    check-ins by two people rate 2 and 5."""
    program = ProgramFactory(name="Bridges", slug="bridges")
    spring = CycleFactory(
        program=program,
        name="Spring 2026",
        state="closed",
        registration_opens=SPRING.date(),
        ends_on=date(2026, 8, 1),
    )
    autumn = CycleFactory(
        program=program, name="Autumn 2026", state="running", registration_opens=AUTUMN.date()
    )
    CycleFactory(program=program, name="Spring 2027", registration_opens=date(2027, 3, 1))
    mentors = [enrol(MentorFactory(program=program), spring, SPRING) for _ in range(2)]
    mentees = [enrol(ProfileFactory(program=program), spring, SPRING) for _ in range(6)]
    kinds = ["completed", "completed", "completed", "ended", "ended"]
    spring_pairs = [
        mentorship(
            spring,
            mentee,
            mentors[i % 2],
            started=SPRING + timedelta(days=wait),
            status=kinds[i],
            ended_at=SPRING + timedelta(days=120),
        )
        for i, (mentee, wait) in enumerate(zip(mentees, [2, 4, 6, 10, 20], strict=False))
    ]
    mentorship(spring, mentees[5], mentors[0], status="requested")
    for pair, rating in zip(spring_pairs, [5, 4, 4, 3, 5], strict=True):
        CheckIn.objects.create(mentorship=pair, author=pair.mentee, rating=rating)
    CheckIn.objects.create(mentorship=spring_pairs[0], author=mentees[0], rating=3)

    again = enrol(mentees[0], autumn, AUTUMN)
    autumn_mentors = [enrol(m, autumn, AUTUMN) for m in mentors] + [
        enrol(MentorFactory(program=program), autumn, AUTUMN)
    ]
    autumn_mentees = [again] + [
        enrol(ProfileFactory(program=program), autumn, AUTUMN) for _ in range(3)
    ]
    first = mentorship(
        autumn, autumn_mentees[1], autumn_mentors[2], started=AUTUMN + timedelta(days=1)
    )
    second = mentorship(
        autumn, autumn_mentees[2], autumn_mentors[0], started=AUTUMN + timedelta(days=3)
    )
    CheckIn.objects.create(mentorship=first, author=first.mentee, rating=2)
    CheckIn.objects.create(mentorship=second, author=second.mentor, rating=5)
    return program, spring, autumn


def test_each_cycle_that_began_is_a_row_oldest_first(two_cycles):
    program, _, _ = two_cycles

    rows = cycle_figures.compared(program)

    assert [r["name"] for r in rows] == ["Spring 2026", "Autumn 2026"]


def test_the_spring_figures_are_worked_out_by_hand(two_cycles):
    program, _, _ = two_cycles

    [row, _] = cycle_figures.compared(program)

    assert row["signups"] == 8 and row["mentees"] == 6 and row["mentors"] == 2
    assert row["matched"] == 5
    assert row["matched_share"] == 83  # 5 of 6
    assert row["median_days_to_match"] == 6.0  # of 2, 4, 6, 10, 20
    assert row["check_ins"] == 6
    assert row["mean_rating"] == 4.0  # 24 / 6, rated by five people
    assert row["started"] == 5
    assert row["completed_share"] == 60  # 3 of 5


def test_the_autumn_figures_resting_on_too_few_are_left_out(two_cycles):
    program, _, _ = two_cycles

    [_, row] = cycle_figures.compared(program)

    assert row["signups"] == 7 and row["mentees"] == 4 and row["mentors"] == 3
    # Two of four matched: the share rests on four mentees, the median on two.
    assert row["matched"] == 2
    assert row["matched_share"] is None
    assert row["median_days_to_match"] is None
    assert row["check_ins"] == 2
    assert row["mean_rating"] is None
    assert row["started"] == 2
    assert row["completed_share"] is None


def test_a_figure_shows_once_five_people_stand_behind_it(two_cycles):
    program, _, autumn = two_cycles
    mentor = MentorFactory(program=program)
    enrol(mentor, autumn, AUTUMN)
    for wait in (5, 7, 9):
        mentee = enrol(ProfileFactory(program=program), autumn, AUTUMN)
        mentorship(autumn, mentee, mentor, started=AUTUMN + timedelta(days=wait))

    [_, row] = cycle_figures.compared(program)

    # Seven mentees, five matched after 1, 3, 5, 7 and 9 days.
    assert row["matched_share"] == 71
    assert row["median_days_to_match"] == 5.0
    assert row["completed_share"] == 0  # five started, none completed yet


def test_a_pair_going_on_from_the_cycle_before_waited_no_days(two_cycles):
    program, spring, autumn = two_cycles
    mentee = Profile.objects.filter(enrolments__cycle=spring, role="mentee").get(
        enrolments__cycle=autumn
    )
    # Went on together: the Autumn mentorship was made as she took part again.
    mentorship(autumn, mentee, MentorFactory(program=program), started=AUTUMN - timedelta(hours=1))
    mentor = MentorFactory(program=program)
    for wait in (10, 11):
        m = enrol(ProfileFactory(program=program), autumn, AUTUMN)
        mentorship(autumn, m, mentor, started=AUTUMN + timedelta(days=wait))

    [_, row] = cycle_figures.compared(program)

    assert row["matched"] == 5
    assert row["median_days_to_match"] == 3.0  # of 0, 1, 3, 10, 11


def test_another_programs_cycles_and_mentorships_are_not_counted(two_cycles):
    program, _, _ = two_cycles
    other = CycleFactory(name="Spring 2026", state="running")
    for _ in range(5):
        mentee = enrol(ProfileFactory(program=other.program), other, SPRING)
        mentorship(other, mentee, MentorFactory(program=other.program), started=SPRING)

    rows = cycle_figures.compared(program)

    assert [r["mentees"] for r in rows] == [6, 4]
    assert [r["matched"] for r in rows] == [5, 2]


def test_the_figures_take_the_same_few_queries_however_many_cycles(
    two_cycles, django_assert_num_queries
):
    program, _, _ = two_cycles
    with django_assert_num_queries(5):
        cycle_figures.compared(program)
    for i in range(3):
        cycle = CycleFactory(program=program, name=f"Extra {i}", state="closed")
        enrol(ProfileFactory(program=program), cycle, SPRING)

    with django_assert_num_queries(5):
        assert len(cycle_figures.compared(program)) == 5


def test_the_page_shows_the_cycles_side_by_side_with_dashes_that_say_why(client, two_cycles):
    program, _, _ = two_cycles
    login(client, coordinator(program))

    response = client.get(reverse("dashboard:cycles_compared", args=[program.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Spring 2026") < page.index("Autumn 2026")
    assert '<td data-label="Mentees matched">83%</td>' in page
    assert '<td data-label="Median days to match">6.0</td>' in page
    assert '<td data-label="Mentorships completed">60%</td>' in page
    assert "no figure: fewer than 5 mentees enrolled" in page
    assert "no figure: fewer than 5 people who rated" in page


def test_a_program_whose_cycles_have_not_begun_says_so(client):
    program = CycleFactory(name="Spring 2027").program
    login(client, program_admin(program))

    response = client.get(reverse("dashboard:cycles_compared", args=[program.slug]))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No cycle of" in response.content.decode()


def test_an_admin_of_another_program_is_told_there_is_no_such_page(client, two_cycles):
    program, _, _ = two_cycles
    login(client, program_admin(ProgramFactory()))

    response = client.get(reverse("dashboard:cycles_compared", args=[program.slug]))

    assert response.status_code == 404
