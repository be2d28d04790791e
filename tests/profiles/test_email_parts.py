"""Every email Kindred sends has a plain-text part and an HTML part in the house
style (templates/email/base.html). What people typed (a name, a note, a
program's name) with an apostrophe, an ampersand or quotes reads as typed in
the text and the subject, and is escaped, never live, in the HTML."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from dashboard import emails as dashboard_emails
from matching import suggestions
from mentorships import agreements, lifecycle, meetings, threads
from mentorships import emails as mentorship_emails
from mentorships import terms as mentorship_terms
from mentorships.agreements import GoalTerms, Terms
from mentorships.models import Continuation, Mentorship
from profiles import cycles, roles
from profiles import emails as profile_emails
from profiles.models import Profile
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, program_admin
from tests.mentorships.helpers import ask

pytestmark = pytest.mark.django_db

MENTEE = "Ma'ayan \"Mia\" O'Neil"
MENTOR = "Siobhán O'Brien & Sons"
PROGRAM = 'Rock & Roll\'s "Best" Mentors'
MESSAGE = 'I\'m keen & "ready" <b>now</b>'
NOTE = 'I\'m sorry & good luck, "truly"'
ADDRESS = "o'neil&co@example.org"
ENTITIES = ("&#", "&amp;", "&quot;", "&lt;", "&gt;", "&nbsp;")


class World:
    def __init__(self, program, run):
        program.name = PROGRAM
        program.save(update_fields=["name"])
        self.program, self.run = program, run
        self.mentee = ProfileFactory(program=program, goals=["networking"], display_name=MENTEE)
        self.mentor = MentorFactory(
            program=program, goals=["networking"], capacity=2, display_name=MENTOR
        )
        run(suggestions.refresh_profile, profile_id=self.mentee.pk)

    def asked(self) -> Mentorship:
        return self.run(ask, self.mentee, self.mentor, MESSAGE)

    def accepted(self) -> Mentorship:
        m = self.asked()
        self.run(lifecycle.accept, mentorship=m)
        m.refresh_from_db()
        return m


def suggestions_ready(w: World) -> list[str]:
    return [MENTEE, MENTOR]


def request_received(w: World) -> list[str]:
    w.asked()
    return [MENTEE, MESSAGE, PROGRAM]


def mentor_paused(w: World) -> list[str]:
    w.asked()
    w.run(lifecycle.set_availability, mentor=w.mentor, capacity=2, paused=True)
    return [MENTEE, MENTOR, PROGRAM]


def from_the_clock(w: World) -> list[str]:
    m = w.asked()
    mentorship_emails.from_the_clock(w.mentor.pk, [m.pk], [])
    return [MENTEE, MENTOR]


def returned(w: World) -> list[str]:
    w.run(lifecycle.decline, mentorship=w.asked(), reason="other", note=NOTE)
    return [MENTEE, MENTOR, NOTE]


def request_accepted(w: World) -> list[str]:
    w.accepted()
    return [MENTEE, MENTOR, PROGRAM]


def ended(w: World) -> list[str]:
    m = w.accepted()
    w.run(lifecycle.end, mentorship=m, by=w.mentee, reason="other", note=NOTE)
    return [MENTEE, NOTE, PROGRAM]


def close_out_asked(w: World) -> list[str]:
    m = w.accepted()
    w.run(lifecycle.end, mentorship=m, by=w.mentee, reason="goals_met", note=NOTE)
    return [MENTEE, MENTOR, PROGRAM]  # the survey's link, never a question or an answer


def matched(w: World) -> list[str]:
    staff = program_admin(w.program)
    w.run(
        lifecycle.match_by_admin,
        mentee=w.mentee,
        mentor=w.mentor,
        by=staff,
        score=None,
        reason="They asked for each other & agreed",
    )
    return [MENTEE, MENTOR, PROGRAM]


def new_message(w: World) -> list[str]:
    m = w.accepted()
    w.run(threads.send, mentorship=m, author=w.mentee, body=MESSAGE)
    return [MENTEE, MENTOR, PROGRAM]  # who wrote, never what


def message_reported(w: World) -> list[str]:
    m = w.accepted()
    program_admin(w.program)
    sent = w.run(threads.send, mentorship=m, author=w.mentor, body=MESSAGE)
    w.run(threads.report, message=sent, reporter=w.mentee, reason="Unkind")
    return [PROGRAM]  # the program, never the message, the reason or who


PLACE = 'Kim\'s "Corner" Café & Co'


def meeting_arranged(w: World):
    """A meeting the mentee proposed and the mentor picked, at the place above."""
    m = w.accepted()
    meeting = w.run(
        meetings.propose,
        mentorship=m,
        by=w.mentee,
        times=[timezone.now() + timedelta(days=3)],
        plan=meetings.Plan(minutes=60, place=PLACE),
    )
    return w.run(meetings.pick, meeting=meeting, by=w.mentor, option_id=meeting.options.get().pk)


def meeting_proposed(w: World) -> list[str]:
    m = w.accepted()
    w.run(
        meetings.propose,
        mentorship=m,
        by=w.mentee,
        times=[timezone.now() + timedelta(days=3)],
        plan=meetings.Plan(minutes=60, place=PLACE),
    )
    return [MENTEE, MENTOR]


def meeting_confirmed(w: World) -> list[str]:
    meeting_arranged(w)
    return [MENTEE, MENTOR, PLACE]


def meeting_cancelled(w: World) -> list[str]:
    w.run(meetings.cancel, meeting=meeting_arranged(w), by=w.mentee)
    return [MENTEE, MENTOR]


def meeting_reminder(w: World) -> list[str]:
    meeting = meeting_arranged(w)
    mentorship_emails.meeting_reminder(meeting.pk, meeting.sequence)
    return [MENTEE, MENTOR, PLACE]


def meeting_log_prompt(w: World) -> list[str]:
    meeting = meeting_arranged(w)
    mentorship_emails.meeting_log_prompt(meeting.pk, meeting.sequence)
    return [MENTEE, MENTOR]


def partner_left(w: World) -> list[str]:
    w.accepted()
    w.run(Profile.objects.get(pk=w.mentee.pk).delete)
    return [MENTOR, PROGRAM]


def propose_agreement(w: World) -> Mentorship:
    """The mentee proposes an agreement whose goal's success is in typed words."""
    m = w.accepted()
    terms = Terms([GoalTerms("networking", MESSAGE, 2)], 2, 6, NOTE)
    w.run(agreements.propose, mentorship=m, by=w.mentee, terms=terms)
    return m


