"""The sponsorship ledger's rules (mentorships/sponsorships.py): the mentor records,
corrects and deletes while the mentee has not confirmed; the mentee confirms and takes
it back; the dates it takes; the 90 days after a close; the counts admins may read."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships import lifecycle, sponsorships
from mentorships.exceptions import Invalid, Refused
from mentorships.models import Mentorship
from mentorships.outcome_models import SponsorshipAction

pytestmark = pytest.mark.django_db

Kind = SponsorshipAction.Kind


def started(m: Mentorship, on: datetime) -> Mentorship:
    Mentorship.objects.filter(pk=m.pk).update(started_at=on)
    m.refresh_from_db()
    return m


def record(m: Mentorship, **kwargs) -> SponsorshipAction:
    values = {"kind": Kind.INTRODUCED, "happened_on": timezone.localdate(), "note": "To Priya"}
    return sponsorships.record(mentorship=m, by=m.mentor, **(values | kwargs))


def ended(m: Mentorship, days_ago: int) -> Mentorship:
    lifecycle.end(mentorship=m, by=m.mentee, reason="goals_met", note="")
    Mentorship.objects.filter(pk=m.pk).update(ended_at=timezone.now() - timedelta(days=days_ago))
    m.refresh_from_db()
    return m


def test_the_mentor_records_an_act_of_sponsorship(accepted):
    action = record(accepted, kind=Kind.NOMINATED, note="  For the Rising Star award  ")
    assert action.kind == Kind.NOMINATED
    assert action.note == "For the Rising Star award"
    assert action.recorded_by == accepted.mentor
    assert not action.is_confirmed


def test_the_mentee_cannot_record_for_themselves(accepted):
    with pytest.raises(Refused, match="Only the mentor"):
        sponsorships.record(
            mentorship=accepted,
            by=accepted.mentee,
            kind=Kind.INTRODUCED,
            happened_on=timezone.localdate(),
        )
    assert not SponsorshipAction.objects.exists()


def test_nothing_is_recorded_before_a_mentorship_is_under_way(requested):
    with pytest.raises(Refused, match="once a mentorship is under way"):
        record(requested)


def test_the_mentee_is_emailed_with_a_link_to_confirm(accepted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        action = record(accepted)
    (email,) = [e for e in mail.outbox if e.to == [accepted.mentee.user.email]]
    assert email.extra_headers["X-Kindred-Email"] == "sponsorship_recorded"
    assert f"/m/{accepted.pk}/sponsorship/" in email.body
    assert "introduced you to someone" in email.body
    assert action.note not in email.body  # read on the page, not in an inbox


def test_an_entry_confirmed_before_its_email_goes_sends_none(accepted):
    from mentorships import emails

    action = record(accepted)
    sponsorships.confirm(action=action, by=accepted.mentee)
    assert emails.sponsorship_recorded(action.pk) is False
    assert emails.sponsorship_recorded(999999) is False


def test_the_email_goes_once_however_often_its_task_runs(accepted):
    from mentorships import emails

    action = record(accepted)
    assert emails.sponsorship_recorded(action.pk) is True
    assert emails.sponsorship_recorded(action.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("kind", ["", "coffee", None])
def test_a_kind_is_required_and_must_be_one_of_the_four(accepted, kind):
    with pytest.raises(Invalid) as refused:
        record(accepted, kind=kind)
    assert refused.value.errors == {"kind": ["Choose what you did for your mentee."]}
    assert not SponsorshipAction.objects.exists()


def test_a_date_in_the_future_is_refused_in_words(accepted):
    tomorrow = timezone.localdate() + timedelta(days=2)
    with pytest.raises(Invalid) as refused:
        record(accepted, happened_on=tomorrow)
    assert "in the future" in refused.value.errors["happened_on"][0]
    assert not SponsorshipAction.objects.exists()


def test_a_date_before_the_mentorship_began_is_refused_in_words(accepted):
    m = started(accepted, datetime(2026, 3, 10, 15, tzinfo=UTC))
    with pytest.raises(Invalid) as refused:
        record(m, happened_on=date(2026, 3, 9))
    assert refused.value.errors["happened_on"] == [
        "The date is before your mentorship began on 10 March 2026: the ledger keeps "
        "what you did as your mentee's mentor."
    ]
    assert record(m, happened_on=date(2026, 3, 10)).happened_on == date(2026, 3, 10)


def test_a_missing_date_is_refused(accepted):
    with pytest.raises(Invalid) as refused:
        record(accepted, happened_on=None)
    assert refused.value.errors == {"happened_on": ["Give the date it happened."]}


def test_today_is_the_mentors_today(accepted):
    """At 02:00 UTC it is still yesterday evening in New York, the mentor's zone."""
    now = datetime(2026, 6, 2, 2, 0, tzinfo=UTC)
    m = started(accepted, now - timedelta(days=30))
    with pytest.raises(Invalid, match="in the future"):
        sponsorships.record(
            mentorship=m, by=m.mentor, kind=Kind.INTRODUCED, happened_on=date(2026, 6, 2), now=now
        )
    action = sponsorships.record(
        mentorship=m, by=m.mentor, kind=Kind.INTRODUCED, happened_on=date(2026, 6, 1), now=now
    )
    assert action.happened_on == date(2026, 6, 1)


