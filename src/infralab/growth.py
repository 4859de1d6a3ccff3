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
  projected forward.

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
Application*, Algorithm 6.1 (model-based resampling of regression residuals).

Steele, G. L., Lea, D. & Flood, C. H. (2014). *Fast splittable pseudorandom
number generators.* OOPSLA 2014 (the SplitMix64 mixing function).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .validation import (
    check_array,
    check_choice,
    check_date,
    check_integer,
    check_number,
    check_seed,
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


# ---------------------------------------------------------------------------
# Fitting growth
# ---------------------------------------------------------------------------


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
        fitted).
    n_points : int
        Points fitted (for piecewise: in the current regime).
    breakpoint_day : float or None
        Piecewise: the first day of the current regime.
    rate_before : float or None
        Piecewise: log-slope (per day) of the earlier regime.
    intercept_before : float or None
        Piecewise: log-intercept of the earlier regime.
    last_day : float or None
        The last day fitted; the "last fitted value" of a linear fit is
        measured there (day 0 when None).
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

    def predict(self, days: object) -> np.ndarray:
        """Return the fitted value on ``days`` (same shape; units of the data).

        A piecewise fit uses the earlier regime for days before
        ``breakpoint_day`` and the current regime from it on.

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
        if (
            self.model == "piecewise"
            and self.breakpoint_day is not None
            and self.rate_before is not None
            and self.intercept_before is not None
        ):
            before = self.intercept_before + self.rate_before * day_array
            log_value = np.where(day_array < self.breakpoint_day, before, log_value)
        return np.exp(log_value)

    @property
    def _last_fitted_level(self) -> float:
        day = 0.0 if self.last_day is None else self.last_day
        return self.intercept + self.slope * day

    @property
    def daily_growth_rate(self) -> float:
        """Fractional growth per day (0.01 means 1% a day).

        Exponential and piecewise: ``exp(slope) - 1``. Linear: ``slope``
        divided by the last fitted value (``inf`` when that value is not
        positive but still rising, ``-inf`` when falling, 0 when flat).
        """
        if self.model in _LOG_MODELS:
            return math.expm1(self.slope)
        level = self._last_fitted_level
        if level > 0:
            return self.slope / level
        if self.slope == 0:
            return 0.0
        return math.copysign(math.inf, self.slope)

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


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Ordinary least squares of ``y`` on ``x``: intercept, slope, residuals."""
    x_mean = x.mean()
    y_mean = y.mean()
    centred = x - x_mean
    slope = float(centred @ (y - y_mean) / (centred @ centred))
    intercept = float(y_mean - slope * x_mean)
    residuals = y - (intercept + slope * x)
    return intercept, slope, residuals


def _residual_sd(residuals: np.ndarray) -> float:
    n = residuals.size
    return float(math.sqrt(residuals @ residuals / (n - 2))) if n > 2 else 0.0


def _best_split(x: np.ndarray, y: np.ndarray, min_points: int) -> int:
    """Index where the later of two independent straight-line segments starts.

    Every split with at least ``min_points`` on each side is scored at once
    from cumulative sums; the split with the smallest total squared error wins.
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

    return int(split[np.argmin(sse(left) + sse(right))])


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
        Piecewise only: the first day of the current regime. When None, every
        split leaving at least ``min_regime_days`` points on each side is tried
        and the one with the smallest total squared error is kept.
    min_regime_days : int
        Piecewise search only: fewest points (days, for daily data) in each
        regime. At least 2.

    Returns
    -------
    GrowthFit
        For piecewise: the current regime's ``intercept``, ``slope``,
        ``residual_sd`` and ``n_points``, plus ``breakpoint_day`` and
        ``rate_before``.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    Examples
    --------
    >>> days = np.arange(100.0)
    >>> fit = fit_growth(days, 50.0 * np.exp(0.02 * days))
    >>> round(fit.slope, 6), round(fit.doubling_days, 2)
    (0.02, 34.66)
    """
    check_choice("model", model, MODELS)
    min_points = check_integer("min_regime_days", min_regime_days, low=2)
    day_array, value_array = _check_series(days, values, positive=model in _LOG_MODELS)
    last_day = float(day_array[-1])
    if model == "linear":
        intercept, slope, residuals = _line_fit(day_array, value_array)
        return GrowthFit(
            "linear", intercept, slope, _residual_sd(residuals), day_array.size, last_day=last_day
        )
    log_values = np.log(value_array)
    if model == "exponential":
        intercept, slope, residuals = _line_fit(day_array, log_values)
        return GrowthFit(
            "exponential",
            intercept,
            slope,
            _residual_sd(residuals),
            day_array.size,
            last_day=last_day,
        )

    if breakpoint_day is None:
        if day_array.size < 2 * min_points:
            raise ValueError(
                f"values must hold at least 2 * min_regime_days = {2 * min_points} points "
                f"to search for a regime change, got {day_array.size}"
            )
        split = _best_split(day_array, log_values, min_points)
        start = float(day_array[split])
    else:
        start = check_number("breakpoint_day", breakpoint_day)
        split = int(np.searchsorted(day_array, start, side="left"))
        if split < 2 or day_array.size - split < 2:
            raise ValueError(
                f"breakpoint_day must leave at least 2 points in each regime, got {start:g} "
                f"(days run from {day_array[0]:g} to {day_array[-1]:g})"
            )
    intercept_before, rate_before, _ = _line_fit(day_array[:split], log_values[:split])
    intercept, slope, residuals = _line_fit(day_array[split:], log_values[split:])
    return GrowthFit(
        "piecewise",
        intercept,
        slope,
        _residual_sd(residuals),
        day_array.size - split,
        breakpoint_day=start,
        rate_before=rate_before,
        intercept_before=intercept_before,
        last_day=last_day,
    )


