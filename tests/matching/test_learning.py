"""Weights learned from outcomes, without a database (matching/learning.py)."""

import math

import numpy as np
import pytest

from matching import learning
from matching.scoring import COMPONENTS

CURRENT = {"goals": 40, "background": 25, "values": 20, "experience": 10, "logistics": 5}
KINDS = ("request", "check_in", "close_out", "close")
VALUES = COMPONENTS.index("values")


def synthetic(seed, *, pairs=150, per_pair=4, effect=3.0, values_missing=0.2):
    """``pairs`` mentorships with uniform components (values missing for some),
    each with ``per_pair`` outcomes of the four kinds whose log-odds rise by
    ``effect`` per unit of values overlap (0: pure noise)."""
    rng = np.random.default_rng(seed)
    parts = rng.uniform(0, 1, (pairs, len(COMPONENTS)))
    parts[rng.random(pairs) < values_missing, VALUES] = np.nan
    values = np.nan_to_num(parts[:, VALUES], nan=0.5)
    rows = np.repeat(np.arange(pairs), per_pair)
    z = 0.5 + effect * (values[rows] - 0.5)
    outcomes = (rng.random(len(rows)) < 1 / (1 + np.exp(-z))).astype(float)
    kinds = np.array([KINDS[i % len(KINDS)] for i in range(len(rows))])
    return parts[rows], outcomes, rows + 1000, kinds


def learn(data, **kwargs):
    components, outcomes, clusters, kinds = data
    return learning.learn(components, outcomes, clusters, CURRENT, kinds=kinds, **kwargs)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_outcomes_driven_by_values_overlap_raise_the_values_weight_confidently(seed):
    found = learn(synthetic(seed))
    assert found.enough
    assert found.proposed["values"] > CURRENT["values"]
    low, high = found.intervals["values"]
    assert CURRENT["values"] < low <= found.proposed["values"] <= high
    assert found.confident["values"]
    assert found.coefficient_intervals["values"][0] > 0


def test_a_values_effect_takes_its_weight_from_the_others_and_keeps_the_total():
    found = learn(synthetic(4))
    assert sum(found.proposed.values()) == sum(CURRENT.values())
    for c in COMPONENTS:
        if c != "values":
            assert found.proposed[c] <= CURRENT[c]
            assert found.proposed[c] >= learning.FLOOR


def test_pure_noise_proposes_no_confident_change_in_nearly_every_program():
    # 99 % per weight: about a 5 % chance per program that noise flags any of the
    # five (docs/outcomes.md). Over 20 noise programs, at most 2 may.
    flagged = [
        seed for seed in range(20) if learn(synthetic(100 + seed, effect=0.0), seed=seed).changes
    ]
    assert len(flagged) <= 2, flagged


def test_noise_leaves_todays_weights_inside_every_interval():
    found = learn(synthetic(7, effect=0.0))
    for c in COMPONENTS:
        low, high = found.intervals[c]
        assert low <= CURRENT[c] <= high
        assert not found.confident[c]


def test_the_same_data_and_seed_give_the_same_proposal():
    data = synthetic(5)
    assert learn(data, seed=3).as_dict() == learn(data, seed=3).as_dict()


def test_the_seed_moves_only_the_intervals_not_the_point_proposal():
    data = synthetic(5)
    one, other = learn(data, seed=1), learn(data, seed=2)
    assert one.proposed == other.proposed
    assert one.coefficients == other.coefficients
    assert one.intervals != other.intervals


def test_below_the_minimum_of_mentorships_nothing_is_proposed():
    data = synthetic(1, pairs=learning.MIN_MENTORSHIPS - 1, per_pair=10)
    found = learn(data)
    assert found.reason == learning.Reason.TOO_FEW
    assert not found.enough
    assert found.counts["mentorships"] == learning.MIN_MENTORSHIPS - 1
    assert found.counts["observations"] == (learning.MIN_MENTORSHIPS - 1) * 10
    assert found.proposed == {} and found.intervals == {} and found.confident == {}


