"""Kindred with the keyboard alone: the main flows, and every control of the
main pages reachable with Tab, never trapped, and visibly focused."""

import re

import pytest
from playwright.sync_api import Page, expect

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from profiles.models import Profile
from tests.factories import (
    PASSWORD,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    program_admin,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["networking", "leadership", "career-advancement"]

# Everything Tab should reach, as the browser decides it: visible, enabled,
# not inside a closed <details>, one stop per radio group.
TAB_STOPS = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
        + '[tabindex]';
    const stops = [];
    for (const el of document.querySelectorAll(selector)) {
        if (el.disabled || el.tabIndex < 0 || !el.checkVisibility()) continue;
        const details = el.parentElement.closest('details');
        if (details && !details.open && el.tagName !== 'SUMMARY') continue;
        const stop = el.type === 'radio' ? 'radio:' + el.name : 'stop:' + stops.length;
        if (stops.includes(stop)) continue;
        el.dataset.tabStop = stop;
        stops.push(stop);
    }
    return stops;
}"""
FOCUSED_STOP = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    if (el.type === 'radio') return 'radio:' + el.name;
    return el.dataset.tabStop || 'unlisted:' + el.tagName;
}"""
FOCUS_RING = """() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


def assert_every_control_is_reachable(page: Page, what: str) -> None:
    stops = page.evaluate(TAB_STOPS)
    assert stops, f"{what}: nothing to focus"
    reached: list[str] = []
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(len(stops) + 5):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED_STOP)
        if stop is None:
            continue
        if reached and stop == reached[0]:
            break  # round to the start again: no trap
        reached.append(stop)
        assert page.evaluate(FOCUS_RING), (
            f"{what}: no visible focus on stop {stop}: "
            + page.evaluate("document.activeElement.outerHTML.slice(0, 300)")
        )
    missing = set(stops) - set(reached)
    assert not missing, f"{what}: Tab never reached {len(missing)} of {len(stops)} controls"
    assert reached[0] == stops[0], f"{what}: Tab does not start with the first control (skip link)"


def tab_to(page: Page, target, *, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} was not reached in {limit} presses of Tab")


def tab_and_press(page: Page, target, key: str = "Enter") -> None:
    tab_to(page, target)
    assert page.evaluate(FOCUS_RING), f"no visible focus on {target}"
    page.keyboard.press(key)


def test_the_skip_link_moves_focus_to_the_main_content(browsing):
    page = browsing.page()
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Join as a mentee")).to_be_focused()


def test_signing_in_by_keyboard(browsing):
    mentee = ProfileFactory(program__slug="kb-program")
    page = browsing.page()
    page.goto("/accounts/login/")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(mentee.user.email)
    page.keyboard.press("Enter")  # the email step: the password form comes next
    tab_to(page, page.get_by_label("Password:", exact=True))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {mentee.name}")


def test_answering_the_questionnaire_by_keyboard(browsing, default_program):
    profile = ProfileFactory(program=default_program, steps_done=[], display_name="")
    page = browsing.page(profile.user)
    page.goto(f"/p/{profile.pk}/edit/about/")

    tab_to(page, page.get_by_label("Name shown to others"))
    page.keyboard.type("Amina Yusuf")
    tab_to(page, page.get_by_label("Career stage"))
    page.keyboard.type("Mid")
    tab_to(page, page.get_by_role("checkbox", name="Swahili"))
    page.keyboard.press("Space")
    tab_and_press(page, page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Background")
    expect(page.get_by_role("status")).to_contain_text("Saved “About you”")

    tab_and_press(page, page.get_by_role("button", name="Save and continue"), key="Space")
    expect(page.get_by_role("heading", level=1)).to_have_text("Goals")
    tab_to(page, page.get_by_role("checkbox", name="Leadership"))
    page.keyboard.press("Space")
    tab_and_press(page, page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Values")
    tab_and_press(page, page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logistics")

    tab_to(page, page.get_by_label("Your time zone"))
    page.keyboard.type("Africa/Lagos")
    tab_to(page, page.get_by_role("radio", name="Online only"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Either online or in person")).to_be_checked()
    tab_and_press(page, page.get_by_role("button", name="Save and finish"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Amina Yusuf")

    profile = Profile.objects.get(pk=profile.pk)
    assert profile.is_ready
    assert profile.get_career_stage_display() == "Mid-career"
    assert {t.slug for t in profile.languages.all()} == {"english", "swahili"}
    assert [t.slug for t in profile.goals.all()] == ["leadership"]
    assert (profile.timezone, profile.meeting_format) == ("Africa/Lagos", "either")


@pytest.fixture
def suggested(default_program):
    mentor = MentorFactory(program=default_program, display_name="Kwame Mensah", goals=GOALS)
    MentorFactory(program=default_program, display_name="Sofia Rossi", goals=GOALS[:2])
    mentee = ProfileFactory(program=default_program, display_name="Amina Yusuf", goals=GOALS)
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentor


def test_requesting_a_mentor_by_keyboard(browsing, suggested):
    mentee, mentor = suggested
    page = browsing.page(mentee.user)
    page.goto(f"/p/{mentee.pk}/")
    tab_and_press(page, page.get_by_text("Request Kwame Mensah"))
    note = page.get_by_label("A short note to Kwame Mensah")
    page.keyboard.press("Tab")
    expect(note).to_be_focused()
    page.keyboard.type("Could you help me lead my first team?")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send request to Kwame Mensah")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Request sent to Kwame Mensah")
    request = Mentorship.objects.get(mentee=mentee)
    assert (request.mentor, request.message) == (mentor, "Could you help me lead my first team?")


def test_hiding_a_suggestion_by_keyboard(browsing, suggested):
    mentee, _ = suggested
    page = browsing.page(mentee.user)
    page.goto(f"/p/{mentee.pk}/")
    sofia = page.get_by_role("listitem", name=re.compile("^Sofia Rossi"))
    tab_and_press(page, sofia.get_by_text("Not for me"))
    page.keyboard.press("Tab")
    expect(page.get_by_label("Why hide Sofia Rossi?")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Hide this mentor").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Sofia Rossi will not be suggested again")
    assert Suggestion.objects.get(mentee=mentee, mentor__display_name="Sofia Rossi").dismiss_reason


def test_accepting_a_request_by_keyboard(browsing, suggested):
    mentee, mentor = suggested
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    suggestions.request_mentor(suggestion=suggestion, message="Hello!")
    page = browsing.page(mentor.user)
    page.goto(f"/p/{mentor.pk}/")
    tab_and_press(page, page.get_by_role("button", name="Accept Amina Yusuf"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentee: Amina Yusuf")
    tab_and_press(page, page.get_by_role("button", name="We have had our first conversation"))
    expect(page.get_by_role("status")).to_contain_text("Marked as under way")
    assert Mentorship.objects.get(mentee=mentee).status == Mentorship.Status.ACTIVE


def test_starting_a_rescore_by_keyboard(browsing, suggested, default_program):
    page = browsing.page(program_admin(default_program))
    page.goto(f"/programs/{default_program.slug}/")
    tab_and_press(page, page.get_by_role("button", name="Re-score the program"))
    tab_and_press(page, page.get_by_role("button", name=re.compile(r"^Yes, re-score")))
    bar = page.get_by_role("progressbar", name=re.compile(r"^Re-score #\d+"))
    expect(bar).to_have_accessible_name(re.compile("succeeded"))


def test_every_control_of_the_main_pages_is_reachable_by_tab(browsing, suggested, default_program):
    mentee, mentor = suggested
    suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hello!"
    )
    other = ProfileFactory(program=default_program, goals=GOALS)
    suggestions.refresh_profile(profile_id=other.pk)
    paired = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=other, mentor=mentor), message="Hi"
    )
    lifecycle.accept(mentorship=paired)
    pages = {
        None: ["/", "/accounts/signup/", "/accounts/login/", "/accessibility/"],
        other.user: [f"/p/{other.pk}/edit/{step}/" for step in ("about", "background", "logistics")]
        + [paired.get_absolute_url()],
        mentee.user: [f"/p/{mentee.pk}/"],
        mentor.user: [f"/p/{mentor.pk}/"],
        program_admin(default_program): [
            f"/programs/{default_program.slug}/",
            f"/programs/{default_program.slug}/settings/",
            f"/programs/{default_program.slug}/import/",
        ],
    }
    for user, paths in pages.items():
        page = browsing.page(user)
        for path in paths:
            page.goto(path)
            assert_every_control_is_reachable(page, path)


def test_a_refused_step_opens_on_its_problems_which_lead_to_each_field(browsing, default_program):
    profile = ProfileFactory(program=default_program, steps_done=[], display_name="")
    page = browsing.page(profile.user)
    page.goto(f"/p/{profile.pk}/edit/about/")
    page.get_by_role("button", name="Save and continue").click()
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("nothing was saved")
    expect(problems).to_be_focused()
    page.keyboard.press("Tab")
    link = problems.get_by_role("link", name="Name shown to others")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name shown to others")).to_be_focused()
    # Scrolled to, the field keeps its label in view above it.
    expect(page.locator("label[for=id_display_name]")).to_be_in_viewport()


def test_a_saved_note_is_said_in_the_notes_it_was_saved_from(browsing, suggested):
    """The page opens at #notes: the message is moved there, under its heading, and focused."""
    mentee, mentor = suggested
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    lifecycle.accept(mentorship=suggestions.request_mentor(suggestion=suggestion, message="Hi"))
    page = browsing.page(mentee.user)
    page.goto(f"/m/{Mentorship.objects.get(mentee=mentee).pk}/")
    page.get_by_label("Write a note").fill("Next time:\n- the CV\n- the interview")
    page.get_by_role("button", name="Save note").click()
    notes = page.get_by_role("region", name="Notes")
    said = notes.get_by_role("status")
    expect(said).to_contain_text("Note saved.")
    expect(said).to_be_focused()
    # The list typed right under a line is a list.
    expect(notes.get_by_text("the interview", exact=True)).to_have_js_property("tagName", "LI")


def test_a_program_is_chosen_by_its_whole_card(browsing, default_program):
    ProgramFactory(name="Alumni circle", description="Graduates mentoring the students who follow.")
    page = browsing.page(UserFactory())
    page.goto("/join/mentee/")
    # A tap on the description (force: it lies under the label's cover, by design).
    page.get_by_text("Graduates mentoring the students who follow.").click(force=True)
    expect(page.get_by_role("radio", name="Alumni circle")).to_be_checked()
    page.get_by_role("button", name="Start the questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    assert Profile.objects.get(role="mentee").program.name == "Alumni circle"
