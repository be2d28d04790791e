"""The sponsorship ledger's pages: the pair only (everyone else a 404, admins too), the
mentor's form and its errors, the mentee's confirmations, the card on the mentorship
page, and the admin's mentorship page with counts and never a note."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentorships import lifecycle, sponsorships
from mentorships.models import Mentorship
from mentorships.outcome_models import SponsorshipAction
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, coordinator, program_admin

pytestmark = pytest.mark.django_db

NOTE = "Introduced to Priya Shah, head of data at Acme & Co"


def entry(m: Mentorship, **kwargs) -> SponsorshipAction:
    values = {"kind": "introduced", "happened_on": timezone.localdate(), "note": NOTE}
    return sponsorships.record(mentorship=m, by=m.mentor, **(values | kwargs))


def ledger_url(m: Mentorship) -> str:
    return reverse("mentorships:sponsorship", args=[m.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def visitors(m: Mentorship) -> dict:
    program = m.program
    return {
        "mentee": m.mentee.user,
        "mentor": m.mentor.user,
        "third mentee": ProfileFactory(program=program).user,
        "third mentor": MentorFactory(program=program).user,
        "admin": program_admin(program),
        "coordinator": coordinator(program),
    }


# name → (method, the two sides' answers), for an accepted mentorship with an unconfirmed entry
URLS = {
    "mentorships:sponsorship": ("get", {"mentee": 200, "mentor": 200}),
    "mentorships:sponsorship_edit": ("get", {"mentee": 404, "mentor": 200}),
    "mentorships:sponsorship_delete": ("post", {"mentee": 404, "mentor": 200}),  # asks first
    "mentorships:sponsorship_confirm": ("post", {"mentee": 302, "mentor": 404}),
    "mentorships:sponsorship_unconfirm": ("post", {"mentee": 302, "mentor": 404}),
}
WHO = ["mentee", "mentor", "third mentee", "third mentor", "admin", "coordinator", "anonymous"]


@pytest.mark.parametrize("who", WHO)
def test_only_the_pair_opens_the_ledger_each_side_its_own_steps(client, accepted, who):
    action = entry(accepted)
    users = visitors(accepted)
    if who != "anonymous":
        login(client, users[who])
    for name, (method, answers) in URLS.items():
        args = [accepted.pk] if name == "mentorships:sponsorship" else [accepted.pk, action.pk]
        response = getattr(client, method)(reverse(name, args=args))
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response.url, name
        else:
            assert response.status_code == answers.get(who, 404), (name, who)
    action.refresh_from_db()
    assert SponsorshipAction.objects.count() == 1
    assert action.note == NOTE


def test_anyone_but_the_mentor_posting_the_form_records_nothing(client, accepted):
    login(client, accepted.mentee.user)
    data = {"kind": "nominated", "happened_on": timezone.localdate().isoformat()}
    response = client.post(ledger_url(accepted), data, follow=True)
    assert "Only the mentor records sponsorship" in text(response)
    login(client, program_admin(accepted.program))
    assert client.post(ledger_url(accepted), data).status_code == 404
    assert not SponsorshipAction.objects.exists()


def test_an_entry_of_another_mentorship_is_a_404(client, accepted, pool):
    mentee, mentors = pool
    other = Mentorship.objects.create(
        program=accepted.program, mentee=mentee, mentor=mentors[0], status="accepted"
    )
    Mentorship.objects.filter(pk=other.pk).update(started_at=timezone.now())
    other.refresh_from_db()
    theirs = entry(other)
    login(client, accepted.mentee.user)
    url = reverse("mentorships:sponsorship_confirm", args=[accepted.pk, theirs.pk])
    assert client.post(url).status_code == 404
    assert not SponsorshipAction.objects.get().is_confirmed


def test_the_mentor_records_and_the_mentee_is_emailed(
    client, accepted, django_capture_on_commit_callbacks
):
    login(client, accepted.mentor.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ledger_url(accepted),
            {"kind": "recommended", "happened_on": timezone.localdate().isoformat(), "note": NOTE},
        )
    assert response.status_code == 302 and response.url.endswith("/sponsorship/#ledger")
    action = SponsorshipAction.objects.get()
    assert (action.kind, action.note, action.recorded_by) == ("recommended", NOTE, accepted.mentor)
    page = text(client.get(response.url))
    assert f"Recorded. {accepted.mentee.name} is emailed to confirm it." in page
    assert f"You recommended {accepted.mentee.name} for a role or project" in page
    assert f"Waiting for {accepted.mentee.name} to confirm" in page
    (email,) = [e for e in mail.outbox if e.to == [accepted.mentee.user.email]]
    assert "recommended you for a role or project" in email.body


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"happened_on": "today"}, "kind", "Choose what you did for your mentee."),
        ({"kind": "introduced"}, "happened_on", "Give the date it happened."),
        ({"kind": "introduced", "happened_on": "31/02/2026"}, "happened_on", "day, month and"),
        ({"kind": "introduced", "happened_on": "in future"}, "happened_on", "in the future"),
        ({"kind": "introduced", "happened_on": "long ago"}, "happened_on", "before your"),
        ({"kind": "introduced", "happened_on": "today", "note": "x" * 301}, "note", "at most 300"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(
    client, accepted, data, field, message
):
    days = {
        "today": timezone.localdate(),
        "in future": timezone.localdate() + timedelta(days=3),
        "long ago": timezone.localdate() - timedelta(days=400),
    }
    data = {k: days[v].isoformat() if v in days else v for k, v in data.items()}
    login(client, accepted.mentor.user)
    response = client.post(ledger_url(accepted), data)
    assert response.status_code == 200
    page = text(response)
    assert "Please check the form: each problem is marked below." in page
    errors = page.split(f'id="sponsorship-{field}_error"', 1)[1][:400]
    assert message in errors
    assert not SponsorshipAction.objects.exists()


def test_the_note_has_a_live_counter_and_is_not_cut_by_the_browser(client, accepted):
    login(client, accepted.mentor.user)
    page = client.get(ledger_url(accepted)).content.decode()
    assert 'data-maxlength="300"' in page
    assert 'id="sponsorship-note_count"' in page and "0 / 300 characters" in page
    assert 'maxlength="300"' not in page.replace('data-maxlength="300"', "")
    assert 'aria-describedby="sponsorship-note_helptext sponsorship-note_count"' in page


def test_the_mentor_edits_an_entry_on_its_own_page(client, accepted):
    action = entry(accepted)
    login(client, accepted.mentor.user)
    url = reverse("mentorships:sponsorship_edit", args=[accepted.pk, action.pk])
    assert NOTE in text(client.get(url))
    response = client.post(
        url, {"kind": "advocated", "happened_on": action.happened_on.isoformat(), "note": "Calib"}
    )
    assert response.status_code == 302 and response.url.endswith(f"#entry-{action.pk}")
    action.refresh_from_db()
    assert (action.kind, action.note) == ("advocated", "Calib")
    assert len(mail.outbox) == 0  # correcting is not news


def test_a_bad_edit_is_shown_on_the_form_and_changes_nothing(client, accepted):
    action = entry(accepted)
    login(client, accepted.mentor.user)
    url = reverse("mentorships:sponsorship_edit", args=[accepted.pk, action.pk])
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(url, {"kind": "advocated", "happened_on": future})
    assert response.status_code == 200 and "in the future" in text(response)
    action.refresh_from_db()
    assert action.kind == "introduced"


def test_a_confirmed_entry_cannot_be_opened_to_edit(client, accepted):
    action = entry(accepted)
    sponsorships.confirm(action=action, by=accepted.mentee)
    login(client, accepted.mentor.user)
    url = reverse("mentorships:sponsorship_edit", args=[accepted.pk, action.pk])
    response = client.post(url, {"kind": "advocated", "happened_on": "2026-01-01"}, follow=True)
    assert "has confirmed this entry, so it stays as it is" in text(response)
    assert SponsorshipAction.objects.get().kind == "introduced"
    page = text(client.get(ledger_url(accepted)))
    assert "Edit or delete" not in page


def test_deleting_asks_first(client, accepted):
    action = entry(accepted)
    login(client, accepted.mentor.user)
    url = reverse("mentorships:sponsorship_delete", args=[accepted.pk, action.pk])
    asked = client.post(url)
    assert asked.status_code == 200 and "Yes, delete the entry" in text(asked)
    assert SponsorshipAction.objects.exists()
    done = client.post(url, {"confirm": "yes"}, follow=True)
    assert "Entry deleted." in text(done)
    assert not SponsorshipAction.objects.exists()


def test_the_mentee_reads_the_note_and_confirms(client, accepted):
    action = entry(accepted)
    login(client, accepted.mentee.user)
    page = text(client.get(ledger_url(accepted)))
    assert f"{accepted.mentor.name} introduced you to someone" in page
    assert NOTE in page
    assert "Waiting for you to confirm" in page and ">Confirm</button>" in page
    confirm = reverse("mentorships:sponsorship_confirm", args=[accepted.pk, action.pk])
    page = text(client.post(confirm, follow=True))
    assert "Confirmed. Thank you." in page
    assert "Confirmed by you" in page and "Not quite right</button>" in page
    unconfirm = reverse("mentorships:sponsorship_unconfirm", args=[accepted.pk, action.pk])
    page = text(client.post(unconfirm, follow=True))
    assert "your confirmation is taken back" in page
    assert not SponsorshipAction.objects.get().is_confirmed


@pytest.mark.parametrize("side", ["mentor", "mentee"])
def test_an_empty_ledger_says_what_belongs_in_it(client, accepted, side):
    login(client, getattr(accepted, side).user)
    page = text(client.get(ledger_url(accepted)))
    if side == "mentor":
        assert "Nothing recorded yet." in page and "Record it</button>" in page
        assert "Mentoring is the advice you give" in page
    else:
        assert "Nothing here yet." in page and "it is fine to ask" in page
        assert "<form" not in page.split('id="ledger"', 1)[1].split("</section>", 1)[0]


def test_after_90_days_the_mentor_reads_the_ledger_without_a_form(client, accepted):
    entry(accepted)
    lifecycle.end(mentorship=accepted, by=accepted.mentee, reason="goals_met", note="")
    Mentorship.objects.filter(pk=accepted.pk).update(ended_at=timezone.now() - timedelta(days=100))
    login(client, accepted.mentor.user)
    page = text(client.get(ledger_url(accepted)))
    assert "closed more than 90 days ago" in page
    assert "Record it</button>" not in page
    assert NOTE in page and ">Delete<" in page


def test_within_90_days_of_the_close_the_mentor_is_told_until_when(client, accepted):
    lifecycle.end(mentorship=accepted, by=accepted.mentee, reason="goals_met", note="")
    accepted.refresh_from_db()
    login(client, accepted.mentor.user)
    page = text(client.get(ledger_url(accepted)))
    until = accepted.ended_at + timedelta(days=90)
    assert f"until {until:%-d %B %Y}" in page and "Record it</button>" in page


def test_the_mentorship_page_shows_the_ledger_in_one_line(client, accepted):
    first = entry(accepted)
    entry(accepted, kind="nominated")
    sponsorships.confirm(action=first, by=accepted.mentee)
    login(client, accepted.mentee.user)
    page = text(client.get(accepted.get_absolute_url()))
    assert (
        f"{accepted.mentor.name} has recorded 2 acts of sponsorship for you; 1 confirmed." in page
    )
    assert "1 to confirm" in page
    assert f'href="{ledger_url(accepted)}"' in page
    login(client, accepted.mentor.user)
    page = text(client.get(accepted.get_absolute_url()))
    assert f"You have recorded 2 acts of sponsorship for {accepted.mentee.name}" in page


def test_a_request_not_yet_accepted_has_no_sponsorship_card(client, requested):
    login(client, requested.mentor.user)
    assert 'id="sponsorship"' not in client.get(requested.get_absolute_url()).content.decode()


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_the_admins_mentorship_page_shows_counts_and_never_the_note(client, accepted, role):
    first = entry(accepted)
    entry(accepted, kind="nominated", note="For the Rising Star award")
    entry(accepted, kind="advocated", note="")
    sponsorships.confirm(action=first, by=accepted.mentee)
    program = accepted.program
    login(client, program_admin(program) if role == "admin" else coordinator(program))
    url = reverse("dashboard:mentorship", args=[program.slug, accepted.pk])
    page = text(client.get(url))
    assert "3 sponsorship actions recorded by the mentor, 1 confirmed by the mentee" in page
    for secret in (NOTE, "Priya", "Rising Star", "nominated", "Nominated"):
        assert secret not in page


def test_the_admins_page_says_when_none_was_recorded(client, accepted):
    login(client, program_admin(accepted.program))
    url = reverse("dashboard:mentorship", args=[accepted.program.slug, accepted.pk])
    assert "None recorded by the mentor" in text(client.get(url))
