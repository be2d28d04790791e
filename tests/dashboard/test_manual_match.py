"""Matching by hand: people found as the admin types, the pair weighed with
every rule it would set aside, a reason asked for only then; and re-matching a
flagged mentorship, then picking the mentee's next mentor or leaving them in the pool."""

import html

import pytest
from django.urls import reverse

from matching.models import Suggestion
from mentorships.models import Mentorship
from profiles.models import AuditEntry, Program, SensitiveAccess
from tests.conftest import login
from tests.factories import (
    MentorFactory,
    ProfileFactory,
    UserFactory,
    coordinator,
    program_admin,
    tags,
)

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership"]


def page_url(program, mentee=None) -> str:
    if mentee is None:
        return reverse("dashboard:match", args=[program.slug])
    return reverse("dashboard:manual_match", args=[program.slug, mentee.pk])


def find(client, program, side: str, text: str, **chosen) -> str:
    url = reverse("dashboard:match_find", args=[program.slug, side])
    response = client.get(url, {f"{side[:-1]}_q": text, **chosen})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def preview(client, program, mentee, mentor) -> str:
    url = reverse("dashboard:match_preview", args=[program.slug])
    response = client.get(url, {"mentee": mentee.pk, "mentor": mentor.pk})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def post_match(client, program, mentee, mentor, reason="", url=None):
    return client.post(
        url or page_url(program),
        {"mentee": mentee.pk, "mentor": mentor.pk, "override_reason": reason},
    )


@pytest.fixture
def pair(program):
    mentee = ProfileFactory(program=program, goals=GOALS, display_name="Ana Park")
    mentor = MentorFactory(program=program, goals=GOALS, capacity=3, display_name="Dana Lee")
    return mentee, mentor


# --- finding people ---------------------------------------------------------------------------


def test_search_finds_mentees_by_name_and_by_email(staff_client, program, pair):
    mentee, _ = pair
    namesake = ProfileFactory(program=program, display_name="Ana Park", user__email="ap2@x.org")
    by_name = find(staff_client, program, "mentees", "ana pa")
    assert mentee.user.email in by_name and "ap2@x.org" in by_name  # namesakes told apart
    assert by_name.count('type="radio"') == 2
    by_email = find(staff_client, program, "mentees", "ap2@")
    assert f'value="{namesake.pk}"' in by_email and f'value="{mentee.pk}"' not in by_email
    assert "1 mentee matches “ap2@”" in by_email


def test_mentors_are_shown_with_their_room(staff_client, program, pair):
    _, mentor = pair
    Mentorship.objects.create(
        program=program, mentee=ProfileFactory(program=program), mentor=mentor, status="active"
    )
    found = find(staff_client, program, "mentors", "dana")
    assert "2 of 3 places free" in found and mentor.user.email in found


def test_search_leaves_out_other_programs_the_unready_and_the_matched(staff_client, program, pair):
    other = Program.objects.create(name="Other", slug="other")
    ProfileFactory(program=other, display_name="Ana Elsewhere")
    MentorFactory(program=other, display_name="Dana Elsewhere")
    ProfileFactory(program=program, display_name="Ana Unready", steps_done=[])
    matched = ProfileFactory(program=program, display_name="Ana Matched")
    Mentorship.objects.create(program=program, mentee=matched, mentor=pair[1], status="accepted")
    mentees = find(staff_client, program, "mentees", "ana")
    assert "Ana Park" in mentees
    assert not any(n in mentees for n in ("Elsewhere", "Unready", "Ana Matched"))
    assert "Elsewhere" not in find(staff_client, program, "mentors", "dana")


def test_a_chosen_person_stays_chosen_while_the_admin_types(staff_client, program, pair):
    mentee, _ = pair
    found = find(staff_client, program, "mentees", "zzz", mentee=mentee.pk)
    assert f'value="{mentee.pk}" checked' in found
    assert "Ana Park stays chosen" in found


