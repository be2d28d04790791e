"""The follow-up's page: the mentee it was sent to answers it once, every question
optional; anyone else gets a 404; bad input is told on the form and nothing is kept.
The mentee's home lists what waits for their answers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from mentorships import follow_ups, lifecycle
from mentorships.models import Mentorship
from mentorships.outcome_models import FollowUp
from tests.conftest import login
from tests.factories import ProfileFactory, UserFactory, program_admin
from tests.mentorships.helpers import ask

pytestmark = pytest.mark.django_db

ANSWERS = {
    "new_role": "yes",
    "stay": "unsure",
    "belong_valued": "4",
    "belong_myself": "5",
    "belong_connected": "2",
    "belong_future": "3",
    "sponsored": "no",
}


@pytest.fixture
def sent(paired, on_commit) -> FollowUp:
    """The 6-month follow-up of a mentorship that closed on 10 March 2026, sent."""
    on_commit(lifecycle.end, mentorship=paired, by=paired.mentee, reason="goals_met")
    Mentorship.objects.filter(pk=paired.pk).update(
        ended_at=datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    )
    return FollowUp.objects.create(
        mentorship=paired,
        profile=paired.mentee,
        months=6,
        due_on=date(2026, 9, 10),
        sent_at=datetime(2026, 9, 10, 9, 0, tzinfo=UTC),
    )


def page(f: FollowUp) -> str:
    return reverse("mentorships:follow_up", args=[f.pk])


def as_mentee(client, f: FollowUp):
    return login(client, f.profile.user)


def test_the_mentee_sees_one_short_page_of_optional_questions(client, sent):
    response = as_mentee(client, sent).get(page(sent))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Since March 2026, have you started a new role or had a promotion?" in html
    assert "How long do you expect to stay with your organisation?" in html
    assert "People at work value me for who I am." in html
    assert "Since March 2026, has someone sponsored you?" in html
    assert html.count("<fieldset") == 7 and html.count("<legend") == 7
    assert "Every question is optional" in html
    assert f"{sent.mentorship.mentor.name} never sees them" in html


def test_signed_out_the_email_link_lands_on_log_in_then_the_page(client, sent):
    response = client.get(page(sent))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={page(sent)}"


@pytest.mark.parametrize("who", ["mentor", "another mentee", "admin", "superuser"])
def test_nobody_but_the_mentee_can_open_it(client, sent, who):
    program = sent.mentorship.program
    user = {
        "mentor": lambda: sent.mentorship.mentor.user,
        "another mentee": lambda: ProfileFactory(program=program).user,
        "admin": lambda: program_admin(program),
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
    }[who]()
    login(client, user)
    assert client.get(page(sent)).status_code == 404
    assert client.post(page(sent), ANSWERS).status_code == 404
    sent.refresh_from_db()
    assert sent.answered_at is None and sent.new_role is None


def test_a_follow_up_not_sent_yet_is_not_found(client, sent):
    FollowUp.objects.filter(pk=sent.pk).update(sent_at=None)
    assert as_mentee(client, sent).get(page(sent)).status_code == 404


def test_answers_are_kept_once_and_the_page_says_thank_you(client, sent):
    as_mentee(client, sent)
    response = client.post(page(sent), ANSWERS, follow=True)
    assert "Thank you: your answers are saved." in response.content.decode()
    sent.refresh_from_db()
    assert sent.answered_at is not None
    assert (sent.new_role, sent.stay, sent.sponsored) == (True, "unsure", False)
    assert [getattr(sent, name) for name in FollowUp.BELONGING] == [4, 5, 2, 3]
    html = client.get(page(sent)).content.decode()
    assert "Thank you" in html and "<form" not in html.split("<main", 1)[1].split("</main>")[0]
    assert "Not sure" not in html and "I am not sure" in html  # their own answer, shown back

    answered_at = sent.answered_at
    client.post(page(sent), {**ANSWERS, "new_role": "no"})
    sent.refresh_from_db()
    assert (sent.new_role, sent.answered_at) == (True, answered_at)


def test_every_question_may_be_left_out(client, sent):
    as_mentee(client, sent).post(page(sent), {"belong_future": "5"})
    sent.refresh_from_db()
    assert sent.answered_at is not None and sent.belong_future == 5
    assert (sent.new_role, sent.stay, sent.belong_valued, sent.sponsored) == (None, "", None, None)


@pytest.mark.parametrize(
    "bad", [{"belong_valued": "7"}, {"belong_myself": "0"}, {"stay": "forever"}, {"new_role": "1"}]
)
def test_an_answer_not_offered_is_told_on_the_form_and_nothing_is_kept(client, sent, bad):
    response = as_mentee(client, sent).post(page(sent), {**ANSWERS, **bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose one of the answers shown, or none." in html
    assert 'aria-invalid="true"' in html
    sent.refresh_from_db()
    assert sent.answered_at is None
    assert (sent.new_role, sent.stay, sent.belong_valued, sent.sponsored) == (None, "", None, None)


def test_the_mentees_home_lists_the_follow_up_until_it_is_answered(client, sent):
    as_mentee(client, sent)
    home = reverse("matching:profile_home", args=[sent.profile_id])
    html = client.get(home).content.decode()
    assert "6-month follow-up" in html and page(sent) in html
    client.post(page(sent), ANSWERS)
    assert page(sent) not in client.get(home).content.decode()


def test_once_the_twelve_month_follow_up_is_sent_the_home_lists_it_alone(sent):
    twelve = FollowUp.objects.create(
        mentorship=sent.mentorship,
        profile=sent.profile,
        months=12,
        due_on=date(2027, 3, 10),
        sent_at=datetime(2027, 3, 10, 9, 0, tzinfo=UTC),
    )
    assert follow_ups.open_for(sent.profile) == [twelve]


def test_the_mentor_sees_nothing_of_the_answers(client, sent):
    as_mentee(client, sent).post(page(sent), ANSWERS)
    mentor = sent.mentorship.mentor
    login(client, mentor.user)
    for url in (
        sent.mentorship.get_absolute_url(),
        reverse("matching:profile_home", args=[mentor.pk]),
    ):
        html = client.get(url).content.decode().lower()
        assert "follow-up" not in html and "i am not sure" not in html


def test_a_mentee_with_two_closed_mentorships_sees_each_follow_up(client, sent, pool, on_commit):
    mentee, mentors = pool
    other = ask(mentee, mentors[1])
    lifecycle.accept(mentorship=other)
    on_commit(lifecycle.end, mentorship=other, by=mentee, reason="no_time")
    second = FollowUp.objects.create(
        mentorship=other,
        profile=mentee,
        months=6,
        due_on=date.today() + timedelta(days=183),
        sent_at=datetime(2026, 9, 11, 9, 0, tzinfo=UTC),
    )
    assert follow_ups.open_for(mentee) == [second, sent]
