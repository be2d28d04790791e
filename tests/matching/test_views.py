import pytest
from django.core.cache import cache
from django.urls import reverse

from matching import pages, suggestions
from matching.models import Suggestion
from mentorships.models import Mentorship
from tests.conftest import login
from tests.factories import MentorFactory, ProfileFactory, tags
from tests.matching.helpers import listed

pytestmark = pytest.mark.django_db


def home_of(client, profile):
    login(client, profile.user)
    return client.get(reverse("matching:profile_home", args=[profile.pk]))


@pytest.fixture
def suggested(program):
    """A mentee with one suggested mentor; both Filipino, the mentor keeps it private."""
    mentee = ProfileFactory(program=program, goals=["networking", "leadership"])
    mentor = MentorFactory(program=program, goals=["networking", "leadership"], values=["family"])
    for person in (mentee, mentor):
        person.background.set(tags("heritage", "filipino", "southeast-asian"))
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentor


def test_home_shows_scored_explained_suggestions(client, suggested):
    mentee, mentor = suggested
    response = home_of(client, mentee)
    page = response.content.decode()
    assert response.status_code == 200
    assert mentor.display_name in page
    suggestion = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    assert f"{suggestion.shown_score:.0f}</span>/100" in page  # their background left out
    # The mentee chose no values: that bar is not counted, and says why. The mentor
    # keeps their background private: no bar for it, however vague.
    assert page.count("<meter") == 3
    assert "Not part of this score: you chose no values" in page
    assert "their background is private" in page
    assert "Can help with 2 of your 2 goals: networking, leadership" in page


def test_reasons_never_reveal_a_private_background(client, suggested):
    mentee, _mentor = suggested
    page = home_of(client, mentee).content.decode()
    assert "background fit" not in page and "Shared background:" not in page
    assert "Filipino" not in page and "Southeast Asian" not in page


def test_a_background_shared_with_the_program_is_named(client, suggested):
    mentee, mentor = suggested
    mentor.background_visibility = "program"
    mentor.save()
    suggestions.refresh_profile(profile_id=mentee.pk)
    page = home_of(client, mentee).content.decode()
    assert "Shared background: Southeast Asian, Filipino" in page


def test_viewing_marks_suggestions_seen(client, suggested):
    mentee, _ = suggested
    assert b"New</span>" in home_of(client, mentee).content
    assert Suggestion.objects.get(mentee=mentee).status == "seen"
    assert b"New</span>" not in home_of(client, mentee).content


def test_an_incomplete_mentee_is_told_what_to_finish(client, program):
    mentee = ProfileFactory(program=program, steps_done=["about"])
    response = home_of(client, mentee)
    assert response.context["state"] == "incomplete"
    assert b"Continue the questionnaire" in response.content


def test_a_mentee_being_scored_sees_progress_that_polls(client, program):
    mentee = ProfileFactory(program=program)
    cache.set(suggestions.refreshing_key(mentee.pk), "now")
    response = home_of(client, mentee)
    assert response.context["state"] == "scoring"
    assert b'hx-trigger="every 2s"' in response.content


def test_a_mentee_with_no_fit_is_told_why(client, program):
    mentee = ProfileFactory(program=program, must_share=["language"], languages=["korean"])
    MentorFactory(program=program)  # speaks only English
    suggestions.refresh_profile(profile_id=mentee.pk)
    response = home_of(client, mentee)
    assert response.context["state"] == "none"
    assert b"must-haves" in response.content


def test_the_suggestions_panel_renders_alone(client, suggested):
    mentee, mentor = suggested
    login(client, mentee.user)
    response = client.get(reverse("matching:suggestions", args=[mentee.pk]))
    assert response.status_code == 200
    assert mentor.display_name.encode() in response.content
    assert b"<html" not in response.content


def test_dismissing_hides_the_mentor(client, suggested, django_capture_on_commit_callbacks):
    mentee, mentor = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    login(client, mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:dismiss", args=[mentee.pk, suggestion.pk]), {"reason": "know_them"}
        )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.dismiss_reason) == ("dismissed", "know_them")
    page = client.get(response.url)
    assert mentor not in [s.mentor for s in page.context["suggestions"]]
    assert f"{mentor.display_name} will not be suggested again" in page.content.decode()


