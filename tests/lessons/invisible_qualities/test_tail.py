"""The tail at scale against Dean & Barroso's published figures."""

import math

import numpy as np
import pytest

from infralab import reliability


def test_the_formula_gives_the_published_63_percent_and_one_in_five():
    assert reliability.fanout_slow_probability(0.01, 100) == pytest.approx(1 - 0.99**100)
    assert round(reliability.fanout_slow_probability(0.01, 100), 2) == 0.63
    assert reliability.fanout_slow_probability(1e-4, 2000) == pytest.approx(0.1813, abs=1e-4)
    assert reliability.fanout_slow_probability(0.0, 100) == 0.0
    assert reliability.fanout_slow_probability(1.0, 3) == 1.0


def test_simulated_fanout_reproduces_63_percent():
    sim = reliability.simulate_fanout(100, 20_000, seed=5)
    slow = sim.slow_share(reliability.leaf_latency_quantile(0.99))
    standard_error = math.sqrt(0.634 * 0.366 / 20_000)
    assert abs(slow - 0.634) < 4 * standard_error
    # the leaves themselves are slow 1% of the time
    leaf_slow = float(np.mean(sim.leaf_ms > reliability.leaf_latency_quantile(0.99)))
    assert leaf_slow == pytest.approx(0.01, abs=0.003)


def test_simulated_fanout_reproduces_about_one_in_five():
    sim = reliability.simulate_fanout(2_000, 5_000, seed=6)
    slow = sim.slow_share(reliability.leaf_latency_quantile(0.9999))
    assert abs(slow - 0.1813) < 4 * math.sqrt(0.18 * 0.82 / 5_000)


def test_the_fanout_p99_is_the_leaf_quantile_at_0_99_to_the_one_over_n():
    sim = reliability.simulate_fanout(100, 20_000, seed=8)
    expected = reliability.leaf_latency_quantile(0.99 ** (1 / 100))
    assert sim.quantile(0.99) == pytest.approx(expected, rel=0.08)


def test_hedging_after_the_p95_costs_about_5_percent_and_cuts_the_tail():
    delay = reliability.leaf_latency_quantile(0.95)
    plain = reliability.simulate_fanout(100, 10_000, seed=9)
    hedged = reliability.simulate_fanout(100, 10_000, hedge_after_ms=delay, seed=9)
    assert hedged.extra_load == pytest.approx(0.05, abs=0.002)
    assert hedged.quantile(0.99) < plain.quantile(0.99) / 2
    assert plain.extra_load == 0.0


def test_the_leaf_distribution_has_the_median_and_p99_it_is_given():
    assert reliability.leaf_latency_quantile(0.5, 2.0, 30.0) == pytest.approx(2.0)
    assert reliability.leaf_latency_quantile(0.99, 2.0, 30.0) == pytest.approx(30.0)


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan])
def test_probabilities_outside_0_1_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="leaf_slow_probability"):
        reliability.fanout_slow_probability(bad, 10)


def test_bad_shapes_and_sizes_are_refused_by_name():
    with pytest.raises(ValueError, match="p99_ms"):
        reliability.leaf_latency_quantile(0.5, 10.0, 5.0)
    with pytest.raises(ValueError, match="n_requests"):
        reliability.simulate_fanout(10_000, 10_000)
    with pytest.raises(ValueError, match="hedge_after_ms"):
        reliability.simulate_fanout(10, 10, hedge_after_ms=-1.0)
