"""Right answers to lesson 03's exercises, written the way a learner would.

They are written independently of the reference functions in
:mod:`infralab.checks.doomsday_clock`. :data:`RIGHT_ANSWERS` maps each task to its
answer; tests/test_lesson_checks.py runs it through the task's check.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def storage_growth_gib_per_day(rows_per_day, bytes_per_row):
    return rows_per_day * bytes_per_row / 2**30


def doubling_time_days(daily_growth_rate):
    if daily_growth_rate <= 0:
        return math.inf
    return np.log(2) / np.log(1 + daily_growth_rate)


def days_until_limit(current, limit, daily_growth_rate):
    if current >= limit:
        return 0
    if daily_growth_rate <= 0:
        return float("inf")
    return math.log(limit / current, 10) / math.log(1 + daily_growth_rate, 10)


def start_by_date(doomsday_date, lead_time_days, buffer_days):
    return pd.Timestamp(doomsday_date) - pd.Timedelta(days=lead_time_days + buffer_days)


def trailing_growth_rate(dates, values, window_days):
    recent = dates > dates.max() - pd.Timedelta(days=window_days)
    day_number = (dates[recent] - dates[recent].iloc[0]).dt.days
    slope, _ = np.polyfit(day_number, np.log(values[recent]), 1)
    return np.exp(slope) - 1


def earliest_doomsday(resources, as_of):
    days = [
        days_until_limit(row.current, row.limit, row.daily_growth_rate)
        for row in resources.itertuples()
    ]
    first = int(np.argmin(days))
    if math.isinf(days[first]):
        return (None, None)
    return (resources["resource"].iloc[first], as_of + pd.Timedelta(days=math.floor(days[first])))


RIGHT_ANSWERS = {
    "storage_growth_gib_per_day": storage_growth_gib_per_day,
    "doubling_time_days": doubling_time_days,
    "days_until_limit": days_until_limit,
    "start_by_date": start_by_date,
    "trailing_growth_rate": trailing_growth_rate,
    "earliest_doomsday": earliest_doomsday,
}
