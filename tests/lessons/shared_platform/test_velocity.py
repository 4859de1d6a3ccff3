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
    # 10 column types = P / (w0 - w1): both finish at month 4.0, a tie: never ahead.
    assert platform.break_even_month(column_types=10, **kwargs) is None
    # 11 or 12 column types: the platform finishes at (20 + 2n) / 10 = 4.2 or 4.4 months, by
    # hand at 4.4 or 4.8. Both are done by the end of month 5 (month-end totals tie), but the
    # platform was ahead from the crossing at month 4 on: it breaks even in month 5.
    assert platform.break_even_month(column_types=11, **kwargs) == 5
    assert platform.break_even_month(column_types=12, **kwargs) == 5
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


def test_the_verdict_does_not_depend_on_the_team_count():
    # 150 team-weeks, 10 column types: P / (w0 - w1) = 9.04, so 10 pay off with any team count
    # (month-end comparisons said 8, never, never, 5, never, 4, never for 5 to 11 teams).
    months = [platform.break_even_month(capacity=teams * 4.33, platform_weeks=150,
                                        weeks_without=17.4, weeks_with=0.8, column_types=10,
                                        horizon_months=24) for teams in range(5, 12)]
    assert months == [8, 7, 6, 5, 5, 4, 4]
    assert all(platform.break_even_month(capacity=teams * 4.33, platform_weeks=150,
                                         weeks_without=17.4, weeks_with=0.8, column_types=9,
                                         horizon_months=24) is None for teams in range(1, 13))


@settings(max_examples=300, deadline=None)
@given(platform_weeks=st.floats(1, 300), without=st.floats(0.5, 40), with_=st.floats(0.1, 5),
       teams=st.integers(1, 12), roadmap=st.integers(1, 60))
def test_break_even_and_columns_to_pay_off_agree(platform_weeks, without, with_, teams, roadmap):
    month = platform.break_even_month(capacity=teams * 4.33, platform_weeks=platform_weeks,
                                      weeks_without=without, weeks_with=with_,
                                      column_types=roadmap, horizon_months=600)
    needed = platform.columns_to_pay_off(platform_weeks=platform_weeks, weeks_without=without,
                                         weeks_with=with_)
    pays = needed is not None and roadmap >= needed
    crossing = (platform_weeks * without / (teams * 4.33 * (without - with_))
                if without > with_ else math.inf)
    assert (month is not None) == (pays and math.floor(crossing + 1e-9) + 1 <= 600)
    if month is not None:
        # the first whole month after the crossing: the platform has shipped more (uncapped),
        # and it finishes the roadmap no later than the copy-per-team teams
        assert month - 1 <= crossing + 1e-9 < month
        assert platform_weeks + roadmap * with_ < roadmap * without + 1e-9


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
    # months 3..5 hold 8 of 10 runs: the narrowest stretch with 80%
    band = platform.break_even_band([3, 4, 4, 5, 6, 4, 3, 4, 5, np.nan], level=0.8)
    assert (band.low, band.median, band.high, band.share_never) == (3, 4, 5, 0.1)
    assert band.coverage == 0.8
    # 2..4 and 3..5 are equally narrow; 2..4 holds more (9 against 8)
    band = platform.break_even_band([2, 2, 3, 3, 3, 4, 4, 4, 5, 5], level=0.7)
    assert (band.low, band.high, band.coverage) == (2, 4, 0.8)
    # "never" is the last step: 5 and never hold 6 of 8
    band = platform.break_even_band([1, 5, 5, 5, np.nan, np.nan, np.nan, 2], level=0.75)
    assert (band.low, band.high, band.coverage) == (5, np.inf, 0.75)
    never = platform.break_even_band([np.nan] * 3 + [2.0], level=0.5)
    assert never.median == np.inf and never.share_never == 0.75
    with pytest.raises(ValueError, match="months"):
        platform.break_even_band([], level=0.8)
    with pytest.raises(ValueError, match="whole months"):
        platform.break_even_band([1.5, 2.0], level=0.8)


def test_a_chance_of_rebuilding_doubles_the_platform_in_that_share_of_runs():
    plain = platform.simulate_break_even(100_000, column_types=30, uncertainty=0.0, seed=4,
                                         **COSTS)
    rebuilt = platform.simulate_break_even(100_000, column_types=30, uncertainty=0.0, seed=4,
                                           rebuild_chance=0.3, **COSTS)
    assert np.all(plain.platform_weeks == 50)
    assert set(np.unique(rebuilt.platform_weeks)) == {50, 100}
    assert np.mean(rebuilt.platform_weeks == 100) == pytest.approx(0.3, abs=0.005)
    # a doubled platform: t* = 100 * 17.4 / (17.32 * 16.6) = 6.05, month 7
    assert set(np.unique(rebuilt.months)) == {4, 7}
    with pytest.raises(ValueError, match="rebuild_chance"):
        platform.simulate_break_even(10, column_types=30, uncertainty=0.0, seed=4,
                                     rebuild_chance=1.5, **COSTS)
