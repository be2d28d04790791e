"""What the outside check also found on the dashboard's figures (issue 15,
"Also found"): the histogram's best score, declines apart from "no room",
mentors taking no mentees, and flags in a stable order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard import figures
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from tests.factories import MentorFactory, ProfileFactory, tags

pytestmark = pytest.mark.django_db


def test_the_histogram_counts_each_mentees_best_score_not_their_first(program):
    mentee = ProfileFactory(program=program)
    mentors = [MentorFactory(program=program) for _ in range(2)]
    # Spreading the load put a 44 first and a 73 second.
    for rank, (mentor, score) in enumerate(zip(mentors, (43.9, 72.7), strict=True), start=1):
        Suggestion.objects.create(
            program=program, mentee=mentee, mentor=mentor, score=score, rank=rank
        )
    bars = {b["label"]: b["value"] for b in figures.program_health(program)["histogram"]}
    assert bars["70–79"] == 1 and bars["40–49"] == 0


def test_a_mentor_taking_no_mentees_is_not_counted_full(program):
    MentorFactory(program=program, capacity=0, display_name="Ada Quinton")
    health = figures.program_health(program)
    assert health["full_count"] == 0 and health["closed_count"] == 1
    assert [m["name"] for m in health["closed_mentors"]] == ["Ada Quinton"]


def test_flags_are_listed_oldest_first_then_by_id_and_counted(program):
    when = timezone.now() - timedelta(weeks=4)
    made = []
    for _ in range(25):
        m = Mentorship.objects.create(
            program=program,
            mentee=ProfileFactory(program=program),
            mentor=MentorFactory(program=program),
            status="active",
            started_at=when,
            health="no_check_in",
            health_flagged_at=when,  # one clock tick flagged them all
        )
        made.append(m.pk)
    health = figures.program_health(program)
    assert [m["id"] for m in health["flags"]] == sorted(made)[: figures.PAGE]
    assert health["flags_count"] == 25


def test_declines_for_want_of_room_count_apart_from_the_mentors_own(program):
    mentees = [ProfileFactory(program=program) for _ in range(5)]
    for person in mentees:
        person.background.set(tags("heritage", "korean"))
    mentor = MentorFactory(program=program, capacity=3)
    requests = [
        lifecycle.request_mentor(mentee=m, mentor=mentor, message="Hi") for m in mentees[:4]
    ]
    lifecycle.decline(mentorship=requests[0], reason="timing")  # the mentor's choice
    lifecycle.set_availability(mentor=mentor, capacity=3, paused=True)
    lifecycle.answer_waiting_requests(mentor_id=mentor.pk)  # "no room": three of them
    (korean,) = [g for g in figures.fairness(program)["groups"] if g["name"] == "Korean"]
    assert korean["decline_rate"] == 100  # 1 of the 1 the mentor answered themselves
    assert korean["no_room_rate"] == 75  # 3 of the 4 requests answered at all


def test_the_flag_list_links_to_every_flagged_mentorship(program, client):
    from django.urls import reverse

    from tests.conftest import login
    from tests.factories import program_admin

    when = timezone.now() - timedelta(weeks=4)
    for _ in range(figures.PAGE + 2):
        Mentorship.objects.create(
            program=program,
            mentee=ProfileFactory(program=program),
            mentor=MentorFactory(program=program),
            status="active",
            started_at=when,
            health="low_rating",
            health_flagged_at=when,
        )
    login(client, program_admin(program))
    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert f"The 20 flagged longest ago of {figures.PAGE + 2}." in page
    link = f"{reverse('dashboard:mentorships', args=[program.slug])}?health=flagged"
    assert f'<a href="{link}">See all {figures.PAGE + 2} flagged mentorships' in page
    listed = client.get(link)
    assert listed.status_code == 200
    assert f"{figures.PAGE + 2} mentorships" in listed.content.decode()
