"""Feature velocity with and without a shared platform, and when the platform pays off.

The model counts work in *team-weeks* (one team working for one week) and
column types as the unit of product: every column type needs its unique logic
plus a copy of each shared capability (export, filter, sort, permissions,
audit, API).

- **Without a platform** each column type costs
  ``weeks_without = unique_weeks + capabilities * capability_weeks``, and a team
  capacity of ``capacity`` team-weeks per month ships
  ``capacity * month / weeks_without`` column types by ``month``.
- **With a platform** the first ``platform_weeks`` go into the platform; after
  that each column type costs only ``weeks_with = unique_weeks + hookup_weeks``:
  ``(capacity * month - platform_weeks) / weeks_with`` column types.

Both are capped at the roadmap's ``column_types``. The two lines cross at
``t* = platform_weeks * weeks_without / (capacity * (weeks_without - weeks_with))``
months, when both have shipped ``platform_weeks / (weeks_without - weeks_with)``
column types. The platform never pays off for a roadmap of at most that many
column types, however long one waits: the copy-per-team teams finish the whole
roadmap first. Otherwise the *break-even month* is ``floor(t*) + 1``, the first
whole month after the crossing (if it is within the horizon). It is defined
from the crossing time, not by comparing month-end totals: when both paths
finish a short roadmap within the same month, month-end totals tie although the
platform finished first and cost less.

Every copy of a capability is a separate piece of code that may deviate from
the others: with ``copies`` independent copies, each wrong with probability
``defect_rate``, the chance that at least one deviates is
``1 - (1 - defect_rate) ** copies``.

:func:`simulate_break_even` draws the uncertain costs (log-normal around the
estimates) and returns the break-even month of each draw: a distribution, not
a point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from infralab.validation import (
    check_array,
    check_count,
    check_integer,
    check_number,
    check_probability,
    check_seed,
    read_only,
)

__all__ = [
    "BreakEvenBand",
    "BreakEvenRuns",
    "break_even_band",
    "break_even_month",
    "columns_to_pay_off",
    "cumulative_columns",
    "inconsistency_chance",
    "simulate_break_even",
]

#: Largest number of months, runs and column types the functions accept.
_MAX_MONTHS = 600
_MAX_RUNS = 5_000_000
_MAX_COLUMNS = 100_000


def _weeks(name: str, value: object, *, positive: bool = True) -> float:
    return check_number(name, value, low=0.0, high=1e6, low_inclusive=not positive)


def cumulative_columns(
    months: object,
    *,
    capacity: float,
    weeks_per_column: float,
    column_types: int,
    upfront_weeks: float = 0.0,
) -> np.ndarray:
    """Column types shipped by each month: ``min(N, max(0, capacity * m - upfront) / weeks)``.

    Parameters
    ----------
    months : array_like
        Months since the start (>= 0).
    capacity : float
        Team-weeks of work per month (> 0).
    weeks_per_column : float
        Team-weeks one column type costs (> 0).
    column_types : int
        Column types on the roadmap: nothing more is shipped after them.
    upfront_weeks : float
        Team-weeks spent before the first column type (the platform; 0 without one).

    Returns
    -------
    numpy.ndarray
        Column types shipped (fractions are work in progress), one per month.

    Examples
    --------
    >>> cumulative_columns([0, 1, 2, 3], capacity=10, weeks_per_column=5, column_types=4)
    array([0., 2., 4., 4.])
    >>> cumulative_columns([1, 2, 3], capacity=10, weeks_per_column=2, column_types=30,
    ...                    upfront_weeks=15)
    array([0. , 2.5, 7.5])
    """
    months = check_array("months", months, low=0.0)
    capacity = _weeks("capacity", capacity)
    weeks_per_column = _weeks("weeks_per_column", weeks_per_column)
    column_types = check_count("column_types", column_types, high=_MAX_COLUMNS)
    upfront_weeks = _weeks("upfront_weeks", upfront_weeks, positive=False)
    built = np.maximum(capacity * months - upfront_weeks, 0.0) / weeks_per_column
    return np.minimum(built, column_types)


def break_even_month(
    *,
    capacity: float,
    platform_weeks: float,
    weeks_without: float,
    weeks_with: float,
    column_types: int,
    horizon_months: int,
) -> int | None:
    """The first whole month after the two paths cross, ``floor(t*) + 1``, or None.

    The paths cross at ``t* = P * w0 / (capacity * (w0 - w1))`` months. None
    means the platform never gets ahead within ``horizon_months``: a roadmap of
    at most ``P / (w0 - w1)`` column types (the copy-per-team path finishes it
    first; see :func:`columns_to_pay_off`), a platform that saves nothing per
    column, or a crossing beyond the horizon. The answer does not depend on the
    number of teams except through the horizon.

    Parameters
    ----------
    capacity : float
        Team-weeks per month.
    platform_weeks : float
        Team-weeks spent building the platform first.
    weeks_without, weeks_with : float
        Team-weeks per column type without and with the platform.
    column_types : int
        Column types on the roadmap.
    horizon_months : int
        Months to look ahead.

    Returns
    -------
    int or None

    Examples
    --------
    Four teams (17.3 team-weeks a month), a 50 team-week platform, 17.4 team-weeks
    per column type by hand, 0.8 on the platform:

    >>> break_even_month(capacity=17.3, platform_weeks=50, weeks_without=17.4,
    ...                  weeks_with=0.8, column_types=30, horizon_months=24)
    4
    >>> break_even_month(capacity=17.3, platform_weeks=50, weeks_without=17.4,
    ...                  weeks_with=0.8, column_types=3, horizon_months=24) is None
    True

    Both paths may finish a short roadmap within one month; the platform, ahead
    from the crossing on, still breaks even:

    >>> break_even_month(capacity=69.3, platform_weeks=150, weeks_without=17.4,
    ...                  weeks_with=0.8, column_types=10, horizon_months=24)
    3
    """
    capacity = _weeks("capacity", capacity)
    platform_weeks = _weeks("platform_weeks", platform_weeks, positive=False)
    weeks_without = _weeks("weeks_without", weeks_without)
    weeks_with = _weeks("weeks_with", weeks_with)
    column_types = check_count("column_types", column_types, high=_MAX_COLUMNS)
    horizon_months = check_count("horizon_months", horizon_months, high=_MAX_MONTHS)
    needed = columns_to_pay_off(platform_weeks=platform_weeks, weeks_without=weeks_without,
                                weeks_with=weeks_with)
    if needed is None or column_types < needed:
        return None  # the copy-per-team path finishes the roadmap first, or never falls behind
    crossing = platform_weeks * weeks_without / (capacity * (weeks_without - weeks_with))
    month = math.floor(crossing + 1e-9) + 1  # a crossing at exactly 3.0 is a tie: month 4
    return month if month <= horizon_months else None


def columns_to_pay_off(
    *, platform_weeks: float, weeks_without: float, weeks_with: float
) -> int | None:
    """The fewest column types for which the platform costs less in total, or None if never.

    Building ``n`` column types costs ``n * weeks_without`` by hand and
    ``platform_weeks + n * weeks_with`` on a platform; the platform pays off
    from the smallest ``n`` where it is strictly cheaper:
    ``floor(platform_weeks / (weeks_without - weeks_with)) + 1``.

    Examples
    --------
    >>> columns_to_pay_off(platform_weeks=50, weeks_without=17.4, weeks_with=0.8)
    4
    >>> columns_to_pay_off(platform_weeks=30, weeks_without=12, weeks_with=2)
    4
    >>> columns_to_pay_off(platform_weeks=30, weeks_without=2, weeks_with=2) is None
    True
    """
    platform_weeks = _weeks("platform_weeks", platform_weeks, positive=False)
    weeks_without = _weeks("weeks_without", weeks_without)
    weeks_with = _weeks("weeks_with", weeks_with)
    saving = weeks_without - weeks_with
    if saving <= 0:
        return None
    ratio = platform_weeks / saving
    whole = math.floor(ratio + 1e-9)  # 30 / 10 is a tie at 3: it takes 4
    return whole + 1


def inconsistency_chance(copies: object, defect_rate: float) -> float | np.ndarray:
    """The chance that at least one of ``copies`` independent copies deviates: ``1 - (1-p)**n``.

    Parameters
    ----------
    copies : int or array_like of int
        Independent implementations of one capability (>= 0).
    defect_rate : float
        The chance that one copy deviates from the intended behaviour.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(inconsistency_chance(30, 0.05), 3)
    0.785
    >>> inconsistency_chance([0, 1, 2], 0.5)
    array([0.  , 0.5 , 0.75])
    """
    defect_rate = check_probability("defect_rate", defect_rate)
    if np.ndim(copies) == 0:
        count = check_integer("copies", copies, low=0)
        return float(1.0 - (1.0 - defect_rate) ** count)
    counts = check_array("copies", copies, low=0.0)
    if not np.all(counts == np.round(counts)):
        raise ValueError(f"copies must be whole numbers, got {copies!r}")
    return 1.0 - (1.0 - defect_rate) ** counts


@dataclass(frozen=True)
class BreakEvenRuns:
    """The Monte Carlo runs of :func:`simulate_break_even` (read-only arrays, one per run).

    Attributes
    ----------
    months : numpy.ndarray
        Break-even month of each run; NaN where the platform is never ahead
        within the horizon.
    platform_weeks, weeks_without, weeks_with : numpy.ndarray
        The costs drawn for each run, in team-weeks (single precision, about seven
        significant digits: plenty for costs known to within weeks).
    horizon_months : int
        The horizon the runs looked ahead.
    """

    months: np.ndarray
    platform_weeks: np.ndarray
    weeks_without: np.ndarray
    weeks_with: np.ndarray
    horizon_months: int

    @property
    def share_never(self) -> float:
        """The share of runs in which the platform never gets ahead within the horizon."""
        return float(np.mean(np.isnan(self.months)))


def simulate_break_even(
    runs: int,
    *,
    capacity: float,
    platform_weeks: float,
    unique_weeks: float,
    capability_weeks: float,
    capabilities: int,
    hookup_weeks: float,
    column_types: int,
    horizon_months: int,
    uncertainty: float,
    seed: object,
    rebuild_chance: float = 0.0,
) -> BreakEvenRuns:
    """Break-even months when the costs are uncertain: one month (or NaN) per run.

    Each run multiplies the platform's cost, the cost of one copy of a
    capability and the unique logic of a column type by independent
    log-normal factors ``exp(uncertainty * z)`` (median 1: the estimates are
    medians). With probability ``rebuild_chance`` a run's platform turns out to
    be the wrong abstraction and is built twice (its cost doubles). Then, with
    the closed form of the module docstring, the break-even month is
    ``floor(t*) + 1`` when the roadmap is longer than ``P / (w0 - w1)`` column
    types and that month is within the horizon, else NaN.

    Parameters
    ----------
    runs : int
        Number of Monte Carlo runs.
    capacity : float
        Team-weeks per month.
    platform_weeks, unique_weeks, capability_weeks, hookup_weeks : float
        Median estimates, in team-weeks.
    capabilities : int
        Shared capabilities each column type needs.
    column_types : int
        Column types on the roadmap.
    horizon_months : int
        Months to look ahead.
    uncertainty : float
        Standard deviation of the log of each cost (0 = certain; 0.4 means a
        cost is within x0.53 to x1.9 of its estimate nine times in ten).
    seed : int or numpy.random.Generator
    rebuild_chance : float, optional
        The chance that the platform must be built a second time (default 0).
        Its draws come after the cost draws, so the same seed gives the same
        costs with or without it.

    Returns
    -------
    BreakEvenRuns

    Examples
    --------
    >>> runs = simulate_break_even(
    ...     1000, capacity=17.3, platform_weeks=50, unique_weeks=0.6, capability_weeks=2.8,
    ...     capabilities=6, hookup_weeks=0.2, column_types=30, horizon_months=24,
    ...     uncertainty=0.0, seed=1)
    >>> float(np.nanmedian(runs.months)), runs.share_never
    (4.0, 0.0)
    """
    runs = check_count("runs", runs, high=_MAX_RUNS)
    capacity = _weeks("capacity", capacity)
    platform_weeks = _weeks("platform_weeks", platform_weeks, positive=False)
    unique_weeks = _weeks("unique_weeks", unique_weeks)
    capability_weeks = _weeks("capability_weeks", capability_weeks, positive=False)
    capabilities = check_integer("capabilities", capabilities, low=0)
    if capabilities > 1000:
        raise ValueError(f"capabilities must be at most 1000, got {capabilities}")
    hookup_weeks = _weeks("hookup_weeks", hookup_weeks, positive=False)
    column_types = check_count("column_types", column_types, high=_MAX_COLUMNS)
    horizon_months = check_count("horizon_months", horizon_months, high=_MAX_MONTHS)
    uncertainty = check_number("uncertainty", uncertainty, low=0.0, high=2.0)
    rng = check_seed("seed", seed)
    rebuild_chance = check_probability("rebuild_chance", rebuild_chance)

    # Single precision: months are whole numbers, and half the memory runs twice as fast.
    factors = np.float32(uncertainty) * rng.standard_normal((3, runs), dtype=np.float32)
    np.exp(factors, out=factors)  # log-normal factors, median 1
    platform, unique, copies = factors
    platform *= platform_weeks
    if rebuild_chance > 0:  # the wrong abstraction: the platform is built twice
        platform *= 1 + (rng.random(runs, dtype=np.float32) < rebuild_chance)
    unique *= unique_weeks
    copies *= capabilities * capability_weeks  # every capability, copied once per column
    without = unique + copies  # a column type by hand
    # In place from here (fewer fresh arrays): unique becomes the cost on the platform,
    # copies the saving per column type, without - with_platform.
    with_platform = np.add(unique, hookup_weeks, out=unique)
    saving = np.subtract(copies, hookup_weeks, out=copies)
    with np.errstate(divide="ignore", invalid="ignore"):
        months = platform * without  # t* = platform * without / (capacity * saving)
        months /= saving
        months /= capacity
    np.floor(months, out=months)
    months += 1  # the first whole month after the crossing
    never = months > horizon_months
    never |= saving <= 0  # the paths never cross
    saving *= column_types  # what the whole roadmap saves
    never |= saving <= platform  # the copy path finishes the roadmap first
    np.copyto(months, np.nan, where=never)
    return BreakEvenRuns(
        months=read_only(months),
        platform_weeks=read_only(platform),
        weeks_without=read_only(without),
        weeks_with=read_only(with_platform),
        horizon_months=horizon_months,
    )


@dataclass(frozen=True)
class BreakEvenBand:
    """The narrowest band of whole months holding ``level`` of the runs; ``inf`` is "never".

    Attributes
    ----------
    level : float
        The share of runs the band must hold at least (0.8 for an 80% band).
    low, high : float
        The band's first and last month (``high`` is ``inf`` when the band
        reaches "never within the horizon").
    median : float
        The median break-even month, "never" counted as later than any.
    share_never : float
        The share of runs with no break-even within the horizon.
    coverage : float
        The share of runs actually inside the band (months are whole, so it is
        usually more than ``level``).
    """

    level: float
    low: float
    median: float
    high: float
    share_never: float
    coverage: float


def break_even_band(months: object, level: float = 0.8) -> BreakEvenBand:
    """The narrowest run of consecutive whole months holding at least ``level`` of the runs.

    The months a run can break even in are ordered 1, 2, ... and then "never"
    (NaN), which comes after every month. The band is the shortest stretch of
    consecutive months (the "never" runs count as one last step) that holds at
    least ``level`` of the runs; of two equally short stretches, the one that
    holds more. ``coverage`` says how much it holds.

    Examples
    --------
    >>> band = break_even_band([3, 4, 4, 5, 6, 4, 3, 4, 5, float("nan")])
    >>> band.low, band.median, band.high, band.coverage, band.share_never
    (3.0, 4.0, 5.0, 0.8, 0.1)
    """
    level = check_number("level", level, low=0.0, high=1.0, low_inclusive=False,
                         high_inclusive=False)
    values = np.asarray(months, dtype=float) if not isinstance(months, str) else None
    if values is None or values.ndim != 1 or values.size == 0 or np.isinf(values).any():
        raise ValueError(f"months must be a non-empty list of months (NaN = never), got {months!r}")
    found = values[~np.isnan(values)]
    if not np.all(found == np.round(found)) or (found.size and found.min() < 0):
        raise ValueError(f"months must be whole months (NaN = never), got {months!r}")
    ordered = np.where(np.isnan(values), np.inf, values)
    steps, counts = np.unique(ordered, return_counts=True)
    # positions on the month axis: month m at m, "never" one step after the last month
    last = steps[np.isfinite(steps)].max() if np.isfinite(steps).any() else 0.0
    position = np.where(np.isfinite(steps), steps, last + 1)
    total = values.size
    best = None  # (width, -count, first, last)
    for first in range(steps.size):
        held = np.cumsum(counts[first:])
        enough = np.nonzero(held >= level * total - 1e-9)[0]
        if enough.size == 0:
            break
        end = first + int(enough[0])
        candidate = (position[end] - position[first], -int(held[enough[0]]), first, end)
        best = candidate if best is None or candidate[:2] < best[:2] else best
    _, held, first, end = best
    median = float(np.quantile(ordered, 0.5, method="inverted_cdf"))
    return BreakEvenBand(
        level=level,
        low=float(steps[first]),
        median=median,
        high=float(steps[end]),
        share_never=float(np.mean(np.isnan(values))),
        coverage=-held / total,
    )
