"""A person in two programs switches between their homes with the keyboard alone,
and the switcher passes axe on a wide screen and on a phone."""

import pytest
from playwright.sync_api import expect

from matching import suggestions
from tests.e2e.conftest import MOBILE, axe_violations, describe
from tests.e2e.test_keyboard import assert_every_control_is_reachable, tab_and_press
from tests.factories import MentorFactory, ProfileFactory, ProgramFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["networking", "leadership"]


def test_switching_programs_by_keyboard(browsing):
    heritage = ProgramFactory(name="Asian Heritage ERG", slug="sw-heritage")
    first_gen = ProgramFactory(name="First-Gen Network", slug="sw-first-gen")
    person = UserFactory()
    a = ProfileFactory(user=person, program=heritage, display_name="Ji-woo Park", goals=GOALS)
    b = ProfileFactory(user=person, program=first_gen, display_name="Ji-woo Park", goals=GOALS)
    MentorFactory(program=heritage, display_name="Alma Heritage", goals=GOALS)
    MentorFactory(program=first_gen, display_name="Bea Firstgen", goals=GOALS)
    for mentee in (a, b):
        suggestions.refresh_profile(profile_id=mentee.pk)

    page = browsing.page(person)
    page.goto("/home/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back")
    assert not (found := axe_violations(page)), describe(found)
    tab_and_press(page, page.get_by_role("link", name="Asian Heritage ERG — mentee"))

    switcher = page.get_by_role("navigation", name="Your programs")
    expect(switcher.get_by_role("link")).to_have_count(2)
    here = switcher.locator("[aria-current=page]")
    expect(here).to_contain_text("Asian Heritage ERG · mentee")
    expect(page.get_by_role("heading", name="Alma Heritage")).to_be_visible()
    expect(page.get_by_text("Bea Firstgen")).to_have_count(0)
    assert not (found := axe_violations(page)), describe(found)
    assert_every_control_is_reachable(page, "a home with the program switcher")

    tab_and_press(page, switcher.get_by_role("link", name="First-Gen Network · mentee"))
    expect(page.get_by_text("Mentee · First-Gen Network")).to_be_visible()
    expect(switcher.locator("[aria-current=page]")).to_contain_text("First-Gen Network")
    expect(page.get_by_role("heading", name="Bea Firstgen")).to_be_visible()
    expect(page.get_by_text("Alma Heritage")).to_have_count(0)

    page.set_viewport_size(MOBILE)
    assert not (found := axe_violations(page)), describe(found)
    tab_and_press(page, switcher.get_by_role("link", name="Asian Heritage ERG · mentee"))
    expect(page.get_by_text("Mentee · Asian Heritage ERG")).to_be_visible()
