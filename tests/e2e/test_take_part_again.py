"""Taking part again in Chromium (issue 21): a mentee of last cycle follows the offer on
their home to the page the invitation links to, says yes to their mentor's "same mentee
again", and takes part in the new cycle with one click; their answers are as they were,
and they go on with their mentor."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorships.models import Continuation, Mentorship
from profiles import cycles
from profiles.models import Cycle, Enrolment, Profile
from tests.e2e.conftest import axe_violations, describe
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, ProgramFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def last_round():
    program = ProgramFactory(name="Alumni Circle")
    before = CycleFactory(
        program=program,
        name="Autumn 2026",
        state=Cycle.State.RUNNING,
        registration_opens=date(2026, 9, 1),
    )
    new = CycleFactory(
        program=program,
        name="Spring 2027",
        state=Cycle.State.REGISTRATION,
        registration_opens=date(2027, 1, 10),
        registration_closes=date(2027, 2, 1),
        starts_on=date(2027, 2, 15),
        ends_on=date(2027, 6, 30),
    )
    mentor = MentorFactory(program=program, display_name="Grace Ho", capacity=2)
    mentee = ProfileFactory(
        program=program, display_name="Tomás Ruiz", goals=["networking"], headline="Nurse"
    )
    for person in (mentor, mentee):
        cycles.enrol(profile=person, cycle=before)
    Mentorship.objects.create(
        program=program,
        cycle=before,
        mentee=mentee,
        mentor=mentor,
        status=Mentorship.Status.ACTIVE,
        started_at=timezone.now(),
    )
    cycles.enrol(profile=mentor, cycle=new, carried_over=True)
    Continuation.objects.create(cycle=new, mentor=mentor, mentee=mentee)
    return mentee, new


def test_a_mentee_takes_part_again_with_one_click(browsing, last_round):
    mentee, new = last_round
    page = browsing.page(mentee.user)
    page.goto(f"/p/{mentee.pk}/")
    offered = page.get_by_role("region", name="Spring 2027 is open")
    offered.get_by_role("link", name="Take part again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Take part again in Spring 2027")
    answers = page.get_by_role("region", name="Your answers")
    expect(answers).to_contain_text("Tomás Ruiz · Nurse")
    expect(answers.get_by_role("link", name="Change Goals")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, f"take part again:\n{describe(violations)}"

    offer = page.get_by_role("region", name="Go on with your mentor?")
    expect(offer).to_contain_text("Grace Ho would like to mentor you again in Spring 2027.")
    offer.get_by_role("button", name="Yes, go on with Grace Ho").click()
    expect(page.get_by_role("status")).to_contain_text("You said yes to Grace Ho.")

    page.get_by_role("button", name="Take part in Spring 2027").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers")
    expect(page.get_by_role("status")).to_contain_text("You take part in Spring 2027")

    mentee = Profile.objects.get(pk=mentee.pk)
    assert mentee.cycle == new
    assert Enrolment.objects.get(profile=mentee, cycle=new).carried_over
    assert list(mentee.goals.values_list("slug", flat=True)) == ["networking"]
    going_on = Mentorship.objects.get(cycle=new, mentee=mentee)
    assert going_on.source == Mentorship.Source.CONTINUED
    assert going_on.status == Mentorship.Status.ACTIVE

    page.goto(f"/p/{mentee.pk}/take-part/{new.pk}/")
    expect(page.get_by_role("region", name="Go on with your mentor?")).to_contain_text(
        "You go on together."
    )
    expect(page.get_by_role("button", name="Take part in Spring 2027")).to_have_count(0)
