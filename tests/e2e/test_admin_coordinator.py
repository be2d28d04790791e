"""A coordinator's dashboard in a real Chromium: only the pages and buttons they may use,
the exports on a page of their own, axe on each page and a phone check."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from matching.models import MatchingRun
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_small_screens import PhoneCheck, phone
from tests.factories import MentorFactory, ProfileFactory, coordinator

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_sees_only_what_they_may_do_and_downloads_the_exports(
    browsing, default_program
):
    audit, fits = Audit(), PhoneCheck()
    slug = default_program.slug
    ProfileFactory(program=default_program, goals=["networking"], display_name="Ana Park")
    MentorFactory(program=default_program, goals=["networking"])
    run = MatchingRun.objects.create(program=default_program, status="succeeded")
    helper = coordinator(default_program)
    page = browsing.page(helper)

    audit.visit(page, reverse("dashboard:program", args=[slug]), "coordinator's overview")
    tabs = page.get_by_role("navigation", name="Program")
    for shown in ("Overview", "People", "Mentorships", "Match by hand", "Runs", "CSV out"):
        expect(tabs.get_by_role("link", name=shown, exact=True)).to_be_visible()
    for hidden in ("Settings", "CSV in and out", "Reports", "Roles"):
        expect(tabs.get_by_role("link", name=hidden)).to_have_count(0)
    expect(page.get_by_role("button", name="Re-score the program")).to_have_count(0)
    latest = page.get_by_role("region", name="Latest runs")
    expect(latest.get_by_role("link", name=f"Re-score #{run.pk}")).to_be_visible()

    tabs.get_by_role("link", name="CSV out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CSV out")
    expect(tabs.get_by_role("link", name="CSV out")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="with background answers")).to_have_count(0)
    audit.check(page, "coordinator's CSV out")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Current suggestions (CSV)").click()
    assert downloaded.value.suggested_filename == f"{slug}-suggestions.csv"

    small = phone(browsing, helper)
    fits.visit(small, reverse("dashboard:program", args=[slug]), "coordinator's overview")
    fits.visit(small, reverse("dashboard:exports", args=[slug]), "coordinator's CSV out")
    audit.assert_clean()
    fits.assert_fits()
