"""A run's weights and settings said in words, not as their internal names
(``{% load run_words %}{{ run.settings|settings_in_words }}``)."""

from django import template

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
def run_source(run: MatchingRun) -> str:
    return learning.run_source(run)
