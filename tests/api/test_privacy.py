"""Background answers appear exactly where their owner allows, as on the pages;
a program's admins read them only with that right in the program, on request, and
on record."""

import pytest

from matching import suggestions
from matching.models import Suggestion
from mentorships import lifecycle
from profiles.models import SensitiveAccess
from tests.api.conftest import bearer, call
from tests.factories import (
    MentorFactory,
    ProfileFactory,
    ProgramFactory,
    coordinator,
    program_admin,
    tags,
)

pytestmark = pytest.mark.django_db

FILIPINO = {"facet": "heritage", "slug": "filipino", "name": "Filipino"}


@pytest.fixture
def pair(program):
    """A mentee and a suggested mentor, both Filipino, both keeping it private."""
    mentee = ProfileFactory(program=program, goals=["networking"], heritage_note="Ilocano family")
    mentor = MentorFactory(program=program, goals=["networking"], heritage_note="Manila-born")
    for person in (mentee, mentor):
        person.background.set(tags("heritage", "filipino"))
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentor


def set_visibility(profile, visibility: str) -> None:
    profile.background_visibility = visibility
    profile.save()


def suggested_mentor(mentee) -> dict:
    data = call(bearer(mentee.user), "get", f"/profiles/{mentee.pk}/suggestions/").json()
    return data["results"][0]


def mentorship_other(user, m) -> dict:
    return call(bearer(user), "get", f"/mentorships/{m.pk}/").json()["other"]


def test_a_private_background_is_neither_shown_nor_named_in_reasons(pair):
    mentee, _ = pair
    suggestion = suggested_mentor(mentee)
    assert suggestion["mentor"]["background"] is None
    assert not any("background" in r.lower() for r in suggestion["reasons"])
    assert suggestion["components"]["background"] is None
    assert "Filipino" not in str(suggestion)


def test_a_background_shared_with_the_program_is_shown_and_named(pair):
    mentee, mentor = pair
    set_visibility(mentor, "program")
    suggestions.refresh_profile(profile_id=mentee.pk)
    suggestion = suggested_mentor(mentee)
    assert suggestion["mentor"]["background"] == {
        "answers": [FILIPINO],
        "heritage_note": "Manila-born",
    }
    assert "Shared background: Filipino" in suggestion["reasons"]


def test_a_mentees_matches_only_background_reaches_the_mentor_once_asked(pair):
    mentee, mentor = pair
    set_visibility(mentee, "matches")
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message=""
    )
    assert mentorship_other(mentor.user, m)["background"]["answers"] == [FILIPINO]
    lifecycle.withdraw(mentorship=m)
    assert mentorship_other(mentor.user, m)["background"] is None


def test_a_mentors_matches_only_background_reaches_the_mentee_once_paired(pair):
    mentee, mentor = pair
    set_visibility(mentor, "matches")
    assert suggested_mentor(mentee)["mentor"]["background"] is None
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message=""
    )
    assert mentorship_other(mentee.user, m)["background"] is None
    lifecycle.accept(mentorship=m)
    assert mentorship_other(mentee.user, m)["background"]["heritage_note"] == "Manila-born"


def test_matching_only_stays_hidden_even_from_the_paired_side(pair):
    mentee, mentor = pair
    m = suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message=""
    )
    lifecycle.accept(mentorship=m)
    assert mentorship_other(mentor.user, m)["background"] is None
    assert mentorship_other(mentee.user, m)["background"] is None


def participants(user, program, query: str = ""):
    return call(bearer(user), "get", f"/admin/programs/{program.slug}/participants/{query}")


def test_admins_see_no_background_by_default(pair, staff, sensitive_staff, program):
    for user in (staff, sensitive_staff):
        rows = participants(user, program).json()["results"]
        assert rows and all(row["background"] is None for row in rows)
    assert not SensitiveAccess.objects.exists()


@pytest.mark.parametrize("who", ["admin", "coordinator"])
@pytest.mark.parametrize("path", ["participants/", "matches/", "matches.csv"])
def test_without_the_right_nobody_can_ask_for_background(pair, staff, program, path, who):
    user = staff if who == "admin" else coordinator(program)
    response = call(bearer(user), "get", f"/admin/programs/{program.slug}/{path}?sensitive=true")
    assert response.status_code == 403
    assert "right in this program" in response.json()["error"]["message"]
    assert not SensitiveAccess.objects.exists()


def test_an_admin_with_the_right_reads_background_on_record(pair, sensitive_staff, program):
    rows = participants(sensitive_staff, program, "?sensitive=true").json()["results"]
    assert all(row["background"]["answers"] == [FILIPINO] for row in rows)
    access = SensitiveAccess.objects.get()
    assert access.viewer == sensitive_staff and "participants" in access.what
    assert access.program == program


def test_the_right_in_one_program_reads_nothing_of_another(pair, program):
    other = ProgramFactory()
    ProfileFactory(program=other)
    reader = program_admin(other, background=True)
    response = participants(reader, program, "?sensitive=true")
    assert response.status_code == 404
    # Their own program's: yes, recorded against that program.
    assert participants(reader, other, "?sensitive=true").status_code == 200
    assert list(SensitiveAccess.objects.values_list("program", flat=True)) == [other.pk]


def test_the_csv_export_has_background_columns_only_with_the_permission(
    pair, sensitive_staff, program
):
    mentee, mentor = pair
    suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message=""
    )
    url = f"/admin/programs/{program.slug}/matches.csv"
    plain = call(bearer(sensitive_staff), "get", url).content.decode()
    assert "Filipino" not in plain and "mentee_heritage" not in plain
    full = call(bearer(sensitive_staff), "get", url + "?sensitive=1").content.decode()
    assert "mentee_heritage" in full and "Filipino" in full
