"""The mentor browse page: a mentee looks beyond their suggestions (issue 18)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import browse, suggestions
from matching.models import Suggestion
from mentorships.models import Mentorship
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, ProgramFactory, tags

pytestmark = pytest.mark.django_db


def url(mentee, **params) -> str:
    from urllib.parse import urlencode

    base = reverse("matching:browse", args=[mentee.pk])
    return f"{base}?{urlencode(params)}" if params else base


def shown(client, mentee, **params) -> list[str]:
    """Names of the mentors the page lists, in its order."""
    login(client, mentee.user)
    response = client.get(url(mentee, **params))
    assert response.status_code == 200
    return [o.mentor.display_name for o in response.context["offers"]]


def card_of(page: str, name: str) -> str:
    cards = [c for c in page.split('<li class="card suggestion"')[1:] if f">{name}</h3>" in c]
    assert len(cards) == 1, f"one card for {name}"
    return cards[0]


@pytest.fixture
def mentee(program):
    return ProfileFactory(program=program, goals=["networking"], display_name="Mina Mentee")


def test_it_lists_the_programs_mentors_with_room(client, program, mentee):
    MentorFactory(program=program, display_name="Ada Room")
    MentorFactory(program=program, display_name="Ben Paused", is_paused=True)
    full = MentorFactory(program=program, display_name="Cy Full", capacity=1)
    Mentorship.objects.create(
        program=program, mentee=ProfileFactory(program=program), mentor=full, status="active"
    )
    MentorFactory(program=program, display_name="Di Unready", steps_done=["about"])
    MentorFactory(program=ProgramFactory(), display_name="Ed Elsewhere")
    assert shown(client, mentee) == ["Ada Room"]


def test_it_is_linked_from_the_mentee_home(client, mentee):
    login(client, mentee.user)
    page = client.get(reverse("matching:profile_home", args=[mentee.pk])).content.decode()
    assert f'href="{url(mentee)}"' in page


def test_best_shown_score_comes_first(client, program, mentee):
    MentorFactory(program=program, display_name="Low Fit", goals=["leadership"])
    MentorFactory(program=program, display_name="High Fit", goals=["networking"])
    assert shown(client, mentee) == ["High Fit", "Low Fit"]


def test_each_mentor_has_the_score_and_reasons_of_a_suggestion(client, program, mentee):
    mentor = MentorFactory(program=program, goals=["networking"], timezone="Asia/Tokyo")
    suggestions.refresh_profile(profile_id=mentee.pk)
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    login(client, mentee.user)
    response = client.get(url(mentee))
    offer = response.context["offers"][0]
    suggestion.mentee = mentee
    assert offer.explanation.score == pytest.approx(suggestion.shown_score, abs=0.01)
    assert offer.explanation.reasons == suggestion.reasons
    card = card_of(response.content.decode(), mentor.display_name)
    assert f"{suggestion.shown_score:.0f}</span>/100" in card
    assert "Worth knowing" in card and "apart" in card.split('class="concerns"')[1]
    assert "3 of 3 places free · no requests waiting" in card


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ada"}, ["Ada Lovelace"]),
        ({"q": "compilers"}, ["Grace Hopper"]),
        ({"q": "founder"}, ["Ada Lovelace"]),
        ({"goal": "leadership"}, ["Grace Hopper"]),
        ({"industry": "finance-and-banking"}, ["Ada Lovelace"]),
        ({"language": "spanish"}, ["Grace Hopper"]),
        ({"stage": "4"}, ["Grace Hopper"]),
        ({"meeting": "in_person"}, ["Ada Lovelace"]),
        ({"meeting": "online"}, ["Ada Lovelace", "Grace Hopper"]),  # "either" meets both
        ({"goal": "leadership", "language": "english"}, ["Grace Hopper"]),
        ({"goal": "leadership", "meeting": "in_person"}, []),
    ],
)
def test_search_and_filters(client, program, mentee, params, expected):
    MentorFactory(
        program=program,
        display_name="Ada Lovelace",
        headline="Startup founder",
        goals=["networking"],
        industry=tags("industry", "finance-and-banking")[0],
        meeting_format="either",
        city="London",
    )
    MentorFactory(
        program=program,
        display_name="Grace Hopper",
        bio="I wrote the first compilers.",
        goals=["leadership"],
        languages=["english", "spanish"],
        career_stage=4,
        industry=tags("industry", "technology")[0],
    )
    params = {
        k: str(tags(k if k != "language" else "language", v)[0].pk)
        if k in ("goal", "industry", "language")
        else v
        for k, v in params.items()
    }
    assert sorted(shown(client, mentee, **params)) == expected


def test_a_filter_says_so_when_nothing_matches(client, program, mentee):
    MentorFactory(program=program)
    login(client, mentee.user)
    page = client.get(url(mentee, q="nobody by this name")).content.decode()
    assert "No mentor with room matches these filters" in page


@pytest.mark.parametrize(
    "params",
    [
        {"goal": "networking"},
        {"goal": "999999"},
        {"stage": "9"},
        {"stage": "senior"},
        {"meeting": "teleport"},
        {"industry": "-1"},
        {"q": "x" * 500},
        {"page": "abc"},
        {"page": "9999"},
        {"page": "-1"},
        {"language": "\x00"},
    ],
)
def test_bad_query_params_give_a_clean_page(client, program, mentee, params):
    MentorFactory(program=program, display_name="Still Listed")
    assert shown(client, mentee, **params) == ["Still Listed"]


def test_a_bad_filter_is_named_on_the_page(client, program, mentee):
    login(client, mentee.user)
    page = client.get(url(mentee, stage="9")).content.decode()
    assert "Some filters were not understood" in page and "Career stage" in page


def test_pages_of_mentors(client, program, mentee):
    for i in range(browse.PER_PAGE + 2):
        MentorFactory(program=program, display_name=f"Mentor {i:02}")
    first = shown(client, mentee)
    second = shown(client, mentee, page=2)
    assert len(first) == browse.PER_PAGE and len(second) == 2
    assert not set(first) & set(second)
    page = client.get(url(mentee, goal=tags("goal", "networking")[0].pk)).content
    assert b"Next page" not in page  # the filter leaves no mentor, so no pages
    page = client.get(url(mentee, q="Mentor")).content.decode()
    assert "Next page" in page and "q=Mentor&amp;page=2" in page


def test_it_makes_as_many_queries_for_many_mentors_as_for_few(client, program, mentee):
    def queries() -> int:
        login(client, mentee.user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(mentee)).status_code == 200
        return len(captured)

    for visibility in ("program", "matches"):
        mentor = MentorFactory(
            program=program, goals=["networking", "leadership"], background_visibility=visibility
        )
        mentor.background.set(tags("heritage", "korean"))
    queries()  # the program's arrays loaded once
    few = queries()
    for i in range(6):
        mentor = MentorFactory(
            program=program,
            goals=["networking"],
            languages=["english", "korean"],
            background_visibility=("program", "matches", "matching")[i % 3],
        )
        mentor.background.set(tags("heritage", "korean"))
    queries()
    assert queries() == few


def test_another_programs_mentors_never_appear(client, program, mentee):
    elsewhere = MentorFactory(
        program=ProgramFactory(), display_name="Far Away", goals=["networking"]
    )
    assert "Far Away" not in shown(client, mentee)
    assert "Far Away" not in shown(client, mentee, q="Far")
    login(client, mentee.user)
    response = client.post(
        reverse("matching:request_from_browse", args=[mentee.pk, elsewhere.pk]), {"message": ""}
    )
    assert response.status_code == 404
    assert not Mentorship.objects.exists()


def test_a_mentor_cannot_browse_and_nobody_browses_for_another(client, program, mentee):
    mentor = MentorFactory(program=program)
    login(client, mentor.user)
    assert client.get(url(mentor)).status_code == 404
    assert client.get(url(mentee)).status_code == 404


# --- visibility -------------------------------------------------------------------------


def private_mentor(program, visibility="matching"):
    mentor = MentorFactory(
        program=program,
        display_name="Kim Private",
        background_visibility=visibility,
        heritage_note="Born in Busan",
    )
    mentor.background.set(tags("heritage", "korean"))
    return mentor


def test_a_request_from_the_page_keeps_the_whole_score_as_a_suggestion_would(
    client, program, mentee, django_capture_on_commit_callbacks
):
    """The card shows the score without a private background; the request stores
    the pair's whole score, the figure a request from a suggestion stores."""
    mentee.background.set(tags("heritage", "korean"))
    mentor = private_mentor(program)
    suggestions.refresh_profile(profile_id=mentee.pk, announce=False)
    whole = Suggestion.objects.get(mentee=mentee, mentor=mentor).score
    Suggestion.objects.filter(mentee=mentee).delete()  # asked from browsing, not from the list
    offer, _ = offer_of(client, mentee, "Kim Private")
    action = reverse("matching:request_from_browse", args=[mentee.pk, mentor.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"message": "Hello!"})
    asked = Mentorship.objects.get(mentee=mentee, mentor=mentor)
    assert asked.score == pytest.approx(whole, abs=0.01)
    assert asked.score > offer.explanation.score + 1  # the shared background counts, unseen


