"""An admin finds people by typing their names, opens one, and acts on them: in a real
Chromium, by labels and roles, with axe on each page and state, and on a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from matching import suggestions
from profiles.models import AuditEntry, Profile, SensitiveAccess
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_small_screens import PhoneCheck, phone
from tests.factories import MentorFactory, ProfileFactory, program_admin, tags

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NAMED = ["Rosa Marquez", "Rosalind Okafor", "Tomasz Rosen"]


@pytest.fixture
def cohort(default_program):
    goals = ["networking", "leadership"]
    rosa = ProfileFactory(program=default_program, display_name=NAMED[0], goals=goals)
    rosa.background.set(tags("heritage", "korean"))
    MentorFactory(program=default_program, display_name=NAMED[1], goals=goals)
    MentorFactory(program=default_program, display_name=NAMED[2], goals=goals)
    for name in ("Ada Byron", "Ben Carter", "Chloe Dupont", "Dev Patel"):
        ProfileFactory(program=default_program, display_name=name, goals=goals)
    suggestions.refresh_profile(profile_id=rosa.pk)
    return rosa


@pytest.fixture
def admin(default_program):
    return program_admin(default_program, background=True)


def search(page: Page, text: str) -> None:
    """Type as a person would: a key at a time, no Enter."""
    box = page.get_by_label("Search by name or email")
    box.fill("")
    box.press_sequentially(text, delay=40)


def test_an_admin_finds_three_people_by_typing_and_opens_one(
    browsing, default_program, cohort, admin
):
    audit = Audit()
    page = browsing.page(admin)
    people = reverse("dashboard:people", args=[default_program.slug])
    page.goto(reverse("dashboard:program", args=[default_program.slug]))
    page.get_by_role("navigation", name="Program").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("People in")
    audit.check(page, "people list")

    for name in NAMED:
        search(page, name.split()[0].lower() if name != NAMED[2] else "rosen")
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 person found")
    assert "q=rosen" in page.url  # the search is in the address, for the back button and sharing

    search(page, "ros")  # all three, without pressing Enter
    for name in NAMED:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("link", name="Ada Byron")).to_have_count(0)
    audit.check(page, "people list, searched as you type")

    page.get_by_label("Role").select_option(label="Mentors")
    expect(page.get_by_role("link", name=NAMED[0])).to_have_count(0)
    expect(page.get_by_role("link", name=NAMED[1])).to_be_visible()

    page.goto(people + "?joined_from=2026-05-10&joined_to=2026-05-01")
    expect(page.get_by_role("alert")).to_contain_text("Joined on or before")
    audit.check(page, "people list, a date range the wrong way round")

    page.goto(people + "?q=rosa+marquez")
    page.get_by_role("link", name=NAMED[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAMED[0])
    expect(page.get_by_role("heading", name="Suggestions")).to_be_visible()
    expect(page.get_by_text("Korean")).to_have_count(0)
    audit.check(page, "a person's page")

    page.get_by_role("button", name="Show background answers").click()
    expect(page.get_by_text("Korean")).to_be_visible()
    assert SensitiveAccess.objects.filter(profile=cohort, viewer=admin).count() == 1
    audit.check(page, "a person's page, background shown")
    audit.assert_clean()


def test_an_admin_pauses_a_mentor_after_confirming(browsing, default_program, cohort, admin):
    audit = Audit()
    mentor = Profile.objects.get(display_name=NAMED[1])
    page = browsing.page(admin)
    page.goto(reverse("dashboard:person", args=[default_program.slug, mentor.pk]))

    page.get_by_role("button", name="Pause: no new requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pause {NAMED[1]}?")
    audit.check(page, "confirming a pause")
    assert not Profile.objects.get(pk=mentor.pk).is_paused
    page.get_by_label("Why").fill("On leave until June")
    page.get_by_role("button", name=f"Yes, pause {NAMED[1]}").click()

    expect(page.get_by_role("status")).to_contain_text(f"{NAMED[1]} is paused")
    expect(page.get_by_role("button", name="Resume: take requests again")).to_be_visible()
    assert Profile.objects.get(pk=mentor.pk).is_paused
    assert AuditEntry.objects.get().reason == "On leave until June"
    audit.check(page, "a paused mentor's page")
    audit.assert_clean()


def test_the_people_pages_fit_a_phone(browsing, default_program, cohort, admin):
    check = PhoneCheck()
    page = phone(browsing, admin)
    check.visit(page, reverse("dashboard:people", args=[default_program.slug]), "people list")
    check.visit(
        page, reverse("dashboard:person", args=[default_program.slug, cohort.pk]), "a person"
    )
    check.assert_fits()