@pytest.mark.parametrize("reason", ["", "because", "x" * 500])
def test_dismissing_needs_a_known_reason(client, suggested, reason):
    mentee, _ = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    login(client, mentee.user)
    response = client.post(
        reverse("matching:dismiss", args=[mentee.pk, suggestion.pk]),
        {"reason": reason},
        follow=True,
    )
    assert response.status_code == 200
    assert b"Nothing was changed" in response.content
    assert Suggestion.objects.get(pk=suggestion.pk).status in Suggestion.LISTED


def test_a_mentee_cannot_see_another_mentees_suggestions(client, suggested, program):
    mentee, _ = suggested
    other = ProfileFactory(program=program)
    login(client, other.user)
    assert client.get(reverse("matching:profile_home", args=[mentee.pk])).status_code == 404
    assert client.get(reverse("matching:suggestions", args=[mentee.pk])).status_code == 404


def test_a_mentee_cannot_dismiss_another_mentees_suggestion(client, suggested, program):
    mentee, _ = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    other = ProfileFactory(program=program)
    login(client, other.user)
    for pk in (mentee.pk, other.pk):
        response = client.post(
            reverse("matching:dismiss", args=[pk, suggestion.pk]), {"reason": "know_them"}
        )
        assert response.status_code == 404
    assert Suggestion.objects.get(pk=suggestion.pk).status == "new"


def test_a_mentor_has_no_suggestions_panel(client, suggested):
    _, mentor = suggested
    login(client, mentor.user)
    assert client.get(reverse("matching:suggestions", args=[mentor.pk])).status_code == 404
    assert home_of(client, mentor).status_code == 200


def test_home_sends_a_single_profile_straight_to_it(client, suggested):
    mentee, _ = suggested
    login(client, mentee.user)
    response = client.get(reverse("matching:home"))
    assert response.url == reverse("matching:profile_home", args=[mentee.pk])


def test_home_lists_several_profiles(client, suggested):
    mentee, _ = suggested
    MentorFactory(program=mentee.program, user=mentee.user)
    login(client, mentee.user)
    response = client.get(reverse("matching:home"))
    assert response.status_code == 200
    assert len(response.context["profiles"]) == 2


# --- the suggestion card (issue 18) -------------------------------------------------------


def card_of(page: str, name: str) -> str:
    """The HTML of the one suggestion card headed with ``name``."""
    cards = [c for c in page.split('<li class="card suggestion"')[1:] if f">{name}" in c]
    assert len(cards) == 1, f"one card for {name}"
    return cards[0]


def test_a_card_says_the_mentors_room_in_words(client, suggested):
    mentee, mentor = suggested
    program = mentee.program
    Mentorship.objects.create(
        program=program, mentee=ProfileFactory(program=program), mentor=mentor, status="active"
    )
    Mentorship.objects.create(
        program=program, mentee=ProfileFactory(program=program), mentor=mentor, status="requested"
    )
    suggestions.refresh_profile(profile_id=mentee.pk)
    page = home_of(client, mentee).content.decode()
    assert "2 of 3 places free · 1 request waiting" in card_of(page, mentor.display_name)


@pytest.mark.parametrize(
    ("capacity", "free", "waiting", "words"),
    [
        (3, 2, 1, "2 of 3 places free · 1 request waiting"),
        (1, 1, 0, "1 of 1 place free · no requests waiting"),
        (3, 3, 2, "3 of 3 places free · 2 requests waiting"),
        (2, 0, 4, "No places free · 4 requests waiting"),
    ],
)
def test_room_is_said_with_plurals_right(capacity, free, waiting, words):
    assert pages.room_in_words(capacity=capacity, free=free, waiting=waiting) == words


def test_the_page_says_the_list_is_in_score_order(client, suggested):
    mentee, _ = suggested
    page = home_of(client, mentee).content.decode()
    assert "Your best matches first." in page
    assert "Ordered by fit and by how much room" not in page


