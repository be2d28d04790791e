"""The whole journey in a real browser: two people sign up and answer the
questionnaire, the mentee requests the mentor from explained suggestions, the
mentor accepts, and a program admin re-scores and auto-assigns everyone else.
Then the pair works together: they agree on goals, arrange a meeting (the invite
downloaded and read back), log it, keep a shared and a private note, exchange
messages, and end the mentorship.

Elements are found by role, label and visible text only, as a screen reader
finds them. The screenshots in docs/screenshots/ come from this test.
"""

import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from matching.models import MatchingRun
from mentorships.models import Meeting, Mentorship
from profiles.models import Program
from tests.e2e.conftest import screenshot
from tests.e2e.test_workspace_notes import said
from tests.factories import PASSWORD, program_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MENTOR = {
    "email": "rosa@example.org",
    "name": "Rosa Delgado",
    "headline": "Engineering manager, first in my family at university",
    "bio": "I grew up between Bogotá and Queens and now lead a platform team.",
    "stage": "Senior",
    "industry": "Technology",
    "languages": ["English", "Spanish"],
    "heritage": ["Hispanic or Latino"],
    "first_gen": ["First-generation college graduate"],
    "goals": [
        "Career advancement",
        "Networking",
        "Overcoming imposter syndrome",
        "Sense of belonging",
        "Leadership",
    ],
    "values": ["Community", "Family", "Integrity"],
    "visibility": "Everyone in the program",
}
MENTEE = {
    "email": "lucia@example.org",
    "name": "Lucía Herrera",
    "headline": "Junior data analyst, first in my family at university",
    "bio": "Second-generation Colombian-American, finding my feet in tech.",
    "stage": "Early career",
    "industry": "Technology",
    "languages": ["English", "Spanish"],
    "heritage": ["Hispanic or Latino"],
    "first_gen": ["First-generation college graduate"],
    "goals": ["Career advancement", "Overcoming imposter syndrome", "Sense of belonging"],
    "values": ["Community", "Family"],
    "visibility": "My matches — people I request or am paired with",
}
NOTE = "I would love help finding my voice in meetings."


def confirmation_path(email: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            if message.to == [email] and (
                found := re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body)
            ):
                return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no confirmation email reached {email}")


def sign_up(page: Page, role: str, person: dict) -> None:
    page.goto("/")
    page.get_by_role("link", name=f"Join as a {role}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    page.get_by_label("Email").fill(person["email"])
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    page.goto(confirmation_path(person["email"]))
    page.get_by_role("button", name="Confirm").click()
    # One program is open: no page only to name it, straight on to the first step.
    expect(page.get_by_text(f"Kindred mentoring program · {role}")).to_be_visible()


def save_and_continue(page: Page, next_step: str) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(next_step)


def tick(page: Page, group: str, labels: list[str]) -> None:
    fieldset = page.get_by_role("group", name=group)
    for label in labels:
        fieldset.get_by_label(label, exact=True).check()


def answer_questionnaire(page: Page, person: dict, *, mentor: bool, shot: bool = False) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    page.get_by_label("Name shown to others").fill(person["name"])
    page.get_by_label("One-line headline").fill(person["headline"])
    page.get_by_label("A few words about you").fill(person["bio"])
    page.get_by_label("Career stage").select_option(label=person["stage"])
    page.get_by_label("Years of work experience").fill("15" if mentor else "2")
    page.get_by_label("Industry").select_option(label=person["industry"])
    tick(page, "Languages you speak", person["languages"])
    save_and_continue(page, "Background")

    tick(page, "Heritage", person["heritage"])
    tick(page, "First-generation path", person["first_gen"])
    page.get_by_role("radio", name=person["visibility"]).check()
    page.get_by_role("checkbox", name="I consent to Kindred storing").check()
    if shot:
        screenshot(page, "questionnaire")
    save_and_continue(page, "Goals")

    group = "What you can help mentees with" if mentor else "What you would like help with"
    tick(page, group, person["goals"])
    save_and_continue(page, "Values")

    tick(page, "Values that matter to you", person["values"])
    save_and_continue(page, "Logistics")

    page.get_by_label("Your time zone").select_option("America/New_York")
    page.get_by_role("radio", name="Either online or in person").check()
    page.get_by_label("City (for meeting in person)").fill("New York")
    if mentor:
        page.get_by_label("How many mentees you can take on at once").fill("2")
    else:
        importance = page.get_by_role("group", name="How much each part of a match matters to you")
        importance.get_by_label("Shared background").select_option(label="Very important")
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {person['name']}")


def mentee_requests_the_mentor(page: Page) -> None:
    suggestions = page.get_by_role("region", name="Suggested mentors")
    mentor = suggestions.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=MENTOR["name"])
    )
    # Every score is explained: a bar per part and the reasons in words.
    expect(mentor.get_by_text(re.compile(r"^Match score: \d+/100$"))).to_be_visible()
    expect(mentor.get_by_role("meter", name="Goals")).to_be_visible()
    expect(mentor).to_contain_text("Hispanic or Latino")  # she lets the program see it
    reasons = mentor.get_by_role("list").filter(has_text="Can help with")
    expect(reasons).to_contain_text("overcoming imposter syndrome")
    screenshot(page, "mentee-home")

    mentor.get_by_text(f"Request {MENTOR['name']}").click()
    page.get_by_label(f"A short note to {MENTOR['name']}").fill(NOTE)
    page.get_by_role("button", name=f"Send request to {MENTOR['name']}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Request sent to {MENTOR['name']}")
    expect(page.get_by_role("region", name="Your requests")).to_contain_text(MENTOR["name"])


