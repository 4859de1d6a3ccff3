"""Tests for infralab.growth.fitting: each against a closed form or a hand-computed answer."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.growth.fitting import (
    DAYS_PER_MONTH,
    GrowthFit,
    days_until_limit,
    find_regime_change,
    fit_growth,
    monthly_growth_pct,
)

from .helpers import DAYS, SERIES, VALUES, bad, exponential_series, regime_change_series

EXACT_FIT = fit_growth(DAYS, VALUES)


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
# Bad arguments name themselves
# ---------------------------------------------------------------------------


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
    bad(monthly_growth_pct, TypeError, "daily_growth_rate", daily_growth_rate="1%"),
    bad(monthly_growth_pct, ValueError, "daily_growth_rate", daily_growth_rate=-1.5),
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
