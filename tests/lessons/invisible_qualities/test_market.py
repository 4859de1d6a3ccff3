"""The 36-month market model: its mechanics, each on its own, and its arguments."""

import numpy as np
import pytest

from infralab import reliability


def test_identical_products_split_the_market_evenly():
    same = dict(
        feature_first_features_per_month=1.0,
        load_seconds_per_feature=0.0,
        feature_first_availability=0.9995,
        feature_first_breach_probability=0.005,
        breach_churn=0.01,
    )
    sim = reliability.simulate_market(
        runs=50, seed=1, **same, outages_per_month=0.0, quality_first_breach_probability=0.005
    )
    assert sim.mean_quality_share[1:] == pytest.approx(0.5, abs=0.02)


def test_with_no_churn_and_no_imitation_adoption_follows_the_bass_innovation_rate():
    sim = reliability.simulate_market(
        months=3,
        runs=1,
        seed=0,
        base_churn=0.0,
        imitation=0.0,
        churn_per_outage_hour=0.0,
        breach_churn=0.0,
        encrypted_breach_churn=0.0,
    )
    total = sim.feature_first[0] + sim.quality_first[0]
    people = reliability.MARKET_DEFAULTS["people"]
    expected = people * (1 - (1 - 0.01) ** np.arange(4))  # 1% of the undecided each month
    assert total == pytest.approx(expected)


def test_the_quality_first_product_overtakes_and_a_head_start_reverses_it():
    base = reliability.simulate_market(runs=100, seed=3)
    assert base.mean_quality_share[6] < 0.5 < base.final_quality_share
    assert 6 < base.crossover_month < 36
    ahead = reliability.simulate_market(runs=100, seed=3, head_start=0.05)
    assert ahead.final_quality_share < 0.5
    assert ahead.crossover_month == -1


def test_outages_and_breaches_cost_users():
    calm = reliability.simulate_market(runs=50, seed=4, churn_per_outage_hour=0.0)
    stormy = reliability.simulate_market(runs=50, seed=4, churn_per_outage_hour=0.01)
    assert stormy.feature_first[:, -1].mean() < calm.feature_first[:, -1].mean()
    exposed = reliability.simulate_market(runs=200, seed=4, breach_churn=0.3)
    assert exposed.final_quality_share > calm.final_quality_share - 0.2


def test_sensitivity_is_sorted_by_swing_and_uses_common_random_numbers():
    table = reliability.market_sensitivity(
        {"feature_weight": (0.5, 2.0), "base_churn": (0.019, 0.021)}, runs=20, seed=2
    )
    assert list(table.index) == ["feature_weight", "base_churn"]
    assert table["swing"].is_monotonic_decreasing
    # the same parameter at its default value reproduces the base case exactly
    same = reliability.market_sensitivity({"feature_weight": (1.0, 1.0)}, runs=20, seed=2)
    assert same["swing"].iloc[0] == 0.0
    assert same["share_at_low"].iloc[0] == pytest.approx(same["base_share"].iloc[0])


def test_unknown_or_bad_parameters_are_refused_by_name():
    with pytest.raises(TypeError, match="no_such"):
        reliability.simulate_market(no_such=1.0)
    with pytest.raises(ValueError, match="breach_churn"):
        reliability.simulate_market(breach_churn=1.5)
    with pytest.raises(ValueError, match="imitation"):
        reliability.simulate_market(imitation=-0.1)
    with pytest.raises(ValueError, match="people"):
        reliability.simulate_market(people=0)
    with pytest.raises(ValueError, match="ranges"):
        reliability.market_sensitivity({"no_such": (0, 1)})


def test_results_are_read_only_and_repeatable():
    one = reliability.simulate_market(runs=5, seed=9)
    two = reliability.simulate_market(runs=5, seed=9)
    assert np.array_equal(one.quality_first, two.quality_first)
    assert not one.quality_first.flags.writeable


def test_quality_first_features_cost_load_time_too():
    base = reliability.simulate_market(runs=50, seed=3)
    free = reliability.simulate_market(runs=50, seed=3, quality_first_load_seconds_per_feature=0.0)
    heavy = reliability.simulate_market(
        runs=50, seed=3, quality_first_load_seconds_per_feature=0.02
    )
    assert heavy.final_quality_share < base.final_quality_share < free.final_quality_share
    same = reliability.simulate_market(
        runs=50, seed=3, quality_first_load_seconds_per_feature=0.015
    )
    # with the same load per feature and the same features, only quality separates them
    assert same.final_quality_share < base.final_quality_share


def test_the_break_even_value_ends_the_two_products_level():
    value = reliability.market_break_even("head_start", 0.0, 0.05, runs=50, seed=2, steps=20)
    share = reliability.simulate_market(runs=50, seed=2, head_start=value).final_quality_share
    assert share == pytest.approx(0.5, abs=1e-3)
    # just below it quality-first wins, just above it loses
    below = reliability.simulate_market(runs=50, seed=2, head_start=0.9 * value)
    above = reliability.simulate_market(runs=50, seed=2, head_start=1.1 * value)
    assert below.final_quality_share > 0.5 > above.final_quality_share


def test_the_break_even_refuses_an_interval_without_a_change_of_winner():
    with pytest.raises(ValueError, match="low and high"):
        reliability.market_break_even("head_start", 0.1, 0.2, runs=20, seed=2)
    with pytest.raises(ValueError, match="parameter"):
        reliability.market_break_even("no such thing", 0.0, 1.0)
