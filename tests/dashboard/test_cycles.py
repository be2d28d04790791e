"""The Cycles pages: a program's cycles listed for its admins and coordinators;
admins create and edit one (dates out of order and a name taken said on the field,
nothing saved) and move one by hand after a confirmation; all on the audit log."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import AuditEntry, Cycle
from tests.conftest import login
from tests.factories import CycleFactory, ProfileFactory, ProgramFactory, coordinator, program_admin

pytestmark = pytest.mark.django_db

State = Cycle.State


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def dates(**changes) -> dict:
    values = {
        "name": "Spring 2027",
        "registration_opens": days(10),
        "registration_closes": days(30),
        "matching_on": days(32),
        "starts_on": days(40),
        "ends_on": days(130),
    } | changes
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


@pytest.fixture
def spring(program) -> Cycle:
    return CycleFactory(
        program=program,
        name="Spring 2027",
        registration_opens=days(-5),
        registration_closes=days(20),
        starts_on=days(30),
        ends_on=days(120),
        state=State.REGISTRATION,
    )


def url(name: str, program, *args) -> str:
    return reverse(f"dashboard:{name}", args=[program.slug, *args])


def cycle_entries(program):
    return AuditEntry.objects.filter(program=program, action=AuditEntry.Action.CYCLE)


# --- who may open them -----------------------------------------------------------------


def test_a_coordinator_reads_the_list_without_the_admins_buttons(client, program, spring):
    page = login(client, coordinator(program)).get(url("cycles", program))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Spring 2027" in text and "Registration open" in text
    assert url("cycle_new", program) not in text
    assert url("cycle_move", program, spring.pk) not in text


@pytest.mark.parametrize("name", ["cycle_new", "cycle_edit", "cycle_move"])
def test_a_coordinator_may_not_change_cycles(client, program, spring, name):
    args = [] if name == "cycle_new" else [spring.pk]
    client = login(client, coordinator(program))
    assert client.get(url(name, program, *args)).status_code == 403
    assert client.post(url(name, program, *args), dates() | {"confirm": "yes"}).status_code == 403


@pytest.mark.parametrize("name", ["cycles", "cycle_new", "cycle_edit", "cycle_move"])
def test_an_admin_of_another_program_finds_nothing(client, program, spring, name):
    args = [] if name in ("cycles", "cycle_new") else [spring.pk]
    other = login(client, program_admin(ProgramFactory()))
    assert other.get(url(name, program, *args)).status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, program):
    assert client.get(url("cycles", program)).status_code == 302


def test_another_programs_cycle_is_not_found_under_this_one(staff_client, program):
    elsewhere = CycleFactory(program=ProgramFactory())
    assert staff_client.get(url("cycle_edit", program, elsewhere.pk)).status_code == 404
    assert staff_client.get(url("cycle_move", program, elsewhere.pk)).status_code == 404


def test_the_programs_menu_links_to_the_cycles(staff_client, program):
    text = staff_client.get(url("program", program)).content.decode()
    assert f'href="{url("cycles", program)}"' in text


def test_the_list_shows_dates_state_people_and_what_the_clock_will_do(
    staff_client, program, spring
):
    CycleFactory(program=program, name="Autumn 2027", registration_opens=days(0))
    text = staff_client.get(url("cycles", program)).content.decode()
    assert f"{days(20):%-d %b %Y}" in text and f"{days(120):%-d %b %Y}" in text
    assert "The clock moves it to “Registration open” at its next run." in text
    assert "More than one cycle is taking part at once" in text  # Ongoing and Spring 2027
    assert f'href="{url("cycles_compared", program)}"' in text


def test_one_cycle_offers_nothing_to_compare(staff_client, program):
    text = staff_client.get(url("cycles", program)).content.decode()
    assert url("cycles_compared", program) not in text


# --- creating and editing ----------------------------------------------------------------


def test_an_admin_creates_a_draft_cycle_on_the_record(staff_client, program):
    response = staff_client.post(url("cycle_new", program), dates(name="  Spring   2027 "))
    assert response.status_code == 302
    cycle = program.cycles.get(name="Spring 2027")
    assert (cycle.state, cycle.registration_closes, cycle.ends_on) == (
        State.DRAFT,
        days(30),
        days(130),
    )
    (entry,) = cycle_entries(program)
    assert entry.summary == "Cycle Spring 2027 created."


def test_dates_out_of_order_are_said_on_their_field_and_nothing_is_saved(staff_client, program):
    response = staff_client.post(
        url("cycle_new", program), dates(registration_closes=days(5), ends_on=days(35))
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert (
        f"Registration closes ({days(5):%-d %B %Y}) cannot come before registration opens "
        f"({days(10):%-d %B %Y})."
    ) in text
    assert (
        f"Mentorships end ({days(35):%-d %B %Y}) cannot come before mentorships start "
        f"({days(40):%-d %B %Y})."
    ) in text
    assert "nothing was saved" in text
    assert not program.cycles.filter(name="Spring 2027").exists()
    assert not cycle_entries(program).exists()


def test_a_name_the_program_has_is_refused(staff_client, program, spring):
    response = staff_client.post(url("cycle_new", program), dates(name="spring 2027"))
    assert response.status_code == 200
    assert "already has a cycle named “spring 2027”" in response.content.decode()
    assert program.cycles.filter(name__iexact="spring 2027").count() == 1


def test_the_same_name_in_another_program_is_fine(staff_client, program):
    CycleFactory(program=ProgramFactory(), name="Spring 2027")
    assert staff_client.post(url("cycle_new", program), dates()).status_code == 302


def test_an_admin_edits_a_cycles_dates_on_the_record(staff_client, program, spring):
    data = dates(
        registration_opens=days(-5),
        registration_closes=days(25),
        matching_on="",
        starts_on=days(30),
        ends_on=days(120),
    )
    page = staff_client.get(url("cycle_edit", program, spring.pk)).content.decode()
    assert f'value="{days(20).isoformat()}"' in page  # the date input shows the saved day
    assert staff_client.post(url("cycle_edit", program, spring.pk), data).status_code == 302
    spring.refresh_from_db()
    assert spring.registration_closes == days(25)
    (entry,) = cycle_entries(program)
    assert entry.summary == "Cycle Spring 2027 changed: registration closes."


# --- moving by hand ----------------------------------------------------------------------


def test_a_move_asks_first_then_moves_on_the_record(staff_client, program, spring):
    ProfileFactory(program=program, cycle=spring)
    form = staff_client.get(url("cycle_move", program, spring.pk)).content.decode()
    assert 'name="to"' in form and 'value="registration"' not in form  # not where it is
    asked = staff_client.post(
        url("cycle_move", program, spring.pk), {"to": State.MATCHING, "reason": "Full"}
    )
    text = asked.content.decode()
    assert "Move Spring 2027 to “Matching”?" in text
    assert "Registration closes: joining" in text
    assert 'name="from_state" value="registration"' in text
    spring.refresh_from_db()
    assert spring.state == State.REGISTRATION  # nothing yet
    done = staff_client.post(
        url("cycle_move", program, spring.pk),
        {
            "to": State.MATCHING,
            "reason": "Full",
            "from_state": State.REGISTRATION,
            "confirm": "yes",
        },
    )
    assert done.status_code == 302 and done.url == url("cycles", program)
    spring.refresh_from_db()
    assert spring.state == State.MATCHING
    (entry,) = cycle_entries(program)
    assert entry.reason == "Full" and entry.summary.startswith("Spring 2027 moved by hand")


def test_closing_says_its_people_leave_the_pool(staff_client, program, spring):
    ProfileFactory(program=program, cycle=spring)
    text = staff_client.post(
        url("cycle_move", program, spring.pk), {"to": State.CLOSED}
    ).content.decode()
    assert "1 person of this cycle leaves the matching pool" in text
    assert "A closed cycle stays closed" in text


def test_a_refused_move_is_a_message_and_changes_nothing(staff_client, program, spring):
    spring.enrolments.create(profile=ProfileFactory(program=program, cycle=spring))
    response = staff_client.post(
        url("cycle_move", program, spring.pk),
        {"to": State.DRAFT, "from_state": State.REGISTRATION, "confirm": "yes"},
        follow=True,
    )
    assert "1 person has joined Spring 2027" in response.content.decode()
    spring.refresh_from_db()
    assert spring.state == State.REGISTRATION
    assert not cycle_entries(program).exists()


def test_a_yes_to_a_cycle_that_moved_meanwhile_changes_nothing(staff_client, program, spring):
    Cycle.objects.filter(pk=spring.pk).update(state=State.MATCHING)  # the clock, meanwhile
    response = staff_client.post(
        url("cycle_move", program, spring.pk),
        {"to": State.RUNNING, "from_state": State.REGISTRATION, "confirm": "yes"},
        follow=True,
    )
    assert "moved meanwhile: it is now “Matching”" in response.content.decode()
    spring.refresh_from_db()
    assert spring.state == State.MATCHING
