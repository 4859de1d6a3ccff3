"""Tests for infralab.growth: each against a closed form or a hand-computed answer."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import lfilter

from infralab.growth import (
    DAYS_PER_MONTH,
    GrowthFit,
    days_until_limit,
    doomsday_table,
    find_regime_change,
    fit_growth,
    fraction_moved,
    measure_bytes_per_row,
    monthly_growth_pct,
    project_to_limit,
    rebalance_shards,
    simulate_sharding,
    stable_hash,
    start_by_date,
    zipf_sizes,
)

DIVISORS_OF_480 = [h for h in range(1, 481) if 480 % h == 0]


def exponential_series(start=100.0, rate=0.01, n_days=120, noise_sd=0.0, seed=0):
    days = np.arange(float(n_days))
    noise = np.random.default_rng(seed).normal(0.0, noise_sd, n_days) if noise_sd else 0.0
    return days, start * np.exp(rate * days + noise)


def regime_change_series(seed=0, noise_sd=0.01):
    """Slow growth (0.2%/day) until day 250, then fast growth (1%/day), continuous."""
    days = np.arange(400.0)
    log_values = np.log(1000.0) + np.where(
        days < 250, 0.002 * days, 0.002 * 250 + 0.01 * (days - 250)
    )
    log_values += np.random.default_rng(seed).normal(0.0, noise_sd, days.size)
    return days, np.exp(log_values)


# ---------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------


def test_exact_exponential_fit_recovers_rate_and_closed_form_runway():
    days, values = exponential_series(start=250.0, rate=0.012, n_days=90)
    fit = fit_growth(days, values)
    assert fit.model == "exponential"
    assert fit.slope == pytest.approx(0.012, abs=1e-12)
    assert fit.intercept == pytest.approx(math.log(250.0), abs=1e-10)
    assert fit.residual_sd == pytest.approx(0.0, abs=1e-10)
    assert fit.n_points == 90
    assert fit.daily_growth_rate == pytest.approx(math.expm1(0.012))
    assert fit.doubling_days == pytest.approx(math.log(2) / 0.012)
    # From day 89 the value is 250 e^(0.012*89); reaching 10,000 takes ln(L / y) / r days.
    expected = math.log(10_000 / (250.0 * math.exp(0.012 * 89))) / 0.012
    assert days_until_limit(fit, 10_000, from_day=89) == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(fit.predict(days), values, rtol=1e-10)


def test_exact_linear_fit_is_exact():
    days = np.arange(30.0)
    values = 40.0 + 2.5 * days
    fit = fit_growth(days, values, "linear")
    assert (fit.intercept, fit.slope) == (pytest.approx(40.0), pytest.approx(2.5))
    assert fit.residual_sd == pytest.approx(0.0, abs=1e-12)
    # Limit 200 is reached on day (200 - 40) / 2.5 = 64, i.e. 35 days after day 29.
    assert days_until_limit(fit, 200.0, from_day=29) == pytest.approx(35.0)
    # Last fitted value 40 + 2.5 * 29 = 112.5: grows 2.5 / 112.5 a day, doubles in 45 days.
    assert fit.daily_growth_rate == pytest.approx(2.5 / 112.5)
    assert fit.doubling_days == pytest.approx(45.0)
    assert fit.predict(100.0) == pytest.approx(290.0)


def test_residual_sd_matches_hand_computation():
    # Points (0,0),(1,1),(2,0),(3,1): slope = Sxy / Sxx = 1 / 5, intercept = 0.5 - 0.2 * 1.5.
    # Residuals -0.2, 0.6, -0.6, 0.2; SSE = 0.8; sd = sqrt(0.8 / (4 - 2)).
    fit = fit_growth([0, 1, 2, 3], [0, 1, 0, 1], "linear")
    assert fit.slope == pytest.approx(0.2)
    assert fit.intercept == pytest.approx(0.2)
    assert fit.residual_sd == pytest.approx(math.sqrt(0.4))


def test_constant_series_never_reaches_its_limit():
    days = np.arange(60.0)
    values = np.full(60, 500.0)
    for model in ("linear", "exponential"):
        fit = fit_growth(days, values, model)
        assert fit.slope == pytest.approx(0.0, abs=1e-12)
        assert fit.doubling_days == math.inf
        assert days_until_limit(fit, 1000.0, from_day=59) == math.inf


def test_shrinking_series_never_reaches_its_limit_but_is_already_past_a_lower_one():
    days, values = exponential_series(rate=-0.01, n_days=50)
    fit = fit_growth(days, values)
    assert days_until_limit(fit, 200.0, from_day=49) == math.inf
    assert days_until_limit(fit, 10.0, from_day=49) == 0.0
    assert fit.daily_growth_rate == pytest.approx(math.expm1(-0.01))


def test_piecewise_finds_known_breakpoint_and_current_rate():
    days, values = regime_change_series()
    fit = fit_growth(days, values, "piecewise")
    assert fit.model == "piecewise"
    assert abs(fit.breakpoint_day - 250) <= 5
    assert fit.slope == pytest.approx(0.01, abs=5e-4)
    assert fit.rate_before == pytest.approx(0.002, abs=2e-4)
    assert fit.n_points == 400 - fit.breakpoint_day
    assert find_regime_change(days, values) == fit.breakpoint_day


def test_piecewise_step_change_is_found_exactly():
    # A jump in level and rate on day 150 with no noise: the best split is exact.
    days = np.arange(300.0)
    log_values = np.where(days < 150, 5.0 + 0.001 * days, 6.0 + 0.02 * days)
    fit = fit_growth(days, np.exp(log_values), "piecewise", min_regime_days=10)
    assert fit.breakpoint_day == 150.0
    assert fit.slope == pytest.approx(0.02)
    assert fit.intercept == pytest.approx(6.0)
    assert fit.rate_before == pytest.approx(0.001)
    # predict follows each regime on its own side of the break.
    np.testing.assert_allclose(fit.predict(days), np.exp(log_values), rtol=1e-9)


def test_piecewise_with_given_breakpoint_fits_each_side():
    days = np.arange(100.0)
    log_values = np.where(days < 60, 1.0 + 0.003 * days, 0.5 + 0.03 * days)
    fit = fit_growth(days, np.exp(log_values), "piecewise", breakpoint_day=60)
    assert fit.breakpoint_day == 60.0
    assert fit.n_points == 40
    assert fit.slope == pytest.approx(0.03)
    assert fit.rate_before == pytest.approx(0.003)


def test_piecewise_search_keeps_no_break_in_an_exact_exponential():
    days, values = exponential_series(start=50.0, rate=0.02, n_days=200)
    fit = fit_growth(days, values, "piecewise")
    assert fit.model == "piecewise"
    assert (fit.breakpoint_day, fit.rate_before, fit.intercept_before) == (None, None, None)
    assert fit.slope == pytest.approx(0.02)
    assert fit.intercept == pytest.approx(math.log(50.0))
    assert fit.n_points == 200
    assert math.isnan(find_regime_change(days, values))
    np.testing.assert_allclose(fit.predict(days), values, rtol=1e-9)


NO_BREAK_SEEDS = range(20)


def test_piecewise_search_finds_no_break_in_noisy_exponentials():
    # With no change to find, n ln(SSE_single / SSE_split) must rarely exceed 3 ln n = 15.9.
    breaks = [
        fit_growth(
            *exponential_series(rate=rate, n_days=200, noise_sd=0.02, seed=seed), "piecewise"
        ).breakpoint_day
        for seed in NO_BREAK_SEEDS
        for rate in (0.0, 0.01)
    ]
    assert sum(found is not None for found in breaks) <= 1


def test_piecewise_search_still_finds_clear_breaks():
    found = [
        fit_growth(*regime_change_series(seed=seed), "piecewise").breakpoint_day
        for seed in range(10)
    ]
    assert all(abs(day - 250) <= 5 for day in found)


def test_piecewise_ties_go_to_the_earliest_split():
    # A V on the log scale: splitting at day 100 or at day 101 both fit exactly.
    days = np.arange(200.0)
    for slope in (0.003, 0.01, 0.037):
        values = np.exp(1.0 + slope * np.abs(days - 100.0))
        assert fit_growth(days, values, "piecewise", min_regime_days=10).breakpoint_day == 100.0


def test_growth_fit_accepts_numpy_numbers_and_stores_floats():
    fit = GrowthFit("exponential", np.float64(1.0), np.float32(0.5), np.float64(0.0), np.int64(3))
    assert type(fit.intercept) is float and type(fit.n_points) is int
    assert fit.slope == 0.5


def test_days_until_limit_for_a_hand_built_fit():
    fit = GrowthFit(
        "exponential",
        intercept=math.log(100.0),
        slope=math.log(2) / 30,
        residual_sd=0.0,
        n_points=2,
    )
    # 100 doubles every 30 days: 800 is three doublings away from day 0.
    assert days_until_limit(fit, 800.0, from_day=0.0) == pytest.approx(90.0)
    assert days_until_limit(fit, 800.0, from_day=60.0) == pytest.approx(30.0)
    assert days_until_limit(fit, 800.0, from_day=120.0) == 0.0


def test_monthly_growth_pct_compounds_daily_growth():
    assert monthly_growth_pct(0.01) == pytest.approx((1.01**DAYS_PER_MONTH - 1) * 100)
    assert monthly_growth_pct(0.0) == 0.0
    # Halving every day: 0.5 ** 30.44 of the value is left after a month.
    assert monthly_growth_pct(-0.5) == pytest.approx((0.5**DAYS_PER_MONTH - 1) * 100)
    # Too large for a float: inf, not OverflowError.
    assert monthly_growth_pct(1e12) == math.inf
    assert monthly_growth_pct(math.inf) == math.inf


@pytest.mark.parametrize("rate", [-1.0, -1.5, -math.inf])
def test_monthly_growth_pct_rejects_rates_at_or_below_minus_one(rate):
    with pytest.raises(ValueError, match=r"daily_growth_rate must be > -1"):
        monthly_growth_pct(rate)


def test_fit_monthly_growth_compounds_exponential_but_not_linear_growth():
    # Linear: 2.5 a day on a last fitted value of 112.5 is 2.5 * 30.44 / 112.5 of it a month.
    linear = fit_growth(np.arange(30.0), 40.0 + 2.5 * np.arange(30.0), "linear")
    assert linear.monthly_growth_pct == pytest.approx(2.5 * DAYS_PER_MONTH / 112.5 * 100)
    exponential = GrowthFit("exponential", 0.0, math.log(1.01), residual_sd=0.0, n_points=2)
    assert exponential.monthly_growth_pct == pytest.approx((1.01**DAYS_PER_MONTH - 1) * 100)
    assert GrowthFit("exponential", 0.0, 30.0, 0.0, 2).monthly_growth_pct == math.inf
    # A linear fit whose last value is not positive has no percentage growth.
    falling = GrowthFit("linear", -5.0, -1.0, residual_sd=0.0, n_points=2)
    assert falling.monthly_growth_pct == -math.inf
    assert GrowthFit("linear", -5.0, 0.0, residual_sd=0.0, n_points=2).monthly_growth_pct == 0.0


# ---------------------------------------------------------------------------
# Projection
# ---------------------------------------------------------------------------


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
# Dates
# ---------------------------------------------------------------------------


def metrics_frame():
    dates = pd.date_range("2020-01-01", periods=120, freq="D")
    day = np.arange(120.0)
    return pd.DataFrame(
        {
            "date": dates,
            "storage_gb": 100.0 * 1.01**day,
            "cpu_pct": 5.0 * 1.02**day,
            "connections": np.full(120, 300.0),
        }
    )


def test_doomsday_table_hand_computed():
    limits = {"storage_gb": 1000.0, "connections": 600.0, "cpu_pct": 100.0}
    table = doomsday_table(metrics_frame(), limits, n_simulations=200)
    assert list(table.columns) == [
        "resource",
        "current",
        "limit",
        "percent_of_limit",
        "monthly_growth_pct",
        "doomsday",
        "earliest",
        "latest",
        "days_left",
    ]
    assert list(table["resource"]) == ["cpu_pct", "storage_gb", "connections"]
    storage = table.set_index("resource").loc["storage_gb"]
    # 100 * 1.01**t reaches 1000 at t = ln 10 / ln 1.01 = 231.4, i.e. 112.4 days after
    # day 119 (2020-04-29): on 2020-08-19.
    assert storage["days_left"] == pytest.approx(math.log(10) / math.log(1.01) - 119)
    assert storage["doomsday"] == pd.Timestamp("2020-08-19")
    assert storage["earliest"] == storage["latest"] == pd.Timestamp("2020-08-19")
    assert storage["current"] == pytest.approx(100.0 * 1.01**119)
    assert storage["percent_of_limit"] == pytest.approx(1.01**119 * 10)
    assert storage["monthly_growth_pct"] == pytest.approx((1.01**30.44 - 1) * 100)
    connections = table.set_index("resource").loc["connections"]
    assert pd.isna(connections["doomsday"]) and pd.isna(connections["latest"])
    assert connections["days_left"] == math.inf
    assert connections["monthly_growth_pct"] == pytest.approx(0.0, abs=1e-9)


def test_doomsday_table_as_of_uses_only_earlier_rows():
    table = doomsday_table(
        metrics_frame(), {"storage_gb": 1000.0}, as_of="2020-03-31", n_simulations=100
    )
    row = table.iloc[0]
    # 2020-03-31 is day 90.
    assert row["current"] == pytest.approx(100.0 * 1.01**90)
    assert row["days_left"] == pytest.approx(math.log(10) / math.log(1.01) - 90)
    assert row["doomsday"] == pd.Timestamp("2020-08-19")


def test_doomsday_table_skips_missing_values_and_unsorted_rows():
    frame = metrics_frame()
    frame.loc[[10, 50, 119], "storage_gb"] = np.nan
    frame = frame.iloc[::-1]
    row = doomsday_table(frame, {"storage_gb": 1000.0}, n_simulations=100).iloc[0]
    assert row["current"] == pytest.approx(100.0 * 1.01**118)
    # Projected from its last value (day 118), counted from the table's date (day 119).
    assert row["days_left"] == pytest.approx(math.log(10) / math.log(1.01) - 119)
    assert row["doomsday"] == pd.Timestamp("2020-08-19")


def test_doomsday_table_sorts_by_date_when_a_resource_stopped_reporting():
    # cpu_pct stops reporting after day 59 and crosses its limit on day 200.5; storage_gb is
    # observed to day 119 and crosses on day 231.4. Counted from each one's own last day
    # cpu_pct has 141.5 days left and storage_gb 112.4, but cpu_pct's doomsday comes first.
    frame = metrics_frame()
    frame.loc[60:, "cpu_pct"] = np.nan
    limits = {"storage_gb": 1000.0, "cpu_pct": 5.0 * 1.02**200.5}
    table = doomsday_table(frame, limits, n_simulations=100).set_index("resource")
    assert list(table.index) == ["cpu_pct", "storage_gb"]
    assert table.loc["cpu_pct", "doomsday"] == pd.Timestamp("2020-07-19")  # day 200
    assert table.loc["cpu_pct", "days_left"] == pytest.approx(200.5 - 119)
    assert table.loc["storage_gb", "days_left"] == pytest.approx(
        math.log(10) / math.log(1.01) - 119
    )


def test_doomsday_table_counts_days_left_from_as_of_and_never_below_zero():
    # cpu_pct stops at day 59 and its trend crosses 5 * 1.02 ** 80.5 on day 80.5, before day 119.
    frame = metrics_frame()
    frame.loc[60:, "cpu_pct"] = np.nan
    row = doomsday_table(frame, {"cpu_pct": 5.0 * 1.02**80.5}, n_simulations=50).iloc[0]
    assert row["doomsday"] == pd.Timestamp("2020-03-21")  # day 80
    assert row["days_left"] == 0.0


def noisy_metrics_frame():
    frame = metrics_frame()
    rng = np.random.default_rng(12)
    for column in ("storage_gb", "cpu_pct", "connections"):
        frame[column] *= np.exp(rng.normal(0.0, 0.05, len(frame)))
    return frame


def test_each_resource_row_is_the_same_alone_or_with_others():
    frame = noisy_metrics_frame()
    limits = {"storage_gb": 1000.0, "connections": 600.0, "cpu_pct": 100.0}
    together = doomsday_table(frame, limits, n_simulations=300, rng=9).set_index("resource")
    reordered = dict(reversed(list(limits.items())))
    shuffled = doomsday_table(frame, reordered, n_simulations=300, rng=9).set_index("resource")
    for resource, limit in limits.items():
        alone = doomsday_table(frame, {resource: limit}, n_simulations=300, rng=9)
        pd.testing.assert_series_equal(
            alone.set_index("resource").loc[resource], together.loc[resource]
        )
        pd.testing.assert_series_equal(shuffled.loc[resource], together.loc[resource])
    # A generator works the same way, and a different seed gives different draws.
    alone = doomsday_table(
        frame, {"cpu_pct": 100.0}, n_simulations=300, rng=np.random.default_rng(4)
    ).set_index("resource")
    with_others = doomsday_table(frame, limits, n_simulations=300, rng=np.random.default_rng(4))
    pd.testing.assert_frame_equal(alone, with_others.set_index("resource").loc[["cpu_pct"]])
    other_seed = doomsday_table(frame, {"cpu_pct": 100.0}, n_simulations=300, rng=10).iloc[0]
    assert other_seed["days_left"] != together.loc["cpu_pct", "days_left"]


def test_doomsday_table_quotes_linear_growth_without_compounding():
    frame = pd.DataFrame(
        {"date": pd.date_range("2020-01-01", periods=30), "rows": 40.0 + 2.5 * np.arange(30)}
    )
    row = doomsday_table(frame, {"rows": 200.0}, model="linear", n_simulations=50).iloc[0]
    assert row["monthly_growth_pct"] == pytest.approx(2.5 * DAYS_PER_MONTH / 112.5 * 100)
    assert row["days_left"] == pytest.approx(35.0)


def test_start_by_date_by_hand():
    # 2021-06-30 minus 330 days: 181 days back to 2020-12-31, then 149 more to 2020-08-04.
    assert start_by_date("2021-06-30", 270, 60) == pd.Timestamp("2020-08-04")
    assert start_by_date(pd.Timestamp("2021-06-30"), 270) == pd.Timestamp("2020-10-03")
    assert start_by_date("2021-06-30", 0) == pd.Timestamp("2021-06-30")
    assert start_by_date(pd.NaT, 270, 60) is pd.NaT
    assert start_by_date(np.datetime64("NaT"), 270) is pd.NaT


# ---------------------------------------------------------------------------
# SQLite bytes per row
# ---------------------------------------------------------------------------


def test_measure_bytes_per_row_is_a_repeatable_real_measurement():
    first = measure_bytes_per_row(5_000, payload_bytes=200)
    assert first == measure_bytes_per_row(5_000, payload_bytes=200)
    assert first > 200  # the payload alone is 200 bytes
    larger = measure_bytes_per_row(5_000, payload_bytes=400)
    assert 180 < larger - first < 240  # roughly +payload, plus page slack
    without_index = measure_bytes_per_row(5_000, payload_bytes=200, with_index=False)
    assert 0 < first - without_index < 40


# ---------------------------------------------------------------------------
# Sharding
# ---------------------------------------------------------------------------


def test_stable_hash_is_splitmix64():
    # The first SplitMix64 output for seed 0 is 0xE220A8397B1DCDAF (Steele et al. 2014).
    assert int(stable_hash([0])[0]) == 0xE220A8397B1DCDAF
    assert stable_hash(np.array([1, 2, 3])).dtype == np.uint64


def test_zipf_sizes_follow_rank_law_and_sum_to_one():
    sizes = zipf_sizes(4, exponent=1.0, rng=3)
    harmonic = 1 + 1 / 2 + 1 / 3 + 1 / 4
    np.testing.assert_allclose(np.sort(sizes)[::-1], np.array([1, 1 / 2, 1 / 3, 1 / 4]) / harmonic)
    np.testing.assert_allclose(zipf_sizes(5, exponent=0.0), 0.2)


def test_notion_layout_puts_15_shards_on_each_of_32_hosts():
    result = simulate_sharding(20_000, 480, 32)
    assert result.shards_per_host == 15
    np.testing.assert_array_equal(np.bincount(result.shard_host), np.full(32, 15))
    np.testing.assert_array_equal(result.shard_host[:16], [0] * 15 + [1])
    assert result.host_load.sum() == pytest.approx(1.0)
    assert result.shard_load.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(
        np.bincount(result.workspace_host, weights=result.workspace_sizes, minlength=32),
        result.host_load,
    )


def test_uniform_sizes_balance_and_heavy_zipf_does_not():
    uniform = simulate_sharding(100_000, zipf_exponent=0.0, rng=1)
    # 3,125 workspaces per host on average, binomial spread ~56: max/mean ~ 1.04.
    assert 1.0 <= uniform.host_imbalance < 1.1
    heavy = simulate_sharding(100_000, zipf_exponent=1.5, rng=1)
    # The largest workspace alone holds ~1/zeta(1.5) = 38% of all data.
    assert heavy.hottest_shard_share > 0.3
    assert heavy.host_imbalance > 5


def test_modulo_resharding_moves_keys_as_counted_exactly():
    # Over one full cycle of lcm(32, 40) = 160 hash values, count those whose host changes.
    cycle = np.arange(160)
    exact = np.mean(cycle % 32 != cycle % 40)
    assert exact == pytest.approx(0.8)
    n_keys = 200_000
    simulated = fraction_moved(n_keys, 32, 40, scheme="modulo")
    assert abs(simulated - exact) < 4 * math.sqrt(exact * (1 - exact) / n_keys)


def test_logical_resharding_moves_only_the_new_hosts_share():
    n_keys = 200_000
    closed_form = 1 - 32 / 40
    simulated = fraction_moved(n_keys, 32, 40, scheme="logical")
    assert abs(simulated - closed_form) < 4 * math.sqrt(closed_form * (1 - closed_form) / n_keys)
    assert fraction_moved(1_000, 32, 32) == 0.0


def test_rebalance_moves_96_of_480_shards_and_evens_the_load():
    before = np.arange(480) // 15
    after = rebalance_shards(480, 32, 40)
    assert np.sum(before != after) == 96
    np.testing.assert_array_equal(np.bincount(after, minlength=40), np.full(40, 12))
    # Notion's later re-shard, 32 -> 96 hosts, moves two thirds of the shards.
    assert np.mean(rebalance_shards(480, 32, 96) != before) == pytest.approx(2 / 3)
    # Shrinking 40 -> 32 moves only the shards of the removed hosts.
    assert np.mean(rebalance_shards(480, 40, 32) != np.arange(480) // 12) == pytest.approx(0.2)


# ---------------------------------------------------------------------------
# Bad arguments name themselves
# ---------------------------------------------------------------------------

DAYS = np.arange(10.0)
VALUES = np.exp(0.01 * DAYS)
EXACT_FIT = fit_growth(DAYS, VALUES)
FRAME = metrics_frame()
SERIES = {"days": DAYS, "values": VALUES}
STORAGE = {"frame": FRAME, "limits": {"storage_gb": 9.0}}
JUNE_30 = {"doomsday_date": "2021-06-30"}


def bad(function, error, name, **arguments):
    """One bad call: ``function(**arguments)`` must raise ``error`` naming ``name``."""
    return pytest.param(function, arguments, error, name, id=f"{function.__name__}-{name}")


def bad_fit(error, name, **changes):
    """A valid linear GrowthFit altered by ``changes`` must raise ``error`` naming ``name``."""
    valid = {"model": "linear", "intercept": 0, "slope": 0, "residual_sd": 0, "n_points": 2}
    return bad(GrowthFit, error, name, **{**valid, **changes})


BAD_CALLS = [
    bad(fit_growth, ValueError, "values", days=DAYS, values=-VALUES),
    bad(fit_growth, ValueError, "values", days=DAYS, values=VALUES[:5]),
    bad(fit_growth, ValueError, "days", days=DAYS[::-1], values=VALUES),
    bad(fit_growth, TypeError, "days", days="monday", values=VALUES),
    bad(fit_growth, ValueError, "model", **SERIES, model="quadratic"),
    bad(fit_growth, ValueError, "min_regime_days", **SERIES, model="piecewise"),
    bad(fit_growth, ValueError, "min_regime_days", **SERIES, min_regime_days=1),
    bad(fit_growth, TypeError, "min_regime_days", **SERIES, min_regime_days="4"),
    bad(fit_growth, ValueError, "breakpoint_day", **SERIES, model="piecewise", breakpoint_day=9),
    bad(find_regime_change, ValueError, "min_regime_days", **SERIES, min_regime_days=0),
    bad(days_until_limit, TypeError, "fit", fit="fast", limit=10, from_day=0),
    bad(days_until_limit, ValueError, "limit", fit=EXACT_FIT, limit=-5, from_day=0),
    bad(days_until_limit, TypeError, "limit", fit=EXACT_FIT, limit="big", from_day=0),
    bad(days_until_limit, ValueError, "from_day", fit=EXACT_FIT, limit=10, from_day=math.nan),
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
    bad(doomsday_table, TypeError, "frame", frame=[1, 2], limits={"a": 1}),
    bad(doomsday_table, ValueError, "limits", frame=FRAME, limits={"memory_gb": 64}),
    bad(doomsday_table, TypeError, "limits", frame=FRAME, limits={}),
    bad(doomsday_table, ValueError, "limits", frame=FRAME, limits={"storage_gb": -1}),
    bad(doomsday_table, ValueError, "date_column", **STORAGE, date_column="day"),
    bad(doomsday_table, ValueError, "as_of", **STORAGE, as_of="2019-01-01"),
    bad(doomsday_table, ValueError, "as_of", **STORAGE, as_of="someday"),
    bad(doomsday_table, ValueError, "window_days", **STORAGE, window_days=0),
    bad(
        doomsday_table,
        TypeError,
        "frame",
        frame=FRAME.assign(storage_gb="big"),
        limits={"storage_gb": 9},
    ),
    bad(
        doomsday_table,
        ValueError,
        "date_column",
        frame=pd.concat([FRAME, FRAME]),
        limits={"storage_gb": 9},
    ),
    bad(start_by_date, ValueError, "lead_time_days", **JUNE_30, lead_time_days=-1),
    bad(start_by_date, ValueError, "buffer_days", **JUNE_30, lead_time_days=270, buffer_days=-5),
    bad(start_by_date, TypeError, "lead_time_days", **JUNE_30, lead_time_days="9 months"),
    bad(start_by_date, TypeError, "doomsday_date", doomsday_date=20210630, lead_time_days=270),
    bad(
        start_by_date, ValueError, "doomsday_date", doomsday_date="next summer", lead_time_days=270
    ),
    bad(measure_bytes_per_row, ValueError, "n_rows", n_rows=0),
    bad(measure_bytes_per_row, ValueError, "payload_bytes", n_rows=10, payload_bytes=-1),
    bad(measure_bytes_per_row, TypeError, "with_index", n_rows=10, with_index="yes"),
    bad(measure_bytes_per_row, ValueError, "rng", n_rows=10, rng=1.5),
    bad(zipf_sizes, ValueError, "n_workspaces", n_workspaces=0),
    bad(zipf_sizes, ValueError, "exponent", n_workspaces=10, exponent=-1),
    bad(simulate_sharding, ValueError, "n_hosts", n_workspaces=100, n_hosts=7),
    bad(simulate_sharding, ValueError, "n_hosts", n_workspaces=100, n_hosts=0),
    bad(simulate_sharding, ValueError, "n_workspaces", n_workspaces=0),
    bad(simulate_sharding, ValueError, "n_logical_shards", n_workspaces=10, n_logical_shards=0),
    bad(simulate_sharding, ValueError, "zipf_exponent", n_workspaces=10, zipf_exponent=-0.5),
    bad(fraction_moved, ValueError, "n_keys", n_keys=0, hosts_before=32, hosts_after=40),
    bad(fraction_moved, ValueError, "hosts_before", n_keys=10, hosts_before=0, hosts_after=40),
    bad(fraction_moved, ValueError, "hosts_after", n_keys=10, hosts_before=32, hosts_after=7),
    bad(
        fraction_moved,
        ValueError,
        "hosts_before",
        n_keys=10,
        hosts_before=32,
        hosts_after=40,
        n_logical_shards=100,
    ),
    bad(
        fraction_moved,
        ValueError,
        "scheme",
        n_keys=10,
        hosts_before=32,
        hosts_after=40,
        scheme="ring",
    ),
    bad(
        rebalance_shards,
        ValueError,
        "hosts_after",
        n_logical_shards=480,
        hosts_before=32,
        hosts_after=50,
    ),
    bad(stable_hash, TypeError, "keys", keys=[0.5, 1.5]),
    bad(monthly_growth_pct, TypeError, "daily_growth_rate", daily_growth_rate="1%"),
    bad(monthly_growth_pct, ValueError, "daily_growth_rate", daily_growth_rate=-1.5),
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
    bad(doomsday_table, ValueError, "block_days", **STORAGE, block_days=0),
    bad_fit(ValueError, "model", model="cubic"),
    bad_fit(ValueError, "intercept", intercept=math.nan),
    bad_fit(ValueError, "slope", slope=math.inf),
    bad_fit(TypeError, "slope", slope="fast"),
    bad_fit(ValueError, "residual_sd", residual_sd=-0.1),
    bad_fit(ValueError, "n_points", n_points=1),
    bad_fit(ValueError, "n_points", n_points=2.5),
    bad_fit(ValueError, "last_day", last_day=math.nan),
    bad_fit(ValueError, "breakpoint_day", model="exponential", breakpoint_day=5),
    bad_fit(ValueError, "intercept_before", model="piecewise", breakpoint_day=5, rate_before=0.1),
]


@pytest.mark.parametrize(("function", "arguments", "error", "name"), BAD_CALLS)
def test_bad_arguments_raise_and_name_the_argument(function, arguments, error, name):
    with pytest.raises(error, match=rf"\b{re.escape(name)}\b"):
        function(**arguments)


def test_bad_method_arguments_name_themselves():
    with pytest.raises(TypeError, match=r"\bdays\b"):
        EXACT_FIT.predict("tomorrow")
    projection = project_to_limit(DAYS, VALUES, 5.0, n_simulations=10)
    with pytest.raises(ValueError, match=r"\bdays\b"):
        projection.probability_within(-1)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(-0.05, 0.05),
    start=st.floats(1e-3, 1e6),
    n_days=st.integers(3, 400),
    first_day=st.floats(-1000, 1000),
)
def test_exact_exponential_fit_recovers_rate(rate, start, n_days, first_day):
    days = first_day + np.arange(float(n_days))
    fit = fit_growth(days, start * np.exp(rate * (days - first_day)))
    assert fit.slope == pytest.approx(rate, abs=1e-9)
    assert math.exp(fit.intercept + fit.slope * first_day) == pytest.approx(start, rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    intercept=st.floats(-5, 5),
    slope=st.floats(-0.1, 0.1),
    limits=st.lists(st.floats(1e-3, 1e6), min_size=2, max_size=2),
    from_day=st.floats(0, 500),
    model=st.sampled_from(["linear", "exponential"]),
)
def test_days_until_limit_is_monotone_in_limit(intercept, slope, limits, from_day, model):
    fit = GrowthFit(model, intercept, slope, residual_sd=0.0, n_points=10)
    lower, higher = sorted(limits)
    assert 0 <= days_until_limit(fit, lower, from_day) <= days_until_limit(fit, higher, from_day)


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


@settings(max_examples=40, deadline=None)
@given(
    hosts=st.lists(st.sampled_from(DIVISORS_OF_480), min_size=2, max_size=2),
    scheme=st.sampled_from(["logical", "modulo"]),
    n_keys=st.integers(1, 2_000),
    seed=st.integers(0, 2**16),
)
def test_fraction_moved_is_a_share(hosts, scheme, n_keys, seed):
    share = fraction_moved(n_keys, hosts[0], hosts[1], scheme=scheme, rng=seed)
    assert 0.0 <= share <= 1.0
    if hosts[0] == hosts[1]:
        assert share == 0.0


@settings(max_examples=40, deadline=None)
@given(
    before=st.sampled_from(DIVISORS_OF_480),
    factor=st.sampled_from([1, 2, 3, 4, 5, 6]),
)
def test_rebalance_moves_exactly_the_closed_form_share_of_shards(before, factor):
    after = before * factor
    if 480 % after:
        return
    moved = np.mean(rebalance_shards(480, before, after) != np.arange(480) // (480 // before))
    assert moved == pytest.approx(1 - before / after)
    assert np.all(np.bincount(rebalance_shards(480, before, after)) == 480 // after)


@settings(max_examples=40, deadline=None)
@given(
    n_workspaces=st.integers(1, 5_000),
    exponent=st.floats(0, 2.5),
    hosts=st.sampled_from(DIVISORS_OF_480),
    seed=st.integers(0, 2**16),
)
def test_sharding_conserves_the_total(n_workspaces, exponent, hosts, seed):
    result = simulate_sharding(n_workspaces, 480, hosts, zipf_exponent=exponent, rng=seed)
    assert result.host_load.sum() == pytest.approx(1.0)
    assert result.shard_load.sum() == pytest.approx(1.0)
    assert result.host_load.size == hosts
    assert result.host_imbalance >= 1.0 - 1e-12
