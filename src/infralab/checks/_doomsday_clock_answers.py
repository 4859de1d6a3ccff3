"""Reference answers and common wrong answers for :mod:`infralab.checks.doomsday_clock`.

The private functions here work out, from the closed-form formula of each task
of lesson 03, the expected answer (``_storage_growth``, ``_doubling_time``,
``_start_by``, ``_days_until_limit``, ``_days_until_total_limit``,
``_trailing_growth``, ``_crossing_band``, ``_band_coverage``,
``_share_moved_modulo``, ``_most_urgent_reference``) and what each known
mistake produces; they also build the inputs of the hidden cases
(``_growth_history``, ``_resources``).
They are independent of the course's own :mod:`infralab.growth`. The check
messages, cases and hints themselves stay in :mod:`infralab.checks.doomsday_clock`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------- 1. storage growth


BYTES_PER_GIB = 1024**3


def _storage_growth(rows_per_day, bytes_per_row):
    return rows_per_day * bytes_per_row / BYTES_PER_GIB


def _rounded(reference, digits):
    """``reference`` with its answer rounded to ``digits`` decimals, as ``round`` does."""

    def answer(*args):
        return round(float(reference(*args)), digits)

    return answer


# --------------------------------------------------------------------------- 2. doubling time


def _doubling_time(daily_growth_rate):
    if daily_growth_rate <= 0:
        return math.inf
    return math.log(2) / math.log1p(daily_growth_rate)


# --------------------------------------------------------------------------- 3. start-by date


def _start_by(doomsday_date, lead_time_days, buffer_days):
    return pd.Timestamp(doomsday_date) - pd.Timedelta(days=lead_time_days + buffer_days)


def _start_by_in_nanoseconds(doomsday_date, lead_time_days, buffer_days):
    """``pd.Timedelta(n)`` without ``days=``: n nanoseconds."""
    return pd.Timestamp(doomsday_date) - pd.Timedelta(lead_time_days + buffer_days)


def _doomsday_itself(doomsday_date, lead_time_days, buffer_days):
    return pd.Timestamp(doomsday_date)


# --------------------------------------------------------------------------- 4. days until limit


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


def _days_rate_guard_without_zero(current, limit, daily_growth_rate):
    """``daily_growth_rate < 0`` where ``<= 0`` is meant: a rate of 0 divides by ln 1 = 0."""
    if current >= limit:
        return 0.0
    if daily_growth_rate < 0:
        return math.inf
    return math.log(limit / current) / math.log1p(daily_growth_rate)


def _days_guards_in_the_wrong_order(current, limit, daily_growth_rate):
    if daily_growth_rate <= 0:
        return math.inf
    if current >= limit:
        return 0.0
    return math.log(limit / current) / math.log1p(daily_growth_rate)


def _days_without_guards_numpy(current, limit, daily_growth_rate):
    """The formula alone, in numpy: 0 / 0 is NaN and x / 0 infinite rather than errors."""
    return np.log(np.float64(limit) / current) / np.log1p(np.float64(daily_growth_rate))


def _in_whole_days(reference, rounding):
    """``reference`` with its finite answers rounded to whole days by ``rounding``."""

    def answer(*args):
        days = reference(*args)
        return rounding(days) if math.isfinite(days) else days

    return answer


# --------------------------------------------------------------------------- 5. running total


def _days_until_total_limit(total, limit, added_per_day, daily_growth_rate):
    """Days until ``total`` plus additions growing continuously at ``(1 + r) ** s`` reach it."""
    if total >= limit:
        return 0.0
    if added_per_day <= 0:
        return math.inf
    remaining = limit - total
    if daily_growth_rate == 0:
        return remaining / added_per_day
    rate = math.log1p(daily_growth_rate)
    argument = 1 + remaining * rate / added_per_day
    if argument <= 0:  # shrinking additions level off at or below the limit
        return math.inf
    return math.log(argument) / rate


_ALL_GUARDS = frozenset({"over", "added", "flat", "level"})


def _total_with(
    total, limit, added_per_day, daily_growth_rate, *, scale=math.log1p, divide=math.log1p,
    guards=_ALL_GUARDS, numpy=False,
):
    """The running-total formula, as a learner may write it.

    ``scale(r)`` goes inside the logarithm and ``divide(r)`` below it: the
    reference has ``ln(1 + r)`` in both, a discrete sum ``r`` inside. ``guards``
    are the special cases handled: ``"over"`` (at or over the limit: 0),
    ``"added"`` (nothing added: inf), ``"flat"`` (``r == 0``: a straight line),
    ``"level"`` (shrinking additions that level off below the limit: inf).
    ``numpy=True`` computes with numpy floats, where a logarithm of a negative
    number is NaN and a division by zero NaN or inf rather than an error.
    """
    if "over" in guards and total >= limit:
        return 0.0
    if "added" in guards and added_per_day <= 0:
        return math.inf
    remaining = limit - total
    if "flat" in guards and daily_growth_rate == 0:
        return remaining / added_per_day
    rate = np.float64(daily_growth_rate) if numpy else daily_growth_rate
    argument = 1 + remaining * scale(rate) / added_per_day
    if "level" in guards and argument <= 0:
        return math.inf
    log = np.log if numpy else math.log
    return log(argument) / divide(rate)


def _total_discrete_sum(total, limit, added_per_day, daily_growth_rate):
    return _total_with(
        total, limit, added_per_day, daily_growth_rate, scale=lambda r: r, divide=math.log1p
    )


def _total_rate_as_continuous(total, limit, added_per_day, daily_growth_rate):
    return _total_with(
        total, limit, added_per_day, daily_growth_rate, scale=lambda r: r, divide=lambda r: r
    )


def _total_day_by_day(total, limit, added_per_day, daily_growth_rate):
    """A loop over whole days: add today's amount, then grow it; count the days."""
    expected = _days_until_total_limit(total, limit, added_per_day, daily_growth_rate)
    if not math.isfinite(expected) or expected == 0:
        return expected
    days = 0
    while total < limit:
        total += added_per_day
        added_per_day *= 1 + daily_growth_rate
        days += 1
    return days


