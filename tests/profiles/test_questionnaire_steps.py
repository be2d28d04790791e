"""The questionnaire as a new person meets it (issue 18): clearable background
answers, canonical time zones by region, importance one row per part, no
silent cut of long text, no step that only names the program, and a consent
text that links to the visibility choice."""

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from profiles import imports, zones
from profiles.forms import LogisticsForm
from profiles.models import Profile, Tag
from profiles.taxonomy import COMPONENTS, Role
from tests.api.conftest import bearer, call
from tests.conftest import login
from tests.factories import ProfileFactory, ProgramFactory, UserFactory, tags

pytestmark = pytest.mark.django_db

LOGISTICS = {
    "timezone": "Europe/Berlin",
    "meeting_format": "either",
    "city": "",
    "contact_details": "",
    **{f"importance_{c}": "2" for c in COMPONENTS},
}
OLD_NAMES = ("Africa/Asmera", "US/Eastern", "Asia/Calcutta", "Europe/Kiev", "Asia/Saigon")


@pytest.fixture
def mentee(default_program):
    return Profile.objects.create(user=UserFactory(), program=default_program, role=Role.MENTEE)


@pytest.fixture
def client(client, mentee):
    return login(client, mentee.user)


def page(client, profile, step) -> str:
    response = client.get(reverse("profiles:edit", args=[profile.pk, step]))
    assert response.status_code == 200
    return response.content.decode()


def edit(client, profile, step, data):
    return client.post(reverse("profiles:edit", args=[profile.pk, step]), data)


def tag(facet, slug) -> Tag:
    return Tag.objects.get(facet=facet, slug=slug)


# --- 1. background radio answers can be cleared --------------------------------------------


def test_every_single_choice_question_offers_prefer_not_to_say(client, mentee):
    html = page(client, mentee, "background")
    for name in ("generation", "socioeconomic", "outlook", "faith"):
        assert re.search(rf'<input type="radio" name="{name}" value=""[^>]*checked', html), name
    assert html.count("Prefer not to say (no answer)") == 4


def test_a_saved_radio_answer_is_cleared_through_the_form(client, mentee):
    faith = Tag.objects.filter(facet="faith").first()
    data = {"faith": faith.pk, "visibility": "matching", "consent": "on"}
    assert edit(client, mentee, "background", data).status_code == 302
    assert list(mentee.background.all()) == [faith]

    response = edit(client, mentee, "background", {**data, "faith": "", "consent": ""})
    assert response.status_code == 302
    assert not mentee.background.exists()
    assert not mentee.consents.given().exists()


def test_the_consent_error_says_how_to_clear_the_answers(client, mentee):
    faith = Tag.objects.filter(facet="faith").first()
    response = edit(client, mentee, "background", {"faith": faith.pk, "visibility": "matching"})
    assert "Prefer not to say (no answer)" in str(response.context["form"].errors["consent"])


# --- 7. the consent text points at the visibility choice --------------------------------------


def test_the_consent_text_links_to_the_visibility_choice(client, mentee):
    html = page(client, mentee, "background")
    link = re.search(r'<a href="#(field-visibility)">“Who may see these answers” above</a>', html)
    assert link
    target = html[html.index(f'id="{link.group(1)}"') :]
    assert target.index('name="visibility"') < target.index('name="consent"')


# --- 3. time zones: canonical, by region, with the time now ----------------------------------


