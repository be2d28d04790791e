"""What a mentorship's page shows, gathered for its template."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from profiles.models import Profile

from . import (
    agreement_page,
    close_outs,
    meeting_page,
    notes,
    signals,
    sponsorship_page,
    terms,
    threads,
)
from .forms import CheckInForm, EndForm, TurnDownForm
from .models import Mentorship
from .visibility import can_see_background


def mentorship_page(m: Mentorship, me: Profile) -> dict:
    other = m.other_side(me)  # None once they have deleted their account
    parts = (
        []
        if other is None
        else signals.mentorship_page.send(sender=Mentorship, mentorship=m, viewer=me)
    )
    return {
        "m": m,
        "me": me,
        "other": other,
        "other_name": other.name if other else gettext("a member who has left Kindred"),
        "show_contact": m.is_paired and other is not None,
        "show_background": other is not None and can_see_background(other, me),
        # What other apps add about the pair (matching: why they were matched): HTML
        # their receivers rendered from templates, already escaped; a plain string
        # would be escaped on the page.
        "parts": [html for _, html in parts if html],
        "check_ins": list(m.check_ins.select_related("author")),
        # Both forms have a note: distinct ids keep each label on its own field.
        "check_in_form": CheckInForm(auto_id="check-in-%s"),
        "end_form": EndForm(auto_id="end-%s"),
        "turn_down_form": TurnDownForm(auto_id="turn-down-%s"),
        "side": m.side_of(me),
        "outcome": outcome(m, m.side_of(me)),
        # The cycle it belongs to, and what its end asks of the pair.
        "term": term(m, me),
        # Once it closed: the viewer's close-out survey, and the other's testimonial if shared.
        **close_outs.page_part(m, me),
        # Meetings still to settle, and the session log.
        **meeting_page.page_part(m, me),
        # The workspace: notes and action items; the thread's unread count.
        **notes.page_part(m, me),
        **threads.page_part(m, me),
        # The agreement's card and the guides for the pair's goals.
        **agreement_page.workspace(m, me),
        # The sponsorship ledger in one line.
        **sponsorship_page.card(m, me),
    }


def confirmation(m: Mentorship, me: Profile, action: str) -> dict:
    """What ending a mentorship (``end``) or turning down a match made for the
    pair (``turn_down``) will do, said before it is done."""
    other = m.other_side(me)
    name = other.name if other else gettext("the other side")
    said = {"name": name}
    mine = m.side_of(me)
    pool = (
        gettext("You go back among the suggestions: Kindred suggests other mentors to you.")
        if mine == "mentee"
        else gettext("Your place is free again for another mentee.")
    )
    theirs = (
        gettext("%(name)s goes back among the suggestions and gets a fresh list.") % said
        if mine == "mentor"
        else gettext("%(name)s's place is free again for another mentee.") % said
    )
    if action == "turn_down":
        return {
            "m": m,
            "me": me,
            "other_name": name,
            "action": action,
            "title": gettext("This match doesn't work for me: end it with %(name)s?") % said,
            "happens": [
                gettext("The mentorship ends at once."),
                gettext("%(name)s is told, and reads your reason exactly as you write it here.")
                % said,
                pool,
                theirs,
                gettext("Kindred will not suggest the two of you to each other again."),
            ],
            "confirm_label": gettext("Yes, end this match"),
        }
    return {
        "m": m,
        "me": me,
        "other_name": name,
        "action": action,
        "title": gettext("End your mentorship with %(name)s?") % said,
        "happens": [
            gettext("The mentorship ends at once; this cannot be undone."),
            gettext("%(name)s is told, with your reason and your note.") % said,
            gettext(
                "Your contact details are no longer shown to each other. "
                "Your check-ins stay on the mentorship page."
            ),
            pool,
            theirs,
        ],
        "confirm_label": gettext("Yes, end the mentorship"),
    }


def _day(d: date) -> str:
    return date_format(d, "DATE_FORMAT")


@dataclass(frozen=True)
class Term:
    """A mentorship's cycle on its page: ``line`` under the heading ("Spring 2027 ·
    runs until 30 June 2027"); once asked to close (``closing_on``), each side's
    choice to keep going and whether they may still make it."""

    line: str
    closing_on: date | None = None
    ended_on: date | None = None
    mine: datetime | None = None
    theirs: datetime | None = None
    may_choose: bool = False


def term(m: Mentorship, me: Profile, today: date | None = None) -> Term | None:
    """None for a mentorship of no cycle (a program without cycles)."""
    cycle = m.cycle
    if cycle is None:
        return None
    today = today or timezone.localdate()
    ends = cycle.ends_on
    if ends is None:
        return Term(gettext("%(cycle)s · no set end") % {"cycle": cycle.name})
    said = {"cycle": cycle.name, "date": _day(ends)}
    if not (m.is_paired and m.closing_on):
        if m.is_paired and _went_on(m) and ends < today:
            return Term(
                gettext("%(cycle)s · its term ended on %(date)s: you both chose to go on") % said
            )
        if ends >= today:
            return Term(gettext("%(cycle)s · runs until %(date)s") % said)
        return Term(gettext("%(cycle)s · ran until %(date)s") % said)
    mine, theirs = (
        (m.mentee_extends_at, m.mentor_extends_at)
        if m.side_of(me) == "mentee"
        else (m.mentor_extends_at, m.mentee_extends_at)
    )
    return Term(
        gettext("%(cycle)s · its term ended on %(date)s") % said,
        closing_on=m.closing_on,
        ended_on=ends,
        mine=mine,
        theirs=theirs,
        may_choose=terms.may_choose(m, today),
    )


def _went_on(m: Mentorship) -> bool:
    return bool(m.mentee_extends_at and m.mentor_extends_at)


def term_confirmation(m: Mentorship, me: Profile, action: str) -> dict:
    """What choosing to keep going after the term (``keep_going``), or taking that
    back (``take_back``), does, said before it is done."""
    other = m.other_side(me)
    name = other.name if other else gettext("the other side")
    closing = _day(m.closing_on) if m.closing_on else gettext("the day it closes")
    said = {"name": name, "date": closing}
    theirs = (m.mentor_extends_at if m.side_of(me) == "mentee" else m.mentee_extends_at) is not None
    if action == "keep_going":
        happens = (
            [
                gettext(
                    "%(name)s has chosen to keep going too: your mentorship does not close on "
                    "%(date)s. It goes on without an end date."
                )
                % said,
                gettext("%(name)s is told by email.") % said,
            ]
            if theirs
            else [
                gettext(
                    "Your mentorship goes on after the term once %(name)s chooses so too; until "
                    "then it still closes on %(date)s."
                )
                % said,
                gettext(
                    "%(name)s sees your choice on this page, and is told by email once you both "
                    "have chosen."
                )
                % said,
            ]
        )
        happens.append(
            gettext(
                "You can take it back until %(date)s, and either of you can end the "
                "mentorship at any time, as before."
            )
            % said
        )
        title = gettext("Keep going after the term?")
        label = gettext("Yes, keep going after the term")
    else:
        happens = [
            gettext(
                "Your mentorship closes on %(date)s as completed, unless you choose to keep "
                "going again before then."
            )
            % said,
            gettext("%(name)s is told by email, since you had both chosen to keep going.") % said
            if theirs
            else gettext("%(name)s sees on this page that you have not chosen to keep going.")
            % said,
        ]
        title = gettext("Take back your choice to keep going?")
        label = gettext("Yes, take it back")
    return {
        "m": m,
        "me": me,
        "other_name": name,
        "action": action,
        "title": title,
        "happens": happens,
        "confirm_label": label,
    }


@dataclass(frozen=True)
class Outcome:
    """How a request or mentorship closed, told to one side: a sentence of
    Kindred's, then the other person's own words exactly as they wrote them."""

    text: str
    when: datetime | None
    quotes: list[tuple[str, str]] = field(default_factory=list)


def outcome(m: Mentorship, side: str) -> Outcome | None:
    """Why ``m`` closed, for its ``side`` ("mentee" or "mentor"); None while open."""
    if m.is_open:
        return None
    Status = Mentorship.Status
    other = m.mentor if side == "mentee" else m.mentee
    # Someone who deleted their account is no longer named.
    if other:
        name = other.name
    else:
        name = gettext("the mentor") if side == "mentee" else gettext("the mentee")
    capital = name[:1].upper() + name[1:]
    said = {"name": name, "Name": capital}
    if m.status == Status.DECLINED:
        return _declined(m, side, capital)
    if m.status == Status.EXPIRED:
        if side == "mentee":
            text = gettext("Closed: %(Name)s did not answer within two weeks.") % said
        else:
            text = gettext("Closed: You did not answer within two weeks.")
        return Outcome(text, m.decided_at)
    if m.status == Status.WITHDRAWN:
        return Outcome(_withdrawn(m, side, name, capital), m.decided_at)
    by_me = m.ended_by == side
    if m.ended_by == "admin":
        text = gettext(
            "The program team ended this mentorship, so that each of you can be matched afresh."
        )
        return Outcome(text, m.ended_at)
    if m.end_reason == Mentorship.EndReason.TERM_ENDED:
        if m.cycle:
            text = gettext("Completed at the end of the term of %(cycle)s.") % {
                "cycle": m.cycle.name
            }
        else:
            text = gettext("Completed at the end of the term.")
        return Outcome(text, m.ended_at)
    if other is None and not by_me:
        return Outcome(gettext("Ended: %(name)s left Kindred.") % said, m.ended_at)
    if m.end_reason == Mentorship.EndReason.LEFT_ORGANISATION:
        # Their directory switched them off: nobody chose to end it.
        if by_me:
            return Outcome(gettext("Ended: you left your organisation."), m.ended_at)
        return Outcome(gettext("Ended: %(name)s left their organisation.") % said, m.ended_at)
    if m.end_reason == Mentorship.EndReason.NOT_FOR_ME:
        if by_me:
            text = gettext("You ended this match: it did not work for you.")
            label = gettext("Your reason")
        else:
            text = gettext("%(Name)s ended this match: it did not work for them.") % said
            label = gettext("%(Name)s's reason") % said
        return Outcome(text, m.ended_at, [(label, m.end_note)])
    said["reason"] = m.get_end_reason_display()
    completed = m.status == Status.COMPLETED
    if by_me:
        whose = gettext("Your note")
        text = (
            gettext("You marked the mentorship complete: “%(reason)s”.")
            if completed
            else gettext("You ended it: “%(reason)s”.")
        )
    else:
        whose = gettext("%(Name)s added") % said
        text = (
            gettext("%(Name)s marked the mentorship complete: “%(reason)s”.")
            if completed
            else gettext("%(Name)s ended it: “%(reason)s”.")
        )
    quotes = [(whose, m.end_note)] if m.end_note else []
    return Outcome(text % said, m.ended_at, quotes)


def _declined(m: Mentorship, side: str, capital: str) -> Outcome:
    named = {"Name": capital}
    if m.ended_by != "mentor":  # Kindred closed it: the mentor filled up or paused
        if side == "mentee":
            text = gettext("Closed: %(Name)s has no room for another mentee right now.") % named
        else:
            text = gettext("Closed kindly by Kindred: you were full or paused.")
        return Outcome(text, m.decided_at)
    answered = m.decline_reason != Mentorship.DeclineReason.OTHER
    if side == "mentee":
        text, said, wrote = (
            gettext("%(Name)s declined your request.") % named,
            gettext("%(Name)s's answer") % named,
            gettext("%(Name)s wrote") % named,
        )
    else:
        text, said, wrote = gettext("You declined."), gettext("Your answer"), gettext("Your note")
    quotes = [(said, m.get_decline_reason_display())] if answered else []
    if m.decline_note:
        quotes.append((wrote, m.decline_note))
    return Outcome(text, m.decided_at, quotes)


def _withdrawn(m: Mentorship, side: str, name: str, capital: str) -> str:
    said = {"name": name, "Name": capital}
    if (after := m.superseded_by) is not None:
        if side == "mentor":
            return (
                gettext("Closed: %(Name)s was paired with another mentor before you answered.")
                % said
            )
        mentor = after.mentor.name if after.mentor else gettext("another mentor")
        if after.source == Mentorship.Source.REQUEST:
            return gettext("Closed because %(mentor)s accepted you.") % {"mentor": mentor}
        return gettext("Closed because the program team matched you with %(mentor)s.") % {
            "mentor": mentor
        }
    if m.ended_by and m.ended_by != side:
        return gettext("Closed: %(name)s left Kindred.") % said
    if side == "mentee":
        return gettext("You withdrew this request.")
    return gettext("%(Name)s withdrew the request.") % said