def test_an_overlong_note_is_refused_and_nothing_saved(accepted):
    with pytest.raises(Invalid) as refused:
        record(accepted, note="x" * 301)
    assert refused.value.errors == {
        "note": ["Please shorten the note to at most 300 characters: it has 301."]
    }
    assert not SponsorshipAction.objects.exists()


def test_the_note_is_optional(accepted):
    assert record(accepted, note="").note == ""


def test_the_mentor_still_records_within_90_days_of_the_close(accepted):
    m = ended(accepted, days_ago=89)
    assert record(m).pk


def test_after_90_days_the_ledger_is_closed_to_new_entries(accepted):
    m = ended(accepted, days_ago=91)
    with pytest.raises(Refused, match="closed more than 90 days ago"):
        record(m)


def test_the_window_after_the_close_follows_the_clock(accepted):
    """The same mentorship, the clock moved on: the day before and after the 90 days."""
    m = ended(accepted, days_ago=0)
    closes = m.ended_at + sponsorships.RECORD_AFTER_CLOSE
    for _ in range(2):  # asking twice answers the same
        assert sponsorships.why_not_record(m, m.mentor, now=closes - timedelta(minutes=1)) == ""
        assert "90 days" in sponsorships.why_not_record(m, m.mentor, now=closes + timedelta(1))


def test_a_request_that_never_started_takes_no_entries_even_when_closed(requested):
    lifecycle.withdraw(mentorship=requested)
    requested.refresh_from_db()
    with pytest.raises(Refused, match="once a mentorship is under way"):
        record(requested)


def test_the_mentor_corrects_an_unconfirmed_entry(accepted):
    action = record(accepted)
    edited = sponsorships.edit(
        action=action, by=accepted.mentor, kind=Kind.ADVOCATED, happened_on=action.happened_on
    )
    edited.refresh_from_db()
    assert (edited.kind, edited.note) == (Kind.ADVOCATED, "")


def test_an_edit_checks_the_date_as_a_new_entry_does(accepted):
    action = record(accepted)
    with pytest.raises(Invalid):
        sponsorships.edit(
            action=action,
            by=accepted.mentor,
            kind=Kind.ADVOCATED,
            happened_on=timezone.localdate() + timedelta(days=3),
        )
    action.refresh_from_db()
    assert action.kind == Kind.INTRODUCED


def test_a_confirmed_entry_stays_as_it_is(accepted):
    action = record(accepted)
    sponsorships.confirm(action=action, by=accepted.mentee)
    with pytest.raises(Refused, match="confirmed this entry"):
        sponsorships.edit(
            action=action, by=accepted.mentor, kind=Kind.NOMINATED, happened_on=action.happened_on
        )
    with pytest.raises(Refused, match="confirmed this entry"):
        sponsorships.delete(action=action, by=accepted.mentor)
    assert SponsorshipAction.objects.get().kind == Kind.INTRODUCED