def _total_shrinking_never(total, limit, added_per_day, daily_growth_rate):
    """Every shrinking rate taken as "never": shrinking additions may still get there."""
    if total < limit and added_per_day > 0 and daily_growth_rate < 0:
        return math.inf
    return _days_until_total_limit(total, limit, added_per_day, daily_growth_rate)


def _total_as_compound(total, limit, added_per_day, daily_growth_rate):
    """Task 4's answer with the additions' rate applied to the whole total."""
    return _days_until_limit(total, limit, daily_growth_rate)


def _total_at_its_own_rate(total, limit, added_per_day, daily_growth_rate):
    """Task 4's answer with today's rate of the total, added_per_day / total, kept fixed."""
    return _days_until_limit(total, limit, added_per_day / total)


def _total_linear(total, limit, added_per_day, daily_growth_rate):
    """The same amount added every day: the total grows in a straight line."""
    if total >= limit:
        return 0.0
    if added_per_day <= 0:
        return math.inf
    return (limit - total) / added_per_day


def _total_without(guard, *, numpy=False):
    """The reference without one of its special cases (see :func:`_total_with`)."""

    log1p = np.log1p if numpy else math.log1p

    def answer(total, limit, added_per_day, daily_growth_rate):
        return _total_with(
            total, limit, added_per_day, daily_growth_rate, scale=log1p, divide=log1p,
            guards=_ALL_GUARDS - {guard}, numpy=numpy,
        )

    return answer


# ----------------------------------------------------------------------- 6. trailing growth rate


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


