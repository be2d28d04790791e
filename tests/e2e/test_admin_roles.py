"""A program admin invites a coordinator from the Roles page, in a real Chromium: by
labels and roles, with axe on each page and state, and on a phone. The coordinator
chooses a password from the invitation, signs in, and sees only what they may."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from profiles.models import AuditEntry, ProgramRole
from tests.e2e.test_accessibility import Audit, mail_link
from tests.e2e.test_small_screens import PhoneCheck, phone
from tests.factories import ProgramFactory, program_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW = "new.helper@example.org"
PASSPHRASE = "a helper's passphrase 2026"


def said(page: Page, text: str) -> None:
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(text)


def test_an_admin_invites_a_coordinator_who_signs_in_and_sees_only_their_pages(
    browsing, default_program
):
    audit, fits = Audit(), PhoneCheck()
    slug, name = default_program.slug, default_program.name
    ProgramFactory(name="Alumni circle")  # another program: never shown to the coordinator
    page = browsing.page(program_admin(default_program, first_name="Rosa", last_name="Admin"))
    page.goto(reverse("dashboard:program", args=[slug]))
    page.get_by_role("navigation", name="Program").get_by_role("link", name="Roles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roles")
    audit.check(page, "roles")

    page.get_by_label("Email address").fill(NEW)
    page.get_by_role("radio", name=re.compile("^Coordinator")).check()
    page.get_by_role("button", name="Invite…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Make {NEW} a coordinator of {name}?"
    )
    audit.check(page, "invitation confirmation")
    assert not ProgramRole.objects.filter(user__email=NEW).exists()  # asked, nothing done
    page.get_by_role("button", name="Yes, make them a coordinator").click()
    said(page, f"{NEW} is now a coordinator of {name}")
    row = page.get_by_role("row", name=re.compile(re.escape(NEW)))
    expect(row.get_by_role("cell").first).to_have_text("Coordinator")
    audit.check(page, "roles after the invitation")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ROLE).count() == 1

    helper = browsing.page()
    helper.goto(mail_link(NEW, "/accounts/password/reset/key/\\S+"))
    helper.get_by_label("New Password:", exact=True).fill(PASSPHRASE)
    helper.get_by_label("New Password (again)").fill(PASSPHRASE)
    helper.get_by_role("button", name="Change Password").click()
    expect(helper.get_by_text("Your password is now changed.")).to_be_visible()
    helper.goto(reverse("account_login"))
    helper.get_by_label("Email").fill(NEW)
    helper.get_by_role("button", name="Continue").click()
    helper.get_by_label("Password:", exact=True).fill(PASSPHRASE)
    helper.get_by_role("button", name="Sign In").click()
    expect(helper).to_have_url(re.compile(reverse("dashboard:program", args=[slug]) + "$"))
    tabs = helper.get_by_role("navigation", name="Program")
    expect(tabs.get_by_role("link", name="Overview")).to_be_visible()
    expect(tabs.get_by_role("link", name="Roles")).to_have_count(0)
    helper.goto(reverse("dashboard:programs"))
    expect(helper.get_by_text("Alumni circle")).to_have_count(0)
    assert helper.goto(reverse("dashboard:roles", args=[slug])).status == 403

    small = phone(browsing, program_admin(default_program))
    fits.visit(small, reverse("dashboard:roles", args=[slug]), "roles")
    small.get_by_role("button", name=f"Make admin ({NEW})").click()
    expect(small.get_by_role("heading", level=1)).to_have_text(re.compile("an admin\\?$"))
    fits.check(small, "role change confirmation")
    fits.assert_fits()
    audit.assert_clean()