def test_a_mentor_who_has_not_finished_cannot_be_asked_by_a_crafted_post(client, program, mentee):
    unready = MentorFactory(program=program, display_name="Di Unready", steps_done=["about"])
    login(client, mentee.user)
    action = reverse("matching:request_from_browse", args=[mentee.pk, unready.pk])
    assert client.post(action, {"message": "Hello!"}).status_code == 404
    assert not Mentorship.objects.filter(mentor=unready).exists()


def test_a_matching_only_answer_never_appears_on_the_card(client, program, mentee):
    mentee.background.set(tags("heritage", "korean"))
    private_mentor(program)
    login(client, mentee.user)
    card = card_of(client.get(url(mentee)).content.decode(), "Kim Private")
    for private in ("Korean", "Born in Busan", "Shared background:"):
        assert private not in card
    assert "their background is private" in card


def test_a_background_shared_with_the_program_is_shown(client, program, mentee):
    mentee.background.set(tags("heritage", "korean"))
    private_mentor(program, visibility="program")
    login(client, mentee.user)
    card = card_of(client.get(url(mentee)).content.decode(), "Kim Private")
    assert "Shared background: Korean" in card and "Born in Busan" in card


def test_search_never_reads_a_private_answer(client, program, mentee):
    private_mentor(program)
    assert shown(client, mentee, q="Busan") == []
    assert shown(client, mentee, q="Korean") == []


