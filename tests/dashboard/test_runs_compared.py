"""Comparing two runs compares like with like: only mentees in both runs and
unmatched at both; the rest are counted by why they were left out. Settings
are said in words, never by their internal names."""

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import assigning, rescoring
from matching.models import MatchingRun
from mentorships.models import Mentorship
from tests.dashboard.helpers import proposal
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rescore(django_capture_on_commit_callbacks):
    def run(program):
        with django_capture_on_commit_callbacks(execute=True):
            started = rescoring.start_rescore(program=program)
        started.refresh_from_db()
        assert started.status == "succeeded"
        return started

    return run


@pytest.fixture
def two_rescores(program, cohort, rescore):
    """Run A over six mentees; then two are matched, one leaves, one joins and
    one more list is rewritten; then run B."""
    mentees, mentors = cohort
    a = rescore(program)
    for mentee, mentor in zip(mentees[:2], mentors[:2], strict=True):
        Mentorship.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            status="active",
            source="admin",
            started_at=timezone.now(),
        )
    mentees[2].user.delete()
    ProfileFactory(program=program, goals=["networking", "leadership"])
    program.suggestions_per_mentee = 2
    program.save()
    b = rescore(program)
    return a, b, mentees


def test_only_mentees_in_both_runs_and_unmatched_at_both_are_compared(two_rescores):
    a, b, _ = two_rescores
    comparison = rescoring.compare(a, b)
    assert comparison["compared"] == 3
    assert comparison["left_out"] == [
        (1, "left the program since"),
        (2, "matched between the two runs"),
        (1, f"joined after run #{a.pk}"),
    ]
    assert comparison["left_out_total"] == 4


def test_the_figures_count_compared_mentees_only(two_rescores):
    a, b, _ = two_rescores
    comparison = rescoring.compare(a, b)
    # Lists went from up to five to two each: three compared mentees changed, no more.
    assert comparison["lists_changed"] <= 3
    assert comparison["first_choice_moved"] <= 3
    compared_pairs_before = 3 * 3  # three mentors each, all listed in run A
    assert comparison["pairs_removed"] <= compared_pairs_before


def compared(client, program, a, b) -> str:
    page = client.get(reverse("dashboard:runs", args=[program.slug]), {"a": a.pk, "b": b.pk})
    return page.content.decode()


def test_the_page_says_how_many_were_left_out_and_why(staff_client, program, two_rescores):
    a, b, _ = two_rescores
    html = compared(staff_client, program, a, b)
    assert "3 mentees compared</strong>: in both runs, and unmatched at both. 4 left out:" in html
    assert "<li>2 matched between the two runs</li>" in html
    assert f"<li>1 joined after run #{a.pk}</li>" in html
    assert "<li>1 left the program since</li>" in html


def test_settings_are_said_in_words(staff_client, program, two_rescores):
    a, b, _ = two_rescores
    html = compared(staff_client, program, a, b)
    assert "<li>Suggestions per mentee: 5 → 2</li>" in html
    assert "Minimum score 30, top 2 suggestions" in html
    assert "Minimum score 30, top 5 suggestions" in html
    assert "Goals 40, Shared background 25, Shared values 20, Experience 10, Logistics 5" in html
    for internal in ("k 5", "k 2", "min 30", "weight goals", "min_score"):
        assert internal not in html


def test_the_runs_are_put_in_order_whichever_box_each_was_chosen_in(
    staff_client, program, two_rescores
):
    a, b, _ = two_rescores
    page = staff_client.get(reverse("dashboard:runs", args=[program.slug]), {"a": b.pk, "b": a.pk})
    assert page.context["form"].cleaned_data["a"] == a
    assert f"What changed from #{a.pk} to #{b.pk}" in page.content.decode()


def test_a_run_is_not_compared_with_itself(staff_client, program, rescore, cohort):
    a = rescore(program)
    page = staff_client.get(reverse("dashboard:runs", args=[program.slug]), {"a": a.pk, "b": a.pk})
    assert page.context["comparison"] is False
    assert "Choose two different runs." in page.content.decode()


def test_two_proposals_leave_out_those_the_first_one_matched(staff_client, program, cohort):
    """Six places for eight mentees: the first proposal, committed, matches six;
    a mentor who joins then makes room for the other two in the second."""
    goals = ["networking", "leadership"]
    waiting = [ProfileFactory(program=program, goals=goals) for _ in range(2)]
    first = proposal(program)
    assert assigning.commit(run=first, user=None)["created"] == 6
    MentorFactory(program=program, goals=goals, capacity=2)
    second = proposal(program)
    comparison = rescoring.compare(first, second)
    assert comparison["compared"] == 0
    assert comparison["left_out"] == [
        (6, "matched between the two runs"),
        (2, f"had no pair proposed in run #{first.pk}"),
    ]
    html = compared(staff_client, program, first, second)
    assert "<li>6 matched between the two runs</li>" in html
    assert "nothing to compare like with like" in html
    assert len(waiting) == 2


def test_changed_settings_name_every_setting_in_words(program, rescore, cohort):
    a = rescore(program)
    program.min_score = 40
    program.require_common_language = False
    program.weight_goals = 50
    program.save()
    b = rescore(program)
    assert rescoring.changed_settings(a, b) == [
        ("Weight of goals", 40, 50),
        ("Minimum score", 30, 40),
        ("Only pairs who share a language", "yes", "no"),
    ]


def test_a_later_run_with_no_lists_still_says_who_was_left_out_and_why(program, cohort, rescore):
    """Everyone was matched in between: the later re-score has nobody to list."""
    a = rescore(program)
    assert assigning.commit(run=proposal(program), user=None)["created"] == 6
    b = rescore(program)
    comparison = rescoring.compare(a, b)
    assert comparison["available"] and comparison["compared"] == 0
    assert comparison["left_out"] == [(6, "matched between the two runs")]


def test_a_run_that_kept_no_lists_cannot_be_compared(program, cohort, rescore):
    a = rescore(program)
    failed = MatchingRun.objects.create(program=program, status="failed")
    assert not rescoring.compare(a, failed)["available"]
