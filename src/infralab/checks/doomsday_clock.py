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
days_until_limit               ``0`` at or over the limit; ``inf`` when not growing;
                               else ``ln(limit / current) / ln(1 + r)``
start_by_date                  ``doomsday - lead_time_days - buffer_days`` (a date)
trailing_growth_rate           ``exp(slope) - 1``, slope of ``ln(values)`` on day
                               number, fitted on dates after ``last - window_days``
earliest_doomsday              ``(resource, as_of + floor(days))`` of the resource
                               that reaches its limit first; ``(None, None)`` if none
=============================  ======================================================

``TASKS`` maps each task name to its :class:`~infralab.checks.core.Task`
(cases, mistakes, comparison); ``EXAMPLES`` maps it to the cases that are not
hidden.
"""

from __future__ import annotations

import datetime as _dt
import math
from functools import partial

import pandas as pd

from infralab.checks.core import (
    Anything,
    Case,
    Day,
    Mistake,
    Number,
    Task,
    Text,
    TupleOf,
    with_check_sections,
)

from ._doomsday_clock_answers import (
    BYTES_PER_GIB,  # noqa: F401 (still importable from here)
    _closest_to_limit,
    _days_not_date,
    _days_until_limit,
    _days_without_over_limit_guard,
    _days_without_rate_guard,
    _doubling_time,
    _earliest,
    _earliest_reference,
    _fastest_growing,
    _growth_history,
    _growth_on_row_positions,
    _growth_one_day_too_many,
    _growth_over_all_rows,
    _growth_over_last_rows,
    _resources,
    _start_by,
    _storage_growth,
    _trailing_growth,
    _trailing_linear_slope,
    _trailing_log_slope,
)

__all__ = [
    "EXAMPLES",
    "TASKS",
    "days_until_limit",
    "doubling_time_days",
    "earliest_doomsday",
    "start_by_date",
    "storage_growth_gib_per_day",
    "trailing_growth_rate",
]


# --------------------------------------------------------------------------- 1. storage growth


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
    ),
)

# --------------------------------------------------------------------------- 2. doubling time


_PERCENT_HINT = (
    "daily_growth_rate is a fraction: 0.01 means 1% a day. "
    "Use it as it is, without multiplying or dividing by 100."
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
        Mistake(_RULE_OF_70_HINT, lambda r: math.log(2) / r),
        Mistake(_RULE_OF_70_HINT, lambda r: 0.72 / r),
    ),
)

# --------------------------------------------------------------------------- 3. days until limit


_MONTHS_HINT = "your answer looks like months. Return the number of days."

DAYS_UNTIL_LIMIT = Task(
    name="days_until_limit",
    parameters=("current", "limit", "daily_growth_rate"),
    summary="Days until a value growing by a fixed fraction a day reaches a limit; "
    "0 at or over the limit, infinite when not growing.",
    compare=Number(rel_tol=1e-4, abs_tol=1e-9),
    cases=(
        Case.from_reference(_days_until_limit, 1000.0, 65536.0, 0.01),
        Case.from_reference(_days_until_limit, 30_000.0, 64_000.0, 0.05, hidden=True),
        Case.from_reference(_days_until_limit, 70.0, 64.0, 0.01, hidden=True),
        Case.from_reference(_days_until_limit, 64.0, 64.0, 0.02, hidden=True),
        Case.from_reference(_days_until_limit, 10.0, 64.0, 0.0, hidden=True),
        Case.from_reference(_days_until_limit, 10.0, 64.0, -0.01, hidden=True),
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
            "handle the two special cases first: current already at or over the limit "
            "gives 0 days; daily_growth_rate <= 0 gives math.inf.",
            lambda current, limit, rate: math.log(limit / current) / math.log1p(rate),
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

# --------------------------------------------------------------------------- 4. start-by date


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
            "your function fails when doomsday_date is a text like '2022-06-30'. "
            "Convert it first with pd.Timestamp(doomsday_date).",
            lambda doomsday, lead, buffer: doomsday - pd.Timedelta(days=lead + buffer),
        ),
    ),
)

# ----------------------------------------------------------------------- 5. trailing growth rate


def _trailing_case(history, window_days, label, hidden=True):
    dates, values = history
    return Case.from_reference(
        _trailing_growth, dates, values, window_days, label=label, hidden=hidden
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
    ),
)

# --------------------------------------------------------------------------- 6. earliest doomsday


_ROUNDING_HINT = (
    "round the number of days down (math.floor) before adding it to as_of: "
    "the limit is reached during that day."
)
_NAME_ONLY = TupleOf((Text(), Anything()))

EARLIEST_DOOMSDAY = Task(
    name="earliest_doomsday",
    parameters=("resources", "as_of"),
    summary="The resource that reaches its limit first and the date it does "
    "(as_of plus whole days, rounded down); (None, None) if none ever does.",
    compare=TupleOf((Text(), Day())),
    cases=(
        Case.from_reference(
            _earliest_reference,
            _resources(
                ("storage_tib", 50.0, 64.0, 0.001),
                ("cpu_percent", 55.0, 80.0, 0.006),
                ("connections", 100.0, 500.0, 0.015),
            ),
            pd.Timestamp("2024-01-01"),
            label="the table where storage is closest to its limit, connections grow fastest "
            "and CPU hits first",
        ),
        Case.from_reference(
            _earliest_reference,
            _resources(
                ("storage_tib", 20.0, 64.0, 0.05),
                ("connections", 520.0, 500.0, 0.01),
                ("cpu_percent", 60.0, 80.0, 0.002),
            ),
            pd.Timestamp("2024-06-01"),
            label="the table where connections are already over their limit",
            hidden=True,
        ),
        Case.from_reference(
            _earliest_reference,
            _resources(
                ("storage_tib", 30.0, 64.0, 0.0),
                ("cpu_percent", 40.0, 80.0, -0.002),
            ),
            pd.Timestamp("2024-06-01"),
            label="the table where nothing grows (flat storage, shrinking CPU)",
            hidden=True,
        ),
        Case.from_reference(
            _earliest_reference,
            _resources(
                ("cpu_percent", 70.0, 80.0, -0.01),
                ("connections", 200.0, 500.0, 0.0),
                ("storage_tib", 40.0, 64.0, 0.004),
            ),
            pd.Timestamp("2023-02-15"),
            label="the table with shrinking CPU, flat connections and growing storage",
            hidden=True,
        ),
        Case.from_reference(
            _earliest_reference,
            _resources(
                ("storage_tib", 45.0, 64.0, 0.002),
                ("transaction_ids", 1.2e9, 2.0e9, 0.006),
                ("connections", 350.0, 500.0, 0.004),
                ("cpu_percent", 52.0, 75.0, 0.003),
            ),
            pd.Timestamp("2022-11-20"),
            label="the table of four resources where transaction IDs hit first",
            hidden=True,
        ),
    ),
    # The two mistakes judged on the name alone come last, so that a right name
    # with a wrong date is matched by a more specific mistake first.
    mistakes=(
        Mistake(
            "the second item should be a date (as_of plus the days until the limit, rounded "
            "down), not a number of days.",
            _days_not_date,
            compare=TupleOf((Text(), Number(abs_tol=1.0))),
        ),
        Mistake(_ROUNDING_HINT, partial(_earliest, rounding=math.ceil)),
        Mistake(_ROUNDING_HINT, partial(_earliest, rounding=round)),
        Mistake(
            "a resource already at or over its limit reaches it today (0 days), "
            "not on a date in the past.",
            partial(_earliest, over_limit_guard=False),
        ),
        Mistake(
            "a resource with daily_growth_rate <= 0 never reaches its limit: give it "
            "math.inf days so it is never picked.",
            partial(_earliest, rate_guard=False),
        ),
        Mistake(
            "handle both special cases: a resource at or over its limit reaches it today "
            "(0 days); one with daily_growth_rate <= 0 never does (math.inf days).",
            partial(_earliest, over_limit_guard=False, rate_guard=False),
        ),
        Mistake(
            "you picked the resource closest to its limit. Closest is not first: one further "
            "away gets there sooner if it grows faster. Compare the days until each limit.",
            _closest_to_limit,
            compare=_NAME_ONLY,
        ),
        Mistake(
            "you picked the fastest-growing resource. Fastest is not first: one with more "
            "headroom takes longer. Compare the days until each limit.",
            _fastest_growing,
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
        DAYS_UNTIL_LIMIT,
        START_BY_DATE,
        TRAILING_GROWTH_RATE,
        EARLIEST_DOOMSDAY,
    )
}
EXAMPLES = {name: task.examples for name, task in TASKS.items()}


@with_check_sections
def storage_growth_gib_per_day(function: object = None) -> None:
    """Check ``storage_growth_gib_per_day(rows_per_day, bytes_per_row)``.

    The answer must be in GiB per day: ``rows_per_day * bytes_per_row / 1024**3``
    (relative tolerance 0.01%). Four cases, three hidden, including zero rows.
    Recognises: dividing by 1e9 (GB), by 1024**2 (MiB), or not at all (bytes).

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
    rates <= 0.

    Examples
    --------
    >>> import math
    >>> doubling_time_days(lambda r: math.log(2) / math.log(1 + r) if r > 0 else math.inf)
    Correct (doubling_time_days): right on all 6 test cases (5 of them hidden).
    """
    DOUBLING_TIME.check(function)


@with_check_sections
def days_until_limit(function: object = None) -> None:
    """Check ``days_until_limit(current, limit, daily_growth_rate)``.

    The answer is 0 when ``current >= limit``, ``math.inf`` when the rate is 0 or
    negative, else ``ln(limit / current) / ln(1 + rate)`` days (relative
    tolerance 0.01%). Six cases, five hidden. Recognises: a straight-line
    projection, dividing by the rate instead of ``ln(1 + rate)``, a missing
    special case (over the limit, not growing, or both), months or years.
    """
    DAYS_UNTIL_LIMIT.check(function)


@with_check_sections
def start_by_date(function: object = None) -> None:
    """Check ``start_by_date(doomsday_date, lead_time_days, buffer_days)``.

    The answer is the date ``doomsday_date - lead_time_days - buffer_days``,
    compared to the day; it may be a ``pd.Timestamp``, ``datetime.date``,
    ``numpy.datetime64`` or a ``'YYYY-MM-DD'`` text. ``doomsday_date`` is given
    as a Timestamp, a ``datetime.date`` and a text. Four cases, three hidden.
    Recognises: a forgotten buffer, a forgotten lead time, adding instead of
    subtracting, a text date not converted with ``pd.Timestamp``.
    """
    START_BY_DATE.check(function)


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
    of day numbers, one day too many.
    """
    TRAILING_GROWTH_RATE.check(function)


@with_check_sections
def earliest_doomsday(function: object = None) -> None:
    """Check ``earliest_doomsday(resources, as_of)``.

    ``resources`` is a DataFrame with columns ``resource``, ``current``,
    ``limit``, ``daily_growth_rate``; ``as_of`` a Timestamp. The answer is a
    tuple ``(resource name, date)`` for the resource that reaches its limit
    first, the date being ``as_of`` plus the days until the limit rounded down;
    ``(None, None)`` when no resource ever reaches its limit. Names are
    compared ignoring case, dates to the day. Five cases, four hidden.
    Recognises: picking the resource closest to its limit or the fastest
    growing one, returning days instead of a date, rounding up, resources
    already over their limit, resources that never grow.
    """
    EARLIEST_DOOMSDAY.check(function)
