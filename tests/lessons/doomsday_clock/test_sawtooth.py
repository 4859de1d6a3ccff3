"""Transaction-ID age as a vacuum sawtooth: the tooth's top, its inverse and the projection.

The projection is checked against a root found numerically on a noise-free
series, and the table against the projection.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq

from infralab import growth


def test_the_top_of_the_tooth_by_hand():
    # healthy: 200 + U; from U = 150 (top 350) on, vacuums run back to back: 50 + 2U
    np.testing.assert_allclose(
        growth.sawtooth_top([0, 100, 150, 151, 300]), [200, 300, 350, 352, 650]
    )
    assert growth.sawtooth_top(300.0, freeze_max_age=400, freeze_min_age=100) == 700.0
    assert np.shape(growth.sawtooth_top(5.0)) == ()


@given(st.floats(0.0, 1e4, allow_nan=False))
def test_ids_per_pass_undoes_the_top(used):
    assert growth.ids_per_pass(growth.sawtooth_top(used)) == pytest.approx(used, abs=1e-9)


@pytest.mark.parametrize(
    ("function", "arguments", "message"),
    [
        (growth.sawtooth_top, {"ids_per_pass": -1.0}, "ids_per_pass must be >= 0"),
        (growth.sawtooth_top, {"ids_per_pass": 1.0, "freeze_min_age": 300}, "freeze_min_age must"),
        (growth.ids_per_pass, {"top": 150.0}, "top must be >= freeze_max_age = 200"),
        (growth.ids_per_pass, {"top": "300"}, "top"),
        (growth.sawtooth_top, {"ids_per_pass": 1.0, "freeze_max_age": 0}, "freeze_max_age"),
    ],
)
def test_bad_arguments_name_themselves(function, arguments, message):
    with pytest.raises((TypeError, ValueError), match=message):
        function(**arguments)


def _noise_free(days, per_size=0.05, rate=0.01, added=10.0):
    sizes = 1_000.0 + np.cumsum(added * np.exp(rate * days))
    return sizes, growth.sawtooth_top(per_size * np.exp(rate * days) * sizes)


def test_projection_finds_the_day_the_product_of_both_causes_reaches_the_limit():
    days = np.arange(120.0)
    sizes, ages = _noise_free(days)
    projection = growth.project_sawtooth(days, ages, sizes, 1_600.0, n_simulations=30)

    def size(t):  # the running total, continuous from the last day
        return sizes[-1] + 10 * np.exp(0.01 * 119) * np.expm1(0.01 * t) / 0.01

    def top(t):
        return growth.sawtooth_top(0.05 * np.exp(0.01 * (119 + t)) * size(t)) - 1_600.0

    expected = brentq(top, 0.0, 1_000.0)
    np.testing.assert_allclose(projection.crossing_days, expected, rtol=1e-5)
    # the daily values: the sawtooth of the product, added up day by day from the last size
    day_one = growth.sawtooth_top(0.05 * np.exp(0.01 * 120) * (sizes[-1] + 10 * np.exp(0.01 * 120)))
    assert projection.median[0] == pytest.approx(day_one, rel=1e-9)


def test_a_plain_exponential_of_the_age_is_late():
    days = np.arange(120.0)
    sizes, ages = _noise_free(days)
    both = growth.project_sawtooth(days, ages, sizes, 1_600.0, n_simulations=30).crossing_median
    plain = growth.project_to_limit(days, ages, 1_600.0, n_simulations=30).crossing_median
    assert plain > both + 5


def test_already_past_the_limit_is_zero_days_and_a_far_limit_is_never():
    days = np.arange(60.0)
    sizes, ages = _noise_free(days)
    assert ages[-1] > 201.0
    past = growth.project_sawtooth(days, ages, sizes, 201.0, n_simulations=10)
    assert past.crossing_median == 0.0
    never = growth.project_sawtooth(days, ages, sizes, 2e9, horizon_days=100, n_simulations=10)
    assert np.isinf(never.crossing_median)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ages": np.full(60, 150.0)}, "ages must be above freeze_max_age"),
        ({"limit": 150.0}, "limit must be above freeze_max_age"),
        ({"sizes": np.linspace(10.0, 5.0, 60)}, "sizes must rise"),
        ({"ages": np.full(10, 300.0)}, "ages must have the same length as days"),
    ],
)
def test_bad_series_are_refused_by_name(change, message):
    days = np.arange(60.0)
    sizes, ages = _noise_free(days)
    arguments = {"days": days, "ages": ages, "sizes": sizes, "limit": 1_600.0, **change}
    with pytest.raises(ValueError, match=message):
        growth.project_sawtooth(**arguments)


def test_the_table_projects_a_sawtooth_as_project_sawtooth_does():
    dates = pd.date_range("2020-01-01", periods=150, freq="D")
    days = np.arange(150.0)
    noise = np.random.default_rng(4).lognormal(0, 0.03, (2, 150))
    sizes = 1_000.0 + np.cumsum(10.0 * np.exp(0.01 * days) * noise[0])
    ages = growth.sawtooth_top(0.05 * np.exp(0.01 * days) * sizes * noise[1])
    frame = pd.DataFrame({"date": dates, "age": ages, "size": sizes})
    row = growth.doomsday_table(
        frame, {"age": 1_600.0}, sawtooths={"age": "size"}, n_simulations=400, rng=3
    ).iloc[0]
    projection = growth.project_sawtooth(
        days, ages, sizes, 1_600.0, window_days=90, n_simulations=400
    )
    assert (row.doomsday - dates[-1]).days == pytest.approx(projection.crossing_median, abs=2)
    assert row.monthly_growth_pct > 0
    with pytest.raises(ValueError, match=r"sawtooths\['age'\] must name a column of frame"):
        growth.doomsday_table(frame, {"age": 1_600.0}, sawtooths={"age": "missing"})
    with pytest.raises(ValueError, match="sawtooths names a resource that limits does not"):
        growth.doomsday_table(frame, {"size": 1e6}, sawtooths={"age": "size"})
