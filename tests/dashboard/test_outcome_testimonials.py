"""The outcome report lists the testimonials shared with the program, and only those."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorships import close_outs
from mentorships.models import CloseOut, Mentorship
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, ProgramFactory, coordinator

pytestmark = pytest.mark.django_db


def closed_pair(program, mentee_name: str, mentor_name: str) -> Mentorship:
    now = timezone.now()
    return Mentorship.objects.create(
        program=program,
        mentee=ProfileFactory(program=program, display_name=mentee_name),
        mentor=MentorFactory(program=program, display_name=mentor_name),
        status=Mentorship.Status.COMPLETED,
        started_at=now - timedelta(days=120),
        ended_at=now - timedelta(days=2),
        end_reason=Mentorship.EndReason.GOALS_MET,
    )


def answered(m: Mentorship, side: str, *, text: str, shared: bool, rating: int = 5) -> CloseOut:
    return CloseOut.objects.create(
        mentorship=m,
        respondent=m.mentee if side == "mentee" else m.mentor,
        side=side,
        answered_at=timezone.now(),
        rating=rating,
        testimonial=text,
        testimonial_shared=shared,
    )


@pytest.fixture
def testimonials(program):
    m = closed_pair(program, "Ji-woo Park", "Grace Lee")
    shared = answered(m, "mentee", text="Grace opened doors I did not know existed.", shared=True)
    answered(m, "mentor", text="Kept to myself, not for the program.", shared=False, rating=2)
    return m, shared


def test_a_shared_testimonial_is_listed_with_the_first_name_and_side_only(program, testimonials):
    [t] = close_outs.shared_testimonials(program_id=program.pk)
    assert (t.first_name, t.side, t.text) == (
        "Ji-woo",
        "mentee",
        "Grace opened doors I did not know existed.",
    )


def test_a_testimonial_not_shared_or_taken_back_is_not_listed(program, testimonials):
    m, shared = testimonials
    close_outs.share_testimonial(close_out=shared, by=m.mentee, shared=False)
    assert close_outs.shared_testimonials(program_id=program.pk) == []


def test_another_programs_testimonials_are_not_listed(program, testimonials):
    assert close_outs.shared_testimonials(program_id=ProgramFactory().pk) == []


def test_the_report_shows_the_quote_and_never_the_other_answers(client, program, testimonials):
    login(client, coordinator(program))
    page = client.get(reverse("dashboard:outcomes", args=[program.slug])).content.decode()
    assert "Grace opened doors I did not know existed." in page
    assert "— Ji-woo, mentee" in page
    assert "Park" not in page
    assert "Kept to myself" not in page