def test_below_the_minimum_of_observations_nothing_is_proposed():
    components, outcomes, clusters, kinds = synthetic(1, pairs=learning.MIN_MENTORSHIPS, per_pair=2)
    keep = slice(0, learning.MIN_OBSERVATIONS - 1)
    found = learning.learn(
        components[keep], outcomes[keep], clusters[keep], CURRENT, kinds=kinds[keep]
    )
    assert found.reason == learning.Reason.TOO_FEW
    assert found.counts["observations"] == learning.MIN_OBSERVATIONS - 1


def test_at_the_minimum_a_proposal_is_made():
    found = learn(synthetic(1, pairs=learning.MIN_MENTORSHIPS, per_pair=2))
    assert found.counts == {
        "mentorships": learning.MIN_MENTORSHIPS,
        "observations": learning.MIN_OBSERVATIONS,
        "good": found.counts["good"],
        "poor": learning.MIN_OBSERVATIONS - found.counts["good"],
    }
    assert found.enough and sum(found.proposed.values()) == 100


@pytest.mark.parametrize("outcome", [0.0, 1.0])
def test_outcomes_all_alike_propose_nothing(outcome):
    components, outcomes, clusters, kinds = synthetic(1)
    found = learning.learn(
        components, np.full_like(outcomes, outcome), clusters, CURRENT, kinds=kinds
    )
    assert found.reason == learning.Reason.ALL_ALIKE
    assert found.proposed == {}


def test_a_kind_whose_outcomes_are_all_good_still_fits():
    components, outcomes, clusters, kinds = synthetic(2)
    outcomes = np.where(kinds == "request", 1.0, outcomes)
    found = learning.learn(components, outcomes, clusters, CURRENT, kinds=kinds)
    assert found.converged and found.confident["values"]


def test_a_component_never_present_keeps_its_weight_and_is_not_learned():
    components, outcomes, clusters, kinds = synthetic(3)
    components[:, COMPONENTS.index("background")] = np.nan
    found = learning.learn(components, outcomes, clusters, CURRENT, kinds=kinds)
    assert found.learned["background"] is False
    assert "background" not in found.coefficients
    assert found.proposed["background"] == CURRENT["background"]
    assert found.intervals["background"] == (CURRENT["background"], CURRENT["background"])
    assert not found.confident["background"]
    assert found.confident["values"] and sum(found.proposed.values()) == 100


def test_a_component_an_admin_weighted_zero_stays_at_zero():
    current = {**CURRENT, "logistics": 0, "goals": 45}
    components, outcomes, clusters, kinds = synthetic(3)
    found = learning.learn(components, outcomes, clusters, current, kinds=kinds)
    assert found.proposed["logistics"] == 0
    assert not found.confident["logistics"]
    assert sum(found.proposed.values()) == 100


def test_a_missing_values_answer_that_predicts_outcomes_does_not_pass_for_an_effect_of_values():
    # Outcomes are poor where values were missing, noise where present: the
    # missing indicator takes the effect, the values coefficient stays near 0.
    rng = np.random.default_rng(11)
    pairs = 200
    parts = rng.uniform(0, 1, (pairs, len(COMPONENTS)))
    missing = rng.random(pairs) < 0.4
    parts[missing, VALUES] = np.nan
    rows = np.repeat(np.arange(pairs), 3)
    p = np.where(missing[rows], 0.15, 0.7)
    outcomes = (rng.random(len(rows)) < p).astype(float)
    found = learning.learn(parts[rows], outcomes, rows, CURRENT)
    assert not found.confident["values"]
    assert abs(found.coefficients["values"]) < 1.0


def test_repeated_outcomes_of_one_mentorship_weighted_to_one_unit_change_nothing():
    components, outcomes, clusters, kinds = synthetic(6, per_pair=1)
    once = learning.learn(components, outcomes, clusters, CURRENT, kinds=kinds)
    twice = learning.learn(
        np.repeat(components, 2, axis=0),
        np.repeat(outcomes, 2),
        np.repeat(clusters, 2),
        CURRENT,
        kinds=np.repeat(kinds, 2),
        weights=np.full(2 * len(outcomes), 0.5),
    )
    assert twice.proposed == once.proposed
    for c in once.coefficients:
        assert twice.coefficients[c] == pytest.approx(once.coefficients[c], abs=1e-8)
    assert twice.intervals == once.intervals


