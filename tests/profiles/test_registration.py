"""Registration follows the program's cycles: while it is closed, joining is refused
with words saying when the next cycle opens (never a 500), the join form offers only
programs whose registration is open, the sign-up page says so, and people already
in the program keep working. The landing and join pages show the cycle's dates."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles import cycles
from profiles.cycles import Registration
from profiles.forms import JoinForm
from profiles.models import Cycle, Profile, Program
from tests.conftest import login
from tests.factories import CycleFactory, ProfileFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

State = Cycle.State


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def only(program) -> Program:
    """The default program alone, its open-ended cycle closed; the next one, Spring
    2027, planned to open in ten days."""
    Program.objects.exclude(pk=program.pk).delete()
    program.cycles.update(state=State.CLOSED)
    CycleFactory(
        program=program,
        name="Spring 2027",
        registration_opens=days(10),
        registration_closes=days(30),
        matching_on=days(32),
        starts_on=days(40),
        ends_on=days(130),
    )
    return program


def opening_words(program: Program) -> str:
    return (
        f"Registration for {program.name} is closed. The next round, Spring 2027, "
        f"opens on {days(10):%-d %B %Y}."
    )


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_joining_while_registration_is_closed_says_when_it_opens(client, only):
    user = UserFactory(signup_role="mentee")
    text = page(login(client, user).get(reverse("profiles:join", args=["mentee"])))
    assert opening_words(only) in text
    assert "Start the questionnaire" not in text
    assert not Profile.objects.filter(user=user).exists()


def test_a_program_posted_after_its_registration_closed_is_refused_in_words(client, only):
    ProgramFactory(name="Still open")  # no cycles: open, so the form is shown with its error
    user = UserFactory()
    response = login(client, user).post(
        reverse("profiles:join", args=["mentor"]), {"program": only.pk}
    )
    text = page(response)
    assert "Registration for that program is closed now" in text
    assert opening_words(only) in text
    assert not Profile.objects.filter(user=user).exists()


def test_registration_closing_between_the_form_and_the_join_is_a_message(
    client, program, monkeypatch
):
    """The program was open when the form was checked; by the time the join ran, its
    cycle had moved on (``join_program`` refuses): the page says so, nothing is saved."""
    Program.objects.exclude(pk=program.pk).delete()
    closed = Registration(open=False, cycle=None, next_cycle=None)
    monkeypatch.setattr(cycles, "registration", lambda program, today=None: closed)
    user = UserFactory()
    response = login(client, user).post(
        reverse("profiles:join", args=["mentee"]), {"program": program.pk}, follow=True
    )
    assert f"Registration for {program.name} is closed. No next round is planned yet" in page(
        response
    )
    assert not Profile.objects.filter(user=user).exists()


def test_the_join_form_offers_only_programs_whose_registration_is_open(program):
    registering = ProgramFactory(name="Registering")
    CycleFactory(program=registering, state=State.REGISTRATION)
    matching = ProgramFactory(name="Matching now")
    CycleFactory(program=matching, state=State.MATCHING)
    without_cycles = ProgramFactory(name="No cycles")
    switched_off = ProgramFactory(name="Sign-up off", signup_open=False)
    offered = set(JoinForm().fields["program"].queryset)
    assert registering in offered and without_cycles in offered and program in offered
    assert matching not in offered and switched_off not in offered


def test_joining_an_open_cycle_enrols_and_shows_its_dates(client, only):
    spring = only.cycles.get(name="Spring 2027")
    spring.state = State.REGISTRATION
    spring.save()
    user = UserFactory()
    text = page(login(client, user).get(reverse("profiles:join", args=["mentee"])))
    assert (
        f"<strong>Spring 2027</strong>: registration is open and closes on "
        f"{days(30):%-d %B %Y}. Matching on {days(32):%-d %B %Y}. Mentorships run from "
        f"{days(40):%-d %B %Y} to {days(130):%-d %B %Y}."
    ) in text
    response = client.post(reverse("profiles:join", args=["mentee"]), {"program": only.pk})
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.cycle == spring


def test_people_already_in_the_program_keep_working_while_it_is_closed(client, only):
    profile = ProfileFactory(program=only, steps_done=[])
    login(client, profile.user)
    step = reverse("profiles:edit", args=[profile.pk, "about"])
    assert client.get(step).status_code == 200
    assert client.get(reverse("matching:profile_home", args=[profile.pk])).status_code == 200


def test_the_landing_page_shows_the_current_cycles_dates(client, only):
    only.cycles.filter(name="Spring 2027").update(state=State.REGISTRATION)
    text = page(client.get(reverse("profiles:landing")))
    assert f"registration is open and closes on {days(30):%-d %B %Y}" in text
    assert f"Mentorships run from {days(40):%-d %B %Y} to {days(130):%-d %B %Y}." in text


def test_the_landing_page_says_when_the_next_cycle_opens(client, only):
    text = page(client.get(reverse("profiles:landing")))
    assert opening_words(only) in text


def test_an_open_ended_cycle_looks_as_before_cycles(client, program):
    Program.objects.exclude(pk=program.pk).delete()
    program.description = ""
    program.save()
    text = page(client.get(reverse("profiles:landing")))
    assert "Registration is open." in text
    assert "closes on" not in text and "is closed" not in text


def test_the_sign_up_page_says_no_program_is_open_and_when_one_opens(client, only):
    text = page(client.get(reverse("account_signup")))
    assert "No program is open for registration at the moment." in text
    assert opening_words(only) in text
    # Creating an account stays possible, as it was when no program took sign-ups.
    response = client.post(
        reverse("account_signup"),
        {
            "email": "early@example.org",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code == 302


def test_the_sign_up_page_says_nothing_while_a_program_is_open(client, program):
    text = page(client.get(reverse("account_signup")))
    assert "No program is open for registration" not in text
