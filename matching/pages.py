"""What a person's home shows, gathered for templates."""

import time
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from mentorships import close_outs, continuations, follow_ups, lifecycle
from mentorships.forms import AvailabilityForm, DeclineForm
from mentorships.models import Mentorship, Message
from mentorships.pages import outcome
from mentorships.visibility import backgrounds_visible_to, can_see_background
from profiles import reenrolment
from profiles.models import Profile

from . import suggestions
from .forms import DismissForm, RequestForm
from .models import MatchingRun, Suggestion, word_reasons

RECENT = 5
# A request or mentorship that closed this recently is news: shown near the top of
# the mentee's home, where they look first, not under the suggestions.
NEWS_DAYS = 14
# A mentee who has just saved their last step is redirected here while a worker
# works their list out (tens of milliseconds: docs/performance.md). A refresh
# queued this recently is waited for, so that the page shows the list rather
# than "working it out"; an older one (a busy or stopped worker) is not.
FRESH_REFRESH = timedelta(seconds=2)
POLL = 0.02


def _await_fresh_refresh(profile_id: int) -> None:
    """Wait, at most until FRESH_REFRESH after it was queued, for this person's refresh."""
    while queued := cache.get(suggestions.refreshing_key(profile_id)):
        try:
            left = datetime.fromisoformat(queued) + FRESH_REFRESH - timezone.now()
        except (TypeError, ValueError):
            return
        if left <= timedelta(0):
            return
        time.sleep(min(POLL, left.total_seconds()))


def mentee_panel(profile: Profile) -> dict:
    """A mentee's suggestions, or the reason there are none yet."""
    if profile.is_ready:
        _await_fresh_refresh(profile.pk)
    listed = list(
        Suggestion.objects.for_mentee(profile)
        .listed()
        .select_related("mentor__industry", "mentor__user")
        .prefetch_related("mentor__languages", "mentor__background", "mentor__goals")
    )
    visible = backgrounds_visible_to(profile, [s.mentor for s in listed])
    load = Mentorship.objects.load_by_mentor(profile.program_id) if listed else {}
    has_values = profile.values.exists() if listed else True
    for suggestion in listed:
        suggestion.mentee = profile  # for its shown score, without a query each
        suggestion.show_background = suggestion.mentor_id in visible
        suggestion.mentee_has_values = has_values
        taken, waiting = load.get(suggestion.mentor_id, (0, 0))
        capacity = suggestion.mentor.capacity
        suggestion.room = room_in_words(
            capacity=capacity, free=max(capacity - taken, 0), waiting=waiting
        )
    # In the order of the scores the mentee reads: where a private background is
    # left out of a shown score, the list's rank (by the whole score) would put a
    # lower number above a higher one, and hint at what was left out.
    listed.sort(key=lambda s: (-s.shown_score, s.rank or 0))
    word_reasons(listed)
    paired = Mentorship.objects.filter(mentee=profile, status__in=Mentorship.PAIRED).exists()
    if listed:
        state = "ready"
    elif paired:
        state = "paired"
    elif not profile.is_ready:
        state = "incomplete"
    elif (
        cache.get(suggestions.refreshing_key(profile.pk))
        or MatchingRun.objects.filter(
            program_id=profile.program_id,
            kind=MatchingRun.Kind.SCORE,
            status__in=[MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING],
        ).exists()
    ):
        state = "scoring"
    else:
        state = "none"
    open_requests = Mentorship.objects.filter(
        mentee=profile, status=Mentorship.Status.REQUESTED
    ).count()
    return {
        "suggestions": listed,
        "hidden": list(
            Suggestion.objects.for_mentee(profile)
            .filter(status=Suggestion.Status.DISMISSED)
            .select_related("mentor")
            .order_by("-updated_at", "pk")
        ),
        "state": state,
        "dismiss_form": DismissForm(),
        "request_form": RequestForm(),
        "can_request": open_requests < lifecycle.MAX_OPEN_REQUESTS,
        "max_requests": lifecycle.MAX_OPEN_REQUESTS,
        "hints": _hints(profile) if state == "none" else [],
    }


def _with_outcomes(closed, side: str) -> list[Mentorship]:
    """Closed requests and mentorships, each with why it closed, told to ``side``."""
    past = list(closed.select_related("superseded_by__mentor")[:RECENT])
    for m in past:
        m.outcome = outcome(m, side)
    return past


def can_ask(profile: Profile) -> dict:
    """Whether this mentee may ask a mentor now; the browse page says why not."""
    mine = Mentorship.objects.filter(mentee=profile)
    paired = mine.filter(status__in=Mentorship.PAIRED).exists()
    waiting = mine.filter(status=Mentorship.Status.REQUESTED).count()
    return {
        "paired": paired,
        "can_request": profile.is_ready and not paired and waiting < lifecycle.MAX_OPEN_REQUESTS,
        "max_requests": lifecycle.MAX_OPEN_REQUESTS,
    }


