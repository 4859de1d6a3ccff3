"""Tests for infralab.growth.projection: closed forms, coverage and the block bootstrap."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.growth.fitting import days_until_limit, fit_growth
from infralab.growth.projection import project_to_limit

from .helpers import DAYS, SERIES, VALUES, bad, exponential_series, regime_change_series


def test_projection_of_exact_series_collapses_to_closed_form():
    days, values = exponential_series(start=100.0, rate=0.01, n_days=120)
    projection = project_to_limit(days, values, 1000.0, n_simulations=300)
    expected = math.log(10.0) / 0.01 - 119  # ~111.3 days after day 119
    np.testing.assert_allclose(projection.crossing_days, expected, rtol=1e-8)
    assert projection.crossing_median == pytest.approx(expected)
    assert projection.as_of_day == 119.0
    np.testing.assert_array_equal(projection.days, np.arange(120.0, 120.0 + 1095))
    np.testing.assert_allclose(projection.median, 100.0 * np.exp(0.01 * projection.days))
    np.testing.assert_allclose(projection.low, projection.high)
    assert projection.probability_within(expected + 1) == 1.0
    assert projection.probability_within(expected - 1) == 0.0
    # With no noise, the first whole day on or past the crossing is when values touch the limit.
    np.testing.assert_array_equal(projection.first_touch_days, math.ceil(expected))
    assert projection.first_touch_low == math.ceil(expected)


def test_fast_growth_projects_without_overflow_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        projection = project_to_limit([0, 1, 2], [1, 2, 4], 10)
    # Doubling daily from 4: the limit 10 is log2(10 / 4) days away.
    assert projection.crossing_median == pytest.approx(math.log2(2.5))
    assert projection.high[-1] == math.inf  # 4 * 2 ** 1095 is beyond the largest float
    assert projection.first_touch_low == 2.0


def test_block_days_one_gives_the_classic_standard_error():
    # Independent noise: the trend at day t has standard error
    # s * sqrt(1/n + (t - mean day)^2 / Sxx), so the crossing day t* has
    # s * sqrt(1/n + (t* - mean day)^2 / Sxx) / slope, and the 80% band is +-1.2816 of it.
    days = np.arange(365.0)
    values = 10.0 + 3.0 * days + np.random.default_rng(4).normal(0, 20.0, days.size)
    projection = project_to_limit(
        days, values, 1402.0, model="linear", block_days=1, n_simulations=4000, rng=5
    )
    fit = projection.fit
    crossing_day = (1402.0 - fit.intercept) / fit.slope
    centred = days - days.mean()
    standard_error = (
        fit.residual_sd
        * math.sqrt(1 / days.size + (crossing_day - days.mean()) ** 2 / (centred @ centred))
        / fit.slope
    )
    width = projection.crossing_high - projection.crossing_low
    assert width == pytest.approx(2 * 1.2816 * standard_error, rel=0.05)


def autocorrelated_noise(phi, sd, shape, seed):
    """AR(1) noise: lag-1 correlation ``phi``, standard deviation ``sd``, one row per series."""
    rng = np.random.default_rng(seed)
    shocks = rng.normal(0.0, sd * math.sqrt(1 - phi**2), shape)
    shocks[:, 0] = rng.normal(0.0, sd, shape[0])  # start each series in its steady state
    from scipy.signal import lfilter  # here, not at the top: scipy.signal takes a second to import

    return lfilter([1.0], [1.0, -phi], shocks, axis=1)


def crossing_coverage(noise, block_days, *, rate=0.005, days_ahead=180.0):
    """Share of series whose 80% crossing band holds the true trend's crossing."""
    days = np.arange(float(noise.shape[1]))
    limit = 100.0 * math.exp(rate * (days[-1] + days_ahead))
    covered = [
        (projection.crossing_low <= days_ahead <= projection.crossing_high)
        for projection in (
            project_to_limit(
                days,
                100.0 * np.exp(rate * days + row),
                limit,
                horizon_days=540,
                n_simulations=200,
                block_days=block_days,
                rng=seed,
            )
            for seed, row in enumerate(noise)
        )
    ]
    return float(np.mean(covered))


