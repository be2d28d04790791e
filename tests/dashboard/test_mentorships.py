"""The Mentorships pages: a program's mentorships found by search and filters, each
read as a timeline, and ended by an admin with a reason."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mentorships import clock, lifecycle
from mentorships.models import CheckIn, Mentorship
from profiles.models import AuditEntry, Program
from tests.conftest import login
from tests.factories import (
    MentorFactory,
    ProfileFactory,
    UserFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db

Status = Mentorship.Status


def made(program, *, mentee=None, mentor=None, **fields) -> Mentorship:
    """A mentorship row as it stands, without its history."""
    return Mentorship.objects.create(
        program=program,
        mentee=mentee or ProfileFactory(program=program),
        mentor=mentor or MentorFactory(program=program),
        **fields,
    )


def under_way(program, started=None, **fields) -> Mentorship:
    started = started or timezone.now() - timedelta(days=10)
    return made(program, status=Status.ACTIVE, started_at=started, decided_at=started, **fields)


def listed(client, program, **query) -> list[int]:
    """The ids of the mentorships the list shows, in its order."""
    response = client.get(reverse("dashboard:mentorships", args=[program.slug]), query)
    assert response.status_code == 200
    base = reverse("dashboard:mentorships", args=[program.slug])
    return [int(pk) for pk in re.findall(rf'href="{base}(\d+)/"', response.content.decode())]


def page_of(client, program, **query) -> str:
    response = client.get(reverse("dashboard:mentorships", args=[program.slug]), query)
    assert response.status_code == 200
    return response.content.decode()


# --- the list ------------------------------------------------------------------------


def test_the_list_shows_this_programs_mentorships_newest_request_first(staff_client, program):
    now = timezone.now()
    old = made(program, requested_at=now - timedelta(days=3))
    new = made(program, requested_at=now - timedelta(days=1))
    other = Program.objects.create(name="Elsewhere", slug="elsewhere")
    made(other)
    assert listed(staff_client, program) == [new.pk, old.pk]


def test_the_dashboard_nav_links_to_the_list(staff_client, program):
    page = staff_client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert f'href="{reverse("dashboard:mentorships", args=[program.slug])}"' in page


def test_search_finds_a_mentorship_by_either_sides_name_or_email(staff_client, program):
    ana = ProfileFactory(program=program, display_name="Anaïs Quintero-Park")
    bo = MentorFactory(program=program, display_name="Bohdan Whitlock")
    bo.user.email = "bohdan.w@kindred.example"
    bo.user.save()
    theirs = made(program, mentee=ana, mentor=bo)
    made(program)
    assert listed(staff_client, program, q="quintero") == [theirs.pk]
    assert listed(staff_client, program, q="anaïs park") == [theirs.pk]
    assert listed(staff_client, program, q="WHITLOCK") == [theirs.pk]
    assert listed(staff_client, program, q="bohdan.w@kindred") == [theirs.pk]
    assert listed(staff_client, program, q="nobody-at-all") == []


@pytest.mark.parametrize(
    "status, shown",
    [
        ("requested", {"fresh", "stalled"}),
        ("stalled", {"stalled"}),
        ("under_way", {"accepted", "active"}),
        ("active", {"active"}),
        ("declined", {"declined"}),
        ("ended", {"ended"}),
        ("", {"fresh", "stalled", "accepted", "active", "declined", "ended"}),
    ],
)
def test_the_status_filter(staff_client, program, status, shown):
    now = timezone.now()
    rows = {
        "fresh": made(program),
        "stalled": made(program, requested_at=now - timedelta(days=8)),
        "accepted": made(program, status=Status.ACCEPTED, started_at=now),
        "active": under_way(program),
        "declined": made(program, status=Status.DECLINED, decline_reason="timing"),
        "ended": made(program, status=Status.ENDED, end_reason="no_time", ended_at=now),
    }
    found = set(listed(staff_client, program, status=status))
    assert found == {rows[name].pk for name in shown}


def test_the_status_filter_offers_every_status_in_words(staff_client, program):
    page = page_of(staff_client, program)
    for label in ("Requested", "Accepted", "Declined", "Withdrawn", "Expired", "Completed"):
        assert f">{label}</option>" in page
    assert ">Requests waiting 7 days or more</option>" in page


def test_the_source_filter(staff_client, program):
    asked = made(program)
    by_admin = under_way(program, source=Mentorship.Source.ADMIN)
    by_run = under_way(program, source=Mentorship.Source.AUTO)
    assert listed(staff_client, program, source="request") == [asked.pk]
    assert listed(staff_client, program, source="admin") == [by_admin.pk]
    assert listed(staff_client, program, source="auto") == [by_run.pk]
    page = page_of(staff_client, program)
    for label in ("Mentee request", "Admin match", "Auto-assignment"):
        assert f">{label}</option>" in page


def test_the_health_filter_lists_flagged_pairs_under_way_oldest_flag_first(staff_client, program):
    now = timezone.now()
    low = under_way(program, health="low_rating", health_flagged_at=now - timedelta(days=1))
    quiet = under_way(program, health="no_check_in", health_flagged_at=now - timedelta(days=5))
    under_way(program)
    # Ended since it was flagged: no longer on the dashboard's list, nor here.
    made(program, status=Status.ENDED, end_reason="no_time", ended_at=now, health="low_rating")
    assert listed(staff_client, program, health="flagged") == [quiet.pk, low.pk]
    assert listed(staff_client, program, health="low_rating") == [low.pk]
    assert listed(staff_client, program, health="no_check_in") == [quiet.pk]


def test_the_started_filter_takes_whole_days_at_both_ends(staff_client, program):
    def started(day: int) -> Mentorship:
        return under_way(program, started=datetime(2026, 3, day, 23, 30, tzinfo=UTC))

    first, second, third = started(1), started(2), started(3)
    made(program)  # not started: a request
    found = listed(staff_client, program, started_from="2026-03-02", started_to="2026-03-03")
    assert found == [third.pk, second.pk]
    assert listed(staff_client, program, started_to="2026-03-01") == [first.pk]
    assert listed(staff_client, program, started_from="2026-03-03") == [third.pk]


def test_an_end_date_before_the_start_date_is_a_clear_error(staff_client, program):
    one = under_way(program, started=datetime(2026, 3, 5, 12, tzinfo=UTC))
    page = page_of(staff_client, program, started_from="2026-03-04", started_to="2026-03-01")
    assert "This filter was left out of the list below:" in page
    assert (
        "<strong>Started on or before</strong>: Earlier than “Started on or after” (4 Mar 2026): "
        "choose a later date." in page
    )
    # What was understood still applies.
    assert listed(staff_client, program, started_from="2026-03-04", started_to="2026-03-01") == [
        one.pk
    ]


@pytest.mark.parametrize("bad", ["2026-13-45", "yesterday", "0001-01-01", "9999-12-31"])
def test_a_date_that_is_not_one_is_a_clear_error_not_a_500(staff_client, program, bad):
    under_way(program)
    page = page_of(staff_client, program, started_to=bad)
    assert "This filter was left out of the list below:" in page
    assert "<strong>Started on or before</strong>:" in page
    assert 'aria-invalid="true"' in page


def test_unknown_choices_are_left_out_with_a_message(staff_client, program):
    made(program)
    page = page_of(staff_client, program, status="sideways", source="magic", health="great")
    assert "These filters were left out of the list below:" in page
    for label in ("Status", "Made by", "Match health"):
        assert f"<strong>{label}</strong>: Select a valid choice." in page
    assert "1 mentorship" in page


def test_no_check_in_yet_lists_pairs_under_way_without_any(staff_client, program):
    silent = made(program, status=Status.ACCEPTED, started_at=timezone.now())
    talking = under_way(program)
    CheckIn.objects.create(mentorship=talking, author=talking.mentee, rating=4)
    made(program)  # a request has no check-in either, but is not under way
    assert listed(staff_client, program, no_check_in="on") == [silent.pk]


def test_the_list_shows_fifty_a_page_and_its_pages_keep_the_filters(staff_client, program):
    mentor = MentorFactory(program=program)
    now = timezone.now()
    rows = [
        made(program, mentor=mentor, requested_at=now - timedelta(minutes=i)) for i in range(51)
    ]
    made(program, status=Status.DECLINED, decline_reason="timing")
    assert listed(staff_client, program, status="requested") == [m.pk for m in rows[:50]]
    page = page_of(staff_client, program, status="requested")
    assert '51 mentorships <span class="subtle">· page 1 of 2</span>' in page
    assert 'href="?status=requested&amp;page=2">Next page</a>' in page
    assert listed(staff_client, program, status="requested", page="2") == [rows[50].pk]
    # A page past the end, or not a number, shows a page rather than failing.
    assert listed(staff_client, program, status="requested", page="9") == [rows[50].pk]
    assert len(listed(staff_client, program, status="requested", page="x")) == 50


def test_the_list_reads_a_fixed_number_of_queries_however_many_rows(
    staff_client, program, django_assert_max_num_queries
):
    def rows(n):
        for _ in range(n):
            m = under_way(program)
            CheckIn.objects.create(mentorship=m, author=m.mentee, rating=3)

    rows(2)
    staff_client.get(reverse("dashboard:mentorships", args=[program.slug]))  # caches warm
    # The list's own: the program, the count, the page's rows (the rest is every page's).
    with django_assert_max_num_queries(12) as few:
        page_of(staff_client, program, status="under_way", q="a")
    rows(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page_of(staff_client, program, status="under_way", q="a")


def test_rows_link_to_each_mentorships_page_with_both_emails(staff_client, program):
    m = under_way(program)
    page = page_of(staff_client, program)
    assert reverse("dashboard:mentorship", args=[program.slug, m.pk]) in page
    assert m.mentee.user.email in page and m.mentor.user.email in page


# --- who may look --------------------------------------------------------------------


def test_people_who_do_not_run_the_program_get_404(client, program):
    m = under_way(program)
    s = program.slug
    ending = (
        reverse("dashboard:end_mentorship", args=[s, m.pk]),
        {"confirm": "yes", "reason": "x"},
    )
    for outsider in (m.mentee.user, UserFactory(is_staff=True)):
        login(client, outsider)
        assert client.get(reverse("dashboard:mentorships", args=[s])).status_code == 404
        assert client.get(reverse("dashboard:mentorship", args=[s, m.pk])).status_code == 404
        assert client.post(*ending).status_code == 404
    m.refresh_from_db()
    assert m.status == Status.ACTIVE


def test_a_coordinator_reads_mentorships_and_ends_none(client, program):
    m = under_way(program)
    s = program.slug
    login(client, coordinator(program))
    assert client.get(reverse("dashboard:mentorships", args=[s])).status_code == 200
    page = client.get(reverse("dashboard:mentorship", args=[s, m.pk])).content.decode()
    assert end_url(m) not in page and "End this mentorship" not in page
    assert reverse("dashboard:rematch", args=[s, m.pk]) in page
    assert client.post(end_url(m), {"confirm": "yes", "reason": "x"}).status_code == 403
    m.refresh_from_db()
    assert m.status == Status.ACTIVE and not AuditEntry.objects.exists()


def test_another_programs_mentorship_is_404(staff_client, program):
    other = Program.objects.create(name="Elsewhere", slug="elsewhere")
    theirs = under_way(other)
    s = program.slug
    assert staff_client.get(reverse("dashboard:mentorship", args=[s, theirs.pk])).status_code == 404
    response = staff_client.post(
        reverse("dashboard:end_mentorship", args=[s, theirs.pk]),
        {"confirm": "yes", "reason": "x"},
    )
    assert response.status_code == 404
    assert staff_client.get(reverse("dashboard:mentorships", args=["nope"])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.ACTIVE


def test_ending_is_a_post_only(staff_client, program):
    m = under_way(program)
    url = reverse("dashboard:end_mentorship", args=[program.slug, m.pk])
    assert staff_client.get(url).status_code == 405


# --- a mentorship's page -------------------------------------------------------------


def whats(page: str) -> list[str]:
    """The timeline's lines, in the page's order, without markup."""
    timeline = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r'<p class="timeline-what">(.*?)</p>', timeline, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def detail(client, m) -> str:
    response = client.get(reverse("dashboard:mentorship", args=[m.program.slug, m.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pair(program):
    mentee = ProfileFactory(program=program, display_name="Mina Okafor")
    mentor = MentorFactory(program=program, display_name="Teodor Lindqvist")
    return mentee, mentor


def test_the_timeline_tells_a_mentorships_life_in_order_as_the_clock_moves(
    staff_client, program, pair, django_capture_on_commit_callbacks
):
    mentee, mentor = pair
    other_mentor = MentorFactory(program=program, display_name="Priya Raman")
    start = datetime(2026, 2, 2, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            m = lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="Hello!")
            other = lifecycle.request_mentor(mentee=mentee, mentor=other_mentor, message="")
        traveller.shift(timedelta(days=7, hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            clock.run()
        traveller.shift(timedelta(days=1))
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.accept(mentorship=m, note="Glad to!")
        traveller.shift(timedelta(weeks=2, hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            clock.run()
        traveller.shift(timedelta(days=2))
        lifecycle.check_in(mentorship=m, author=mentee, rating=2, note="Hard to find time.")
        traveller.shift(timedelta(days=3))
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.end(mentorship=m, by=mentee, reason="no_time", note="Thank you, truly.")
    m.refresh_from_db()
    page = detail(staff_client, m)
    assert whats(page) == [
        "Mina Okafor asked Teodor Lindqvist (with a note to the mentor)",
        "Email to Teodor Lindqvist: a new request",
        "Teodor Lindqvist was reminded: a week unanswered",
        "Teodor Lindqvist accepted (with a note to the mentee)",
        "Mina Okafor's request to Priya Raman closed, as this mentorship began · see that request",
        "Email to Mina Okafor: their request was accepted",
        "Week 2: both were asked to check in",
        "Mina Okafor checked in: 2 out of 5 (with a note for the pair)",
        "Flagged: A check-in rated 2 or lower",
        "Mina Okafor ended it: “One of us no longer has time”",
        "Email to Teodor Lindqvist: the mentorship has ended",
        "Email to Mina Okafor: how did it go? (the close-out survey)",
        "Email to Teodor Lindqvist: how did it go? (the close-out survey)",
    ]
    assert reverse("dashboard:mentorship", args=[program.slug, other.pk]) in page
    # What the pair wrote to each other stays theirs; the words it ended with are the program's.
    for private in ("Hello!", "Glad to!", "Hard to find time."):
        assert private not in page
    assert "Thank you, truly." in page
    # The other request's own page says why it closed, and links back.
    closed = detail(staff_client, other)
    assert "Closed: Mina Okafor was paired with Teodor Lindqvist · see that mentorship" in whats(
        closed
    )


def test_a_decline_shows_the_mentors_reason_and_note(staff_client, program, pair):
    mentee, mentor = pair
    m = lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="")
    lifecycle.decline(mentorship=m, reason="timing", note="My calendar is full until June.")
    page = detail(staff_client, m)
    assert "Teodor Lindqvist declined: “Our schedules or time zones will not work”" in whats(page)
    assert "Teodor Lindqvist&#x27;s note to the mentee" in page
    assert "My calendar is full until June." in page
    assert "Nothing to do: this request is declined." in page


def test_an_admins_match_names_the_admin_and_the_rule_set_aside(staff_client, program, pair):
    mentee, mentor = pair
    admin = UserFactory(is_staff=True, first_name="Rosa", last_name="Admin")
    m = lifecycle.match(
        mentee=mentee,
        mentor=mentor,
        source=Mentorship.Source.ADMIN,
        by=admin,
        override_reason="They met at the kick-off and asked for each other",
    )
    page = detail(staff_client, m)
    assert whats(page)[0] == f"Matched by hand by Rosa Admin ({admin.email})"
    assert "They met at the kick-off and asked for each other" in page


def test_the_page_reads_a_fixed_number_of_queries(
    staff_client, program, pair, django_assert_max_num_queries
):
    mentee, mentor = pair
    m = lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="")
    lifecycle.accept(mentorship=m)
    for rating in (4, 5, 3):
        lifecycle.check_in(mentorship=m, author=mentee, rating=rating)
    detail(staff_client, m)  # caches warm
    with django_assert_max_num_queries(14) as few:
        detail(staff_client, m)
    for rating in (2, 4, 5):
        lifecycle.check_in(mentorship=m, author=mentor, rating=rating)
    with django_assert_max_num_queries(len(few.captured_queries)):
        detail(staff_client, m)


# --- ending a mentorship -------------------------------------------------------------


def end_url(m) -> str:
    return reverse("dashboard:end_mentorship", args=[m.program.slug, m.pk])


def test_ending_asks_first_and_changes_nothing_until_confirmed(staff_client, program):
    m = under_way(program)
    response = staff_client.post(end_url(m))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"End the mentorship of {m.mentee.name} with {m.mentor.name}?" in page
    assert "Why are you ending it?" in page
    assert "errorlist" not in page  # asked, not yet told off
    m.refresh_from_db()
    assert m.status == Status.ACTIVE and not AuditEntry.objects.exists()


def test_ending_needs_a_reason(staff_client, program):
    m = under_way(program)
    response = staff_client.post(end_url(m), {"confirm": "yes", "reason": "   "})
    assert response.status_code == 200
    assert "Say why you are ending this mentorship." in response.content.decode()
    m.refresh_from_db()
    assert m.status == Status.ACTIVE and not AuditEntry.objects.exists()


def test_ending_with_a_reason_ends_it_tells_both_and_is_on_the_record(
    client, program, pair, mailoutbox, django_capture_on_commit_callbacks
):
    mentee, mentor = pair
    admin = program_admin(program, first_name="Rosa", last_name="Admin")
    login(client, admin)
    m = lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="")
    lifecycle.accept(mentorship=m)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            end_url(m), {"confirm": "yes", "reason": "The mentor moved to another company"}
        )
    assert response.url == reverse("dashboard:mentorship", args=[program.slug, m.pk])
    m.refresh_from_db()
    assert (m.status, m.ended_by, m.end_note) == (
        Status.ENDED,
        "admin",
        "The mentor moved to another company",
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.program, entry.reason) == (
        AuditEntry.Action.END,
        admin,
        program,
        "The mentor moved to another company",
    )
    assert entry.summary == "Ended the mentorship of Mina Okafor with Teodor Lindqvist"
    assert entry.details["mentorship"] == m.pk
    told = {message.to[0] for message in mailoutbox}
    assert mentor.user.email in told
    page = client.get(response.url).content.decode()
    assert "has ended. Both were told" in page
    assert f"Ended by the program team: Rosa Admin ({admin.email})" in whats(page)
    assert "The mentor moved to another company" in page
    # The pair are told the program team ended it, not the admin's reason.
    assert not any("another company" in message.body for message in mailoutbox)


def test_a_mentorship_no_longer_under_way_cannot_be_ended_again(staff_client, program):
    m = made(program, status=Status.ENDED, end_reason="no_time", ended_at=timezone.now())
    response = staff_client.post(end_url(m), {"confirm": "yes", "reason": "Again"})
    assert response.url == reverse("dashboard:mentorship", args=[program.slug, m.pk])
    assert (
        "This mentorship is not under way: it is ended."
        in staff_client.get(response.url).content.decode()
    )
    assert not AuditEntry.objects.exists()


def test_the_page_offers_ending_and_rematching_only_while_under_way(staff_client, program):
    m = under_way(program)
    page = detail(staff_client, m)
    assert end_url(m) in page
    assert reverse("dashboard:rematch", args=[program.slug, m.pk]) in page
    request = made(program)
    page = detail(staff_client, request)
    assert end_url(request) not in page
    assert reverse("dashboard:rematch", args=[program.slug, request.pk]) not in page


# --- the dashboard's lists lead here -------------------------------------------------


def test_the_dashboards_waiting_requests_link_to_the_whole_list(staff_client, program):
    m = made(program, requested_at=timezone.now() - timedelta(days=9))
    page = staff_client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    link = f"{reverse('dashboard:mentorships', args=[program.slug])}?status=stalled"
    assert f'<a href="{link}">See it in Mentorships</a>' in page
    assert reverse("dashboard:mentorship", args=[program.slug, m.pk]) in page
    assert listed(staff_client, program, status="stalled") == [m.pk]
