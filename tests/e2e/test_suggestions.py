"""The mentee's suggestions and the browse page in Chromium (issue 18): a hidden
mentor comes back, the list is topped up, and mentors are found beyond it."""

import re

import pytest
from playwright.sync_api import Page, expect

from matching import suggestions
from matching.models import Suggestion
from mentorships.models import Mentorship
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_keyboard import assert_every_control_is_reachable, tab_and_press, tab_to
from tests.factories import MentorFactory, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["networking", "leadership", "career-advancement"]


@pytest.fixture
def mentee(default_program):
    default_program.suggestions_per_mentee = 2
    default_program.save()
    MentorFactory(program=default_program, display_name="Kwame Mensah", goals=GOALS)
    MentorFactory(program=default_program, display_name="Sofia Rossi", goals=GOALS[:2])
    MentorFactory(
        program=default_program,
        display_name="Ines Duarte",
        goals=GOALS[:1],
        timezone="Asia/Tokyo",
        bio="I moved from Lisbon to Tokyo for a job in logistics software. " * 8,
    )
    mentee = ProfileFactory(program=default_program, display_name="Amina Yusuf", goals=GOALS)
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee


def card(page: Page, name: str):
    return page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{name}"))
    )


def suggested_names(page: Page) -> list[str]:
    region = page.get_by_role("region", name="Suggested mentors")
    names = region.locator("ol.suggestion-list > li h3").all_inner_texts()
    return [n.removesuffix("New").strip() for n in names]


def assert_axe_clean(page: Page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe(violations)}"


def test_a_hidden_mentor_is_replaced_and_can_be_shown_again(browsing, mentee):
    page = browsing.page(mentee.user)
    page.goto(f"/p/{mentee.pk}/")
    assert suggested_names(page) == ["Kwame Mensah", "Sofia Rossi"]
    kwame = card(page, "Kwame Mensah")
    expect(kwame.get_by_text("3 of 3 places free · no requests waiting")).to_be_visible()

    kwame.get_by_text("Not for me").click()
    kwame.get_by_label("Why hide Kwame Mensah?").select_option("know_them")
    kwame.get_by_role("button", name="Hide this mentor").click()
    expect(page.get_by_role("status")).to_contain_text("Kwame Mensah will not be suggested again")
    # Topped up: two suggestions again, the third mentor in Kwame's place.
    assert suggested_names(page) == ["Sofia Rossi", "Ines Duarte"]
    ines = card(page, "Ines Duarte")
    worth = ines.get_by_role("list", name="Worth knowing")
    expect(worth).to_contain_text(re.compile(r"Timezones [\d.]+ hours apart"))
    expect(ines.get_by_role("list", name="Why this match")).not_to_contain_text("Timezones")
    expect(ines.get_by_text("More about Ines Duarte")).to_be_visible()
    assert_axe_clean(page, "suggestions after a dismissal")

    page.get_by_text("Hidden mentors (1)").click()
    expect(page.get_by_text("— I already know them")).to_be_visible()
    assert_axe_clean(page, "hidden mentors open")
    page.get_by_role("button", name=re.compile(r"^Show again\W+Kwame Mensah$")).click()
    expect(page.get_by_role("status")).to_contain_text("Kwame Mensah may be suggested to you again")
    expect(page.get_by_text("Hidden mentors")).to_have_count(0)
    assert suggested_names(page)[0] == "Kwame Mensah"
    assert not Suggestion.objects.filter(mentee=mentee, status="dismissed").exists()


def test_browsing_filtering_and_asking_a_mentor_beyond_the_list(browsing, mentee):
    page = browsing.page(mentee.user)
    page.goto(f"/p/{mentee.pk}/")
    page.get_by_role("link", name="Browse all mentors with room").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Browse mentors")
    expect(page.get_by_role("heading", name="3 mentors with room")).to_be_visible()
    assert_axe_clean(page, "browse mentors")

    page.get_by_label("Can help with").select_option(label="Leadership")
    page.get_by_role("button", name="Show mentors").click()
    expect(page.get_by_role("heading", name="2 mentors with room")).to_be_visible()
    page.get_by_label("Search by name or words").fill("sofia")
    page.get_by_role("button", name="Show mentors").click()
    expect(page.get_by_role("heading", name="1 mentor with room")).to_be_visible()
    sofia = card(page, "Sofia Rossi")
    expect(sofia.get_by_text(re.compile(r"^Match score: \d+/100$"))).to_be_visible()
    expect(sofia.get_by_role("list", name="Why this match")).to_contain_text("Can help with 2")

    sofia.get_by_text("Request Sofia Rossi").click()
    sofia.get_by_label("A short note to Sofia Rossi").fill("Could we talk about leading?")
    sofia.get_by_role("button", name="Send request to Sofia Rossi").click()
    expect(page.get_by_role("status")).to_contain_text("Request sent to Sofia Rossi")
    asked = Mentorship.objects.get(mentee=mentee)
    assert (asked.mentor.display_name, asked.status) == ("Sofia Rossi", "requested")

    page.goto(f"/p/{mentee.pk}/mentors/?q=sofia")
    expect(card(page, "Sofia Rossi").get_by_text("You have asked Sofia Rossi")).to_be_visible()
    expect(page.get_by_text("Request Sofia Rossi")).to_have_count(0)


def test_the_browse_page_on_a_phone(browsing, mentee):
    page = browsing.page(mentee.user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/p/{mentee.pk}/mentors/?stage=banana")
    expect(page.get_by_role("alert")).to_contain_text("Some filters were not understood")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_axe_clean(page, "browse mentors on a phone, with a bad filter")


def test_browsing_and_showing_again_by_keyboard(browsing, mentee):
    hidden = Suggestion.objects.get(mentee=mentee, mentor__display_name="Kwame Mensah")
    suggestions.dismiss(suggestion=hidden, reason="other")
    page = browsing.page(mentee.user)
    page.goto(f"/p/{mentee.pk}/mentors/")
    assert_every_control_is_reachable(page, "browse mentors")
    tab_to(page, page.get_by_label("Search by name or words"))
    page.keyboard.type("Kwame")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="1 mentor with room")).to_be_visible()
    kwame = card(page, "Kwame Mensah")
    expect(kwame.get_by_text("You hid Kwame Mensah from your suggestions.")).to_be_visible()
    tab_and_press(page, kwame.get_by_role("button", name=re.compile(r"^Show again")))
    expect(page.get_by_role("status")).to_contain_text("Kwame Mensah may be suggested to you again")
    expect(page).to_have_url(re.compile(r"/mentors/\?q=Kwame&"))
    expect(card(page, "Kwame Mensah").get_by_text("Request Kwame Mensah")).to_be_visible()
