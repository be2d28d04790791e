"""The questionnaire in Chromium (issue 18): the unsaved-changes question,
focus on the saved message, the language filter, the character counter, the
browser's time zone guessed, and a compact logistics step at 390 px."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from profiles.models import Profile
from tests.factories import ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WARNING = "You have unsaved changes — leave without saving?"
PHONE = {"width": 390, "height": 844}


class Dialogs:
    """Every dialog the page opens, answered as the test says."""

    def __init__(self, page: Page):
        self.seen: list[tuple[str, str]] = []
        self.accept = False
        page.on("dialog", self.answer)

    def answer(self, dialog) -> None:
        self.seen.append((dialog.type, dialog.message))
        dialog.accept() if self.accept else dialog.dismiss()


def steps(page: Page):
    return page.get_by_role("navigation", name="Questionnaire steps")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


@pytest.fixture
def mentee(default_program) -> Profile:
    return ProfileFactory(program=default_program, display_name="Amina Yusuf", goals=["networking"])


def test_nothing_changed_leaves_without_a_question(browsing, mentee):
    page = browsing.page(mentee.user)
    dialogs = Dialogs(page)
    page.goto(f"/p/{mentee.pk}/edit/goals/")
    steps(page).get_by_role("link", name=re.compile("^Values")).click()
    expect(heading(page)).to_have_text("Values")
    assert dialogs.seen == []


def test_leaving_a_step_with_unsaved_changes_asks_first(browsing, mentee):
    page = browsing.page(mentee.user)
    dialogs = Dialogs(page)
    page.goto(f"/p/{mentee.pk}/edit/goals/")
    page.get_by_role("checkbox", name="Leadership").check()

    steps(page).get_by_role("link", name=re.compile("^Values")).click()
    expect(heading(page)).to_have_text("Goals")  # "Cancel": stays, the tick kept
    assert dialogs.seen == [("confirm", WARNING)]
    expect(page.get_by_role("checkbox", name="Leadership")).to_be_checked()

    with page.expect_event("dialog") as closing:  # closing the tab asks too, in the browser's words
        page.close(run_before_unload=True)
    assert closing.value.type == "beforeunload"
    assert not page.is_closed()  # dismissed: the page and its answers stay
    # Closed here without asking: a context closed at teardown around a page whose
    # beforeunload was just dismissed once took the whole browser down with it.
    page.close()


def test_leaving_without_saving_when_the_person_says_so(browsing, mentee):
    page = browsing.page(mentee.user)
    dialogs = Dialogs(page)
    dialogs.accept = True
    page.goto(f"/p/{mentee.pk}/edit/goals/")
    page.get_by_role("checkbox", name="Leadership").check()
    steps(page).get_by_role("link", name=re.compile("^Values")).click()
    expect(heading(page)).to_have_text("Values")
    assert dialogs.seen == [("confirm", WARNING)]  # asked once, not again on unload
    assert not Profile.objects.get(pk=mentee.pk).goals.filter(slug="leadership").exists()


def test_saving_then_leaving_asks_nothing_and_focuses_the_message(browsing, mentee):
    page = browsing.page(mentee.user)
    dialogs = Dialogs(page)
    page.goto(f"/p/{mentee.pk}/edit/goals/")
    page.get_by_role("checkbox", name="Leadership").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(heading(page)).to_have_text("Values")

    status = page.get_by_role("status")
    expect(status).to_contain_text("Saved “Goals”")
    expect(status).to_be_focused()
    page.keyboard.press("Tab")  # on from the message, not from the top of the page
    expect(page.get_by_role("link", name=re.compile("^1. About you|^About you"))).to_be_focused()

    steps(page).get_by_role("link", name=re.compile("^Goals")).click()
    expect(heading(page)).to_have_text("Goals")
    assert dialogs.seen == []


def test_a_language_is_found_by_typing_and_ticked_by_its_label(browsing, mentee):
    page = browsing.page(mentee.user)
    page.goto(f"/p/{mentee.pk}/edit/about/")
    languages = page.get_by_role("group", name=re.compile("^Languages you speak"))
    find = page.get_by_label("Find a language")
    find.press_sequentially("swa")
    expect(languages.get_by_role("checkbox", name="Swahili")).to_be_visible()
    expect(languages.get_by_role("checkbox", name="English")).to_be_hidden()
    page.keyboard.press("Enter")  # not a submit
    expect(page.get_by_role("status")).to_have_count(0)

    page.keyboard.press("Tab")  # one Tab, not 24
    expect(languages.get_by_role("checkbox", name="Swahili")).to_be_focused()
    page.keyboard.press("Space")
    expect(languages.get_by_label("Swahili")).to_be_checked()
    find.fill("")
    expect(languages.get_by_role("checkbox", name="English")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(heading(page)).to_have_text("Background")
    assert {t.slug for t in Profile.objects.get(pk=mentee.pk).languages.all()} == {
        "english",
        "swahili",
    }


def test_the_counter_counts_and_over_long_text_is_refused_not_cut(browsing, mentee):
    page = browsing.page(mentee.user)
    page.goto(f"/p/{mentee.pk}/edit/about/")
    bio = page.get_by_label("A few words about you")
    bio.fill("Hello there")
    expect(page.get_by_text("11 / 2,000 characters")).to_be_visible()
    expect(bio).to_have_accessible_description(re.compile("11 / 2,000 characters"))

    bio.fill("x" * 2003)
    expect(page.get_by_text("2,003 / 2,000 characters — 3 too many")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was saved")
    expect(page.get_by_text("at most 2000 characters: it has 2003")).to_be_visible()
    expect(page.get_by_label("A few words about you")).to_have_value("x" * 2003)


@pytest.fixture
def in_zone(browser, browser_context_args, request):
    """A browser whose clock is set to ``request.param``."""
    context = browser.new_context(**{**browser_context_args, "timezone_id": request.param})
    yield context
    context.close()


@pytest.mark.parametrize(
    ("in_zone", "chosen"),
    [
        # "Asia/Calcutta": the name ICU, and so the browser, gives Asia/Kolkata.
        ("Asia/Calcutta", "Asia/Kolkata"),
        # Not on the short list: the listed zone in the same country with the same clocks.
        ("America/Boise", "America/Denver"),
    ],
    indirect=["in_zone"],
)
def test_the_browsers_time_zone_is_chosen_even_by_another_name(browsing, in_zone, chosen, mentee):
    Profile.objects.filter(pk=mentee.pk).update(timezone="")
    context = in_zone
    client = Client()
    client.force_login(mentee.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": browsing.base_url}])
    page = context.new_page()
    page.on("console", browsing._console)
    dialogs = Dialogs(page)

    page.goto(f"/p/{mentee.pk}/edit/logistics/")
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value(chosen)
    region = chosen.split("/")[0]
    expect(zone.locator(f"optgroup[label={region}]")).to_have_count(1)
    steps(page).get_by_role("link", name=re.compile("^Values")).click()  # a guess is no change
    expect(heading(page)).to_have_text("Values")
    assert dialogs.seen == []


def test_the_logistics_step_is_compact_on_a_phone(browsing, mentee):
    page = browsing.page(mentee.user)
    page.set_viewport_size(PHONE)
    page.goto(f"/p/{mentee.pk}/edit/logistics/")
    importance = page.get_by_role("group", name="How much each part of a match matters to you")
    importance.get_by_label("Shared values").select_option(label="Very important")
    size = page.evaluate(
        "({height: document.documentElement.scrollHeight,"
        " width: document.documentElement.scrollWidth})"
    )
    print(f"logistics step at 390 px: {size['height']} px high")
    assert size["width"] <= PHONE["width"]
    assert size["height"] < 2500  # 3,161 px of radios before issue 18
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("status")).to_contain_text("Saved “Logistics”")
    assert Profile.objects.get(pk=mentee.pk).importance_values == 3