def test_there_is_no_filter_on_a_background_answer(client, program, mentee):
    """Only answers every mentor shares with the program can be filtered on:
    a heritage parameter is not a filter, so it can never single a mentor out."""
    private_mentor(program)
    MentorFactory(program=program, display_name="Lee Other")
    korean = tags("heritage", "korean")[0].pk
    everyone = sorted(shown(client, mentee))
    assert sorted(shown(client, mentee, heritage=korean, background=korean)) == everyone
    assert sorted(shown(client, mentee, language=korean)) == everyone  # not a language: ignored


def test_a_language_filter_reads_only_the_languages_a_mentor_speaks(client, program, mentee):
    """Languages are not sensitive (docs/security.md): they are what the filter
    reads, never a background answer that names a people or a place."""
    private_mentor(program)  # Korean heritage, speaks English only
    MentorFactory(program=program, display_name="Jin Speaker", languages=["english", "korean"])
    assert shown(client, mentee, language=tags("language", "korean")[0].pk) == ["Jin Speaker"]


# --- who may be asked ---------------------------------------------------------------------


def offer_of(client, mentee, name):
    login(client, mentee.user)
    response = client.get(url(mentee))
    offer = next(o for o in response.context["offers"] if o.mentor.display_name == name)
    return offer, card_of(response.content.decode(), name)


