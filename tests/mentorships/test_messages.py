"""The pair's message thread: who reads and writes it, new messages without a
reload, unread counts, and an email to the other side at most once an hour."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentorships import emails, lifecycle, threads
from mentorships.exceptions import Refused
from mentorships.models import Message, ThreadReader
from profiles.models import SentEmail
from tests.conftest import login
from tests.mentorships.helpers import OUTSIDERS, outsider

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def say(m, author, body="Hello!", now=None) -> Message:
    return threads.send(mentorship=m, author=author, body=body, now=now)


def thread_page(client, m, user) -> str:
    login(client, user)
    return client.get(reverse("mentorships:messages", args=[m.pk])).content.decode()


def message_emails(to) -> list:
    return [
        e
        for e in mail.outbox
        if e.extra_headers.get("X-Kindred-Email") == "new_message" and e.to == [to.user.email]
    ]


def test_the_pair_exchange_messages_through_the_page(client, accepted):
    login(client, accepted.mentee.user)
    response = client.post(
        reverse("mentorships:message_send", args=[accepted.pk]), {"body": "Hi <b>there</b>"}
    )
    assert response.status_code == 302
    html = thread_page(client, accepted, accepted.mentor.user)
    assert "Hi &lt;b&gt;there&lt;/b&gt;" in html  # text, escaped, never markup
    assert accepted.mentee.name in html


def test_sending_with_htmx_answers_with_the_new_messages_only(client, accepted):
    old = say(accepted, accepted.mentor, "Earlier")
    login(client, accepted.mentee.user)
    response = client.post(
        reverse("mentorships:message_send", args=[accepted.pk]),
        {"body": "Just now", "after": str(old.pk)},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "Just now" in html and "Earlier" not in html
    assert 'hx-swap-oob="beforeend:#thread-list"' in html
    assert "kindred:message-sent" in response.headers["HX-Trigger-After-Settle"]
    new = Message.objects.latest("pk")
    assert f'value="{new.pk}"' in html  # the next poll asks for what comes after it
    assert "thread-empty" not in html  # the page had messages: no placeholder to remove


def test_the_first_message_removes_the_empty_threads_placeholder(client, accepted):
    login(client, accepted.mentee.user)
    url = reverse("mentorships:message_send", args=[accepted.pk])
    html = client.post(url, {"body": "First", "after": "0"}, headers=HTMX).content.decode()
    assert '<p id="thread-empty" hx-swap-oob="delete">' in html


@pytest.mark.parametrize("body", ["", "   "])
def test_an_empty_message_is_refused_in_words(client, accepted, body):
    login(client, accepted.mentee.user)
    url = reverse("mentorships:message_send", args=[accepted.pk])
    response = client.post(url, {"body": body}, headers=HTMX)
    assert "an empty message is not sent" in response.content.decode()
    assert response.headers["HX-Retarget"] == "#send-error"
    said = client.post(url, {"body": body}, follow=True).content.decode()
    assert "an empty message is not sent" in said
    assert not Message.objects.exists()


def test_a_too_long_message_is_refused(client, accepted):
    login(client, accepted.mentee.user)
    said = client.post(
        reverse("mentorships:message_send", args=[accepted.pk]), {"body": "x" * 2001}, follow=True
    ).content.decode()
    assert "at most 2000 characters" in said
    assert not Message.objects.exists()


def test_the_thread_is_read_only_once_the_mentorship_ends(client, accepted):
    say(accepted, accepted.mentee, "Before the end")
    lifecycle.end(mentorship=accepted, by=accepted.mentor, reason="no_time")
    with pytest.raises(Refused, match="can be read but no new ones sent"):
        say(accepted, accepted.mentee)
    html = thread_page(client, accepted, accepted.mentor.user)
    assert "Before the end" in html
    assert "this conversation is read-only" in html
    assert "<textarea" not in html and "hx-trigger" not in html
    said = client.post(
        reverse("mentorships:message_send", args=[accepted.pk]), {"body": "late"}, follow=True
    ).content.decode()
    assert "no new ones sent" in said
    assert Message.objects.count() == 1


def test_a_request_has_no_thread_yet(client, requested):
    with pytest.raises(Refused, match="once the mentorship is under way"):
        say(requested, requested.mentee)
    assert "Messages open once the mentorship is under way" in thread_page(
        client, requested, requested.mentee.user
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_anyone_else_gets_404_on_the_thread(client, accepted, who):
    message = say(accepted, accepted.mentee, "Only for us")
    stranger = outsider(accepted.program, who)
    login(client, stranger)
    m = accepted.pk
    for name, args, method in [
        ("mentorships:messages", [m], "get"),
        ("mentorships:message_send", [m], "post"),
        ("mentorships:messages_poll", [m, 0], "get"),
        ("mentorships:message_report", [m, message.pk], "get"),
        ("mentorships:message_report", [m, message.pk], "post"),
    ]:
        response = getattr(client, method)(reverse(name, args=args), {"body": "x"})
        assert response.status_code == 404, name
        assert b"Only for us" not in response.content
    assert Message.objects.count() == 1


def test_the_poll_brings_new_messages_and_marks_them_read(client, accepted):
    first = say(accepted, accepted.mentee, "One")
    login(client, accepted.mentor.user)
    url = reverse("mentorships:messages_poll", args=[accepted.pk, first.pk])
    assert client.get(url).status_code == 204
    second = say(accepted, accepted.mentee, "Two")
    html = client.get(url).content.decode()
    assert "Two" in html and "One" not in html
    assert Message.objects.unread_by(accepted.mentor).count() == 0
    assert ThreadReader.objects.get(mentorship=accepted, profile=accepted.mentor).last_read == (
        second.pk
    )


def test_a_poll_with_nothing_new_is_one_indexed_query(client, accepted):
    first = say(accepted, accepted.mentee, "One")
    login(client, accepted.mentor.user)
    url = reverse("mentorships:messages_poll", args=[accepted.pk, first.pk])
    client.get(url)  # the session and the person are loaded once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 204
    mine = [q["sql"] for q in queries if "mentorships_message" in q["sql"]]
    assert len(mine) == 1
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: ask for the index
        cursor.execute("EXPLAIN " + mine[0])
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "message_thread" in plan


def test_the_poll_stops_once_the_mentorship_ends(client, accepted):
    lifecycle.end(mentorship=accepted, by=accepted.mentor, reason="no_time")
    login(client, accepted.mentee.user)
    response = client.get(reverse("mentorships:messages_poll", args=[accepted.pk, 0]))
    assert response.status_code == 286


def test_a_poll_past_any_id_is_nothing_new_not_an_error(client, accepted):
    login(client, accepted.mentee.user)
    response = client.get(reverse("mentorships:messages_poll", args=[accepted.pk, 10**30]))
    assert response.status_code == 204


def test_unread_counts_on_the_home_page_header_and_mentorship_page(client, accepted):
    for n in range(3):
        say(accepted, accepted.mentor, f"Note {n}")
    assert Message.objects.unread_by(accepted.mentee).count() == 3
    assert Message.objects.unread_counts(accepted.mentee) == {accepted.pk: 3}
    assert Message.objects.unread_by(accepted.mentor).count() == 0
    login(client, accepted.mentee.user)
    home = client.get(reverse("matching:profile_home", args=[accepted.mentee.pk])).content
    assert b"3 unread" in home
    assert b'3<span class="visually-hidden"> unread messages' in home  # the header
    detail = client.get(reverse("mentorships:detail", args=[accepted.pk])).content
    assert b"3 unread" in detail
    thread_page(client, accepted, accepted.mentee.user)  # reading marks it read
    assert Message.objects.unread_by(accepted.mentee).count() == 0
    home = client.get(reverse("matching:profile_home", args=[accepted.mentee.pk])).content
    assert b"unread" not in home


def test_the_mentors_home_counts_unread_per_mentee(client, accepted):
    say(accepted, accepted.mentee, "Hello mentor")
    login(client, accepted.mentor.user)
    home = client.get(reverse("matching:profile_home", args=[accepted.mentor.pk])).content.decode()
    assert "1 unread" in home and reverse("mentorships:messages", args=[accepted.pk]) in home


def test_ones_own_messages_are_never_unread(accepted):
    say(accepted, accepted.mentee)
    assert Message.objects.unread_by(accepted.mentee).count() == 0
    assert Message.objects.unread_by_user(accepted.mentee.user).count() == 0
    assert Message.objects.unread_by_user(accepted.mentor.user).count() == 1


def test_messages_of_someone_who_left_stay_for_the_other_side_and_count(client, accepted):
    say(accepted, accepted.mentor, "From a mentor who leaves")
    accepted.mentor.user.delete()
    assert Message.objects.unread_by(accepted.mentee).count() == 1
    html = thread_page(client, accepted, accepted.mentee.user)
    assert "From a mentor who leaves" in html and "A former member" in html


# --- the email ------------------------------------------------------------------------


def test_a_new_message_emails_the_other_side_with_a_link_not_the_text(accepted, on_commit):
    on_commit(say, accepted, accepted.mentee, "My very private words")
    (email,) = message_emails(accepted.mentor)
    assert email.subject == f"{accepted.mentee.name} sent you a message on Kindred"
    assert reverse("mentorships:messages", args=[accepted.pk]) in email.body
    assert "My very private words" not in email.body
    assert "My very private words" not in email.alternatives[0][0]
    assert not message_emails(accepted.mentee)


def test_at_most_one_email_an_hour_per_thread_with_a_moving_clock(accepted, on_commit):
    start = datetime(2031, 5, 6, 9, 0, tzinfo=UTC)
    for minutes in (0, 1, 30, 59):
        on_commit(say, accepted, accepted.mentee, now=start + timedelta(minutes=minutes))
    assert len(message_emails(accepted.mentor)) == 1
    on_commit(say, accepted, accepted.mentee, now=start + timedelta(minutes=61))
    on_commit(say, accepted, accepted.mentee, now=start + timedelta(minutes=62))
    assert len(message_emails(accepted.mentor)) == 2
    # The other direction is its own recipient, with its own hour.
    on_commit(say, accepted, accepted.mentor, now=start + timedelta(minutes=63))
    assert len(message_emails(accepted.mentee)) == 1


def test_the_hour_runs_with_the_real_clock_too(accepted, on_commit, time_machine):
    time_machine.move_to(datetime(2031, 5, 6, 9, 0, tzinfo=UTC), tick=False)
    on_commit(say, accepted, accepted.mentee)
    time_machine.move_to(datetime(2031, 5, 6, 9, 59, tzinfo=UTC), tick=False)
    on_commit(say, accepted, accepted.mentee)
    assert len(message_emails(accepted.mentor)) == 1
    time_machine.move_to(datetime(2031, 5, 6, 10, 0, 1, tzinfo=UTC), tick=False)
    on_commit(say, accepted, accepted.mentee)
    assert len(message_emails(accepted.mentor)) == 2


def test_no_email_when_the_message_was_read_before_it_went(
    accepted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        message = say(accepted, accepted.mentee)
    threads.mark_read(mentorship=accepted, reader=accepted.mentor)
    for callback in queued:
        callback()
    assert not message_emails(accepted.mentor)
    assert emails.new_message(message.pk) is False


def test_the_email_task_run_twice_sends_once(accepted):
    message = say(accepted, accepted.mentee)
    emails.new_message.apply(args=[message.pk])
    emails.new_message.apply(args=[message.pk])
    assert len(message_emails(accepted.mentor)) == 1
    assert SentEmail.objects.filter(key=f"message:{accepted.pk}:{message.pk}").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_messages_at_the_same_moment_send_one_email(accepted, monkeypatch):
    """Two senders race (real threads, real transactions): the first holds the
    recipient's row lock while it decides, so the second waits, then sees it."""
    saving = ThreadReader.save
    both_started = threading.Barrier(2)

    def slow_save(self, *args, **kwargs):
        saving(self, *args, **kwargs)
        threading.Event().wait(0.3)  # hold the lock while the other sender arrives

    monkeypatch.setattr(ThreadReader, "save", slow_save)
    # Both have written before, over an hour ago: the rows exist, and only the lock
    # on the recipient's row stands between the two senders.
    earlier = timezone.now() - timedelta(hours=2)
    for side in (accepted.mentee, accepted.mentor):
        ThreadReader.objects.create(mentorship=accepted, profile=side, notified_at=earlier)
    errors = []

    def send(body):
        try:
            both_started.wait()
            say(accepted, accepted.mentee, body)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    senders = [threading.Thread(target=send, args=(f"At once {n}",)) for n in range(2)]
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    assert not errors
    assert Message.objects.count() == 2
    assert len(message_emails(accepted.mentor)) == 1
    assert SentEmail.objects.filter(key__startswith=f"message:{accepted.pk}:").count() == 1


