"""Availability arithmetic against hand-computed cases and the SRE Workbook's figures."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infralab import reliability


def test_nines_to_downtime_by_hand():
    assert reliability.downtime_minutes(0.999, 30) == pytest.approx(43.2)  # SRE Workbook
    assert reliability.downtime_minutes(0.99, 30) == pytest.approx(432.0)
    assert reliability.downtime_minutes(0.9999, 365) == pytest.approx(52.56)
    assert reliability.downtime_minutes(1.0, 30) == 0.0
    assert reliability.error_budget_minutes(0.999, 30) == pytest.approx(43.2)


def test_a_burn_rate_of_14_4_empties_a_30_day_budget_in_about_two_days():
    assert reliability.budget_exhaustion_days(14.4, 30) == pytest.approx(30 / 14.4)
    assert 2.0 < reliability.budget_exhaustion_days(14.4) < 2.1
    assert reliability.budget_exhaustion_days(1.0, 30) == 30.0


def test_series_by_hand():
    # five services at 99.9%: 0.999 ** 5 = 0.995009990...
    assert reliability.availability_in_series([0.999] * 5) == pytest.approx(0.99500999, rel=1e-8)
    assert reliability.availability_in_series([0.99, 0.95]) == pytest.approx(0.9405)
    assert reliability.availability_in_series([0.5]) == 0.5


def test_parallel_by_hand():
    assert reliability.availability_in_parallel([0.99, 0.99]) == pytest.approx(0.9999)
    assert reliability.availability_in_parallel([0.9, 0.8]) == pytest.approx(1 - 0.1 * 0.2)
    assert reliability.availability_in_parallel([0.0, 0.0]) == 0.0
    assert reliability.availability_in_parallel([0.5, 0.5, 0.5]) == pytest.approx(0.875)


def test_a_chain_with_a_redundant_pair_by_hand():
    pair = reliability.availability_in_parallel([0.99, 0.99])
    chain = reliability.availability_in_series([0.999, 0.999, 0.9995, pair])
    assert chain == pytest.approx(0.999 * 0.999 * 0.9995 * 0.9999)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=8))
def test_series_never_beats_its_weakest_and_parallel_never_loses_to_its_best(values):
    assert reliability.availability_in_series(values) <= min(values) + 1e-12
    assert reliability.availability_in_parallel(values) >= max(values) - 1e-12


@pytest.mark.parametrize("bad", [1.5, -0.1, math.nan])
def test_probabilities_outside_0_1_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="availability"):
        reliability.downtime_minutes(bad)
    with pytest.raises(ValueError, match="availabilities"):
        reliability.availability_in_series([0.9, bad])
    with pytest.raises(ValueError, match="availabilities"):
        reliability.availability_in_parallel([bad])
    with pytest.raises(ValueError, match="slo"):
        reliability.error_budget_minutes(bad)


def test_negative_rates_and_windows_are_refused_by_name():
    with pytest.raises(ValueError, match="burn_rate"):
        reliability.budget_exhaustion_days(-1.0)
    with pytest.raises(ValueError, match="burn_rate"):
        reliability.budget_exhaustion_days(0.0)
    with pytest.raises(ValueError, match="window_days"):
        reliability.downtime_minutes(0.999, -30)
