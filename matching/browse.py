"""A mentee's look beyond their suggestions: the program's mentors with room,
searched and filtered on answers every mentor shares with the program (never a
background answer), each with the score and reasons a suggestion has
(docs/matching.md, "Browsing mentors")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext

from mentorships import lifecycle
from mentorships.exceptions import Refused
from mentorships.models import Mentorship
from mentorships.visibility import backgrounds_visible_to
from profiles.models import Profile
from profiles.taxonomy import Facet

from . import suggestions
from .forms import BrowseForm
from .models import Suggestion
from .pages import room_in_words

PER_PAGE = 10


@dataclass
class Offer:
    """One mentor as the browsing mentee sees them."""

    mentor: Profile
    explanation: suggestions.Explanation | None
    room: str
    show_background: bool
    blocked: str = ""  # why no request can be sent, in words
    hidden: Suggestion | None = None  # the mentee's dismissal, which they may take back


def _filtered(mentee: Profile, filters: dict) -> QuerySet[Profile]:
    """The program's ready, unpaused mentors that match ``filters`` (BrowseForm)."""
    found = Profile.objects.mentors().ready().filter(program_id=mentee.program_id, is_paused=False)
    if text := filters.get("q"):
        found = found.filter(
            Q(display_name__icontains=text) | Q(headline__icontains=text) | Q(bio__icontains=text)
        )
    for name, link in (("goal", Profile.goals), ("language", Profile.languages)):
        if tag := filters.get(name):
            found = found.filter(pk__in=link.through.objects.filter(tag=tag).values("profile_id"))
    if industry := filters.get("industry"):
        found = found.filter(industry=industry)
    if (stage := filters.get("stage")) is not None:
        found = found.filter(career_stage=stage)
    if meeting := filters.get("meeting"):
        found = found.filter(meeting_format__in=BrowseForm.MEETS[meeting])
    return found


def browse(*, mentee: Profile, filters: dict, page: str | int | None) -> dict:
    """A page of the mentors with room that match ``filters``, best shown score
    first, each an :class:`Offer`; and whether this mentee may ask anyone now."""
    people = list(
        _filtered(mentee, filters).only(
            "id", "user_id", "program_id", "role", "background_visibility", "display_name"
        )
    )
    features = suggestions.prepared(mentee.program_id)
    with_room = [
        p
        for p in people
        if (col := features.mentor_row.get(p.pk)) is not None and features.mentors.available[col]
    ]
    visible = backgrounds_visible_to(mentee, with_room)
    scores = suggestions.score_mentors(
        mentee=mentee, mentor_ids=[p.pk for p in with_room], visible=visible, features=features
    )
    with_room.sort(key=lambda p: (-scores.get(p.pk, -1), p.name.casefold(), p.pk))
    shown: Page = Paginator([p.pk for p in with_room], PER_PAGE).get_page(page)
    by_id = (
        Profile.objects.select_related("industry")
        .prefetch_related("goals", "languages", "background")
        .in_bulk(list(shown.object_list))
    )
    mentors = [by_id[pk] for pk in shown.object_list if pk in by_id]
    explanations = suggestions.explain_mentors(
        mentee=mentee, mentors=mentors, visible=visible, features=features
    )
    blocked = blocked_reasons(mentee, mentors)
    hidden = {
        s.mentor_id: s
        for s in Suggestion.objects.filter(
            mentee=mentee, mentor__in=mentors, status=Suggestion.Status.DISMISSED
        )
    }
    offers = []
    for mentor in mentors:
        col = features.mentor_row[mentor.pk]
        capacity = int(features.capacity[col])
        offers.append(
            Offer(
                mentor=mentor,
                explanation=explanations.get(mentor.pk),
                room=room_in_words(
                    capacity=capacity,
                    free=int(features.mentors.room[col]),
                    waiting=int(features.mentors.pending[col]),
                ),
                show_background=mentor.pk in visible,
                blocked=blocked.get(mentor.pk, ""),
                hidden=hidden.get(mentor.pk),
            )
        )
    return {"offers": offers, "page": shown, "total": len(with_room)}


