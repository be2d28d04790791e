"""Weights learned from a program's outcomes, from the database (matching/learned.py)
and the learn_weights command."""

import json
import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from matching import learned, learning
from matching.models import WeightProposal
from mentorships.models import CheckIn, Mentorship
from mentorships.outcome_models import CloseOut, Side
from profiles.taxonomy import COMPONENTS
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, ProgramFactory

pytestmark = pytest.mark.django_db

Status, Source = Mentorship.Status, Mentorship.Source
DAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
EVEN = dict.fromkeys(COMPONENTS, 0.5)


class Pairs:
    """Mentorships of one program between a few closed-off pairs (closed
    mentorships may repeat a pair), made straight in the database with the
    components the matcher knew, and their outcomes."""

    def __init__(self, program):
        self.program = program
        self.mentees = [ProfileFactory(program=program) for _ in range(3)]
        self.mentors = [MentorFactory(program=program) for _ in range(3)]
        self.made = 0

    def make(self, *, components=EVEN, cycle=None, day=DAY, **fields) -> Mentorship:
        fields.setdefault("status", Status.COMPLETED)
        if fields["status"] == Status.COMPLETED:
            fields.setdefault("end_reason", Mentorship.EndReason.GOALS_MET)
        i, self.made = self.made, self.made + 1
        return Mentorship.objects.create(
            program=self.program,
            cycle=cycle,
            mentee=self.mentees[i % 3],
            mentor=self.mentors[(i // 3) % 3],
            requested_at=day,
            match_components=components,
            match_weights=self.program.weights(),
            **fields,
        )

    def check_ins(self, m, *ratings):
        for rating in ratings:
            CheckIn.objects.create(mentorship=m, author=m.mentee, rating=rating)

    def close_out(self, m, side, rating):
        who = m.mentee if side == Side.MENTEE else m.mentor
        CloseOut.objects.create(
            mentorship=m, respondent=who, side=side, rating=rating, answered_at=DAY
        )

    def planted(self, *, effect, count=120, seed=0, cycle=None):
        """``count`` mentorships with random components whose every outcome is
        good with log-odds 0.5 + effect × (values − 0.5)."""
        rng = np.random.default_rng(seed)
        for i in range(count):
            parts = {c: round(float(rng.uniform()), 3) for c in COMPONENTS}
            p = 1 / (1 + math.exp(-(0.5 + effect * (parts["values"] - 0.5))))

            def good(p=p):
                return bool(rng.random() < p)

            day = DAY + timedelta(days=i)
            if not good():
                reason = Mentorship.DeclineReason.NOT_MY_AREA
                self.make(
                    components=parts,
                    cycle=cycle,
                    day=day,
                    status=Status.DECLINED,
                    decline_reason=reason,
                )
                continue
            closed = (
                {"end_reason": Mentorship.EndReason.GOALS_MET}
                if good()
                else {"status": Status.ENDED, "end_reason": Mentorship.EndReason.NOT_WORKING}
            )
            m = self.make(components=parts, cycle=cycle, day=day, **closed)
            self.check_ins(m, *(5 if good() else 1 for _ in range(2)))
            self.close_out(m, Side.MENTEE, 5 if good() else 1)


@pytest.fixture
def pairs():
    return Pairs(ProgramFactory(name="Bridges", slug="bridges"))


def test_each_kind_of_outcome_is_counted_good_or_poor_and_the_rest_left_out(pairs):
    both = pairs.make(components={**EVEN, "values": None})
    pairs.check_ins(both, 5, 3, 1)  # 3 says neither
    pairs.close_out(both, Side.MENTEE, 4)
    pairs.close_out(both, Side.MENTOR, 2)
    pairs.make(status=Status.DECLINED, decline_reason=Mentorship.DeclineReason.NOT_MY_AREA)
    pairs.make(status=Status.ENDED, source=Source.ADMIN, end_reason="not_for_me")
    pairs.make(status=Status.ENDED, end_reason=Mentorship.EndReason.NO_TIME)
    found = learned.observations(pairs.program)
    assert found.counts == {
        "request": {"good": 2, "poor": 1},  # accepted twice (both, no_time), one declined
        "check_in": {"good": 1, "poor": 1},
        "close_out": {"good": 1, "poor": 1},
        "close": {"good": 1, "poor": 1},  # completed; a match turned down
    }
    assert found.mentorship_count == 4
    rows = found.mentorships == both.pk
    assert sorted(found.kinds[rows]) == sorted(
        ["request", "check_in", "check_in", "close_out", "close_out", "close"]
    )
    # Each mentorship counts one unit per kind: its two check-ins weigh a half each.
    assert found.weights[rows & (found.kinds == "check_in")].tolist() == [0.5, 0.5]
    assert np.isnan(found.components[rows][:, COMPONENTS.index("values")]).all()


def test_a_decline_for_want_of_room_is_not_about_the_pair(pairs):
    for _ in range(3):
        pairs.make(status=Status.DECLINED, decline_reason=Mentorship.DeclineReason.NO_ROOM)
    pairs.make(status=Status.DECLINED, decline_reason=Mentorship.DeclineReason.BETTER_FIT)
    found = learned.observations(pairs.program)
    assert found.counts["request"] == {"good": 0, "poor": 1}
    assert found.mentorship_count == 1


def test_mentorships_without_kept_components_and_open_or_unanswered_ones_say_nothing(pairs):
    pairs.make(components=None)
    pairs.make(status=Status.WITHDRAWN)
    pairs.make(status=Status.EXPIRED)
    unanswered = pairs.make(status=Status.REQUESTED)
    pairs.close_out(
        pairs.make(status=Status.ENDED, end_reason="moved_on", source=Source.AUTO),
        Side.MENTEE,
        None,
    )
    found = learned.observations(pairs.program)
    assert len(found.outcomes) == 0 and found.mentorship_count == 0
    assert unanswered.pk not in found.mentorships


def test_another_programs_outcomes_are_not_counted(pairs):
    other = Pairs(ProgramFactory())
    other.make()
    assert learned.observations(pairs.program).mentorship_count == 0
    assert learned.observations(other.program).mentorship_count == 1


def test_a_cycle_keeps_its_own_mentorships_and_names_itself(pairs):
    spring = CycleFactory(
        program=pairs.program, name="Spring 2026", registration_opens=date(2026, 3, 1)
    )
    autumn = CycleFactory(
        program=pairs.program, name="Autumn 2026", registration_opens=date(2026, 9, 1)
    )
    pairs.make(cycle=spring, day=DAY)
    pairs.make(cycle=spring, day=DAY + timedelta(days=30))
    pairs.make(cycle=autumn, day=DAY + timedelta(days=200))
    found = learned.observations(pairs.program, spring)
    assert found.mentorship_count == 2
    assert found.sample()["cycles"] == ["Spring 2026"]
    assert (found.first, found.last) == (date(2026, 3, 2), date(2026, 4, 1))
    everything = learned.observations(pairs.program)
    assert everything.mentorship_count == 3
    assert everything.sample()["cycles"] == ["Spring 2026", "Autumn 2026"]


def test_a_planted_values_effect_is_proposed_with_its_interval_and_weights_stay(pairs):
    pairs.planted(effect=4.0)
    before = pairs.program.weights()
    proposal = learned.propose(program=pairs.program)
    assert proposal.status == WeightProposal.Status.PROPOSED
    assert proposal.current_weights == before
    assert proposal.proposed_weights["values"] > before["values"]
    assert proposal.intervals["values"][0] > before["values"]
    assert proposal.fit["confident"]["values"] is True
    assert sum(proposal.proposed_weights.values()) == sum(before.values())
    assert proposal.sample["mentorships"] == 120
    pairs.program.refresh_from_db()
    assert pairs.program.weights() == before


def test_outcomes_that_are_noise_propose_no_confident_change(pairs):
    pairs.planted(effect=0.0, seed=1)
    proposal = learned.propose(program=pairs.program)
    assert proposal.status == WeightProposal.Status.PROPOSED
    assert not any(proposal.fit["confident"].values())
    for c in COMPONENTS:
        low, high = proposal.intervals[c]
        assert low <= proposal.current_weights[c] <= high


def test_below_the_minimum_the_proposal_says_too_few_with_the_counts(pairs, user):
    pairs.planted(effect=0.0, count=learning.MIN_MENTORSHIPS - 5)
    proposal = learned.propose(program=pairs.program, by=user)
    assert proposal.status == WeightProposal.Status.TOO_FEW
    assert proposal.proposed_weights == {} and proposal.intervals == {}
    assert proposal.created_by == user
    assert proposal.sample["mentorships"] == learning.MIN_MENTORSHIPS - 5
    assert proposal.sample["needs"] == {"mentorships": 30, "observations": 60}
    assert learned.describe_too_few(proposal).startswith(
        f"Not enough outcomes yet: {learning.MIN_MENTORSHIPS - 5} mentorships with "
    )


def test_the_sample_in_words(pairs):
    sample = {
        "mentorships": 143,
        "observations": 560,
        "kinds": {
            "request": {"good": 100, "poor": 20},
            "check_in": {"good": 250, "poor": 50},
            "close_out": {"good": 70, "poor": 10},
            "close": {"good": 1, "poor": 0},
        },
        "cycles": ["Summer 2026"],
        "first": "2026-06-01",
        "last": "2026-08-30",
    }
    assert learned.describe_sample(sample) == (
        "from 143 mentorships in Summer 2026: 120 requests answered, 300 check-ins, "
        "80 close-outs, 1 closed"
    )
    no_cycles = {
        **sample,
        "mentorships": 1,
        "cycles": [],
        "kinds": {
            **sample["kinds"],
            "request": {"good": 1, "poor": 0},
            "check_in": {"good": 0, "poor": 0},
        },
    }
    assert learned.describe_sample(no_cycles) == (
        "from 1 mentorship made between 1 June 2026 and 30 August 2026: "
        "1 request answered, 80 close-outs, 1 closed"
    )


def test_outcomes_all_good_propose_nothing_and_say_why(pairs):
    for _ in range(learning.MIN_OBSERVATIONS):
        pairs.make()  # accepted and completed: two good outcomes each
    proposal = learned.propose(program=pairs.program)
    assert proposal.status == WeightProposal.Status.TOO_FEW
    assert proposal.proposed_weights == {}
    assert learned.describe_too_few(proposal) == (
        "Every outcome so far was good (from 60 mentorships made on 2 March 2026: "
        "60 requests answered, 60 closed): nothing to learn from until some differ."
    )


def test_the_sample_names_mentorships_outside_any_cycle(pairs):
    spring = CycleFactory(program=pairs.program, name="Spring 2026")
    pairs.make(cycle=spring)
    pairs.make()
    sample = learned.observations(pairs.program).sample()
    assert sample["outside_cycles"] == 1
    assert learned.describe_sample(sample) == (
        "from 2 mentorships in Spring 2026 and outside any cycle: 2 requests answered, 2 closed"
    )


# --- the command ---------------------------------------------------------------------


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("learn_weights", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_table_saves_the_proposal_and_changes_no_weight(pairs):
    pairs.planted(effect=4.0)
    before = pairs.program.weights()
    out = run("bridges")
    proposal = WeightProposal.objects.get(program=pairs.program)
    assert out.startswith("Weights learned for Bridges from 120 mentorships made between ")
    values = next(line for line in out.splitlines() if line.startswith("Shared values"))
    low, high = proposal.intervals["values"]
    assert values.split() == [
        "Shared",
        "values",
        "20",
        str(proposal.proposed_weights["values"]),
        f"{low}–{high}",
        "yes,",
        "up",
    ]
    assert "99% interval" in out
    assert f"Saved as proposal #{proposal.pk}. Nothing has changed" in out
    pairs.program.refresh_from_db()
    assert pairs.program.weights() == before


def test_the_command_prints_json(pairs):
    pairs.planted(effect=4.0)
    report = json.loads(run("bridges", "--json"))
    proposal = WeightProposal.objects.get(program=pairs.program)
    assert report["proposal"] == proposal.pk
    assert report["status"] == "proposed" and report["message"] is None
    assert report["proposed"] == proposal.proposed_weights
    assert report["confident"]["values"] is True
    assert report["sample"]["mentorships"] == 120
    assert report["level"] == learning.LEVEL


def test_the_command_says_when_there_are_too_few_outcomes(pairs):
    pairs.planted(effect=0.0, count=10)
    out = run("bridges")
    assert out.startswith("Bridges: Not enough outcomes yet: 10 mentorships with ")
    assert "(needs 30 mentorships and 60 outcomes)" in out
    report = json.loads(run("bridges", "--json"))
    assert report["status"] == "too_few" and report["proposed"] == {}
    assert report["message"].startswith("Not enough outcomes yet")


def test_the_command_learns_from_one_cycle(pairs):
    spring = CycleFactory(program=pairs.program, name="Spring 2026")
    pairs.planted(effect=4.0, count=60, cycle=spring)
    pairs.planted(effect=0.0, count=10, seed=3)
    report = json.loads(run("bridges", "--cycle", "Spring 2026", "--json"))
    assert report["cycle"] == "Spring 2026"
    assert report["sample"]["mentorships"] == 60
    assert WeightProposal.objects.get(program=pairs.program).cycle == spring


def test_the_command_refuses_an_unknown_program_or_cycle(pairs):
    CycleFactory(program=pairs.program, name="Spring 2026")
    with pytest.raises(CommandError, match="No program with the slug 'nope'"):
        run("nope")
    with pytest.raises(
        CommandError, match=r"Bridges has no cycle named 'Winter'\. Its cycles: Spring 2026\."
    ):
        run("bridges", "--cycle", "Winter")
    assert not WeightProposal.objects.exists()
