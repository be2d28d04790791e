"""axe-core on every page a person can reach, in each state that changes what
the page shows: no violation of serious or critical impact is allowed.

The Django admin is left out: it is Django's own (see the accessibility statement).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Page, expect

from matching import assigning, rescoring, suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from profiles.models import Program
from profiles.taxonomy import STEPS
from tests.e2e.conftest import ROOT, axe_violations, describe
from tests.factories import (
    PASSWORD,
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    program_admin,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOALS = ["networking", "leadership", "career-advancement", "sense-of-belonging"]
VALUES = ["community", "family", "integrity"]


class Audit:
    """Runs axe on each page visited and reports every finding at the end, not just the first."""

    def __init__(self):
        self.checked: list[str] = []
        self.findings: list[str] = []

    def check(self, page: Page, what: str) -> None:
        self.checked.append(what)
        if violations := axe_violations(page):
            self.findings.append(f"{what} ({page.url}):\n{describe(violations)}")

    def visit(self, page: Page, path: str, what: str, status: int = 200) -> None:
        response = page.goto(path)
        assert response.status == status, f"{what}: {path} answered {response.status}"
        assert urlsplit(page.url).path == urlsplit(path).path, f"{what}: sent on to {page.url}"
        self.check(page, what)

    def assert_clean(self) -> None:
        assert self.checked
        assert not self.findings, (
            f"{len(self.findings)} of {len(self.checked)} pages have serious axe violations:\n"
            + "\n".join(self.findings)
        )


def mail_link(email: str, pattern: str) -> str:
    for message in reversed(mail.outbox):
        if message.to == [email] and (
            found := re.search(r"https?://[^/\s]+(" + pattern + r")", message.body)
        ):
            return found.group(1)
    raise AssertionError(f"no mail to {email} with a link like {pattern}")


def test_the_audit_catches_violations_and_what_needs_review(browsing):
    page = browsing.page()
    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.append(document.createElement('img'));
            const score = main.appendChild(document.createElement('p'));
            score.setAttribute('aria-label', 'Match score 80 out of 100');
            score.textContent = '80/100';
        }"""
    )
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "aria-prohibited-attr"} <= found


def test_a_csp_violation_is_caught(browsing):
    page = browsing.page()
    page.goto("/")
    with page.expect_console_message():
        page.evaluate(
            "document.body.append(Object.assign(document.createElement('script'), {text: '1'}))"
        )
    assert browsing.csp_errors
    browsing.csp_errors.clear()