def test_block_bootstrap_band_covers_the_trend_crossing_under_autocorrelated_noise():
    # A year of daily data, 200 series each; the true trend crosses 180 days after the last day.
    # Over noise seeds 100-104 (not asserted here) the coverages ranged: independent noise,
    # single days 0.765-0.815 and 14-day blocks 0.735-0.78 (blocks also carry the slight
    # negative autocorrelation of least-squares residuals, so they run a little narrow);
    # AR(1) noise with phi = 0.9, single days 0.22-0.325 and 14-day blocks 0.585-0.645.
    independent = np.random.default_rng(7).normal(0.0, 0.03, (200, 365))
    assert crossing_coverage(independent, block_days=1) == pytest.approx(0.8, abs=0.06)
    assert crossing_coverage(independent, block_days=None) == pytest.approx(0.8, abs=0.08)
    # With persistent noise, resampling single days treats ~19 nearly repeated days as 19
    # independent ones, and the band covers about one time in five. 14-day blocks keep
    # sum_{|k|<14} (1 - |k|/14) 0.9^|k| = 9.1 of the long-run variance factor
    # (1 + phi) / (1 - phi) = 19, so at best 2 Phi(1.2816 sqrt(9.1 / 19)) - 1 = 0.62.
    persistent = autocorrelated_noise(0.9, 0.03, (200, 365), seed=8)
    single_days = crossing_coverage(persistent, block_days=1)  # measured 0.165
    blocks = crossing_coverage(persistent, block_days=14)  # measured 0.67
    assert single_days < 0.35
    assert blocks > 0.5
    assert blocks - single_days > 0.25


def test_first_touch_keeps_the_weekly_cycle():
    # A flat series with a weekly cycle peaking once a week (day 3, 10, ...): the limit sits
    # between the peak (+0.1 on the log scale) and the next-highest day (+0.062).
    days = np.arange(70.0)
    values = 100.0 * np.exp(0.1 * np.cos(2 * np.pi * (days - 3) / 7))
    limit = 100.0 * math.exp(0.08)
    blocks = project_to_limit(
        days, values, limit, horizon_days=60, n_simulations=4000, block_days=14, rng=3
    )
    # Every 14-day block holds two whole weeks, so each path peaks within its first 7 days,
    # uniformly on days 1..7 (mean 4).
    assert blocks.first_touch_days.max() == 7.0
    assert blocks.first_touch_days.mean() == pytest.approx(4.0, abs=0.1)
    # Single days drawn independently hit the peak with probability 1/7 a day: the first touch
    # comes after day 7 with probability (6/7)^7 = 0.34.
    single_days = project_to_limit(
        days, values, limit, horizon_days=60, n_simulations=4000, block_days=1, rng=3
    )
    assert np.mean(single_days.first_touch_days > 7) == pytest.approx((6 / 7) ** 7, abs=0.03)
    # The flat trend itself never crosses: daily peaks touch the limit long before the trend.
    assert blocks.crossing_median == math.inf
    assert blocks.first_touch_low <= 7.0


def test_piecewise_projection_without_a_break_uses_all_the_data():
    days, values = exponential_series(rate=0.01, n_days=200, noise_sd=0.01, seed=2)
    projection = project_to_limit(days, values, 1e4, model="piecewise", n_simulations=200)
    assert projection.fit.breakpoint_day is None
    assert projection.fit.n_points == 200
    assert projection.fit.slope == pytest.approx(fit_growth(days, values).slope)


def test_projection_median_of_noisy_series_is_near_closed_form_and_band_contains_it():
    days, values = exponential_series(start=100.0, rate=0.005, n_days=365, noise_sd=0.02, seed=3)
    projection = project_to_limit(days, values, 2000.0, rng=1)
    expected = math.log(20.0) / 0.005 - 364  # ~235 days
    assert projection.crossing_median == pytest.approx(expected, rel=0.05)
    assert projection.crossing_low <= expected <= projection.crossing_high
    assert projection.crossing_low < projection.crossing_median < projection.crossing_high
    assert np.all(projection.low <= projection.median)
    assert np.all(projection.median <= projection.high)


def test_band_widens_with_noise():
    widths, value_widths = [], []
    for noise_sd in (0.01, 0.05):
        days, values = exponential_series(rate=0.004, n_days=90, noise_sd=noise_sd, seed=5)
        projection = project_to_limit(days, values, 1000.0, rng=2)
        widths.append(projection.crossing_high - projection.crossing_low)
        value_widths.append(projection.high[30] / projection.low[30])
    assert widths[1] > 2 * widths[0]
    assert value_widths[1] > value_widths[0]


def test_projection_beyond_horizon_is_infinite():
    days, values = exponential_series(rate=0.001, n_days=60)
    projection = project_to_limit(days, values, 1e6, horizon_days=365, n_simulations=100)
    assert projection.crossing_median == math.inf
    assert projection.probability_within(365) == 0.0


def test_projection_window_uses_only_recent_growth():
    days, values = regime_change_series(noise_sd=0.0)
    projection = project_to_limit(days, values, 1e6, window_days=90, n_simulations=100)
    assert projection.fit.slope == pytest.approx(0.01)
    assert projection.fit.n_points == 90