def _growth_from_endpoints(dates, values, window_days):
    """The rate from the window's first and last values alone, over the days between them."""
    keep = dates > dates.max() - pd.Timedelta(days=window_days)
    kept_dates, kept_values = dates[keep], values[keep]
    days = (kept_dates.iloc[-1] - kept_dates.iloc[0]) / pd.Timedelta(days=1)
    return (kept_values.iloc[-1] / kept_values.iloc[0]) ** (1 / days) - 1


def _growth_from_endpoints_per_row(dates, values, window_days):
    """The rate from the window's first and last values alone, over the rows between them."""
    keep = dates > dates.max() - pd.Timedelta(days=window_days)
    kept = values[keep]
    return (kept.iloc[-1] / kept.iloc[0]) ** (1 / (len(kept) - 1)) - 1


def _growth_mean_pct_change(dates, values, window_days):
    """The mean of ``pct_change()`` over the window: day-to-day changes averaged."""
    keep = dates > dates.max() - pd.Timedelta(days=window_days)
    return float(values[keep].pct_change().mean())


def _growth_mean_pct_change_of_all(dates, values, window_days):
    """``values.pct_change()`` of the whole series, then its mean over the window."""
    keep = dates > dates.max() - pd.Timedelta(days=window_days)
    return float(values.pct_change()[keep].mean())


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


# ------------------------------------------------------------------------ 7. the crossing band


def _levels(band):
    """The quantile levels of a band: (1 - band) / 2, 0.5 and (1 + band) / 2."""
    return ((1 - band) / 2, 0.5, (1 + band) / 2)


def _quantile(ordered, level):
    """numpy's default (linear) quantile of ``ordered``; inf wherever it touches an inf."""
    position = level * (len(ordered) - 1)
    below = math.floor(position)
    fraction = position - below
    low = ordered[below]
    if fraction == 0:
        return low
    high = ordered[below + 1]
    if math.isinf(low) or math.isinf(high):
        return math.inf
    return low + fraction * (high - low)


def _crossing_band(crossing_days, band):
    ordered = sorted(float(day) for day in crossing_days)
    return tuple(_quantile(ordered, level) for level in _levels(band))


def _band_from(crossing_days, levels, *, numpy=False, order=sorted):
    """The values at ``levels``: read from ``order(days)``, or by numpy (NaN next to an inf)."""
    days = [float(day) for day in crossing_days]
    if numpy:
        with np.errstate(invalid="ignore"):
            return tuple(float(value) for value in np.quantile(np.array(days), list(levels)))
    ordered = order(days)
    return tuple(_quantile(ordered, level) for level in levels)


def _crossing_edges_only(crossing_days, band):
    """(earliest, latest): the median left out."""
    earliest, _, latest = _crossing_band(crossing_days, band)
    return (earliest, latest)


def _crossing_reversed(crossing_days, band):
    """Sorted from the latest down: (latest, median, earliest)."""
    return _band_from(crossing_days, _levels(band), order=lambda days: sorted(days, reverse=True))


def _crossing_unsorted(crossing_days, band):
    """The positions read from the simulations in the order they came."""
    return _band_from(crossing_days, _levels(band), order=list)


def _crossing_numpy(crossing_days, band):
    """``np.quantile`` as it is: NaN where it interpolates next to an inf."""
    return _band_from(crossing_days, _levels(band), numpy=True)


def _crossing_finite_only(crossing_days, band):
    """The quantiles of the finite days alone: the simulations that never reach left out."""
    days = np.array([float(day) for day in crossing_days])
    return tuple(float(value) for value in np.quantile(days[np.isfinite(days)], _levels(band)))


def _crossing_rounded(digits):
    """The band with each finite edge rounded to ``digits`` decimals."""

    def answer(crossing_days, band):
        return tuple(
            round(edge, digits) if math.isfinite(edge) else edge
            for edge in _crossing_band(crossing_days, band)
        )

    return answer