def agreement_changes(w: World) -> list[str]:
    m = propose_agreement(w)
    w.run(agreements.suggest_changes, mentorship=m, by=w.mentor, note=NOTE)
    return [MENTEE, MENTOR, NOTE]


def agreement_agreed(w: World) -> list[str]:
    m = propose_agreement(w)
    w.run(agreements.confirm, mentorship=m, by=w.mentor)
    return [MENTEE, MENTOR, MESSAGE]


def agreement_proposed(w: World) -> list[str]:
    propose_agreement(w)
    return [MENTEE, MENTOR, MESSAGE]


def sponsorship_recorded(w: World) -> list[str]:
    """The mentor records an introduction; the email names it, never the note."""
    from mentorships import sponsorships

    m = w.accepted()
    w.run(
        sponsorships.record,
        mentorship=m,
        by=w.mentor,
        kind="introduced",
        happened_on=timezone.localdate(),
        note=NOTE,
    )
    return [MENTEE, MENTOR, PROGRAM]


TERM_CYCLE = 'Spring "27" & Ma\'s Cohort'


def term_asked(w: World) -> Mentorship:
    """A mentorship of a cycle whose term ended yesterday, asked to close by the clock."""
    cycle = CycleFactory(
        program=w.program, name=TERM_CYCLE, ends_on=timezone.localdate() - timedelta(1)
    )
    Profile.objects.filter(pk=w.mentee.pk).update(cycle=cycle)
    m = w.accepted()
    Mentorship.objects.filter(pk=m.pk).update(started_at=timezone.now() - timedelta(days=60))
    w.run(mentorship_terms.close_terms, now=timezone.now())
    m.refresh_from_db()
    return m


