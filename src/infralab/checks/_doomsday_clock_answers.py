"""Reference answers and common wrong answers for :mod:`infralab.checks.doomsday_clock`.

The private functions here work out, from the closed-form formula of each task
of lesson 03, the expected answer (``_storage_growth``, ``_doubling_time``,
``_days_until_limit``, ``_start_by``, ``_trailing_growth``,
``_earliest_reference``) and what each known mistake produces; they also build
the inputs of the hidden cases (``_growth_history``, ``_resources``). They are
independent of the course's own :mod:`infralab.growth`. The check messages,
cases and hints themselves stay in :mod:`infralab.checks.doomsday_clock`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------- 1. storage growth


BYTES_PER_GIB = 1024**3


def _storage_growth(rows_per_day, bytes_per_row):
    return rows_per_day * bytes_per_row / BYTES_PER_GIB


# --------------------------------------------------------------------------- 2. doubling time


def _doubling_time(daily_growth_rate):
    if daily_growth_rate <= 0:
        return math.inf
    return math.log(2) / math.log1p(daily_growth_rate)


# --------------------------------------------------------------------------- 3. days until limit


def _days_until_limit(current, limit, daily_growth_rate):
    if current >= limit:
        return 0.0
    if daily_growth_rate <= 0:
        return math.inf
    return math.log(limit / current) / math.log1p(daily_growth_rate)


def _days_without_over_limit_guard(current, limit, daily_growth_rate):
    if daily_growth_rate <= 0:
        return math.inf
    return math.log(limit / current) / math.log1p(daily_growth_rate)


def _days_without_rate_guard(current, limit, daily_growth_rate):
    if current >= limit:
        return 0.0
    return math.log(limit / current) / math.log1p(daily_growth_rate)


# --------------------------------------------------------------------------- 4. start-by date


def _start_by(doomsday_date, lead_time_days, buffer_days):
    return pd.Timestamp(doomsday_date) - pd.Timedelta(days=lead_time_days + buffer_days)


# ----------------------------------------------------------------------- 5. trailing growth rate


def _slope(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    centred = x - x.mean()
    return float(np.dot(centred, y - y.mean()) / np.dot(centred, centred))


def _day_numbers(dates):
    return ((dates - dates.min()) / pd.Timedelta(days=1)).to_numpy(dtype=float)


def _trailing_growth(dates, values, window_days):
    dates = pd.Series(pd.to_datetime(dates))
    values = pd.Series(values, index=dates.index, dtype=float)
    keep = dates > dates.max() - pd.Timedelta(days=window_days)
    return math.expm1(_slope(_day_numbers(dates[keep]), np.log(values[keep])))


def _trailing_log_slope(dates, values, window_days):
    return math.log1p(_trailing_growth(dates, values, window_days))


def _trailing_linear_slope(dates, values, window_days):
    keep = dates > dates.max() - pd.Timedelta(days=window_days)
    return _slope(_day_numbers(dates[keep]), values[keep])


def _growth_over_all_rows(dates, values, window_days):
    return math.expm1(_slope(_day_numbers(dates), np.log(values)))


def _growth_over_last_rows(dates, values, window_days):
    return _growth_over_all_rows(dates.iloc[-window_days:], values.iloc[-window_days:], 0)


def _growth_on_row_positions(dates, values, window_days):
    keep = dates > dates.max() - pd.Timedelta(days=window_days)
    return math.expm1(_slope(np.arange(int(keep.sum())), np.log(values[keep])))


def _growth_one_day_too_many(dates, values, window_days):
    keep = dates >= dates.max() - pd.Timedelta(days=window_days)
    return math.expm1(_slope(_day_numbers(dates[keep]), np.log(values[keep])))


def _growth_history(start, days, regimes, first_value, wobble=0.0, weekdays_only=False):
    """Daily values growing at ``regimes`` [(from_day, daily rate), ...], with a fixed wobble.

    The wobble is a deterministic sum of sines (relative size ``wobble``), so
    the cases are the same on every machine and every numpy version.
    """
    day = np.arange(days)
    rate = np.zeros(days)
    for from_day, daily_rate in regimes:
        rate[day >= from_day] = daily_rate
    log_values = math.log(first_value) + np.concatenate(([0.0], np.cumsum(np.log1p(rate[1:]))))
    log_values += wobble * (0.6 * np.sin(1.7 * day) + 0.4 * np.sin(4.1 * day + 1.0))
    dates = pd.date_range(start, periods=days, freq="D")
    keep = dates.day_of_week < 5 if weekdays_only else np.ones(days, dtype=bool)
    return (
        pd.Series(dates[keep], name="date"),
        pd.Series(np.exp(log_values[keep]), name="value"),
    )


# --------------------------------------------------------------------------- 6. earliest doomsday


def _days_each(resources, *, over_limit_guard=True, rate_guard=True):
    current = resources["current"].to_numpy(dtype=float)
    limit = resources["limit"].to_numpy(dtype=float)
    rate = resources["daily_growth_rate"].to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        days = np.log(limit / current) / np.log1p(rate)
    if rate_guard:
        days = np.where(rate <= 0, np.inf, days)
    if over_limit_guard:
        days = np.where(current >= limit, 0.0, days)
    return days


def _name_and_date(resources, as_of, days, index, rounding=math.floor):
    if index is None or not np.isfinite(days[index]):
        return (None, None)
    name = str(resources["resource"].iloc[index])
    return (name, pd.Timestamp(as_of) + pd.Timedelta(days=rounding(days[index])))


def _earliest(resources, as_of, *, rounding=math.floor, **guards):
    days = _days_each(resources, **guards)
    index = int(np.argmin(days)) if np.isfinite(days).any() else None
    return _name_and_date(resources, as_of, days, index, rounding)


def _earliest_reference(resources, as_of):
    return _earliest(resources, as_of)


def _closest_to_limit(resources, as_of):
    share = resources["current"].to_numpy(dtype=float) / resources["limit"].to_numpy(dtype=float)
    index = int(np.argmax(share))
    return _name_and_date(resources, as_of, _days_each(resources), index)


def _fastest_growing(resources, as_of):
    index = int(np.argmax(resources["daily_growth_rate"].to_numpy(dtype=float)))
    return _name_and_date(resources, as_of, _days_each(resources), index)


def _days_not_date(resources, as_of):
    days = _days_each(resources)
    if not np.isfinite(days).any():
        return (None, None)
    index = int(np.argmin(days))
    return (str(resources["resource"].iloc[index]), float(days[index]))


def _resources(*rows):
    return pd.DataFrame(list(rows), columns=["resource", "current", "limit", "daily_growth_rate"])
