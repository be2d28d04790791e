"""The close-out survey's pages: each side's own survey, opened by them alone, worded
for their side; bad input named on the form with nothing saved; the thank-you page;
where people find it; the other side reading a testimonial only while it is shared."""

import html

import pytest
from django.urls import reverse

from mentorships import close_outs, lifecycle
from mentorships.outcome_models import CloseOut
from tests.conftest import login
from tests.factories import UserFactory, program_admin
from tests.mentorships.helpers import OUTSIDERS, outsider
from tests.mentorships.test_close_out import a_pair, agree, mine, started

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_way(program, on_commit):
    return started(a_pair(program), on_commit)


@pytest.fixture
def closed(under_way, on_commit):
    agree(under_way, on_commit)
    on_commit(lifecycle.end, mentorship=under_way, by=under_way.mentee, reason="goals_met")
    return under_way


def url(m, side: str) -> str:
    return reverse("mentorships:close_out", args=[m.pk, side])


def page(client, user, path: str) -> str:
    login(client, user)
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def answer(client, m, side: str, **data):
    login(client, getattr(m, side).user)
    return client.post(url(m, side), data)


# --- who may open it ----------------------------------------------------------------


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_each_side_opens_their_own_survey(client, closed, side):
    assert "How did it go?" in page(client, getattr(closed, side).user, url(closed, side))


@pytest.mark.parametrize(("side", "other"), [("mentee", "mentor"), ("mentor", "mentee")])
def test_the_other_side_cannot_open_it(client, closed, side, other):
    login(client, getattr(closed, other).user)
    assert client.get(url(closed, side)).status_code == 404
    path = reverse("mentorships:close_out_share", args=[closed.pk, side])
    assert client.post(path, {"shared": "on"}).status_code == 404


@pytest.mark.parametrize("who", [*OUTSIDERS, "program admin", "staff"])
def test_nobody_else_can_open_either_survey(client, closed, program, who):
    if who == "program admin":
        user = program_admin(program)
    elif who == "staff":
        user = UserFactory(is_staff=True)
    else:
        user = outsider(program, who)
    login(client, user)
    for side in ("mentee", "mentor"):
        assert client.get(url(closed, side)).status_code == 404
        assert client.post(url(closed, side), {"rating": "5"}).status_code == 404
    assert not CloseOut.objects.exclude(answered_at=None).exists()


def test_a_side_that_is_not_a_side_is_a_404(client, closed):
    login(client, closed.mentee.user)
    assert (
        client.get(reverse("mentorships:close_out", args=[closed.pk, "admin"])).status_code == 404
    )


def test_a_mentorship_under_way_has_no_survey_yet(client, under_way):
    login(client, under_way.mentee.user)
    assert client.get(url(under_way, "mentee")).status_code == 404


# --- the form, worded for each side ------------------------------------------------------


def test_the_mentee_rates_their_own_progress_from_where_they_started(client, closed):
    shown = page(client, closed.mentee.user, url(closed, "mentee"))
    assert "Overall, how was your mentorship with Grace Lee?" in shown
    assert "5 — excellent" in shown
    assert "Where are you now with Networking?" in shown
    assert "You started at 2 — early steps." in shown
    assert "You started at 1 — just starting out." in shown
    assert "What helped you most?" in shown
    assert "Show my testimonial to Grace Lee and the program" in shown
    assert 'data-maxlength="1000"' in shown and "0 / 1,000 characters" in shown


def test_the_mentor_rates_the_mentees_progress_as_they_saw_it(client, closed):
    shown = page(client, closed.mentor.user, url(closed, "mentor"))
    assert "Overall, how was mentoring Ji-woo Park?" in shown
    assert "Where is Ji-woo Park now with Networking, as you saw it?" in shown
    assert "Ji-woo Park started at 2 — early steps." in shown
    assert "where they want to be" in shown and "where I want to be" not in shown
    assert "What do you think helped Ji-woo Park most?" in shown
    assert "Would you recommend mentoring in the program to a colleague?" in shown


def test_the_consent_box_is_unticked_at_first(client, closed):
    shown = page(client, closed.mentee.user, url(closed, "mentee"))
    box = shown.split('name="testimonial_shared"', 1)[1].split(">", 1)[0]
    assert "checked" not in box


# --- answering through the page -----------------------------------------------------------


