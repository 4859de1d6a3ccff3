"""Projecting growth to a limit, with a block-bootstrap prediction band.

A projection answers two different "when" questions. The **crossing** is the
day the fitted *trend* reaches the limit. Daily values scatter around the
trend, so single days may reach the limit earlier: the **first touch** is the
first day a simulated *daily value* (trend plus noise) reaches it.

The band comes from a model-based bootstrap of the least-squares line
(Davison & Hinkley, Algorithm 6.1). The residuals are divided by
``sqrt(1 - leverage)`` and centred, so that resampled residuals have the
spread of the true noise. They are resampled in *blocks* of consecutive days,
each block starting at a uniformly random position and wrapping from the last
residual to the first (the circular moving-block bootstrap of Künsch, 1989,
and Politis & Romano, 1992). Blocks keep the day-to-day persistence and the
weekly cycles that resampling single days would destroy; a block of one day is
the ordinary bootstrap, right only for independent noise.

Every synthetic series (fitted line plus resampled residuals) is refitted at
once in closed form: adding residuals ``R`` to the line moves its slope by
``centred_days @ R / Sxx`` and its level at the mean day by ``mean(R)``. Each
refitted trend gives a crossing day in closed form, and a future path with
fresh block-resampled noise gives the band of daily values and the first
touch.

References
----------
Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and Their
Application*, Cambridge University Press, Algorithm 6.1 (model-based
resampling of regression residuals) and section 8.2 (block resampling of
dependent data).

Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary
observations. *Annals of Statistics* 17(3), 1217-1241 (the moving-block
bootstrap).

Politis, D. N. & Romano, J. P. (1992). A circular block-resampling procedure
for stationary data. In LePage, R. & Billard, L. (eds.), *Exploring the Limits
of Bootstrap*, Wiley, 263-270.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..validation import check_choice, check_integer, check_number, check_seed, read_only
from ._least_squares import _cycle_line_fit, _cycle_positions, _line_fit, _residual_sd
from ._shapes import (
    _check_cycle,
    _check_cycle_points,
    _check_shape,
    _crossings,
    _quantity_to_fit,
    _Shape,
)
from .fitting import _LOG_MODELS, MODELS, GrowthFit, _check_series, _transform_limit, fit_growth

__all__ = ["Projection", "project_to_limit"]

#: Default bootstrap block: two weekly cycles of daily data.
_DEFAULT_BLOCK_DAYS = 14

#: Longest projection (a century) and most simulated values (days x simulations).
_MAX_HORIZON_DAYS = 36_500
_MAX_SIMULATED_VALUES = 50_000_000


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
    with np.errstate(invalid="ignore"):  # inf - inf: both order statistics are inf
        step = upper - lower
        if weight >= 0.5:
            quantile = upper - step * (1.0 - weight)
        else:
            quantile = lower + step * weight
    return np.where(lower == upper, lower, quantile)


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
    ``length``. Wrapping gives every residual the same chance in every
    position, so centred residuals give mean-zero draws.
    """
    n_blocks = -(-length // block)
    starts = generator.integers(0, residuals.size, size=(n_blocks, n_series))
    wrapped = np.concatenate([residuals, residuals[: block - 1]])
    index = starts[:, None, :] + np.arange(block)[None, :, None]
    return wrapped[index.reshape(n_blocks * block, n_series)[:length]]


def _check_run_size(horizon_days: object, n_simulations: object) -> tuple[int, int]:
    """``horizon_days`` and ``n_simulations``, checked, and not too many values to hold."""
    horizon = check_integer("horizon_days", horizon_days, low=1, high=_MAX_HORIZON_DAYS)
    simulations = check_integer("n_simulations", n_simulations, low=1)
    if horizon * simulations > _MAX_SIMULATED_VALUES:
        raise ValueError(
            f"n_simulations * horizon_days must be <= {_MAX_SIMULATED_VALUES:,} (simulated "
            f"daily values held in memory), got {simulations:,} * {horizon:,} = "
            f"{simulations * horizon:,}"
        )
    return horizon, simulations


class _RunOptions(NamedTuple):
    """The options every projection shares, checked."""

    window: float | None
    horizon: int
    simulations: int
    band: float
    block: int | None
    cycle: int | None


def _check_run_options(
    window_days: object,
    horizon_days: object,
    n_simulations: object,
    band: object,
    block_days: object,
    cycle_days: object,
) -> _RunOptions:
    """``window_days`` ... ``cycle_days`` of a projection or a table, checked by name."""
    horizon, simulations = _check_run_size(horizon_days, n_simulations)
    width = check_number("band", band, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    window = None
    if window_days is not None:
        window = check_number("window_days", window_days, low=0.0, low_inclusive=False)
    block = None if block_days is None else check_integer("block_days", block_days, low=1)
    return _RunOptions(window, horizon, simulations, width, block, _check_cycle(cycle_days))


def _points_to_fit(
    days: np.ndarray,
    values: np.ndarray,
    *,
    model: str,
    window: float | None,
    block: int | None,
    min_points: int,
) -> tuple[np.ndarray, np.ndarray, GrowthFit | None, int]:
    """The days and values a projection fits, the piecewise fit, and the block length.

    Piecewise keeps the current regime, searched for once on all the data;
    then the days within ``window`` of the last one are kept (all when None).
    A ``block`` of None becomes ``min(14, points kept)``. Refuses a window of
    fewer than 3 points or a block longer than the points kept.
    """
    regime = None
    if model == "piecewise":
        regime = fit_growth(days, values, "piecewise", min_regime_days=min_points)
        if regime.breakpoint_day is not None:
            keep = days >= regime.breakpoint_day
            days, values = days[keep], values[keep]
    if window is not None:
        keep = days > float(days[-1]) - window
        if keep.sum() < 3:
            raise ValueError(
                f"window_days must cover at least 3 observed days, got {window:g} "
                f"(covering {int(keep.sum())})"
            )
        days, values = days[keep], values[keep]
    if block is None:
        block = min(_DEFAULT_BLOCK_DAYS, days.size)
    elif block > days.size:
        raise ValueError(
            f"block_days must be <= the {days.size} points fitted (block_days counts points), "
            f"got {block}"
        )
    return days, values, regime, block


class _Trends(NamedTuple):
    """The observed trend and its bootstrap refits (one per simulation)."""

    fit: GrowthFit
    as_of_day: float  # the last day fitted
    mean_day: float  # the refitted levels are measured at this day
    residuals: np.ndarray  # leverage-adjusted and centred, as resampled
    slopes: np.ndarray
    mean_levels: np.ndarray
    crossing_days: np.ndarray  # days after as_of_day until each trend reaches the limit
    pattern: np.ndarray  # the cycle's level at each position (one zero without a cycle)
    cycle: int | None


def _bootstrap_trends(
    days: np.ndarray,
    values: np.ndarray,
    limit: float,
    *,
    model: str,
    shape: _Shape,
    regime: GrowthFit | None,
    block: int,
    horizon: int,
    simulations: int,
    generator: np.random.Generator,
    cycle: int | None = None,
) -> _Trends:
    """Fit the trend, refit it to block-bootstrapped series, and find each one's crossing.

    ``values`` is the quantity that grows (see :func:`_quantity_to_fit`) and
    ``shape`` how the resource follows from it; ``limit`` is in the
    resource's units. ``regime`` is the piecewise fit whose break fields the
    fit carries. With a ``cycle`` (7 for a weekly cycle of daily data) the
    line is fitted alongside one level per position in the cycle, and the
    trend is that of an average day. A crossing is 0 when a trend has already
    reached the limit and ``inf`` when it does not within ``horizon`` days.
    """
    n = days.size
    as_of_day = float(days[-1])
    fitted = np.log(values) if model in _LOG_MODELS else values
    if cycle is None:
        line = _line_fit(days, fitted)
        pattern, group_share, level_weights = np.zeros(1), 1.0 / n, None
    else:
        line = _cycle_line_fit(days, fitted, cycle)
        pattern, group_share, level_weights = line.pattern, line.group_share, line.level_weights
    # The trend of an average day of the cycle: for the log models, the log of the
    # mean of the cycle's factors, which sits a little above the mean of their logs.
    shift = float(np.log(np.mean(np.exp(pattern)))) if model in _LOG_MODELS else 0.0
    fit = GrowthFit(
        model,
        line.intercept + shift,
        line.slope,
        _residual_sd(line.residuals),
        n,
        breakpoint_day=None if regime is None else regime.breakpoint_day,
        rate_before=None if regime is None else regime.rate_before,
        intercept_before=None if regime is None else regime.intercept_before,
        last_day=as_of_day,
    )
    leverage = group_share + line.centred_days**2 / line.spread
    adjusted = line.residuals / np.sqrt(1.0 - leverage)
    adjusted -= adjusted.mean()

    # Refit every synthetic series at once: adding resampled residuals R to the
    # fitted line moves the slope by centred_days @ R / spread and the level at
    # the mean day by level_weights @ R (mean(R) without a cycle).
    resampled = _block_resample(adjusted, n, simulations, block, generator)
    slopes = line.slope + line.centred_days @ resampled / line.spread
    noise_level = resampled.mean(axis=0) if cycle is None else level_weights @ resampled
    mean_levels = line.intercept + line.slope * line.mean_day + noise_level

    level_now = mean_levels + shift + slopes * (as_of_day - line.mean_day)
    crossing = _crossings(model, shape, limit, level_now, slopes)
    crossing[crossing > horizon] = np.inf
    return _Trends(
        fit, as_of_day, line.mean_day, adjusted, slopes, mean_levels, crossing, pattern, cycle
    )


@dataclass(frozen=True, eq=False)
class Projection:
    """A growth projection to a limit, with a bootstrap prediction band.

    ``crossing_*`` is when the fitted **trend** reaches the limit;
    ``first_touch_*`` is when a simulated **daily value** (trend plus noise)
    first does, which is where daily peaks first touch it.

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
        The fit the simulations start from, of the quantity that grows:
        the values, the values above ``baseline``, or the daily additions
        of a running total.
    baseline : float
        The level the fitted amount sits on (0 unless one was given).
    running_total : bool
        Whether the resource is the running total of the fitted additions.
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
    baseline: float = 0.0
    running_total: bool = False

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
    baseline: float = 0.0,
    running_total: bool = False,
    cycle_days: int | None = None,
) -> Projection:
    """Project a growing resource to its limit, with a block-bootstrap band.

    Fits the model on the trailing ``window_days`` of data, resamples its
    residuals in blocks of ``block_days`` onto the fitted line, refits every
    synthetic series, and from each refitted trend takes the day it crosses
    the limit and a noisy future path (see the module docstring). Single
    days may reach the limit before the trend does: ``first_touch_*`` says
    when simulated daily values first do.

    Three shapes of resource, each fitted the way it grows:

    - ``values`` itself grows (the default), like CPU or connections;
    - ``values`` is a ``baseline`` plus an amount that grows, like
      transaction-ID age, which autovacuum holds near 200 million until the
      vacuums themselves take days: the model fits ``values - baseline``;
    - ``values`` is a running total (``running_total=True``), like storage:
      the model fits the daily *additions* (the rise between points divided
      by the days between them) and the projection adds them up from the
      last observed value.

    Parameters
    ----------
    days, values : array-like of float
        The observed series (days strictly increasing). The exponential and
        piecewise models need the quantity they fit to be positive: values
        above ``baseline``, or, for a running total, a rise between every two
        points.
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
    baseline : float
        The level the growing amount sits on (units of ``values``; default
        0): the model fits ``values - baseline``, and ``limit`` must be
        above it for the log models.
    running_total : bool
        Whether ``values`` is a running total whose daily additions grow as
        the model says (then ``baseline`` must be 0).
    cycle_days : int, optional
        Length of a repeating cycle in the data, in days (7: quieter
        weekends). The trend is then fitted alongside one level per day of
        the cycle, so the cycle cannot tilt it; crossings are those of an
        average day's trend, and the daily values and first touch keep the
        cycle. Needs two whole cycles in the window. None (default): no cycle.

    Returns
    -------
    Projection

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

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
    check_choice("model", model, MODELS)
    baseline, running_total = _check_shape(baseline, running_total)
    day_array, value_array = _check_series(days, values, positive=False, min_length=3)
    limit = check_number("limit", limit)
    if model in _LOG_MODELS and not running_total and limit <= baseline:
        raise ValueError(
            f"limit must be above baseline = {baseline:g} for the {model} model, got {limit:g}"
        )
    window, horizon, simulations, band, block, cycle = _check_run_options(
        window_days, horizon_days, n_simulations, band, block_days, cycle_days
    )
    generator = check_seed("rng", rng)
    min_points = check_integer("min_regime_days", min_regime_days, low=3)

    # 1. The quantity that grows (values above the baseline, or the daily additions
    #    of a running total), then the points to fit: the current regime
    #    (piecewise), then the window.
    day_array, value_array, shape = _quantity_to_fit(
        day_array, value_array, baseline, running_total, model=model
    )
    day_array, value_array, regime, block = _points_to_fit(
        day_array, value_array, model=model, window=window, block=block, min_points=min_points
    )
    _check_cycle_points(day_array, cycle)
    # 2. Fit the trend, resample its leverage-adjusted residuals in blocks onto it,
    #    refit every synthetic series in closed form, and find where each refitted
    #    trend crosses the limit (doomsday_table stops here).
    trends = _bootstrap_trends(
        day_array,
        value_array,
        limit,
        model=model,
        shape=shape,
        regime=regime,
        block=block,
        horizon=horizon,
        simulations=simulations,
        generator=generator,
        cycle=cycle,
    )
    # 3. Daily values: each refitted trend plus fresh block-resampled noise,
    #    one row per future day, one column per simulation, on the model's scale;
    #    a running total adds up its simulated daily additions, in the resource's
    #    units.
    future = trends.as_of_day + np.arange(1.0, horizon + 1.0)
    paths = _block_resample(trends.residuals, horizon, simulations, block, generator)
    paths += trends.mean_levels
    paths += np.multiply.outer(future - trends.mean_day, trends.slopes)
    if trends.cycle is not None:  # each future day at its place in the cycle
        paths += trends.pattern[_cycle_positions(future, trends.cycle)][:, None]
    if shape.running_total:
        with np.errstate(over="ignore", invalid="ignore"):
            if model in _LOG_MODELS:
                np.exp(paths, out=paths)
            np.cumsum(paths, axis=0, out=paths)
            paths += shape.anchor
        target = limit
    else:
        target = _transform_limit(model, limit - shape.baseline)
    # 4. The first future day each path reaches the limit (the argmax of a
    #    column is its first True, or 0 when there is none).
    reached = paths >= target
    first_reached = reached.argmax(axis=0)
    first_touch = np.where(
        reached[first_reached, np.arange(simulations)], first_reached + 1.0, np.inf
    )
    del reached
    # 5. The band: quantiles of each day's values across the simulations, back in
    #    the resource's units.
    tail = (1.0 - band) / 2.0
    paths.sort(axis=1)
    low, median, high = (_sorted_quantile(paths, q) for q in (tail, 0.5, 1.0 - tail))
    if not shape.running_total:
        if model in _LOG_MODELS:
            with np.errstate(over="ignore"):
                low, median, high = np.exp(low), np.exp(median), np.exp(high)
        low, median, high = low + shape.baseline, median + shape.baseline, high + shape.baseline
    return Projection(
        model=model,
        limit=limit,
        as_of_day=trends.as_of_day,
        days=read_only(future),
        median=read_only(median),
        low=read_only(low),
        high=read_only(high),
        crossing_days=read_only(trends.crossing_days),
        first_touch_days=read_only(first_touch),
        band=band,
        fit=trends.fit,
        baseline=shape.baseline,
        running_total=shape.running_total,
    )
