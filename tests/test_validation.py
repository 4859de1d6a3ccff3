"""Tests for infralab.validation: what each check accepts, and what it says when it refuses.

Every refusal must name the parameter, show the value it got and say what was expected,
so each rejected case is checked against the exact message a learner would read.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.validation import (
    check_array,
    check_choice,
    check_count,
    check_date,
    check_days,
    check_integer,
    check_number,
    check_probability,
    check_seed,
)

INF = float("inf")
NAN = float("nan")


def raises_exactly(error: type[Exception], message: str):
    """``pytest.raises`` that demands the whole message, word for word."""
    return pytest.raises(error, match=f"^{re.escape(message)}$")


# --------------------------------------------------------------------------- #
# check_number
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "bounds", "expected"),
    [
        (270, {"low": 0}, 270.0),
        (2.5, {}, 2.5),
        (-3, {}, -3.0),
        (np.float64(1.5), {}, 1.5),
        (np.float32(0.5), {}, 0.5),
        (np.int64(7), {}, 7.0),
        (Fraction(1, 4), {}, 0.25),
        (0, {"low": 0}, 0.0),  # the low bound itself, inclusive by default
        (1, {"high": 1}, 1.0),  # the high bound itself, inclusive by default
        (0.001, {"low": 0, "low_inclusive": False}, 0.001),
        (0.999, {"high": 1, "high_inclusive": False}, 0.999),
        (INF, {"allow_inf": True}, INF),
        (-INF, {"allow_inf": True}, -INF),
        (INF, {"low": 0, "allow_inf": True}, INF),
    ],
)
def test_check_number_accepts_and_returns_a_float(value, bounds, expected):
    result = check_number("lead_time_days", value, **bounds)
    assert type(result) is float
    assert result == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "growth_rate must be a number, got True"),
        (False, "growth_rate must be a number, got False"),
        ("0.05", "growth_rate must be a number, got '0.05'"),
        (None, "growth_rate must be a number, got None"),
        ([0.05], "growth_rate must be a number, got [0.05]"),
        (1 + 0j, "growth_rate must be a number, got (1+0j)"),
    ],
)
def test_check_number_refuses_non_numbers_with_type_error(value, message):
    with raises_exactly(TypeError, message):
        check_number("growth_rate", value)


@pytest.mark.parametrize(
    ("value", "bounds", "message"),
    [
        (NAN, {}, "growth_rate must be a number, got NaN"),
        (np.nan, {"allow_inf": True}, "growth_rate must be a number, got NaN"),
        (INF, {}, "growth_rate must be finite, got inf"),
        (-INF, {}, "growth_rate must be finite, got -inf"),
        (-1.5, {"low": -1}, "growth_rate must be >= -1, got -1.5"),
        (-1, {"low": -1, "low_inclusive": False}, "growth_rate must be > -1, got -1"),
        (-1.5, {"low": -1, "low_inclusive": False}, "growth_rate must be > -1, got -1.5"),
        (2.5, {"high": 2}, "growth_rate must be <= 2, got 2.5"),
        (2, {"high": 2, "high_inclusive": False}, "growth_rate must be < 2, got 2"),
        (3.0, {"low": 0, "high": 2}, "growth_rate must be <= 2, got 3.0"),
        (-INF, {"low": 0, "allow_inf": True}, "growth_rate must be >= 0, got -inf"),
        (INF, {"high": 10, "allow_inf": True}, "growth_rate must be <= 10, got inf"),
        (0.5, {"low": 0.75}, "growth_rate must be >= 0.75, got 0.5"),
    ],
)
def test_check_number_refuses_bad_values_with_value_error(value, bounds, message):
    with raises_exactly(ValueError, message):
        check_number("growth_rate", value, **bounds)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_finite_float_inside_the_bounds_passes_and_comes_back_unchanged(data):
    finite = st.floats(allow_nan=False, allow_infinity=False)
    low, high = sorted([data.draw(finite, label="low"), data.draw(finite, label="high")])
    value = data.draw(st.floats(min_value=low, max_value=high), label="value")
    result = check_number("value", value, low=low, high=high)
    assert type(result) is float
    assert result == value


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_finite_float_outside_the_bounds_is_refused(data):
    # Bounds stay clear of the largest floats so there is always room outside them.
    bound = st.floats(min_value=-1e300, max_value=1e300)
    low, high = sorted([data.draw(bound, label="low"), data.draw(bound, label="high")])
    below = st.floats(max_value=low, exclude_max=True, allow_infinity=False)
    above = st.floats(min_value=high, exclude_min=True, allow_infinity=False)
    value = data.draw(below | above, label="value")
    expected = f"value must be >= {low:g}" if value < low else f"value must be <= {high:g}"
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}, got "):
        check_number("value", value, low=low, high=high)


# --------------------------------------------------------------------------- #
# check_integer
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "bounds", "expected"),
    [
        (32, {"low": 1}, 32),
        (np.int64(7), {}, 7),
        (np.int32(-4), {}, -4),
        (3.0, {}, 3),  # a whole float is a whole number
        (np.float64(4.0), {}, 4),
        (1, {"low": 1}, 1),  # inclusive low
        (10, {"high": 10}, 10),  # inclusive high
        (0, {"low": 0, "high": 0}, 0),
    ],
)
def test_check_integer_accepts_and_returns_a_plain_int(value, bounds, expected):
    result = check_integer("n_hosts", value, **bounds)
    assert type(result) is int
    assert result == expected


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (True, TypeError, "n_hosts must be a whole number, got True"),
        ("3", TypeError, "n_hosts must be a whole number, got '3'"),
        (None, TypeError, "n_hosts must be a whole number, got None"),
        ([3], TypeError, "n_hosts must be a whole number, got [3]"),
        (2.5, ValueError, "n_hosts must be a whole number, got 2.5"),
        (NAN, ValueError, "n_hosts must be a whole number, got nan"),
        (INF, ValueError, "n_hosts must be a whole number, got inf"),
        (0, ValueError, "n_hosts must be >= 1, got 0"),
        (-5.0, ValueError, "n_hosts must be >= 1, got -5"),
        (11, ValueError, "n_hosts must be <= 10, got 11"),
    ],
)
def test_check_integer_refuses(value, error, message):
    with raises_exactly(error, message):
        check_integer("n_hosts", value, low=1, high=10)


# --------------------------------------------------------------------------- #
# check_count and check_days: sizes and durations, bounded
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "expected"), [(1, 1), (480, 480), (np.int64(7), 7), (20.0, 20), (10**7, 10**7)]
)
def test_check_count_accepts_whole_numbers_in_range(value, expected):
    result = check_count("n_workspaces", value, high=10**7)
    assert type(result) is int
    assert result == expected


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (10**10, ValueError, "n_workspaces must be from 1 to 10,000,000, got 10,000,000,000"),
        (1e10, ValueError, "n_workspaces must be from 1 to 10,000,000, got 10,000,000,000"),
        (10**7 + 1, ValueError, "n_workspaces must be from 1 to 10,000,000, got 10,000,001"),
        (0, ValueError, "n_workspaces must be from 1 to 10,000,000, got 0"),
        (-3, ValueError, "n_workspaces must be from 1 to 10,000,000, got -3"),
        (2.5, ValueError, "n_workspaces must be a whole number, got 2.5"),
        (INF, ValueError, "n_workspaces must be a whole number, got inf"),
        ("10", TypeError, "n_workspaces must be a whole number, got '10'"),
        (True, TypeError, "n_workspaces must be a whole number, got True"),
    ],
)
def test_check_count_refuses_naming_the_whole_range(value, error, message):
    with raises_exactly(error, message):
        check_count("n_workspaces", value, high=10**7)


def test_check_count_takes_another_low_bound():
    assert check_count("payload_bytes", 0, low=0, high=10) == 0
    with raises_exactly(ValueError, "payload_bytes must be from 0 to 10, got 11"):
        check_count("payload_bytes", 11, low=0, high=10)


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0.0), (270, 270.0), (0.5, 0.5), (36_500, 36_500.0)]
)
def test_check_days_accepts_durations_in_range(value, expected):
    result = check_days("lead_time_days", value, high=36_500)
    assert type(result) is float
    assert result == expected


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (1e10, ValueError, "lead_time_days must be from 0 to 36,500 days, got 10000000000.0"),
        (36_501, ValueError, "lead_time_days must be from 0 to 36,500 days, got 36501"),
        (-1, ValueError, "lead_time_days must be from 0 to 36,500 days, got -1"),
        (INF, ValueError, "lead_time_days must be finite, got inf"),
        (NAN, ValueError, "lead_time_days must be a number, got NaN"),
        ("9 months", TypeError, "lead_time_days must be a number, got '9 months'"),
        (10**400, ValueError, "lead_time_days must be finite, got a number too large for a float"),
    ],
)
def test_check_days_refuses_naming_the_whole_range(value, error, message):
    with raises_exactly(error, message):
        check_days("lead_time_days", value, high=36_500)


@settings(max_examples=60, deadline=None)
@given(value=st.integers(-(10**30), 10**30), high=st.integers(1, 10**9))
def test_check_count_accepts_exactly_the_range_it_names(value, high):
    if 1 <= value <= high:
        assert check_count("n_keys", value, high=high) == value
    else:
        with raises_exactly(ValueError, f"n_keys must be from 1 to {high:,}, got {value:,}"):
            check_count("n_keys", value, high=high)


# --------------------------------------------------------------------------- #
# check_probability
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("value", [0, 0.0, 0.3, 1, 1.0, np.float32(0.5), Fraction(1, 8)])
def test_check_probability_accepts_zero_to_one_inclusive(value):
    result = check_probability("blocker_rate", value)
    assert type(result) is float
    assert result == float(value)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-0.01, ValueError, "blocker_rate must be >= 0, got -0.01"),
        (1.01, ValueError, "blocker_rate must be <= 1, got 1.01"),
        (30, ValueError, "blocker_rate must be <= 1, got 30"),
        (NAN, ValueError, "blocker_rate must be a number, got NaN"),
        (INF, ValueError, "blocker_rate must be finite, got inf"),
        (True, TypeError, "blocker_rate must be a number, got True"),
        ("0.5", TypeError, "blocker_rate must be a number, got '0.5'"),
        (None, TypeError, "blocker_rate must be a number, got None"),
    ],
)
def test_check_probability_refuses(value, error, message):
    with raises_exactly(error, message):
        check_probability("blocker_rate", value)


# --------------------------------------------------------------------------- #
# check_choice
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "choices",
    [
        ("linear", "exponential"),
        ["linear", "exponential"],
        {"linear": 1, "exponential": 2},
        (name for name in ("linear", "exponential")),  # read once, still works
    ],
    ids=["tuple", "list", "dict", "generator"],
)
def test_check_choice_returns_the_value_itself(choices):
    value = "exponential"
    assert check_choice("model", value, choices) is value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("cubic", "model must be one of 'linear', 'exponential'; got 'cubic'"),
        ("Linear", "model must be one of 'linear', 'exponential'; got 'Linear'"),
        (None, "model must be one of 'linear', 'exponential'; got None"),
        (1, "model must be one of 'linear', 'exponential'; got 1"),
    ],
)
def test_check_choice_lists_the_options_when_refusing(value, message):
    with raises_exactly(ValueError, message):
        check_choice("model", value, ("linear", "exponential"))


def test_a_long_value_is_shortened_in_the_message():
    value = "x" * 200
    with pytest.raises(ValueError) as caught:
        check_choice("model", value, ("linear",))
    shown = str(caught.value).split("; got ", 1)[1]
    assert len(shown) == 60
    assert shown == repr(value)[:57] + "..."


# --------------------------------------------------------------------------- #
# check_array
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("values", "options", "expected"),
    [
        ([1, 2, 3], {}, [1.0, 2.0, 3.0]),
        ((0.5, 1.5), {}, [0.5, 1.5]),
        (np.array([4, 5, 6], dtype=np.int64), {}, [4.0, 5.0, 6.0]),
        (pd.Series([7.0, 8.0]), {}, [7.0, 8.0]),
        ([0.0, 1.0], {"low": 0, "high": 1}, [0.0, 1.0]),  # bounds are inclusive
        ([0.1, 10.0], {"positive": True}, [0.1, 10.0]),
        ([1, 2, 10], {"increasing": True}, [1.0, 2.0, 10.0]),
        ([5], {"increasing": True}, [5.0]),  # one value is trivially increasing
        ([1, 2], {"min_length": 2}, [1.0, 2.0]),
        ([], {"min_length": 0}, []),
    ],
)
def test_check_array_returns_a_one_dimensional_float_array(values, options, expected):
    result = check_array("usage_gb", values, **options)
    assert isinstance(result, np.ndarray)
    assert result.dtype == np.float64
    assert result.ndim == 1
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize(
    "values",
    ["1, 2, 3", b"123", None, ["a", "b"], {"a": 1}, [[1, 2], [3]]],
    ids=["str", "bytes", "None", "words", "dict", "ragged"],
)
def test_check_array_refuses_non_numbers_with_type_error(values):
    with pytest.raises(TypeError) as caught:
        check_array("usage_gb", values)
    message = str(caught.value)
    assert message.startswith("usage_gb must be a sequence of numbers, got ")
    assert message.endswith(repr(values)[:57])


@pytest.mark.parametrize(
    ("values", "options", "message"),
    [
        ([[1, 2], [3, 4]], {}, "usage_gb must be one-dimensional, got shape (2, 2)"),
        (np.zeros((3, 1)), {}, "usage_gb must be one-dimensional, got shape (3, 1)"),
        (5.0, {}, "usage_gb must be one-dimensional, got shape ()"),
        ([], {}, "usage_gb must hold at least 1 values, got 0"),
        ([1, 2], {"min_length": 3}, "usage_gb must hold at least 3 values, got 2"),
        ([1, NAN, 3], {}, "usage_gb must hold finite numbers, got nan at position 1"),
        ([1, 2, INF], {}, "usage_gb must hold finite numbers, got inf at position 2"),
        ([-INF, 2], {}, "usage_gb must hold finite numbers, got -inf at position 0"),
        ([1, 0, -2], {"positive": True}, "usage_gb must be > 0, got 0 at position 1"),
        ([-3, 1], {"positive": True}, "usage_gb must be > 0, got -3 at position 0"),
        ([1, -2, -3], {"low": 0}, "usage_gb must be >= 0, got -2 at position 1"),
        ([0.5, 1, 1.5, 2], {"high": 1}, "usage_gb must be <= 1, got 1.5 at position 2"),
        ([1, 2, 2, 3], {"increasing": True}, "usage_gb must be strictly increasing, got 2 after 2 "
         "at position 2"),
        ([3, 2, 1], {"increasing": True}, "usage_gb must be strictly increasing, got 2 after 3 "
         "at position 1"),
        ([1, 2, 3, 0], {"increasing": True}, "usage_gb must be strictly increasing, got 0 after 3 "
         "at position 3"),
    ],
)
def test_check_array_refuses_bad_contents_with_the_position(values, options, message):
    with raises_exactly(ValueError, message):
        check_array("usage_gb", values, **options)


# --------------------------------------------------------------------------- #
# check_date
# --------------------------------------------------------------------------- #

MARCH_FIRST = pd.Timestamp("2020-03-01")


@pytest.mark.parametrize(
    "value",
    [
        "2020-03-01",
        "2020-03-01 00:00",
        dt.date(2020, 3, 1),
        dt.datetime(2020, 3, 1),
        pd.Timestamp("2020-03-01"),
        np.datetime64("2020-03-01"),
    ],
    ids=["iso-string", "string-with-time", "date", "datetime", "timestamp", "datetime64"],
)
def test_check_date_returns_a_timestamp(value):
    result = check_date("as_of", value)
    assert isinstance(result, pd.Timestamp)
    assert result == MARCH_FIRST


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("not a date", ValueError, "as_of must be a date like '2020-03-01', got 'not a date'"),
        ("2020-02-30", ValueError, "as_of must be a date like '2020-03-01', got '2020-02-30'"),
        ("2020-13-01", ValueError, "as_of must be a date like '2020-03-01', got '2020-13-01'"),
        ("", ValueError, "as_of must be a date, got ''"),
        (pd.NaT, ValueError, "as_of must be a date, got NaT"),
        (np.datetime64("NaT"), ValueError, f"as_of must be a date, got {np.datetime64('NaT')!r}"),
        (20200301, TypeError, "as_of must be a date like '2020-03-01', got 20200301"),
        (2020.5, TypeError, "as_of must be a date like '2020-03-01', got 2020.5"),
        (None, TypeError, "as_of must be a date like '2020-03-01', got None"),
        (True, TypeError, "as_of must be a date like '2020-03-01', got True"),
    ],
)
def test_check_date_refuses(value, error, message):
    with raises_exactly(error, message):
        check_date("as_of", value)


# --------------------------------------------------------------------------- #
# check_seed
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("seed", [0, 42, np.int64(7), 2**63])
def test_a_seed_gives_the_same_stream_as_numpy(seed):
    rng = check_seed("rng", seed)
    assert isinstance(rng, np.random.Generator)
    expected = np.random.default_rng(int(seed)).random(5)
    np.testing.assert_array_equal(rng.random(5), expected)


def test_a_generator_is_passed_through_untouched():
    generator = np.random.default_rng(3)
    assert check_seed("rng", generator) is generator


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-1, ValueError, "rng must be >= 0, got -1"),
        (1.5, ValueError, "rng must be a whole number, got 1.5"),
        (True, TypeError, "rng must be a whole number, got True"),
        ("42", TypeError, "rng must be a whole number, got '42'"),
        (None, TypeError, "rng must be a whole number, got None"),
    ],
)
def test_check_seed_refuses(value, error, message):
    with raises_exactly(error, message):
        check_seed("rng", value)


def test_a_legacy_random_state_is_refused_naming_the_parameter():
    with pytest.raises(TypeError, match=r"^rng must be a whole number, got RandomState"):
        check_seed("rng", np.random.RandomState(0))



@pytest.mark.parametrize("values", [["1", "2"], [True, False], np.array(["a"])])
def test_check_array_rejects_text_and_booleans(values):
    with pytest.raises(TypeError, match="usage_gb must be a sequence of numbers"):
        check_array("usage_gb", values)


def test_check_number_rejects_a_number_too_large_for_a_float():
    with pytest.raises(ValueError, match="growth_rate must be finite"):
        check_number("growth_rate", 10**400)


def test_check_choice_names_the_argument_for_an_array():
    with pytest.raises(ValueError, match="model must be one of"):
        check_choice("model", np.array([1, 2]), ("linear", "exponential"))


def test_check_array_explains_how_to_turn_dates_into_day_numbers():
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-02"]))
    with pytest.raises(TypeError, match=r"days must be numbers, got dates.*\.dt\.days"):
        check_array("days", dates)
    with pytest.raises(TypeError, match="got dates or durations"):
        check_array("days", dates - dates.iloc[0])


def test_check_array_reads_missing_values_of_a_nullable_column_as_not_finite():
    with pytest.raises(ValueError, match="days must hold finite numbers, got nan at position 1"):
        check_array("days", pd.Series([1, None], dtype="Int64"))


@pytest.mark.parametrize("word", ["today", "now", " Yesterday "])
def test_check_date_refuses_relative_words(word):
    with pytest.raises(ValueError, match="as_of must be a calendar date"):
        check_date("as_of", word)


def test_check_date_refuses_a_time_zone():
    with pytest.raises(ValueError, match="as_of must be a date without a time zone"):
        check_date("as_of", pd.Timestamp("2020-03-01", tz="UTC"))


def test_check_choice_accepts_numpy_strings():
    assert check_choice("model", np.str_("linear"), ("linear", "exponential")) == "linear"
