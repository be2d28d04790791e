"""The agreement's pages: the card on the mentorship page, the form, the history;
who may open and post to each (the pair only: anyone else, staff included, a 404);
bad input said in words with nothing saved; the guides that follow the goals."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mentorships import agreements, lifecycle
from mentorships.agreements import GoalTerms, Terms
from mentorships.models import Agreement, AgreementVersion, GoalProgress, GuideNote, Meeting
from tests.conftest import login
from tests.factories import ProfileFactory, UserFactory, tags

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership", "sense-of-belonging"]


@pytest.fixture
def pair(paired):
    paired.mentee.goals.set(tags("goal", *GOALS))
    return paired


def url(name: str, m, *args) -> str:
    return reverse(f"mentorships:{name}", args=[m.pk, *args])


def page(client, user, m) -> str:
    login(client, user)
    response = client.get(m.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def followed(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return client.get(response.url).content.decode()


def form_data(action="propose", **overrides) -> dict:
    data = {
        "goal_networking": "on",
        "success_networking": "Ten people in my field who know my work",
        "rating_networking": "2",
        "goal_leadership": "on",
        "success_leadership": "I run our team's planning day",
        "rating_leadership": "3",
        "cadence_weeks": "2",
        "duration_months": "6",
        "confidentiality": "What we say stays with us.",
        "action": action,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def propose(m, *goals):
    terms = Terms([GoalTerms(g, f"Success at {g}", 2) for g in goals or ["networking"]], 2, 6, "")
    return agreements.propose(mentorship=m, by=m.mentee, terms=terms)


def agree(m, *goals):
    propose(m, *goals)
    return agreements.confirm(mentorship=m, by=m.mentor)


# --- who may open and post ------------------------------------------------------------------

PAGES = ["agreement", "agreement_write"]
ACTIONS = ["agreement_discard", "agreement_confirm", "agreement_changes"]
GOAL_ACTIONS = ["agreement_rate", "agreement_done"]


@pytest.mark.parametrize("who", ["third_person", "staff", "superuser"])
def test_nobody_but_the_pair_can_open_or_post_to_the_agreement(client, pair, program, who):
    agree(pair, "networking")
    outsider = {
        "third_person": lambda: ProfileFactory(program=program, goals=GOALS).user,
        "staff": lambda: UserFactory(is_staff=True),
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
    }[who]()
    login(client, outsider)
    for name in PAGES:
        assert client.get(url(name, pair)).status_code == 404, name
    for name in [*PAGES, *ACTIONS]:
        assert client.post(url(name, pair), {"note": "x"}).status_code == 404, name
    for name in GOAL_ACTIONS:
        assert client.post(url(name, pair, "networking"), {"rating": 5}).status_code == 404
    assert GoalProgress.objects.get().rating == 2


def test_the_pair_both_read_the_agreement_page(client, pair):
    agree(pair, "networking")
    for user in (pair.mentee.user, pair.mentor.user):
        login(client, user)
        response = client.get(url("agreement", pair))
        assert response.status_code == 200
        assert "Success at networking" in response.content.decode()


def test_the_actions_take_posts_only(client, pair):
    login(client, pair.mentor.user)
    for name in ACTIONS:
        assert client.get(url(name, pair)).status_code == 405


# --- writing ----------------------------------------------------------------------------------


def test_the_mentee_writes_and_proposes_from_the_form(client, pair):
    login(client, pair.mentee.user)
    form = client.get(url("agreement_write", pair)).content.decode()
    for goal in ("Networking", "Leadership", "Sense of belonging"):
        assert goal in form
    assert escape(str(agreements.DEFAULT_CONFIDENTIALITY)) in form  # a suggested default
    shown = followed(client, client.post(url("agreement_write", pair), form_data()))
    assert f"Proposed to {pair.mentor.name}" in shown
    version = AgreementVersion.objects.get()
    assert not version.is_draft and version.goals.count() == 2
    assert "Waiting for" in shown and "Ten people in my field" in shown


def test_a_draft_is_saved_and_continued(client, pair):
    login(client, pair.mentee.user)
    shown = followed(client, client.post(url("agreement_write", pair), form_data("draft")))
    assert "Draft saved. Only you can see it" in shown and "Continue the draft" in shown
    form = client.get(url("agreement_write", pair)).content.decode()
    assert "I run our team&#x27;s planning day" in form
    assert "Continue the draft" not in page(client, pair.mentor.user, pair)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"goal_networking": None, "goal_leadership": None}, "Choose at least one goal"),
        ({"success_networking": ""}, "what success looks like"),
        ({"success_networking": "x" * 301}, "300 characters"),
        ({"rating_leadership": "9"}, "Select a valid choice"),
        ({"rating_leadership": ""}, "where you are today"),
        ({"cadence_weeks": "3"}, "Select a valid choice"),
        ({"duration_months": "24"}, "Select a valid choice"),
        ({"confidentiality": "x" * 501}, "500 characters"),
    ],
)
def test_bad_input_is_named_on_the_form_and_nothing_is_saved(client, pair, changes, words):
    login(client, pair.mentee.user)
    response = client.post(url("agreement_write", pair), form_data(**changes))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_goal_not_on_the_profile_cannot_be_slipped_in(client, pair):
    login(client, pair.mentee.user)
    data = form_data(goal_networking=None, goal_leadership=None)
    data.update({"goal_cultural-identity": "on", "success_cultural-identity": "x"})
    response = client.post(url("agreement_write", pair), data)
    assert response.status_code == 200 and not Agreement.objects.exists()


def test_more_than_five_goals_are_refused(client, pair):
    slugs = {*GOALS, "personal-growth", "emotional-support", "career-advancement"}
    pair.mentee.goals.set(tags("goal", *slugs))
    data = {"cadence_weeks": "2", "duration_months": "6", "action": "propose"}
    for slug in slugs:
        data |= {f"goal_{slug}": "on", f"success_{slug}": "Yes", f"rating_{slug}": "2"}
    login(client, pair.mentee.user)
    response = client.post(url("agreement_write", pair), data)
    assert "Choose at most 5 goals" in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_mentor_is_sent_back_from_the_form_with_the_reason(client, pair):
    login(client, pair.mentor.user)
    shown = followed(client, client.get(url("agreement_write", pair)))
    assert "to write: they choose the goals" in shown
    shown = followed(client, client.post(url("agreement_write", pair), form_data()))
    assert not Agreement.objects.exists()


def test_a_profile_with_no_goals_is_pointed_to_its_goals(client, pair):
    pair.mentee.goals.clear()
    login(client, pair.mentee.user)
    form = client.get(url("agreement_write", pair)).content.decode()
    assert "Your profile has no goals yet" in form
    assert reverse("profiles:edit", args=[pair.mentee.pk, "goals"]) in form


def test_discarding_a_draft_asks_first(client, pair):
    agreements.save_draft(
        mentorship=pair, by=pair.mentee, terms=Terms([GoalTerms("networking", "Yes", 2)], 2, 6, "")
    )
    login(client, pair.mentee.user)
    asked = client.post(url("agreement_discard", pair))
    assert asked.status_code == 200 and "Yes, discard the draft" in asked.content.decode()
    assert AgreementVersion.objects.exists()
    shown = followed(client, client.post(url("agreement_discard", pair), {"confirm": "yes"}))
    assert "Draft discarded." in shown and not Agreement.objects.exists()
    assert "Write the agreement" in shown


# --- the mentor answers on the mentorship page -------------------------------------------


def test_the_mentor_reads_the_proposal_and_can_confirm_or_suggest(client, pair):
    propose(pair, "networking")
    shown = page(client, pair.mentor.user, pair)
    assert f"{pair.mentee.name} proposed your agreement" in shown
    assert "Confirm the agreement" in shown and "Suggest changes" in shown
    mentee_sees = page(client, pair.mentee.user, pair)
    assert "Confirm the agreement" not in mentee_sees and "Waiting for" in mentee_sees


def test_the_mentor_suggests_changes_and_the_mentee_reads_them(client, pair):
    propose(pair, "networking")
    login(client, pair.mentor.user)
    shown = followed(
        client, client.post(url("agreement_changes", pair), {"note": "Shall we meet weekly?"})
    )
    assert "Sent back with your suggestions" in shown
    mentee_sees = page(client, pair.mentee.user, pair)
    assert "Shall we meet weekly?" in mentee_sees and "Revise the agreement" in mentee_sees
    form = client.get(url("agreement_write", pair)).content.decode()
    assert "Shall we meet weekly?" in form and "Success at networking" in form


def test_changes_without_a_note_are_refused_in_words(client, pair):
    propose(pair, "networking")
    login(client, pair.mentor.user)
    shown = followed(client, client.post(url("agreement_changes", pair), {"note": ""}))
    assert "Say what you would change" in shown
    assert Agreement.objects.get().status == Agreement.Status.PROPOSED


def test_the_mentor_confirms_and_both_see_the_agreement_with_its_guides(client, pair):
    propose(pair, "networking", "leadership")
    login(client, pair.mentor.user)
    shown = followed(client, client.post(url("agreement_confirm", pair)))
    assert "Agreed." in shown and "Guides for your goals" in shown
    for user in (pair.mentee.user, pair.mentor.user):
        shown = page(client, user, pair)
        assert "Meeting every 2 weeks, for 6 months" in shown.replace("meeting", "Meeting")
        assert 'id="guide-networking"' in shown and 'id="guide-leadership"' in shown
        assert 'id="guide-sense-of-belonging"' not in shown  # on the profile, not agreed
        assert 'id="guide-first-session"' in shown  # they have not met yet


def test_the_first_session_guide_goes_once_the_pair_has_met(client, pair):
    propose(pair, "networking")
    login(client, pair.mentor.user)
    client.post(url("agreement_confirm", pair))
    start = timezone.now() - timedelta(days=1)
    Meeting.objects.create(
        mentorship=pair,
        minutes=60,
        video_url="https://meet.example.org/x",
        status=Meeting.Status.HELD,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        held_minutes=50,
    )
    shown = page(client, pair.mentee.user, pair)
    assert 'id="guide-networking"' in shown and 'id="guide-first-session"' not in shown


def test_a_mentee_cannot_confirm_through_the_page(client, pair):
    propose(pair, "networking")
    login(client, pair.mentee.user)
    shown = followed(client, client.post(url("agreement_confirm", pair)))
    assert "it is for" in shown and "to answer it" in shown
    assert Agreement.objects.get().status == Agreement.Status.PROPOSED


# --- progress -------------------------------------------------------------------------------


def test_the_mentee_rates_progress_and_marks_a_goal_done(client, pair):
    agree(pair, "networking")
    login(client, pair.mentee.user)
    followed(client, client.post(url("agreement_rate", pair, "networking"), {"rating": "4"}))
    shown = followed(client, client.post(url("agreement_done", pair, "networking"), {"done": "on"}))
    assert "Marked as done" in shown and "Not done yet" in shown
    assert "Progress so far" in shown and "started at 2" in shown
    progress = GoalProgress.objects.get()
    assert (progress.start_rating, progress.rating, progress.is_done) == (2, 4, True)
    shown = followed(client, client.post(url("agreement_done", pair, "networking"), {}))
    assert "Marked as not done yet" in shown
    mentor_sees = page(client, pair.mentor.user, pair)
    assert "Where are you now" not in mentor_sees and "nearly there" in mentor_sees


@pytest.mark.parametrize(
    ("goal", "data", "words"),
    [
        ("networking", {"rating": "7"}, "Select a valid choice"),
        ("networking", {}, "This field is required"),
        ("cultural-identity", {"rating": "3"}, "not one of the goals you agreed"),
        ("no-such-goal", {"rating": "3"}, "not one of the goals you agreed"),
    ],
)
def test_bad_progress_is_refused_in_words(client, pair, goal, data, words):
    agree(pair, "networking")
    login(client, pair.mentee.user)
    shown = followed(client, client.post(url("agreement_rate", pair, goal), data))
    assert words in shown
    assert GoalProgress.objects.get().updates.count() == 1


def test_the_mentor_cannot_rate_the_mentees_progress(client, pair):
    agree(pair, "networking")
    login(client, pair.mentor.user)
    shown = followed(client, client.post(url("agreement_rate", pair, "networking"), {"rating": 5}))
    assert "to rate: it is how they see their own goals" in shown
    assert GoalProgress.objects.get().rating == 2


# --- history, before and after ---------------------------------------------------------------


def test_the_history_keeps_every_version_and_the_mentors_suggestions(client, pair):
    propose(pair, "networking")
    agreements.suggest_changes(mentorship=pair, by=pair.mentor, note="Add leadership <b>too</b>")
    agree(pair, "networking", "leadership")
    login(client, pair.mentee.user)
    shown = client.get(url("agreement", pair)).content.decode()
    assert "Version 1" in shown and "Version 2" in shown
    assert "Add leadership &lt;b&gt;too&lt;/b&gt;" in shown
    assert "Proposed by you" in shown and f"Confirmed by {pair.mentor.name}" in shown


def test_before_agreement_the_guides_are_the_first_session_and_the_profile_goals(client, pair):
    GuideNote.objects.create(program=pair.program, guide="networking", text="Our **mixer**")
    shown = page(client, pair.mentor.user, pair)
    assert "Guides to get you started" in shown
    ids = [f'id="guide-{slug}"' for slug in ["first-session", *GOALS]]
    assert all(i in shown for i in ids)
    assert shown.index(ids[0]) < shown.index(ids[1])
    assert "<strong>mixer</strong>" in shown and f"A note from {pair.program.name}" in shown


def test_a_request_has_no_agreement_and_no_guides(client, pool):
    from tests.mentorships.helpers import ask

    mentee, mentors = pool
    m = ask(mentee, mentors[0])
    shown = page(client, mentee.user, m)
    assert 'id="agreement"' not in shown and 'id="guides"' not in shown


def test_an_ended_mentorship_shows_its_agreement_read_only(client, pair):
    agree(pair, "networking")
    lifecycle.end(mentorship=pair, by=pair.mentee, reason="goals_met")
    shown = page(client, pair.mentee.user, pair)
    assert "Success at networking" in shown and "kept here as it was" in shown
    assert "Where are you now" not in shown and "Propose a change" not in shown
    shown = followed(client, client.post(url("agreement_rate", pair, "networking"), {"rating": 5}))
    assert "has ended" in shown
    shown = followed(client, client.get(url("agreement_write", pair)))
    assert "has ended" in shown


def test_an_agreement_that_outlasts_the_round_says_when_the_round_ends(client, pair):
    """Six months agreed, the round ends in three: both read when it closes."""
    ends = timezone.localdate() + timedelta(days=90)
    pair.closing_on = ends
    pair.save(update_fields=["closing_on"])
    agree(pair)
    words = "The program's round ends on"
    for user in (pair.mentee.user, pair.mentor.user):
        shown = page(client, user, pair)
        assert words in shown and "unless you both choose to go on" in shown
        assert shown.index("until about") < shown.index(words)
    pair.closing_on = ends + timedelta(days=200)
    pair.save(update_fields=["closing_on"])
    assert words not in page(client, pair.mentee.user, pair)