def test_the_fit_is_the_penalised_optimum():
    components, outcomes, *_ = synthetic(8)
    X = np.column_stack([np.ones(len(outcomes)), np.nan_to_num(components, nan=0.5)])
    penalty = np.array([1e-3, 1, 1, 1, 1, 1])
    beta, _, converged = learning.fit_logistic(X, outcomes, penalty=penalty)
    p = 1 / (1 + np.exp(-X @ beta))
    assert converged
    np.testing.assert_allclose(X.T @ (p - outcomes) + penalty * beta, 0, atol=1e-7)


def test_fits_taken_together_equal_fits_taken_one_by_one(monkeypatch):
    components, outcomes, *_ = synthetic(9)
    X = np.column_stack([np.ones(len(outcomes)), np.nan_to_num(components, nan=0.5)])
    penalty = np.array([1e-3, 1, 1, 1, 1, 1])
    start, _, _ = learning.fit_logistic(X, outcomes, penalty=penalty)
    weightings = np.random.default_rng(0).integers(0, 3, (4, len(outcomes))).astype(float)
    together, converged = learning.fit_many(X, outcomes, weightings, penalty=penalty, start=start)
    assert converged
    for w, found in zip(weightings, together, strict=True):
        alone, _, _ = learning.fit_logistic(X, outcomes, weights=w, penalty=penalty)
        np.testing.assert_allclose(found, alone, atol=1e-7)
    # A weighting whose steps have not settled is fitted on its own, to the same end.
    monkeypatch.setattr(learning, "BATCH_ITERATIONS", 1)
    stragglers, converged = learning.fit_many(X, outcomes, weightings, penalty=penalty, start=start)
    assert converged
    np.testing.assert_allclose(stragglers, together, atol=1e-7)


def test_an_intercept_alone_finds_the_log_odds():
    y = np.array([1.0, 1.0, 1.0, 0.0] * 25)
    beta, _, converged = learning.fit_logistic(np.ones((100, 1)), y, penalty=0.0)
    assert converged and beta[0] == pytest.approx(math.log(3), abs=1e-9)


def test_no_relation_leaves_every_weight_where_it_is():
    assert learning.tilted(CURRENT, dict.fromkeys(COMPONENTS, 0.0)) == pytest.approx(
        {c: float(v) for c, v in CURRENT.items()}
    )
    assert learning.tilted(CURRENT, dict.fromkeys(COMPONENTS, 0.7)) == pytest.approx(
        {c: float(v) for c, v in CURRENT.items()}
    )


def test_a_tilt_multiplies_a_weight_by_the_exponential_of_its_coefficient_before_rescaling():
    found = learning.tilted(CURRENT, {**dict.fromkeys(COMPONENTS, 0.0), "values": math.log(2)})
    # values 20 → 40 raw, total raw 120, scaled back to 100.
    assert found["values"] == pytest.approx(40 * 100 / 120)
    assert found["goals"] == pytest.approx(40 * 100 / 120)


def test_a_tilt_holds_every_weight_to_the_floor_and_the_ceiling():
    found = learning.tilted(CURRENT, {**dict.fromkeys(COMPONENTS, -10.0), "values": 10.0})
    assert min(found.values()) >= learning.FLOOR
    assert sum(found.values()) == pytest.approx(100)
    heavy = {c: 90 for c in COMPONENTS}
    found = learning.tilted(heavy, {**dict.fromkeys(COMPONENTS, 0.0), "values": 10.0})
    assert found["values"] == learning.CEILING
    assert sum(found.values()) == pytest.approx(450)


def test_rounding_by_largest_remainder_keeps_the_total():
    weights = {"goals": 33.4, "background": 33.3, "values": 33.3, "experience": 0, "logistics": 0}
    assert learning.rounded(weights, 100) == {
        "goals": 34,
        "background": 33,
        "values": 33,
        "experience": 0,
        "logistics": 0,
    }
    weights = {"goals": 10.5, "background": 10.5, "values": 9, "experience": 0, "logistics": 0}
    assert sum(learning.rounded(weights, 30).values()) == 30