def test_a_free_mentor_can_be_requested_from_the_page(
    client, program, mentee, django_capture_on_commit_callbacks
):
    mentor = MentorFactory(program=program, display_name="Free Mentor", goals=["networking"])
    offer, card = offer_of(client, mentee, "Free Mentor")
    action = reverse("matching:request_from_browse", args=[mentee.pk, mentor.pk])
    assert offer.blocked == "" and f'action="{action}"' in card
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"message": "Hello!"})
    assert response.url == reverse("matching:profile_home", args=[mentee.pk])
    asked = Mentorship.objects.get(mentee=mentee, mentor=mentor)
    assert (asked.status, asked.message) == ("requested", "Hello!")
    assert asked.score == pytest.approx(suggestions.score_of(mentee=mentee, mentor=mentor))


def test_the_mentee_themself_is_not_offered(client, program, mentee):
    MentorFactory(program=program, user=mentee.user, display_name="Mina As Mentor")
    offer, card = offer_of(client, mentee, "Mina As Mentor")
    assert offer.blocked.startswith("This is you")
    assert "Request Mina As Mentor" not in card


@pytest.mark.parametrize(
    ("status", "extra", "words"),
    [
        ("requested", {}, "You have asked Busy Mentor"),
        ("declined", {"decline_reason": "not_my_area"}, "Busy Mentor declined an earlier request"),
        ("ended", {"end_reason": "goals_met"}, "You and Busy Mentor had a mentorship before"),
        ("expired", {}, "went unanswered: you can ask again from"),
    ],
)
def test_a_pair_kept_apart_says_why_and_offers_no_request(
    client, program, mentee, status, extra, words
):
    from django.utils import timezone

    mentor = MentorFactory(program=program, display_name="Busy Mentor")
    Mentorship.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        status=status,
        decided_at=timezone.now(),
        **extra,
    )
    offer, card = offer_of(client, mentee, "Busy Mentor")
    assert words in offer.blocked and words in card
    assert "Send request to Busy Mentor" not in card
    login(client, mentee.user)
    before = Mentorship.objects.count()
    response = client.post(
        reverse("matching:request_from_browse", args=[mentee.pk, mentor.pk]), follow=True
    )
    assert words in response.content.decode()
    assert Mentorship.objects.count() == before


def test_no_common_language_is_said_where_the_program_needs_one(client, program, mentee):
    MentorFactory(program=program, display_name="Only Korean", languages=["korean"])
    offer, card = offer_of(client, mentee, "Only Korean")
    assert "share no language" in offer.blocked
    assert "Send request to" not in card


def test_a_hidden_mentor_can_be_shown_again_from_the_page(
    client, program, mentee, django_capture_on_commit_callbacks
):
    mentor = MentorFactory(program=program, display_name="Hidden Mentor", goals=["networking"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    hidden = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    hidden.status = "dismissed"
    hidden.save()
    offer, card = offer_of(client, mentee, "Hidden Mentor")
    assert offer.hidden == hidden and "Send request to" not in card
    back = url(mentee, q="Hidden")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:restore", args=[mentee.pk, hidden.pk]), {"next": back}
        )
    assert response.url == back
    assert Suggestion.objects.get(mentee=mentee, mentor=mentor).status == "new"


def test_a_paired_mentee_may_look_but_not_ask(client, program, mentee):
    mine = MentorFactory(program=program, display_name="My Mentor")
    Mentorship.objects.create(program=program, mentee=mentee, mentor=mine, status="active")
    MentorFactory(program=program, display_name="Another Mentor")
    login(client, mentee.user)
    page = client.get(url(mentee)).content.decode()
    assert "You have a mentor" in page and "Send request to" not in page


def test_a_mentee_who_has_not_finished_sees_mentors_but_cannot_ask(client, program):
    mentee = ProfileFactory(program=program, steps_done=["about"])
    mentor = MentorFactory(program=program, display_name="Patient Mentor")
    login(client, mentee.user)
    page = client.get(url(mentee)).content.decode()
    assert "Patient Mentor" in page and "Send request to" not in page
    assert "Finish <strong>About you</strong>" in page
    response = client.post(
        reverse("matching:request_from_browse", args=[mentee.pk, mentor.pk]), follow=True
    )
    assert b"Finish About you and Logistics first" in response.content
    assert not Mentorship.objects.exists()