def test_public_and_account_pages(browsing):
    audit = Audit()
    member = UserFactory(email="member@example.org")
    visitor = browsing.page()

    audit.visit(visitor, "/", "landing")
    audit.visit(visitor, reverse("profiles:accessibility"), "accessibility statement")
    audit.visit(visitor, reverse("privacy:privacy"), "privacy notice")
    audit.visit(visitor, reverse("account_inactive"), "inactive account")
    audit.visit(visitor, "/no-such-page/", "not found", status=404)

    visitor.goto(reverse("profiles:join", args=["mentee"]))
    audit.check(visitor, "sign-up (after Join as a mentee)")
    visitor.get_by_label("Email").fill("new@example.org")
    visitor.get_by_label("Password:", exact=True).fill(PASSWORD)
    visitor.get_by_label("Password (again)").fill("something else entirely")
    visitor.get_by_role("button", name="Sign Up").click()
    expect(visitor.get_by_text("You must type the same password each time")).to_be_visible()
    audit.check(visitor, "sign-up with errors")
    visitor.get_by_label("Password:", exact=True).fill(PASSWORD)
    visitor.get_by_label("Password (again)").fill(PASSWORD)
    visitor.get_by_role("button", name="Sign Up").click()
    expect(visitor.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    audit.check(visitor, "verification sent")
    audit.visit(
        visitor, mail_link("new@example.org", "/accounts/confirm-email/\\S+"), "confirm email"
    )

    audit.visit(visitor, reverse("account_login"), "log in")
    visitor.get_by_label("Email").fill(member.email)
    visitor.get_by_role("button", name="Continue").click()
    audit.check(visitor, "log in, password step")
    visitor.get_by_label("Password:", exact=True).fill("not the password")
    visitor.get_by_role("button", name="Sign In").click()
    expect(visitor.get_by_text("password you specified are not correct")).to_be_visible()
    audit.check(visitor, "log in with errors")

    audit.visit(visitor, reverse("account_reset_password"), "password reset")
    visitor.get_by_label("Email").fill(member.email)
    visitor.get_by_role("button", name="Reset My Password").click()
    expect(visitor.get_by_text("We have sent you an email")).to_be_visible()
    audit.check(visitor, "password reset sent")
    visitor.goto(mail_link(member.email, "/accounts/password/reset/key/\\S+"))
    audit.check(visitor, "choose a new password")
    visitor.get_by_label("New Password:", exact=True).fill("a brand new passphrase 2026")
    visitor.get_by_label("New Password (again)").fill("a brand new passphrase 2026")
    visitor.get_by_role("button", name="Change Password").click()
    expect(visitor.get_by_text("Your password is now changed.")).to_be_visible()
    audit.check(visitor, "password changed after reset")

    signed_in = browsing.page(UserFactory())
    audit.visit(signed_in, reverse("matching:home"), "home with no program yet")
    # With one program open joining goes straight to the first step; with two it asks which.
    alumni = ProgramFactory(name="Alumni circle")
    audit.visit(signed_in, reverse("profiles:join", args=["mentor"]), "join as a mentor")
    Program.objects.filter(pk=alumni.pk).update(signup_open=False)
    audit.visit(signed_in, reverse("account_change_password"), "change password")
    audit.visit(signed_in, reverse("account_email"), "email addresses")
    audit.visit(signed_in, reverse("account_reauthenticate"), "confirm access")
    audit.visit(signed_in, reverse("privacy:privacy"), "privacy, signed in")
    signed_in.get_by_role("button", name="Export my data").click()
    expect(signed_in.get_by_role("status")).to_be_visible()
    audit.check(signed_in, "privacy, data export requested")
    audit.visit(signed_in, reverse("privacy:delete_account"), "delete my account")
    audit.visit(signed_in, reverse("tokens:list"), "API tokens, none yet")
    signed_in.get_by_label("What is this token for?").fill("HR portal")
    signed_in.get_by_role("button", name="Make a token").click()
    expect(signed_in.get_by_label("Your new token", exact=True)).not_to_have_value("")
    audit.check(signed_in, "API tokens, a new one shown once")
    audit.visit(signed_in, reverse("account_logout"), "log out")
    audit.assert_clean()


def home(profile) -> str:
    return reverse("matching:profile_home", args=[profile.pk])


def participants(program: Program) -> dict:
    """One person in each state a participant's pages can show."""
    other = ProgramFactory(name="Alumni circle")
    people = {
        "mentor": MentorFactory(program=program, goals=GOALS, values=VALUES, capacity=2),
        "paused": MentorFactory(program=program, goals=GOALS, is_paused=True),
        "spare": MentorFactory(program=program, goals=GOALS[:2], values=VALUES, capacity=3),
        "ready": ProfileFactory(program=program, goals=GOALS[:3], values=VALUES[:2]),
        "waiting": ProfileFactory(program=program, goals=GOALS, values=VALUES),
        "paired": ProfileFactory(program=program, goals=GOALS[1:], values=VALUES),
        "parted": ProfileFactory(program=program, goals=GOALS[:2], values=VALUES[1:]),
        "new": ProfileFactory(program=program, steps_done=[]),
        "new_mentor": MentorFactory(program=program, steps_done=[]),
        "scoring": ProfileFactory(program=program, goals=GOALS),
        "alone": ProfileFactory(program=other, goals=GOALS),
    }
    MentorFactory(program=other, user=people["ready"].user)  # a second role: home lists both
    rescoring.start_rescore(program=program)
    for mentee in ("ready", "waiting", "paired", "parted"):
        suggestions.refresh_profile(profile_id=people[mentee].pk)

    def ask(mentee: str, mentor: str) -> Mentorship:
        suggestion = Suggestion.objects.get(mentee=people[mentee], mentor=people[mentor])
        return suggestions.request_mentor(
            suggestion=suggestion, message="Could we talk about leading?"
        )

    lifecycle.accept(mentorship=ask("paired", "mentor"))
    paired = Mentorship.objects.get(mentee=people["paired"])
    lifecycle.check_in(mentorship=paired, author=people["paired"], rating=4, note="Good start.")
    ask("waiting", "mentor")
    parted = ask("parted", "spare")
    lifecycle.accept(mentorship=parted)
    lifecycle.end(mentorship=parted, by=people["parted"], reason="goals_met", note="Thank you!")
    people["mentorship"], people["ended"] = paired, parted
    # A match the program team made: its page offers "This doesn't work for me".
    made = ProfileFactory(program=program, goals=GOALS, values=VALUES)
    people["made"] = lifecycle.match(mentee=made, mentor=people["spare"], source="admin")
    return people


def test_participant_pages(browsing, default_program):
    audit = Audit()
    people = participants(default_program)

    new = browsing.page(people["new"].user)
    audit.visit(new, home(people["new"]), "mentee home, questionnaire unfinished")
    for step in STEPS:
        audit.visit(
            new,
            reverse("profiles:edit", args=[people["new"].pk, step]),
            f"mentee questionnaire: {step}",
        )
    new.goto(reverse("profiles:edit", args=[people["new"].pk, "about"]))
    new.get_by_label("Name shown to others").fill("")
    new.get_by_role("button", name="Save and continue").click()
    expect(new.get_by_role("alert")).to_contain_text("nothing was saved")
    audit.check(new, "questionnaire step with errors")
    audit.visit(
        new, reverse("profiles:profile", args=[people["new"].pk]), "your answers, unfinished"
    )

    new_mentor = browsing.page(people["new_mentor"].user)
    for step in ("goals", "logistics"):
        audit.visit(
            new_mentor,
            reverse("profiles:edit", args=[people["new_mentor"].pk, step]),
            f"mentor questionnaire: {step}",
        )

    ready = browsing.page(people["ready"].user)
    audit.visit(ready, reverse("matching:home"), "home with two roles")
    audit.visit(ready, home(people["ready"]), "mentee home with suggestions")
    ready.get_by_text(re.compile("^Request ")).first.click()
    ready.get_by_text("Not for me").first.click()
    audit.check(ready, "mentee home, request and hide forms open")
    audit.visit(ready, reverse("matching:browse", args=[people["ready"].pk]), "browse mentors")
    ready.get_by_text(re.compile("^Request ")).first.click()
    audit.check(ready, "browse mentors, request form open")
    audit.visit(ready, reverse("profiles:profile", args=[people["ready"].pk]), "your answers")

    cache.set(suggestions.refreshing_key(people["scoring"].pk), True, 600)
    scoring = browsing.page(people["scoring"].user)
    audit.visit(scoring, home(people["scoring"]), "mentee home while scoring")
    audit.visit(
        browsing.page(people["alone"].user), home(people["alone"]), "mentee home, no mentor fits"
    )

    waiting = browsing.page(people["waiting"].user)
    audit.visit(waiting, home(people["waiting"]), "mentee home with a waiting request")
    paired = browsing.page(people["paired"].user)
    audit.visit(paired, home(people["paired"]), "mentee home, paired")
    audit.visit(paired, people["mentorship"].get_absolute_url(), "mentorship page (mentee)")
    audit.visit(
        paired,
        reverse("mentorships:end", args=[people["mentorship"].pk]),
        "ending a mentorship, asked first",
    )
    made = people["made"]
    made_page = browsing.page(made.mentee.user)
    audit.visit(made_page, made.get_absolute_url(), "mentorship page, matched by the team")
    made_page.get_by_text("This doesn't work for me").first.click()
    audit.check(made_page, "mentorship page, 'this doesn't work for me' open")
    audit.visit(
        made_page,
        reverse("mentorships:turn_down", args=[made.pk]),
        "turning down a match, asked first",
    )
    audit.visit(
        made_page,
        reverse("profiles:withdraw_consent", args=[made.mentee.pk]),
        "withdrawing consent, asked first",
    )
    parted = browsing.page(people["parted"].user)
    audit.visit(parted, home(people["parted"]), "mentee home after a mentorship ended")
    audit.visit(parted, people["ended"].get_absolute_url(), "ended mentorship page")

    mentor = browsing.page(people["mentor"].user)
    audit.visit(mentor, home(people["mentor"]), "mentor home with a request and a mentee")
    mentor.get_by_text("Decline", exact=True).first.click()
    audit.check(mentor, "mentor home, decline form open")
    audit.visit(mentor, people["mentorship"].get_absolute_url(), "mentorship page (mentor)")
    audit.visit(browsing.page(people["paused"].user), home(people["paused"]), "mentor home, paused")
    audit.visit(
        browsing.page(people["spare"].user), home(people["spare"]), "mentor home, an earlier mentee"
    )
    audit.assert_clean()


def test_admin_pages(browsing, default_program, tmp_path):
    audit = Audit()
    participants(default_program)
    slug = default_program.slug
    staff = browsing.page(program_admin(default_program))

    audit.visit(staff, reverse("dashboard:programs"), "programs")
    staff.get_by_role("link", name="your weekly digest").click()
    expect(staff.get_by_label("Email me the weekly digest")).to_be_visible()  # arrived
    audit.check(staff, "weekly digest choice")
    staff.get_by_label("Email me the weekly digest").press("Space")  # by keyboard
    staff.get_by_role("button", name="Save", exact=True).press("Enter")
    expect(staff.get_by_text("You will no longer get the weekly digest.")).to_be_visible()
    expect(staff.get_by_label("Email me the weekly digest")).not_to_be_checked()
    audit.check(staff, "weekly digest turned off")
    audit.visit(staff, reverse("dashboard:program", args=[slug]), "program dashboard")
    audit.visit(staff, reverse("dashboard:fairness", args=[slug]), "fairness")
    audit.visit(staff, reverse("dashboard:settings", args=[slug]), "program settings")
    staff.get_by_label("Minimum score to suggest").fill("500")
    staff.get_by_role("button", name="Save settings").click()
    expect(staff.get_by_text("Please correct the problems below")).to_be_visible()
    audit.check(staff, "program settings with errors")
    staff.get_by_label("Minimum score to suggest").fill("30")
    staff.get_by_role("button", name="Save settings").click()
    expect(staff.get_by_role("button", name="Re-score now")).to_be_visible()
    audit.check(staff, "program settings saved")

    staff.get_by_role("button", name="Re-score now").click()
    staff.get_by_role("button", name=re.compile("^Yes, re-score")).click()
    expect(staff.get_by_role("region", name="Result")).to_be_visible()
    audit.check(staff, "re-score run")
    score_runs = default_program.runs.filter(kind="score").order_by("pk")
    first, last = score_runs.first(), score_runs.last()
    audit.visit(staff, reverse("dashboard:runs", args=[slug]), "runs")
    audit.visit(
        staff, f"{reverse('dashboard:runs', args=[slug])}?a={first.pk}&b={last.pk}", "runs compared"
    )

    proposal = assigning.start(program=default_program, policy="optimal", queue=False)
    assigning.propose(run_id=proposal.pk)
    audit.visit(
        staff, reverse("dashboard:run", args=[slug, proposal.pk]), "auto-assignment proposal"
    )
    staff.get_by_role("button", name=re.compile("^Commit")).click()
    staff.get_by_role("button", name=re.compile("^Yes, create")).click()
    expect(staff.get_by_role("status")).to_contain_text("mentorships created")
    audit.check(staff, "auto-assignment committed")

    mentee = ProfileFactory(program=default_program, goals=GOALS)
    audit.visit(staff, reverse("dashboard:manual_match", args=[slug, mentee.pk]), "manual match")
    audit.visit(staff, reverse("dashboard:import", args=[slug]), "CSV in and out")
    staff.get_by_label("CSV file of participants").set_input_files(
        ROOT / "tests" / "fixtures" / "participants.csv"
    )
    staff.get_by_role("button", name="Check the file").click()
    expect(staff.get_by_role("button", name=re.compile("^Import these"))).to_be_visible()
    audit.check(staff, "import checked, clean")
    bad = tmp_path / "bad.csv"
    bad.write_text("email,role\nnot-an-email,wizard\n")
    audit.visit(staff, reverse("dashboard:import", args=[slug]), "CSV in and out with recent files")
    staff.get_by_label("CSV file of participants").set_input_files(bad)
    staff.get_by_role("button", name="Check the file").click()
    expect(staff.get_by_role("table", name="Problems by line and column")).to_be_visible()
    audit.check(staff, "import checked, with problems")
    audit.assert_clean()
