"""``seed_demo`` gives the demo program a past: mentorships in its closed rounds and
what came of them, deterministic by seed, made once, leaving the current round's
pool as it was, with patterns to find (matching/demo.py)."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from statistics import mean

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from matching import learned
from matching.demo import LESS_SPONSORED
from mentorships import lifecycle
from mentorships.models import Mentorship
from mentorships.outcome_models import CloseOut, FollowUp, SponsorshipAction
from profiles.models import Cycle, Enrolment, Profile, Program, User
from profiles.taxonomy import COMPONENTS

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def seed(**options) -> str:
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", mentors=60, mentees=150, seed=1, stdout=out, **options)
    return out.getvalue()


def past() -> list[Mentorship]:
    return list(
        Mentorship.objects.filter(cycle__state=Cycle.State.CLOSED)
        .select_related("cycle", "mentee__user", "mentor__user")
        .order_by("mentee__user__email")
    )


def snapshot() -> list[tuple]:
    """Everything the demo's past holds, without ids."""
    rows = []
    for m in past():
        rows.append(
            (
                m.cycle.name,
                m.mentee.user.email,
                m.mentor.user.email,
                m.status,
                m.source,
                m.end_reason,
                m.requested_at,
                m.started_at,
                m.ended_at,
                m.score,
                m.match_components,
                sorted(
                    (
                        c.side,
                        c.rating,
                        c.answered_at,
                        c.recommend,
                        c.testimonial_shared,
                        *((g.goal.slug, g.start_rating, g.end_rating) for g in c.goals.all()),
                    )
                    for c in m.close_outs.all()
                ),
                sorted(
                    (s.kind, s.happened_on, s.note, s.confirmed_at) for s in m.sponsorships.all()
                ),
                sorted(
                    (f.months, f.due_on, f.answered_at, f.sponsored, f.belong_valued)
                    for f in m.follow_ups.all()
                ),
            )
        )
    return rows


def in_group(mentorships: list[Mentorship]) -> set[int]:
    return set(
        Profile.background.through.objects.filter(
            profile_id__in=[m.mentee_id for m in mentorships], tag__slug__in=LESS_SPONSORED
        ).values_list("profile_id", flat=True)
    )


def test_the_closed_rounds_get_past_mentorships_and_what_came_of_them():
    output = seed()
    program = Program.objects.get(slug="default")
    made = past()
    summer = [m for m in made if m.cycle.name == "Summer 2026"]
    autumn = [m for m in made if m.cycle.name == "Autumn 2025"]
    assert 40 <= len(summer) <= 60 and len(autumn) >= 30
    assert f"{len(summer)} in Summer 2026 and {len(autumn)} in Autumn 2025" in output
    for m in made:
        assert m.status in (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED)
        assert set(m.match_components) == set(COMPONENTS)
        assert m.match_weights == program.weights()
        assert m.cycle.registration_opens <= timezone.localdate(m.requested_at)
        assert m.started_at < m.ended_at < TODAY
        closing = m.cycle.ends_on + timedelta(days=program.term_grace_days)
        assert timezone.localdate(m.ended_at) <= closing
        assert sorted(m.close_outs.values_list("side", flat=True)) == ["mentee", "mentor"]
    statuses = {m.status for m in summer}
    assert statuses == {"completed", "ended"}
    answered = CloseOut.objects.filter(answered_at__isnull=False)
    assert answered.count() > CloseOut.objects.count() * 0.6
    assert answered.filter(goals__isnull=False).exists()
    assert CloseOut.objects.filter(testimonial_shared=True).exists()
    ledger = SponsorshipAction.objects.all()
    assert ledger.filter(confirmed_at__isnull=False).exists()
    assert ledger.filter(confirmed_at__isnull=True).exists()
    assert set(ledger.values_list("recorded_by", flat=True)) <= {m.mentor_id for m in made}


