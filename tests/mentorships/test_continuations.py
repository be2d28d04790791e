"""Same mentee again (issue 21): a mentor asks on their "take part again" page to go
on with a mentee of the last cycle; when the mentee says yes and both take part in
the new cycle, they go on in a mentorship of that cycle, once, within capacity."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentorships import lifecycle
from mentorships.models import Continuation, Mentorship
from profiles import cycles
from profiles.models import Cycle
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, ProgramFactory

pytestmark = pytest.mark.django_db

State = Cycle.State
Status = Mentorship.Status


class Round:
    """A program with last cycle's pair (active still) and a new cycle open."""

    def __init__(self):
        self.program = ProgramFactory(name="Alumni Circle")
        self.before = CycleFactory(
            program=self.program,
            name="Autumn 2026",
            state=State.RUNNING,
            registration_opens=date(2026, 9, 1),
        )
        self.new = CycleFactory(
            program=self.program,
            name="Spring 2027",
            state=State.REGISTRATION,
            registration_opens=date(2027, 1, 10),
        )
        self.mentor = MentorFactory(program=self.program, display_name="Grace Ho", capacity=1)
        self.mentee = ProfileFactory(program=self.program, display_name="Tomás Ruiz")
        for person in (self.mentor, self.mentee):
            cycles.enrol(profile=person, cycle=self.before)
        self.old = Mentorship.objects.create(
            program=self.program,
            cycle=self.before,
            mentee=self.mentee,
            mentor=self.mentor,
            status=Status.ACTIVE,
            source=Mentorship.Source.REQUEST,
            decided_at=timezone.now(),
            started_at=timezone.now(),
        )

    def take_part(self, *people) -> None:
        for person in people:
            cycles.enrol(profile=person, cycle=self.new, carried_over=True)

    def asked(self) -> Continuation:
        return Continuation.objects.create(cycle=self.new, mentor=self.mentor, mentee=self.mentee)


@pytest.fixture
def rnd():
    return Round()


@pytest.fixture
def as_(client):
    def login(profile):
        client.force_login(profile.user)
        return client

    return login


def ask_page(r: Round) -> str:
    return reverse("mentorships:continuation_ask", args=[r.mentor.pk, r.new.pk])


def answer(client, c: Continuation, said: str, capture):
    with capture(execute=True):
        return client.post(
            reverse("mentorships:continuation_answer", args=[c.pk]), {"answer": said}, follow=True
        )


def continued(r: Round):
    return Mentorship.objects.filter(source=Mentorship.Source.CONTINUED, cycle=r.new)


def test_the_mentors_page_offers_each_mentee_of_the_last_cycle(rnd, as_):
    other_cycle_mentee = ProfileFactory(program=rnd.program, display_name="Not Last Round")
    Mentorship.objects.create(
        program=rnd.program,
        mentee=other_cycle_mentee,
        mentor=rnd.mentor,
        status=Status.COMPLETED,
        end_reason="goals_met",
    )
    page = as_(rnd.mentor).get(reverse("profiles:take_part", args=[rnd.mentor.pk, rnd.new.pk]))
    text = page.content.decode()
    label = f'<label for="again-{rnd.mentee.pk}">I would like to mentor Tomás Ruiz again</label>'
    assert label in text
    assert "Not Last Round" not in text


def test_asking_tells_the_mentee_by_email_once(rnd, as_, django_capture_on_commit_callbacks):
    client = as_(rnd.mentor)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(ask_page(rnd), {"mentees": [rnd.mentee.pk]})
    (c,) = Continuation.objects.all()
    assert (c.cycle, c.mentor, c.mentee, c.mentee_agrees) == (rnd.new, rnd.mentor, rnd.mentee, None)
    (email,) = [m for m in mail.outbox if m.to == [rnd.mentee.user.email]]
    assert email.subject == "Grace Ho would like to mentor you again"
    assert reverse("profiles:take_part", args=[rnd.mentee.pk, rnd.new.pk]) in email.body
    page = client.get(reverse("profiles:take_part", args=[rnd.mentor.pk, rnd.new.pk]))
    text = page.content.decode()
    assert "Tomás Ruiz</strong> —" in text and "waiting for their answer" in text
    assert "Ask them" not in text  # nobody left to ask


