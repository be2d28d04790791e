"""Taking part again (issue 21): when a new cycle opens its registration, the previous
cycle's people are invited by email, once, and one click enrols them with their
answers and consent as they were."""

from datetime import date

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import reverse

from profiles import cycles, services
from profiles.models import Consent, Cycle, Enrolment, Profile
from profiles.signals import cycle_moved
from profiles.taxonomy import STEPS
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, ProgramFactory, tags

pytestmark = pytest.mark.django_db

State = Cycle.State


@pytest.fixture
def program():
    return ProgramFactory(name="First-Gen Network")


@pytest.fixture
def before(program) -> Cycle:
    return CycleFactory(
        program=program,
        name="Autumn 2026",
        state=State.RUNNING,
        registration_opens=date(2026, 9, 1),
    )


@pytest.fixture
def new(program) -> Cycle:
    return CycleFactory(
        program=program,
        name="Spring 2027",
        state=State.REGISTRATION,
        registration_opens=date(2027, 1, 10),
        registration_closes=date(2027, 2, 1),
        starts_on=date(2027, 2, 15),
        ends_on=date(2027, 6, 30),
    )


def in_cycle(cycle: Cycle, **fields) -> Profile:
    profile = ProfileFactory(program=cycle.program, **fields)
    cycles.enrol(profile=profile, cycle=cycle)
    return profile


def announce(cycle: Cycle, to_state: str, capture) -> None:
    with capture(execute=True):
        cycle_moved.send(sender=Cycle, cycle=cycle, from_state=State.DRAFT, to_state=to_state)


def invited() -> list[str]:
    return sorted(
        m.to[0] for m in mail.outbox if m.extra_headers.get("X-Kindred-Email") == "take_part_again"
    )


def test_registration_opening_invites_the_previous_cycles_people_once(
    program, before, new, django_capture_on_commit_callbacks
):
    first, second = in_cycle(before), in_cycle(before, role="mentor")
    announce(new, State.REGISTRATION, django_capture_on_commit_callbacks)
    announce(new, State.REGISTRATION, django_capture_on_commit_callbacks)
    assert invited() == sorted([first.user.email, second.user.email])


def test_only_the_last_cycles_people_are_invited_and_not_those_already_in(
    program, before, new, django_capture_on_commit_callbacks
):
    older = CycleFactory(
        program=program, name="Spring 2026", state=State.CLOSED, registration_opens=date(2026, 1, 5)
    )
    in_cycle(older)  # took part two rounds ago only
    ProfileFactory(program=program)  # never took part in a cycle
    back = in_cycle(before)
    already = in_cycle(before)
    cycles.enrol(profile=already, cycle=new)
    elsewhere = CycleFactory(state=State.RUNNING, registration_opens=date(2026, 9, 1))
    in_cycle(elsewhere)  # another program's last cycle
    announce(new, State.REGISTRATION, django_capture_on_commit_callbacks)
    assert invited() == [back.user.email]


def test_no_invitations_when_a_cycle_moves_to_another_state(
    before, new, django_capture_on_commit_callbacks
):
    in_cycle(before)
    announce(new, State.MATCHING, django_capture_on_commit_callbacks)
    assert invited() == []


