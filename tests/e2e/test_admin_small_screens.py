"""Every program-admin page on a phone (390 × 844), as test_small_screens.py checks the
participants' pages: nothing scrolls sideways or pokes past the screen's edge (a wide table
scrolls inside its card), every control a thumb needs is 44 px tall, and the program's pages
fold into the main menu, which opens by keyboard. axe checks each state issue 19 added: the
score chart, the fairness marks (exact and released), runs compared, the column guide, an
import with another upload offered, and the menu open on a phone.

Every dashboard page is found from dashboard/urls.py, so a page added later is checked too.
"""

import re

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from playwright.sync_api import Page, expect

from dashboard import releases
from dashboard.models import ImportJob
from matching import assigning, rescoring
from mentorships.models import Mentorship
from profiles.models import Program
from tests.e2e.conftest import VIEWPORT, axe_violations, describe
from tests.e2e.test_accessibility import GOALS, Audit, participants
from tests.e2e.test_small_screens import TAP, PhoneCheck, phone
from tests.factories import MentorFactory, ProfileFactory, program_admin, tags

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class PhoneAudit(Audit):
    """axe at 390 px. A wide table scrolls inside its box, and axe finds the cells cut by
    that box's edge "partially obscured", so it cannot tell their contrast: those cells
    alone are let pass here. They are the same cells at desktop width, where the table is
    whole and Audit checks them."""

    def check(self, page: Page, what: str) -> None:
        self.checked.append(what)
        found = []
        for violation in axe_violations(page):
            nodes = [n for n in violation["nodes"] if not self.cut_off(page, violation, n)]
            if nodes:
                found.append({**violation, "nodes": nodes})
        if found:
            self.findings.append(f"{what} ({page.url}):\n{describe(found)}")

    @staticmethod
    def cut_off(page: Page, violation: dict, node: dict) -> bool:
        return (
            violation["id"] == "color-contrast"
            and "partially obscured" in node["failureSummary"]
            and page.evaluate(
                "(t) => !!document.querySelector(t)?.closest('.table-scroll')", node["target"][0]
            )
        )


def admin_world(program: Program) -> dict:
    """Participants in every state, a fairness group nobody in is matched beside one
    everybody in is, two re-scores and a proposal to compare, a release for admins
    without the permission, and import jobs: one clean, one with problems."""
    people = participants(program)
    korean = [ProfileFactory(program=program, goals=GOALS) for _ in range(5)]
    buddhists = [ProfileFactory(program=program, goals=GOALS) for _ in range(5)]
    for person in korean:
        person.background.set(tags("heritage", "korean"))
    for person in buddhists:
        person.background.set(tags("identity", "buddhist"))
    first = rescoring.start_rescore(program=program)
    proposal = assigning.start(program=program, policy="optimal", queue=False)
    assigning.propose(run_id=proposal.pk)
    assigning.commit(run=proposal, user=None)
    ProfileFactory(program=program, goals=GOALS)  # joins after the first run
    MentorFactory(program=program, goals=GOALS, capacity=3)  # room for those still waiting
    last = rescoring.start_rescore(program=program)
    second = assigning.start(program=program, policy="optimal", queue=False)
    assigning.propose(run_id=second.pk)
    releases.make_if_due(program)
    clean = ImportJob.objects.create(
        program=program,
        filename="cohort-2026.csv",
        status="checked",
        report={
            "ok": True,
            "mentors": 1,
            "mentees": 1,
            "new_users": 2,
            "existing_users": 0,
            "people": [
                [2, "grace.lee@example.org", "mentor", "Grace Lee", True],
                [3, "ji-woo.park@example.org", "mentee", "Ji-woo Park", True],
            ],
        },
    )
    bad = ImportJob.objects.create(
        program=program,
        filename="bad.csv",
        status="checked",
        report={"ok": False, "issues": [[2, "role", "“wizard” is not one of: mentor, mentee"]]},
    )
    return {
        **people,
        "first": first,
        "last": last,
        "proposal": second,
        "clean": clean,
        "bad": bad,
        "korean": korean,
    }


