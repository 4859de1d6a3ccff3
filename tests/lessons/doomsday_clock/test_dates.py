"""Tests for infralab.growth.dates: the doomsday table and the start-by date, by hand."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.growth.dates import doomsday_table, start_by_date
from infralab.growth.fitting import DAYS_PER_MONTH

from .helpers import bad


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
# Bad arguments name themselves
# ---------------------------------------------------------------------------

FRAME = metrics_frame()
STORAGE = {"frame": FRAME, "limits": {"storage_gb": 9.0}}
JUNE_30 = {"doomsday_date": "2021-06-30"}


BAD_CALLS = [
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
    bad(doomsday_table, ValueError, "block_days", **STORAGE, block_days=0),
    # Durations too long for a calendar are refused by name, not by pandas' overflow.
    bad(start_by_date, ValueError, "lead_time_days", **JUNE_30, lead_time_days=1e10),
    bad(start_by_date, ValueError, "buffer_days", **JUNE_30, lead_time_days=270, buffer_days=1e10),
    bad(start_by_date, ValueError, "lead_time_days", **JUNE_30, lead_time_days=36_501),
]


@pytest.mark.parametrize(("function", "arguments", "error", "name"), BAD_CALLS)
def test_bad_arguments_raise_and_name_the_argument(function, arguments, error, name):
    with pytest.raises(error, match=rf"\b{re.escape(name)}\b"):
        function(**arguments)


def test_a_lead_time_too_long_for_a_calendar_gives_the_allowed_range():
    with pytest.raises(ValueError) as caught:
        start_by_date("2024-01-01", 1e10)
    assert str(caught.value) == (
        "lead_time_days must be from 0 to 36,500 days, got 10000000000.0"
    )


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_start_by_date_goes_a_century_back_whatever_the_date_unit(unit):
    doomsday = pd.Timestamp("1700-06-30").as_unit(unit)
    assert start_by_date(doomsday, 36_500) == pd.Timestamp("1600-07-24")
    assert start_by_date(doomsday, 36_500, 36_500) == pd.Timestamp("1500-08-18")
    assert start_by_date(doomsday, 0.5) == pd.Timestamp("1700-06-29 12:00")


def test_doomsday_table_projects_past_the_last_nanosecond_date():
    # Nanosecond timestamps end on 2262-04-11; the doomsday of this table falls after it.
    frame = metrics_frame()
    frame["date"] = pd.date_range("2261-10-01", periods=120, freq="D").as_unit("ns")
    table = doomsday_table(frame, {"storage_gb": 1000.0}, n_simulations=50)
    assert table.loc[0, "doomsday"] == pd.Timestamp("2262-05-20")  # day 231, as from 2020


@settings(max_examples=60, deadline=None)
@given(
    doomsday=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    kind=st.sampled_from([str, pd.Timestamp, np.datetime64, lambda day: day]),
    lead=st.floats(0.0, 36_500.0),
    buffer=st.floats(0.0, 36_500.0),
)
def test_any_date_and_duration_in_range_gives_a_date(doomsday, kind, lead, buffer):
    start = start_by_date(kind(doomsday.isoformat()) if kind is str else kind(doomsday), lead,
                          buffer)
    assert isinstance(start, pd.Timestamp)
    assert start <= pd.Timestamp(doomsday)
    assert (pd.Timestamp(doomsday) - start) / pd.Timedelta(days=1) == pytest.approx(lead + buffer)


@settings(max_examples=40, deadline=None)
@given(
    lead=st.floats(36_500.0, 1e300, exclude_min=True) | st.floats(-1e300, 0.0, exclude_max=True),
    which=st.sampled_from(["lead_time_days", "buffer_days"]),
)
def test_any_duration_out_of_range_is_refused_by_name(lead, which):
    arguments = {"lead_time_days": 270.0, "buffer_days": 0.0, which: lead}
    with pytest.raises(ValueError, match=rf"^{which} must be from 0 to 36,500 days, got "):
        start_by_date("2021-06-30", **arguments)