def timezone_options(html: str) -> list[str]:
    select = re.search(r'<select name="timezone".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_time_zone_list_has_no_old_or_alias_names(client, mentee):
    offered = [z for z in timezone_options(page(client, mentee, "logistics")) if z]
    assert "Europe/Berlin" in offered and "Asia/Kolkata" in offered
    for old in (*OLD_NAMES, "GMT", "Etc/UTC", "US/Pacific", "Asia/Katmandu", "Africa/Asmara"):
        assert old not in offered
    assert set(offered) <= zones.canonical_names()
    assert len(offered) == len(set(offered))


def test_the_list_is_short_and_keeps_every_clock_in_use(client, mentee):
    """Known cities, and one zone for every clock none of them keeps: Boise keeps
    Denver's time, so only Denver is offered; Lord Howe's half-hour summer is its own."""
    offered = [z for z in timezone_options(page(client, mentee, "logistics")) if z]
    assert len(offered) < len(zones.canonical_names()) / 2
    assert "America/Denver" in offered and "America/Boise" not in offered
    assert "Australia/Lord_Howe" in offered
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    days = [start + timedelta(days=d) for d in range(0, 731, 3)]

    def clock(name):
        return tuple(day.astimezone(ZoneInfo(name)).utcoffset() for day in days)

    kept = {clock(name) for name in offered}
    assert all(clock(name) in kept for name in zones.canonical_names())


def test_a_saved_zone_off_the_short_list_stays_offered_to_its_owner(client, mentee):
    Profile.objects.filter(pk=mentee.pk).update(timezone="America/Boise")
    html = page(client, mentee, "logistics")
    assert "America/Boise" in timezone_options(html)
    assert re.search(r'<option value="America/Boise" selected>America/Boise — ', html)
    response = edit(client, mentee, "logistics", {**LOGISTICS, "timezone": "America/Boise"})
    assert response.status_code == 302
    assert Profile.objects.get(pk=mentee.pk).timezone == "America/Boise"


def test_time_zones_are_grouped_by_region(client, mentee):
    html = page(client, mentee, "logistics")
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert groups[:2] == ["Africa", "America"]
    assert {"Asia", "Europe", "Pacific", "Australia"} <= set(groups)
    europe = re.search(r'<optgroup label="Europe">(.*?)</optgroup>', html, re.S).group(1)
    assert 'value="Europe/Berlin"' in europe and 'value="Asia/Tokyo"' not in europe


def test_each_zone_shows_its_local_time_now(client, mentee):
    with time_machine.travel(datetime(2026, 12, 5, 13, 5, tzinfo=UTC)):
        html = page(client, mentee, "logistics")
    assert ">Europe/Berlin — 14:05</option>" in html
    assert ">America/New York — 08:05</option>" in html
    assert ">Asia/Kolkata — 18:35</option>" in html


def test_zones_and_regions_are_named_in_the_readers_language(client, mentee):
    """CLDR's names for places ("대한민국 시간"), so nobody hunts for a city spelt in English."""
    client.post(reverse("profiles:language"), {"language": "ko", "next": "/"})
    with time_machine.travel(datetime(2026, 12, 5, 13, 5, tzinfo=UTC)):
        html = page(client, mentee, "logistics")
    assert '<option value="Asia/Seoul">대한민국 시간 — 22:05</option>' in html
    assert '<option value="America/New_York">미국(뉴욕) 시간 — 08:05</option>' in html
    assert '<option value="UTC">UTC — 13:05</option>' in html
    with translation.override("ko"):
        asia = translation.gettext("Asia")
    assert asia != "Asia"
    assert f'<optgroup label="{asia}">' in html


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("US/Eastern", "America/New_York"),
        ("Africa/Asmera", "Africa/Asmara"),
        ("Europe/Kiev", "Europe/Kyiv"),
    ],
)
def test_a_saved_old_zone_name_is_shown_as_its_canonical_zone(mentee, old, new):
    mentee.timezone = old
    assert LogisticsForm(instance=mentee)["timezone"].value() == new


def test_an_old_zone_name_sent_is_saved_as_its_canonical_zone(client, mentee):
    response = edit(client, mentee, "logistics", {**LOGISTICS, "timezone": "Asia/Calcutta"})
    assert response.status_code == 302
    assert Profile.objects.get(pk=mentee.pk).timezone == "Asia/Kolkata"


@pytest.mark.parametrize(
    "bad", ["Mars/Olympus", "../../etc/passwd", "Europe/Berlin\x00", "x" * 300]
)
def test_an_invalid_zone_is_a_clear_form_error(client, mentee, bad):
    response = edit(client, mentee, "logistics", {**LOGISTICS, "timezone": bad})
    assert response.status_code == 200
    [message] = response.context["form"].errors["timezone"]
    assert message.startswith("Choose your time zone from the list:")
    assert Profile.objects.get(pk=mentee.pk).timezone == ""


