"""The landing page: what Kindred does for each audience, and the program it is for."""

import pytest
from django.urls import reverse

from profiles.models import Program
from profiles.templatetags.kindred_ui import avatar, avatar_colour, initials

pytestmark = pytest.mark.django_db


def only_program(**fields) -> Program:
    Program.objects.exclude(pk=Program.objects.order_by("pk").first().pk).delete()
    program = Program.objects.order_by("pk").get()
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()
    return program


def test_it_names_the_program_and_shows_its_description(client):
    only_program(name="Bridges Mentoring", description="Mentors for first-generation students.")
    page = client.get(reverse("profiles:landing")).content.decode()
    assert "Bridges Mentoring" in page
    assert "Mentors for first-generation students." in page


def test_it_speaks_to_mentees_mentors_and_program_admins(client):
    response = client.get(reverse("profiles:landing"))
    page = response.content.decode()
    for heading in ("For mentees", "For mentors", "For program admins"):
        assert f">{heading}</h3>" in page
    assert reverse("profiles:join", args=["mentee"]) in page
    assert reverse("profiles:join", args=["mentor"]) in page


def test_it_shows_screenshots_served_as_static_files(client):
    page = client.get(reverse("profiles:landing")).content.decode()
    assert "/static/img/screenshots/mentee-home.png" in page
    assert "/static/img/screenshots/mentee-home-mobile.png" in page


def test_a_closed_program_is_not_advertised(client):
    only_program(name="Closed Cohort", description="Full for this year.", signup_open=False)
    page = client.get(reverse("profiles:landing")).content.decode()
    assert "Closed Cohort" not in page and "Full for this year." not in page


def test_several_open_programs_are_listed_by_name(client):
    only_program(name="Alpha Circle", description="The first one.")
    Program.objects.create(name="Beta Circle", slug="beta-circle", description="The second one.")
    page = client.get(reverse("profiles:landing")).content.decode()
    assert "Alpha Circle" in page and "Beta Circle" in page and "The second one." in page


def test_the_description_is_escaped(client):
    only_program(description="<script>alert(1)</script>")
    page = client.get(reverse("profiles:landing")).content.decode()
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ana María López", "AL"), ("kwame", "K"), ("  ", "?"), ("Sofia  Rossi ", "SR"), ("", "?")],
)
def test_initials_take_the_first_and_last_word(name, expected):
    assert initials(name) == expected


def test_an_avatar_keeps_its_colour_for_a_name_and_hides_from_screen_readers():
    html = avatar("Sofia Rossi")
    assert f"avatar-{avatar_colour('sofia rossi')}" in html
    assert 'aria-hidden="true"' in html and ">SR<" in html
    assert len({avatar_colour(n) for n in ("Ana", "Ben", "Chidi", "Dara", "Eli", "Fay")}) > 1


def test_an_avatar_escapes_the_name():
    assert "<b>" not in avatar("<b>Bold</b> Name")