def test_a_mentor_cannot_ask_for_someone_they_did_not_mentor(rnd, as_):
    stranger = ProfileFactory(program=rnd.program)
    response = as_(rnd.mentor).post(ask_page(rnd), {"mentees": [stranger.pk]}, follow=True)
    assert "only the mentees you mentored" in response.content.decode()
    assert not Continuation.objects.exists()


def test_only_the_mentor_themself_can_ask(rnd, as_):
    other_mentor = MentorFactory(program=rnd.program)
    response = as_(other_mentor).post(ask_page(rnd), {"mentees": [rnd.mentee.pk]})
    assert response.status_code == 404
    assert not Continuation.objects.exists()


def test_the_mentee_sees_the_offer_on_their_page(rnd, as_):
    rnd.asked()
    page = as_(rnd.mentee).get(reverse("profiles:take_part", args=[rnd.mentee.pk, rnd.new.pk]))
    text = page.content.decode()
    assert "Grace Ho would like to mentor you again in Spring 2027." in text
    assert 'aria-label="Yes, go on with Grace Ho">Yes</button>' in text
    assert 'aria-label="No thanks to Grace Ho">No thanks</button>' in text


def test_both_agreeing_and_taking_part_go_on_once(rnd, as_, django_capture_on_commit_callbacks):
    rnd.take_part(rnd.mentor, rnd.mentee)
    c = rnd.asked()
    client = as_(rnd.mentee)
    answer(client, c, "yes", django_capture_on_commit_callbacks)
    answer(client, c, "yes", django_capture_on_commit_callbacks)  # a double click
    (m,) = continued(rnd)
    assert (m.mentee, m.mentor, m.status, m.program) == (
        rnd.mentee,
        rnd.mentor,
        Status.ACTIVE,
        rnd.program,
    )
    c.refresh_from_db()
    assert c.mentee_agrees is True and c.mentorship == m
    rnd.old.refresh_from_db()
    assert rnd.old.status == Status.COMPLETED
    assert rnd.old.end_reason == Mentorship.EndReason.TERM_ENDED
    told = {e.to[0] for e in mail.outbox if e.extra_headers["X-Kindred-Email"] == "continued"}
    assert told == {rnd.mentee.user.email, rnd.mentor.user.email}


def test_a_yes_before_taking_part_goes_on_when_the_last_of_them_takes_part(
    rnd, as_, django_capture_on_commit_callbacks
):
    rnd.take_part(rnd.mentor)
    c = rnd.asked()
    client = as_(rnd.mentee)
    answer(client, c, "yes", django_capture_on_commit_callbacks)
    assert not continued(rnd).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("profiles:take_part_confirm", args=[rnd.mentee.pk, rnd.new.pk]))
    assert continued(rnd).count() == 1


def test_no_thanks_makes_nothing(rnd, as_, django_capture_on_commit_callbacks):
    rnd.take_part(rnd.mentor, rnd.mentee)
    c = rnd.asked()
    response = answer(as_(rnd.mentee), c, "no", django_capture_on_commit_callbacks)
    assert "You said no thanks to Grace Ho" in response.content.decode()
    assert not continued(rnd).exists()
    c.refresh_from_db()
    assert c.mentee_agrees is False and c.mentorship is None
    rnd.old.refresh_from_db()
    assert rnd.old.status == Status.ACTIVE


def test_a_full_mentor_is_refused_with_a_message_and_nothing_kept(
    rnd, as_, django_capture_on_commit_callbacks
):
    lifecycle.end(mentorship=rnd.old, by=rnd.mentee, reason="goals_met")  # completed
    newcomer = ProfileFactory(program=rnd.program)
    Mentorship.objects.create(
        program=rnd.program,
        cycle=rnd.new,
        mentee=newcomer,
        mentor=rnd.mentor,
        status=Status.ACCEPTED,
        started_at=timezone.now(),
    )  # the mentor's one place, taken in the new cycle
    rnd.take_part(rnd.mentor, rnd.mentee)
    c = rnd.asked()
    response = answer(as_(rnd.mentee), c, "yes", django_capture_on_commit_callbacks)
    assert "Grace Ho is full" in response.content.decode()
    assert not continued(rnd).exists()
    c.refresh_from_db()
    assert c.mentee_agrees is None