def test_no_zone_chosen_asks_for_one(client, mentee):
    response = edit(client, mentee, "logistics", {**LOGISTICS, "timezone": ""})
    assert response.context["form"].errors["timezone"] == ["Choose your time zone."]


def test_the_page_carries_the_old_names_for_the_browsers_guess(client, mentee):
    html = page(client, mentee, "logistics")
    aliases = re.search(
        r'<script id="timezone-aliases" type="application/json">(.*?)</script>', html
    )
    guesses = json.loads(aliases.group(1))
    assert guesses["Asia/Calcutta"] == "Asia/Kolkata"
    assert guesses["America/Boise"] == "America/Denver"  # same clocks, same country
    assert guesses["Europe/Busingen"] == "Europe/Berlin"
    offered = set(timezone_options(html))
    assert set(guesses.values()) <= offered


# --- 4. importance one row per part; counters; no silent cut --------------------------------


def test_importance_is_one_labelled_choice_per_part_in_one_fieldset(client, mentee):
    html = page(client, mentee, "logistics")
    fieldset = re.search(r'<fieldset class="field importance".*?</fieldset>', html, re.S).group(0)
    assert "<legend>How much each part of a match matters to you</legend>" in fieldset
    rows = re.findall(
        r'<div class="importance-row">\s*<label for="id_importance_(\w+)">([^<]+)</label>\s*'
        r'<select name="importance_\1"',
        fieldset,
    )
    assert rows == [
        ("goals", "Goals"),
        ("background", "Shared background"),
        ("values", "Shared values"),
        ("experience", "Experience"),
        ("logistics", "Logistics"),
    ]
    assert 'type="radio" name="importance_' not in html


def test_importance_chosen_in_a_row_is_saved(client, mentee):
    edit(client, mentee, "logistics", {**LOGISTICS, "importance_values": "3"})
    assert Profile.objects.get(pk=mentee.pk).importance_values == 3


def test_long_text_fields_have_a_counter_limit_and_no_browser_cut(client, mentee):
    about = page(client, mentee, "about")
    assert re.search(r'<textarea name="bio"[^>]*data-maxlength="2000"', about)
    assert re.search(r'<input type="text" name="headline"[^>]*data-maxlength="120"', about)
    background = page(client, mentee, "background")
    assert re.search(r'name="heritage_note"[^>]*data-maxlength="200"', background)
    logistics = page(client, mentee, "logistics")
    assert re.search(r'name="contact_details"[^>]*data-maxlength="200"', logistics)
    for html in (about, background, logistics):
        assert "maxlength=" not in html.replace("data-maxlength=", "")
    # The counter is drawn by the server, so nothing moves when the script runs.
    assert re.search(r'name="bio"[^>]*aria-describedby="id_bio_helptext id_bio_count"', about)
    assert '<p class="char-count" id="id_bio_count">0 / 2,000 characters</p>' in about
    assert "{#" not in about and "questionnaire.js" not in about.split("<form")[1]


def test_a_long_list_has_its_filter_box_in_its_group(client, mentee):
    html = page(client, mentee, "about")
    group = re.search(r"<fieldset>\s*<legend>Languages you speak.*?</fieldset>", html, re.S).group(
        0
    )
    assert '<label for="id_languages_filter">Find a language</label>' in group
    assert 'aria-controls="id_languages"' in group


def test_an_over_long_bio_is_refused_with_a_message_not_cut(client, mentee):
    data = {
        "display_name": "Ji-woo",
        "career_stage": "1",
        "languages": [t.pk for t in tags("language", "english")],
        "bio": "x" * 2001,
    }
    response = edit(client, mentee, "about", data)
    assert response.status_code == 200
    assert response.context["form"].errors["bio"] == [
        "Please shorten this to at most 2000 characters: it has 2001."
    ]
    assert Profile.objects.get(pk=mentee.pk).bio == ""
    assert edit(client, mentee, "about", {**data, "bio": "x" * 2000}).status_code == 302
    assert len(Profile.objects.get(pk=mentee.pk).bio) == 2000


