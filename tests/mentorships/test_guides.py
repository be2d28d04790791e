"""Kindred's guides (mentorships/guides/): one for every goal of the taxonomy, each with
its four parts; the first session's; a program's own note under them, cleaned."""

import pytest

from mentorships import guides
from mentorships.models import GuideNote
from profiles.models import Tag
from profiles.taxonomy import TagKind
from tests.conftest import login
from tests.factories import UserFactory, tags

pytestmark = pytest.mark.django_db


def test_there_is_a_guide_for_every_goal_with_its_four_parts():
    goals = Tag.objects.filter(kind=TagKind.GOAL)
    assert goals.count() == 17
    for goal in goals:
        guide = guides.load(goal.slug)
        assert guide is not None, f"no guide for {goal.slug}"
        assert guide.title == goal.name
        assert guide.headings == list(guides.PARTS), goal.slug
        for heading, html in guide.parts:
            assert len(html.split()) >= 30, f"{goal.slug}: '{heading}' is too short"


def test_each_guide_has_questions_as_a_list_and_a_named_exercise():
    for goal in Tag.objects.filter(kind=TagKind.GOAL):
        parts = dict(guides.load(goal.slug).parts)
        assert parts["Questions to explore together"].count("<li>") >= 4, goal.slug
        assert "<strong>" in parts["An exercise"], goal.slug
        assert parts["What a mentor can do"].count("<li>") >= 3, goal.slug


def test_the_sponsorship_guide_asks_for_a_concrete_introduction_or_nomination():
    mentor_can = dict(guides.load("advocacy-and-sponsorship").parts)["What a mentor can do"]
    assert "introduction" in mentor_can and "Nominate" in mentor_can


def test_the_first_session_guide_has_the_mutual_story_exercise():
    guide = guides.load(guides.FIRST_SESSION)
    parts = dict(guide.parts)
    stories = parts["Share your stories"]
    assert "Your story" in stories and "What you hope for" in stories
    assert "Mentor, go first" in stories
    assert guides.choices()[0] == (guides.FIRST_SESSION, "Your first session")


def test_every_guide_file_is_a_goal_or_the_first_session():
    goals = set(Tag.objects.filter(kind=TagKind.GOAL).values_list("slug", flat=True))
    assert set(guides.slugs()) == goals | {guides.FIRST_SESSION}


@pytest.mark.parametrize("slug", ["../settings", "Networking", "no-such-guide", "", "a/b"])
def test_a_name_that_is_not_a_guide_finds_nothing(slug):
    assert guides.load(slug) is None


def test_a_guide_file_must_start_with_its_title():
    with pytest.raises(ValueError, match="title"):
        guides.parse("## Why it matters\n\nBecause.")


def test_a_programs_note_is_shown_under_its_guide_cleaned(program):
    GuideNote.objects.create(
        program=program,
        guide="networking",
        text="Join our **alumni** evening. <script>alert(1)</script> [x](javascript:alert(1))",
    )
    (first, networking) = guides.for_pair(program, tags("goal", "networking"), first_session=True)
    assert first.slug == guides.FIRST_SESSION and first.note is None
    assert "<strong>alumni</strong>" in networking.note
    assert "<script" not in networking.note and "javascript:" not in networking.note


def test_another_programs_note_is_not_shown(program):
    from tests.factories import ProgramFactory

    GuideNote.objects.create(program=ProgramFactory(), guide="networking", text="Elsewhere")
    (networking,) = guides.for_pair(program, tags("goal", "networking"), first_session=False)
    assert networking.note is None


def test_staff_add_a_note_in_the_django_admin_with_a_preview(client, program):
    login(client, UserFactory(is_staff=True, is_superuser=True))
    form = client.get("/admin/mentorships/guidenote/add/")
    assert form.status_code == 200
    assert 'value="first-session"' in form.content.decode()
    response = client.post(
        "/admin/mentorships/guidenote/add/",
        # A column per language (django-modeltranslation); English is the one required.
        {
            "program": program.pk,
            "guide": "leadership",
            "text_en": "Our *leaders* circle",
            "text_ko": "우리 *리더* 모임",
        },
    )
    assert response.status_code == 302
    note = GuideNote.objects.get()
    assert note.text_ko == "우리 *리더* 모임"
    page = client.get(f"/admin/mentorships/guidenote/{note.pk}/change/").content.decode()
    assert "<em>leaders</em>" in page
    refused = client.post(
        "/admin/mentorships/guidenote/add/",
        {"program": program.pk, "guide": "../../etc/passwd", "text_en": "x"},
    )
    assert refused.status_code == 200 and GuideNote.objects.count() == 1