def room_in_words(*, capacity: int, free: int, waiting: int) -> str:
    """A mentor's room as a mentee reads it: "2 of 3 places free · 1 request waiting"."""
    if free > 0:
        places = ngettext(
            "%(free)s of %(count)s place free", "%(free)s of %(count)s places free", capacity
        ) % {"free": free, "count": capacity}
    else:
        places = gettext("No places free")
    if waiting:
        requests = ngettext("%(count)s request waiting", "%(count)s requests waiting", waiting) % {
            "count": waiting
        }
    else:
        requests = gettext("no requests waiting")
    # Translators: a mentor's room: "2 of 3 places free · 1 request waiting".
    return gettext("%(places)s · %(requests)s") % {"places": places, "requests": requests}


def mentee_home(profile: Profile) -> dict:
    mine = Mentorship.objects.filter(mentee=profile).select_related("mentor")
    closed = mine.filter(status__in=Mentorship.CLOSED).order_by(
        Coalesce("ended_at", "decided_at").desc(nulls_last=True), "-pk"
    )
    current = mine.filter(status__in=Mentorship.PAIRED).first()
    if current is not None:
        current.unread = Message.objects.unread_counts(profile).get(current.pk, 0)
    since = timezone.now() - timedelta(days=NEWS_DAYS)
    past = _with_outcomes(closed, "mentee")
    news = [m for m in past if (m.ended_at or m.decided_at or since) > since]
    return {
        **mentee_panel(profile),
        "current": current,
        "waiting": list(mine.filter(status=Mentorship.Status.REQUESTED).order_by("requested_at")),
        "news": news,
        "past": [m for m in past if m not in news],
        # A new cycle to take part in, and mentors asking to go on (issue 21).
        "take_part_cycle": reenrolment.invitation_for(profile),
        "again_asks": [
            c
            for c in continuations.asks_for(profile)
            if c.mentee_agrees is None and c.mentorship_id is None
        ],
        # 6 and 12 months after a mentorship closed (issue 22).
        "follow_ups": follow_ups.open_for(profile),
        # Each mentorship that closed asks how it went, until answered (issue 22).
        "close_outs": close_outs.waiting_for(profile),
    }


def mentor_home(profile: Profile) -> dict:
    mine = Mentorship.objects.filter(mentor=profile).select_related(
        "mentee__user", "mentee__industry"
    )
    incoming = list(
        mine.filter(status=Mentorship.Status.REQUESTED)
        .prefetch_related(
            "mentee__languages", "mentee__goals", "mentee__values", "mentee__background"
        )
        .order_by("requested_at")
    )
    for m in incoming:
        m.explanation = suggestions.explain_pair(mentee=m.mentee, mentor=profile, viewer=profile)
        m.show_background = can_see_background(m.mentee, profile)
    current = list(mine.filter(status__in=Mentorship.PAIRED).order_by("started_at"))
    unread = Message.objects.unread_counts(profile) if current else {}
    for m in current:
        m.unread = unread.get(m.pk, 0)
    return {
        "incoming": incoming,
        "current": current,
        "past": _with_outcomes(
            mine.filter(status__in=Mentorship.CLOSED).order_by(
                Coalesce("ended_at", "decided_at").desc(nulls_last=True), "-pk"
            ),
            "mentor",
        ),
        "room": max(profile.capacity - len(current), 0),
        "take_part_cycle": reenrolment.invitation_for(profile),
        "again_asked": continuations.asked_by(profile),
        # Each mentorship that closed asks how it went, until answered (issue 22).
        "close_outs": close_outs.waiting_for(profile),
        "decline_form": DeclineForm(),
        "availability_form": AvailabilityForm(
            initial={"capacity": profile.capacity, "is_paused": profile.is_paused}
        ),
    }


def _hints(profile: Profile) -> list[str]:
    hints = []
    if profile.must_share:
        hints.append(
            gettext(
                "Your must-haves hide every mentor who does not share them; consider relaxing one."
            )
        )
    if profile.meeting_format == "in_person":
        hints.append(gettext("You meet in person only, so only mentors in your city fit well."))
    if not profile.goals.exists():
        hints.append(gettext("Choosing goals helps us find mentors who can help with them."))
    hints.append(
        gettext(
            "Mentors are suggested when they score at least %(min_score)s out of 100; "
            "new mentors join all the time and you will hear by email when suggestions appear."
        )
        % {"min_score": profile.program.min_score}
    )
    return hints
