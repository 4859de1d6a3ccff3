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


def start_by_date(doomsday_date, lead_time_days, buffer_days):
    return pd.Timestamp(doomsday_date) - pd.Timedelta(days=lead_time_days + buffer_days)


def days_until_limit(current, limit, daily_growth_rate):
    if current >= limit:
        return 0
    if daily_growth_rate <= 0:
        return float("inf")
    return math.log(limit / current, 10) / math.log(1 + daily_growth_rate, 10)


def days_until_total_limit(total, limit, added_per_day, daily_growth_rate):
    if total >= limit:
        return 0
    if added_per_day <= 0:
        return math.inf
    if daily_growth_rate == 0:
        return (limit - total) / added_per_day
    k = np.log(1 + daily_growth_rate)
    inside = 1 + (limit - total) * k / added_per_day
    if inside <= 0:
        return math.inf
    return np.log(inside) / k


def trailing_growth_rate(dates, values, window_days):
    recent = dates > dates.max() - pd.Timedelta(days=window_days)
    day_number = (dates[recent] - dates[recent].iloc[0]).dt.days
    slope, _ = np.polyfit(day_number, np.log(values[recent]), 1)
    return np.exp(slope) - 1


def crossing_band(crossing_days, band=0.8):
    days = sorted(crossing_days)
    edges = []
    for q in ((1 - band) / 2, 0.5, (1 + band) / 2):
        position = q * (len(days) - 1)
        below = int(position)
        fraction = position - below
        if fraction == 0:
            edges.append(days[below])
        elif math.isinf(days[below + 1]):
            edges.append(math.inf)
        else:
            edges.append(days[below] + fraction * (days[below + 1] - days[below]))
    return tuple(edges)


def band_coverage(low, high, truth):
    inside = [lo <= true <= hi for lo, hi, true in zip(low, high, truth, strict=True)]
    return sum(inside) / len(inside)


def share_moved_modulo(n_keys, old_hosts, new_hosts):
    keys = np.arange(n_keys)
    return np.mean(keys % old_hosts != keys % new_hosts)


def most_urgent_fix(resources, as_of):
    best = (None, None)
    for row in resources.itertuples():
        days = days_until_limit(row.current, row.limit, row.daily_growth_rate)
        if math.isinf(days):
            continue
        doomsday = as_of + pd.Timedelta(days=math.floor(days))
        start = doomsday - pd.Timedelta(days=row.lead_time_days)
        if best[1] is None or start < best[1]:
            best = (row.resource, start)
    return best


RIGHT_ANSWERS = {
    "storage_growth_gib_per_day": storage_growth_gib_per_day,
    "doubling_time_days": doubling_time_days,
    "start_by_date": start_by_date,
    "days_until_limit": days_until_limit,
    "days_until_total_limit": days_until_total_limit,
    "trailing_growth_rate": trailing_growth_rate,
    "crossing_band": crossing_band,
    "band_coverage": band_coverage,
    "share_moved_modulo": share_moved_modulo,
    "most_urgent_fix": most_urgent_fix,
}