def ids_for(program: Program, world: dict) -> dict:
    """What each URL argument of a dashboard page is, in this world."""
    return {
        "slug": program.slug,
        "run_id": world["last"].pk,
        "mentee_id": world["waiting"].pk,
        "profile_id": world["waiting"].pk,
        "mentorship_id": world["mentorship"].pk,
        "job_id": world["clean"].pk,
    }


def dashboard_urls() -> dict[str, list[str]]:
    """Each dashboard URL's name, with the names of its arguments."""
    (dashboard,) = [
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "dashboard"
    ]
    return {p.name: list(p.pattern.regex.groupindex) for p in dashboard.url_patterns if p.name}


def dashboard_pages(client: Client, program: Program, world: dict) -> list[tuple[str, str]]:
    """(path, name) of every dashboard URL that answers a GET with a whole page:
    forms posted to, fragments htmx polls, downloads and unknown arguments left out."""
    ids = ids_for(program, world)
    found = []
    for name, params in sorted(dashboard_urls().items()):
        if not set(params) <= ids.keys():
            continue
        path = reverse(f"dashboard:{name}", kwargs={p: ids[p] for p in params})
        response = client.get(path)
        if response.status_code == 200 and b'<main id="main"' in response.content:
            found.append((path, name))
    return found


def test_every_admin_page_fits_a_phone(browsing, default_program):
    world = admin_world(default_program)
    slug = default_program.slug
    staff = program_admin(default_program)
    client = Client()
    client.force_login(staff)
    pages = dashboard_pages(client, default_program, world)
    seen = {name for _, name in pages}
    expected = {"programs", "digest", "program", "fairness", "settings", "runs", "run"}
    expected |= {"manual_match", "import", "import_job", "csv_guide"}
    assert expected <= seen, f"not reached: {sorted(expected - seen)}"
    print("admin pages checked on a phone:", ", ".join(sorted(seen)))

    check = PhoneCheck()
    page = phone(browsing, staff)
    for path, name in pages:
        check.visit(page, path, name)
    runs = reverse("dashboard:runs", args=[slug])
    extra = [
        (f"{runs}?a={world['first'].pk}&b={world['last'].pk}", "runs compared"),
        (reverse("dashboard:run", args=[slug, world["proposal"].pk]), "a proposal"),
        (reverse("dashboard:import_job", args=[slug, world["bad"].pk]), "import with problems"),
    ]
    for path, what in extra:
        check.visit(page, path, what)
    exact = phone(browsing, allowed_to_read_backgrounds(default_program))
    check.visit(exact, reverse("dashboard:fairness", args=[slug]), "fairness, exact")
    check.assert_fits()


def allowed_to_read_backgrounds(program):
    return program_admin(program, background=True)


def program_menu(page: Page):
    menu = page.get_by_role("navigation", name="Main")
    return menu, menu.get_by_role("button", name="Menu")


def test_on_a_phone_the_program_pages_are_in_the_main_menu_which_opens_by_keyboard(
    browsing, default_program
):
    page = phone(browsing, program_admin(default_program))
    page.goto(reverse("dashboard:fairness", args=[default_program.slug]))
    expect(page.get_by_role("navigation", name="Program")).to_be_hidden()  # no row of tabs
    menu, toggle = program_menu(page)
    fairness = menu.get_by_role("link", name="Fairness")
    expect(fairness).to_be_hidden()

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the wordmark
    page.keyboard.press("Tab")  # the language, leading to the chooser
    expect(page.get_by_role("link", name="Language: English")).to_be_focused()
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("list", name=default_program.name)).to_be_visible()
    expect(fairness).to_be_visible()
    expect(fairness).to_have_attribute("aria-current", "page")
    for name in ("Overview", "Runs", "Settings", "CSV in and out", "Programs", "Account"):
        link = menu.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert link.bounding_box()["height"] >= TAP
    check = PhoneCheck()
    check.check(page, "fairness with the menu open")
    check.assert_fits()
    audit = PhoneAudit()
    audit.check(page, "admin menu open on a phone")
    audit.assert_clean()

    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Overview")).to_be_focused()  # the program's first
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(reverse("dashboard:program", args=[default_program.slug]) + "$")
    )
    _, toggle = program_menu(page)
    toggle.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()


