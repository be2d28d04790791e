"""Every participant page on a phone (390 × 844): nothing scrolls sideways, nothing is cut
off, and every button and link a thumb needs — in the main menu and in forms — is at least
44 px tall.

The one exception, as WCAG 2.5.8 allows: a link inside a sentence (``display: inline``,
as in "Already a member? Log in" or "please sign up first") is as tall as its line of text.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from matching import suggestions
from matching.models import Suggestion
from profiles.taxonomy import STEPS
from tests.e2e.conftest import screenshot
from tests.e2e.test_accessibility import home, participants
from tests.factories import ProfileFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
TAP = 44

# Visible buttons and links that must be tappable: the main menu, every form, every row of
# actions. Returns the ones that are too small (inline links in running text excepted) and
# anything that reaches past the right edge of the screen outside a scrolling table.
MEASURE = """(tap) => {
  const width = window.innerWidth;
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  };
  const name = (el) => {
    const text = el.innerText || el.value || el.getAttribute('aria-label') || '';
    return `${el.tagName.toLowerCase()} "${text.trim().slice(0, 40)}"`;
  };
  const targets = document.querySelectorAll(
    'nav[aria-label=Main] a, nav[aria-label=Main] button, main form button, main form a, '
    + 'main form input[type=submit], main .actions a, main .actions button, main a.button, '
    + 'main nav a, main summary'
  );
  const small = [];
  for (const el of targets) {
    if (!shown(el)) continue;
    const inlineTextLink = el.tagName === 'A' && getComputedStyle(el).display === 'inline';
    if (inlineTextLink) continue;
    const height = el.getBoundingClientRect().height;
    if (height < tap - 0.5) small.push(`${name(el)} is ${Math.round(height)}px tall`);
  }
  const scrolls = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if (x === 'auto' || x === 'scroll') return true;
    }
    return false;
  };
  const cut = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el) || scrolls(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 || box.left < -1) {
      if (el.closest('.skip-link, .visually-hidden')) continue;
      cut.push(`${name(el)} spans ${Math.round(box.left)}–${Math.round(box.right)}px`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, small, cut: cut.slice(0, 8)};
}"""


class PhoneCheck:
    """Measures each page visited and reports every problem at the end, not just the first."""

    def __init__(self):
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, page: Page, what: str) -> None:
        self.checked.append(what)
        found = page.evaluate(MEASURE, TAP)
        if found["scrollWidth"] > found["width"]:
            self.problems.append(
                f"{what}: scrolls sideways ({found['scrollWidth']}px wide at {found['width']}px)"
            )
        self.problems += [f"{what}: {problem}" for problem in found["small"] + found["cut"]]

    def visit(self, page: Page, path: str, what: str) -> None:
        response = page.goto(path)
        assert response.status == 200, f"{what}: {path} answered {response.status}"
        self.check(page, what)

    def assert_fits(self) -> None:
        assert self.checked
        assert not self.problems, (
            f"{len(self.problems)} problems on a 390px screen:\n  " + "\n  ".join(self.problems)
        )


def phone(browsing, user=None) -> Page:
    page = browsing.page(user)
    page.set_viewport_size(PHONE)
    return page


def test_the_check_catches_sideways_scrolling_and_small_targets(browsing):
    page = phone(browsing)
    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const wide = main.appendChild(document.createElement('div'));
            wide.textContent = 'wide';
            wide.style.width = '600px';
            const form = main.appendChild(document.createElement('form'));
            const tiny = form.appendChild(document.createElement('button'));
            tiny.textContent = 'Tiny';
            tiny.style.minHeight = '0';
            tiny.style.height = '20px';
        }"""
    )
    check = PhoneCheck()
    check.check(page, "landing with a wide box and a tiny button")
    text = "\n".join(check.problems)
    assert "scrolls sideways" in text and 'button "Tiny" is 20px tall' in text
    assert 'div "wide" spans' in text


def test_public_pages_fit_a_phone(browsing, default_program):
    check = PhoneCheck()
    visitor = phone(browsing)
    check.visit(visitor, "/", "landing")
    check.visit(visitor, reverse("account_signup"), "sign up")
    visitor.get_by_label("Email").fill("new@example.org")
    visitor.get_by_label("Password:", exact=True).fill("short")
    visitor.get_by_label("Password (again)").fill("other")
    visitor.get_by_role("button", name="Sign Up").click()
    expect(visitor.locator(".errorlist").first).to_be_visible()
    check.check(visitor, "sign up with errors")
    check.visit(visitor, reverse("account_login"), "log in")
    check.visit(visitor, reverse("account_reset_password"), "password reset")
    check.visit(visitor, reverse("privacy:privacy"), "privacy notice")
    check.visit(visitor, reverse("profiles:accessibility"), "accessibility statement")
    check.assert_fits()