def test_search_text_is_only_ever_text(staff_client, program, pair):
    found = find(staff_client, program, "mentees", "<b>%' OR 1=1 --")
    assert "No mentee matches" in found and "<b>" not in found.split("match")[0]


# --- the pair weighed -------------------------------------------------------------------------


def test_a_pair_within_the_rules_shows_score_reasons_and_room_and_asks_no_reason(
    staff_client, program, pair
):
    mentee, mentor = pair
    shown = preview(staff_client, program, mentee, mentor)
    assert "Ana Park with Dana Lee" in shown and "/100" in shown
    assert "Can help with 2 of the mentee's 2 goals: networking, leadership" in shown
    assert "of your" not in shown  # about the pair, not to the mentee
    assert "3 of 3 places free" in shown
    assert "no reason is needed" in shown and "override_reason" not in shown


def test_a_full_mentor_is_a_rule_set_aside_and_the_reason_is_then_required(
    staff_client, program, pair
):
    mentee, mentor = pair
    mentor.capacity = 1
    mentor.save()
    Mentorship.objects.create(
        program=program, mentee=ProfileFactory(program=program), mentor=mentor, status="active"
    )
    shown = preview(staff_client, program, mentee, mentor)
    assert "Dana Lee is full: 1 of 1 place taken; this match gives them one place more" in shown
    assert 'name="override_reason"' in shown and "required" in shown


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("paused", "Dana Lee is paused"),
        ("min_score", "is below the program's minimum of 95"),
        ("language", "They share no language, which the program requires"),
        ("must", "Dana Lee does not meet one of Ana Park's must-haves about background"),
        ("declined", "Dana Lee declined Ana Park before"),
    ],
)
def test_each_rule_the_match_would_set_aside_is_named(staff_client, program, pair, change, said):
    mentee, mentor = pair
    if change == "paused":
        mentor.is_paused = True
        mentor.save()
    elif change == "min_score":
        program.min_score = 95
        program.save()
    elif change == "language":
        mentor.languages.set(tags("language", "korean"))
        mentor.save()  # a new stamp, so that scoring reads the languages again
    elif change == "must":
        mentee.must_share = ["heritage"]
        mentee.save()
    else:
        Mentorship.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            status="declined",
            decline_reason="timing",
            ended_by="mentor",
        )
    shown = preview(staff_client, program, mentee, mentor)
    assert said in shown
    assert 'name="override_reason"' in shown


def test_which_must_have_is_unmet_is_named_only_with_the_permission_and_recorded(
    client, program, pair
):
    mentee, mentor = pair
    mentee.must_share = ["heritage"]
    mentee.save()
    for plain in (program_admin(program), coordinator(program)):
        assert "(heritage)" not in preview(login(client, plain), program, mentee, mentor)
    assert not SensitiveAccess.objects.exists()
    allowed = program_admin(program, background=True)
    assert "(heritage)" in preview(login(client, allowed), program, mentee, mentor)
    assert SensitiveAccess.objects.filter(viewer=allowed, profile=mentee, program=program).exists()


def test_a_mentee_with_a_mentor_cannot_be_matched_again(staff_client, program, pair):
    mentee, mentor = pair
    Mentorship.objects.create(
        program=program, mentee=mentee, mentor=MentorFactory(program=program), status="active"
    )
    shown = preview(staff_client, program, mentee, mentor)
    assert "Ana Park already has a mentor" in shown and 'type="submit"' not in shown


def test_nobody_is_their_own_mentor(staff_client, program, pair):
    mentee, _ = pair
    me = MentorFactory(program=program, user=mentee.user, goals=GOALS)
    assert "cannot be their own mentor" in preview(staff_client, program, mentee, me)
    post_match(staff_client, program, mentee, me, reason="Because")
    assert not Mentorship.objects.exists()


