"""The admins' weekly digest (issue 16): flags and silent mentors, every
Monday from 08:00 UTC, once per admin per week, unless they turned it off.
Driven by a moving clock (time-machine), each hour run twice."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from dashboard import tasks
from dashboard.models import DigestChoice
from mentorships.models import Mentorship
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, UserFactory, coordinator, program_admin

pytestmark = pytest.mark.django_db

Status = Mentorship.Status
SUNDAY_NIGHT = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # a Monday: week 50 begins
MONDAY_8AM = MIDNIGHT + timedelta(hours=8)


@pytest.fixture
def admins(program):
    return {
        "keen": program_admin(program),
        "opted_out": coordinator(program),
        "left": program_admin(program, is_active=False),
        "participant": UserFactory(),
        "staff": UserFactory(is_staff=True),
    }


@pytest.fixture
def opted_out(admins):
    DigestChoice.objects.create(user=admins["opted_out"], weekly=False)


def request(program, mentee, mentor, status, when, **fields) -> Mentorship:
    return Mentorship.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        status=status,
        requested_at=when - timedelta(days=14),
        decided_at=when,
        **fields,
    )


@pytest.fixture
def news(program):
    """A mentorship flagged for a low rating; a mentor who let three requests
    expire this month and answered none; one who let two expire but accepted one."""
    silent = MentorFactory(program=program, display_name="Sam Silent")
    busy = MentorFactory(program=program, display_name="Bea Busy")
    mentees = [ProfileFactory(program=program) for _ in range(6)]
    for mentee in mentees[:3]:
        request(program, mentee, silent, Status.EXPIRED, SUNDAY_NIGHT - timedelta(days=5))
    for mentee in mentees[3:5]:
        request(program, mentee, busy, Status.EXPIRED, SUNDAY_NIGHT - timedelta(days=5))
    flagged = request(
        program,
        mentees[5],
        busy,
        Status.ACTIVE,
        SUNDAY_NIGHT - timedelta(days=20),
        started_at=SUNDAY_NIGHT - timedelta(days=20),
        health=Mentorship.Health.LOW_RATING,
        health_flagged_at=SUNDAY_NIGHT - timedelta(days=2),
    )
    return {"silent": silent, "busy": busy, "flagged": flagged}


def hourly(start: datetime, hours: int, django_capture_on_commit_callbacks):
    """Move the clock an hour at a time, running the beat task twice each
    hour; yield each hour and the digests that hour sent."""
    with time_machine.travel(start, tick=False) as clock:
        for hour in range(hours):
            now = start + timedelta(hours=hour)
            clock.move_to(now)
            before = len(mail.outbox)
            for _ in range(2):
                with django_capture_on_commit_callbacks(execute=True):
                    tasks.queue_weekly_digests()
            yield now, mail.outbox[before:]


def test_one_digest_a_week_from_monday_eight_to_each_admin_who_wants_it(
    admins, opted_out, news, django_capture_on_commit_callbacks
):
    sent = [
        (now, email.to)
        for now, emails in hourly(MIDNIGHT, 8 * 24 + 12, django_capture_on_commit_callbacks)
        for email in emails
    ]
    keen = [admins["keen"].email]
    assert sent == [(MONDAY_8AM, keen), (MONDAY_8AM + timedelta(weeks=1), keen)]


def test_the_digest_names_flags_and_silent_mentors_and_no_one_else(
    admins, news, django_capture_on_commit_callbacks
):
    for _ in hourly(MONDAY_8AM, 1, django_capture_on_commit_callbacks):
        pass
    email = next(e for e in mail.outbox if e.to == [admins["keen"].email])
    assert email.subject == "Kindred this week: 1 mentorship flagged, 1 mentor not answering"
    flagged = news["flagged"]
    assert (
        f"- {flagged.mentee.name} and Bea Busy: A check-in rated 2 or lower, since 4 December"
        in email.body
    )
    assert "1 new this week" in email.body
    assert "- Sam Silent: 3 requests expired unanswered" in email.body
    assert "Bea Busy: 2" not in email.body  # she answered one this month
    assert reverse("dashboard:digest") in email.body


def test_a_quiet_week_sends_nothing_and_news_midweek_waits_for_monday(
    admins, program, django_capture_on_commit_callbacks
):
    mentee, mentor = ProfileFactory(program=program), MentorFactory(program=program)
    sent = []
    for now, emails in hourly(MONDAY_8AM, 7 * 24 + 1, django_capture_on_commit_callbacks):
        if now == MONDAY_8AM + timedelta(days=2):  # a flag on Wednesday
            request(
                program,
                mentee,
                mentor,
                Status.ACTIVE,
                now - timedelta(days=30),
                started_at=now - timedelta(days=30),
                health=Mentorship.Health.NO_CHECK_IN,
                health_flagged_at=now,
            )
        sent += [(now, e.to) for e in emails if e.to == [admins["keen"].email]]
    assert sent == [(MONDAY_8AM + timedelta(weeks=1), [admins["keen"].email])]


def test_an_admin_turns_the_digest_off_and_on(client, admins):
    login(client, admins["keen"])
    url = reverse("dashboard:digest")
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="weekly"' in page and "checked" in page
    assert "Email me the weekly digest" in page
    client.post(url, {})
    assert DigestChoice.objects.get(user=admins["keen"]).weekly is False
    response = client.post(url, {"weekly": "on"}, follow=True)
    assert DigestChoice.objects.get(user=admins["keen"]).weekly is True
    assert "You will get the weekly digest." in response.content.decode()


def test_only_those_who_run_a_program_have_a_digest_page(client, admins, program):
    url = reverse("dashboard:digest")
    assert client.get(url).url.startswith(reverse("account_login"))
    for nobody in ("participant", "staff"):
        login(client, admins[nobody])
        assert client.get(url).status_code == 404
    login(client, coordinator(program))
    assert client.get(url).status_code == 200