def test_the_invitation_names_the_cycle_its_dates_and_the_one_click_page(
    before, new, django_capture_on_commit_callbacks
):
    person = in_cycle(before, display_name="Rosa Díaz")
    announce(new, State.REGISTRATION, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.subject == "Take part again in First-Gen Network: Spring 2027 is open"
    assert "Hello Rosa Díaz" in email.body
    assert "Registration closes on 1 February 2027" in email.body
    assert "15 February 2027 and run until 30 June 2027" in email.body
    assert reverse("profiles:take_part", args=[person.pk, new.pk]) in email.body


def with_background_and_consent(profile: Profile) -> Profile:
    services.set_background(
        profile=profile,
        tags=tags("heritage", *[t.slug for t in _some_heritage()]),
        note="Abuela's stories",
        visibility="matching",
        answered=["heritage"],
    )
    return profile


def _some_heritage():
    from profiles.models import Tag

    return list(Tag.objects.filter(kind="heritage", is_active=True).order_by("pk")[:2])


def snapshot(profile: Profile) -> dict:
    profile = Profile.objects.get(pk=profile.pk)
    fields = model_to_dict(profile, exclude=["cycle"])
    consents = list(
        Consent.objects.filter(profile=profile).values(
            "pk", "category", "text_version", "given_at", "withdrawn_at"
        )
    )
    return {**{k: _plain(v) for k, v in fields.items()}, "consents": consents}


def _plain(value):
    return sorted(t.pk for t in value) if isinstance(value, list) else value


def test_one_click_takes_part_with_answers_and_consent_as_they_were(
    client, before, new, django_capture_on_commit_callbacks
):
    person = with_background_and_consent(
        in_cycle(before, goals=["networking"], values=["family"], headline="Nurse")
    )
    was = snapshot(person)
    assert was["background"] and was["consents"]
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("profiles:take_part_confirm", args=[person.pk, new.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("profiles:profile", args=[person.pk])
    assert snapshot(person) == was
    person.refresh_from_db()
    assert person.cycle == new
    enrolment = Enrolment.objects.get(profile=person, cycle=new)
    assert enrolment.carried_over
    assert Enrolment.objects.filter(profile=person, cycle=before).exists()
    page = client.get(response["Location"])
    assert f"You take part in {new.name}" in page.content.decode()


def test_taking_part_twice_is_one_enrolment(client, before, new):
    person = in_cycle(before)
    client.force_login(person.user)
    for _ in range(2):
        client.post(reverse("profiles:take_part_confirm", args=[person.pk, new.pk]))
    assert Enrolment.objects.filter(profile=person, cycle=new).count() == 1


def test_the_page_shows_the_cycle_the_answers_and_a_link_to_change_each_step(client, before, new):
    person = with_background_and_consent(in_cycle(before, goals=["networking"]))
    client.force_login(person.user)
    page = client.get(reverse("profiles:take_part", args=[person.pk, new.pk])).content.decode()
    assert "Take part again in Spring 2027" in page
    assert "15 February 2027 to 30 June 2027" in page
    assert "Take part in Spring 2027</button>" in page
    for tag in person.background.all():
        assert tag.name in page  # their own page: their own answers
    assert "Consent given for heritage" in page
    for step in STEPS:
        assert reverse("profiles:edit", args=[person.pk, step]) in page


def test_another_persons_page_is_not_found(client, before, new):
    person, other = in_cycle(before), in_cycle(before)
    client.force_login(other.user)
    assert client.get(reverse("profiles:take_part", args=[person.pk, new.pk])).status_code == 404
    posted = client.post(reverse("profiles:take_part_confirm", args=[person.pk, new.pk]))
    assert posted.status_code == 404
    assert not Enrolment.objects.filter(profile=person, cycle=new).exists()


def test_another_programs_cycle_is_not_found(client, before):
    person = in_cycle(before)
    client.force_login(person.user)
    foreign = CycleFactory(state=State.REGISTRATION)
    assert (
        client.get(reverse("profiles:take_part", args=[person.pk, foreign.pk])).status_code == 404
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, before, new):
    person = in_cycle(before)
    response = client.get(reverse("profiles:take_part", args=[person.pk, new.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("state", [State.DRAFT, State.MATCHING, State.RUNNING, State.CLOSED])
def test_taking_part_is_refused_with_a_message_unless_registration_is_open(
    client, before, new, state
):
    Cycle.objects.filter(pk=new.pk).update(state=state)
    person = in_cycle(before)
    client.force_login(person.user)
    response = client.post(
        reverse("profiles:take_part_confirm", args=[person.pk, new.pk]), follow=True
    )
    page = response.content.decode()
    assert "Registration for Spring 2027" in page
    assert "Take part in Spring 2027</button>" not in page
    assert not Enrolment.objects.filter(profile=person, cycle=new).exists()
    person.refresh_from_db()
    assert person.cycle == before


def test_a_program_whose_sign_up_is_switched_off_refuses_too(client, program, before, new):
    program.signup_open = False
    program.save(update_fields=["signup_open"])
    person = in_cycle(before)
    client.force_login(person.user)
    response = client.post(
        reverse("profiles:take_part_confirm", args=[person.pk, new.pk]), follow=True
    )
    assert "paused by the program" in response.content.decode()
    assert not Enrolment.objects.filter(profile=person, cycle=new).exists()


def test_a_mentor_takes_part_again_too(client, before, new):
    mentor = MentorFactory(program=before.program, capacity=2)
    cycles.enrol(profile=mentor, cycle=before)
    client.force_login(mentor.user)
    client.post(reverse("profiles:take_part_confirm", args=[mentor.pk, new.pk]))
    mentor.refresh_from_db()
    assert mentor.cycle == new and mentor.capacity == 2


def test_the_home_page_offers_the_new_cycle_to_last_cycles_people_until_they_take_part(
    client, program, before, new
):
    person = in_cycle(before)
    client.force_login(person.user)
    home = reverse("matching:profile_home", args=[person.pk])
    link = reverse("profiles:take_part", args=[person.pk, new.pk])
    page = client.get(home).content.decode()
    assert "Spring 2027 is open" in page and link in page
    client.post(reverse("profiles:take_part_confirm", args=[person.pk, new.pk]))
    assert "Spring 2027 is open" not in client.get(home).content.decode()


def test_the_home_page_offers_nothing_to_someone_not_in_the_last_cycle(client, program, new):
    newcomer = ProfileFactory(program=program)
    client.force_login(newcomer.user)
    page = client.get(reverse("matching:profile_home", args=[newcomer.pk])).content.decode()
    assert "Spring 2027 is open" not in page


def test_a_part_another_app_adds_as_plain_text_is_escaped_on_the_page(client, before, new):
    from profiles.signals import take_part_page

    def careless(sender, **kwargs):
        return "<script>alert(1)</script>"

    take_part_page.connect(careless, dispatch_uid="test.careless")
    try:
        person = in_cycle(before)
        client.force_login(person.user)
        page = client.get(reverse("profiles:take_part", args=[person.pk, new.pk])).content.decode()
    finally:
        take_part_page.disconnect(dispatch_uid="test.careless")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