def test_another_programs_people_are_404_to_the_preview(staff_client, program, pair):
    mentee, _ = pair
    other = Program.objects.create(name="Other", slug="other")
    stranger = MentorFactory(program=other)
    url = reverse("dashboard:match_preview", args=[program.slug])
    assert staff_client.get(url, {"mentee": mentee.pk, "mentor": stranger.pk}).status_code == 404
    assert staff_client.get(url, {"mentee": "x", "mentor": ""}).status_code == 200


def test_the_preview_puts_the_pair_in_the_address_bar(staff_client, program, pair):
    mentee, mentor = pair
    url = reverse("dashboard:match_preview", args=[program.slug])
    response = staff_client.get(url, {"mentee": mentee.pk, "mentor": mentor.pk})
    assert response["HX-Push-Url"] == f"{page_url(program)}?mentee={mentee.pk}&mentor={mentor.pk}"


# --- matching -----------------------------------------------------------------------------------


def test_matching_within_the_rules_pairs_them_on_the_record(staff_client, program, pair):
    mentee, mentor = pair
    response = post_match(staff_client, program, mentee, mentor)
    assert response.status_code == 302
    m = Mentorship.objects.get(mentee=mentee)
    assert (m.mentor, m.source, m.status, m.override_reason) == (mentor, "admin", "accepted", "")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MANUAL_MATCH)
    assert entry.summary == "Matched Ana Park with Dana Lee by hand"
    assert entry.details["set_aside"] == [] and entry.details["mentorship"] == m.pk


def test_setting_a_rule_aside_without_a_reason_saves_nothing(staff_client, program, pair):
    mentee, mentor = pair
    mentor.is_paused = True
    mentor.save()
    response = post_match(staff_client, program, mentee, mentor, reason="   ")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Say why you set this rule aside" in page and "Dana Lee is paused" in page
    assert not Mentorship.objects.exists() and not AuditEntry.objects.exists()


def test_a_full_mentor_matched_with_a_reason_gets_one_place_more(
    staff_client, program, pair, mailoutbox, django_capture_on_commit_callbacks
):
    mentee, mentor = pair
    mentor.capacity = 1
    mentor.save()
    Mentorship.objects.create(
        program=program, mentee=ProfileFactory(program=program), mentor=mentor, status="active"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_match(staff_client, program, mentee, mentor, reason="Dana offered.")
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.capacity == 2
    assert Mentorship.objects.get(mentee=mentee).override_reason == "Dana offered."
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MANUAL_MATCH)
    assert entry.reason == "Dana offered." and entry.details["set_aside"] == ["capacity"]
    assert entry.summary == (
        "Matched Ana Park with Dana Lee by hand, setting aside: Dana Lee is full: "
        "1 of 1 place taken; this match gives them one place more"
    )
    to_mentor = next(e for e in mailoutbox if e.to == [mentor.user.email])
    assert "you can now mentor up to 2 people" in to_mentor.body


def test_the_old_address_keeps_working_with_the_mentee_chosen(staff_client, program, pair):
    mentee, mentor = pair
    page = staff_client.get(page_url(program, mentee)).content.decode()
    assert f'value="{mentee.pk}" checked' in page
    with_mentor = staff_client.get(page_url(program, mentee), {"mentor": mentor.pk})
    assert "Ana Park with Dana Lee" in html.unescape(with_mentor.content.decode())
    response = staff_client.post(page_url(program, mentee), {"mentor": mentor.pk})
    assert response.status_code == 302 and Mentorship.objects.get(mentee=mentee).mentor == mentor


def test_without_javascript_the_page_searches_and_weighs_as_a_plain_form(
    staff_client, program, pair
):
    mentee, mentor = pair
    page = staff_client.get(page_url(program), {"mentee_q": "ana", "mentor_q": "dana"})
    text = html.unescape(page.content.decode())
    assert f'value="{mentee.pk}"' in text and f'value="{mentor.pk}"' in text
    chosen = staff_client.get(page_url(program), {"mentee": mentee.pk, "mentor": mentor.pk})
    assert "Match Ana Park with Dana Lee" in html.unescape(chosen.content.decode())


