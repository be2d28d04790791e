"""What the workspace shows of a pair's meetings, for one of its two people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.utils import timezone

from profiles.models import Profile, Tag

from .meeting_forms import PageLogForm, PickForm
from .meetings import MAX_OPEN, agenda_goals
from .models import Meeting, Mentorship
from .times import for_person, in_both_zones, length


@dataclass
class Shown:
    """One meeting as one side sees it: its time in both zones, what they can do."""

    meeting: Meeting
    when: str = ""  # the time picked, in both zones
    day: str = ""  # and in the viewer's alone
    length: str = ""
    mine: bool = False  # the times on offer are the viewer's own proposal
    offered: list[str] = field(default_factory=list)  # the times on offer still to come
    passed: list[str] = field(default_factory=list)  # and those now past
    over: bool = False
    agenda: list[Tag] = field(default_factory=list)
    discussed: list[Tag] = field(default_factory=list)
    logged_by_me: bool = False
    pick_form: forms.Form | None = None
    log_form: forms.Form | None = None


def shown(meeting: Meeting, me: Profile, other: Profile | None, goals, now: datetime) -> Shown:
    card = Shown(
        meeting=meeting,
        when=in_both_zones(meeting.starts_at, me, other) if meeting.starts_at else "",
        day=for_person(meeting.starts_at, me) if meeting.starts_at else "",
        length=length(meeting.minutes),
        mine=meeting.proposed_by_id == me.pk,
        over=meeting.is_over(now),
        agenda=list(meeting.agenda.all()),
        discussed=list(meeting.discussed.all()),
        logged_by_me=meeting.logged_by_id == me.pk,
    )
    ids = f"meeting-{meeting.pk}-%s"
    if meeting.status == Meeting.Status.PROPOSED:
        for option in meeting.options.all():
            later = option.starts_at > now
            (card.offered if later else card.passed).append(
                in_both_zones(option.starts_at, me, other)
            )
        if not card.mine and other is not None:
            card.pick_form = PickForm(meeting=meeting, me=me, other=other, now=now, auto_id=ids)
    elif meeting.status == Meeting.Status.CONFIRMED and card.over:
        card.log_form = PageLogForm(meeting=meeting, goals=goals, auto_id=ids)
    return card


def page_part(m: Mentorship, me: Profile, now: datetime | None = None) -> dict:
    """The workspace's meetings: those still to settle, and the session log."""
    now = now or timezone.now()
    other = m.other_side(me)
    goals = agenda_goals(m)
    meetings = m.meetings.select_related("logged_by").prefetch_related(
        "options", "agenda", "discussed"
    )
    # Once the mentorship has ended, only its log is left to read.
    still_open = [shown(x, me, other, goals, now) for x in meetings.open()] if m.is_paired else []
    return {
        "meetings_open": still_open,
        "session_log": [shown(x, me, other, goals, now) for x in meetings.logged()],
        "can_propose": m.is_paired and other is not None and len(still_open) < MAX_OPEN,
        "max_open_meetings": MAX_OPEN,
    }