def test_negative_factors_are_shown_apart_under_their_own_heading(client, program):
    mentee = ProfileFactory(program=program, goals=["networking"], timezone="Europe/London")
    mentor = MentorFactory(program=program, goals=["networking"], timezone="America/New_York")
    suggestions.refresh_profile(profile_id=mentee.pk)
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    reasons = card.split('<ul class="reasons"')[1].split("</ul>")[0]
    worth = card.split('<ul class="concerns"')[1].split("</ul>")[0]
    assert ">Worth knowing</h4>" in card
    assert "Timezones 5 hours apart" in worth and "Timezones" not in reasons
    assert "Can help with 1 of your 1 goal: networking" in reasons
    assert 'class="concern-mark" aria-hidden="true">!</span>' in worth  # not colour alone


def test_a_pair_with_nothing_against_it_has_no_worth_knowing(client, suggested):
    mentee, mentor = suggested
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    assert "Worth knowing" not in card and "Same timezone" in card


def test_not_counted_says_the_mentee_left_it_blank(client, suggested):
    mentee, mentor = suggested  # the mentee chose no values
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    assert "Not part of this score: you chose no values" in card
    assert "not counted" not in card


def test_not_counted_says_the_mentor_left_it_blank(client, program):
    mentee = ProfileFactory(program=program, goals=["networking"], values=["family"])
    mentor = MentorFactory(program=program, goals=["networking"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    assert f"Not part of this score: {mentor.display_name} chose no values" in card


def test_a_part_the_mentee_said_does_not_matter_says_so_not_a_bar(client, program):
    """Importance "not important" weighs nothing: no bar as if it counted."""
    mentee = ProfileFactory(program=program, goals=["networking"], importance_logistics=0)
    mentor = MentorFactory(program=program, goals=["networking"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    logistics = card[card.index(">Logistics<") :].split("</li>")[0]
    assert "Not part of this score: you said it does not matter to you" in logistics
    assert "<meter" not in logistics
    # The mentor reading the request hears it of the mentee, by name.
    suggestions.request_mentor(
        suggestion=Suggestion.objects.get(mentee=mentee, mentor=mentor), message="Hi"
    )
    page = home_of(client, mentor).content.decode()
    assert f"Not part of this score: {mentee.display_name} said it does not matter to them" in page


def test_a_part_the_program_does_not_weigh_says_so(client, program):
    program.weight_logistics = 0
    program.save()
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, goals=["networking"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    assert "Not part of this score: the program does not count it" in card


def test_a_private_background_bar_is_never_called_blank(client, suggested):
    mentee, mentor = suggested
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    assert "their background is private" in card
    assert "shared no background" not in card


def test_a_card_shows_what_the_mentor_can_help_with_and_who_they_are(client, program):
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(
        program=program,
        goals=["networking", "leadership"],
        languages=["english", "korean"],
        industry=tags("industry", "technology")[0],
        bio="I lead a team of twelve engineers and love helping people grow.",
    )
    suggestions.refresh_profile(profile_id=mentee.pk)
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    assert "<dt>Can help with</dt><dd>Leadership, Networking</dd>" in card.replace(
        "Networking, Leadership", "Leadership, Networking"
    )
    assert "English, Korean" in card and "Technology" in card and "Senior" in card
    assert "I lead a team of twelve engineers" in card
    assert "More about" not in card  # a short bio is shown whole


def test_a_long_bio_folds_behind_more_about(client, program):
    mentee = ProfileFactory(program=program)
    mentor = MentorFactory(program=program, bio="A sentence about my work. " * 30)
    suggestions.refresh_profile(profile_id=mentee.pk)
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    assert f"<summary>More about {mentor.display_name}</summary>" in card


def test_a_matching_only_answer_never_appears_on_the_card(client, suggested):
    mentee, mentor = suggested
    mentor.heritage_note = "Grew up in Cebu"
    mentor.save()
    card = card_of(home_of(client, mentee).content.decode(), mentor.display_name)
    for private in ("Filipino", "Southeast Asian", "Grew up in Cebu", "Background</dt>"):
        assert private not in card


# --- hidden mentors ---------------------------------------------------------------------------


@pytest.fixture
def three_mentors(program):
    """A mentee whose list holds two of three equally good mentors."""
    program.suggestions_per_mentee = 2
    program.save()
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentors = [MentorFactory(program=program, goals=["networking"]) for _ in range(3)]
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentors


def dismiss_first(client, mentee, capture):
    first = Suggestion.objects.for_mentee(mentee).listed().first()
    login(client, mentee.user)
    with capture(execute=True):
        client.post(reverse("matching:dismiss", args=[mentee.pk, first.pk]), {"reason": "other"})
    return first


def test_a_dismissal_tops_the_list_up(client, three_mentors, django_capture_on_commit_callbacks):
    mentee, _ = three_mentors
    assert len(listed(mentee)) == 2
    first = dismiss_first(client, mentee, django_capture_on_commit_callbacks)
    assert len(listed(mentee)) == 2
    assert first.mentor_id not in listed(mentee)


def test_hidden_mentors_are_listed_with_a_way_back(
    client, three_mentors, django_capture_on_commit_callbacks
):
    mentee, _ = three_mentors
    first = dismiss_first(client, mentee, django_capture_on_commit_callbacks)
    page = client.get(reverse("matching:profile_home", args=[mentee.pk])).content.decode()
    hidden = page.split('<details class="hidden-mentors">')[1].split("</details>")[0]
    assert "Hidden mentors (1)" in hidden and first.mentor.display_name in hidden
    assert reverse("matching:restore", args=[mentee.pk, first.pk]) in hidden


def test_show_again_clears_the_dismissal_and_rescores(
    client, program, django_capture_on_commit_callbacks
):
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, goals=["networking"])
    suggestions.refresh_profile(profile_id=mentee.pk)
    hidden = dismiss_first(client, mentee, django_capture_on_commit_callbacks)
    assert listed(mentee) == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:restore", args=[mentee.pk, hidden.pk]))
    assert response.url == reverse("matching:profile_home", args=[mentee.pk])
    assert listed(mentee) == [mentor.pk]
    page = client.get(response.url).content.decode()
    assert f"{mentor.display_name} may be suggested to you again" in page
    assert "Hidden mentors" not in page


def test_showing_again_a_mentor_who_is_not_hidden_changes_nothing(client, suggested):
    mentee, _ = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    login(client, mentee.user)
    response = client.post(
        reverse("matching:restore", args=[mentee.pk, suggestion.pk]), follow=True
    )
    assert b"is not hidden" in response.content
    assert Suggestion.objects.get(pk=suggestion.pk).status in Suggestion.LISTED


def test_a_mentee_cannot_restore_another_mentees_dismissal(client, suggested, program):
    mentee, _ = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    suggestion.status = "dismissed"
    suggestion.save()
    other = ProfileFactory(program=program)
    login(client, other.user)
    for pk in (mentee.pk, other.pk):
        assert client.post(reverse("matching:restore", args=[pk, suggestion.pk])).status_code == 404
    assert Suggestion.objects.get(pk=suggestion.pk).status == "dismissed"


def test_show_again_goes_back_to_a_page_of_this_site_only(
    client, suggested, django_capture_on_commit_callbacks
):
    mentee, _ = suggested
    suggestion = Suggestion.objects.get(mentee=mentee)
    suggestion.status = "dismissed"
    suggestion.save()
    login(client, mentee.user)
    response = client.post(
        reverse("matching:restore", args=[mentee.pk, suggestion.pk]),
        {"next": "https://evil.example/"},
    )
    assert response.url == reverse("matching:profile_home", args=[mentee.pk])


def test_cards_follow_the_scores_the_mentee_reads(client, program):
    """A private background is left out of the shown score: the list, ranked by the
    whole score, is shown in the order of the numbers on the page instead."""
    heritage = tags("heritage", "korean", "filipino", "southeast-asian")
    mentee = ProfileFactory(program=program, goals=["networking", "leadership"])
    mentee.importance_background = 3
    mentee.save()
    mentee.background.set(heritage)
    sharing = MentorFactory(program=program, goals=["networking"], display_name="Shares Background")
    sharing.background.set(heritage)
    helping = MentorFactory(
        program=program, goals=["networking", "leadership"], display_name="Helps More"
    )
    suggestions.refresh_profile(profile_id=mentee.pk)
    assert listed(mentee) == [sharing.pk, helping.pk]  # by the whole score
    shown = home_of(client, mentee).context["suggestions"]
    assert [s.mentor for s in shown] == [helping, sharing]
    assert shown[0].shown_score > shown[1].shown_score
