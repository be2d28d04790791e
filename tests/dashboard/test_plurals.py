"""Counts on the admin's pages read right for one and for many."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def overview(client, program) -> str:
    """The overview's words, its links' tags taken out."""
    return strip_tags(
        client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    )


def test_one_paused_mentor_is_one(staff_client, program):
    MentorFactory(program=program, is_paused=True)
    page = overview(staff_client, program)
    assert "1 mentor is paused." in page
    assert "mentors are paused" not in page


def test_two_paused_mentors_are_two(staff_client, program):
    MentorFactory(program=program, is_paused=True)
    MentorFactory(program=program, is_paused=True)
    assert "2 mentors are paused." in overview(staff_client, program)


def test_one_person_still_answering_is_one(staff_client, program):
    ProfileFactory(program=program, steps_done=[])  # not ready: still answering
    page = overview(staff_client, program)
    assert "1 person is still filling in the questionnaire" in page


class Run:
    pk, done, total, percent, is_finished, status, error = 1, 0, 1, 0, True, "succeeded", ""
    created_at = timezone.now()

    def get_kind_display(self):
        return "Score"

    def get_status_display(self):
        return "Succeeded"


def test_a_run_of_one_mentee_says_mentee():
    html = render_to_string("dashboard/_progress.html", {"run": Run(), "program": None})
    assert "0 of 1 mentee</label>" in html


def test_a_run_started_a_moment_ago_says_just_now(staff_client, program):
    from matching.models import MatchingRun

    run = MatchingRun.objects.create(program=program)
    page = staff_client.get(reverse("dashboard:run", args=[program.slug, run.pk])).content.decode()
    assert "just now" in page and "0\xa0minutes" not in page
