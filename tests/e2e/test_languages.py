"""Kindred in the languages its people speak, in Chromium (issue 24).

A newcomer switches to Korean before signing in, signs up, answers the questionnaire
and sees suggestions whose reasons are in Korean; the mentee home passes axe in Hindi
and Traditional Chinese; a mentor who reads Vietnamese gets a request's email in
Vietnamese. Every word the test looks for is the catalogue's translation, and each is
checked to differ from the English, so an untranslated page fails.
"""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from matching import suggestions
from profiles.models import Tag
from tests.conftest import wait_for
from tests.e2e.conftest import axe_violations, describe, screenshot
from tests.e2e.test_journey import confirmation_path
from tests.factories import PASSWORD, MentorFactory, ProfileFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["career-advancement", "networking"]


def say(language: str, text: str, context: str | None = None, **values) -> str:
    """``text`` as the ``language`` catalogue says it (which must differ from English)."""
    with translation.override(language):
        said = translation.pgettext(context, text) if context else translation.gettext(text)
    assert said != text, f"{text!r} is not translated into {language}"
    return said % values if values else said


def tag(kind: str, slug: str, language: str) -> str:
    name = getattr(Tag.objects.get(kind=kind, slug=slug), f"name_{language.replace('-', '_')}")
    assert name, f"the {kind} {slug!r} has no name in {language}"
    return name


def exactly(text: str) -> re.Pattern:
    """A label as allauth and Django write it, with or without the language's colon."""
    return re.compile(rf"^\s*{re.escape(text)}\s*[:：]?\s*$")


def choose_language(page: Page, code: str, name: str) -> None:
    page.get_by_label("Language").select_option(code)
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.get_by_label(say(code, "Language"))).to_have_value(code)
    expect(page.get_by_role("option", name=name)).to_be_attached()


@pytest.fixture
def korean_mentor(default_program):
    return MentorFactory(
        program=default_program,
        display_name="Kim Min-jun",
        goals=GOALS,
        languages=["korean", "english"],
        values=["family"],
    )


def test_a_newcomer_signs_up_in_korean_and_reads_their_suggestions_in_korean(
    browsing, korean_mentor
):
    ko = lambda text, *args, **values: say("ko", text, *args, **values)  # noqa: E731
    page = browsing.page()
    page.goto("/")
    choose_language(page, "ko", "한국어")

    page.get_by_role("link", name=ko("Join as a mentee")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Sign Up"))
    page.get_by_label(exactly(ko("Email"))).fill("jiwoo@example.org")
    page.get_by_label(exactly(ko("Password"))).fill(PASSWORD)
    page.get_by_label(exactly(ko("Password (again)"))).fill(PASSWORD)
    page.get_by_role("button", name=ko("Sign Up")).click()
    expect(page.get_by_role("heading", name=ko("Verify Your Email Address"))).to_be_visible()
    # The confirmation email speaks Korean too.
    (confirmation,) = [m for m in mail.outbox if m.to == ["jiwoo@example.org"]]
    assert '<html lang="ko"' in confirmation.alternatives[0][0]

    page.goto(confirmation_path("jiwoo@example.org"))
    page.get_by_role("button", name=ko("Confirm")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ko("About you"))
    page.get_by_label(ko("Name shown to others")).fill("박지우")
    page.get_by_label(ko("One-line headline")).fill("데이터 분석가, 가족 중 처음으로 대학에 진학")
    page.get_by_label(ko("Career stage")).select_option(label=ko("Early career"))
    page.get_by_label(ko("Years of work experience")).fill("2")
    languages = page.get_by_role(
        "group", name=ko("Languages you speak well enough to mentor or be mentored in")
    )
    languages.get_by_label(tag("language", "korean", "ko"), exact=True).check()
    languages.get_by_label(tag("language", "english", "ko"), exact=True).check()
    page.get_by_role("button", name=ko("Save and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Background"))
    page.get_by_role("button", name=ko("Save and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Goals"))
    goals = page.get_by_role("group", name=ko("What you would like help with"))
    for slug in GOALS:
        goals.get_by_label(tag("goal", slug, "ko"), exact=True).check()
    page.get_by_role("button", name=ko("Save and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Values"))
    values = page.get_by_role("group", name=ko("Values that matter to you"))
    values.get_by_label(tag("value", "family", "ko"), exact=True).check()
    page.get_by_role("button", name=ko("Save and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Logistics"))
    page.get_by_label(ko("Your time zone")).select_option("America/New_York")
    page.get_by_role("radio", name=ko("Online only")).check()
    page.get_by_role("button", name=ko("Save and finish")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Hello, %(name)s", name="박지우"))
    region = page.get_by_role("region", name=ko("Suggested mentors"))
    card = region.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=re.compile("^Kim Min-jun"))
    )
    why = card.get_by_role("list", name=ko("Why this match"))
    expect(why).to_contain_text(tag("goal", "career-advancement", "ko"))
    expect(why).to_contain_text(tag("language", "korean", "ko"))
    expect(why).not_to_contain_text("Career advancement")
    expect(card.get_by_role("meter", name=ko("Goals"))).to_be_visible()
    screenshot(page, "mentee-home-ko")


@pytest.fixture
def mentee_with_suggestions(default_program, korean_mentor):
    MentorFactory(program=default_program, display_name="Priya Sharma", goals=GOALS[:1])
    mentee = ProfileFactory(
        program=default_program, display_name="Lin Mei-hua", goals=GOALS, values=["family"]
    )
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee


@pytest.mark.parametrize(("code", "name"), [("hi", "हिंदी"), ("zh-hant", "繁體中文")])
def test_the_mentee_home_reads_and_passes_axe_in_hindi_and_traditional_chinese(
    browsing, mentee_with_suggestions, code, name
):
    page = browsing.page(mentee_with_suggestions.user)
    page.goto("/home/")
    choose_language(page, code, name)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say(code, "Hello, %(name)s", name="Lin Mei-hua")
    )
    region = page.get_by_role("region", name=say(code, "Suggested mentors"))
    expect(region).to_contain_text(tag("goal", "career-advancement", code))
    violations = axe_violations(page)
    assert not violations, f"the mentee home in {code}:\n{describe(violations)}"
    # Nothing runs off the side of a phone in a longer script.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"mentee-home-{code}")


def test_a_mentor_who_reads_vietnamese_gets_a_request_in_vietnamese(browsing, default_program):
    mentor = MentorFactory(
        program=default_program,
        display_name="Nguyễn Văn An",
        goals=GOALS,
        user=UserFactory(language="vi"),
    )
    mentee = ProfileFactory(program=default_program, display_name="Sam Taylor", goals=GOALS)
    suggestions.refresh_profile(profile_id=mentee.pk)
    mail.outbox.clear()

    page = browsing.page(mentee.user)  # the mentee reads English
    page.goto("/home/")
    card = page.get_by_role("region", name="Suggested mentors").get_by_role("listitem")
    card.filter(has_text="Nguyễn Văn An").get_by_text("Request Nguyễn Văn An").click()
    page.get_by_role("button", name="Send request to Nguyễn Văn An").click()
    expect(page.get_by_role("status")).to_contain_text("Request sent to Nguyễn Văn An")

    (email,) = wait_for(lambda: [m for m in mail.outbox if m.to == [mentor.user.email]])
    assert email.subject == say(
        "vi", "%(mentee)s would like you as their mentor", mentee="Sam Taylor"
    )
    assert '<html lang="vi"' in email.alternatives[0][0]