def test_an_over_long_contact_is_refused_too(client, mentee):
    response = edit(client, mentee, "logistics", {**LOGISTICS, "contact_details": "y" * 201})
    assert (
        "at most 200 characters: it has 201"
        in response.context["form"].errors["contact_details"][0]
    )


def test_the_api_refuses_an_over_long_bio_and_keeps_the_old_one(program):
    profile = ProfileFactory(program=program, bio="Before")
    response = call(bearer(profile.user), "patch", f"/profiles/{profile.pk}/", {"bio": "z" * 2500})
    assert response.status_code == 400
    assert "at most 2000 characters" in str(response.json()["error"]["fields"]["bio"])
    assert Profile.objects.get(pk=profile.pk).bio == "Before"


# --- 5. no step that only names the program ---------------------------------------------------


def test_with_one_program_open_joining_goes_straight_to_the_first_step(client, mentee):
    mentee.user.signup_role = Role.MENTOR  # chosen when signing up
    mentee.user.save(update_fields=["signup_role"])
    response = client.get(reverse("profiles:join", args=["mentor"]))
    mentor = Profile.objects.get(user=mentee.user, role=Role.MENTOR)
    assert response.url == reverse("profiles:edit", args=[mentor.pk, "about"])

    html = client.get(response.url).content.decode()
    assert "You are joining" not in html
    header = re.search(r'<header class="questionnaire-header">(.*?)</header>', html, re.S).group(1)
    assert "Kindred mentoring program · mentor" in header
    assert "<h1>About you</h1>" in header


def test_a_link_to_join_in_a_role_not_chosen_at_sign_up_asks_first(client, mentee):
    """A GET never makes anyone a mentor: a link from elsewhere shows the page."""
    url = reverse("profiles:join", args=["mentor"])
    response = client.get(url)
    assert response.status_code == 200
    assert not Profile.objects.filter(user=mentee.user, role=Role.MENTOR).exists()
    response = client.post(url, {"program": mentee.program.pk})
    mentor = Profile.objects.get(user=mentee.user, role=Role.MENTOR)
    assert response.url == reverse("profiles:edit", args=[mentor.pk, "about"])


def test_joining_again_opens_the_profile_already_there(client, mentee):
    client.get(reverse("profiles:join", args=["mentee"]))
    assert Profile.objects.filter(user=mentee.user, role=Role.MENTEE).count() == 1


def test_with_several_programs_open_the_choice_is_a_page_of_its_own(client, mentee):
    ProgramFactory(name="Alumni circle")
    response = client.get(reverse("profiles:join", args=["mentor"]))
    assert response.status_code == 200
    assert b'<input type="radio" name="program"' in response.content
    assert not Profile.objects.filter(user=mentee.user, role=Role.MENTOR).exists()


def test_the_api_saves_an_old_zone_name_as_its_canonical_zone(program):
    profile = ProfileFactory(program=program)
    client = bearer(profile.user)
    response = call(client, "patch", f"/profiles/{profile.pk}/", {"timezone": "Asia/Calcutta"})
    assert response.status_code == 200
    assert Profile.objects.get(pk=profile.pk).timezone == "Asia/Kolkata"


def test_a_csv_import_reads_zones_in_any_case_and_by_their_old_names():
    timezones = imports.Vocabulary().timezones
    assert timezones["europe/berlin"] == "Europe/Berlin"
    assert timezones["asia/calcutta"] == "Asia/Kolkata"
    assert timezones["us/eastern"] == "America/New_York"


def test_without_the_tz_tables_the_regions_zones_are_still_offered(monkeypatch):
    monkeypatch.setattr(zones, "_tzdata_file", lambda name: "")
    zones.canonical_names.cache_clear()
    zones.aliases.cache_clear()
    try:
        names = zones.canonical_names()
        assert {"Europe/Berlin", "Asia/Kolkata", "UTC"} <= names
        assert not {"US/Eastern", "Etc/GMT+5", "GMT"} & names
        assert zones.canonical("Asia/Kolkata") == "Asia/Kolkata"
    finally:
        zones.canonical_names.cache_clear()
        zones.aliases.cache_clear()