def _crossing_fractions_as_percents(*, numpy):
    """``np.percentile`` given the fractions 0.1, 0.5, 0.9: percentiles 0.1, 0.5 and 0.9."""

    def answer(crossing_days, band):
        levels = tuple(level / 100 for level in _levels(band))
        return _band_from(crossing_days, levels, numpy=numpy)

    return answer


def _crossing_band_as_percent(*, numpy):
    """``band`` read as a percent (80): percentiles (100 - band) / 2, 50 and (100 + band) / 2."""

    def answer(crossing_days, band):
        levels = ((100 - band) / 200, 0.5, (100 + band) / 200)
        return _band_from(crossing_days, levels, numpy=numpy)

    return answer


# --------------------------------------------------------------------------- 8. band coverage


def _inside(low, high, truth, *, low_inclusive=True, high_inclusive=True, edges="both"):
    """One boolean per back-test: is ``truth`` within the band, edges as asked."""
    inside = []
    for lo, hi, true in zip(low, high, truth, strict=True):
        above = lo <= true if low_inclusive else lo < true
        below = true <= hi if high_inclusive else true < hi
        inside.append({"both": above and below, "low": above, "high": below}[edges])
    return inside


def _band_coverage(low, high, truth):
    inside = _inside(low, high, truth)
    return float(sum(inside) / len(inside))


def _band_count(low, high, truth):
    return int(sum(_inside(low, high, truth)))


def _band_percent(low, high, truth):
    return 100 * _band_coverage(low, high, truth)


def _band_outside(low, high, truth):
    return 1 - _band_coverage(low, high, truth)


def _band_share(**how):
    def answer(low, high, truth):
        inside = _inside(low, high, truth, **how)
        return sum(inside) / len(inside)

    return answer


def _band_whole_lists(low, high, truth):
    """``np.mean((low <= truth) & (truth <= high))``: Python lists compare as a whole."""
    return float(np.mean((low <= truth) & (truth <= high)))


def _band_chained(low, high, truth):
    """``np.mean(low <= truth <= high)``: Python's chained comparison asks arrays for one truth."""
    return float(np.mean(low <= truth <= high))


def _band(rows):
    """(low, high, truth) lists from rows of (low, high, truth)."""
    low, high, truth = (list(column) for column in zip(*rows, strict=True))
    return low, high, truth


# --------------------------------------------------------------------------- 9. modulo re-sharding


def _hosts(n_keys, hosts):
    return np.arange(n_keys) % hosts


def _share_moved_modulo(n_keys, old_hosts, new_hosts):
    return float(np.mean(_hosts(n_keys, old_hosts) != _hosts(n_keys, new_hosts)))


def _count_moved_modulo(n_keys, old_hosts, new_hosts):
    return int(np.sum(_hosts(n_keys, old_hosts) != _hosts(n_keys, new_hosts)))


def _share_moved_logical(n_keys, old_hosts, new_hosts):
    return 1 - old_hosts / new_hosts


def _share_moved_closed_form(n_keys, old_hosts, new_hosts):
    """``1 - gcd / max``: right for keys spread over whole multiples of the hosts' lcm."""
    return 1 - math.gcd(old_hosts, new_hosts) / max(old_hosts, new_hosts)


def _share_kept_modulo(n_keys, old_hosts, new_hosts):
    return 1 - _share_moved_modulo(n_keys, old_hosts, new_hosts)


def _share_moved_keys_from_one(n_keys, old_hosts, new_hosts):
    keys = np.arange(1, n_keys + 1)
    return float(np.mean(keys % old_hosts != keys % new_hosts))


# -------------------------------------------------------------------------- 10. most urgent fix


_COLUMNS = ["resource", "current", "limit", "daily_growth_rate", "lead_time_days"]


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


