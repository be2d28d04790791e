"""A reported message: either side reports one of the other's, the program's
admins read that message and the two either side of it — never the rest of the
thread, never a note — and mark it handled with a note, on the record."""

import pytest
from django.urls import NoReverseMatch, reverse

from mentorships import notes, threads
from mentorships.exceptions import Refused
from mentorships.models import Message, MessageReport
from profiles.models import AuditEntry
from tests.conftest import login
from tests.factories import (
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    coordinator,
    program_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(accepted):
    """Nine messages, alternating sides; the fifth is the mentor's and is reported."""
    sides = [accepted.mentee, accepted.mentor]
    messages = [
        threads.send(mentorship=accepted, author=sides[n % 2], body=f"Line number {n}")
        for n in range(9)
    ]
    return accepted, messages


@pytest.fixture
def reported(thread):
    m, messages = thread
    report = threads.report(message=messages[5], reporter=m.mentee, reason="It felt hostile")
    return m, messages, report


def test_the_other_side_reports_a_message_from_the_thread_page(client, thread):
    m, messages = thread
    login(client, m.mentee.user)
    url = reverse("mentorships:message_report", args=[m.pk, messages[5].pk])
    page = client.get(url).content.decode()
    assert "Line number 5" in page and "two messages before it and the two after it" in page
    response = client.post(url, {"reason": "It felt hostile"}, follow=True)
    assert "the program team has the message" in response.content.decode()
    report = MessageReport.objects.get()
    assert (report.message, report.reporter, report.reason, report.status) == (
        messages[5],
        m.mentee,
        "It felt hostile",
        "open",
    )


def test_the_reason_is_optional(client, thread):
    m, messages = thread
    login(client, m.mentor.user)
    client.post(reverse("mentorships:message_report", args=[m.pk, messages[4].pk]), {})
    assert MessageReport.objects.get().reason == ""


def test_ones_own_message_cannot_be_reported(client, thread):
    m, messages = thread
    login(client, m.mentee.user)
    url = reverse("mentorships:message_report", args=[m.pk, messages[4].pk])  # the mentee's own
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    with pytest.raises(Refused):
        threads.report(message=messages[4], reporter=m.mentee)


def test_a_message_is_reported_once_per_person(client, reported):
    m, messages, _ = reported
    login(client, m.mentee.user)
    said = client.post(
        reverse("mentorships:message_report", args=[m.pk, messages[5].pk]), {}, follow=True
    ).content.decode()
    assert "already reported this message" in said
    assert MessageReport.objects.count() == 1


def test_a_too_long_reason_saves_nothing(client, thread):
    m, messages = thread
    login(client, m.mentee.user)
    response = client.post(
        reverse("mentorships:message_report", args=[m.pk, messages[5].pk]), {"reason": "x" * 1001}
    )
    assert response.status_code == 200
    assert not MessageReport.objects.exists()


def test_a_message_can_be_reported_after_the_mentorship_ends(client, thread):
    from mentorships import lifecycle

    m, messages = thread
    lifecycle.end(mentorship=m, by=m.mentor, reason="no_time")
    threads.report(message=messages[5], reporter=m.mentee)
    assert MessageReport.objects.count() == 1


def test_the_admin_reads_the_reported_message_and_two_either_side_only(client, reported):
    m, _, _ = reported
    notes.write(mentorship=m, author=m.mentee, body="A shared note", shared=True)
    login(client, program_admin(m.program))
    page = client.get(reverse("dashboard:reports", args=[m.program.slug])).content.decode()
    shown = {n for n in range(9) if f"Line number {n}<" in page}
    assert shown == {3, 4, 5, 6, 7}
    assert "It felt hostile" in page and "A shared note" not in page
    assert f"{m.mentee.name}, the mentee" in page  # who reported it


def test_the_context_stops_at_the_threads_ends(client, thread):
    m, messages = thread
    threads.report(message=messages[0], reporter=m.mentor)
    assert [x.body for x in Message.objects.around(messages[0])] == [
        "Line number 0",
        "Line number 1",
        "Line number 2",
    ]


def test_the_dashboard_menu_counts_open_reports(client, reported):
    m, _, _ = reported
    login(client, program_admin(m.program))
    page = client.get(reverse("dashboard:program", args=[m.program.slug])).content.decode()
    assert 'Reports <span class="badge">1<span class="visually-hidden"> open' in page
    # A coordinator does not handle reports: no tab for them.
    login(client, coordinator(m.program))
    page = client.get(reverse("dashboard:program", args=[m.program.slug])).content.decode()
    assert reverse("dashboard:reports", args=[m.program.slug]) not in page


def test_an_admin_marks_a_report_handled_with_a_note(client, reported):
    m, _, report = reported
    admin = program_admin(m.program)
    login(client, admin)
    url = reverse("dashboard:handle_report", args=[m.program.slug, report.pk])
    said = client.post(url, {"note": ""}, follow=True).content.decode()
    assert "Say what you did about this report" in said
    report.refresh_from_db()
    assert report.status == "open"
    response = client.post(url, {"note": "Spoke with both; all fine now"}, follow=True)
    report.refresh_from_db()
    assert (report.status, report.handled_by, report.handled_note) == (
        "handled",
        admin,
        "Spoke with both; all fine now",
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REPORT_HANDLED)
    assert entry.reason == "Spoke with both; all fine now" and entry.program == m.program
    assert "Line number" not in entry.summary and m.mentee.name in entry.summary
    page = response.content.decode()
    assert "Line number 5" not in page  # once handled, the messages are no longer shown
    assert "Spoke with both" in page
    again = client.post(url, {"note": "twice"}, follow=True).content.decode()
    assert "already marked handled" in again


def test_a_report_of_another_program_is_a_404(client, reported):
    _, _, report = reported
    other = ProgramFactory()
    login(client, program_admin(other))
    response = client.post(
        reverse("dashboard:handle_report", args=[other.slug, report.pk]), {"note": "x"}
    )
    assert response.status_code == 404
    page = client.get(reverse("dashboard:reports", args=[other.slug])).content.decode()
    assert "Line number" not in page and "No reports waiting" in page


def test_only_the_programs_admins_open_the_reports_page(client, reported):
    m, _, report = reported
    page = reverse("dashboard:reports", args=[m.program.slug])
    url = reverse("dashboard:handle_report", args=[m.program.slug, report.pk])
    outsiders = (m.mentee.user, m.mentor.user, ProfileFactory(program=m.program).user)
    for user in (*outsiders, UserFactory(is_staff=True)):
        login(client, user)
        assert client.get(page).status_code == 404
        assert client.post(url, {"note": "x"}).status_code == 404
    login(client, coordinator(m.program))
    assert client.get(page).status_code == 403
    assert client.post(url, {"note": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == "open"


def _staff_pages(m) -> list[str]:
    """Every admin page that shows a mentorship or its people, as far as they exist."""
    s = m.program.slug
    wanted = [
        ("dashboard:program", [s]),
        ("dashboard:mentorships", [s]),
        ("dashboard:mentorship", [s, m.pk]),
        ("dashboard:person", [s, m.mentee.pk]),
        ("dashboard:person", [s, m.mentor.pk]),
        ("dashboard:audit", [s]),
        ("dashboard:export", [s, "matches"]),
    ]
    found = []
    for name, args in wanted:
        try:
            found.append(reverse(name, args=args))
        except NoReverseMatch:
            continue
    return [
        *found,
        "/admin/mentorships/mentorship/",
        f"/admin/mentorships/mentorship/{m.pk}/change/",
        "/admin/mentorships/checkin/",
        "/admin/profiles/auditentry/",
    ]


def test_admins_never_read_notes_or_messages_anywhere_else(client, reported):
    m, _, report = reported
    notes.write(mentorship=m, author=m.mentor, body="Shared words", shared=True)
    notes.write(mentorship=m, author=m.mentee, body="Private words", shared=False)
    notes.add_action_item(mentorship=m, by=m.mentee, text="Item words", owner="mentee", due=None)
    threads.handle_report(report=report, by=UserFactory(is_staff=True), note="Done")
    login(client, UserFactory(is_staff=True, is_superuser=True))
    for url in _staff_pages(m):
        body = client.get(url).content.decode()
        for words in ("Line number", "Shared words", "Private words", "Item words"):
            assert words not in body, f"{words!r} on {url}"


def test_the_admins_mentorship_page_counts_the_workspace(client, reported):
    m, _, _ = reported
    notes.write(mentorship=m, author=m.mentee, body="Counted, not shown", shared=False)
    login(client, program_admin(m.program))
    page = client.get(reverse("dashboard:mentorship", args=[m.program.slug, m.pk])).content
    assert b"1 note, 9 messages, 0 action items" in page
    assert b"Counted, not shown" not in page and b"Line number" not in page