def test_a_second_click_finds_the_match_made(staff_client, program, pair):
    mentee, mentor = pair
    post_match(staff_client, program, mentee, mentor)
    response = post_match(staff_client, program, mentee, mentor)
    assert response.status_code == 302
    assert Mentorship.objects.filter(mentee=mentee).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MANUAL_MATCH).count() == 1


def test_a_mentor_of_another_program_is_refused_and_nothing_saved(staff_client, program, pair):
    mentee, _ = pair
    stranger = MentorFactory(program=Program.objects.create(name="Other", slug="other"))
    response = post_match(staff_client, program, mentee, stranger, reason="x")
    assert response.status_code == 200 and "mentor" in response.context["form"].errors
    assert not Mentorship.objects.exists()


def test_people_who_do_not_run_the_program_get_404(client, program, pair):
    mentee, mentor = pair
    urls = [
        page_url(program),
        reverse("dashboard:match_find", args=[program.slug, "mentees"]) + "?mentee_q=a",
        reverse("dashboard:match_preview", args=[program.slug]),
    ]
    elsewhere = program_admin(Program.objects.create(name="Other", slug="other"))
    for outsider in (mentee.user, UserFactory(is_staff=True), elsewhere):
        login(client, outsider)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert post_match(client, program, mentee, mentor).status_code == 404
    assert not Mentorship.objects.exists()


def test_a_coordinator_matches_by_hand(client, program, pair, django_capture_on_commit_callbacks):
    mentee, mentor = pair
    login(client, coordinator(program))
    assert client.get(page_url(program, mentee)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert post_match(client, program, mentee, mentor).status_code == 302
    assert Mentorship.objects.get(mentee=mentee).mentor == mentor


# --- re-matching --------------------------------------------------------------------------------


@pytest.fixture
def flagged(program, pair):
    mentee, mentor = pair
    return Mentorship.objects.create(
        program=program, mentee=mentee, mentor=mentor, status="active", health="low_rating"
    )


def rematch_url(m, name="rematch") -> str:
    return reverse(f"dashboard:{name}", args=[m.program.slug, m.pk])


def test_rematch_asks_first_with_what_will_happen(staff_client, flagged):
    page = html.unescape(staff_client.get(rematch_url(flagged)).content.decode())
    assert "End the mentorship of Ana Park with Dana Lee to re-match Ana Park?" in page
    assert "A check-in rated 2 or lower" in page and "What happens when you confirm" in page
    assert Mentorship.objects.get(pk=flagged.pk).status == "active"


def test_rematch_needs_a_reason(staff_client, flagged):
    response = staff_client.post(rematch_url(flagged), {"reason": " ", "confirm": "yes"})
    assert response.status_code == 200
    assert "Say why you are ending this mentorship." in html.unescape(response.content.decode())
    assert Mentorship.objects.get(pk=flagged.pk).status == "active"
    assert not AuditEntry.objects.exists()


def test_an_unconfirmed_post_changes_nothing(staff_client, flagged):
    response = staff_client.post(rematch_url(flagged), {"reason": "Stalled"})
    assert response.status_code == 200
    assert Mentorship.objects.get(pk=flagged.pk).status == "active"


def test_rematch_ends_it_on_the_record_and_offers_the_best_mentors(
    staff_client, program, flagged, django_capture_on_commit_callbacks
):
    better = MentorFactory(program=program, goals=GOALS, display_name="Grace Kim")
    MentorFactory(program=program, goals=GOALS, display_name="Full Mentor", capacity=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            rematch_url(flagged), {"reason": "Two low check-ins.", "confirm": "yes"}
        )
    assert response.url == rematch_url(flagged, "rematch_next")
    m = Mentorship.objects.get(pk=flagged.pk)
    assert (m.status, m.ended_by, m.end_note) == ("ended", "admin", "Two low check-ins.")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REMATCH)
    assert entry.reason == "Two low check-ins." and "to re-match Ana Park" in entry.summary
    page = html.unescape(staff_client.get(response.url).content.decode())
    assert "Grace Kim" in page and "3 of 3 places free" in page and "/100" in page
    assert "Can help with 2 of the mentee's 2 goals" in page
    assert "Full Mentor" not in page and "Dana Lee</h3>" not in page  # no room; just ended
    match = f"{page_url(program, flagged.mentee)}?mentor={better.pk}"
    assert match.replace("&", "&amp;") in response_text(staff_client, response.url)