def _plan(resources, as_of, *, rounding=math.floor, buffer_days=0, **guards):
    """(days until each limit, doomsday dates, start-by dates); NaT where never."""
    days = _days_each(resources, **guards)
    lead = resources["lead_time_days"].to_numpy(dtype=float)
    doomsdays, starts = [], []
    for left, lead_days in zip(days, lead, strict=True):
        if not np.isfinite(left):
            doomsdays.append(pd.NaT)
            starts.append(pd.NaT)
            continue
        doomsday = pd.Timestamp(as_of) + pd.Timedelta(days=rounding(left))
        doomsdays.append(doomsday)
        starts.append(doomsday - pd.Timedelta(days=lead_days + buffer_days))
    return days, doomsdays, starts


def _first(dates):
    """Position of the earliest date, None when every one is NaT."""
    known = [(date, position) for position, date in enumerate(dates) if not pd.isna(date)]
    return min(known)[1] if known else None


def _most_urgent(resources, as_of, *, rounding=math.floor, buffer_days=0, **guards):
    _, _, starts = _plan(resources, as_of, rounding=rounding, buffer_days=buffer_days, **guards)
    index = _first(starts)
    if index is None:
        return (None, None)
    return (str(resources["resource"].iloc[index]), starts[index])


def _most_urgent_reference(resources, as_of):
    return _most_urgent(resources, as_of)


def _most_urgent_bare_none(resources, as_of):
    """``None`` where the pair ``(None, None)`` is asked for."""
    answer = _most_urgent_reference(resources, as_of)
    return None if answer == (None, None) else answer


def _earliest_doomsday(resources, as_of):
    """The resource that reaches its limit first, with its own start-by date."""
    _, doomsdays, starts = _plan(resources, as_of)
    index = _first(doomsdays)
    if index is None:
        return (None, None)
    return (str(resources["resource"].iloc[index]), starts[index])


def _doomsday_not_start(resources, as_of):
    """The right resource, with its doomsday date instead of its start-by date."""
    _, doomsdays, starts = _plan(resources, as_of)
    index = _first(starts)
    if index is None:
        return (None, None)
    return (str(resources["resource"].iloc[index]), doomsdays[index])


def _days_not_date(resources, as_of):
    """The right resource, with the days until its start-by date instead of the date."""
    name, start = _most_urgent_reference(resources, as_of)
    if name is None:
        return (None, None)
    return (name, float((start - pd.Timestamp(as_of)) / pd.Timedelta(days=1)))


def _skipping_zero_days(resources, as_of):
    """Rows with 0 days left taken as "no doomsday" (``days or math.inf``, ``days > 0``)."""
    days, _, starts = _plan(resources, as_of)
    starts = [pd.NaT if left == 0 else start for left, start in zip(days, starts, strict=True)]
    index = _first(starts)
    if index is None:
        return (None, None)
    return (str(resources["resource"].iloc[index]), starts[index])


def _floor_of_every_row(resources, as_of):
    """``math.floor`` of every row's days, inf included: an OverflowError when one is inf."""
    days = _days_each(resources)
    floors = [math.floor(left) for left in days]
    lead = resources["lead_time_days"].to_numpy(dtype=float)
    starts = [
        pd.Timestamp(as_of) + pd.Timedelta(days=whole - lead_days)
        for whole, lead_days in zip(floors, lead, strict=True)
    ]
    index = _first(starts)
    return (str(resources["resource"].iloc[index]), starts[index])


def _timedelta_of_every_row(resources, as_of):
    """``pd.Timedelta(days=...)`` of every row, inf included: pandas refuses an inf span."""
    days = np.floor(_days_each(resources))
    lead = resources["lead_time_days"].to_numpy(dtype=float)
    starts = [
        pd.Timestamp(as_of) + pd.Timedelta(days=whole) - pd.Timedelta(days=lead_days)
        for whole, lead_days in zip(days, lead, strict=True)
    ]
    index = _first(starts)
    return (str(resources["resource"].iloc[index]), starts[index])


def _resources(*rows):
    return pd.DataFrame(list(rows), columns=_COLUMNS)