def test_on_a_wide_screen_the_program_pages_are_tabs_under_the_title(browsing, default_program):
    page = browsing.page(program_admin(default_program))
    page.goto(reverse("dashboard:runs", args=[default_program.slug]))
    tabs = page.get_by_role("navigation", name="Program")
    expect(tabs.get_by_role("link", name="Runs")).to_have_attribute("aria-current", "page")
    menu, toggle = program_menu(page)
    expect(toggle).to_be_hidden()
    expect(menu.get_by_role("link", name="Fairness")).to_be_hidden()  # only in the phone menu
    expect(menu.get_by_role("link", name="Programs")).to_be_visible()


def test_the_new_admin_states_pass_axe_on_a_desktop_and_a_phone(browsing, default_program):
    world = admin_world(default_program)
    slug = default_program.slug
    runs = reverse("dashboard:runs", args=[slug])
    for size, suffix, audit in (
        (VIEWPORT, "", Audit()),
        ({"width": 390, "height": 844}, " (phone)", PhoneAudit()),
    ):
        staff = browsing.page(program_admin(default_program))
        staff.set_viewport_size(size)
        exact = browsing.page(allowed_to_read_backgrounds(default_program))
        exact.set_viewport_size(size)

        audit.visit(staff, reverse("dashboard:program", args=[slug]), "score chart" + suffix)
        chart = staff.get_by_role("img", name=re.compile("^Best score per mentee"))
        expect(chart).to_be_visible()
        staff.get_by_text("The counts as a table").click()
        expect(
            staff.get_by_role("table", name="Mentees by best score, in tens of points")
        ).to_be_visible()
        audit.check(staff, "score chart with its table open" + suffix)

        audit.visit(exact, reverse("dashboard:fairness", args=[slug]), "fairness, exact" + suffix)
        expect(exact.get_by_text(re.compile(r"\d+ points (lower|higher)")).first).to_be_visible()
        region = exact.get_by_role("region", name="Heritage: figures per group, scrolls sideways")
        region.focus()
        expect(region).to_be_focused()
        audit.visit(
            staff, reverse("dashboard:fairness", args=[slug]), "fairness, released" + suffix
        )
        expect(staff.get_by_role("heading", name="Differences from all mentees")).to_be_visible()

        compared = f"{runs}?a={world['first'].pk}&b={world['last'].pk}"
        audit.visit(staff, compared, "runs compared" + suffix)
        expect(staff.get_by_text(re.compile(r"matched between the two runs"))).to_be_visible()

        audit.visit(staff, reverse("dashboard:import", args=[slug]), "CSV page" + suffix)
        staff.get_by_role("link", name="See the column guide").click()
        expect(
            staff.get_by_role("heading", name="Column guide for importing participants")
        ).to_be_visible()
        audit.check(staff, "CSV column guide" + suffix)
        staff.get_by_text(re.compile(r"^The \d+ it accepts$")).first.click()
        audit.check(staff, "CSV column guide, a list of tags open" + suffix)
        audit.visit(
            staff,
            reverse("dashboard:import_job", args=[slug, world["bad"].pk]),
            "import with problems, another upload offered" + suffix,
        )
        expect(staff.get_by_role("link", name="Upload another file")).to_be_visible()
        audit.assert_clean()
    assert Mentorship.objects.filter(program=default_program, source="auto").exists()