def test_the_old_pairs_open_mentorship_frees_its_own_place(
    rnd, as_, django_capture_on_commit_callbacks
):
    # Capacity 1, taken by this very pair's mentorship of the last cycle: it closes
    # as they go on, so they fit.
    rnd.take_part(rnd.mentor, rnd.mentee)
    answer(as_(rnd.mentee), rnd.asked(), "yes", django_capture_on_commit_callbacks)
    assert continued(rnd).count() == 1
    assert lifecycle.places_taken(rnd.mentor) == 1


def test_another_person_cannot_answer(rnd, as_, django_capture_on_commit_callbacks):
    c = rnd.asked()
    someone = ProfileFactory(program=rnd.program)
    response = as_(someone).post(
        reverse("mentorships:continuation_answer", args=[c.pk]), {"answer": "yes"}
    )
    assert response.status_code == 404
    c.refresh_from_db()
    assert c.mentee_agrees is None


def test_continue_pair_refuses_without_the_mentees_yes(rnd):
    rnd.take_part(rnd.mentor, rnd.mentee)
    with pytest.raises(lifecycle.Refused, match="has not said yes"):
        lifecycle.continue_pair(continuation=rnd.asked())


def test_the_mentees_home_shows_an_unanswered_offer(rnd, as_, django_capture_on_commit_callbacks):
    c = rnd.asked()
    client = as_(rnd.mentee)
    home = reverse("matching:profile_home", args=[rnd.mentee.pk])
    page = client.get(home).content.decode()
    assert "Grace Ho would like to mentor you again in Spring 2027." in page
    assert reverse("mentorships:continuation_answer", args=[c.pk]) in page
    answer(client, c, "no", django_capture_on_commit_callbacks)
    assert "would like to mentor you again" not in client.get(home).content.decode()


def test_the_mentors_home_shows_each_answer_until_they_go_on(
    rnd, as_, django_capture_on_commit_callbacks
):
    c = rnd.asked()
    home = reverse("matching:profile_home", args=[rnd.mentor.pk])
    mentor = as_(rnd.mentor)
    assert "Tomás Ruiz</strong> — has not answered yet about Spring 2027" in (
        mentor.get(home).content.decode()
    )
    Continuation.objects.filter(pk=c.pk).update(mentee_agrees=False)
    assert "said no thanks to going on in Spring 2027" in mentor.get(home).content.decode()
    rnd.take_part(rnd.mentor, rnd.mentee)
    answer(as_(rnd.mentee), c, "yes", django_capture_on_commit_callbacks)
    page = as_(rnd.mentor).get(home).content.decode()
    assert "Same mentee again" not in page
    assert "Tomás Ruiz</a>" in page and "going on from the last round" in page


def test_a_yes_that_waited_for_room_goes_on_when_the_mentee_tries_again(
    rnd, as_, django_capture_on_commit_callbacks
):
    lifecycle.end(mentorship=rnd.old, by=rnd.mentee, reason="goals_met")
    newcomer = ProfileFactory(program=rnd.program)
    taken = Mentorship.objects.create(
        program=rnd.program,
        cycle=rnd.new,
        mentee=newcomer,
        mentor=rnd.mentor,
        status=Status.ACTIVE,
        started_at=timezone.now(),
    )
    rnd.take_part(rnd.mentor)
    c = rnd.asked()
    client = as_(rnd.mentee)
    answer(client, c, "yes", django_capture_on_commit_callbacks)  # before taking part: kept
    with django_capture_on_commit_callbacks(execute=True):  # the mentor is full: it waits
        client.post(reverse("profiles:take_part_confirm", args=[rnd.mentee.pk, rnd.new.pk]))
    assert not continued(rnd).exists()
    page = client.get(reverse("profiles:take_part", args=[rnd.mentee.pk, rnd.new.pk]))
    assert "Go on with Grace Ho now</button>" in page.content.decode()
    lifecycle.end(mentorship=taken, by=newcomer, reason="goals_met")  # a place frees up
    answer(client, c, "yes", django_capture_on_commit_callbacks)
    assert continued(rnd).count() == 1
