"""The People pages: finding a participant, their admin page, and pausing or
inviting them again from it."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching import suggestions
from matching.models import Suggestion
from mentorships.models import CheckIn, Mentorship
from profiles.models import AuditEntry, Profile, Program, SensitiveAccess, SentEmail
from tests.conftest import login
from tests.factories import (
    MentorFactory,
    ProfileFactory,
    UserFactory,
    coordinator,
    program_admin,
    tags,
)

pytestmark = pytest.mark.django_db


def people_url(program, **params) -> str:
    url = reverse("dashboard:people", args=[program.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def person_url(person, **params) -> str:
    url = reverse("dashboard:person", args=[person.program.slug, person.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def names(response) -> set[str]:
    return {p.display_name for p in response.context["page"].object_list}


def invited_user(**extra):
    """Someone imported and emailed an invitation who has not chosen a password yet."""
    user = UserFactory(password=UNUSABLE_PASSWORD_PREFIX + "imported", **extra)
    SentEmail.objects.create(key=f"welcome:{user.pk}", to=user)
    return user


def active(mentee, mentor, status="active") -> Mentorship:
    ended = {"end_reason": "goals_met", "ended_at": timezone.now()} if status == "ended" else {}
    return Mentorship.objects.create(
        program=mentee.program, mentee=mentee, mentor=mentor, status=status, **ended
    )


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_each_person_of_the_program_in_words(staff_client, program):
    mentor = MentorFactory(program=program, display_name="Ana Park", capacity=3)
    mentee = ProfileFactory(program=program, display_name="Ben Ode")
    active(mentee, mentor)
    Mentorship.objects.create(
        program=program, mentee=ProfileFactory(program=program), mentor=mentor
    )  # a request waiting
    ProfileFactory(program=Program.objects.create(name="Other", slug="other"), display_name="Cy")

    response = staff_client.get(people_url(program))

    assert response.status_code == 200
    assert "Cy" not in names(response)
    html = response.content.decode()
    assert "Ana Park" in html and mentor.user.email in html
    assert "2 of 3 places free · 1 request waiting" in html
    assert "Mentoring 1, has room" in html
    assert "Ben Ode" in html and "Matched" in html
    assert mentee.created_at.strftime("%-d %b %Y") in html
    assert f'href="{person_url(mentor)}"' in html


def test_search_finds_names_and_emails_in_any_case(staff_client, program):
    ProfileFactory(program=program, display_name="Grace Hopper")
    ProfileFactory(
        program=program, display_name="Someone", user=UserFactory(email="ada@lovelace.org")
    )
    ProfileFactory(program=program, display_name="Alan Turing")

    assert names(staff_client.get(people_url(program, q="grace"))) == {"Grace Hopper"}
    assert names(staff_client.get(people_url(program, q="LOVELACE"))) == {"Someone"}
    assert names(staff_client.get(people_url(program, q="nobody"))) == set()


def test_it_filters_by_role(staff_client, program):
    MentorFactory(program=program, display_name="A mentor")
    ProfileFactory(program=program, display_name="A mentee")

    assert names(staff_client.get(people_url(program, role="mentor"))) == {"A mentor"}
    assert names(staff_client.get(people_url(program, role="mentee"))) == {"A mentee"}


def test_it_filters_by_questionnaire_finished_or_not(staff_client, program):
    ProfileFactory(program=program, display_name="Done")
    ProfileFactory(program=program, display_name="Half", steps_done=["about"])

    assert names(staff_client.get(people_url(program, questionnaire="done"))) == {"Done"}
    assert names(staff_client.get(people_url(program, questionnaire="unfinished"))) == {"Half"}


@pytest.fixture
def states(program):
    """One person in each state the filter names."""
    full = MentorFactory(program=program, display_name="Full", capacity=1)
    busy = MentorFactory(program=program, display_name="Busy", capacity=2)
    MentorFactory(program=program, display_name="Idle", capacity=2)
    MentorFactory(program=program, display_name="Paused", is_paused=True)
    MentorFactory(program=program, display_name="Closed", capacity=0)
    MentorFactory(program=program, display_name="Unready mentor", steps_done=["about"])
    active(ProfileFactory(program=program, display_name="Matched one"), full)
    active(ProfileFactory(program=program, display_name="Matched two"), busy, "accepted")
    waiting = ProfileFactory(program=program, display_name="Waiting")
    ProfileFactory(program=program, display_name="Unready mentee", steps_done=["about"])
    active(ProfileFactory(program=program, display_name="Ended, waiting again"), busy, "ended")
    return waiting


@pytest.mark.parametrize(
    "state, expected",
    [
        ("waiting", {"Waiting", "Ended, waiting again"}),
        ("matched", {"Matched one", "Matched two", "Full", "Busy"}),
        ("paused", {"Paused"}),
        ("full", {"Full"}),
        ("idle", {"Idle"}),
        ("closed", {"Closed"}),
    ],
)
def test_it_filters_by_state(staff_client, program, states, state, expected):
    assert names(staff_client.get(people_url(program, state=state))) == expected


def test_it_filters_by_the_day_people_joined(staff_client, program):
    early = ProfileFactory(program=program, display_name="Early")
    middle = ProfileFactory(program=program, display_name="Middle")
    ProfileFactory(program=program, display_name="Today")
    now = timezone.localtime()
    Profile.objects.filter(pk=early.pk).update(created_at=now - timedelta(days=30))
    Profile.objects.filter(pk=middle.pk).update(created_at=now - timedelta(days=10))
    day = (now - timedelta(days=10)).date().isoformat()
    before = (now - timedelta(days=1)).date().isoformat()

    assert names(staff_client.get(people_url(program, joined_from=day))) == {"Middle", "Today"}
    assert names(staff_client.get(people_url(program, joined_to=day))) == {"Early", "Middle"}
    both = staff_client.get(people_url(program, joined_from=day, joined_to=before))
    assert names(both) == {"Middle"}


def test_a_to_date_before_the_from_date_is_a_form_error_and_is_left_out(staff_client, program):
    ProfileFactory(program=program, display_name="Anyone")

    response = staff_client.get(
        people_url(program, joined_from="2026-05-10", joined_to="2026-05-01")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "Earlier than “Joined on or after” (10 May 2026)" in form.errors["joined_to"][0]
    html = response.content.decode()
    assert "This filter was left out" in html and "Joined on or before" in html
    assert names(response) == {"Anyone"}  # the valid "from" alone: everyone joined since


def test_a_date_that_is_not_a_date_is_a_form_error(staff_client, program):
    ProfileFactory(program=program, display_name="Anyone")

    response = staff_client.get(people_url(program, joined_from="31/02/2026", state="nonsense"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"joined_from", "state"}
    assert names(response) == {"Anyone"}


def test_it_finds_people_invited_who_never_logged_in(staff_client, program):
    ProfileFactory(program=program, display_name="Invited", user=invited_user())
    came = invited_user(last_login=timezone.now())
    ProfileFactory(program=program, display_name="Invited, then in", user=came)
    ProfileFactory(program=program, display_name="Signed up")
    uninvited = UserFactory(password=UNUSABLE_PASSWORD_PREFIX + "x")
    ProfileFactory(program=program, display_name="Imported, never invited", user=uninvited)

    assert names(staff_client.get(people_url(program, invited="on"))) == {"Invited"}


def test_the_list_is_paginated_fifty_a_page(staff_client, program):
    for i in range(51):
        ProfileFactory(program=program, display_name=f"Person {i:02d}")

    first = staff_client.get(people_url(program, role="mentee"))
    second = staff_client.get(people_url(program, role="mentee", page=2))
    beyond = staff_client.get(people_url(program, role="mentee", page=99))

    assert len(first.context["page"].object_list) == 50
    assert names(second) == {"Person 50"}
    assert names(beyond) == {"Person 50"}
    assert "role=mentee&amp;page=2" in first.content.decode()


def test_the_list_takes_the_same_few_queries_however_many_people(
    staff_client, program, django_assert_max_num_queries
):
    mentors = [MentorFactory(program=program) for _ in range(2)]
    active(ProfileFactory(program=program), mentors[0])
    with CaptureQueriesContext(connection) as few:
        staff_client.get(people_url(program))
    mentors += [MentorFactory(program=program) for _ in range(5)]
    for i in range(40):
        mentee = ProfileFactory(program=program)
        if i < 10:
            active(mentee, mentors[i % 7])

    # The page's own: how many there are, and the page of them with their state.
    with django_assert_max_num_queries(len(few)):
        response = staff_client.get(people_url(program))
    assert len(response.context["page"].object_list) == 48


def test_search_as_you_type_gets_the_results_alone(staff_client, program):
    ProfileFactory(program=program, display_name="Grace Hopper")

    response = staff_client.get(people_url(program, q="grace"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert '<section id="people-results"' in html and "<form" not in html
    assert 'id="people-status" hx-swap-oob="innerHTML">1 person found' in html


def test_the_dashboard_nav_links_to_people(staff_client, program):
    html = staff_client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert f'href="{people_url(program)}"' in html


# --- access --------------------------------------------------------------------------------


def test_people_who_do_not_run_the_program_get_404_on_every_people_url(client, program):
    mentor = MentorFactory(program=program)
    s = program.slug
    urls = [
        ("get", people_url(program)),
        ("get", person_url(mentor)),
        ("post", reverse("dashboard:person_pause", args=[s, mentor.pk])),
        ("post", reverse("dashboard:person_invite", args=[s, mentor.pk])),
    ]
    for outsider in (ProfileFactory(program=program).user, UserFactory(is_staff=True)):
        login(client, outsider)
        for method, url in urls:
            answer = getattr(client, method)(url, {"confirm": "yes", "paused": "yes"})
            assert answer.status_code == 404, url
    assert not Profile.objects.get(pk=mentor.pk).is_paused


def test_a_coordinator_reads_people_and_neither_pauses_nor_invites(client, program):
    mentor = MentorFactory(program=program)
    invitee = ProfileFactory(program=program, user=invited_user())
    s = program.slug
    pause = reverse("dashboard:person_pause", args=[s, mentor.pk])
    invite = reverse("dashboard:person_invite", args=[s, invitee.pk])
    login(client, coordinator(program))
    assert client.get(people_url(program)).status_code == 200
    page = client.get(person_url(mentor)).content.decode()
    assert pause not in page and "Pause: no new requests" not in page
    page = client.get(person_url(invitee)).content.decode()
    assert invite not in page and "Resend invitation" not in page
    assert "Pausing a mentor and sending invitations are for the program's admins." in page
    emails = SentEmail.objects.count()
    assert client.post(pause, {"confirm": "yes", "paused": "yes"}).status_code == 403
    assert client.post(invite, {"confirm": "yes", "seen": "0"}).status_code == 403
    assert not Profile.objects.get(pk=mentor.pk).is_paused
    assert SentEmail.objects.count() == emails and not AuditEntry.objects.exists()
    # The admin sees both buttons.
    login(client, program_admin(program))
    assert pause in client.get(person_url(mentor)).content.decode()
    assert invite in client.get(person_url(invitee)).content.decode()


def test_a_person_of_another_program_is_404(staff_client, program):
    other = Program.objects.create(name="Other", slug="other")
    stranger = MentorFactory(program=other)

    url = reverse("dashboard:person", args=[program.slug, stranger.pk])
    assert staff_client.get(url).status_code == 404
    pause = reverse("dashboard:person_pause", args=[program.slug, stranger.pk])
    assert staff_client.post(pause, {"confirm": "yes", "paused": "yes"}).status_code == 404
    assert not Profile.objects.get(pk=stranger.pk).is_paused


@pytest.fixture
def plain_client(program):
    """An admin without the right to read background answers, beside ``exact_client``."""
    return login(Client(), program_admin(program))


# --- one person ----------------------------------------------------------------------------


@pytest.fixture
def background(program):
    mentee = ProfileFactory(program=program, display_name="Dana Kim", headline="Designer")
    mentee.background.set(tags("heritage", "korean"))
    mentee.heritage_note = "Grew up in Busan"
    mentee.save()
    return mentee


def test_the_person_page_shows_their_answers_but_not_their_background(staff_client, background):
    response = staff_client.get(person_url(background, background="show"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Designer" in html and background.user.email in html
    assert "Korean" not in html and "Busan" not in html
    assert "Show background answers" not in html
    assert not SensitiveAccess.objects.exists()


def test_background_answers_show_only_when_asked_and_each_view_is_recorded(
    exact_client, background
):
    page = exact_client.get(person_url(background)).content.decode()
    assert "Show background answers" in page and "Korean" not in page
    assert not SensitiveAccess.objects.exists()

    shown = exact_client.get(person_url(background, background="show")).content.decode()

    assert "Korean" in shown and "Grew up in Busan" in shown
    access = SensitiveAccess.objects.get()
    assert access.profile == background and access.program == background.program
    assert access.viewer.program_roles.get().may_read_background
    assert "People page" in access.what


def test_a_mentees_suggestions_show_with_scores_and_reasons(staff_client, program):
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, display_name="Mo Mentor", goals=["networking"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    listed = Suggestion.objects.get(mentee=mentee, mentor=mentor)

    html = staff_client.get(person_url(mentee)).content.decode()

    assert "Mo Mentor" in html and f"<strong>{listed.score:.0f}</strong>/100" in html
    assert "#1" in html and "networking" in html
    mentor_page = staff_client.get(person_url(mentor)).content.decode()
    assert "Listed for mentees" in mentor_page and mentee.display_name in mentor_page


def test_reasons_naming_background_answers_need_the_permission(plain_client, exact_client, program):
    mentee = ProfileFactory(program=program)
    mentor = MentorFactory(program=program)
    Suggestion.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        score=70,
        rank=1,
        reasons=["Both speak English", "Shared background: Korean"],
    )

    plain = plain_client.get(person_url(mentee, background="show")).content.decode()
    assert "Both speak English" in plain and "Korean" not in plain
    assert "Korean" not in exact_client.get(person_url(mentee)).content.decode()
    assert "Korean" in exact_client.get(person_url(mentee, background="show")).content.decode()


def test_the_person_page_shows_requests_mentorships_check_ins_and_emails(staff_client, program):
    mentee = ProfileFactory(program=program, display_name="Eve Mentee")
    mentor = MentorFactory(program=program, display_name="Finn Mentor")
    declined = MentorFactory(program=program, display_name="Gil Busy")
    m = active(mentee, mentor)
    CheckIn.objects.create(mentorship=m, author=mentee, rating=2, note="private words")
    Mentorship.objects.create(
        program=program,
        mentee=mentee,
        mentor=declined,
        status="declined",
        decline_reason="timing",
        ended_by="mentor",
        decided_at=timezone.now(),
    )
    SentEmail.objects.create(key=f"request-answered:{m.pk}", to=mentee.user)
    SentEmail.objects.create(key=f"told:{m.pk}", to=mentee.user)  # a marker, not an email

    html = staff_client.get(person_url(mentee)).content.decode()

    assert "Finn Mentor" in html and "Gil Busy" in html
    assert "Declined: “Our schedules or time zones will not work”" in html
    assert "mentee 2/5" in html and "private words" not in html
    assert "Their request was accepted" in html
    assert 'Emails sent <span class="subtle">(1)</span>' in html


def test_the_person_page_takes_a_bounded_number_of_queries(
    staff_client, program, django_assert_max_num_queries
):
    mentor = MentorFactory(program=program)
    for _ in range(8):
        m = active(ProfileFactory(program=program), mentor, "ended")
        CheckIn.objects.create(mentorship=m, author=m.mentee, rating=4)
    with django_assert_max_num_queries(20):
        assert staff_client.get(person_url(mentor)).status_code == 200


def test_a_waiting_mentee_links_to_matching_by_hand(staff_client, program):
    mentee = ProfileFactory(program=program)
    html = staff_client.get(person_url(mentee)).content.decode()
    assert reverse("dashboard:manual_match", args=[program.slug, mentee.pk]) in html


# --- pause and resume ----------------------------------------------------------------------


def pause_url(person) -> str:
    return reverse("dashboard:person_pause", args=[person.program.slug, person.pk])


def test_pausing_asks_first_and_changes_nothing_until_confirmed(staff_client, program):
    mentor = MentorFactory(program=program, display_name="Hal Mentor")

    response = staff_client.post(pause_url(mentor), {"paused": "yes"})

    assert response.status_code == 200
    assert "What happens when you confirm" in response.content.decode()
    assert not Profile.objects.get(pk=mentor.pk).is_paused
    assert not AuditEntry.objects.exists()


def test_pausing_is_post_only(staff_client, program):
    mentor = MentorFactory(program=program)
    assert staff_client.get(pause_url(mentor)).status_code == 405


def test_a_confirmed_pause_pauses_and_is_audited_once_however_often_it_is_sent(
    staff_client, program
):
    mentor = MentorFactory(program=program, display_name="Hal Mentor")
    form = {"paused": "yes", "confirm": "yes", "reason": "On leave until June"}

    first = staff_client.post(pause_url(mentor), form)
    again = staff_client.post(pause_url(mentor), form, follow=True)

    assert first.status_code == 302 and first.url == person_url(mentor)
    assert Profile.objects.get(pk=mentor.pk).is_paused
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.PAUSE and entry.reason == "On leave until June"
    assert "Hal Mentor" in entry.summary and entry.details == {"profile": mentor.pk, "paused": True}
    assert "already paused" in again.content.decode()


def test_resuming_a_paused_mentor(staff_client, program):
    mentor = MentorFactory(program=program, is_paused=True)

    staff_client.post(pause_url(mentor), {"paused": "no", "confirm": "yes"})

    assert not Profile.objects.get(pk=mentor.pk).is_paused
    assert AuditEntry.objects.get().summary.startswith("Resumed")


def test_the_mentees_waiting_on_a_paused_mentor_are_told(
    staff_client, program, django_capture_on_commit_callbacks
):
    mentor = MentorFactory(program=program)
    mentee = ProfileFactory(program=program)
    Mentorship.objects.create(program=program, mentee=mentee, mentor=mentor)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(pause_url(mentor), {"paused": "yes", "confirm": "yes"})

    told = [m.to for m in mail.outbox if m.extra_headers["X-Kindred-Email"] == "mentor_paused"]
    assert told == [[mentee.user.email]]


def test_only_a_mentor_can_be_paused(staff_client, program):
    mentee = ProfileFactory(program=program)
    response = staff_client.post(pause_url(mentee), {"paused": "yes", "confirm": "yes"})
    assert response.status_code == 404


# --- invitations ---------------------------------------------------------------------------


def invite_url(person) -> str:
    return reverse("dashboard:person_invite", args=[person.program.slug, person.pk])


@pytest.fixture
def invitee(program):
    return ProfileFactory(program=program, display_name="Ivy Invited", user=invited_user())


def test_resending_an_invitation_asks_first(staff_client, invitee):
    person_page = staff_client.get(person_url(invitee)).content.decode()
    assert "Resend invitation" in person_page

    response = staff_client.post(invite_url(invitee))

    html = response.content.decode()
    assert response.status_code == 200 and invitee.user.email in html
    assert 'name="seen" value="0"' in html
    assert not mail.outbox and not AuditEntry.objects.exists()


def test_a_double_click_on_resend_sends_one_email(
    staff_client, invitee, django_capture_on_commit_callbacks
):
    form = {"confirm": "yes", "seen": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(invite_url(invitee), form)
        second = staff_client.post(invite_url(invitee), form, follow=True)

    assert first.status_code == 302
    assert [m.to for m in mail.outbox] == [[invitee.user.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.INVITE and invitee.user.email in entry.summary
    assert "no second email was sent" in second.content.decode()
    assert SentEmail.objects.filter(key=f"invitation:{invitee.user.pk}:1").exists()


def test_a_later_resend_sends_again(staff_client, invitee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(invite_url(invitee), {"confirm": "yes", "seen": "0"})
        asked = staff_client.post(invite_url(invitee)).content.decode()
        staff_client.post(invite_url(invitee), {"confirm": "yes", "seen": "1"})

    assert 'name="seen" value="1"' in asked
    assert len(mail.outbox) == 2 and AuditEntry.objects.count() == 2


def test_nobody_who_has_logged_in_is_invited_again(staff_client, program):
    person = ProfileFactory(program=program)

    assert "Resend invitation" not in staff_client.get(person_url(person)).content.decode()
    response = staff_client.post(invite_url(person), {"confirm": "yes", "seen": "0"})

    assert response.status_code == 302
    assert not mail.outbox and not AuditEntry.objects.exists()


# --- the overview's lists lead here --------------------------------------------------------


def test_the_overviews_lists_of_people_link_to_people_with_their_filter(
    staff_client, program, states
):
    html = staff_client.get(reverse("dashboard:program", args=[program.slug])).content.decode()

    for query in ("state=waiting", "state=full", "state=idle", "state=closed", "state=paused"):
        assert f'href="{people_url(program)}?{query}"' in html, query
    assert f'href="{people_url(program)}?questionnaire=unfinished"' in html
    assert f'href="{person_url(states)}"' in html  # a waiting mentee's name


def test_times_are_days_unless_the_viewer_may_read_background_answers(
    plain_client, exact_client, program
):
    mentee = ProfileFactory(program=program)
    sent = SentEmail.objects.create(key=f"suggestions-ready:{mentee.pk}:1", to=mentee.user)
    minute = timezone.localtime(sent.sent_at).strftime("%H:%M")

    assert minute not in plain_client.get(person_url(mentee)).content.decode()
    assert minute in exact_client.get(person_url(mentee)).content.decode()