def response_text(client, url) -> str:
    return client.get(url).content.decode()


def test_picking_a_mentor_goes_through_the_manual_match(
    staff_client, program, flagged, django_capture_on_commit_callbacks
):
    better = MentorFactory(program=program, goals=GOALS, display_name="Grace Kim")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(rematch_url(flagged), {"reason": "Stalled", "confirm": "yes"})
    page = staff_client.get(page_url(program, flagged.mentee), {"mentor": better.pk})
    assert "Ana Park with Grace Kim" in html.unescape(page.content.decode())
    assert post_match(staff_client, program, flagged.mentee, better).status_code == 302
    assert Mentorship.objects.get(mentee=flagged.mentee, status="accepted").mentor == better


def test_a_second_rematch_post_finds_it_done(staff_client, flagged):
    data = {"reason": "Stalled", "confirm": "yes"}
    staff_client.post(rematch_url(flagged), data)
    again = staff_client.post(rematch_url(flagged), data)
    assert again.status_code == 302 and again.url == rematch_url(flagged, "rematch_next")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REMATCH).count() == 1


def test_back_to_the_pool_leaves_the_mentee_waiting_with_fresh_suggestions(
    staff_client, program, flagged, django_capture_on_commit_callbacks
):
    MentorFactory(program=program, goals=GOALS)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(rematch_url(flagged), {"reason": "Stalled", "confirm": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(rematch_url(flagged, "rematch_pool"))
    assert response.url == reverse("dashboard:program", args=[program.slug])
    assert not Mentorship.objects.filter(mentee=flagged.mentee, status__in=["accepted", "active"])
    assert Suggestion.objects.for_mentee(flagged.mentee).listed().exists()


def test_another_programs_mentorship_is_404(staff_client, flagged):
    other = Program.objects.create(name="Other", slug="other")
    for name in ("rematch", "rematch_next"):
        url = reverse(f"dashboard:{name}", args=[other.slug, flagged.pk])
        assert staff_client.get(url).status_code == 404
    url = reverse("dashboard:rematch", args=[other.slug, flagged.pk])
    assert staff_client.post(url, {"reason": "x", "confirm": "yes"}).status_code == 404
    assert Mentorship.objects.get(pk=flagged.pk).status == "active"


def test_rematch_is_for_those_who_run_the_program(client, flagged):
    data = {"reason": "x", "confirm": "yes"}
    for outsider in (flagged.mentee.user, UserFactory(is_staff=True)):
        login(client, outsider)
        assert client.get(rematch_url(flagged)).status_code == 404
        assert client.get(rematch_url(flagged, "rematch_next")).status_code == 404
        assert client.post(rematch_url(flagged), data).status_code == 404
        assert client.post(rematch_url(flagged, "rematch_pool")).status_code == 404
    assert Mentorship.objects.get(pk=flagged.pk).status == "active"
    # A coordinator re-matches (ending the mentorship to match the mentee again).
    login(client, coordinator(flagged.program))
    answer = client.post(rematch_url(flagged), data)
    assert answer.status_code == 302 and answer.url == rematch_url(flagged, "rematch_next")
    assert Mentorship.objects.get(pk=flagged.pk).status == "ended"


def test_the_dashboard_flag_links_to_the_confirmation(staff_client, program, flagged):
    page = staff_client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert f'href="{rematch_url(flagged)}"' in page