def term_ended(w: World) -> list[str]:
    term_asked(w)
    return [MENTEE, MENTOR, PROGRAM, TERM_CYCLE]


def term_choice(w: World) -> list[str]:
    m = term_asked(w)
    w.run(mentorship_terms.keep_going, mentorship=m, by=w.mentee)
    w.run(mentorship_terms.keep_going, mentorship=m, by=w.mentor)
    return [MENTEE, MENTOR, PROGRAM, TERM_CYCLE]


def welcome(w: World) -> list[str]:
    w.mentor.user.email = ADDRESS
    w.mentor.user.save(update_fields=["email"])
    profile_emails.welcome(w.mentor.user_id)
    return [ADDRESS]


def invitation(w: World) -> list[str]:
    user = w.mentee.user
    user.password = make_password(None)
    user.save(update_fields=["password"])
    profile_emails.invitation(user.pk, w.program.pk)
    return [MENTEE, PROGRAM]


ROUND = 'Autumn "28" & Co\'s'


def new_cycle(w: World):
    from profiles.models import Cycle
    from tests.factories import CycleFactory

    return CycleFactory(program=w.program, name=ROUND, state=Cycle.State.REGISTRATION)


def take_part_again(w: World) -> list[str]:
    profile_emails.take_part_again(w.mentee.pk, new_cycle(w).pk)
    return [MENTEE, PROGRAM, ROUND]


def continuation_asked(w: World) -> list[str]:
    w.accepted()
    c = Continuation.objects.create(cycle=new_cycle(w), mentor=w.mentor, mentee=w.mentee)
    mentorship_emails.continuation_asked(c.pk)
    return [MENTEE, MENTOR, PROGRAM, ROUND]


def continued(w: World) -> list[str]:
    w.accepted()
    cycle = new_cycle(w)
    for person in (w.mentee, w.mentor):
        cycles.enrol(profile=person, cycle=cycle)
    c = Continuation.objects.create(
        cycle=cycle, mentor=w.mentor, mentee=w.mentee, mentee_agrees=True
    )
    w.run(lifecycle.continue_pair, continuation=c)
    return [MENTEE, PROGRAM, ROUND]  # the mentor's email, the last sent


def follow_up(w: World) -> list[str]:
    """Six months after the mentorship closed: the page's link, never a question's answer."""
    from mentorships import follow_ups

    m = w.accepted()
    w.run(lifecycle.end, mentorship=m, by=w.mentee, reason="goals_met", note=NOTE)
    Mentorship.objects.filter(pk=m.pk).update(ended_at=timezone.now() - timedelta(days=200))
    w.run(follow_ups.send_due, timezone.now())
    return [MENTEE, MENTOR, PROGRAM]


def role_granted(w: World) -> list[str]:
    by = program_admin(w.program, first_name="Siobhán", last_name="O'Brien & Sons")
    w.run(roles.grant, program=w.program, user=w.mentor.user, role="coordinator", by=by)
    return [PROGRAM, "Siobhán O'Brien & Sons"]


def role_invitation(w: World) -> list[str]:
    by = program_admin(w.program, first_name="Siobhán", last_name="O'Brien & Sons")
    w.run(roles.invite, program=w.program, email=ADDRESS, role="admin", by=by)
    return [PROGRAM, "Siobhán O'Brien & Sons", ADDRESS]


def weekly_digest(w: World) -> list[str]:
    m = w.accepted()
    Mentorship.objects.filter(pk=m.pk).update(
        health=Mentorship.Health.LOW_RATING, health_flagged_at=timezone.now() - timedelta(days=1)
    )
    admin = program_admin(w.program)
    dashboard_emails.weekly_digest(admin.pk, "2026-W49")
    return [MENTEE, MENTOR, PROGRAM]


