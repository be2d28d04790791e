"""What the sponsorship ledger shows each side of a pair: its own page, and its card
on the mentorship page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles.models import Profile

from .models import Mentorship
from .outcome_models import SponsorshipAction
from .sponsorship_forms import SponsorshipForm
from .sponsorships import RECORD_AFTER_CLOSE, open_until, why_not_record

LEFT = _("a member who has left Kindred")


@dataclass(frozen=True)
class Entry:
    action: SponsorshipAction
    # What was done, for the one reading: "You introduced Ana to someone" (the mentor),
    # "Sam introduced you to someone" (the mentee).
    said: str


def _entries(m: Mentorship, me: Profile) -> list[Entry]:
    is_mentor = me.pk == m.mentor_id
    mentee = m.mentee.name if m.mentee else gettext("your mentee")
    mentor = m.mentor.name if m.mentor else gettext("Your mentor")
    return [
        Entry(a, a.said_by_mentor(mentee) if is_mentor else a.said_to_mentee(mentor))
        for a in m.sponsorships.all()
    ]


def view(m: Mentorship, me: Profile, form: SponsorshipForm | None = None) -> dict:
    """The ledger's page for ``me``: the entries, and for the mentor the form, or why
    they may not record."""
    is_mentor = me.pk == m.mentor_id
    other = m.other_side(me)
    refusal = why_not_record(m, me) if is_mentor else ""
    entries = _entries(m, me)
    if is_mentor and not refusal:
        form = form or SponsorshipForm(initial={"happened_on": timezone.localdate()})
        bound(form, m)
    return {
        "m": m,
        "me": me,
        "is_mentor": is_mentor,
        "other_name": other.name if other else LEFT,
        "entries": entries,
        "confirmed": sum(e.action.is_confirmed for e in entries),
        "may_record": is_mentor and not refusal,
        "refusal": refusal,
        "form": form if is_mentor and not refusal else None,
        # After the close, how long the mentor has left to add what happened at the end.
        "open_until": open_until(m) if m.ended_at else None,
        "days_after_close": RECORD_AFTER_CLOSE.days,
    }


def bound(form: SponsorshipForm, m: Mentorship) -> None:
    """The date picker offers the days the rules take: from the start to today (the
    page's time zone is the reader's own)."""
    attrs = form.fields["happened_on"].widget.attrs
    attrs["max"] = timezone.localdate().isoformat()
    if m.started_at:
        attrs["min"] = timezone.localdate(m.started_at).isoformat()


def card(m: Mentorship, me: Profile) -> dict:
    """The ledger in one line, for the mentorship page."""
    actions = list(m.sponsorships.values_list("confirmed_at", flat=True))
    confirmed = sum(at is not None for at in actions)
    return {
        "sponsorship_count": len(actions),
        "sponsorship_confirmed": confirmed,
        "sponsorship_waiting": len(actions) - confirmed if me.pk == m.mentee_id else 0,
        "sponsorship_may_record": me.pk == m.mentor_id and not why_not_record(m, me),
    }
