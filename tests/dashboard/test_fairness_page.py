"""The fairness page as an admin reads it: groups beside all mentees, marks past
the thresholds, no score for a group nobody in is matched; and, for an admin
without the permission, nothing but the release (its own all-mentees row)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import fairness, figures, releases
from dashboard.models import FiguresRelease
from mentorships.models import Mentorship
from tests.factories import MentorFactory, ProfileFactory, tags

pytestmark = pytest.mark.django_db


def korean_mentees(program, n=5):
    people = [ProfileFactory(program=program, goals=["networking"]) for _ in range(n)]
    for p in people:
        p.background.set(tags("heritage", "korean"))
    return people


def text(response) -> str:
    """The page's words, tags dropped, runs of space made one."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row_of(response, name: str) -> str:
    """The table rows that start with ``name``, as text."""
    html = response.content.decode()
    rows = re.findall(
        r"<tr[^>]*><th scope=\"row\">" + re.escape(name) + r"</th>.*?</tr>", html, re.S
    )
    return " ".join(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)) for r in rows)


def test_a_group_nobody_in_is_matched_shows_no_score_or_days(exact_client, program):
    korean = korean_mentees(program)
    mentor = MentorFactory(program=program)
    started = timezone.now() - timedelta(days=20)
    Mentorship.objects.create(
        program=program,
        mentee=korean[0],
        mentor=mentor,
        status="ended",
        end_reason="goals_met",
        score=88,
        started_at=started,
        ended_at=timezone.now(),
    )
    exact = figures.fairness(program)
    (group,) = [g for g in exact["groups"] if g["name"] == "Korean"]
    assert group["matched_share"] == 0 and group["mean_score"] == 88.0  # the ended one's

    page = exact_client.get(reverse("dashboard:fairness", args=[program.slug]))
    korean_row = row_of(page, "Korean")
    assert "0%" in korean_row and "88" not in korean_row
    assert korean_row.count("no figure: none matched") == 2  # the score and the days


def test_every_question_has_an_all_mentees_row_and_a_mark_has_words(exact_client, program):
    korean = korean_mentees(program)
    buddhists = [ProfileFactory(program=program, goals=["networking"]) for _ in range(5)]
    for p in buddhists:
        p.background.set(tags("identity", "buddhist"))
    mentor = MentorFactory(program=program, capacity=10)
    for mentee in buddhists:  # every Buddhist matched, no Korean: far from all mentees (50%)
        Mentorship.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            status="active",
            started_at=timezone.now(),
        )
    page = exact_client.get(reverse("dashboard:fairness", args=[program.slug]))
    assert page.status_code == 200
    layout = page.context["layout"]
    assert [s.title for s in layout.sections] == ["Heritage", "Faith"]
    assert all(s.rows[0].name == "All mentees" for s in layout.sections)
    words = text(page)
    assert "Korean (Heritage): matched 0%, 50 points lower than all mentees (50%)" in words
    assert "Buddhist (Faith): matched 100%, 50 points higher than all mentees (50%)" in words
    mark = '<span class="diff diff-lower">50 points lower</span>'  # an arrow drawn before it
    assert f'<td class="differs">0% {mark}</td>' in page.content.decode()
    assert len(korean) == 5


def release_of(program, **korean) -> FiguresRelease:
    everyone = {
        "key": figures.EVERYONE,
        "name": "All mentees",
        "kind": "—",
        "people": 40,
        "matched_share": 60,
        "decline_rate": 10,
        "mean_days": 5.0,
        "mean_score": 70.0,
        "extra": {},
    }
    group = {**everyone, "key": "tag:1", "name": "Korean", "kind": "Heritage", "people": 12}
    return FiguresRelease.objects.create(
        program=program,
        released_at=timezone.now(),
        changes=10,
        figures={
            "groups": [{**group, **korean}],
            "everyone": everyone,
            "hidden": 0,
            "min_group": figures.MIN_GROUP,
            "noise_people": releases.NOISE.typical_count_error(),
        },
    )


def test_without_the_permission_the_marks_come_from_the_release_alone(staff_client, program):
    """The exact figures say nobody Korean is matched; the release, whose noise
    the mark must not see through, says 55%: no mark, and the exact 0% is nowhere."""
    korean_mentees(program)
    for _ in range(5):
        ProfileFactory(program=program, goals=["networking"])
    assert figures.fairness(program)["groups"]  # there are exact figures to leak
    release_of(program, matched_share=55)
    page = staff_client.get(reverse("dashboard:fairness", args=[program.slug]))
    assert not page.context.get("exact")
    assert page.context["layout"].differences == []
    korean_row = row_of(page, "Korean")
    assert "55%" in korean_row and not re.search(r"(?<!\d)0%", korean_row)
    assert "No group is that far from all mentees." in text(page)


def test_without_the_permission_all_mentees_are_the_release_s_own_figures(staff_client, program):
    release = release_of(program, matched_share=30, mean_score=None, mean_days=None)
    page = staff_client.get(reverse("dashboard:fairness", args=[program.slug]))
    everyone_row = row_of(page, "All mentees")
    assert "40" in everyone_row and "60%" in everyone_row and "70.0" in everyone_row
    (d,) = page.context["layout"].differences
    assert (d.group, d.shown, d.everyone, d.by) == ("Korean", "30%", "60%", "30 points")
    assert release.figures["everyone"]["people"] == 40


def test_the_thresholds_the_page_states_are_the_ones_it_uses(exact_client, program):
    korean_mentees(program)
    words = text(exact_client.get(reverse("dashboard:fairness", args=[program.slug])))
    assert (
        f"at least {fairness.SHARE_POINTS} percentage points (a share), {fairness.DAYS} days "
        f"(days to match) or {fairness.SCORE_POINTS} points (mean match score)"
    ) in words


def test_each_table_scrolls_in_a_labelled_focusable_region(exact_client, program):
    korean_mentees(program)
    html = exact_client.get(reverse("dashboard:fairness", args=[program.slug])).content.decode()
    regions = re.findall(
        r'<div class="table-scroll" tabindex="0" role="region" aria-label="([^"]+)"', html
    )
    assert regions == ["Heritage: figures per group, scrolls sideways"]
