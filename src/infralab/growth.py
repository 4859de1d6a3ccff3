"""The doomsday clock: when does a growing database hit a wall, and when must work start?

A single database primary grows until one resource (storage, CPU, connections,
transaction IDs) reaches a hard limit. This module fits that growth, projects
it to the limit with a prediction band, and turns the projected *doomsday date*
into a *start-by date* for the project that removes the limit (for example,
sharding). It also simulates sharding itself: workspaces hashed to logical
shards on physical hosts, and the share of data that moves when hosts are
added.

Time is measured in *days*: plain float day numbers (day 0, 1, 2, ...). Only
:func:`doomsday_table` and :func:`start_by_date` deal in calendar dates.

Three growth models are offered:

- ``"linear"``: ``value = intercept + slope * day`` (units per day).
- ``"exponential"``: ``log(value) = intercept + slope * day``; ``slope`` is the
  continuous daily growth rate, ``exp(slope) - 1`` the daily growth rate.
- ``"piecewise"``: a regime change. Two independent exponential segments, one
  before and one from ``breakpoint_day``; only the current (later) regime is
  projected forward. When searched for, a break is kept only if it fits
  clearly better than one exponential (a BIC-style test); otherwise the fit
  is one exponential with no break.

References
----------
Notion Engineering (2021). *Herding elephants: lessons learned from sharding
Postgres at Notion.* 480 logical shards on 32 physical databases.

Figma Engineering (2024). *How Figma's databases team lived to tell the scale.*
Load tests to find each limit and predict the runway.

Beyer, B., Jones, C., Petoff, J. & Murphy, N. R. (2016). *Site Reliability
Engineering*, chapter 18 "Software Engineering in SRE" (capacity planning:
forecast demand beyond the lead time of getting capacity).

Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and Their
Application*, Algorithm 6.1 (model-based resampling of regression residuals)
and section 8.2 (block resampling of dependent data).

Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary
observations. *Annals of Statistics* 17(3), 1217-1241 (the moving-block
bootstrap).

Politis, D. N. & Romano, J. P. (1992). A circular block-resampling procedure
for stationary data. In LePage, R. & Billard, L. (eds.), *Exploring the Limits
of Bootstrap*, Wiley, 263-270.

Schwarz, G. (1978). Estimating the dimension of a model. *Annals of
Statistics* 6(2), 461-464 (the Bayesian information criterion).

Steele, G. L., Lea, D. & Flood, C. H. (2014). *Fast splittable pseudorandom
number generators.* OOPSLA 2014 (the SplitMix64 mixing function).
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import sys
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from .validation import (
    check_array,
    check_choice,
    check_date,
    check_flag,
    check_integer,
    check_number,
    check_seed,
    read_only,
)

__all__ = [
    "DAYS_PER_MONTH",
    "MODELS",
    "GrowthFit",
    "Projection",
    "ShardingResult",
    "days_until_limit",
    "doomsday_table",
    "find_regime_change",
    "fit_growth",
    "fraction_moved",
    "measure_bytes_per_row",
    "monthly_growth_pct",
    "project_to_limit",
    "rebalance_shards",
    "simulate_sharding",
    "stable_hash",
    "start_by_date",
    "zipf_sizes",
]

#: The growth models :func:`fit_growth` knows.
MODELS = ("linear", "exponential", "piecewise")

#: Days in an average month (365.25 / 12 = 30.4375, rounded), to quote monthly growth.
DAYS_PER_MONTH = 30.44

_LOG_MODELS = ("exponential", "piecewise")

#: A searched-for break must lower the squared error by this many ln(n) (BIC-style).
_BREAK_PENALTY = 3.0

#: Default bootstrap block: two weekly cycles of daily data.
_DEFAULT_BLOCK_DAYS = 14

#: Longest projection (a century) and most simulated values (days x simulations).
_MAX_HORIZON_DAYS = 36_500
_MAX_SIMULATED_VALUES = 50_000_000

#: ln of the largest float: exp of anything above it overflows to inf.
_LOG_FLOAT_MAX = math.log(sys.float_info.max)


# ---------------------------------------------------------------------------
# Fitting growth
# ---------------------------------------------------------------------------


def _compound_monthly_pct(log_daily_factor: float) -> float:
    """``(exp(DAYS_PER_MONTH * log_daily_factor) - 1) * 100``, ``inf`` instead of overflowing."""
    exponent = DAYS_PER_MONTH * log_daily_factor
    if exponent > _LOG_FLOAT_MAX:
        return math.inf
    return math.expm1(exponent) * 100.0


@dataclass(frozen=True)
class GrowthFit:
    """A fitted growth curve.

    Attributes
    ----------
    model : str
        ``"linear"``, ``"exponential"`` or ``"piecewise"``.
    intercept : float
        Linear: the fitted value at day 0 (units). Exponential and piecewise:
        the natural log of the fitted value at day 0 (for piecewise, of the
        current regime's line).
    slope : float
        Linear: units per day. Exponential and piecewise: log-units per day,
        the continuous daily growth rate of the current regime.
    residual_sd : float
        Standard deviation of the residuals, ``sqrt(SSE / (n - 2))`` (log
        scale for exponential and piecewise; 0 when only two points were
        fitted). At least 0.
    n_points : int
        Points fitted (for piecewise: in the current regime). At least 2.
    breakpoint_day : float or None
        Piecewise: the first day of the current regime. None for the other
        models, and for a piecewise fit whose search found no regime change
        worth its extra parameters: that fit is one exponential over all
        the points.
    rate_before : float or None
        Piecewise with a break: log-slope (per day) of the earlier regime.
    intercept_before : float or None
        Piecewise with a break: log-intercept of the earlier regime.
    last_day : float or None
        The last day fitted; the "last fitted value" of a linear fit is
        measured there (day 0 when None).

    Raises
    ------
    TypeError, ValueError
        For a field of the wrong type or out of range (the message names
        it): an unknown ``model``, a non-finite ``intercept`` or ``slope``, a
        negative ``residual_sd``, fewer than 2 ``n_points``, or break fields
        on a model without a break (or only some of the three).
    """

    model: str
    intercept: float
    slope: float
    residual_sd: float
    n_points: int
    breakpoint_day: float | None = None
    rate_before: float | None = None
    intercept_before: float | None = None
    last_day: float | None = None

    def __post_init__(self) -> None:
        check_choice("model", self.model, MODELS)
        checked = {
            "intercept": check_number("intercept", self.intercept),
            "slope": check_number("slope", self.slope),
            "residual_sd": check_number("residual_sd", self.residual_sd, low=0.0),
            "n_points": check_integer("n_points", self.n_points, low=2),
        }
        for name in ("breakpoint_day", "rate_before", "intercept_before", "last_day"):
            value = getattr(self, name)
            if value is not None:
                checked[name] = check_number(name, value)
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        regime = {
            "breakpoint_day": self.breakpoint_day,
            "rate_before": self.rate_before,
            "intercept_before": self.intercept_before,
        }
        given = [name for name, value in regime.items() if value is not None]
        if given and self.model != "piecewise":
            raise ValueError(
                f"{given[0]} must be None for a {self.model!r} fit (only piecewise fits "
                f"have a regime change), got {regime[given[0]]!r}"
            )
        if given and len(given) < len(regime):
            missing = next(name for name in regime if name not in given)
            raise ValueError(
                f"{missing} must be given with {', '.join(given)} (a regime change needs "
                "breakpoint_day, rate_before and intercept_before), got None"
            )

    def predict(self, days: object) -> np.ndarray:
        """Return the fitted value on ``days`` (same shape; units of the data).

        A piecewise fit uses the earlier regime for days before
        ``breakpoint_day`` and the current regime from it on. Values too
        large for a float are ``inf``.

        Examples
        --------
        >>> fit = GrowthFit("exponential", intercept=math.log(100.0), slope=0.01,
        ...                 residual_sd=0.0, n_points=10)
        >>> fit.predict([0.0, 69.3147]).round(2)
        array([100., 200.])
        """
        day_array = _as_day_array(days)
        if self.model == "linear":
            return self.intercept + self.slope * day_array
        log_value = self.intercept + self.slope * day_array
        if self.model == "piecewise" and self.breakpoint_day is not None:
            before = self.intercept_before + self.rate_before * day_array
            log_value = np.where(day_array < self.breakpoint_day, before, log_value)
        with np.errstate(over="ignore"):
            return np.exp(log_value)

    @property
    def _last_fitted_level(self) -> float:
        day = 0.0 if self.last_day is None else self.last_day
        return self.intercept + self.slope * day

    def _per_level(self, change: float) -> float:
        """``change`` over the last fitted level of a linear fit, with its sign conventions."""
        level = self._last_fitted_level
        if level > 0:
            return change / level
        if change == 0:
            return 0.0
        return math.copysign(math.inf, change)

    @property
    def daily_growth_rate(self) -> float:
        """Fractional growth per day (0.01 means 1% a day).

        Exponential and piecewise: ``exp(slope) - 1``. Linear: ``slope``
        divided by the last fitted value (``inf`` when that value is not
        positive but still rising, ``-inf`` when falling, 0 when flat).
        """
        if self.model in _LOG_MODELS:
            return math.expm1(self.slope) if self.slope <= _LOG_FLOAT_MAX else math.inf
        return self._per_level(self.slope)

    @property
    def monthly_growth_pct(self) -> float:
        """Growth per month (of :data:`DAYS_PER_MONTH` days), in percent.

        Exponential and piecewise compound the daily rate:
        ``(exp(slope * DAYS_PER_MONTH) - 1) * 100``. Linear growth does not
        compound: ``slope * DAYS_PER_MONTH / level * 100`` with ``level`` the
        last fitted value (same sign conventions as :attr:`daily_growth_rate`).

        Examples
        --------
        >>> GrowthFit("linear", 100.0, 1.0, residual_sd=0.0, n_points=2).monthly_growth_pct
        30.44
        """
        if self.model in _LOG_MODELS:
            return _compound_monthly_pct(self.slope)
        return self._per_level(self.slope * DAYS_PER_MONTH) * 100.0

    @property
    def doubling_days(self) -> float:
        """Days for the fitted value to double (``inf`` if it never does).

        Exponential and piecewise: ``ln 2 / slope``. Linear: the days for the
        last fitted value to double at a constant slope, ``level / slope``.
        """
        if self.slope <= 0:
            return math.inf
        if self.model in _LOG_MODELS:
            return math.log(2.0) / self.slope
        level = self._last_fitted_level
        return level / self.slope if level > 0 else math.inf


def _as_day_array(days: object) -> np.ndarray:
    if isinstance(days, (str, bytes)) or days is None:
        raise TypeError(f"days must be numbers, got {days!r}")
    try:
        array = np.asarray(days, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"days must be numbers, got {days!r}") from None
    if not np.isfinite(array).all():
        raise ValueError("days must hold finite numbers")
    return array


def _check_series(days: object, values: object, *, positive: bool, min_length: int = 2):
    day_array = check_array("days", days, min_length=min_length, increasing=True)
    value_array = check_array("values", values, min_length=min_length, positive=positive)
    if value_array.size != day_array.size:
        raise ValueError(
            f"values must have the same length as days ({day_array.size}), got {value_array.size}"
        )
    return day_array, value_array


class _Line(NamedTuple):
    """An ordinary least-squares line and the pieces a bootstrap refit reuses."""

    intercept: float
    slope: float
    residuals: np.ndarray
    mean_day: float
    centred_days: np.ndarray  # days - mean_day
    spread: float  # Sxx = centred_days @ centred_days


def _line_fit(x: np.ndarray, y: np.ndarray) -> _Line:
    """Ordinary least squares of ``y`` on ``x``."""
    x_mean = float(x.mean())
    y_mean = y.mean()
    centred = x - x_mean
    spread = float(centred @ centred)
    slope = float(centred @ (y - y_mean) / spread)
    intercept = float(y_mean - slope * x_mean)
    residuals = y - (intercept + slope * x)
    return _Line(intercept, slope, residuals, x_mean, centred, spread)


def _residual_sd(residuals: np.ndarray) -> float:
    n = residuals.size
    return float(math.sqrt(residuals @ residuals / (n - 2))) if n > 2 else 0.0


def _best_split(x: np.ndarray, y: np.ndarray, min_points: int) -> tuple[int, float]:
    """Index where the later of two independent straight-line segments starts, and its SSE.

    Every split with at least ``min_points`` on each side is scored at once
    from cumulative sums; the split with the smallest total squared error wins
    (the earliest one when several are equal to rounding error).
    """
    x = x - x.mean()  # centring keeps the cumulative sums well conditioned
    y = y - y.mean()
    columns = np.stack([np.ones_like(x), x, y, x * x, y * y, x * y])
    sums = np.concatenate([np.zeros((6, 1)), np.cumsum(columns, axis=1)], axis=1)
    n = x.size
    split = np.arange(min_points, n - min_points + 1)
    left = sums[:, split]
    right = sums[:, -1:] - left

    def sse(part: np.ndarray) -> np.ndarray:
        count, sx, sy, sxx, syy, sxy = part
        centred_xx = sxx - sx * sx / count
        centred_xy = sxy - sx * sy / count
        centred_yy = syy - sy * sy / count
        return np.maximum(centred_yy - centred_xy**2 / centred_xx, 0.0)

    total = sse(left) + sse(right)
    # Splits within rounding error of the best count as ties; the earliest wins.
    tie = 1e-10 * float(y @ y)
    best = int(np.flatnonzero(total <= total.min() + tie)[0])
    return int(split[best]), float(total[best])


def _break_pays_off(single_sse: float, split_sse: float, y: np.ndarray) -> bool:
    """Whether two segments beat one line by the BIC-style margin.

    Accept when ``n * ln(single_sse / split_sse) > 3 * ln(n)``. A single line
    that already fits to rounding error never gains a break; a split that
    fits to rounding error (and a single line that does not) always does.
    """
    n = y.size
    rounding = n * (1e-10 * max(1.0, float(np.abs(y).max()))) ** 2
    if single_sse <= rounding:
        return False
    if split_sse <= rounding:
        return True
    return n * math.log(single_sse / split_sse) > _BREAK_PENALTY * math.log(n)


def fit_growth(
    days: object,
    values: object,
    model: str = "exponential",
    *,
    breakpoint_day: float | None = None,
    min_regime_days: int = 28,
) -> GrowthFit:
    """Fit a growth model to a series by ordinary least squares.

    Parameters
    ----------
    days : array-like of float
        Day numbers, strictly increasing.
    values : array-like of float
        The resource on those days (GB, transactions per second, ...). Must be
        > 0 for the exponential and piecewise models, which fit ``log(values)``.
    model : {"exponential", "linear", "piecewise"}
        The growth model. ``"piecewise"`` fits two independent exponential
        segments (a regime change) and reports the current (later) one.
    breakpoint_day : float, optional
        Piecewise only (another model refuses one): the first day of the
        current regime. When None, every
        split leaving at least ``min_regime_days`` points on each side is
        tried and the one with the smallest total squared error (the earliest
        on a tie) is kept, but only if it beats one exponential over all
        ``n`` points by a BIC-style margin:
        ``n * ln(SSE_single / SSE_split) > 3 * ln(n)``.
    min_regime_days : int
        Piecewise search only: fewest *points* (observations, not calendar
        days) in each regime; the two agree only for daily data with no
        gaps. At least 2.

    Returns
    -------
    GrowthFit
        For piecewise: the current regime's ``intercept``, ``slope``,
        ``residual_sd`` and ``n_points``, plus ``breakpoint_day`` and
        ``rate_before``. When the search finds no break worth keeping, the
        single exponential fit over all points, still labelled
        ``model="piecewise"``, with ``breakpoint_day``, ``rate_before`` and
        ``intercept_before`` None.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    References
    ----------
    Schwarz, G. (1978). Estimating the dimension of a model. *Annals of
    Statistics* 6(2), 461-464.

    Examples
    --------
    >>> days = np.arange(100.0)
    >>> fit = fit_growth(days, 50.0 * np.exp(0.02 * days))
    >>> round(fit.slope, 6), round(fit.doubling_days, 2)
    (0.02, 34.66)
    >>> fit_growth(days, 50.0 * np.exp(0.02 * days), "piecewise").breakpoint_day is None
    True
    """
    check_choice("model", model, MODELS)
    min_points = check_integer("min_regime_days", min_regime_days, low=2)
    day_array, value_array = _check_series(days, values, positive=model in _LOG_MODELS)
    if breakpoint_day is not None and model != "piecewise":
        raise ValueError(
            f"breakpoint_day must be None for a {model!r} fit (only piecewise fits have a "
            f"regime change), got {breakpoint_day!r}"
        )
    last_day = float(day_array[-1])
    if model == "linear":
        line = _line_fit(day_array, value_array)
        return GrowthFit(
            "linear",
            line.intercept,
            line.slope,
            _residual_sd(line.residuals),
            day_array.size,
            last_day=last_day,
        )
    log_values = np.log(value_array)
    if model == "exponential":
        line = _line_fit(day_array, log_values)
        return GrowthFit(
            "exponential",
            line.intercept,
            line.slope,
            _residual_sd(line.residuals),
            day_array.size,
            last_day=last_day,
        )

    if breakpoint_day is None:
        if day_array.size < 2 * min_points:
            raise ValueError(
                f"values must hold at least 2 * min_regime_days = {2 * min_points} points "
                f"to search for a regime change, got {day_array.size}"
            )
        split, split_sse = _best_split(day_array, log_values, min_points)
        single = _line_fit(day_array, log_values)
        if not _break_pays_off(float(single.residuals @ single.residuals), split_sse, log_values):
            return GrowthFit(
                "piecewise",
                single.intercept,
                single.slope,
                _residual_sd(single.residuals),
                day_array.size,
                last_day=last_day,
            )
        start = float(day_array[split])
    else:
        start = check_number("breakpoint_day", breakpoint_day)
        split = int(np.searchsorted(day_array, start, side="left"))
        if split < 2 or day_array.size - split < 2:
            raise ValueError(
                f"breakpoint_day must leave at least 2 points in each regime, got {start:g} "
                f"(days run from {day_array[0]:g} to {day_array[-1]:g})"
            )
    before = _line_fit(day_array[:split], log_values[:split])
    current = _line_fit(day_array[split:], log_values[split:])
    return GrowthFit(
        "piecewise",
        current.intercept,
        current.slope,
        _residual_sd(current.residuals),
        day_array.size - split,
        breakpoint_day=start,
        rate_before=before.slope,
        intercept_before=before.intercept,
        last_day=last_day,
    )


def find_regime_change(days: object, values: object, *, min_regime_days: int = 28) -> float:
    """Return the day the current growth regime started, or NaN if there was no change.

    A thin wrapper around ``fit_growth(days, values, "piecewise")``: the best
    single breakpoint, kept only if two regimes fit clearly better than one
    exponential (see :func:`fit_growth`).

    Parameters
    ----------
    days, values : array-like of float
        The series (days strictly increasing, values > 0).
    min_regime_days : int
        Fewest points (observations) in each regime; at least 2.

    Returns
    -------
    float
        The first day of the current regime; ``math.nan`` when one
        exponential fits as well as any split.

    Examples
    --------
    >>> days = np.arange(200.0)
    >>> log_values = np.where(days < 120, 0.001 * days, 0.12 + 0.02 * (days - 120))
    >>> find_regime_change(days, np.exp(log_values))
    120.0
    >>> find_regime_change(days, np.exp(0.01 * days))
    nan
    """
    fit = fit_growth(days, values, "piecewise", min_regime_days=min_regime_days)
    return math.nan if fit.breakpoint_day is None else fit.breakpoint_day


def _transform_limit(model: str, limit: float, name: str = "limit") -> float:
    """The limit on the scale the model is linear in (log scale for exponential fits)."""
    if model in _LOG_MODELS:
        check_number(name, limit, low=0.0, low_inclusive=False)
        return math.log(limit)
    return limit


def days_until_limit(fit: GrowthFit, limit: float, from_day: float) -> float:
    """Days from ``from_day`` until the fitted curve reaches ``limit`` (closed form).

    Linear: ``(limit - intercept) / slope - from_day``. Exponential and
    piecewise (current regime): ``(ln limit - intercept) / slope - from_day``.

    Parameters
    ----------
    fit : GrowthFit
        A fitted growth curve.
    limit : float
        The hard limit, in the units of the data (> 0 for exponential fits).
    from_day : float
        The day to count from, usually the last observed day.

    Returns
    -------
    float
        Days (>= 0): 0.0 if the fitted value at ``from_day`` has already
        reached the limit, ``math.inf`` if it never will (slope <= 0).

    Examples
    --------
    >>> fit = GrowthFit("exponential", intercept=math.log(100.0), slope=0.01,
    ...                 residual_sd=0.0, n_points=10)
    >>> round(days_until_limit(fit, limit=200.0, from_day=0.0), 2)
    69.31
    """
    if not isinstance(fit, GrowthFit):
        raise TypeError(f"fit must be a GrowthFit from fit_growth, got {type(fit).__name__}")
    limit = check_number("limit", limit)
    from_day = check_number("from_day", from_day)
    target = _transform_limit(fit.model, limit)
    if fit.intercept + fit.slope * from_day >= target:
        return 0.0
    if fit.slope <= 0:
        return math.inf
    return max((target - fit.intercept) / fit.slope - from_day, 0.0)


def monthly_growth_pct(daily_growth_rate: float) -> float:
    """Compound a daily growth rate into percent growth per month.

    ``((1 + daily) ** DAYS_PER_MONTH - 1) * 100``; ``inf`` when that is too
    large for a float. For a fit, prefer :attr:`GrowthFit.monthly_growth_pct`,
    which does not compound linear growth.

    Parameters
    ----------
    daily_growth_rate : float
        Fractional growth per day (0.01 means 1% a day); > -1 (a value cannot
        shrink by 100% or more in a day). ``inf`` is allowed.

    Returns
    -------
    float
        Percent per month (> -100).

    Raises
    ------
    TypeError, ValueError
        If ``daily_growth_rate`` is not a number, or is NaN or <= -1.

    Examples
    --------
    >>> round(monthly_growth_pct(0.01), 1)
    35.4
    """
    daily = check_number(
        "daily_growth_rate", daily_growth_rate, low=-1.0, low_inclusive=False, allow_inf=True
    )
    return _compound_monthly_pct(math.log1p(daily))


# ---------------------------------------------------------------------------
# Projection with a prediction band
# ---------------------------------------------------------------------------


def _quantile(values: np.ndarray, q: float) -> float:
    """Linear-interpolated quantile of a 1-D array that lets ``inf`` through instead of NaN.

    ``np.quantile`` turns ``finite + 0 * inf`` into NaN; here a quantile
    that touches an ``inf`` is ``inf``.
    """
    ordered = np.sort(values)
    position = q * (ordered.size - 1)
    below = math.floor(position)
    fraction = position - below
    low = float(ordered[below])
    if fraction == 0:
        return low
    high = float(ordered[min(below + 1, ordered.size - 1)])
    if math.isinf(high):
        return math.inf
    return low + fraction * (high - low)


def _block_resample(
    residuals: np.ndarray,
    length: int,
    n_series: int,
    block: int,
    generator: np.random.Generator,
) -> np.ndarray:
    """Residual series built from circular blocks, one series per column.

    Each column of the ``(length, n_series)`` result concatenates blocks of
    ``block`` consecutive residuals, each starting at a uniformly random
    position and wrapping from the last residual to the first, then is cut to
    ``length``. ``block = 1`` is the ordinary i.i.d. residual bootstrap.
    Wrapping gives every residual the same chance in every position, so
    centred residuals give mean-zero draws.
    """
    n_blocks = -(-length // block)
    starts = generator.integers(0, residuals.size, size=(n_blocks, n_series))
    wrapped = np.concatenate([residuals, residuals[: block - 1]])
    index = starts[:, None, :] + np.arange(block)[None, :, None]
    return wrapped[index.reshape(n_blocks * block, n_series)[:length]]


def _sorted_quantile(rows: np.ndarray, q: float) -> np.ndarray:
    """``np.quantile(rows, q, axis=1)`` (its default linear method) for rows already sorted.

    Reads the two order statistics around ``q * (n - 1)`` and interpolates as
    numpy does, so the result is the same to the last bit, without numpy's
    selection pass over every row.
    """
    position = q * (rows.shape[1] - 1)
    below = math.floor(position)
    above = min(below + 1, rows.shape[1] - 1)
    weight = position - below
    lower, upper = rows[:, below], rows[:, above]
    step = upper - lower
    if weight >= 0.5:
        return upper - step * (1.0 - weight)
    return lower + step * weight


@dataclass(frozen=True, eq=False)
class Projection:
    """A growth projection to a limit, with a bootstrap prediction band.

    Two different "when" questions are answered. ``crossing_*`` is the day
    the fitted **trend** reaches the limit: daily values scatter around the
    trend, so single days may cross earlier — the band (``low``, ``high``)
    shows by how much. ``first_touch_*`` is the day a simulated **daily
    value** (trend plus noise) first reaches the limit, which is where daily
    peaks first touch it.

    Attributes
    ----------
    model : str
        The growth model used.
    limit : float
        The hard limit (units of the data).
    as_of_day : float
        The last observed day; the projection starts the day after.
    days : ndarray
        Future day numbers ``as_of_day + 1 ... as_of_day + horizon_days``.
    median, low, high : ndarray
        Projected daily values on ``days`` (units of the data): the median
        and the edges of the central ``band`` of the simulated paths, residual
        noise included (``inf`` where a value is too large for a float).
    crossing_days : ndarray
        One per simulation: days after ``as_of_day`` until its refitted
        *trend* reaches the limit (0 if it already has); ``inf`` if not
        within the horizon.
    first_touch_days : ndarray
        One per simulation: the first future day (1, 2, ... days after
        ``as_of_day``) on which its noisy simulated path reaches the limit;
        ``inf`` if never within the horizon.
    band : float
        Width of the central band (0.8 means the 10th to 90th percentile).
    fit : GrowthFit
        The fit to the observed data the simulations start from.
    """

    model: str
    limit: float
    as_of_day: float
    days: np.ndarray
    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    crossing_days: np.ndarray
    first_touch_days: np.ndarray
    band: float
    fit: GrowthFit

    @property
    def crossing_median(self) -> float:
        """Median days until the trend reaches the limit (``inf`` if most never do)."""
        return _quantile(self.crossing_days, 0.5)

    @property
    def crossing_low(self) -> float:
        """Earliest plausible days until the trend reaches the limit: the ``(1 - band) / 2``
        quantile. Daily values may touch the limit before this; see :attr:`first_touch_low`."""
        return _quantile(self.crossing_days, (1.0 - self.band) / 2.0)

    @property
    def crossing_high(self) -> float:
        """Latest plausible days until the trend reaches the limit: the ``(1 + band) / 2``
        quantile."""
        return _quantile(self.crossing_days, (1.0 + self.band) / 2.0)

    @property
    def first_touch_low(self) -> float:
        """Early edge of the day daily values first touch the limit: the ``(1 - band) / 2``
        quantile of :attr:`first_touch_days` (``inf`` if that many never touch it)."""
        return _quantile(self.first_touch_days, (1.0 - self.band) / 2.0)

    def probability_within(self, days: float) -> float:
        """Share of simulations whose trend reaches the limit within ``days`` days (0 to 1).

        Examples
        --------
        >>> projection = project_to_limit(np.arange(60.0), np.exp(0.01 * np.arange(60.0)),
        ...                               limit=10.0, n_simulations=100)
        >>> projection.probability_within(365)
        1.0
        """
        horizon = check_number("days", days, low=0.0, allow_inf=True)
        return float(np.mean(self.crossing_days <= horizon))


def project_to_limit(
    days: object,
    values: object,
    limit: float,
    *,
    model: str = "exponential",
    window_days: float | None = None,
    horizon_days: int = 1095,
    n_simulations: int = 2000,
    band: float = 0.8,
    block_days: int | None = None,
    rng: object = 0,
    min_regime_days: int = 28,
) -> Projection:
    """Project a growing resource to its limit, with a block-bootstrap band.

    The model is fitted on the trailing ``window_days`` of data. Then, all
    simulations at once: the fit's residuals (leverage-adjusted and centred,
    as in Davison & Hinkley's Algorithm 6.1) are resampled in blocks of
    ``block_days`` consecutive residuals (a circular moving-block bootstrap,
    which keeps day-to-day persistence and weekly cycles that resampling
    single days would destroy) onto the fitted line; every synthetic series
    is refitted by closed-form least squares. Each refitted trend gives a
    crossing day in closed form and a future path, with future noise again
    drawn in blocks.

    ``crossing_*`` is the day the fitted trend reaches the limit; daily
    values scatter around it, so single days may cross earlier — the band
    shows by how much, and ``first_touch_*`` says when simulated daily
    values first reach the limit.

    Parameters
    ----------
    days, values : array-like of float
        The observed series (days strictly increasing; values > 0 for the
        exponential and piecewise models).
    limit : float
        The hard limit, in the units of ``values``.
    model : {"exponential", "linear", "piecewise"}
        Piecewise finds the regime change once on all the data, then fits and
        resamples only the current regime (inside the window, if one is
        given); with no regime change found it uses all the data, like
        ``"exponential"``.
    window_days : float, optional
        Fit only the days within ``window_days`` of the last day (all data
        when None). Needs at least 3 points.
    horizon_days : int
        How far ahead to project, in days (default three years); 1 to 36,500.
    n_simulations : int
        Bootstrap simulations (>= 1). ``horizon_days * n_simulations`` must
        not exceed 50,000,000 (the simulated daily values held in memory).
    band : float
        Width of the central prediction band, strictly between 0 and 1.
    block_days : int, optional
        Consecutive residuals per bootstrap block, counted in points (days,
        for daily data); between 1 and the number of points fitted. 1 is the
        ordinary bootstrap, right only for independent day-to-day noise.
        Default: 14 (two weekly cycles), or all the fitted points if fewer.
    rng : int or numpy.random.Generator
        Seed or generator.
    min_regime_days : int
        Piecewise only: fewest points (observations, not calendar days) in
        each regime when searching for the regime change (at least 3).

    Returns
    -------
    Projection

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and Their
    Application*, Cambridge University Press, Algorithm 6.1 and section 8.2.

    Künsch, H. R. (1989). The jackknife and the bootstrap for general
    stationary observations. *Annals of Statistics* 17(3), 1217-1241.

    Politis, D. N. & Romano, J. P. (1992). A circular block-resampling
    procedure for stationary data. In *Exploring the Limits of Bootstrap*,
    Wiley, 263-270.

    Examples
    --------
    >>> days = np.arange(365.0)
    >>> noise = np.random.default_rng(1).normal(0, 0.02, days.size)
    >>> projection = project_to_limit(days, 100 * np.exp(0.005 * days + noise), limit=2000)
    >>> 230 < projection.crossing_median < 260
    True
    >>> projection.first_touch_low < projection.crossing_low
    True
    """
    return _project(
        days,
        values,
        limit,
        model=model,
        window_days=window_days,
        horizon_days=horizon_days,
        n_simulations=n_simulations,
        band=band,
        block_days=block_days,
        rng=rng,
        min_regime_days=min_regime_days,
        daily_values=True,
    )


def _project(
    days: object,
    values: object,
    limit: float,
    *,
    model: str,
    window_days: float | None,
    horizon_days: int,
    n_simulations: int,
    band: float,
    block_days: int | None,
    rng: object,
    min_regime_days: int,
    daily_values: bool,
) -> Projection:
    """:func:`project_to_limit`; without ``daily_values`` only the trend's crossing days.

    Skipping the simulated daily values (and their band and first touches)
    draws the same random numbers for the crossing, so the crossing days are
    identical either way.
    """
    check_choice("model", model, MODELS)
    day_array, value_array = _check_series(
        days, values, positive=model in _LOG_MODELS, min_length=3
    )
    limit = check_number("limit", limit)
    target = _transform_limit(model, limit)
    horizon = check_integer("horizon_days", horizon_days, low=1, high=_MAX_HORIZON_DAYS)
    simulations = check_integer("n_simulations", n_simulations, low=1)
    if horizon * simulations > _MAX_SIMULATED_VALUES:
        raise ValueError(
            f"n_simulations * horizon_days must be <= {_MAX_SIMULATED_VALUES:,} (simulated "
            f"daily values held in memory), got {simulations:,} * {horizon:,} = "
            f"{simulations * horizon:,}"
        )
    band = check_number("band", band, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    generator = check_seed("rng", rng)
    if window_days is not None:
        window = check_number("window_days", window_days, low=0.0, low_inclusive=False)
    min_points = check_integer("min_regime_days", min_regime_days, low=3)
    if block_days is not None:
        block = check_integer("block_days", block_days, low=1)

    regime = None
    if model == "piecewise":
        regime = fit_growth(day_array, value_array, "piecewise", min_regime_days=min_points)
        if regime.breakpoint_day is not None:
            keep = day_array >= regime.breakpoint_day
            day_array, value_array = day_array[keep], value_array[keep]
    as_of_day = float(day_array[-1])
    if window_days is not None:
        keep = day_array > as_of_day - window
        if keep.sum() < 3:
            raise ValueError(
                f"window_days must cover at least 3 observed days, got {window:g} "
                f"(covering {int(keep.sum())})"
            )
        day_array, value_array = day_array[keep], value_array[keep]
    n = day_array.size
    if block_days is None:
        block = min(_DEFAULT_BLOCK_DAYS, n)
    elif block > n:
        raise ValueError(
            f"block_days must be <= the {n} points fitted (block_days counts points), got {block}"
        )

    scale = np.log(value_array) if model in _LOG_MODELS else value_array
    line = _line_fit(day_array, scale)
    fit = GrowthFit(
        model,
        line.intercept,
        line.slope,
        _residual_sd(line.residuals),
        n,
        breakpoint_day=None if regime is None else regime.breakpoint_day,
        rate_before=None if regime is None else regime.rate_before,
        intercept_before=None if regime is None else regime.intercept_before,
        last_day=as_of_day,
    )
    leverage = 1.0 / n + line.centred_days**2 / line.spread
    adjusted = line.residuals / np.sqrt(1.0 - leverage)
    adjusted -= adjusted.mean()

    # Refit every synthetic series at once: adding resampled residuals R to the
    # fitted line moves the slope by centred_days @ R / spread and the level at
    # the mean day by mean(R).
    resampled = _block_resample(adjusted, n, simulations, block, generator)
    slopes = line.slope + line.centred_days @ resampled / line.spread
    mean_levels = line.intercept + line.slope * line.mean_day + resampled.mean(axis=0)

    level_now = mean_levels + slopes * (as_of_day - line.mean_day)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        crossing = np.where(
            level_now >= target,
            0.0,
            np.where(slopes > 0, (target - level_now) / slopes, np.inf),
        )
    crossing[crossing > horizon] = np.inf

    future = as_of_day + np.arange(1.0, horizon + 1.0)
    if not daily_values:  # the trend's crossing is all a doomsday table needs
        nothing = read_only(np.empty(0))
        return Projection(
            model=model,
            limit=limit,
            as_of_day=as_of_day,
            days=read_only(future),
            median=nothing,
            low=nothing,
            high=nothing,
            crossing_days=read_only(crossing),
            first_touch_days=nothing,
            band=band,
            fit=fit,
        )
    # One row per future day, one column per simulation.
    paths = _block_resample(adjusted, horizon, simulations, block, generator)
    paths += mean_levels
    paths += np.multiply.outer(future - line.mean_day, slopes)
    reached = paths >= target
    first_reached = reached.argmax(axis=0)
    first_touch = np.where(
        reached[first_reached, np.arange(simulations)], first_reached + 1.0, np.inf
    )
    del reached
    tail = (1.0 - band) / 2.0
    paths.sort(axis=1)
    low, median, high = (_sorted_quantile(paths, q) for q in (tail, 0.5, 1.0 - tail))
    if model in _LOG_MODELS:
        with np.errstate(over="ignore"):
            low, median, high = np.exp(low), np.exp(median), np.exp(high)
    return Projection(
        model=model,
        limit=limit,
        as_of_day=as_of_day,
        days=read_only(future),
        median=read_only(median),
        low=read_only(low),
        high=read_only(high),
        crossing_days=read_only(crossing),
        first_touch_days=read_only(first_touch),
        band=band,
        fit=fit,
    )


# ---------------------------------------------------------------------------
# Dates: the doomsday table and the start-by date
# ---------------------------------------------------------------------------


def _date_after(start: pd.Timestamp, days: float) -> pd.Timestamp:
    """The calendar date ``days`` after ``start`` (NaT for ``inf``)."""
    if math.isinf(days):
        return pd.NaT
    return (start + pd.Timedelta(days=days)).floor("D")


def _resource_generator(entropy: int, resource: object) -> np.random.Generator:
    """A random stream of its own for one resource, keyed by a stable hash of its name."""
    digest = hashlib.sha256(str(resource).encode("utf-8")).digest()
    key = tuple(int(word) for word in np.frombuffer(digest, dtype="<u4"))
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=key))


def doomsday_table(
    frame: pd.DataFrame,
    limits: Mapping[str, float],
    *,
    date_column: str = "date",
    as_of: object = None,
    window_days: float = 90,
    model: str = "exponential",
    horizon_days: int = 1095,
    n_simulations: int = 2000,
    band: float = 0.8,
    block_days: int | None = None,
    rng: object = 0,
) -> pd.DataFrame:
    """Project every resource to its limit and list them, soonest doomsday first.

    The doomsday of the whole system is the first row's: the earliest date
    any resource's fitted trend reaches its limit. Daily peaks scatter around
    the trend and may touch a limit earlier (see :class:`Projection`).

    Parameters
    ----------
    frame : DataFrame
        One row per day: a date column and one numeric column per resource.
        Missing values (NaN) in a resource column are skipped; each resource
        is projected from its own last observed date.
    limits : mapping of str to float
        Resource column name -> hard limit (units of that column).
    date_column : str
        Name of the date column.
    as_of : date-like, optional
        Use only rows dated on or before this day (default: the last date),
        to see what the forecast said at that time.
    window_days, model, horizon_days, n_simulations, band, block_days
        Passed to :func:`project_to_limit`.
    rng : int or numpy.random.Generator
        Seed or generator (a generator is advanced by one draw). Each
        resource draws from its own stream, derived from ``rng`` and a
        stable hash (SHA-256) of the resource's name, so a resource's row is
        the same whichever other resources are listed, in whatever order.

    Returns
    -------
    DataFrame
        One row per resource in ``limits``, sorted by ``doomsday`` (NaT
        last), ties by ``days_left``, with columns ``resource``, ``current``
        (last value), ``limit``, ``percent_of_limit``, ``monthly_growth_pct``
        (:attr:`GrowthFit.monthly_growth_pct` of the fit), ``doomsday`` (date
        the median trend crosses the limit; NaT if beyond the horizon),
        ``earliest`` and ``latest`` (edges of the band of trend crossings),
        ``days_left`` (float days from the table's as-of date, the last date
        on or before ``as_of`` and the same for every resource, to the median
        crossing; 0 if that is already past, ``inf`` if beyond the horizon).

    Examples
    --------
    >>> dates = pd.date_range("2020-01-01", periods=120, freq="D")
    >>> frame = pd.DataFrame({"date": dates, "storage_gb": 100 * 1.01 ** np.arange(120)})
    >>> table = doomsday_table(frame, {"storage_gb": 1000}, n_simulations=200)
    >>> table.loc[0, "doomsday"]
    Timestamp('2020-08-19 00:00:00')
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if not isinstance(limits, Mapping) or not limits:
        raise TypeError(
            f"limits must be a non-empty mapping of column name to limit, got {limits!r}"
        )
    if date_column not in frame.columns:
        raise ValueError(
            f"date_column must name a column of frame, got {date_column!r} "
            f"(columns: {', '.join(map(str, frame.columns))})"
        )
    missing = [name for name in limits if name not in frame.columns]
    if missing:
        raise ValueError(
            f"limits names columns that frame does not have: {', '.join(map(repr, missing))}"
        )
    check_choice("model", model, MODELS)
    entropy = int(check_seed("rng", rng).integers(2**63))
    try:
        dates = pd.to_datetime(frame[date_column])
    except (TypeError, ValueError):
        raise ValueError(f"date_column {date_column!r} must hold dates") from None
    if dates.isna().any():
        raise ValueError(f"date_column {date_column!r} must hold dates, found a missing one")
    if dates.duplicated().any():
        duplicate = dates[dates.duplicated()].iloc[0]
        raise ValueError(
            f"date_column {date_column!r} must hold one row per day, "
            f"{duplicate:%Y-%m-%d} appears twice"
        )
    cutoff = dates.max() if as_of is None else check_date("as_of", as_of)
    if not (dates <= cutoff).any():
        raise ValueError(f"as_of must be on or after the first date {dates.min():%Y-%m-%d}")
    first_date = dates.min()
    day_numbers = ((dates - first_date) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    keep = (dates <= cutoff).to_numpy()
    order = np.argsort(day_numbers[keep], kind="stable")
    kept_days = day_numbers[keep][order]
    table_day = float(kept_days[-1])  # the as-of date every days_left counts from

    rows = []
    for resource, limit in limits.items():
        series = frame[resource]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            raise TypeError(f"frame[{resource!r}] must hold numbers, got dtype {series.dtype}")
        column = series.to_numpy(dtype=float, na_value=np.nan)[keep][order]
        present = ~np.isnan(column)
        resource_values = check_array(
            f"frame[{resource!r}]",
            column[present],
            min_length=3,
            positive=model in _LOG_MODELS,
        )
        limit = check_number(f"limits[{resource!r}]", limit)
        _transform_limit(model, limit, name=f"limits[{resource!r}]")
        projection = _project(
            kept_days[present],
            resource_values,
            limit,
            model=model,
            window_days=window_days,
            horizon_days=horizon_days,
            n_simulations=n_simulations,
            band=band,
            block_days=block_days,
            rng=_resource_generator(entropy, resource),
            min_regime_days=28,
            daily_values=False,
        )
        last_date = first_date + pd.Timedelta(days=projection.as_of_day)
        current = float(resource_values[-1])
        days_left = projection.as_of_day + projection.crossing_median - table_day
        rows.append(
            {
                "resource": resource,
                "current": current,
                "limit": limit,
                "percent_of_limit": 100.0 * current / limit,
                "monthly_growth_pct": projection.fit.monthly_growth_pct,
                "doomsday": _date_after(last_date, projection.crossing_median),
                "earliest": _date_after(last_date, projection.crossing_low),
                "latest": _date_after(last_date, projection.crossing_high),
                "days_left": max(days_left, 0.0),
            }
        )
    table = pd.DataFrame(rows)
    for column in ("doomsday", "earliest", "latest"):
        table[column] = pd.to_datetime(table[column])
    return table.sort_values(
        ["doomsday", "days_left"], na_position="last", kind="stable"
    ).reset_index(drop=True)


def start_by_date(
    doomsday_date: object, lead_time_days: float, buffer_days: float = 0
) -> pd.Timestamp:
    """The last day the fix can start and still land before doomsday.

    ``start_by = doomsday_date - lead_time_days - buffer_days``.

    Parameters
    ----------
    doomsday_date : date-like or NaT
        When the first limit is reached. NaT (no doomsday within the horizon)
        gives NaT.
    lead_time_days : float
        How long the project takes, in days (>= 0). Figma's horizontal
        sharding took about nine months (~270 days).
    buffer_days : float
        Safety margin, in days (>= 0).

    Returns
    -------
    Timestamp or NaT

    References
    ----------
    Figma Engineering (2024). *How Figma's databases team lived to tell the
    scale* (horizontal sharding took about nine months).
    Beyer, B. et al. (2016). *Site Reliability Engineering*, chapter 18
    (forecast demand beyond the lead time of getting capacity).

    Examples
    --------
    >>> start_by_date("2021-06-30", lead_time_days=270, buffer_days=60)
    Timestamp('2020-08-04 00:00:00')
    """
    lead = check_number("lead_time_days", lead_time_days, low=0.0)
    buffer = check_number("buffer_days", buffer_days, low=0.0)
    if doomsday_date is pd.NaT or (
        isinstance(doomsday_date, np.datetime64) and np.isnat(doomsday_date)
    ):
        return pd.NaT
    doomsday = check_date("doomsday_date", doomsday_date)
    return doomsday - pd.Timedelta(days=lead + buffer)


# ---------------------------------------------------------------------------
# A real embedded database: bytes per row
# ---------------------------------------------------------------------------

_BLOCK_TYPES = np.array(["text", "page", "to_do", "header", "bulleted_list", "image"])


def measure_bytes_per_row(
    n_rows: int = 20_000,
    *,
    payload_bytes: int = 200,
    with_index: bool = True,
    rng: object = 0,
) -> float:
    """Measure the storage one row of a "blocks" table takes in SQLite.

    Builds, in memory, a table shaped like a document tool's blocks table::

        blocks(id INTEGER PRIMARY KEY, workspace_id INTEGER, parent_id INTEGER,
               type TEXT, properties TEXT, created_at INTEGER)

    fills it with ``n_rows`` generated rows (``properties`` holds
    ``payload_bytes`` random ASCII letters), optionally with an index on
    ``workspace_id``, and divides the database size (page count x page size,
    SQLite's default page size) by the number of rows.

    Parameters
    ----------
    n_rows : int
        Rows to insert (>= 1). The fixed overhead (schema page) fades as this grows.
    payload_bytes : int
        Characters of ``properties`` per row (>= 0).
    with_index : bool
        Also build an index on ``workspace_id``.
    rng : int or numpy.random.Generator
        Seed or generator for the generated rows.

    Returns
    -------
    float
        Bytes per row, index and page overhead included. Repeatable for a
        given seed and SQLite version.

    Examples
    --------
    >>> small = measure_bytes_per_row(5_000, payload_bytes=100)
    >>> large = measure_bytes_per_row(5_000, payload_bytes=300)
    >>> 150 < large - small < 250
    True
    """
    rows = check_integer("n_rows", n_rows, low=1)
    payload = check_integer("payload_bytes", payload_bytes, low=0)
    index = check_flag("with_index", with_index)
    generator = check_seed("rng", rng)

    ids = np.arange(1, rows + 1)
    workspace_ids = generator.integers(1, 1_001, size=rows)
    parent_ids = np.floor(generator.random(rows) * (ids - 1)).astype(np.int64)  # an earlier row
    types = _BLOCK_TYPES[generator.integers(0, _BLOCK_TYPES.size, size=rows)]
    created_at = 1_600_000_000_000 + np.cumsum(generator.integers(1, 60_000, size=rows))
    if payload:
        letters = generator.integers(ord("a"), ord("z") + 1, size=(rows, payload), dtype=np.uint8)
        properties = letters.view(f"S{payload}").ravel().astype(f"U{payload}").tolist()
    else:
        properties = [""] * rows
    records = zip(
        ids.tolist(),
        workspace_ids.tolist(),
        parent_ids.tolist(),
        types.tolist(),
        properties,
        created_at.tolist(),
        strict=True,
    )
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute(
            "CREATE TABLE blocks (id INTEGER PRIMARY KEY, workspace_id INTEGER, "
            "parent_id INTEGER, type TEXT, properties TEXT, created_at INTEGER)"
        )
        if index:
            connection.execute("CREATE INDEX blocks_workspace ON blocks (workspace_id)")
        connection.executemany("INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?)", records)
        connection.commit()
        page_count = connection.execute("PRAGMA page_count").fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    return page_count * page_size / rows


# ---------------------------------------------------------------------------
# Sharding
# ---------------------------------------------------------------------------


def stable_hash(keys: object) -> np.ndarray:
    """Hash integer keys to 64-bit integers, identically on every platform.

    The SplitMix64 mixing function (Steele, Lea & Flood, 2014) in numpy
    ``uint64`` arithmetic: nearby keys land far apart.

    Parameters
    ----------
    keys : array-like of int
        Keys such as workspace IDs (negative ones are taken modulo 2**64).

    Returns
    -------
    ndarray of uint64

    References
    ----------
    Steele, G. L., Lea, D. & Flood, C. H. (2014). *Fast splittable pseudorandom
    number generators.* OOPSLA 2014.

    Examples
    --------
    >>> int(stable_hash([0])[0])
    16294208416658607535
    """
    array = np.asarray(keys)
    if array.dtype.kind not in "iu":
        raise TypeError(f"keys must be integers, got dtype {array.dtype}")
    mixed = np.atleast_1d(array).astype(np.uint64)  # a copy: the steps below work in place
    with np.errstate(over="ignore"):
        mixed += np.uint64(0x9E3779B97F4A7C15)
        mixed ^= mixed >> np.uint64(30)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(27)
        mixed *= np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
    return mixed


def zipf_sizes(n_workspaces: int, exponent: float = 1.1, *, rng: object = 0) -> np.ndarray:
    """Workspace sizes following Zipf's law, as shares of the total.

    The workspace of rank ``k`` (1 = largest) has size proportional to
    ``k ** -exponent``; the sizes are shuffled (rank is unrelated to ID) and
    scaled to **sum to 1**, so each is a share of all data. ``exponent = 0``
    makes every workspace the same size; larger exponents concentrate data in
    a few giant workspaces.

    Parameters
    ----------
    n_workspaces : int
        Number of workspaces (>= 1).
    exponent : float
        Zipf exponent (>= 0).
    rng : int or numpy.random.Generator
        Seed or generator for the shuffle.

    Returns
    -------
    ndarray of float, shape (n_workspaces,)

    Examples
    --------
    >>> sizes = zipf_sizes(3, exponent=1.0)
    >>> round(float(sizes.max()), 4), float(sizes.sum())
    (0.5455, 1.0)
    """
    count = check_integer("n_workspaces", n_workspaces, low=1)
    exponent = check_number("exponent", exponent, low=0.0)
    generator = check_seed("rng", rng)
    sizes = np.arange(1.0, count + 1.0) ** -exponent
    return generator.permutation(sizes / sizes.sum())


def _contiguous_hosts(n_logical_shards: int, n_hosts: int, name: str = "n_hosts") -> np.ndarray:
    """Host of every logical shard when each host holds a contiguous block of shards.

    Shard ``s`` lives on host ``s // (n_logical_shards // n_hosts)``; ``name``
    is the argument blamed when ``n_hosts`` does not divide the shards evenly.
    """
    if n_logical_shards % n_hosts:
        raise ValueError(
            f"{name} must divide n_logical_shards ({n_logical_shards}) evenly, got {n_hosts}"
        )
    return np.arange(n_logical_shards) // (n_logical_shards // n_hosts)


@dataclass(frozen=True, eq=False)
class ShardingResult:
    """Where workspaces landed after hashing them to logical shards on hosts.

    Attributes
    ----------
    n_logical_shards, n_hosts : int
        Logical shards (Postgres schemas, in Notion's design) and physical hosts.
    workspace_sizes : ndarray
        Size of each workspace as a share of all data (sums to 1).
    workspace_shard : ndarray of int
        The logical shard of each workspace.
    shard_host : ndarray of int
        The host of each logical shard (contiguous blocks of shards per host).
    shard_load, host_load : ndarray
        Data on each shard and on each host (shares; each sums to 1).
    """

    n_logical_shards: int
    n_hosts: int
    workspace_sizes: np.ndarray
    workspace_shard: np.ndarray
    shard_host: np.ndarray
    shard_load: np.ndarray
    host_load: np.ndarray

    @property
    def shards_per_host(self) -> int:
        """Logical shards on each host."""
        return self.n_logical_shards // self.n_hosts

    @property
    def workspace_host(self) -> np.ndarray:
        """The host of each workspace."""
        return self.shard_host[self.workspace_shard]

    @property
    def host_imbalance(self) -> float:
        """Busiest host's load over the average host's load (1 = perfectly even)."""
        return float(self.host_load.max() / self.host_load.mean())

    @property
    def hottest_shard_share(self) -> float:
        """Share of all data on the busiest logical shard."""
        return float(self.shard_load.max() / self.shard_load.sum())


def simulate_sharding(
    n_workspaces: int,
    n_logical_shards: int = 480,
    n_hosts: int = 32,
    *,
    zipf_exponent: float = 1.1,
    rng: object = 0,
) -> ShardingResult:
    """Hash Zipf-sized workspaces to logical shards laid out on physical hosts.

    Each workspace gets a random 63-bit ID; its shard is
    ``stable_hash(id) % n_logical_shards`` and shard ``s`` lives on host
    ``s // (n_logical_shards // n_hosts)``: each host holds a contiguous block
    of shards, as Notion put 15 schemas on each of 32 databases.

    Parameters
    ----------
    n_workspaces : int
        Number of workspaces (>= 1).
    n_logical_shards : int
        Logical shards (>= 1); a multiple of ``n_hosts``.
    n_hosts : int
        Physical hosts (>= 1).
    zipf_exponent : float
        Skew of workspace sizes (0 = all equal); see :func:`zipf_sizes`.
    rng : int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    ShardingResult

    References
    ----------
    Notion Engineering (2021). *Herding elephants: lessons learned from
    sharding Postgres at Notion* (480 logical shards, 15 schemas on each of 32
    databases, keyed by workspace ID).

    Examples
    --------
    >>> result = simulate_sharding(10_000)
    >>> result.shards_per_host, round(float(result.host_load.sum()), 6)
    (15, 1.0)
    """
    count = check_integer("n_workspaces", n_workspaces, low=1)
    shards = check_integer("n_logical_shards", n_logical_shards, low=1)
    hosts = check_integer("n_hosts", n_hosts, low=1)
    shard_host = _contiguous_hosts(shards, hosts)
    exponent = check_number("zipf_exponent", zipf_exponent, low=0.0)
    generator = check_seed("rng", rng)
    sizes = zipf_sizes(count, exponent, rng=generator)
    workspace_ids = generator.integers(0, 2**63, size=count, dtype=np.uint64)
    workspace_shard = (stable_hash(workspace_ids) % np.uint64(shards)).astype(np.int64)
    shard_load = np.bincount(workspace_shard, weights=sizes, minlength=shards)
    host_load = np.bincount(shard_host, weights=shard_load, minlength=hosts)
    return ShardingResult(
        n_logical_shards=shards,
        n_hosts=hosts,
        workspace_sizes=read_only(sizes),
        workspace_shard=read_only(workspace_shard),
        shard_host=read_only(shard_host),
        shard_load=read_only(shard_load),
        host_load=read_only(host_load),
    )


def rebalance_shards(n_logical_shards: int, hosts_before: int, hosts_after: int) -> np.ndarray:
    """New host of every logical shard when the fleet changes size, moving as few as possible.

    Before, shard ``s`` lives on host ``s // (n_logical_shards // hosts_before)``.
    Rule: a host that remains keeps its first ``n_logical_shards // hosts_after``
    shards; the rest of its shards, and all shards of removed hosts, move, in
    shard order, to the hosts with room (lowest host number first). When
    growing, exactly ``1 - hosts_before / hosts_after`` of the shards move.

    Parameters
    ----------
    n_logical_shards : int
        Logical shards; a multiple of both host counts.
    hosts_before, hosts_after : int
        Hosts before and after (>= 1).

    Returns
    -------
    ndarray of int, shape (n_logical_shards,)

    References
    ----------
    Notion Engineering (2021). *Herding elephants* (480 shards chosen to divide
    evenly across 32, 40 and 48 hosts).

    Examples
    --------
    >>> moved = rebalance_shards(480, 32, 40) != np.arange(480) // 15
    >>> int(moved.sum()), float(moved.mean())
    (96, 0.2)
    """
    shards = check_integer("n_logical_shards", n_logical_shards, low=1)
    before = check_integer("hosts_before", hosts_before, low=1)
    after = check_integer("hosts_after", hosts_after, low=1)
    host = _contiguous_hosts(shards, before, "hosts_before")
    _contiguous_hosts(shards, after, "hosts_after")  # checks that hosts_after divides evenly
    per_before, per_after = shards // before, shards // after
    position = np.arange(shards) % per_before
    stays = (host < after) & (position < per_after)
    kept_per_host = np.bincount(host[stays], minlength=after)
    free_slots = np.repeat(np.arange(after), per_after - kept_per_host)
    new_host = host.copy()
    new_host[~stays] = free_slots
    return new_host


def fraction_moved(
    n_keys: int,
    hosts_before: int,
    hosts_after: int,
    *,
    scheme: str = "logical",
    n_logical_shards: int = 480,
    rng: object = 0,
) -> float:
    """Share of keys (workspaces) that change host when the fleet changes size.

    Parameters
    ----------
    n_keys : int
        Random keys to simulate (>= 1).
    hosts_before, hosts_after : int
        Hosts before and after (>= 1).
    scheme : {"logical", "modulo"}
        ``"modulo"``: host = hash(key) % hosts, the naive layout; growing from
        32 to 40 hosts moves 80% of keys (a key stays only when both
        remainders agree: ``gcd / max`` of the host counts stay).
        ``"logical"``: keys hash to ``n_logical_shards`` fixed logical shards
        and whole shards move between hosts by the rule of
        :func:`rebalance_shards`; growing moves ``1 - hosts_before /
        hosts_after`` of keys (20% from 32 to 40).
    n_logical_shards : int
        Logical shards, for the ``"logical"`` scheme (a multiple of both host
        counts).
    rng : int or numpy.random.Generator
        Seed or generator for the keys.

    Returns
    -------
    float
        The simulated share, between 0 and 1.

    Examples
    --------
    >>> round(fraction_moved(100_000, 32, 40, scheme="modulo"), 2)
    0.8
    >>> round(fraction_moved(100_000, 32, 40, scheme="logical"), 2)
    0.2
    """
    count = check_integer("n_keys", n_keys, low=1)
    before = check_integer("hosts_before", hosts_before, low=1)
    after = check_integer("hosts_after", hosts_after, low=1)
    check_choice("scheme", scheme, ("logical", "modulo"))
    shards = check_integer("n_logical_shards", n_logical_shards, low=1)
    generator = check_seed("rng", rng)
    hashes = stable_hash(generator.integers(0, 2**63, size=count, dtype=np.uint64))
    if scheme == "modulo":
        moved = hashes % np.uint64(before) != hashes % np.uint64(after)
        return float(moved.mean())
    old_host = _contiguous_hosts(shards, before, "hosts_before")
    new_host = rebalance_shards(shards, before, after)
    shard = (hashes % np.uint64(shards)).astype(np.int64)
    return float((old_host[shard] != new_host[shard]).mean())


# ---------------------------------------------------------------------------
# Benchmarks: each simulator against a plain loop (python -m infralab.bench)
# ---------------------------------------------------------------------------
#
# Each pair computes the same statistics from the same random draws: the
# vectorised side calls the public function, handed the draws through
# infralab.bench.ReplayGenerator; the loop side simulates one unit at a time in
# plain Python. The benchmark checks that they agree, then compares their speed.

_BENCH_DAYS = 365
_BENCH_HORIZON_DAYS = 1095
_BENCH_BLOCK_DAYS = 14
_BENCH_LIMIT = 2000.0
_BENCH_BAND = 0.8


def _bench_projection_draws(rng: np.random.Generator, size: int) -> dict[str, object]:
    """A year of noisy 0.5%-a-day growth, and the block starts of ``size`` bootstrap paths."""
    days = np.arange(float(_BENCH_DAYS))
    values = 100.0 * np.exp(0.005 * days + 0.02 * rng.standard_normal(_BENCH_DAYS))
    fit_blocks = -(-_BENCH_DAYS // _BENCH_BLOCK_DAYS)
    path_blocks = -(-_BENCH_HORIZON_DAYS // _BENCH_BLOCK_DAYS)
    return {
        "days": days,
        "values": values,
        "fit_starts": rng.integers(0, _BENCH_DAYS, size=(fit_blocks, size)),
        "path_starts": rng.integers(0, _BENCH_DAYS, size=(path_blocks, size)),
    }


def _bench_projection_vectorised(draws: Mapping[str, object]) -> dict[str, np.ndarray]:
    from .bench import ReplayGenerator

    replay = ReplayGenerator(
        [("integers", draws["fit_starts"]), ("integers", draws["path_starts"])]
    )
    projection = project_to_limit(
        draws["days"],
        draws["values"],
        _BENCH_LIMIT,
        horizon_days=_BENCH_HORIZON_DAYS,
        n_simulations=draws["fit_starts"].shape[1],
        band=_BENCH_BAND,
        block_days=_BENCH_BLOCK_DAYS,
        rng=replay,
    )
    return {
        "crossing_days": projection.crossing_days,
        "first_touch_days": projection.first_touch_days,
        "median": projection.median,
        "low": projection.low,
        "high": projection.high,
    }


def _loop_quantile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def _bench_projection_loop(draws: Mapping[str, object]) -> dict[str, list[float]]:
    """:func:`project_to_limit` (exponential model, no window), one bootstrap path at a time."""
    days = draws["days"].tolist()
    logs = [math.log(value) for value in draws["values"].tolist()]
    n = len(days)
    mean_day = sum(days) / n
    centred = [day - mean_day for day in days]
    spread = sum(c * c for c in centred)
    mean_log = sum(logs) / n
    slope = sum(c * (y - mean_log) for c, y in zip(centred, logs, strict=True)) / spread
    intercept = mean_log - slope * mean_day
    adjusted = [
        (y - (intercept + slope * day)) / math.sqrt(1.0 - (1.0 / n + c * c / spread))
        for day, y, c in zip(days, logs, centred, strict=True)
    ]
    shift = sum(adjusted) / n
    adjusted = [value - shift for value in adjusted]
    wrapped = adjusted + adjusted[: _BENCH_BLOCK_DAYS - 1]
    target, as_of_day = math.log(_BENCH_LIMIT), days[-1]
    fit_starts, path_starts = draws["fit_starts"].tolist(), draws["path_starts"].tolist()

    def series(starts: list[list[int]], path: int, length: int) -> list[float]:
        values: list[float] = []
        for block in starts:
            values.extend(wrapped[block[path] : block[path] + _BENCH_BLOCK_DAYS])
        return values[:length]

    crossing_days, first_touch_days, paths = [], [], []
    for path in range(len(fit_starts[0])):
        noise = series(fit_starts, path, n)
        path_slope = slope + sum(c * r for c, r in zip(centred, noise, strict=True)) / spread
        mean_level = intercept + slope * mean_day + sum(noise) / n
        level_now = mean_level + path_slope * (as_of_day - mean_day)
        if level_now >= target:
            crossing = 0.0
        elif path_slope > 0:
            crossing = (target - level_now) / path_slope
        else:
            crossing = math.inf
        crossing_days.append(math.inf if crossing > _BENCH_HORIZON_DAYS else crossing)
        future_noise = series(path_starts, path, _BENCH_HORIZON_DAYS)
        simulated, touch = [], math.inf
        for ahead, value in enumerate(future_noise, start=1):
            level = value + mean_level + (as_of_day + ahead - mean_day) * path_slope
            simulated.append(level)
            if touch == math.inf and level >= target:
                touch = float(ahead)
        first_touch_days.append(touch)
        paths.append(simulated)
    tail = (1.0 - _BENCH_BAND) / 2.0
    bands: dict[str, list[float]] = {"median": [], "low": [], "high": []}
    for day in range(_BENCH_HORIZON_DAYS):
        ordered = sorted(simulated[day] for simulated in paths)
        for name, q in (("low", tail), ("median", 0.5), ("high", 1.0 - tail)):
            bands[name].append(math.exp(_loop_quantile(ordered, q)))
    return {"crossing_days": crossing_days, "first_touch_days": first_touch_days, **bands}


_BENCH_SHARDS, _BENCH_HOSTS, _BENCH_ZIPF = 480, 32, 1.1


def _bench_sharding_draws(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """The size order and the random IDs of ``size`` workspaces."""
    return {
        "order": rng.permutation(size),
        "ids": rng.integers(0, 2**63, size=size, dtype=np.uint64),
    }


def _bench_sharding_vectorised(draws: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    from .bench import ReplayGenerator

    replay = ReplayGenerator([("permutation", draws["order"]), ("integers", draws["ids"])])
    result = simulate_sharding(
        draws["ids"].size, _BENCH_SHARDS, _BENCH_HOSTS, zipf_exponent=_BENCH_ZIPF, rng=replay
    )
    return {
        "workspace_shard": result.workspace_shard,
        "shard_load": result.shard_load,
        "host_load": result.host_load,
    }


def _bench_sharding_loop(draws: Mapping[str, np.ndarray]) -> dict[str, list[float]]:
    """:func:`simulate_sharding`, one workspace at a time (SplitMix64 in Python integers)."""
    mask = 2**64 - 1
    ranks = [(rank + 1.0) ** -_BENCH_ZIPF for rank in range(draws["ids"].size)]
    total = sum(ranks)
    per_host = _BENCH_SHARDS // _BENCH_HOSTS
    workspace_shard, shard_load = [], [0.0] * _BENCH_SHARDS
    for rank, key in zip(draws["order"].tolist(), draws["ids"].tolist(), strict=True):
        mixed = (key + 0x9E3779B97F4A7C15) & mask
        mixed = ((mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9) & mask
        mixed = ((mixed ^ (mixed >> 27)) * 0x94D049BB133111EB) & mask
        shard = (mixed ^ (mixed >> 31)) % _BENCH_SHARDS
        workspace_shard.append(shard)
        shard_load[shard] += ranks[rank] / total
    host_load = [0.0] * _BENCH_HOSTS
    for shard, load in enumerate(shard_load):
        host_load[shard // per_host] += load
    return {"workspace_shard": workspace_shard, "shard_load": shard_load, "host_load": host_load}


def _register_benchmarks() -> None:
    from .bench import register_simulator

    register_simulator(
        "growth: bootstrap projection to a limit (project_to_limit)",
        units="paths of 1,095 days",
        draw=_bench_projection_draws,
        vectorised=_bench_projection_vectorised,
        loop=_bench_projection_loop,
        size=2000,
        loop_size=200,
    )
    register_simulator(
        "growth: workspaces hashed to shards and hosts (simulate_sharding)",
        units="workspaces",
        draw=_bench_sharding_draws,
        vectorised=_bench_sharding_vectorised,
        loop=_bench_sharding_loop,
        size=1_000_000,
        loop_size=50_000,
    )


_register_benchmarks()
