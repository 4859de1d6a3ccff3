"""Resources that are not a plain exponential: a baseline plus growth, and a running total.

Each projection is checked against its closed form on a noise-free series, and
the table against the projection (same draws), so the two shapes the lesson
uses for transaction-ID age and storage are exact where they can be.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from infralab import growth


def test_baseline_projection_fits_only_the_amount_above_the_baseline():
    days = np.arange(90.0)
    values = 200.0 + 50.0 * np.exp(0.02 * days)
    projection = growth.project_to_limit(days, values, 1600.0, baseline=200.0, n_simulations=50)
    expected = math.log(1400.0 / 50.0) / 0.02 - 89.0  # the amount above 200 reaches 1,400
    np.testing.assert_allclose(projection.crossing_days, expected, rtol=1e-9)
    np.testing.assert_allclose(projection.median, 200.0 + 50.0 * np.exp(0.02 * projection.days))
    assert projection.baseline == 200.0 and not projection.running_total
    # the whole value fitted as one exponential grows more slowly than its growing part: later
    plain = growth.project_to_limit(days, values, 1600.0, n_simulations=50)
    assert plain.crossing_median > expected + 30


def test_running_total_projection_adds_up_growing_additions():
    rate, added_today, total_today = 0.01, 40.0, 10_000.0
    days = np.arange(120.0)
    additions = added_today * np.exp(rate * (days - 119.0))
    totals = total_today - additions[::-1].cumsum()[::-1] + additions  # ends at total_today
    limit = 30_000.0
    projection = growth.project_to_limit(days, totals, limit, running_total=True, n_simulations=50)
    # the continuous closed form: total + a (e^(rt) - 1) / r = limit
    expected = math.log1p(rate * (limit - total_today) / added_today) / rate
    np.testing.assert_allclose(projection.crossing_days, expected, rtol=1e-9)
    # daily values add up the daily additions from the last total
    np.testing.assert_allclose(
        projection.median[:3],
        total_today + np.cumsum(added_today * np.exp(rate * np.arange(1.0, 4.0))),
    )
    # an exponential of the total itself is late: the total holds old data that grows no more
    plain = growth.project_to_limit(days, totals, limit, n_simulations=50)
    assert plain.crossing_median > expected * 2


def test_running_total_with_linear_additions_solves_the_quadratic():
    days = np.arange(60.0)
    additions = 10.0 + 0.5 * days  # the amount added grows by a fixed amount each day
    totals = 1_000.0 + np.cumsum(additions)
    limit = totals[-1] + 5_000.0
    projection = growth.project_to_limit(
        days, totals, limit, model="linear", running_total=True, n_simulations=20
    )
    a, b = additions[-1], 0.5  # additions at the last day and their daily rise
    expected = (-a + math.sqrt(a * a + 2 * b * 5_000.0)) / b
    np.testing.assert_allclose(projection.crossing_days, expected, rtol=1e-9)


def test_running_total_already_past_its_limit_is_at_zero_days():
    days = np.arange(30.0)
    totals = 100.0 + np.cumsum(np.exp(0.01 * days))
    projection = growth.project_to_limit(days, totals, 50.0, running_total=True, n_simulations=20)
    assert projection.crossing_median == 0.0


def test_shrinking_additions_never_reach_a_far_limit():
    days = np.arange(60.0)
    totals = 100.0 + np.cumsum(10.0 * np.exp(-0.05 * days))  # at most 10 / 0.05 = 200 more
    projection = growth.project_to_limit(
        days, totals, 10_000.0, running_total=True, n_simulations=20
    )
    assert math.isinf(projection.crossing_median)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"baseline": 10.0, "running_total": True}, ValueError, "baseline must be 0"),
        ({"baseline": 5_000.0}, ValueError, "limit must be above baseline"),
        ({"baseline": 150.0}, ValueError, "values must be above baseline"),
        ({"running_total": "yes"}, TypeError, "running_total must be True or False"),
        ({"baseline": "200"}, TypeError, "baseline"),
    ],
)
def test_bad_shapes_are_refused_by_name(arguments, error, message):
    days = np.arange(30.0)
    values = 100.0 + np.exp(0.05 * days)
    with pytest.raises(error, match=message):
        growth.project_to_limit(days, values, 1_000.0, **arguments)


def test_a_running_total_that_falls_is_refused_with_the_day():
    days = np.arange(10.0)
    totals = np.array([1.0, 2, 3, 4, 3, 5, 6, 7, 8, 9])
    with pytest.raises(ValueError, match="rise from each point to the next.*day 4"):
        growth.project_to_limit(days, totals, 100.0, running_total=True)
    # a linear model of the additions accepts a fall
    growth.project_to_limit(days, totals, 100.0, model="linear", running_total=True)


def test_the_table_uses_each_resources_shape_and_the_projections_draws():
    dates = pd.date_range("2020-01-01", periods=120, freq="D")
    day = np.arange(120.0)
    noise = np.random.default_rng(3).lognormal(0, 0.03, (2, 120))
    frame = pd.DataFrame(
        {
            "date": dates,
            "age": 200.0 + 20.0 * np.exp(0.015 * day) * noise[0],
            "size": 500.0 + np.cumsum(5.0 * np.exp(0.01 * day) * noise[1]),
        }
    )
    limits = {"age": 1600.0, "size": 5_000.0}
    table = growth.doomsday_table(
        frame, limits, n_simulations=400, rng=7, baselines={"age": 200.0}, running_totals=["size"]
    )
    table = table.set_index("resource")
    for resource, shape in (("age", {"baseline": 200.0}), ("size", {"running_total": True})):
        alone = growth.doomsday_table(
            frame,
            {resource: limits[resource]},
            n_simulations=400,
            rng=7,
            **(
                {"baselines": {"age": 200.0}} if resource == "age" else {"running_totals": ["size"]}
            ),
        ).iloc[0]
        assert alone.doomsday == table.doomsday[resource]
        projection = growth.project_to_limit(
            day, frame[resource], limits[resource], window_days=90, n_simulations=400, **shape
        )
        days_to = (table.doomsday[resource] - dates[-1]).days
        assert days_to == pytest.approx(projection.crossing_median, abs=3)


def test_table_shapes_must_name_resources_of_the_table():
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=10), "a": np.arange(1.0, 11)})
    with pytest.raises(ValueError, match="baselines names resources that limits does not: 'b'"):
        growth.doomsday_table(frame, {"a": 100}, baselines={"b": 1})
    with pytest.raises(TypeError, match="running_totals must be a collection"):
        growth.doomsday_table(frame, {"a": 100}, running_totals="a")


WEEK = np.array([1.1, 1.1, 1.1, 1.1, 1.1, 0.75, 0.75])  # five busy days, a quiet weekend


def test_a_weekly_cycle_cannot_tilt_the_trend():
    days = np.arange(90.0)
    values = 100.0 * np.exp(0.01 * days) * WEEK[days.astype(int) % 7]
    # the trend of an average day: the weekly factors averaged (arithmetic) over the week
    average_day = 100.0 * WEEK.mean()
    expected = math.log(1_000.0 / average_day) / 0.01 - 89.0
    projection = growth.project_to_limit(days, values, 1_000.0, cycle_days=7, n_simulations=50)
    np.testing.assert_allclose(projection.crossing_days, expected, rtol=1e-9)
    assert projection.fit.slope == pytest.approx(0.01, rel=1e-12)
    # the daily values keep the cycle: a busy day sits above a quiet one
    busy_day, quiet_day = 91, 96  # positions 0 and 5 of the cycle
    busy, quiet = (projection.median[projection.days == day][0] for day in (busy_day, quiet_day))
    assert busy / quiet == pytest.approx(1.1 / 0.75 * math.exp(-0.01 * 5), rel=1e-9)
    # a plain line through the same 90 days (not whole weeks) is tilted by the weekend
    plain = growth.project_to_limit(days, values, 1_000.0, n_simulations=50)
    assert abs(plain.crossing_median - expected) > 1.0


def test_a_running_total_with_a_weekly_cycle_adds_an_average_day():
    days = np.arange(120.0)
    added = 10.0 * np.exp(0.01 * days) * WEEK[days.astype(int) % 7]
    totals = 1_000.0 + np.cumsum(added)
    limit = 20_000.0
    projection = growth.project_to_limit(
        days, totals, limit, running_total=True, cycle_days=7, n_simulations=50
    )
    a = 10.0 * WEEK.mean() * math.exp(0.01 * 119)  # an average day's addition on the last day
    expected = math.log1p(0.01 * (limit - totals[-1]) / a) / 0.01
    np.testing.assert_allclose(projection.crossing_days, expected, rtol=1e-6)


def test_a_cycle_needs_two_whole_cycles_in_the_window():
    days = np.arange(60.0)
    values = np.exp(0.01 * days)
    with pytest.raises(ValueError, match="cycle_days = 7 needs at least 2 fitted points"):
        growth.project_to_limit(days, values, 10.0, window_days=10, cycle_days=7)
    with pytest.raises(ValueError, match="cycle_days must be"):
        growth.project_to_limit(days, values, 10.0, cycle_days=1)
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=60), "a": values})
    with pytest.raises(ValueError, match="cycle_days = 7 needs"):
        growth.doomsday_table(frame, {"a": 10.0}, window_days=10, cycle_days=7)


def test_the_table_with_a_cycle_matches_the_projection():
    dates = pd.date_range("2020-01-06", periods=140, freq="D")  # a Monday
    day = np.arange(140.0)
    noise = np.random.default_rng(5).lognormal(0, 0.03, 140)
    frame = pd.DataFrame(
        {"date": dates, "cpu": 30.0 * np.exp(0.004 * day) * WEEK[day.astype(int) % 7] * noise}
    )
    row = growth.doomsday_table(frame, {"cpu": 90.0}, cycle_days=7, n_simulations=300, rng=2).iloc[
        0
    ]
    projection = growth.project_to_limit(
        day, frame.cpu, 90.0, window_days=90, cycle_days=7, n_simulations=300
    )
    assert (row.doomsday - dates[-1]).days == pytest.approx(projection.crossing_median, abs=3)
