"""A run's weights and settings said in words, not as their internal names
(``{% load run_words %}{{ run.settings|settings_in_words }}``)."""

from django import template
from django.utils.translation import gettext, ngettext

from matching import rescoring
from matching.models import MatchingRun

from .. import learning

register = template.Library()


@register.filter
def weights_in_words(weights: dict) -> str:
    return ", ".join(rescoring.weights_in_words(weights or {}))


@register.filter
def settings_in_words(settings: dict) -> str:
    return ", ".join(rescoring.settings_in_words(settings or {}))


@register.filter
def run_name(run: MatchingRun) -> str:
    """ "Re-score", "Auto-assignment", or which preview of learned weights."""
    return learning.run_name(run)


@register.filter
def room_in_words(summary: dict) -> str:
    """A re-score's room and candidates: "3 mentors have 5 free places; 4 of 6
    unmatched mentees have at least one candidate above the minimum score." """
    mentors, places = summary.get("mentors_with_room") or 0, summary.get("free_places") or 0
    found, mentees = summary.get("with_candidates") or 0, summary.get("mentees") or 0
    room = ngettext(
        "%(count)s mentor has %(places)s", "%(count)s mentors have %(places)s", mentors
    ) % {
        "count": mentors,
        "places": ngettext("%(count)s free place", "%(count)s free places", places)
        % {"count": places},
    }
    candidates = ngettext(
        "%(found)s of %(mentees)s has at least one candidate above the minimum score.",
        "%(found)s of %(mentees)s have at least one candidate above the minimum score.",
        found,
    ) % {
        "found": found,
        "mentees": ngettext("%(count)s unmatched mentee", "%(count)s unmatched mentees", mentees)
        % {"count": mentees},
    }
    # Translators: the two clauses of a re-score's summary, as in "3 mentors have 5 free
    # places; 4 of 6 unmatched mentees have at least one candidate …".
    return gettext("%(room)s; %(candidates)s") % {"room": room, "candidates": candidates}


@register.filter
def run_source(run: MatchingRun) -> str:
    return learning.run_source(run)