def mentor_accepts(page: Page) -> None:
    page.goto("/home/")
    waiting = page.get_by_role("region", name="Requests waiting for you (1)")
    request = waiting.get_by_role("article", name=MENTEE["name"])
    expect(request.get_by_text(NOTE)).to_be_visible()
    expect(request.get_by_text("Overcoming imposter syndrome").first).to_be_visible()
    screenshot(page, "mentor-home")
    request.get_by_role("button", name=f"Accept {MENTEE['name']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your mentee: {MENTEE['name']}")
    expect(page.get_by_role("link", name=MENTEE["email"])).to_be_visible()
    screenshot(page, "mentorship")


def mentee_sees_the_mentorship(page: Page) -> None:
    page.goto("/home/")
    current = page.get_by_role("region", name=f"Your mentor: {MENTOR['name']}")
    current.get_by_role("link", name="Open your mentorship page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your mentor: {MENTOR['name']}")
    contact = page.get_by_role("region", name=f"How to reach {MENTOR['name']}")
    expect(contact.get_by_role("link", name=MENTOR["email"])).to_be_visible()


def admin_rescores_and_assigns(page: Page, worker) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    page.get_by_role("link", name="Kindred mentoring program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kindred mentoring program")

    worker.hold()
    page.get_by_role("button", name="Re-score the program").click()
    page.get_by_role("button", name=re.compile(r"^Yes, re-score")).click()
    bar = page.get_by_role("progressbar", name=re.compile(r"^Re-score #\d+"))
    expect(bar).to_have_accessible_name(re.compile(r"queued — 0 of \d+ mentees"))
    worker.start()
    expect(bar).to_have_accessible_name(re.compile(r"succeeded — (\d+) of \1 mentees"))
    expect(bar).to_have_attribute("value", "100")
    expect(page.get_by_role("region", name="Result")).to_be_visible()

    page.get_by_role("navigation", name="Program").get_by_role("link", name="Overview").click()
    # The re-score finished after the figures were kept: the page shows them as
    # updating, the worker works them out, and the page reloads with them.
    age = page.get_by_role("status").filter(has_text="Figures as of")
    expect(age).to_contain_text("at least once a minute", timeout=20_000)
    expect(page.get_by_role("button", name="Refresh figures")).to_be_visible()
    screenshot(page, "dashboard")
    page.get_by_role("radio", name=re.compile("^Optimal")).check()
    page.get_by_role("button", name="Propose an auto-assignment").click()
    policies = page.get_by_role("table", name="What each policy gives on the same data")
    expect(policies.get_by_role("rowheader", name="optimal (proposed)")).to_be_visible()
    expect(policies.get_by_role("rowheader", name="greedy")).to_be_visible()
    pairs = page.get_by_role("table", name=re.compile("^Proposed pairs"))
    expect(pairs.get_by_role("row").nth(1)).to_be_visible()
    screenshot(page, "auto-assignment")

    commit = page.get_by_role("button", name=re.compile(r"^Commit: create these \d+ mentorships"))
    created = re.search(r"\d+", commit.inner_text()).group()
    commit.click()
    page.get_by_role(
        "button", name=f"Yes, create {created} mentorships and send {2 * int(created)} emails"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(f"{created} mentorships created")
    # The commit started one re-score of the waiting mentees' lists, and the worker
    # that was running all along finishes it: no deadlock against the commit.
    rescore = MatchingRun.objects.filter(kind=MatchingRun.Kind.SCORE).latest("pk")
    for _ in range(60):
        if rescore.is_finished:
            break
        time.sleep(0.5)
        rescore.refresh_from_db()
    assert rescore.status == MatchingRun.Status.SUCCEEDED
    worker.stop()

    page.get_by_role("link", name="Fairness").click()
    expect(page.get_by_role("heading", name="Differences from all mentees")).to_be_visible()
    expect(
        page.get_by_role("table", name=re.compile("matching outcomes per group")).first
    ).to_be_visible()
    screenshot(page, "fairness")


def they_agree_on_goals(mentee: Page, mentor: Page, url: str) -> None:
    mentee.goto(url)
    mentee.get_by_role("region", name="Your agreement").get_by_role(
        "link", name="Write the agreement"
    ).click()
    goal = "Overcoming imposter syndrome"
    mentee.get_by_label(goal, exact=True).check()
    mentee.get_by_label(f"What success looks like for {goal}").fill(
        "I present my own analysis at the team review."
    )
    mentee.get_by_label(f"Where you are today with {goal}").select_option("2")
    mentee.get_by_role("button", name=f"Propose to {MENTOR['name']}").click()
    said(mentee, f"Proposed to {MENTOR['name']}")
    mentor.goto(url)
    agreement = mentor.get_by_role("region", name="Your agreement")
    expect(agreement.get_by_text("I present my own analysis")).to_be_visible()
    agreement.get_by_role("button", name="Confirm the agreement").click()
    said(mentor, "Agreed.")


def they_meet(mentee: Page, mentor: Page, url: str, time_machine) -> None:
    """Times two days ahead in New York, where both said they live; the meeting
    logged once the server's clock has passed it."""
    here = ZoneInfo("America/New_York")
    day = (datetime.now(here) + timedelta(days=2)).date()
    first = datetime(day.year, day.month, day.day, 9, 0, tzinfo=here)
    mentee.goto(url)
    mentee.get_by_role("link", name="Propose a meeting").click()
    mentee.get_by_label("First time").fill(first.strftime("%Y-%m-%dT%H:%M"))
    mentee.get_by_label("Second time").fill((first + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    mentee.get_by_label("Video link").fill("https://meet.example.org/lucia-rosa")
    mentee.get_by_role("button", name="Propose the meeting").click()
    expect(
        mentee.get_by_text(f"Proposed. {MENTOR['name']} is asked to pick a time.")
    ).to_be_visible()

    mentor.goto(url)
    mentor.get_by_role(
        "radio", name=re.compile(f"^{first:%a} {first.day} {first:%b} 09:00")
    ).check()
    mentor.get_by_role("button", name="Confirm this time").click()
    expect(
        mentor.get_by_text("Confirmed. You both get a calendar invite by email.")
    ).to_be_visible()
    with mentor.expect_download() as download:
        mentor.get_by_role("link", name="Add to calendar").click()
    event = icalendar.Calendar.from_ical(download.value.path().read_text(encoding="utf-8"))
    invite = event.walk("VEVENT")[0]
    assert str(event["method"]) == "REQUEST"
    assert invite.decoded("dtstart") == first.astimezone(UTC)
    meeting = Meeting.objects.get()
    assert str(invite["uid"]).startswith(f"{meeting.uid}@")

    time_machine.move_to(meeting.ends_at + timedelta(minutes=5), tick=True)
    mentee.goto(url)
    mentee.get_by_role("radio", name="Yes, we met").check()
    mentee.get_by_label("How long did you meet, in minutes?").fill("50")
    mentee.get_by_role("button", name="Save to the log").click()
    expect(mentee.get_by_text("Thank you: the meeting is in your log.")).to_be_visible()


def they_keep_notes_and_talk(mentee: Page, mentor: Page, url: str) -> None:
    mentee.goto(url)
    mentee.get_by_label("Write a note").fill("Next: the **team review** deck.")
    mentee.get_by_label("Shared: both of you see it").check()
    mentee.get_by_role("button", name="Save note").click()
    said(mentee, "Note saved.")
    mentee.get_by_label("Write a note").fill("Practise the opening twice.")
    mentee.get_by_label("Private: only you see it").check()
    mentee.get_by_role("button", name="Save note").click()
    said(mentee, "Note saved.")
    mentor.goto(url)
    notes = mentor.get_by_role("region", name="Notes")
    expect(notes.locator("strong", has_text="team review")).to_be_visible()
    expect(notes.get_by_text("Practise the opening")).to_have_count(0)

    mentee.goto(url)
    mentee.get_by_role("link", name="Open messages").click()
    mentee.get_by_label(f"Your message to {MENTOR['name']}").fill("The deck is ready!")
    mentee.get_by_role("button", name="Send").click()
    expect(mentee.get_by_role("log").get_by_text("The deck is ready!")).to_be_visible()
    mentor.goto(url + "messages/")
    expect(mentor.get_by_role("log").get_by_text("The deck is ready!")).to_be_visible()
    mentor.get_by_label(f"Your message to {MENTEE['name']}").fill("Well done. Send it over.")
    mentor.get_by_role("button", name="Send").click()
    expect(mentee.get_by_role("log").get_by_text("Send it over.")).to_be_visible(timeout=20_000)
    screenshot(mentee, "messages")


def they_end_it(mentee: Page, url: str) -> None:
    mentee.goto(url)
    mentee.get_by_label("Why end the mentorship?").select_option(label="We reached our goals")
    mentee.get_by_role("button", name="End the mentorship…").click()
    mentee.get_by_role("button", name="Yes, end the mentorship").click()
    said(mentee, "The mentorship has ended")
    expect(mentee.get_by_text("Met for 50 minutes")).to_be_visible()  # the log stays


def test_two_people_are_matched_and_an_admin_assigns_the_rest(browsing, worker, time_machine):
    call_command("seed_demo", mentors=12, mentees=30, seed=5, no_logins=True, verbosity=0)
    program_admin(Program.objects.get(slug="default"), email="admin@example.org")
    mentor = browsing.page()
    mentee = browsing.page()
    admin = browsing.page()

    mentor.goto("/")
    sign_up(mentor, "mentor", MENTOR)
    answer_questionnaire(mentor, MENTOR, mentor=True)
    expect(mentor.get_by_role("region", name="Requests waiting for you")).to_contain_text(
        "No requests waiting"
    )

    sign_up(mentee, "mentee", MENTEE)
    answer_questionnaire(mentee, MENTEE, mentor=False, shot=True)
    mentee_requests_the_mentor(mentee)
    mentor_accepts(mentor)
    mentee_sees_the_mentorship(mentee)
    admin_rescores_and_assigns(admin, worker)

    pair = Mentorship.objects.get(mentee__display_name=MENTEE["name"])
    url = f"/m/{pair.pk}/"
    they_agree_on_goals(mentee, mentor, url)
    they_meet(mentee, mentor, url, time_machine)
    they_keep_notes_and_talk(mentee, mentor, url)
    they_end_it(mentee, url)
