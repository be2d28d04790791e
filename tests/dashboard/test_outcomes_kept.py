"""The outcome report is worked out once per change of what it rests on: a second
view reads it kept, and anything that can move a figure — an answer, a check-in, a
sponsorship confirmed or taken back, a mentee's answers, an account deleted — makes
the next view work it out again."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard import outcomes
from mentorships.models import CheckIn
from mentorships.outcome_models import SponsorshipAction
from privacy import services
from tests.dashboard.test_outcomes import close_out, mentored, two_cycles
from tests.dashboard.test_outcomes_page import text
from tests.factories import tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_answered(program):
    spring, _ = two_cycles(program)
    ms = mentored(program, 6, cycle=spring)
    for i, m in enumerate(ms[:4]):
        close_out(m, rating=4, at=i)
    return spring, ms


def page(client, program, cycle) -> str:
    return text(client.get(reverse("dashboard:outcomes", args=[program.slug]), {"cycle": cycle.pk}))


def test_a_second_view_reads_the_report_kept(staff_client, program, four_answered):
    spring, _ = four_answered
    first = page(staff_client, program, spring)
    with CaptureQueriesContext(connection) as fresh:
        outcomes.report(program, spring, groups=False)
    with CaptureQueriesContext(connection) as kept:
        again = page(staff_client, program, spring)
    assert again == first
    # The figures' own statement is not run again.
    worked_out = {q["sql"] for q in fresh.captured_queries}
    assert not worked_out & {q["sql"] for q in kept.captured_queries}


def test_the_fifth_answer_shows_in_the_next_view(staff_client, program, four_answered):
    spring, ms = four_answered
    assert "Close-out, mentees (1–5): not enough answers yet" in page(staff_client, program, spring)
    close_out(ms[4], rating=2, at=4)
    assert "3.6 (" in page(staff_client, program, spring)


def test_what_can_move_a_figure_moves_the_fingerprint(program, four_answered):
    spring, ms = four_answered
    seen = {outcomes.fingerprint(program, spring)}

    def moved() -> bool:
        now = outcomes.fingerprint(program, spring)
        fresh = now not in seen
        seen.add(now)
        return fresh

    CheckIn.objects.create(mentorship=ms[0], author=ms[0].mentee, rating=5)
    assert moved()
    action = SponsorshipAction.objects.create(
        mentorship=ms[1], kind="introduced", happened_on=timezone.localdate()
    )
    assert moved()
    unconfirmed = outcomes.fingerprint(program, spring)
    SponsorshipAction.objects.filter(pk=action.pk).update(confirmed_at=timezone.now())
    assert moved()
    # Taken back: the data are as they were before it was confirmed, and so is the report.
    SponsorshipAction.objects.filter(pk=action.pk).update(confirmed_at=None)
    assert outcomes.fingerprint(program, spring) == unconfirmed
    mentee = ms[2].mentee
    mentee.background.set(tags("heritage", "korean"))
    mentee.updated_at = timezone.now() + timedelta(seconds=1)
    mentee.save()
    assert moved()
    services.delete_account(user=ms[3].mentee.user)
    assert moved()
    assert not moved()