def test_piecewise_projection_uses_current_regime():
    days, values = regime_change_series(noise_sd=0.005)
    limit = 1e6
    projection = project_to_limit(days, values, limit, model="piecewise", n_simulations=500)
    fit = fit_growth(days, values, "piecewise")
    assert projection.fit.breakpoint_day == fit.breakpoint_day
    expected = days_until_limit(fit, limit, from_day=399)
    assert projection.crossing_median == pytest.approx(expected, rel=0.02)
    # A single exponential over all 400 days would be far too slow.
    everything = project_to_limit(days, values, limit, n_simulations=100)
    assert everything.crossing_median > 1.5 * projection.crossing_median


def test_linear_projection_matches_closed_form():
    days = np.arange(100.0)
    values = 10.0 + 3.0 * days + np.random.default_rng(4).normal(0, 2.0, 100)
    projection = project_to_limit(days, values, 1000.0, model="linear", rng=0)
    expected = (1000.0 - 10.0) / 3.0 - 99
    assert projection.crossing_median == pytest.approx(expected, rel=0.02)
    assert projection.crossing_low <= expected <= projection.crossing_high


def test_projection_is_repeatable_for_a_seed():
    days, values = exponential_series(noise_sd=0.03, seed=8)
    first = project_to_limit(days, values, 5000.0, n_simulations=200, rng=11)
    second = project_to_limit(days, values, 5000.0, n_simulations=200, rng=11)
    np.testing.assert_array_equal(first.crossing_days, second.crossing_days)
    np.testing.assert_array_equal(first.high, second.high)
    with pytest.raises(ValueError):
        first.crossing_days[0] = 1.0  # results are read-only


# ---------------------------------------------------------------------------
# Bad arguments name themselves
# ---------------------------------------------------------------------------

BAD_CALLS = [
    bad(project_to_limit, ValueError, "limit", **SERIES, limit=0),
    bad(project_to_limit, ValueError, "band", **SERIES, limit=5, band=1.0),
    bad(project_to_limit, ValueError, "band", **SERIES, limit=5, band=0),
    bad(project_to_limit, ValueError, "n_simulations", **SERIES, limit=5, n_simulations=0),
    bad(project_to_limit, ValueError, "horizon_days", **SERIES, limit=5, horizon_days=0),
    bad(project_to_limit, ValueError, "horizon_days", **SERIES, limit=5, horizon_days=2.5),
    bad(project_to_limit, ValueError, "window_days", **SERIES, limit=5, window_days=2),
    bad(project_to_limit, ValueError, "window_days", **SERIES, limit=5, window_days=-1),
    bad(project_to_limit, ValueError, "rng", **SERIES, limit=5, rng=-1),
    bad(project_to_limit, TypeError, "rng", **SERIES, limit=5, rng="seed"),
    bad(project_to_limit, ValueError, "days", days=DAYS[:2], values=VALUES[:2], limit=5),
    bad(project_to_limit, ValueError, "model", **SERIES, limit=5, model="cubic"),
    bad(project_to_limit, ValueError, "min_regime_days", **SERIES, limit=5, min_regime_days=2),
    bad(project_to_limit, ValueError, "block_days", **SERIES, limit=5, block_days=0),
    bad(project_to_limit, ValueError, "block_days", **SERIES, limit=5, block_days=11),
    bad(project_to_limit, ValueError, "block_days", **SERIES, limit=5, window_days=5, block_days=6),
    bad(project_to_limit, TypeError, "block_days", **SERIES, limit=5, block_days="week"),
    bad(project_to_limit, ValueError, "horizon_days", **SERIES, limit=5, horizon_days=36_501),
    bad(
        project_to_limit,
        ValueError,
        "n_simulations",
        **SERIES,
        limit=5,
        horizon_days=36_500,
        n_simulations=1_370,
    ),
]


@pytest.mark.parametrize(("function", "arguments", "error", "name"), BAD_CALLS)
def test_bad_arguments_raise_and_name_the_argument(function, arguments, error, name):
    with pytest.raises(error, match=rf"\b{re.escape(name)}\b"):
        function(**arguments)


def test_bad_method_arguments_name_themselves():
    projection = project_to_limit(DAYS, VALUES, 5.0, n_simulations=10)
    with pytest.raises(ValueError, match=r"\bdays\b"):
        projection.probability_within(-1)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    rate=st.floats(-0.01, 0.03),
    noise_sd=st.floats(0, 0.2),
    limit_ratio=st.floats(0.5, 100),
    seed=st.integers(0, 2**16),
)
def test_crossing_days_are_non_negative_and_ordered(rate, noise_sd, limit_ratio, seed):
    days, values = exponential_series(rate=rate, n_days=60, noise_sd=noise_sd, seed=seed)
    projection = project_to_limit(
        days, values, values[-1] * limit_ratio, horizon_days=365, n_simulations=200, rng=seed
    )
    assert np.all(projection.crossing_days >= 0)
    finite = projection.crossing_days[np.isfinite(projection.crossing_days)]
    assert np.all(finite <= 365)
    assert projection.crossing_low <= projection.crossing_median <= projection.crossing_high