def find_regime_change(days: object, values: object, *, min_regime_days: int = 28) -> float:
    """Return the day the current growth regime started (the best single breakpoint).

    A thin wrapper around ``fit_growth(days, values, "piecewise")``.

    Examples
    --------
    >>> days = np.arange(200.0)
    >>> log_values = np.where(days < 120, 0.001 * days, 0.12 + 0.02 * (days - 120))
    >>> find_regime_change(days, np.exp(log_values))
    120.0
    """
    fit = fit_growth(days, values, "piecewise", min_regime_days=min_regime_days)
    return float(fit.breakpoint_day)


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

    ``((1 + daily) ** DAYS_PER_MONTH - 1) * 100``.

    Examples
    --------
    >>> round(monthly_growth_pct(0.01), 1)
    35.4
    """
    daily = check_number("daily_growth_rate", daily_growth_rate, allow_inf=True)
    if daily <= -1:
        return -100.0
    if math.isinf(daily):
        return math.inf
    return math.expm1(DAYS_PER_MONTH * math.log1p(daily)) * 100.0


# ---------------------------------------------------------------------------
# Projection with a prediction band
# ---------------------------------------------------------------------------


def _quantile(values: np.ndarray, q: float) -> float:
    """Linear-interpolated quantile that lets ``inf`` through instead of NaN."""
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


def _sorted_quantile(rows: np.ndarray, q: float) -> np.ndarray:
    """Quantile ``q`` of each row of an already sorted 2-D array (linear interpolation)."""
    position = q * (rows.shape[1] - 1)
    below = math.floor(position)
    above = min(below + 1, rows.shape[1] - 1)
    fraction = position - below
    return rows[:, below] + fraction * (rows[:, above] - rows[:, below])


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Projection:
    """A growth projection to a limit, with a bootstrap prediction band.

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
        Projected values on ``days`` (units of the data): the median and the
        edges of the central ``band`` of the simulations, residual noise
        included.
    crossing_days : ndarray
        One per simulation: days after ``as_of_day`` until its fitted trend
        reaches the limit; ``inf`` if not within the horizon.
    band : float
        Width of the central band (0.8 means the 10th to 90th percentile).
    fit : GrowthFit or None
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
    band: float
    fit: GrowthFit | None = None

    @property
    def crossing_median(self) -> float:
        """Median days until the limit (``inf`` if most simulations stay below it)."""
        return _quantile(self.crossing_days, 0.5)

    @property
    def crossing_low(self) -> float:
        """Earliest plausible days until the limit: the ``(1 - band) / 2`` quantile."""
        return _quantile(self.crossing_days, (1.0 - self.band) / 2.0)

    @property
    def crossing_high(self) -> float:
        """Latest plausible days until the limit: the ``(1 + band) / 2`` quantile."""
        return _quantile(self.crossing_days, (1.0 + self.band) / 2.0)

    def probability_within(self, days: float) -> float:
        """Share of simulations that reach the limit within ``days`` days (0 to 1).

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
    rng: object = 0,
    min_regime_days: int = 28,
) -> Projection:
    """Project a growing resource to its limit, with a residual-bootstrap band.

    The model is fitted on the trailing ``window_days`` of data. Then, all
    simulations at once: the fit's residuals (leverage-adjusted and centred,
    Davison & Hinkley's Algorithm 6.1) are resampled onto the fitted line,
    every synthetic series is refitted by closed-form least squares, and each
    refitted trend gives a crossing day in closed form and a future path with
    resampled residual noise added.

    Parameters
    ----------
    days, values : array-like of float
        The observed series (days strictly increasing; values > 0 for the
        exponential and piecewise models).
    limit : float
        The hard limit, in the units of ``values``.
    model : {"exponential", "linear", "piecewise"}
        Piecewise finds the regime change once on all the data, then fits and
        resamples only the current regime (inside the window, if one is given).
    window_days : float, optional
        Fit only the days within ``window_days`` of the last day (all data
        when None). Needs at least 3 points.
    horizon_days : int
        How far ahead to project, in days (default three years).
    n_simulations : int
        Bootstrap simulations.
    band : float
        Width of the central prediction band, strictly between 0 and 1.
    rng : int or numpy.random.Generator
        Seed or generator.
    min_regime_days : int
        Piecewise only: fewest points in each regime when searching for the
        regime change (at least 3).

    Returns
    -------
    Projection

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and Their
    Application*, Cambridge University Press, Algorithm 6.1.

    Examples
    --------
    >>> days = np.arange(365.0)
    >>> noise = np.random.default_rng(1).normal(0, 0.02, days.size)
    >>> projection = project_to_limit(days, 100 * np.exp(0.005 * days + noise), limit=2000)
    >>> 230 < projection.crossing_median < 260
    True
    """
    check_choice("model", model, MODELS)
    day_array, value_array = _check_series(
        days, values, positive=model in _LOG_MODELS, min_length=3
    )
    limit = check_number("limit", limit)
    target = _transform_limit(model, limit)
    horizon = check_integer("horizon_days", horizon_days, low=1)
    simulations = check_integer("n_simulations", n_simulations, low=1)
    band = check_number("band", band, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    generator = check_seed("rng", rng)
    if window_days is not None:
        window = check_number("window_days", window_days, low=0.0, low_inclusive=False)
    min_points = check_integer("min_regime_days", min_regime_days, low=3)

    fit = None
    if model == "piecewise":
        fit = fit_growth(day_array, value_array, "piecewise", min_regime_days=min_points)
        keep = day_array >= fit.breakpoint_day
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
    if fit is None:
        fit = fit_growth(day_array, value_array, model)
    elif window_days is not None:
        # Refit the current regime on the window, keeping the regime change found on all data.
        window_fit = fit_growth(day_array, value_array, "exponential")
        fit = GrowthFit(
            "piecewise",
            window_fit.intercept,
            window_fit.slope,
            window_fit.residual_sd,
            window_fit.n_points,
            breakpoint_day=fit.breakpoint_day,
            rate_before=fit.rate_before,
            intercept_before=fit.intercept_before,
            last_day=as_of_day,
        )

    scale = np.log(value_array) if model in _LOG_MODELS else value_array
    n = day_array.size
    centred = day_array - day_array.mean()
    spread = centred @ centred
    fitted = fit.intercept + fit.slope * day_array
    leverage = 1.0 / n + centred**2 / spread
    adjusted = (scale - fitted) / np.sqrt(1.0 - leverage)
    adjusted -= adjusted.mean()

    # Refit every synthetic series at once: adding resampled residuals R to the
    # fitted line moves the slope by R @ centred / spread and the mean by mean(R).
    resampled = adjusted[generator.integers(0, n, size=(simulations, n))]
    slopes = fit.slope + resampled @ centred / spread
    intercepts = fit.intercept + resampled.mean(axis=1) + (fit.slope - slopes) * day_array.mean()

    level_now = intercepts + slopes * as_of_day
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = np.where(
            level_now >= target,
            0.0,
            np.where(slopes > 0, (target - level_now) / slopes, np.inf),
        )
    crossing[crossing > horizon] = np.inf

    future = as_of_day + np.arange(1.0, horizon + 1.0)
    # One row per future day, one column per simulation: sorting rows in place
    # is the fastest way to read off the band.
    paths = intercepts[None, :] + future[:, None] * slopes[None, :]
    paths += adjusted[generator.integers(0, n, size=paths.shape)]
    paths.sort(axis=1)
    tail = (1.0 - band) / 2.0
    low, median, high = (_sorted_quantile(paths, q) for q in (tail, 0.5, 1.0 - tail))
    if model in _LOG_MODELS:
        low, median, high = np.exp(low), np.exp(median), np.exp(high)
    return Projection(
        model=model,
        limit=limit,
        as_of_day=as_of_day,
        days=_readonly(future),
        median=_readonly(median),
        low=_readonly(low),
        high=_readonly(high),
        crossing_days=_readonly(crossing),
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
    rng: object = 0,
) -> pd.DataFrame:
    """Project every resource to its limit and list them, soonest doomsday first.

    The doomsday of the whole system is the first row's: the earliest limit
    any resource reaches.

    Parameters
    ----------
    frame : DataFrame
        One row per day: a date column and one numeric column per resource.
        Missing values (NaN) in a resource column are skipped.
    limits : mapping of str to float
        Resource column name -> hard limit (units of that column).
    date_column : str
        Name of the date column.
    as_of : date-like, optional
        Use only rows dated on or before this day (default: the last date),
        to see what the forecast said at that time.
    window_days, model, horizon_days, n_simulations, band, rng
        Passed to :func:`project_to_limit` (``rng`` is shared by all resources).

    Returns
    -------
    DataFrame
        One row per resource in ``limits``, sorted by median crossing date,
        with columns ``resource``, ``current`` (last value), ``limit``,
        ``percent_of_limit``, ``monthly_growth_pct``, ``doomsday`` (date of the
        median crossing; NaT if beyond the horizon), ``earliest`` and
        ``latest`` (edges of the band), ``days_left`` (float days after the
        resource's last observed date, ``inf`` if beyond the horizon).

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
    generator = check_seed("rng", rng)
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
        projection = project_to_limit(
            kept_days[present],
            resource_values,
            limit,
            model=model,
            window_days=window_days,
            horizon_days=horizon_days,
            n_simulations=n_simulations,
            band=band,
            rng=generator,
        )
        last_date = first_date + pd.Timedelta(days=projection.as_of_day)
        current = float(resource_values[-1])
        rows.append(
            {
                "resource": resource,
                "current": current,
                "limit": limit,
                "percent_of_limit": 100.0 * current / limit,
                "monthly_growth_pct": monthly_growth_pct(projection.fit.daily_growth_rate),
                "doomsday": _date_after(last_date, projection.crossing_median),
                "earliest": _date_after(last_date, projection.crossing_low),
                "latest": _date_after(last_date, projection.crossing_high),
                "days_left": projection.crossing_median,
            }
        )
    table = pd.DataFrame(rows)
    table["doomsday"] = pd.to_datetime(table["doomsday"])
    table["earliest"] = pd.to_datetime(table["earliest"])
    table["latest"] = pd.to_datetime(table["latest"])
    return table.sort_values("days_left", kind="stable").reset_index(drop=True)


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
    if not isinstance(with_index, bool):
        raise TypeError(f"with_index must be True or False, got {with_index!r}")
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
        if with_index:
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
    mixed = np.atleast_1d(array).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = mixed + np.uint64(0x9E3779B97F4A7C15)
        mixed = (mixed ^ (mixed >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        mixed = (mixed ^ (mixed >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return mixed ^ (mixed >> np.uint64(31))


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
    if shards % hosts:
        raise ValueError(f"n_hosts must divide n_logical_shards ({shards}) evenly, got {hosts}")
    exponent = check_number("zipf_exponent", zipf_exponent, low=0.0)
    generator = check_seed("rng", rng)
    sizes = zipf_sizes(count, exponent, rng=generator)
    workspace_ids = generator.integers(0, 2**63, size=count, dtype=np.uint64)
    workspace_shard = (stable_hash(workspace_ids) % np.uint64(shards)).astype(np.int64)
    shard_host = np.arange(shards) // (shards // hosts)
    shard_load = np.bincount(workspace_shard, weights=sizes, minlength=shards)
    host_load = np.bincount(shard_host, weights=shard_load, minlength=hosts)
    return ShardingResult(
        n_logical_shards=shards,
        n_hosts=hosts,
        workspace_sizes=_readonly(sizes),
        workspace_shard=_readonly(workspace_shard),
        shard_host=_readonly(shard_host),
        shard_load=_readonly(shard_load),
        host_load=_readonly(host_load),
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
    for name, hosts in (("hosts_before", before), ("hosts_after", after)):
        if shards % hosts:
            raise ValueError(f"{name} must divide n_logical_shards ({shards}) evenly, got {hosts}")
    per_before, per_after = shards // before, shards // after
    host = np.arange(shards) // per_before
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
    new_host = rebalance_shards(shards, before, after)
    old_host = np.arange(shards) // (shards // before)
    shard = (hashes % np.uint64(shards)).astype(np.int64)
    return float((old_host[shard] != new_host[shard]).mean())