EMAILS = [
    suggestions_ready,
    request_received,
    mentor_paused,
    from_the_clock,
    returned,
    request_accepted,
    ended,
    close_out_asked,
    matched,
    partner_left,
    meeting_proposed,
    meeting_confirmed,
    meeting_cancelled,
    meeting_reminder,
    meeting_log_prompt,
    new_message,
    message_reported,
    agreement_proposed,
    agreement_changes,
    agreement_agreed,
    sponsorship_recorded,
    term_ended,
    term_choice,
    welcome,
    invitation,
    take_part_again,
    continuation_asked,
    continued,
    follow_up,
    role_granted,
    role_invitation,
    weekly_digest,
]


@pytest.fixture(params=EMAILS, ids=lambda e: e.__name__)
def sent(request, program, django_capture_on_commit_callbacks):
    """(the email, the typed strings it shows) for each kind of email."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    kind = request.param.__name__
    typed = request.param(World(program, run))
    found = [m for m in mail.outbox if m.extra_headers.get("X-Kindred-Email") == kind]
    assert found, f"no {kind} email was sent"
    return found[-1], typed


def html_of(email) -> str:
    (html, kind), *more = email.alternatives
    assert kind == "text/html" and not more
    return html


def test_every_email_has_a_plain_text_part_and_an_html_part_in_the_house_style(sent):
    email, _ = sent
    kind = email.extra_headers["X-Kindred-Email"]
    assert email.content_subtype == "plain" and email.body.strip()
    html = html_of(email)
    assert html.startswith("<!DOCTYPE html>")
    assert f'data-kindred-email="{kind}"' in html  # its own template, on the base
    assert f'<a href="{settings.SITE_URL}/" style="font-size: 22px' in html  # the wordmark
    assert "max-width: 600px" in html
    assert "<style" not in html and "<link" not in html  # inline styles only
    assert "You get this" in html  # the footer says why


def test_every_email_has_a_button_for_its_main_action(sent):
    email, _ = sent
    html = html_of(email)
    button = html.split('style="display: inline-block; padding: 12px 24px;', 1)
    assert len(button) == 2, "no button"
    assert f'<a href="{settings.SITE_URL}/' in button[0].rsplit("<table", 1)[-1]


def test_no_email_shows_html_entities_in_its_text_or_subject(sent):
    email, typed = sent
    for entity in ENTITIES:
        assert entity not in email.subject
        assert entity not in email.body
    for text in typed:
        assert text in email.body or text in email.subject


def test_what_people_typed_is_escaped_in_the_html_part(sent):
    email, typed = sent
    html = html_of(email)
    words = html.split("You get this", 1)[0]  # the email's own words, above the footer
    for text in typed:
        assert escape(text) in html
        assert text not in html
        assert words.count(escape(text)) == email.body.count(text)  # whole, never cut by a link
    assert "<b>now</b>" not in html


def test_participants_emails_link_to_their_settings(sent):
    email, _ = sent
    html = html_of(email)
    kind = email.extra_headers["X-Kindred-Email"]
    if kind in ("invitation", "role_invitation"):  # nothing to set until they choose a password
        assert "settings" not in html.lower().split("you get this", 1)[1]
    elif kind == "weekly_digest":
        assert "/programs/me/digest/" in html
    else:
        assert f"{settings.SITE_URL}/privacy/" in html


def test_every_email_template_has_an_html_part_on_the_house_base():
    """A new email is written with its HTML template, and is added to EMAILS above."""
    bodies = sorted(Path(settings.BASE_DIR).glob("*/templates/*/email/*_body.txt"))
    kinds = {body.name.removesuffix("_body.txt") for body in bodies}
    assert kinds == {e.__name__ for e in EMAILS}
    for body in bodies:
        html = body.with_name(body.name.replace(".txt", ".html"))
        assert html.read_text().startswith('{% extends "email/base.html" %}'), html
