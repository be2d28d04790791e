"""An admin learns weights from a program's outcomes, reads the proposal and what it
would change, and approves it through the confirmation: in a real Chromium, by
labels and roles, axe on each page, and the proposal on a phone. A coordinator
reads the same proposal and is offered no decision."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from matching import rescoring
from matching.models import WeightProposal
from profiles.models import Program
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_small_screens import PhoneCheck, phone
from tests.factories import ProgramFactory, coordinator, program_admin
from tests.matching.weight_proposals import known_program, outcomes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Set to a folder to keep this test's pages as pictures (to look at, not for the docs).
SHOTS = os.environ.get("KINDRED_LEARNING_SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def bridges():
    """Ada, Bea and Cy waiting, Gail and Val mentoring, and forty closed mentorships
    in which shared values went with good outcomes."""
    program = ProgramFactory(name="Bridges", slug="bridges")
    known_program(program)
    outcomes(program)
    rescoring.start_rescore(program=program)
    return program


def test_an_admin_learns_reads_the_preview_and_approves(browsing, bridges):
    audit = Audit()
    weights = bridges.weights()
    page = browsing.page(program_admin(bridges))

    audit.visit(page, reverse("dashboard:runs", args=[bridges.slug]), "runs")
    page.get_by_role("link", name="Learned weights").click()
    expect(page.get_by_role("heading", name="Learned weights for Bridges")).to_be_visible()
    expect(page.get_by_role("table", name="Proposals, newest first")).to_contain_text(
        "No proposals yet."
    )
    audit.check(page, "learned weights, none yet")

    page.get_by_role("button", name="Learn from outcomes").click()
    expect(page.get_by_role("status").filter(has_text="Learning from outcomes")).to_be_visible()
    proposal = WeightProposal.objects.get()
    page.get_by_role("link", name=f"Proposal #{proposal.pk}").click()
    expect(page.get_by_role("heading", name=f"Weights proposal #{proposal.pk}")).to_be_visible()
    expect(page.get_by_text("From 40 mentorships")).to_be_visible()
    table = page.get_by_role("table", name="Each weight today, proposed, and its interval")
    expect(table.get_by_role("row", name="Shared values")).to_contain_text("Up")
    preview = page.get_by_role("region", name="What it would change")
    expect(preview.get_by_role("heading", name="Auto-assignment")).to_be_visible()
    expect(
        preview.get_by_role("link", name="Open this comparison on the Runs page")
    ).to_be_visible()
    shot(page, "proposal-desktop")
    audit.check(page, "a proposal with its preview")
    assert Program.objects.get(pk=bridges.pk).weights() == weights

    page.get_by_role("button", name="Approve and re-score").click()
    expect(
        page.get_by_role("heading", name=f"Approve the learned weights of proposal #{proposal.pk}?")
    ).to_be_visible()
    expect(page.get_by_role("list", name="What happens when you confirm")).to_contain_text(
        "Shared values 20 →"
    )
    audit.check(page, "approve, asked first")
    assert Program.objects.get(pk=bridges.pk).weights() == weights

    page.get_by_role("button", name="Yes, approve and re-score").click()
    expect(
        page.get_by_text(f"Weights learned from outcomes (proposal #{proposal.pk}, 40 mentorships)")
    ).to_be_visible()
    proposal.refresh_from_db()
    expect(page.get_by_role("heading", name=f"Re-score #{proposal.applied_run_id}")).to_be_visible()
    audit.check(page, "the re-score that applied them")
    assert Program.objects.get(pk=bridges.pk).weights() == proposal.proposed_weights

    page.goto(reverse("dashboard:learned_weights", args=[bridges.slug]))
    expect(page.get_by_role("row", name=f"Proposal #{proposal.pk}")).to_contain_text("Approved")
    audit.check(page, "learned weights, one approved")
    audit.assert_clean()


def test_a_coordinator_reads_a_proposal_and_a_phone_fits_it(browsing, bridges):
    from matching import learned, learned_preview

    proposal = learned.propose(program=bridges)
    learned_preview.work_out(proposal_id=proposal.pk)
    audit = Audit()
    page = browsing.page(coordinator(bridges))
    url = reverse("dashboard:weight_proposal", args=[bridges.slug, proposal.pk])
    audit.visit(page, url, "a proposal, as a coordinator")
    expect(page.get_by_text("Only the program's admins can approve or discard")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and re-score")).to_have_count(0)
    audit.assert_clean()

    check = PhoneCheck()
    small = phone(browsing, program_admin(bridges))
    check.visit(small, url, "a proposal on a phone")
    shot(small, "proposal-phone")
    check.visit(small, reverse("dashboard:learned_weights", args=[bridges.slug]), "the list")
    shot(small, "list-phone")
    check.assert_fits()
