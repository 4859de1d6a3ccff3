"""Self-checks for the exercises of lesson 03, the doomsday clock.

Each function below checks one exercise task. A check cell reads::

    from infralab.checks import doomsday_clock as check
    check.doubling_time_days(doubling_time_days)

It runs your function on several inputs, some of them hidden from the
notebook, and prints one line: correct, not attempted yet, a hint for a common
mistake, or one input where your answer differs from the expected one.

The expected answers are worked out here, independently of the course's own
:mod:`infralab.growth`, from the closed-form formulas of each task:

=============================  ======================================================
task                           expected answer
=============================  ======================================================
storage_growth_gib_per_day     ``rows_per_day * bytes_per_row / 1024**3``
doubling_time_days             ``ln 2 / ln(1 + r)``; ``inf`` when ``r <= 0``
start_by_date                  ``doomsday - lead_time_days - buffer_days`` (a date)
days_until_limit               ``0`` at or over the limit; ``inf`` when not growing;
                               else ``ln(limit / current) / ln(1 + r)``
days_until_total_limit         ``0`` at or over the limit; ``inf`` when nothing is
                               added; ``(limit - total) / added`` when ``r == 0``;
                               else ``ln(1 + (limit - total) k / added) / k`` with
                               ``k = ln(1 + r)``, ``inf`` when that logarithm's
                               argument is ``<= 0`` (shrinking additions level off)
trailing_growth_rate           ``exp(slope) - 1``, slope of ``ln(values)`` on day
                               number, fitted on dates after ``last - window_days``
crossing_band                  the ``(1 - band) / 2``, ``0.5`` and ``(1 + band) / 2``
                               quantiles of the crossing days (linear, as numpy's
                               default); ``inf`` wherever a quantile touches an ``inf``
band_coverage                  the share of back-tests with ``low <= truth <= high``
share_moved_modulo             the share of keys ``0 .. n_keys - 1`` with
                               ``key % old_hosts != key % new_hosts``
most_urgent_fix                ``(resource, start_by)`` with the earliest start-by date,
                               ``as_of + floor(days until limit) - lead_time_days``;
                               ``(None, None)`` if no resource ever reaches its limit
=============================  ======================================================

``TASKS`` maps each task name to its :class:`~infralab.checks.core.Task`
(cases, mistakes, comparison); ``EXAMPLES`` maps it to the cases that are not
hidden.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from infralab.checks.core import (
    Anything,
    Case,
    Comparator,
    Day,
    Mistake,
    Number,
    NumberArray,
    Task,
    Text,
    TupleOf,
    ready_for,
    with_check_sections,
)

from ._doomsday_clock_answers import (
    BYTES_PER_GIB,  # noqa: F401 (still importable from here)
    _band,
    _band_chained,
    _band_count,
    _band_coverage,
    _band_outside,
    _band_percent,
    _band_share,
    _band_whole_lists,
    _count_moved_modulo,
    _crossing_band,
    _crossing_band_as_percent,
    _crossing_edges_only,
    _crossing_finite_only,
    _crossing_fractions_as_percents,
    _crossing_numpy,
    _crossing_reversed,
    _crossing_rounded,
    _crossing_unsorted,
    _days_guards_in_the_wrong_order,
    _days_not_date,
    _days_rate_guard_without_zero,
    _days_until_limit,
    _days_until_total_limit,
    _days_without_guards_numpy,
    _days_without_over_limit_guard,
    _days_without_rate_guard,
    _doomsday_itself,
    _doomsday_not_start,
    _doubling_time,
    _earliest_doomsday,
    _floor_of_every_row,
    _growth_from_endpoints,
    _growth_from_endpoints_per_row,
    _growth_history,
    _growth_mean_pct_change,
    _growth_mean_pct_change_of_all,
    _growth_on_row_positions,
    _growth_one_day_too_many,
    _growth_over_all_rows,
    _growth_over_last_rows,
    _in_whole_days,
    _most_urgent,
    _most_urgent_bare_none,
    _most_urgent_reference,
    _resources,
    _rounded,
    _share_kept_modulo,
    _share_moved_closed_form,
    _share_moved_keys_from_one,
    _share_moved_logical,
    _share_moved_modulo,
    _skipping_zero_days,
    _start_by,
    _start_by_in_nanoseconds,
    _storage_growth,
    _timedelta_of_every_row,
    _total_as_compound,
    _total_at_its_own_rate,
    _total_day_by_day,
    _total_discrete_sum,
    _total_linear,
    _total_rate_as_continuous,
    _total_shrinking_never,
    _total_without,
    _trailing_growth,
    _trailing_linear_slope,
    _trailing_log_slope,
)

__all__ = [
    "EXAMPLES",
    "TASKS",
    "band_coverage",
    "crossing_band",
    "days_until_limit",
    "days_until_total_limit",
    "doubling_time_days",
    "most_urgent_fix",
    "ready",
    "share_moved_modulo",
    "start_by_date",
    "storage_growth_gib_per_day",
    "trailing_growth_rate",
]


# --------------------------------------------------------------------------- 1. storage growth


def _rounding_hint(wrong: str, right: str) -> str:
    return (
        f"you rounded the answer ({wrong} where {right} is right). Return the full value, "
        "unrounded: round only when you show it."
    )


def _rounding_mistakes(reference, hint: str) -> tuple[Mistake, ...]:
    """The same hint for an answer rounded to 2, 3 or 1 decimals."""
    return tuple(Mistake(hint, _rounded(reference, digits)) for digits in (2, 3, 1))


STORAGE_GROWTH = Task(
    name="storage_growth_gib_per_day",
    parameters=("rows_per_day", "bytes_per_row"),
    summary="Bytes written per day converted to GiB (1 GiB = 1024**3 bytes).",
    compare=Number(rel_tol=1e-4, abs_tol=1e-12),
    cases=(
        Case.from_reference(_storage_growth, 10_000_000, 200),
        Case.from_reference(_storage_growth, 2_500_000, 1024, hidden=True),
        Case.from_reference(_storage_growth, 123_456_789, 87, hidden=True),
        Case.from_reference(_storage_growth, 0, 300, hidden=True),
    ),
    mistakes=(
        Mistake(
            "it looks like you divided by 1e9, which gives gigabytes (GB). "
            "A gibibyte (GiB) is 1024**3 = 1,073,741,824 bytes, about 7% more.",
            lambda rows_per_day, bytes_per_row: rows_per_day * bytes_per_row / 1e9,
        ),
        Mistake(
            "it looks like you divided by 1024**2, which gives MiB. "
            "A GiB is 1024**3 bytes: divide by 1024 once more.",
            lambda rows_per_day, bytes_per_row: rows_per_day * bytes_per_row / 1024**2,
        ),
        Mistake(
            "it looks like you returned bytes per day. Divide by 1024**3 to get GiB per day.",
            lambda rows_per_day, bytes_per_row: rows_per_day * bytes_per_row,
        ),
        *_rounding_mistakes(_storage_growth, _rounding_hint("1.86", "1.86265")),
    ),
)

# --------------------------------------------------------------------------- 2. doubling time


def _whole_days_hint(example: str, wrong: str) -> str:
    return (
        f"your answer is a whole number of days ({wrong} where {example} is right), as a "
        "day-by-day loop or a rounded result gives. Solve it in closed form with logarithms "
        "and round only at the end, when the days become a date."
    )


_WHOLE_DAYS_2 = _whole_days_hint("14.21", "15 or 14")

_PERCENT_HINT = (
    "daily_growth_rate is a fraction: 0.01 means 1% a day. "
    "Use it as it is, without multiplying or dividing by 100."
)
_CONTINUOUS_DOUBLING_HINT = (
    "ln 2 / r is the doubling time of growth that compounds continuously at rate r. A rate of "
    "r a day compounds once a day: solve (1 + r)**t = 2, so t = ln 2 / ln(1 + r)."
)
_RULE_OF_70_HINT = (
    "close, but the rule of 70 is an approximation that drifts as the rate grows "
    "(a few percent off at 5% a day). Use logarithms: ln 2 / ln(1 + daily_growth_rate)."
)

DOUBLING_TIME = Task(
    name="doubling_time_days",
    parameters=("daily_growth_rate",),
    summary="Days for a quantity growing by a fixed fraction a day to double; "
    "infinite when it does not grow.",
    compare=Number(rel_tol=0.005, abs_tol=1e-9),
    cases=(
        Case.from_reference(_doubling_time, 0.01),
        Case.from_reference(_doubling_time, 0.05, hidden=True),
        Case.from_reference(_doubling_time, 0.002, hidden=True),
        Case.from_reference(_doubling_time, 0.25, hidden=True),
        Case.from_reference(_doubling_time, 0.0, hidden=True),
        Case.from_reference(_doubling_time, -0.005, hidden=True),
    ),
    # Mistakes are tried in order, narrowest first: a missing special case
    # shows on two cases only. The other wrong answers skip the `rate <= 0`
    # guard: a learner who wrote it is right on those cases, which are then
    # not compared, and one who did not still matches.
    mistakes=(
        Mistake(
            "a database that is flat or shrinking never doubles. "
            "Return math.inf when daily_growth_rate <= 0.",
            lambda r: math.log(2) / math.log1p(r),
        ),
        Mistake(_PERCENT_HINT, lambda r: math.log(2) / math.log1p(r / 100)),
        Mistake(_PERCENT_HINT, lambda r: math.log(2) / math.log1p(r * 100)),
        Mistake(
            "1 / daily_growth_rate is not the doubling time. "
            "Solve (1 + r)**t = 2 for t: t = ln 2 / ln(1 + r).",
            lambda r: 1 / r,
        ),
        Mistake(_RULE_OF_70_HINT, lambda r: 0.7 / r),
        Mistake(_CONTINUOUS_DOUBLING_HINT, lambda r: math.log(2) / r),
        Mistake(_RULE_OF_70_HINT, lambda r: 0.72 / r),
        # At 1% a day a loop's 70 days is within the tolerance; at 5% its 15 is not.
        Mistake(_WHOLE_DAYS_2, _in_whole_days(_doubling_time, math.ceil)),
        Mistake(_WHOLE_DAYS_2, _in_whole_days(_doubling_time, math.floor)),
        Mistake(_WHOLE_DAYS_2, _in_whole_days(_doubling_time, round)),
    ),
)

# --------------------------------------------------------------------------- 3. start-by date


_NANOSECONDS_HINT = (
    "your date is the doomsday date itself, or a few nanoseconds before it: pd.Timedelta(n) "
    "with a bare number is n nanoseconds. Write pd.Timedelta(days=n)."
)

START_BY_DATE = Task(
    name="start_by_date",
    parameters=("doomsday_date", "lead_time_days", "buffer_days"),
    summary="The last day a project can start: doomsday minus lead time minus buffer; "
    "doomsday_date may be a Timestamp, a datetime.date or a 'YYYY-MM-DD' text.",
    compare=Day(),
    cases=(
        Case.from_reference(_start_by, pd.Timestamp("2021-09-15"), 270, 30),
        Case.from_reference(_start_by, "2022-06-30", 270, 60, hidden=True),
        Case.from_reference(_start_by, _dt.date(2024, 3, 10), 90, 14, hidden=True),
        Case.from_reference(_start_by, pd.Timestamp("2025-05-01"), 180, 45, hidden=True),
    ),
    mistakes=(
        Mistake(_NANOSECONDS_HINT, _start_by_in_nanoseconds),
        Mistake(_NANOSECONDS_HINT, _doomsday_itself),
        Mistake(
            "you subtracted the lead time but not the safety buffer: "
            "start by = doomsday - lead time - buffer.",
            lambda doomsday, lead, buffer: _start_by(doomsday, lead, 0),
        ),
        Mistake(
            "you subtracted the buffer but not the project's lead time: "
            "start by = doomsday - lead time - buffer.",
            lambda doomsday, lead, buffer: _start_by(doomsday, 0, buffer),
        ),
        Mistake(
            "you added the days. The start-by date comes before doomsday: "
            "subtract the lead time and the buffer.",
            lambda doomsday, lead, buffer: _start_by(doomsday, -lead, -buffer),
        ),
        Mistake(
            "you added the buffer. It is slack before doomsday, like the lead time: both come "
            "off the doomsday date, start by = doomsday - lead time - buffer.",
            lambda doomsday, lead, buffer: _start_by(doomsday, lead, -buffer),
        ),
        Mistake(
            "your function fails when doomsday_date is a text like '2022-06-30'. "
            "Convert it first with pd.Timestamp(doomsday_date).",
            lambda doomsday, lead, buffer: doomsday - pd.Timedelta(days=lead + buffer),
        ),
    ),
)

# --------------------------------------------------------------------------- 4. days until limit


_MONTHS_HINT = "your answer looks like months. Return the number of days."
_WHOLE_DAYS_4 = _whole_days_hint("278.19", "279 or 278")

DAYS_UNTIL_LIMIT = Task(
    name="days_until_limit",
    parameters=("current", "limit", "daily_growth_rate"),
    summary="Days until a value growing by a fixed fraction a day reaches a limit; "
    "0 at or over the limit, infinite when not growing.",
    compare=Number(rel_tol=1e-4, abs_tol=1e-9),
    # Resources that grow by a rate: peak connections (the lesson's RDS limit of 5,000)
    # and peak CPU (its 90% ceiling).
    cases=(
        Case.from_reference(_days_until_limit, 2_173.0, 5_000.0, 0.003),
        Case.from_reference(_days_until_limit, 55.0, 90.0, 0.02, hidden=True),
        Case.from_reference(_days_until_limit, 95.0, 90.0, 0.01, hidden=True),
        # At the limit and not growing: 0, which only the limit test, made first, gives.
        Case.from_reference(_days_until_limit, 90.0, 90.0, 0.0, hidden=True),
        Case.from_reference(_days_until_limit, 40.0, 90.0, 0.0, hidden=True),
        Case.from_reference(_days_until_limit, 40.0, 90.0, -0.01, hidden=True),
    ),
    mistakes=(
        Mistake(
            "that is a straight-line projection. Growth compounds, so the limit comes "
            "sooner: use ln(limit / current) / ln(1 + daily_growth_rate).",
            lambda current, limit, rate: (limit - current) / (current * rate),
        ),
        Mistake(
            "close, but dividing by daily_growth_rate treats ln(1 + r) as r, which drifts "
            "for larger rates. Divide by ln(1 + daily_growth_rate).",
            lambda current, limit, rate: math.log(limit / current) / rate,
        ),
        Mistake(_WHOLE_DAYS_4, _in_whole_days(_days_until_limit, math.ceil)),
        Mistake(_WHOLE_DAYS_4, _in_whole_days(_days_until_limit, math.floor)),
        Mistake(_WHOLE_DAYS_4, _in_whole_days(_days_until_limit, round)),
        # Before the missing over-limit test: a learner who tests the rate first is
        # right on the growing case over the limit, and wrong only at the limit.
        Mistake(
            "test the limit first: a resource at or over its limit (current >= limit, with "
            ">=) has reached it whatever its rate, so return 0 before you test "
            "daily_growth_rate <= 0.",
            _days_guards_in_the_wrong_order,
        ),
        Mistake(
            "when current is already at or over the limit, the limit is reached now: "
            "return 0, not a negative number.",
            _days_without_over_limit_guard,
        ),
        Mistake(
            "a resource that is flat or shrinking never reaches its limit: "
            "return math.inf when daily_growth_rate <= 0 (and current is below the limit).",
            _days_without_rate_guard,
        ),
        Mistake(
            "at daily_growth_rate = 0 your function divides by ln(1 + 0) = 0: you wrote "
            "`r < 0` instead of `r <= 0`. A flat resource never reaches its limit either: "
            "return math.inf when daily_growth_rate <= 0.",
            _days_rate_guard_without_zero,
        ),
        Mistake(
            "handle the two special cases first: current already at or over the limit "
            "gives 0 days; daily_growth_rate <= 0 gives math.inf.",
            lambda current, limit, rate: math.log(limit / current) / math.log1p(rate),
        ),
        Mistake(
            "handle the two special cases first: current already at or over the limit "
            "gives 0 days; daily_growth_rate <= 0 gives math.inf.",
            _days_without_guards_numpy,
        ),
        Mistake(
            _MONTHS_HINT,
            lambda current, limit, rate: _days_until_limit(current, limit, rate) / 30,
        ),
        Mistake(
            _MONTHS_HINT,
            lambda current, limit, rate: _days_until_limit(current, limit, rate) / 30.4375,
            compare=Number(rel_tol=2e-3),
        ),
        Mistake(
            "your answer looks like years. Return the number of days.",
            lambda current, limit, rate: _days_until_limit(current, limit, rate) / 365.25,
            compare=Number(rel_tol=2e-3),
        ),
    ),
)

# --------------------------------------------------------------------------- 5. running total


_SOLVE_TOTAL = "solve total + added_per_day * ((1 + r)**t - 1) / ln(1 + r) = limit for t"
_WHOLE_DAYS_5 = _whole_days_hint("401.59", "401, 402 or 403")
_NO_LEVEL_OFF = (
    "shrinking additions (daily_growth_rate < 0) level off: the total tends to total + "
    "added_per_day / -ln(1 + r). When that is not above the limit, the total never gets there "
    "and the logarithm's argument is <= 0: return math.inf."
)
_SHRINKING_NEVER = (
    "you treated shrinking additions (daily_growth_rate < 0) as never reaching the limit. "
    "Their total tends to total + added_per_day / -ln(1 + r), which may still be above the "
    "limit: then the total gets there, and the usual formula says when. Return math.inf "
    "only when the logarithm's argument is <= 0."
)
_FLAT_ADDITIONS = (
    "when daily_growth_rate is 0 the additions stay the same and the total grows in a "
    "straight line: return (limit - total) / added_per_day (the general formula divides 0 "
    "by 0)."
)

DAYS_UNTIL_TOTAL_LIMIT = Task(
    name="days_until_total_limit",
    parameters=("total", "limit", "added_per_day", "daily_growth_rate"),
    summary="Days until a running total reaches a limit when what is added each day grows "
    "by a fixed fraction (the continuous model); 0 at or over the limit, infinite when the "
    "total never gets there.",
    compare=Number(rel_tol=1e-4, abs_tol=1e-9),
    cases=(
        Case.from_reference(_days_until_total_limit, 12_480.0, 65_536.0, 47.0, 0.0045),
        Case.from_reference(_days_until_total_limit, 500.0, 2_000.0, 10.0, 0.0, hidden=True),
        # Shrinking additions that level off above the limit (5,975), and below it (2,990).
        Case.from_reference(_days_until_total_limit, 1_000.0, 2_000.0, 50.0, -0.01, hidden=True),
        Case.from_reference(_days_until_total_limit, 1_000.0, 5_000.0, 20.0, -0.01, hidden=True),
        Case.from_reference(_days_until_total_limit, 70_000.0, 65_536.0, 47.0, 0.0045,
                            hidden=True),
        Case.from_reference(_days_until_total_limit, 1_000.0, 5_000.0, -200.0, 0.01,
                            hidden=True),
    ),
    mistakes=(
        Mistake(_WHOLE_DAYS_5, _total_day_by_day),
        Mistake(_WHOLE_DAYS_5, _in_whole_days(_days_until_total_limit, math.ceil)),
        Mistake(_WHOLE_DAYS_5, _in_whole_days(_days_until_total_limit, math.floor)),
        Mistake(_WHOLE_DAYS_5, _in_whole_days(_days_until_total_limit, round)),
        Mistake(
            "that is the sum over whole days, added_per_day * ((1 + r)**n - 1) / r: a discrete "
            "model. The lesson's model is continuous: the total after t days is total + "
            "added_per_day * ((1 + r)**t - 1) / ln(1 + r), so put ln(1 + r) where you put r "
            "inside the logarithm.",
            _total_discrete_sum,
        ),
        Mistake(
            "you used r where the formula has ln(1 + r): additions that grow by a factor "
            "(1 + r) a day are added_per_day * exp(s * ln(1 + r)) after s days, not "
            "added_per_day * exp(r * s). Use ln(1 + daily_growth_rate) in both places.",
            _total_rate_as_continuous,
        ),
        Mistake(_SHRINKING_NEVER, _total_shrinking_never),
        Mistake(
            "that is task 4's answer with the additions' growth rate applied to the whole "
            "total, as if what is already stored grew too. Only what is added each day grows: "
            f"{_SOLVE_TOTAL}.",
            _total_as_compound,
        ),
        Mistake(
            "that is task 4's answer at the total's growth rate today (added_per_day / total), "
            "kept fixed. A running total's rate is not fixed: it climbs towards the additions' "
            f"rate as they come to dominate the total. {_SOLVE_TOTAL}.",
            _total_at_its_own_rate,
        ),
        Mistake(
            "that is a straight line: the same amount added every day. Here what is added "
            f"grows by daily_growth_rate a day, so the limit comes sooner: {_SOLVE_TOTAL}.",
            _total_linear,
        ),
        Mistake(_FLAT_ADDITIONS, _total_without("flat")),
        Mistake(_FLAT_ADDITIONS, _total_without("flat", numpy=True)),
        Mistake(_NO_LEVEL_OFF, _total_without("level")),
        Mistake(_NO_LEVEL_OFF, _total_without("level", numpy=True)),
        Mistake(
            "when nothing is added (added_per_day <= 0), a total below its limit never "
            "reaches it: return math.inf.",
            _total_without("added"),
        ),
        Mistake(
            "a total already at or over its limit has reached it: return 0, not a negative "
            "number.",
            _total_without("over"),
        ),
    ),
)

# ----------------------------------------------------------------------- 6. trailing growth rate


def _trailing_case(history, window_days, label, hidden=True):
    dates, values = history
    return Case.from_reference(
        _trailing_growth, dates, values, window_days, label=label, hidden=hidden
    )


_FIT_EVERY_ROW = (
    "Fit a straight line to ln(values) on day number through every row of the window, then "
    "return exp(slope) - 1."
)
_ENDPOINTS_HINT = (
    "you used only the window's first and last values, so one noisy day moves the answer. "
    + _FIT_EVERY_ROW
)
_PCT_CHANGE_HINT = (
    "the mean of pct_change() averages day-to-day changes: it follows the noise, and a "
    "missing day makes one change span two or three days. " + _FIT_EVERY_ROW
)

TRAILING_GROWTH_RATE = Task(
    name="trailing_growth_rate",
    parameters=("dates", "values", "window_days"),
    summary="Daily growth rate exp(slope) - 1 of a straight-line fit of ln(values) on day "
    "number, using only the dates after the last date minus window_days.",
    compare=Number(rel_tol=1e-4, abs_tol=1e-7),
    cases=(
        _trailing_case(
            _growth_history("2020-01-01", 120, [(0, 0.005), (90, 0.03)], 1000.0),
            30,
            "120 smooth days, 0.5%/day then 3%/day from day 90, window_days=30",
            hidden=False,
        ),
        _trailing_case(
            _growth_history("2020-01-01", 150, [(0, 0.01), (110, 0.04)], 250.0, wobble=0.01),
            21,
            "150 noisy days, 1%/day then 4%/day from day 110, window_days=21",
        ),
        _trailing_case(
            _growth_history(
                "2020-02-03", 140, [(0, 0.004), (105, 0.025)], 12.0, wobble=0.005,
                weekdays_only=True,
            ),
            28,
            "weekdays only (no weekend rows), 0.4%/day then 2.5%/day, window_days=28",
        ),
        _trailing_case(
            _growth_history("2021-01-01", 200, [(0, 0.002)], 40e12, wobble=0.003),
            60,
            "200 days of steady 0.2%/day growth in bytes, window_days=60",
        ),
        _trailing_case(
            _growth_history("2022-03-01", 90, [(0, 0.01), (60, -0.01)], 500.0, wobble=0.002),
            20,
            "90 days, 1%/day then shrinking 1%/day after a clean-up, window_days=20",
        ),
    ),
    mistakes=(
        Mistake(
            "you fitted all the data. Growth changed partway (a regime change), so fit only "
            "the rows in the last window_days days.",
            _growth_over_all_rows,
        ),
        Mistake(
            "you returned the slope of ln(values), a continuous rate. "
            "Convert it to a daily growth rate with exp(slope) - 1.",
            _trailing_log_slope,
        ),
        Mistake(
            "that looks like a straight-line slope in units per day. Fit the line to "
            "ln(values) instead, then return exp(slope) - 1.",
            _trailing_linear_slope,
        ),
        Mistake(
            "window_days counts calendar days, not rows, and some days have no row. "
            "Keep the rows whose date is after the last date minus window_days.",
            _growth_over_last_rows,
        ),
        Mistake(
            "use day numbers worked out from the dates (days since the first date), not row "
            "positions: some days have no row.",
            _growth_on_row_positions,
        ),
        Mistake(
            "your window holds one day too many. Keep the dates strictly after (>) the "
            "last date minus window_days.",
            _growth_one_day_too_many,
        ),
        Mistake(_ENDPOINTS_HINT, _growth_from_endpoints),
        Mistake(_ENDPOINTS_HINT, _growth_from_endpoints_per_row),
        Mistake(_PCT_CHANGE_HINT, _growth_mean_pct_change),
        Mistake(_PCT_CHANGE_HINT, _growth_mean_pct_change_of_all),
    ),
)

# ------------------------------------------------------------------------ 7. the crossing band

#: Days from each forecast date until each simulated trend reaches the limit, from the
#: lesson's projections (``project_to_limit``, 90-day window, weekly cycle, single-day
#: resampling, seed 2020), rounded to 0.1
#: day; ``math.inf`` where a simulation does not reach it within the horizon.
_CPU_CROSSINGS = [
    158.5, 177.8, 177.9, 179.2, 188.4, 167.0, 168.7, 183.9, 168.9, 179.5,
    191.6, 196.8, 169.2, 175.0, 183.4, 192.0, 168.6, 190.2, 174.9, 157.4,
]
_CONNECTIONS_CROSSINGS = np.array([
    272.4, 285.6, 263.6, 295.5, 280.2, 246.6, 289.7, 286.4, 262.0, 289.4,
    323.8, 274.4, 277.7, 256.5, 293.8,
])
_CPU_CROSSINGS_MARCH = [
    math.inf, math.inf, 627.7, math.inf, 680.6, math.inf, 702.0, 590.2, math.inf, 621.5,
    math.inf, 713.4, 727.9, math.inf, 497.5, 644.3, math.inf, math.inf, math.inf, math.inf,
]
_CPU_CROSSINGS_FEBRUARY = np.array([
    math.inf, 1375.5, 1973.8, math.inf, 1678.4, math.inf, 1760.4, 1401.8, math.inf, math.inf,
])
_NEVER = [math.inf] * 5

@dataclass(frozen=True)
class _RoundedDays(Comparator):
    """Days rounded to ``digits`` decimals, however a tie was rounded.

    Each finite day is a round number at ``digits`` decimals and within one
    last digit of the expected rounded day (Python's ``round`` and numpy's
    may differ by one at a tie); infinities must match.
    """

    digits: int = 1

    def _same(self, expected: object, got: object) -> bool:
        wanted = np.asarray(expected, dtype=float)
        answer = np.asarray(got, dtype=float)
        if answer.ndim != 1 or answer.shape != wanted.shape:
            return False
        finite = np.isfinite(wanted)
        if not np.array_equal(np.isfinite(answer), finite):
            return False
        if not np.array_equal(answer[~finite], wanted[~finite]):
            return False
        unit = 10.0**-self.digits
        scaled = answer[finite] / unit
        is_round = np.abs(scaled - np.rint(scaled)) < 1e-6
        near = np.abs(answer[finite] - wanted[finite]) <= 1.001 * unit
        return bool(is_round.all() and near.all())


_QUANTILE_LEVELS_HINT = (
    "band is a fraction (0.8 for an 80% band), and so are quantile levels: "
    "np.quantile(days, 0.1) is np.percentile(days, 10). The band runs from the "
    "(1 - band) / 2 quantile to the (1 + band) / 2 quantile (0.1 and 0.9 for band=0.8), "
    "with the median, 0.5, between."
)

CROSSING_BAND = Task(
    name="crossing_band",
    parameters=("crossing_days", "band"),
    summary="(earliest, median, latest): the (1 - band) / 2, 0.5 and (1 + band) / 2 quantiles "
    "of the simulated crossing days, interpolated as numpy's default; inf wherever a quantile "
    "touches an inf.",
    compare=NumberArray(rel_tol=1e-6, abs_tol=1e-9),
    cases=(
        Case.from_reference(
            _crossing_band, _CPU_CROSSINGS, 0.8,
            label="20 simulated crossing days of CPU as of 31 Dec 2020, band=0.8",
        ),
        Case.from_reference(
            _crossing_band, _CONNECTIONS_CROSSINGS, 0.5,
            label="15 simulated crossing days of connections in a numpy array, band=0.5",
            hidden=True,
        ),
        Case.from_reference(
            _crossing_band, _CPU_CROSSINGS_MARCH, 0.8,
            label="20 crossing days of CPU as of 31 Mar 2020, 11 of them inf, band=0.8",
            hidden=True,
        ),
        Case.from_reference(
            _crossing_band, _CPU_CROSSINGS_FEBRUARY, 0.9,
            label="10 crossing days of CPU as of 29 Feb 2020, half of them inf, band=0.9",
            hidden=True,
        ),
        Case.from_reference(
            _crossing_band, _NEVER, 0.8,
            label="5 simulations that never reach the limit (all inf), band=0.8", hidden=True,
        ),
        Case.from_reference(
            _crossing_band, [169.3], 0.8, label="a single simulation, band=0.8", hidden=True,
        ),
    ),
    mistakes=(
        Mistake(
            "return three values, (earliest, median, latest): the median belongs between the "
            "band's two edges.",
            _crossing_edges_only,
            compare=NumberArray(rel_tol=1e-6, abs_tol=1e-9),
        ),
        Mistake(
            "np.quantile gives nan, not inf, when it interpolates next to math.inf (inf - inf "
            "is nan). A quantile that touches an inf is inf: that edge of the band lies "
            "beyond the horizon. Sort the days and interpolate yourself, or turn those nan "
            "into math.inf.",
            _crossing_numpy,
        ),
        Mistake(
            "you left out the simulations that never reach the limit. They are part of the "
            "spread: keep their math.inf, so that the latest edge (and even the median) can "
            "be inf.",
            _crossing_finite_only,
        ),
        Mistake(
            "your earliest and latest are swapped: sort the days in increasing order, so that "
            "the (1 - band) / 2 quantile is the earliest.",
            _crossing_reversed,
        ),
        Mistake(
            "sort the crossing days first (sorted(...) or np.sort): the simulations come in no "
            "particular order, and a quantile is read from the sorted values.",
            _crossing_unsorted,
        ),
        Mistake(_QUANTILE_LEVELS_HINT, _crossing_fractions_as_percents(numpy=True)),
        Mistake(_QUANTILE_LEVELS_HINT, _crossing_fractions_as_percents(numpy=False)),
        Mistake(_QUANTILE_LEVELS_HINT, _crossing_band_as_percent(numpy=True)),
        Mistake(_QUANTILE_LEVELS_HINT, _crossing_band_as_percent(numpy=False)),
        *(
            Mistake(
                _rounding_hint("191.6", "191.64"),
                _crossing_rounded(digits),
                compare=_RoundedDays(digits),
            )
            for digits in (1, 0)  # the days have two decimals at most
        ),
    ),
)

# --------------------------------------------------------------------------- 8. band coverage


def _days(*texts: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(text) for text in texts]


#: Ten back-tests of an 80% band of days until a limit: two truths on an edge, three outside.
_BAND_EXAMPLE = _band(
    [
        (380, 450, 420), (400, 470, 480), (350, 430, 430), (410, 480, 440), (390, 455, 500),
        (370, 440, 365), (420, 490, 450), (395, 460, 395), (360, 420, 410), (405, 470, 469),
    ]
)
_BAND_ARRAYS = tuple(
    np.array(column, dtype=float)
    for column in _band(
        [
            (0.8, 1.2, 1.0), (0.9, 1.1, 1.1), (1.0, 1.5, 0.95), (0.7, 1.0, 0.7),
            (1.1, 1.4, 1.45), (0.6, 0.9, 0.75), (1.2, 1.6, 1.2), (0.5, 0.8, 0.85),
        ]
    )
)
_BAND_DATES = tuple(
    pd.Series(column)
    for column in (
        _days("2021-03-01", "2021-04-10", "2021-05-01", "2021-06-15", "2021-07-01", "2021-08-01"),
        _days("2021-05-01", "2021-06-01", "2021-07-15", "2021-08-30", "2021-09-10", "2021-10-01"),
        _days("2021-05-01", "2021-04-01", "2021-06-20", "2021-06-15", "2021-09-30", "2021-08-15"),
    )
)
_BAND_PLAIN_DATES = _band(
    [
        (_dt.date(2022, 1, 10), _dt.date(2022, 3, 1), _dt.date(2022, 1, 10)),
        (_dt.date(2022, 2, 1), _dt.date(2022, 4, 1), _dt.date(2022, 4, 1)),
        (_dt.date(2022, 2, 15), _dt.date(2022, 5, 1), _dt.date(2022, 3, 20)),
        (_dt.date(2022, 3, 1), _dt.date(2022, 5, 15), _dt.date(2022, 6, 1)),
    ]
)
#: A straight-line model's band of days until the limit, against an exponential truth:
#: narrow, and wrong every time.
_BAND_WRONG_MODEL = tuple(
    np.array(column)
    for column in (
        [610.0, 598.0, 603.0, 615.0, 606.0],
        [640.0, 627.0, 633.0, 644.0, 636.0],
        [421.0, 418.0, 430.0, 415.0, 425.0],
    )
)
_BAND_ONE = tuple(pd.Series([value]) for value in (300.0, 360.0, 300.0))

_EDGE_HINT = (
    "a truth on the band's edge is inside it: count low <= truth <= high, with <= on both "
    "sides."
)
_ONE_EDGE_HINT = (
    "check both edges: a truth is inside only when low <= truth and truth <= high; a truth "
    "below low or above high is outside."
)

BAND_COVERAGE = Task(
    name="band_coverage",
    parameters=("low", "high", "truth"),
    summary="The share (0 to 1) of back-tests whose true value lies within the band, edges "
    "included; numbers or dates, as lists, numpy arrays or pandas Series.",
    compare=Number(rel_tol=1e-9, abs_tol=1e-9),
    cases=(
        Case.from_reference(
            _band_coverage, *_BAND_EXAMPLE, label="the ten back-tests of the example"
        ),
        Case.from_reference(
            _band_coverage, *_BAND_ARRAYS,
            label="eight back-tests in numpy arrays, three truths on an edge", hidden=True,
        ),
        Case.from_reference(
            _band_coverage, *_BAND_DATES,
            label="six back-tests of dates in pandas Series, two truths on an edge",
            hidden=True,
        ),
        Case.from_reference(
            _band_coverage, *_BAND_PLAIN_DATES,
            label="four back-tests of datetime.date in lists, two truths on an edge",
            hidden=True,
        ),
        Case.from_reference(
            _band_coverage, *_BAND_WRONG_MODEL,
            label="five back-tests of a band built on the wrong model (no truth inside)",
            hidden=True,
        ),
        Case.from_reference(
            _band_coverage, *_BAND_ONE,
            label="a single back-test whose truth is the band's low edge", hidden=True,
        ),
    ),
    mistakes=(
        Mistake(
            "you returned how many truths fall in the band. Return their share: divide by "
            "the number of back-tests.",
            _band_count,
        ),
        Mistake(
            "your answer looks like a percentage. Return a fraction from 0 to 1 (0.8 for 80%).",
            _band_percent,
        ),
        Mistake(
            "you returned the share of truths outside the band. Return the share inside it.",
            _band_outside,
        ),
        Mistake(
            "with Python lists, low <= truth compares the whole lists at once (as words are "
            "sorted), not item by item. Turn them into arrays first (np.asarray), or loop "
            "over zip(low, high, truth).",
            _band_whole_lists,
        ),
        Mistake(
            "low <= truth <= high does not compare item by item: Python runs it as "
            "(low <= truth) and (truth <= high), and 'and' needs one True or False, which an "
            "array or a Series cannot give (lists give one, comparing each list at once). Compare "
            "twice and combine with &: (low <= truth) & (truth <= high), on numpy arrays.",
            _band_chained,
        ),
        Mistake(_EDGE_HINT, _band_share(low_inclusive=False, high_inclusive=False)),
        Mistake(_EDGE_HINT, _band_share(low_inclusive=False)),
        Mistake(_EDGE_HINT, _band_share(high_inclusive=False)),
        Mistake(_ONE_EDGE_HINT, _band_share(edges="high")),
        Mistake(_ONE_EDGE_HINT, _band_share(edges="low")),
        *_rounding_mistakes(_band_coverage, _rounding_hint("0.62", "0.625")),
    ),
)

# ----------------------------------------------------------------------- 9. modulo re-sharding


SHARE_MOVED_MODULO = Task(
    name="share_moved_modulo",
    parameters=("n_keys", "old_hosts", "new_hosts"),
    summary="The share of keys 0 .. n_keys - 1 whose host, key % hosts, changes when the "
    "fleet goes from old_hosts to new_hosts.",
    compare=Number(rel_tol=1e-9, abs_tol=1e-12),
    cases=(
        Case.from_reference(_share_moved_modulo, 1_000_000, 32, 40),
        Case.from_reference(_share_moved_modulo, 1_000_000, 32, 64),
        Case.from_reference(_share_moved_modulo, 1_000, 3, 4, hidden=True),
        Case.from_reference(_share_moved_modulo, 10, 5, 5, hidden=True),
        Case.from_reference(_share_moved_modulo, 7, 1, 2, hidden=True),
        Case.from_reference(_share_moved_modulo, 999_983, 60, 96, hidden=True),
    ),
    mistakes=(
        Mistake(
            "you returned how many keys move. Return their share: divide by n_keys.",
            _count_moved_modulo,
        ),
        Mistake(
            "1 - old_hosts / new_hosts is what logical shards move: only what the new hosts "
            "need. With host = key % hosts, a key moves whenever key % old_hosts != key % "
            "new_hosts: count those keys.",
            _share_moved_logical,
        ),
        Mistake(
            "you returned the share of keys that stay on their host. Return the share that "
            "moves.",
            _share_kept_modulo,
        ),
        Mistake(
            "your answer looks like a percentage. Return a fraction from 0 to 1.",
            lambda n_keys, old_hosts, new_hosts: 100 * _share_moved_modulo(
                n_keys, old_hosts, new_hosts
            ),
        ),
        Mistake(
            "the keys are 0, 1, ..., n_keys - 1 (np.arange(n_keys) or range(n_keys)), not "
            "1 to n_keys.",
            _share_moved_keys_from_one,
        ),
        Mistake(
            "that formula, 1 - gcd(old_hosts, new_hosts) / max(old_hosts, new_hosts), is right "
            "only when n_keys is a multiple of the hosts' least common multiple (1,000 keys on "
            "3 -> 4 hosts move 0.748, not 0.75): count the keys instead.",
            _share_moved_closed_form,
        ),
        *_rounding_mistakes(_share_moved_modulo, _rounding_hint("0.75", "0.748")),
    ),
)

# -------------------------------------------------------------------------- 10. most urgent fix


_ROUNDING_HINT = (
    "round the number of days down (math.floor) before adding it to as_of: "
    "the limit is reached during that day."
)
_NEVER_HINT = (
    "a resource that never reaches its limit (math.inf days) has no doomsday: leave it out "
    "before you make dates (math.floor and pd.Timedelta fail on math.inf), and return "
    "(None, None) when no resource is left."
)
_NAME_ONLY = TupleOf((Text(), Anything()))

# Resources that grow by a rate, with illustrative limits: peak CPU (the lesson's 90%
# ceiling), peak connections (RDS's default maximum of 5,000), provisioned write IOPS
# (40,000) and network throughput (10,000 Mbit/s).

MOST_URGENT_FIX = Task(
    name="most_urgent_fix",
    parameters=("resources", "as_of"),
    summary="The resource whose fix must start first and its start-by date: as_of plus the "
    "whole days until its limit (rounded down), minus its lead time; (None, None) if no "
    "resource ever reaches its limit.",
    compare=TupleOf((Text(), Day())),
    cases=(
        Case.from_reference(
            _most_urgent_reference,
            _resources(
                ("connections", 3_200.0, 5_000.0, 0.0045, 30),
                ("cpu_percent", 54.0, 90.0, 0.0017, 270),
                ("write_iops", 32_500.0, 40_000.0, 0.0006, 45),
            ),
            pd.Timestamp("2024-01-01"),
            label="the example table, where connections run out first but CPU's fix must "
            "start first",
        ),
        Case.from_reference(
            _most_urgent_reference,
            _resources(
                ("write_iops", 12_500.0, 40_000.0, 0.002, 60),
                ("connections", 5_200.0, 5_000.0, 0.01, 14),
                ("cpu_percent", 45.0, 90.0, 0.0025, 270),
            ),
            pd.Timestamp("2024-06-01"),
            label="the table where connections are already over their limit",
            hidden=True,
        ),
        Case.from_reference(
            _most_urgent_reference,
            _resources(
                ("write_iops", 18_750.0, 40_000.0, 0.0, 60),
                ("cpu_percent", 45.0, 90.0, -0.002, 270),
                ("connections", 4_500.0, 5_000.0, -0.001, 30),
            ),
            pd.Timestamp("2024-06-01"),
            label="the table where nothing grows (flat write IOPS, shrinking CPU and "
            "connections)",
            hidden=True,
        ),
        Case.from_reference(
            _most_urgent_reference,
            _resources(
                ("cpu_percent", 78.75, 90.0, -0.01, 270),
                ("connections", 2_000.0, 5_000.0, 0.0, 30),
                ("write_iops", 25_000.0, 40_000.0, 0.004, 60),
            ),
            pd.Timestamp("2023-02-15"),
            label="the table with shrinking CPU, flat connections and growing write IOPS",
            hidden=True,
        ),
        Case.from_reference(
            _most_urgent_reference,
            _resources(
                ("write_iops", 28_125.0, 40_000.0, 0.002, 60),
                ("network_mbps", 6_000.0, 10_000.0, 0.006, 120),
                ("connections", 3_500.0, 5_000.0, 0.004, 21),
                ("cpu_percent", 62.4, 90.0, 0.003, 240),
            ),
            pd.Timestamp("2022-11-20"),
            label="the table of four resources where CPU's fix is already late",
            hidden=True,
        ),
        Case.from_reference(
            _most_urgent_reference,
            _resources(("network_mbps", 7_500.0, 10_000.0, 0.0035, 60)),
            pd.Timestamp("2025-01-01"),
            label="a table of a single resource",
            hidden=True,
        ),
    ),
    # The mistakes judged on the name alone come last, so that a right name with a
    # wrong date is matched by a more specific mistake first.
    mistakes=(
        Mistake(
            "the second item should be a date (the start-by date), not a number of days.",
            _days_not_date,
            compare=TupleOf((Text(), Number(abs_tol=1.0))),
        ),
        Mistake(
            "that date is the resource's doomsday. Return its start-by date: the doomsday "
            "minus its lead_time_days.",
            _doomsday_not_start,
        ),
        Mistake(
            "you subtracted the lesson's 60-day buffer too. Here the start-by date is the "
            "doomsday minus the resource's own lead_time_days, and nothing more.",
            partial(_most_urgent, buffer_days=60),
        ),
        Mistake(_ROUNDING_HINT, partial(_most_urgent, rounding=math.ceil)),
        Mistake(_ROUNDING_HINT, partial(_most_urgent, rounding=round)),
        Mistake(
            "a resource already at or over its limit reaches it today (0 days, not a negative "
            "number): its doomsday is as_of, and its start-by date as_of minus its lead time.",
            partial(_most_urgent, over_limit_guard=False),
        ),
        Mistake(
            "a resource already at or over its limit has 0 days left, and it still counts: "
            "its doomsday is as_of (a 0 is not \"no doomsday\"), and its start-by date as_of "
            "minus its lead time.",
            _skipping_zero_days,
        ),
        Mistake(
            "when no resource ever reaches its limit, return the pair (None, None), not a "
            "bare None: whoever calls your function unpacks two values.",
            _most_urgent_bare_none,
        ),
        Mistake(_NEVER_HINT, _floor_of_every_row),
        Mistake(_NEVER_HINT, _timedelta_of_every_row),
        Mistake(
            "you picked the resource that reaches its limit first. The fix that must start "
            "first is the one with the earliest start-by date (doomsday minus its lead time): "
            "a slow fix for a later limit can be the most urgent.",
            _earliest_doomsday,
            compare=_NAME_ONLY,
        ),
    ),
)

# --------------------------------------------------------------------------- the checks

TASKS = {
    task.name: task
    for task in (
        STORAGE_GROWTH,
        DOUBLING_TIME,
        START_BY_DATE,
        DAYS_UNTIL_LIMIT,
        DAYS_UNTIL_TOTAL_LIMIT,
        TRAILING_GROWTH_RATE,
        CROSSING_BAND,
        BAND_COVERAGE,
        SHARE_MOVED_MODULO,
        MOST_URGENT_FIX,
    )
}
EXAMPLES = {name: task.examples for name, task in TASKS.items()}


def ready(function: object) -> bool:
    """Whether your function passes its task's check (e.g. ``check.ready("share_moved_modulo")``).

    See :func:`infralab.checks.tasks.ready_for`.
    """
    return ready_for(TASKS, function)


@with_check_sections
def storage_growth_gib_per_day(function: object = None) -> None:
    """Check ``storage_growth_gib_per_day(rows_per_day, bytes_per_row)``.

    The answer must be in GiB per day: ``rows_per_day * bytes_per_row / 1024**3``
    (relative tolerance 0.01%). Four cases, three hidden, including zero rows.
    Recognises: dividing by 1e9 (GB), by 1024**2 (MiB), or not at all (bytes), a
    rounded answer.

    Examples
    --------
    >>> storage_growth_gib_per_day(lambda rows, size: rows * size / 1e9)
    Not quite (storage_growth_gib_per_day): it looks like you divided by 1e9, which gives gigabytes (GB). A gibibyte (GiB) is 1024**3 = 1,073,741,824 bytes, about 7% more.
    """  # noqa: E501
    STORAGE_GROWTH.check(function)


@with_check_sections
def doubling_time_days(function: object = None) -> None:
    """Check ``doubling_time_days(daily_growth_rate)``.

    The answer is ``ln 2 / ln(1 + daily_growth_rate)`` days (relative tolerance
    0.5%), and ``math.inf`` when the rate is 0 or negative. Six cases, five
    hidden, from -0.5% to 25% a day. Recognises: a rate taken as a percentage,
    ``1 / rate``, the rule of 70 (or 72, or ``ln 2 / rate``), no special case for
    rates <= 0, whole days (a day-by-day loop, or rounding).

    Examples
    --------
    >>> import math
    >>> doubling_time_days(lambda r: math.log(2) / math.log(1 + r) if r > 0 else math.inf)
    Correct (doubling_time_days): right on all 6 test cases (5 of them hidden).
    """
    DOUBLING_TIME.check(function)


@with_check_sections
def start_by_date(function: object = None) -> None:
    """Check ``start_by_date(doomsday_date, lead_time_days, buffer_days)``.

    The answer is the date ``doomsday_date - lead_time_days - buffer_days``,
    compared to the day; it may be a ``pd.Timestamp``, ``datetime.date``,
    ``numpy.datetime64`` or a ``'YYYY-MM-DD'`` text. ``doomsday_date`` is given
    as a Timestamp, a ``datetime.date`` and a text. Four cases, three hidden.
    Recognises: ``pd.Timedelta(n)`` without ``days=`` (n nanoseconds), a
    forgotten buffer, a forgotten lead time, adding instead of subtracting, a
    text date not converted with ``pd.Timestamp``.
    """
    START_BY_DATE.check(function)


@with_check_sections
def days_until_limit(function: object = None) -> None:
    """Check ``days_until_limit(current, limit, daily_growth_rate)``.

    The answer is 0 when ``current >= limit``, ``math.inf`` when the rate is 0 or
    negative, else ``ln(limit / current) / ln(1 + rate)`` days (relative
    tolerance 0.01%). Six cases, five hidden, one of them at the limit and not
    growing. Recognises: a straight-line projection, dividing by the rate
    instead of ``ln(1 + rate)``, whole days (a day-by-day loop, or rounding), the
    rate tested before the limit, a missing special case (over the limit, not
    growing, or both), ``rate < 0`` where ``rate <= 0`` is meant, months or years.
    """
    DAYS_UNTIL_LIMIT.check(function)


@with_check_sections
def days_until_total_limit(function: object = None) -> None:
    """Check ``days_until_total_limit(total, limit, added_per_day, daily_growth_rate)``.

    The total is a running total; what is added ``s`` days from now is
    ``added_per_day * (1 + r) ** s``, added continuously, so after ``t`` days the
    total is ``total + added_per_day * ((1 + r) ** t - 1) / ln(1 + r)``. The answer
    is the ``t`` at which that reaches ``limit`` (relative tolerance 0.01%): 0 at
    or over the limit, ``(limit - total) / added_per_day`` when ``r == 0``,
    ``math.inf`` when nothing is added or when shrinking additions level off at
    or below the limit. Six cases, five hidden. Recognises: task 4's answer (the
    rate applied to the whole total, or the total's own rate today kept fixed),
    the discrete sum (``r`` in place of ``ln(1 + r)``), a straight line, whole
    days, every shrinking rate taken as "never", and each missing special case.
    """
    DAYS_UNTIL_TOTAL_LIMIT.check(function)


@with_check_sections
def trailing_growth_rate(function: object = None) -> None:
    """Check ``trailing_growth_rate(dates, values, window_days)``.

    ``dates`` is a pandas Series of datetimes, ``values`` a Series of positive
    numbers. The answer is ``exp(slope) - 1`` where ``slope`` is the least-squares
    slope of ``ln(values)`` on day number, over the rows whose date is after
    ``last date - window_days`` (relative tolerance 0.01%). Five cases, four
    hidden: regime changes, noise, missing weekend rows, shrinking values.
    Recognises: fitting all the data, returning the log slope, a straight-line
    slope, the last ``window_days`` rows instead of days, row positions instead
    of day numbers, one day too many, the window's first and last values alone,
    the mean of ``pct_change()``.
    """
    TRAILING_GROWTH_RATE.check(function)


@with_check_sections
def crossing_band(function: object = None) -> None:
    """Check ``crossing_band(crossing_days, band)``.

    ``crossing_days`` is a list or a numpy array of days until each simulated
    trend reaches the limit, ``math.inf`` for a simulation that does not within
    the horizon; ``band`` a fraction (0.8). The answer is ``(earliest, median,
    latest)``: the ``(1 - band) / 2``, ``0.5`` and ``(1 + band) / 2`` quantiles,
    interpolated linearly between the sorted days as ``np.quantile`` does by
    default, and ``math.inf`` wherever a quantile touches an inf (a tuple, a
    list or a numpy array; relative tolerance 1e-6). Six cases, five hidden:
    a numpy array, another band, infinities at the top and in the middle, every
    simulation inf, a single simulation. Recognises: two values instead of
    three, the nan that ``np.quantile`` gives next to an inf, the infinite days
    left out, the days not sorted or sorted the wrong way, fractions given to
    ``np.percentile``, ``band`` read as a percent, rounded days.
    """
    CROSSING_BAND.check(function)


@with_check_sections
def band_coverage(function: object = None) -> None:
    """Check ``band_coverage(low, high, truth)``.

    ``low``, ``high`` and ``truth`` are sequences of the same length (numbers or
    dates; lists, numpy arrays or pandas Series), one item per back-test. The
    answer is the share, from 0 to 1, of back-tests with ``low <= truth <= high``
    (an int or a numpy number is fine). Six cases, five hidden: truths on an
    edge, dates, a band that holds no truth, a single back-test. Recognises: a
    count, a percentage, the share outside, Python lists compared as a whole,
    strict inequalities, one edge only, a rounded share.
    """
    BAND_COVERAGE.check(function)


@with_check_sections
def share_moved_modulo(function: object = None) -> None:
    """Check ``share_moved_modulo(n_keys, old_hosts, new_hosts)``.

    Keys ``0 .. n_keys - 1`` live on host ``key % hosts``; the answer is the share
    of keys whose host changes from ``old_hosts`` to ``new_hosts`` (relative
    tolerance 1e-9). Six cases, four hidden, of up to a million keys (a plain
    Python loop passes well within the time limit; numpy is several times faster).
    Recognises: a count, ``1 - old_hosts / new_hosts`` (what logical shards move),
    the share that stays, a percentage, keys counted from 1, the closed form
    ``1 - gcd / max`` (right only for whole multiples of the hosts' least common
    multiple of keys), a rounded share.
    """
    SHARE_MOVED_MODULO.check(function)


@with_check_sections
def most_urgent_fix(function: object = None) -> None:
    """Check ``most_urgent_fix(resources, as_of)``.

    ``resources`` is a DataFrame with columns ``resource``, ``current``,
    ``limit``, ``daily_growth_rate`` and ``lead_time_days``; ``as_of`` a
    Timestamp. Each resource's doomsday is ``as_of`` plus the days until its
    limit rounded down, and its start-by date that minus its lead time. The
    answer is a tuple ``(resource name, start-by date)`` for the earliest
    start-by date, or ``(None, None)`` when no resource ever reaches its limit.
    Names are compared ignoring case, dates to the day. Six cases, five
    hidden. Recognises: the earliest doomsday picked instead, the doomsday
    date returned, days instead of a date, the lesson's 60-day buffer
    subtracted too, rounding up, a resource already over its limit (negative
    days, or 0 taken as "no doomsday"), a bare ``None`` for ``(None, None)``,
    rows that never reach their limit turned into dates.
    """
    MOST_URGENT_FIX.check(function)