def test_follow_ups_are_answered_only_where_they_had_come_due():
    seed()
    follow_ups = FollowUp.objects.select_related("mentorship__cycle")
    assert {f.mentorship.cycle.name for f in follow_ups} == {"Autumn 2025"}
    assert all(f.due_on <= TODAY.date() and f.sent_at for f in follow_ups)
    assert all(f.profile_id == f.mentorship.mentee_id for f in follow_ups)
    six = follow_ups.filter(months=6)
    assert six.count() == Mentorship.objects.filter(cycle__name="Autumn 2025").count()
    assert six.filter(answered_at__isnull=False).count() >= six.count() // 2


def test_the_current_rounds_pool_is_as_it_was_and_the_demo_logins_have_no_past():
    seed()
    program = Program.objects.get(slug="default")
    winter = program.cycles.get(name="Winter 2026–27")
    people = program.profiles.all()
    assert set(people.values_list("cycle", flat=True)) == {winter.pk}
    assert people.ready().count() == people.count()
    assert not Mentorship.objects.filter(status__in=Mentorship.OPEN).exists()
    assert Enrolment.objects.filter(cycle=winter).count() == people.count()
    logins = people.filter(user__email__in=["mentee@demo.kindred.test", "mentor@demo.kindred.test"])
    assert not Mentorship.objects.filter(mentee__in=logins).exists()
    assert not Mentorship.objects.filter(mentor__in=logins).exists()
    mentee, grace = logins.order_by("role")  # mentee, mentor
    with time_machine.travel(TODAY, tick=False):
        asked = lifecycle.request_mentor(mentee=mentee, mentor=grace, message="Hello", score=None)
    assert asked.status == Mentorship.Status.REQUESTED and asked.cycle == winter


def test_each_sponsored_less_group_shows_in_the_closed_round():
    seed()
    for name in ("Summer 2026", "Autumn 2025"):
        mentees = Profile.objects.filter(mentorships_as_mentee__cycle__name=name)
        sizes = dict(
            Profile.background.through.objects.filter(profile__in=mentees)
            .values("tag__slug")
            .annotate(n=Count("profile_id"))
            .values_list("tag__slug", "n")
        )
        assert all(sizes.get(slug, 0) >= 5 for slug in LESS_SPONSORED), (name, sizes)
        assert sum(1 for slug, n in sizes.items() if slug not in LESS_SPONSORED and n >= 5) >= 3


def test_the_planted_patterns_are_there_to_learn():
    seed()
    made = past()
    rated = {c.mentorship_id: c.rating for c in CloseOut.objects.filter(side="mentee")}
    values = {m.pk: m.match_components["values"] or 0.0 for m in made}
    good = [values[pk] for pk, r in rated.items() if r and r >= 4]
    rest = [values[pk] for pk, r in rated.items() if r and r < 4]
    assert mean(good) > mean(rest) + 0.1
    group = in_group(made)
    sponsored = set(SponsorshipAction.objects.values_list("mentorship__mentee_id", flat=True))
    share = {
        inside: mean(m.mentee_id in sponsored for m in made if (m.mentee_id in group) == inside)
        for inside in (True, False)
    }
    assert share[True] < share[False] - 0.2


def test_learning_from_the_demos_past_proposes_more_weight_on_values_confidently():
    seed()
    program = Program.objects.get(slug="default")
    _, found = learned.learn(program)
    assert found.enough
    assert found.proposed["values"] > found.current["values"]
    assert found.confident["values"]


def test_the_same_seed_gives_the_same_past_and_seeding_again_changes_nothing():
    seed()
    first = snapshot()
    counts = [model.objects.count() for model in (Mentorship, CloseOut, FollowUp, Enrolment)]
    output = seed()
    assert snapshot() == first
    assert [model.objects.count() for model in (Mentorship, CloseOut, FollowUp, Enrolment)] == (
        counts
    )
    assert "past mentorships already present in Summer 2026, Autumn 2025" in output
    Mentorship.objects.all().delete()
    Cycle.objects.all().delete()
    User.objects.filter(email__endswith="@demo.kindred.test").delete()
    seed()
    assert snapshot() == first


def test_a_reset_recreates_the_people_and_leaves_their_past_anonymised():
    seed()
    made = Mentorship.objects.count()
    output = seed(reset=True)
    assert Mentorship.objects.count() == made
    assert not Mentorship.objects.filter(mentee__isnull=False).exists()
    assert "without their people, who were recreated: seed an empty database" in output