def test_participant_pages_fit_a_phone(browsing, default_program):
    check = PhoneCheck()
    people = participants(default_program)

    new = phone(browsing, people["new"].user)
    check.visit(new, home(people["new"]), "mentee home, questionnaire unfinished")
    for step in STEPS:
        check.visit(
            new, reverse("profiles:edit", args=[people["new"].pk, step]), f"questionnaire: {step}"
        )
    new_mentor = phone(browsing, people["new_mentor"].user)
    for step in ("goals", "logistics"):
        check.visit(
            new_mentor,
            reverse("profiles:edit", args=[people["new_mentor"].pk, step]),
            f"mentor questionnaire: {step}",
        )

    ready = phone(browsing, people["ready"].user)
    check.visit(ready, reverse("matching:home"), "home with two roles")
    check.visit(ready, home(people["ready"]), "mentee home with suggestions")
    ready.get_by_text(re.compile("^Request ")).first.click()
    ready.get_by_text("Not for me").first.click()
    check.check(ready, "mentee home, request and hide forms open")
    hidden = Suggestion.objects.filter(mentee=people["ready"]).order_by("rank").first()
    suggestions.dismiss(suggestion=hidden, reason="other")
    ready.goto(home(people["ready"]))
    ready.get_by_text(re.compile(r"^Hidden mentors \(1\)")).click()
    expect(ready.get_by_role("button", name=re.compile("^Show again"))).to_be_visible()
    check.check(ready, "mentee home, hidden mentors open")
    browse = reverse("matching:browse", args=[people["ready"].pk])
    check.visit(ready, browse, "browse mentors")
    ready.get_by_text(re.compile("^Request ")).first.click()
    check.check(ready, "browse mentors, request form open")
    check.visit(ready, f"{browse}?q=zzzz-nobody", "browse mentors, none found")
    check.visit(ready, reverse("profiles:profile", args=[people["ready"].pk]), "your answers")

    paired = phone(browsing, people["paired"].user)
    check.visit(paired, home(people["paired"]), "mentee home, paired")
    check.visit(paired, people["mentorship"].get_absolute_url(), "mentorship page (mentee)")
    check.visit(
        paired,
        reverse("mentorships:end", args=[people["mentorship"].pk]),
        "ending a mentorship, asked first",
    )
    made = people["made"]
    made_page = phone(browsing, made.mentee.user)
    check.visit(made_page, made.get_absolute_url(), "mentorship page, matched by the team")
    made_page.get_by_text("This doesn't work for me").first.click()
    check.check(made_page, "mentorship page, 'this doesn't work for me' open")
    check.visit(
        made_page, reverse("mentorships:turn_down", args=[made.pk]), "turning down, asked first"
    )
    check.visit(
        made_page,
        reverse("profiles:withdraw_consent", args=[made.mentee.pk]),
        "withdrawing consent, asked first",
    )
    check.visit(made_page, reverse("privacy:delete_account"), "deleting the account, asked first")
    newcomer = phone(browsing, UserFactory())
    check.visit(newcomer, reverse("matching:home"), "home, no program yet")

    mentor = phone(browsing, people["mentor"].user)
    check.visit(mentor, home(people["mentor"]), "mentor home with a request and a mentee")
    mentor.get_by_text("Decline", exact=True).first.click()
    check.check(mentor, "mentor home, decline form open")
    check.visit(mentor, people["mentorship"].get_absolute_url(), "mentorship page (mentor)")
    check.visit(mentor, reverse("privacy:privacy"), "privacy, signed in")
    check.visit(mentor, reverse("account_change_password"), "change password")
    check.visit(mentor, reverse("account_email"), "email addresses")
    check.assert_fits()


def test_the_main_menu_folds_behind_a_menu_button_that_works_by_keyboard(browsing, default_program):
    profile = ProfileFactory(program=default_program)
    page = phone(browsing, profile.user)
    page.goto(reverse("matching:home"))
    menu = page.get_by_role("navigation", name="Main")
    toggle = menu.get_by_role("button", name="Menu")
    account = menu.get_by_role("link", name="Account")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(account).to_be_hidden()

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(account).to_be_visible()
    assert account.bounding_box()["height"] >= TAP
    check = PhoneCheck()
    check.check(page, "home with the menu open")
    check.assert_fits()

    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(account).to_be_hidden()


def test_signed_out_the_two_links_stay_in_the_bar_on_a_phone(browsing):
    page = phone(browsing)
    page.goto("/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("button", name="Menu")).to_have_count(0)
    for name in ("Log in", "Sign up"):
        link = menu.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert link.bounding_box()["height"] >= TAP


def test_on_a_wide_screen_the_menu_shows_its_links_without_a_button(browsing, default_program):
    page = browsing.page(ProfileFactory(program=default_program).user)
    page.goto(reverse("matching:home"))
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("button", name="Menu")).to_be_hidden()
    expect(menu.get_by_role("link", name="Account")).to_be_visible()


def test_after_a_save_the_focus_is_on_the_message(browsing, default_program):
    profile = ProfileFactory(program=default_program, steps_done=[])
    page = browsing.page(profile.user)
    page.goto(reverse("profiles:edit", args=[profile.pk, "about"]))
    page.get_by_label("Name shown to others").fill("Amina Yusuf")
    page.get_by_role("button", name="Save and continue").click()
    message = page.get_by_role("status").filter(has_text="Saved")
    expect(message).to_be_visible()
    expect(message).to_be_focused()


def test_a_page_without_a_message_keeps_focus_where_it_was(browsing, default_program):
    page = browsing.page(ProfileFactory(program=default_program).user)
    page.goto(reverse("matching:home"))
    expect(page.locator(".messages")).to_have_count(0)
    assert page.evaluate("document.activeElement === document.body")


def test_the_landing_page_names_the_program_and_its_three_audiences(browsing, default_program):
    default_program.name = "Bridges Mentoring"
    default_program.description = (
        "A year of monthly conversations for first-generation students and the professionals "
        "who were once in their shoes."
    )
    default_program.save()
    page = browsing.page()
    page.goto("/")
    expect(page.get_by_role("heading", name="Bridges Mentoring")).to_be_visible()
    expect(page.get_by_text("A year of monthly conversations")).to_be_visible()
    for audience in ("For mentees", "For mentors", "For program admins"):
        expect(page.get_by_role("heading", name=audience)).to_be_visible()
    for shot in page.locator(".shot img").all():
        shot.scroll_into_view_if_needed()
        assert shot.evaluate("img => img.complete && img.naturalWidth > 0"), (
            "a screenshot is missing"
        )
    screenshot(page, "landing")