def test_the_mentee_neither_edits_nor_deletes(accepted):
    action = record(accepted)
    with pytest.raises(Refused, match="Only the mentor"):
        sponsorships.edit(
            action=action, by=accepted.mentee, kind=Kind.NOMINATED, happened_on=action.happened_on
        )
    with pytest.raises(Refused, match="Only the mentor"):
        sponsorships.delete(action=action, by=accepted.mentee)
    assert SponsorshipAction.objects.count() == 1


def test_the_mentor_deletes_an_unconfirmed_entry_even_long_after_the_close(accepted):
    action = record(accepted)
    m = ended(accepted, days_ago=200)
    with pytest.raises(Refused, match="90 days"):
        sponsorships.edit(action=action, by=m.mentor, kind=Kind.NOMINATED, happened_on=date.today())
    sponsorships.delete(action=action, by=m.mentor)
    assert not SponsorshipAction.objects.exists()


def test_the_mentee_confirms_and_takes_it_back(accepted):
    action = record(accepted)
    at = timezone.now()
    assert sponsorships.confirm(action=action, by=accepted.mentee, now=at).confirmed_at == at
    again = sponsorships.confirm(action=action, by=accepted.mentee, now=at + timedelta(hours=1))
    assert again.confirmed_at == at  # confirming twice keeps the first
    assert sponsorships.unconfirm(action=action, by=accepted.mentee).confirmed_at is None
    # …and then the mentor may correct it
    sponsorships.edit(
        action=action, by=accepted.mentor, kind=Kind.RECOMMENDED, happened_on=action.happened_on
    )


def test_only_the_mentee_confirms(accepted):
    action = record(accepted)
    for step in (sponsorships.confirm, sponsorships.unconfirm):
        with pytest.raises(Refused, match="Only the mentee"):
            step(action=action, by=accepted.mentor)
    assert not SponsorshipAction.objects.get().is_confirmed


def test_the_mentee_confirms_long_after_the_close(accepted):
    action = record(accepted)
    m = ended(accepted, days_ago=400)
    assert sponsorships.confirm(action=action, by=m.mentee).is_confirmed


def test_a_deleted_entry_is_refused_in_words(accepted):
    action = record(accepted)
    SponsorshipAction.objects.filter(pk=action.pk).delete()
    with pytest.raises(Refused, match="no longer in the ledger"):
        sponsorships.confirm(action=action, by=accepted.mentee)


def test_counts_by_mentorship_and_by_kind_name_no_note(accepted, pool):
    first = record(accepted, kind=Kind.INTRODUCED)
    record(accepted, kind=Kind.NOMINATED)
    sponsorships.confirm(action=first, by=accepted.mentee)
    m = Mentorship.objects.with_sponsorship_counts().get(pk=accepted.pk)
    assert (m.sponsorship_count, m.sponsorship_confirmed_count) == (2, 1)
    mentee, mentors = pool
    lonely = Mentorship.objects.create(program=accepted.program, mentee=mentee, mentor=mentors[0])
    none = Mentorship.objects.with_sponsorship_counts().get(pk=lonely.pk)
    assert (none.sponsorship_count, none.sponsorship_confirmed_count) == (0, 0)
    tally = SponsorshipAction.objects.tally()
    assert tally == {
        "recorded": 2,
        "confirmed": 1,
        "mentorships": 1,
        "by_kind": {
            "introduced": {"recorded": 1, "confirmed": 1},
            "recommended": {"recorded": 0, "confirmed": 0},
            "nominated": {"recorded": 1, "confirmed": 0},
            "advocated": {"recorded": 0, "confirmed": 0},
        },
    }
    assert "To Priya" not in repr(tally)


def test_an_empty_ledger_tallies_to_zero():
    tally = SponsorshipAction.objects.tally()
    assert (tally["recorded"], tally["confirmed"], tally["mentorships"]) == (0, 0, 0)
