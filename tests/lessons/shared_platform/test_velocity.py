"""The velocity model against hand-computed cases and its closed forms."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab import platform


def test_cumulative_columns_by_hand():
    # 10 team-weeks a month, 5 per column type: 2 a month, capped at 4.
    got = platform.cumulative_columns([0, 1, 2, 3], capacity=10, weeks_per_column=5,
                                      column_types=4)
    assert got.tolist() == [0, 2, 4, 4]
    # 15 up front, then 2 per column: month 1 still building, month 2 (20-15)/2 = 2.5.
    got = platform.cumulative_columns([1, 2, 3], capacity=10, weeks_per_column=2,
                                      column_types=30, upfront_weeks=15)
    assert got.tolist() == [0, 2.5, 7.5]


def test_break_even_month_by_hand():
    # capacity 10, platform 20, 4 by hand, 2 on the platform: t* = 20*4/(10*2) = 4, a tie
    # at month 4 (10 each), so the platform is ahead from month 5.
    kwargs = dict(capacity=10, platform_weeks=20, weeks_without=4, weeks_with=2, horizon_months=24)
    assert platform.break_even_month(column_types=100, **kwargs) == 5
    # 12 column types: by hand they are all done at month 4.8 < 5: never ahead.
    assert platform.break_even_month(column_types=12, **kwargs) is None
    # 13 column types: by hand done at 5.2 months, so at month 5 the platform leads 13 to 12.5.
    assert platform.break_even_month(column_types=13, **kwargs) == 5
    # The horizon ends before month 5.
    assert platform.break_even_month(column_types=100, **{**kwargs, "horizon_months": 4}) is None
    # A platform that saves nothing per column never pays off.
    assert platform.break_even_month(column_types=100, **{**kwargs, "weeks_with": 4}) is None


def test_the_lesson_story_by_hand():
    # 4 teams, 17.32 team-weeks a month; 17.4 by hand, 0.8 on a 50 team-week platform:
    # t* = 50 * 17.4 / (17.32 * 16.6) = 3.026 months, so ahead from month 4.
    assert 50 * 17.4 / (17.32 * 16.6) == pytest.approx(3.026, abs=1e-3)
    assert platform.break_even_month(capacity=17.32, platform_weeks=50, weeks_without=17.4,
                                     weeks_with=0.8, column_types=30, horizon_months=24) == 4


def test_columns_to_pay_off_by_hand():
    assert platform.columns_to_pay_off(platform_weeks=50, weeks_without=17.4, weeks_with=0.8) == 4
    assert platform.columns_to_pay_off(platform_weeks=30, weeks_without=12, weeks_with=2) == 4
    assert platform.columns_to_pay_off(platform_weeks=0, weeks_without=5, weeks_with=1) == 1
    assert platform.columns_to_pay_off(platform_weeks=30, weeks_without=2, weeks_with=3) is None


@settings(max_examples=200, deadline=None)
@given(platform_weeks=st.floats(0, 500), without=st.floats(0.1, 50), with_=st.floats(0.1, 50))
def test_columns_to_pay_off_is_the_smallest_strictly_cheaper_roadmap(platform_weeks, without,
                                                                    with_):
    n = platform.columns_to_pay_off(platform_weeks=platform_weeks, weeks_without=without,
                                    weeks_with=with_)
    if without <= with_:
        assert n is None
        return
    assert n * without > platform_weeks + n * with_ - 1e-6
    assert (n - 1) * without <= platform_weeks + (n - 1) * with_ + 1e-6


@settings(max_examples=200, deadline=None)
@given(capacity=st.floats(1, 50), platform_weeks=st.floats(0, 300),
       without=st.floats(0.5, 30), with_=st.floats(0.1, 5), roadmap=st.integers(1, 60))
def test_the_month_is_the_one_after_the_crossing(capacity, platform_weeks, without, with_,
                                                  roadmap):
    month = platform.break_even_month(capacity=capacity, platform_weeks=platform_weeks,
                                      weeks_without=without, weeks_with=with_,
                                      column_types=roadmap, horizon_months=60)
    if without <= with_:
        assert month is None
        return
    crossing = platform_weeks * without / (capacity * (without - with_))
    candidate = math.floor(crossing) + 1
    if month is not None:
        assert month >= crossing - 1e-9
        assert month in (candidate, candidate - 1)  # -1 only when t* is a whole month
    # Ahead at some month only if the copy path has not finished the roadmap by then.
    if month is None and candidate <= 60 and abs(crossing - round(crossing)) > 1e-6:
        assert capacity * candidate / without >= roadmap * (1 - 1e-9)


def test_inconsistency_chance_closed_form():
    assert platform.inconsistency_chance(30, 0.05) == pytest.approx(1 - 0.95**30)
    assert platform.inconsistency_chance(0, 0.3) == 0
    assert platform.inconsistency_chance(1, 0.3) == pytest.approx(0.3)
    np.testing.assert_allclose(platform.inconsistency_chance([0, 1, 2], 0.5), [0, 0.5, 0.75])


def test_inconsistency_chance_matches_a_simulation():
    rng = np.random.default_rng(4)
    deviates = rng.random((200_000, 10)) < 0.05
    simulated = deviates.any(axis=1).mean()
    # one standard error is sqrt(0.4 * 0.6 / 200000) = 0.0011
    assert simulated == pytest.approx(platform.inconsistency_chance(10, 0.05), abs=0.004)


@pytest.mark.parametrize("bad", [[1.5], [-1], "3"])
def test_inconsistency_chance_refuses_bad_copies(bad):
    with pytest.raises((TypeError, ValueError), match="copies"):
        platform.inconsistency_chance(bad, 0.1)


COSTS = dict(capacity=17.32, platform_weeks=50, unique_weeks=0.6, capability_weeks=2.8,
             capabilities=6, hookup_weeks=0.2, horizon_months=24)


def test_without_uncertainty_every_run_is_the_point_estimate():
    runs = platform.simulate_break_even(100, column_types=30, uncertainty=0.0, seed=1, **COSTS)
    assert np.all(runs.months == 4)
    assert runs.share_never == 0
    assert np.allclose(runs.weeks_without, 17.4) and np.allclose(runs.weeks_with, 0.8)
    small = platform.simulate_break_even(10, column_types=3, uncertainty=0.0, seed=1, **COSTS)
    assert np.isnan(small.months).all() and small.share_never == 1


def test_the_monte_carlo_agrees_with_the_month_by_month_function():
    runs = platform.simulate_break_even(300, column_types=8, uncertainty=0.6, seed=9, **COSTS)
    for k in range(300):
        month = platform.break_even_month(
            capacity=COSTS["capacity"], platform_weeks=runs.platform_weeks[k],
            weeks_without=runs.weeks_without[k], weeks_with=runs.weeks_with[k], column_types=8,
            horizon_months=24)
        expected = np.nan if month is None else month
        assert runs.months[k] == expected or (np.isnan(expected) and np.isnan(runs.months[k]))


def test_the_costs_are_log_normal_around_the_estimates():
    runs = platform.simulate_break_even(200_000, column_types=30, uncertainty=0.4, seed=3,
                                        **COSTS)
    logs = np.log(runs.platform_weeks / 50)
    assert np.median(runs.platform_weeks) == pytest.approx(50, rel=0.01)
    assert logs.std() == pytest.approx(0.4, rel=0.01)
    assert not runs.months.flags.writeable


def test_a_seed_repeats_the_runs():
    first = platform.simulate_break_even(500, column_types=5, uncertainty=0.4, seed=11, **COSTS)
    again = platform.simulate_break_even(500, column_types=5, uncertainty=0.4, seed=11, **COSTS)
    np.testing.assert_array_equal(first.months, again.months)


def test_band_by_hand():
    band = platform.break_even_band([3, 4, 4, 5, 6, 4, 3, 4, 5, np.nan], level=0.8)
    assert (band.low, band.median, band.high, band.share_never) == (3, 4, 6, 0.1)
    never = platform.break_even_band([np.nan] * 3 + [2.0], level=0.5)
    assert never.median == np.inf and never.share_never == 0.75
    with pytest.raises(ValueError, match="months"):
        platform.break_even_band([], level=0.8)
