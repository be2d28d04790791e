"""An admin finds a flagged mentorship by the list's filters, reads its timeline and
ends it through the confirmation, by label and role; axe on every page and state,
and each page on a phone."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mentorships import lifecycle
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_small_screens import PhoneCheck, phone
from tests.factories import MentorFactory, ProfileFactory, program_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def mentorships(program):
    """A struggling pair among others: a waiting request, a quiet pair, one ended."""
    mina = ProfileFactory(program=program, display_name="Mina Okafor")
    teodor = MentorFactory(program=program, display_name="Teodor Lindqvist")
    start = timezone.now() - timedelta(days=30)
    with time_machine.travel(start, tick=False) as clock:
        flagged = lifecycle.request_mentor(mentee=mina, mentor=teodor, message="Hello!")
        clock.shift(timedelta(days=2))
        lifecycle.accept(mentorship=flagged)
        clock.shift(timedelta(days=10))
        lifecycle.check_in(mentorship=flagged, author=mina, rating=1, note="Not working.")
    for n in range(3):
        mentee, mentor = ProfileFactory(program=program), MentorFactory(program=program)
        m = lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="")
        if n:
            lifecycle.accept(mentorship=m)
        if n == 2:
            lifecycle.end(mentorship=m, by=mentee, reason="goals_met")
    return flagged


def test_an_admin_finds_reads_and_ends_a_flagged_mentorship(browsing, default_program):
    flagged = mentorships(default_program)
    slug = default_program.slug
    audit, fits = Audit(), PhoneCheck()
    admin = program_admin(default_program, first_name="Rosa", last_name="Admin")
    page = browsing.page(admin)

    audit.visit(page, reverse("dashboard:program", args=[slug]), "dashboard")
    page.get_by_role("navigation", name="Program").get_by_role("link", name="Mentorships").click()
    expect(page.get_by_role("heading", name="4 mentorships")).to_be_visible()
    audit.check(page, "mentorships list")

    page.get_by_label("Match health").select_option(label="Flagged (any concern)")
    page.get_by_role("button", name="Show mentorships").click()
    expect(page.get_by_role("heading", name="1 mentorship")).to_be_visible()
    pair = page.get_by_role("link", name="Mina Okafor mentored by Teodor Lindqvist")
    expect(pair).to_be_visible()
    audit.check(page, "mentorships list, flagged only")

    page.get_by_label("Started on or after").fill("2026-03-04")
    page.get_by_label("Started on or before").fill("2026-03-01")
    page.get_by_role("button", name="Show mentorships").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Started on or before: Earlier than “Started on or after”"
    )
    audit.check(page, "mentorships list, dates the wrong way round")

    page.get_by_role("link", name="Clear filters").first.click()
    page.get_by_label("Search by mentee or mentor (name or email)").fill("okafor")
    page.get_by_role("button", name="Show mentorships").click()
    page.get_by_role("link", name="Mina Okafor mentored by Teodor Lindqvist").click()
    expect(page.get_by_role("heading", name="Mina Okafor and Teodor Lindqvist")).to_be_visible()
    timeline = page.get_by_role("region", name="Timeline").get_by_role("listitem")
    said = [re.sub(r"\s+", " ", line) for line in timeline.all_inner_texts()]
    order = [
        "Mina Okafor asked Teodor Lindqvist",
        "Email to Teodor Lindqvist: a new request",
        "Teodor Lindqvist accepted",
        "Mina Okafor checked in: 1 out of 5",
        "Flagged: A check-in rated 2 or lower",
    ]
    found = [next(i for i, line in enumerate(said) if what in line) for what in order]
    assert found == sorted(found), said
    assert not any("Not working." in line or "Hello!" in line for line in said)
    audit.check(page, "mentorship page")
    detail = page.url

    page.get_by_role("button", name="End this mentorship…").click()
    expect(
        page.get_by_role("heading", name=re.compile("^End the mentorship of Mina"))
    ).to_be_visible()
    audit.check(page, "end a mentorship: asked first")
    page.get_by_role("button", name="Yes, end the mentorship").click()
    expect(page.get_by_text("Say why you are ending this mentorship.")).to_be_visible()
    audit.check(page, "end a mentorship: the reason missing")
    page.get_by_label("Why are you ending it?").fill("A rating of 1: the mentee asked for help")
    page.get_by_role("button", name="Yes, end the mentorship").click()
    expect(page.get_by_text(re.compile("has ended. Both were told"))).to_be_visible()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        f"Ended by the program team: Rosa Admin ({admin.email})"
    )
    expect(page.get_by_text("Nothing to do: this mentorship is ended.")).to_be_visible()
    audit.check(page, "mentorship page, ended")
    flagged.refresh_from_db()
    assert flagged.status == "ended" and flagged.ended_by == "admin"
    audit.assert_clean()

    small = phone(browsing, admin)
    list_url = reverse("dashboard:mentorships", args=[slug])
    fits.visit(small, list_url, "mentorships list")
    fits.visit(small, f"{list_url}?started_from=2026-03-04&started_to=2026-03-01", "bad dates")
    fits.visit(small, detail, "mentorship page")
    other = lifecycle.request_mentor(
        mentee=ProfileFactory(program=default_program),
        mentor=MentorFactory(program=default_program),
        message="",
    )
    lifecycle.accept(mentorship=other)
    fits.visit(small, reverse("dashboard:mentorship", args=[slug, other.pk]), "under way")
    small.get_by_role("button", name="End this mentorship…").click()
    expect(small.get_by_label("Why are you ending it?")).to_be_visible()
    fits.check(small, "end a mentorship: asked first")
    fits.assert_fits()