def test_a_report_emails_each_admin_of_its_program_once_with_a_link_and_not_the_message(
    accepted, on_commit
):
    from tests.factories import ProgramFactory, UserFactory, coordinator, program_admin

    program = accepted.program
    admins = [program_admin(program), program_admin(program)]
    program_admin(program, is_active=False)
    coordinator(program)
    program_admin(ProgramFactory())  # another program's
    UserFactory(is_staff=True)  # staff alone runs nothing
    UserFactory(is_staff=True, is_superuser=True)  # the program has admins of its own
    message = say(accepted, accepted.mentor, "Something unkind")
    mail.outbox.clear()
    report = on_commit(threads.report, message=message, reporter=accepted.mentee, reason="Rude")
    sent = [e for e in mail.outbox if e.extra_headers.get("X-Kindred-Email") == "message_reported"]
    assert sorted(e.to[0] for e in sent) == sorted(a.email for a in admins)
    for email in sent:
        assert f"/programs/{accepted.program.slug}/reports/" in email.body
        assert "unkind" not in email.body.lower() and "Rude" not in email.body
        assert accepted.mentee.name not in email.body and accepted.mentor.name not in email.body
    assert emails.message_reported(report.pk) is False  # run again: nothing more
    assert len(mail.outbox) == len(sent)


def test_a_report_in_a_program_with_no_admin_emails_the_superusers(accepted, on_commit):
    from tests.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    UserFactory(is_staff=True)
    message = say(accepted, accepted.mentor, "Something unkind")
    mail.outbox.clear()
    on_commit(threads.report, message=message, reporter=accepted.mentee, reason="Rude")
    sent = [e for e in mail.outbox if e.extra_headers.get("X-Kindred-Email") == "message_reported"]
    assert [e.to for e in sent] == [[superuser.email]]
