"""A person in several programs: one home per program and role, a switcher
between them, and nothing of one program on another's home."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from matching import suggestions
from matching.models import Suggestion
from matching.programs import round_in_words
from mentorships.models import Mentorship, Message
from profiles import cycles
from profiles.models import Cycle
from tests.conftest import login
from tests.factories import (
    CycleFactory,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2027, 4, 10)
GOALS = ["networking", "leadership"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2027, 4, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def two_homes():
    """One person, a mentee in two programs: in A a suggested mentor and a request
    waiting on another; in B a mentor under way who wrote, and a suggested one."""
    heritage = ProgramFactory(name="Asian Heritage ERG", slug="heritage")
    first_gen = ProgramFactory(name="First-Gen Network", slug="first-gen")
    spring = CycleFactory(
        program=heritage,
        name="Spring 2027",
        registration_opens=date(2027, 1, 4),
        registration_closes=date(2027, 1, 31),
        matching_on=date(2027, 2, 7),
        starts_on=date(2027, 2, 14),
        ends_on=date(2027, 6, 30),
        state=Cycle.State.RUNNING,
    )
    autumn = CycleFactory(
        program=first_gen,
        name="Autumn 2027",
        registration_opens=date(2027, 4, 1),
        registration_closes=date(2027, 4, 20),
        matching_on=date(2027, 4, 27),
        starts_on=date(2027, 5, 3),
        ends_on=date(2027, 10, 29),
        state=Cycle.State.REGISTRATION,
    )
    person = UserFactory(email="ji-woo@example.org")
    a = ProfileFactory(user=person, program=heritage, display_name="Ji-woo", goals=GOALS)
    b = ProfileFactory(user=person, program=first_gen, display_name="Ji-woo", goals=GOALS)
    people = {
        "a_suggested": MentorFactory(program=heritage, display_name="Alma Suggested", goals=GOALS),
        "a_asked": MentorFactory(program=heritage, display_name="Arthur Asked", goals=GOALS),
        "b_suggested": MentorFactory(program=first_gen, display_name="Bea Suggested", goals=GOALS),
        "b_mentor": MentorFactory(program=first_gen, display_name="Boris Mentor", goals=GOALS),
    }
    for profile, cycle in [(a, spring), (b, autumn)]:
        for p in [profile, *(m for m in people.values() if m.program_id == cycle.program_id)]:
            cycles.enrol(profile=p, cycle=cycle)
    for mentee in (a, b):
        suggestions.refresh_profile(profile_id=mentee.pk)
    suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=a, mentor=people["a_asked"]), message="Hello A"
    )
    under_way = Mentorship.objects.create(
        program=first_gen,
        cycle=autumn,
        mentee=b,
        mentor=people["b_mentor"],
        status=Mentorship.Status.ACTIVE,
        started_at=timezone.now() - timedelta(days=3),
    )
    Message.objects.create(mentorship=under_way, author=people["b_mentor"], body="Welcome!")
    return person, a, b, people


def home(client, profile):
    login(client, profile.user)
    response = client.get(reverse("matching:profile_home", args=[profile.pk]))
    assert response.status_code == 200
    return response


def main(response) -> str:
    """The home's own content: without the site header (whose unread count is the
    person's, over all their programs) or the switcher (each program's standing)."""
    content = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    return re.sub(r'<nav class="program-switcher".*?</nav>', "", content, flags=re.S)


def switcher_links(page: str) -> dict[str, str]:
    """Each link of the switcher (by its address) and its text, spaces folded."""
    nav = re.search(r'<nav class="program-switcher".*?</nav>', page, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)"([^>]*)>(.*?)</a>', nav, re.S)
    return {
        href: " ".join(re.sub(r"<[^>]+>", " ", text).split())
        + (" [current]" if "aria-current" in attrs else "")
        for href, attrs, text in links
    }


def test_a_programs_home_shows_its_own_suggestions_requests_and_figures_only(client, two_homes):
    _, a, b, people = two_homes
    assert Suggestion.objects.filter(mentee=a, mentor=people["a_suggested"]).exists()
    assert Suggestion.objects.filter(mentee=b, mentor=people["b_suggested"]).exists()

    a_page = home(client, a)
    shown = main(a_page)
    assert "Alma Suggested" in shown and "Arthur Asked" in shown
    assert [s.mentor for s in a_page.context["suggestions"]] == [people["a_suggested"]]
    assert [m.mentor for m in a_page.context["waiting"]] == [people["a_asked"]]
    assert a_page.context["current"] is None and "unread" not in shown
    assert "Bea Suggested" not in shown and "Boris Mentor" not in shown and "Welcome!" not in shown

    b_page = home(client, b)
    shown = main(b_page)
    assert b_page.context["current"].mentor == people["b_mentor"]
    assert b_page.context["current"].unread == 1 and "1 unread" in shown
    assert b_page.context["waiting"] == []
    listed = b_page.context["suggestions"]
    assert listed and {s.mentor.program_id for s in listed} == {b.program_id}
    assert "Alma Suggested" not in shown and "Arthur Asked" not in shown
    assert "Hello A" not in shown


def test_the_switcher_names_each_program_with_its_standing_and_round(client, two_homes):
    _, a, b, _ = two_homes
    links = switcher_links(home(client, a).content.decode())
    a_url = reverse("matching:profile_home", args=[a.pk])
    b_url = reverse("matching:profile_home", args=[b.pk])
    assert links == {
        a_url: "Asian Heritage ERG · mentee Waiting: 1 request sent "
        "Spring 2027 · running until 30 June · registration closed You are here [current]",
        b_url: "First-Gen Network · mentee Matched Autumn 2027 · registration open until 20 April",
    }
    # From B's home, the same two, B marked as the one shown.
    links = switcher_links(home(client, b).content.decode())
    assert links[b_url].endswith("You are here [current]")
    assert not links[a_url].endswith("[current]")


def test_the_switcher_is_a_labelled_navigation_of_links(client, two_homes):
    _, a, _, _ = two_homes
    page = home(client, a).content.decode()
    assert '<nav class="program-switcher" aria-labelledby="programs-label">' in page
    assert '<p class="eyebrow" id="programs-label">Your programs</p>' in page
    assert "<title>Your mentors · Asian Heritage ERG" in page


def test_one_program_one_role_shows_no_switcher(client, program):
    only = ProfileFactory(program=program)
    response = home(client, only)
    assert response.context["programs"] == []
    assert b"program-switcher" not in response.content


def test_the_home_page_lists_each_program_to_choose_from(client, two_homes):
    person, a, b, _ = two_homes
    login(client, person)
    response = client.get(reverse("matching:home"))
    page = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert [p.profile for p in response.context["programs"]] == [a, b]
    assert (
        "Asian Heritage ERG — mentee Waiting: 1 request sent "
        "Spring 2027 · running until 30 June · registration closed"
    ) in page
    assert (
        "First-Gen Network — mentee Matched Autumn 2027 · registration open until 20 April"
    ) in page


def test_actions_from_one_programs_home_cannot_reach_anothers(client, two_homes):
    _, a, b, people = two_homes
    login(client, a.user)
    b_suggestion = Suggestion.objects.get(mentee=b, mentor=people["b_suggested"])
    b_mentorship = Mentorship.objects.get(mentee=b)
    assert (
        client.post(
            reverse("matching:dismiss", args=[a.pk, b_suggestion.pk]), {"reason": "other"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("matching:withdraw", args=[a.pk, b_mentorship.pk])).status_code == 404
    )
    browse = client.get(reverse("matching:browse", args=[a.pk])).content.decode()
    assert "Alma Suggested" in browse and "Bea Suggested" not in browse
    assert (
        client.post(
            reverse("matching:request_from_browse", args=[a.pk, people["b_suggested"].pk]),
            {"message": "Hi"},
        ).status_code
        == 404
    )
    assert Mentorship.objects.filter(mentee=a).count() == 1


def test_a_mentor_and_a_mentee_of_different_programs_each_see_their_standing(client):
    person = UserFactory()
    one, two = ProgramFactory(name="One"), ProgramFactory(name="Two")
    mentor = MentorFactory(user=person, program=one)
    mentee = ProfileFactory(user=person, program=two, steps_done=["about"])
    for _ in range(2):
        Mentorship.objects.create(program=one, mentee=ProfileFactory(program=one), mentor=mentor)
    links = switcher_links(home(client, mentor).content.decode())
    assert links[reverse("matching:profile_home", args=[mentor.pk])].startswith(
        "One · mentor 2 requests waiting for you Registration open"
    )
    assert links[reverse("matching:profile_home", args=[mentee.pk])] == (
        "Two · mentee Questionnaire unfinished Registration open"
    )


@pytest.mark.parametrize(
    ("cycle", "signup_open", "words"),
    [
        (None, True, "Registration open"),
        (None, False, "Registration closed"),
        (
            {
                "name": "Spring 2027",
                "state": "registration",
                "registration_closes": date(2027, 4, 30),
            },
            True,
            "Spring 2027 · registration open until 30 April",
        ),
        ({"name": "Ongoing", "state": "registration"}, True, "Ongoing · registration open"),
        (
            {"name": "Spring 2027", "state": "registration"},
            False,
            "Spring 2027 · registration closed",
        ),
        (
            {"name": "Spring 2027", "state": "matching", "matching_on": date(2027, 4, 12)},
            True,
            "Spring 2027 · matching on 12 April · registration closed",
        ),
        (
            {"name": "Spring 2027", "state": "matching", "matching_on": date(2027, 4, 9)},
            True,
            "Spring 2027 · matching under way · registration closed",
        ),
        (
            {"name": "Winter 2026–27", "state": "running", "ends_on": date(2028, 1, 15)},
            True,
            "Winter 2026–27 · running until 15 January 2028 · registration closed",
        ),
        ({"name": "Old", "state": "closed"}, True, "No round running now · registration closed"),
    ],
)
def test_a_programs_round_in_words(cycle, signup_open, words):
    program = ProgramFactory(signup_open=signup_open)
    if cycle:
        CycleFactory(program=program, **cycle)
    assert round_in_words(program, TODAY) == words


def test_a_closed_program_says_when_its_next_round_opens():
    program = ProgramFactory()
    CycleFactory(program=program, name="Spring 2027", state="closed")
    CycleFactory(
        program=program, name="Autumn 2027", state="draft", registration_opens=date(2027, 9, 1)
    )
    assert round_in_words(program, TODAY) == (
        "No round running now · registration closed until 1 September (Autumn 2027)"
    )
