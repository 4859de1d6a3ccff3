"""The market figure's 80% band holds about 80% of fresh runs from the same model.

The band is the spread of outcomes the model's own randomness (outages, breaches)
produces, not an estimate fitted to data; so the check is that a band computed from
one set of runs holds the final share of fresh, independent runs about 80% of the time.
It says nothing about whether the model's assumptions are right: the sensitivity
figure is the lesson's answer to that.
"""

import math

import numpy as np

from infralab import reliability


def test_the_80_percent_band_holds_about_80_percent_of_fresh_runs():
    band = reliability.simulate_market(runs=400, seed=100)
    low, high = band.share_band(0.8)
    fresh = reliability.simulate_market(runs=1_000, seed=200).quality_share
    inside = (fresh >= low) & (fresh <= high)
    coverage = inside[:, 2:].mean(axis=0)  # months 0 and 1 are the same in every run
    assert np.all(np.abs(coverage - 0.8) < 0.06), coverage
    assert abs(coverage[-1] - 0.8) < 0.04


def test_the_two_standard_error_interval_of_the_fanout_share_holds_the_formula_about_95_percent():
    # The lesson prints the simulated share of slow fan-out requests with +- 2 standard
    # errors of a binomial share; over many seeds that interval should hold the formula's
    # 63.4% about 95% of the time (leaf calls are independent, so the binomial error is right).
    formula = 1 - 0.99**100
    requests = 1_000
    error = math.sqrt(formula * (1 - formula) / requests)
    threshold = reliability.leaf_latency_quantile(0.99)
    held = [
        abs(reliability.simulate_fanout(100, requests, seed=seed).slow_share(threshold) - formula)
        < 2 * error
        for seed in range(200)
    ]
    assert 0.90 <= np.mean(held) <= 0.99