def blocked_reasons(mentee: Profile, mentors: list[Profile]) -> dict[int, str]:
    """``{mentor id: why this mentee cannot ask them}`` for the mentors who are
    not to be asked: the mentee themself, no common language where one is
    needed, a request or mentorship under way, or one that keeps the two apart
    (Mentorship.objects.blocked_pairs). Languages are not sensitive
    (docs/security.md): naming a missing one tells nothing private."""
    if not mentors:
        return {}
    out: dict[int, str] = {}
    program = mentee.program
    needs_language = program.require_common_language or Facet.LANGUAGE in (mentee.must_share or [])
    mine = set(mentee.languages.values_list("pk", flat=True)) if needs_language else set()
    apart = {
        mentor_id
        for _, mentor_id in Mentorship.objects.blocked_pairs(
            mentee.program_id, mentees=Q(mentee_id=mentee.pk)
        )
    }
    latest: dict[int, Mentorship] = {}
    for m in Mentorship.objects.filter(mentee=mentee, mentor__in=mentors).order_by("requested_at"):
        latest[m.mentor_id] = m
    for mentor in mentors:
        name = mentor.name
        m = latest.get(mentor.pk)
        if mentor.user_id == mentee.user_id:
            out[mentor.pk] = gettext("This is you: your own mentor profile in this program.")
        elif m is not None and m.status == Mentorship.Status.REQUESTED:
            out[mentor.pk] = gettext("You have asked %(mentor)s: their answer is on its way.") % {
                "mentor": name
            }
        elif m is not None and m.status in Mentorship.PAIRED:
            out[mentor.pk] = gettext("%(mentor)s is your mentor.") % {"mentor": name}
        elif m is not None and mentor.pk in apart:
            out[mentor.pk] = _apart(m, name, program.expired_pair_cooldown_days)
        elif needs_language and not mine & {t.pk for t in mentor.languages.all()}:
            out[mentor.pk] = (
                gettext("You and %(mentor)s share no language, and this program asks for one.")
                if program.require_common_language
                else gettext(
                    "You and %(mentor)s share no language, and you asked for a mentor who "
                    "speaks one of your languages."
                )
            ) % {"mentor": name}
    return out


def _apart(m: Mentorship, name: str, cooldown_days: int) -> str:
    """Why a past request or mentorship keeps the two apart, in the words of its end."""
    no_room = m.decline_reason == Mentorship.DeclineReason.NO_ROOM
    if m.status == Mentorship.Status.DECLINED and not no_room:
        return gettext("%(mentor)s declined an earlier request.") % {"mentor": name}
    if m.status in (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED):
        return gettext("You and %(mentor)s had a mentorship before.") % {"mentor": name}
    again = date_format(
        (m.decided_at or m.requested_at) + timedelta(days=cooldown_days), "DATE_FORMAT"
    )
    if no_room:
        return gettext(
            "%(mentor)s had no room when you asked: you can ask again from %(date)s."
        ) % {"mentor": name, "date": again}
    return gettext(
        "Your request to %(mentor)s went unanswered: you can ask again from %(date)s."
    ) % {"mentor": name, "date": again}


def request(*, mentee: Profile, mentor: Profile, message: str) -> Mentorship:
    """The mentee asks a mentor found by browsing: the same request as from a
    suggestion, with the pair's score, once the browse page's rules allow it."""
    if not mentee.is_ready:
        raise Refused(gettext("Finish About you and Logistics first: then you can ask a mentor."))
    if reason := blocked_reasons(mentee, [mentor]).get(mentor.pk):
        raise Refused(reason)
    if Suggestion.objects.filter(
        mentee=mentee, mentor=mentor, status=Suggestion.Status.DISMISSED
    ).exists():
        raise Refused(
            gettext("You hid %(mentor)s: show them again first if you want to ask them.")
            % {"mentor": mentor.name}
        )
    return lifecycle.request_mentor(
        mentee=mentee,
        mentor=mentor,
        message=message,
        score=suggestions.score_of(mentee=mentee, mentor=mentor),
    )