def test_answers_are_saved_and_thanked_for(client, closed):
    response = answer(
        client,
        closed,
        "mentee",
        rating="4",
        goal_networking="5",
        helped_most="Being introduced to Sam.",
        recommend="unsure",
        testimonial="Grace changed how I see my work.",
    )
    assert response.status_code == 302 and response.url == url(closed, "mentee")
    c = mine(closed, "mentee")
    assert (c.rating, c.recommend, c.helped_most) == (4, "unsure", "Being introduced to Sam.")
    assert not c.testimonial_shared
    shown = page(client, closed.mentee.user, url(closed, "mentee"))
    assert "Thank you for telling us how it went" in shown
    assert "4 — very good" in shown and "Not sure" in shown
    assert "Started at 2 — early steps; at the close: 5 — where I want to be" in shown
    assert "Leadership" in shown and "not answered at the close" in shown
    assert "Only you see it." in shown


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"rating": "9"}, "Choose from 1 to 5."),
        ({"goal_networking": "7"}, "Choose from 1 to 5."),
        ({"recommend": "perhaps"}, "Choose yes, not sure or no."),
        ({"rating": "4", "testimonial_shared": "on"}, "Write your testimonial first"),
        ({"testimonial": "x" * 1001}, "1,000"),
    ],
)
def test_bad_input_is_named_on_the_form_and_nothing_is_saved(client, closed, data, error):
    response = answer(client, closed, "mentee", helped_most="Kept as typed", **data)
    assert response.status_code == 200
    shown = html.unescape(response.content.decode())
    assert error in shown
    assert "Nothing was saved." in shown
    assert "Kept as typed" in shown  # what was written comes back
    c = mine(closed, "mentee")
    assert c.answered_at is None and c.rating is None and c.helped_most == ""


def test_an_empty_survey_is_not_sent(client, closed):
    response = answer(client, closed, "mentee", helped_most="   ")
    assert response.status_code == 200
    assert "Answer at least one question, or come back later" in response.content.decode()
    assert mine(closed, "mentee").answered_at is None


def test_a_second_submit_is_refused_politely_and_the_first_answers_stand(client, closed):
    answer(client, closed, "mentor", rating="5", recommend="yes")
    response = answer(client, closed, "mentor", rating="1", recommend="no")
    assert response.status_code == 302
    shown = page(client, closed.mentor.user, response.url)
    assert "You have already answered: thank you." in shown
    c = mine(closed, "mentor")
    assert (c.rating, c.recommend) == (5, "yes")


# --- where people find it ------------------------------------------------------------------


def test_the_mentorship_page_asks_until_answered(client, closed):
    detail = reverse("mentorships:detail", args=[closed.pk])
    shown = page(client, closed.mentor.user, detail)
    assert "Tell us how it went — 2 minutes" in shown and url(closed, "mentor") in shown
    answer(client, closed, "mentor", rating="5")
    shown = page(client, closed.mentor.user, detail)
    assert "Tell us how it went — 2 minutes" not in shown
    assert "See your answers" in shown


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_the_home_page_asks_until_answered(client, closed, side):
    person = getattr(closed, side)
    home = reverse("matching:profile_home", args=[person.pk])
    shown = page(client, person.user, home)
    assert "Tell us how it went — 2 minutes" in shown and url(closed, side) in shown
    answer(client, closed, side, recommend="yes")
    assert "Tell us how it went" not in page(client, person.user, home)


def test_an_open_mentorship_page_asks_nothing(client, under_way):
    shown = page(client, under_way.mentee.user, reverse("mentorships:detail", args=[under_way.pk]))
    assert "Tell us how it went" not in shown


# --- what the other side sees -----------------------------------------------------------------

WORDS = "Grace changed how I see my work."


def test_the_other_side_reads_a_testimonial_only_while_it_is_shared(client, closed):
    detail = reverse("mentorships:detail", args=[closed.pk])
    answer(client, closed, "mentee", rating="2", helped_most="Private words", testimonial=WORDS)
    shown = page(client, closed.mentor.user, detail)
    assert WORDS not in shown and "What Ji-woo Park said" not in shown

    share = reverse("mentorships:close_out_share", args=[closed.pk, "mentee"])
    login(client, closed.mentee.user)
    client.post(share, {"shared": "on"})
    shown = page(client, closed.mentor.user, detail)
    assert "What Ji-woo Park said" in shown and WORDS in shown
    assert "Private words" not in shown  # the rest stays the mentee's

    login(client, closed.mentee.user)
    client.post(share, {})
    shown = page(client, closed.mentor.user, detail)
    assert WORDS not in shown and "What Ji-woo Park said" not in shown


def test_a_testimonial_shared_with_the_answers_is_read_by_the_other_side(client, closed):
    answer(client, closed, "mentor", testimonial="A joy to mentor.", testimonial_shared="on")
    assert mine(closed, "mentor").testimonial_shared
    shown = page(client, closed.mentee.user, reverse("mentorships:detail", args=[closed.pk]))
    assert "What Grace Lee said" in shown and "A joy to mentor." in shown


def test_sharing_says_so_and_taking_back_says_so(client, closed):
    answer(client, closed, "mentee", testimonial=WORDS)
    share = reverse("mentorships:close_out_share", args=[closed.pk, "mentee"])
    login(client, closed.mentee.user)
    response = client.post(share, {"shared": "on"}, follow=True)
    assert "Your testimonial is shown to Grace Lee and the program." in html.unescape(
        response.content.decode()
    )
    response = client.post(share, {}, follow=True)
    assert "Your testimonial is no longer shown" in response.content.decode()
    assert close_outs.page_part(closed, closed.mentor)["their_testimonial"] == ""
