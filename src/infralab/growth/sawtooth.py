"""Transaction-ID age, forecast from its causes: IDs per day and how long a vacuum pass takes.

PostgreSQL's transaction-ID age is a sawtooth. Writes use IDs, so the age
climbs; at ``autovacuum_freeze_max_age`` (200 million by default) a vacuum of
the table is forced, and while it runs (for ``D`` days) the writes use
``U = IDs per day x D`` more IDs. When it ends, the age falls to
``vacuum_freeze_min_age`` (50 million) plus ``U``. So each tooth tops out at

- ``200 + U`` while ``U`` is below 150 million (the age falls back under 200
  million and climbs again), and
- ``50 + 2U`` from ``U`` = 150 million on: the age never gets back below 200
  million, and forced vacuums run back to back, each starting at ``50 + U``.

:func:`sawtooth_top` is that formula and :func:`ids_per_pass` its inverse.
A pass takes time in proportion to the table's size, so ``U / size`` grows
with the write rate alone: an exponential. :func:`project_sawtooth` fits that
exponential and the size (a running total of growing daily additions) on the
trailing window, refits both to block-bootstrapped residuals as
:func:`~infralab.growth.project_to_limit` does, multiplies the two forecasts
and finds when the top of the tooth reaches the limit. Neither part alone, nor
a plain exponential of the age, sees that both causes grow at once.

References
----------
PostgreSQL documentation, "Routine Vacuuming: Preventing Transaction ID
Wraparound Failures" (``autovacuum_freeze_max_age``, ``vacuum_freeze_min_age``,
``vacuum_failsafe_age``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..validation import check_array, check_number, check_seed, read_only
from ._least_squares import _cycle_positions
from ._shapes import _check_cycle_points, _quantity_to_fit, _Shape
from .projection import (
    _DEFAULT_BLOCK_DAYS,
    Projection,
    _block_resample,
    _bootstrap_trends,
    _check_run_options,
    _points_to_fit,
    _sorted_quantile,
    _Trends,
)

__all__ = ["FREEZE_MAX_AGE_MILLIONS", "FREEZE_MIN_AGE_MILLIONS", "ids_per_pass",
           "project_sawtooth", "sawtooth_top"]

#: PostgreSQL's default ``autovacuum_freeze_max_age``, in millions of IDs.
FREEZE_MAX_AGE_MILLIONS = 200.0
#: PostgreSQL's default ``vacuum_freeze_min_age``, in millions of IDs.
FREEZE_MIN_AGE_MILLIONS = 50.0
#: A limit no trend reaches: each cause's own crossing is not used, only its refits.
_NO_LIMIT = 1e300
#: Fewest points in each regime of a piecewise search (unused here: both causes are exponential).
_MIN_POINTS = 28


def _check_ages(freeze_max_age: object, freeze_min_age: object) -> tuple[float, float]:
    high = check_number("freeze_max_age", freeze_max_age, low=0.0, low_inclusive=False)
    low = check_number("freeze_min_age", freeze_min_age, low=0.0)
    if low >= high:
        raise ValueError(
            f"freeze_min_age must be below freeze_max_age ({high:g}), got {low:g}"
        )
    return high, low


def sawtooth_top(
    ids_per_pass: object,
    *,
    freeze_max_age: float = FREEZE_MAX_AGE_MILLIONS,
    freeze_min_age: float = FREEZE_MIN_AGE_MILLIONS,
) -> np.ndarray:
    """The top of each tooth of the transaction-ID age sawtooth.

    ``max(freeze_max_age, freeze_min_age + U) + U`` for ``U`` IDs used while
    one forced vacuum runs: ``200 + U`` below ``U = 150`` (millions, with the
    defaults), ``50 + 2U`` above, where forced vacuums run back to back.

    Parameters
    ----------
    ids_per_pass : float or array-like
        IDs used during one vacuum pass (``U``), >= 0, in the units of the ages.
    freeze_max_age, freeze_min_age : float
        ``autovacuum_freeze_max_age`` and ``vacuum_freeze_min_age`` in the same
        units (defaults: 200 and 50 million).

    Returns
    -------
    ndarray
        The top of the tooth, the shape of ``ids_per_pass``.

    Examples
    --------
    >>> sawtooth_top([0.0, 100.0, 150.0, 300.0]).tolist()
    [200.0, 300.0, 350.0, 650.0]
    """
    high, low = _check_ages(freeze_max_age, freeze_min_age)
    used = np.asarray(check_array("ids_per_pass", np.atleast_1d(ids_per_pass), min_length=1))
    if (used < 0).any():
        raise ValueError(f"ids_per_pass must be >= 0, got {used.min():g}")
    top = np.maximum(high, low + used) + used
    return top.reshape(np.shape(ids_per_pass))


def ids_per_pass(
    top: object,
    *,
    freeze_max_age: float = FREEZE_MAX_AGE_MILLIONS,
    freeze_min_age: float = FREEZE_MIN_AGE_MILLIONS,
) -> np.ndarray:
    """IDs used during one vacuum pass, from the top of the tooth: :func:`sawtooth_top` undone.

    ``top - 200`` up to a top of 350 (the knee, where ``U`` = 150), then
    ``(top - 50) / 2`` (millions, with the defaults).

    Parameters
    ----------
    top : float or array-like
        Tops of the sawtooth (the daily peak age), >= ``freeze_max_age``.
    freeze_max_age, freeze_min_age : float
        As for :func:`sawtooth_top`.

    Returns
    -------
    ndarray
        ``U``, the shape of ``top``.

    Examples
    --------
    >>> ids_per_pass([200.0, 300.0, 350.0, 650.0]).tolist()
    [0.0, 100.0, 150.0, 300.0]
    """
    high, low = _check_ages(freeze_max_age, freeze_min_age)
    tops = np.asarray(check_array("top", np.atleast_1d(top), min_length=1))
    if (tops < high).any():
        raise ValueError(
            f"top must be >= freeze_max_age = {high:g} (a forced vacuum starts there), "
            f"got {tops.min():g}"
        )
    knee = 2.0 * high - low
    used = np.where(tops <= knee, tops - high, (tops - low) / 2.0)
    return used.reshape(np.shape(top))


class _Causes(NamedTuple):
    """The two bootstrapped causes and where the projection starts."""

    as_of_day: float
    anchor: float  # the last observed size
    added: _Trends  # log daily additions to the size
    per_size: _Trends  # log of IDs per pass / size
    limit_ids: float  # IDs per pass at which the top reaches the limit


def _level_now(trends: _Trends, as_of_day: float) -> np.ndarray:
    """Each refitted trend's log level at ``as_of_day``, for an average day of the cycle."""
    shift = float(np.log(np.mean(np.exp(trends.pattern))))
    return trends.mean_levels + shift + trends.slopes * (as_of_day - trends.mean_day)


def _size_ahead(log_added: np.ndarray, slopes: np.ndarray, anchor: float, ahead: np.ndarray):
    """The running total ``ahead`` days on: ``anchor + a * expm1(b * t) / b`` (``a * t``: b = 0)."""
    added = np.exp(log_added)
    with np.errstate(over="ignore", invalid="ignore"):
        growth = np.where(
            np.abs(slopes) < 1e-12,
            ahead[:, None],
            np.expm1(np.multiply.outer(ahead, slopes)) / slopes,
        )
        return anchor + added * growth


def _fit_causes(
    days: np.ndarray,
    ages: np.ndarray,
    sizes: np.ndarray,
    limit: float,
    *,
    window: float | None,
    block: int | None,
    cycle: int | None,
    horizon: int,
    simulations: int,
    generator: np.random.Generator,
    high: float,
    low: float,
    names: tuple[str, str] = ("ages", "sizes"),
) -> _Causes:
    """Bootstrap both causes on the trailing window (each refitted as project_to_limit does)."""
    if (ages <= high).any():
        bad = int(np.flatnonzero(ages <= high)[0])
        raise ValueError(
            f"{names[0]} must be above freeze_max_age = {high:g} (the top of a tooth is "
            f"200 million plus the IDs used by a pass), got {ages[bad]:g} at day {days[bad]:g}"
        )
    if (sizes <= 0).any():
        raise ValueError(f"{names[1]} must be > 0, got {sizes.min():g}")
    per_size = ids_per_pass(ages, freeze_max_age=high, freeze_min_age=low) / sizes
    add_days, added, shape = _quantity_to_fit(
        days, sizes, 0.0, True, model="exponential", name=names[1]
    )
    trends = []
    for quantity_days, quantity, quantity_shape in (
        (add_days, added, shape),
        (days, per_size, _Shape()),
    ):
        fit_days, fit_values, _, fit_block = _points_to_fit(
            quantity_days, quantity, model="exponential", window=window, block=block,
            min_points=_MIN_POINTS,
        )
        _check_cycle_points(fit_days, cycle)
        trends.append(
            _bootstrap_trends(
                fit_days, fit_values, _NO_LIMIT, model="exponential", shape=quantity_shape,
                regime=None, block=fit_block, horizon=horizon, simulations=simulations,
                generator=generator, cycle=cycle,
            )
        )
    limit_ids = float(ids_per_pass(limit, freeze_max_age=high, freeze_min_age=low))
    return _Causes(float(days[-1]), float(sizes[-1]), trends[0], trends[1], limit_ids)


def _crossing_days(causes: _Causes, horizon: int) -> np.ndarray:
    """Days until each simulation's trend of the top reaches the limit (0 if there, inf if not).

    The trend of ``U = (IDs per pass / size) x size`` is evaluated on every day of
    the horizon; the crossing is interpolated in ``log U`` between the two days
    around it. ``U`` only rises while both causes grow, so the first day past the
    limit is the crossing.
    """
    ahead = np.arange(0.0, horizon + 1.0)
    added = causes.added
    size = _size_ahead(_level_now(added, causes.as_of_day), added.slopes, causes.anchor, ahead)
    per_size = causes.per_size
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_used = (
            _level_now(per_size, causes.as_of_day)
            + np.multiply.outer(ahead, per_size.slopes)
            + np.log(size)
        )
    target = math.log(causes.limit_ids)
    reached = log_used >= target
    first = reached.argmax(axis=0)
    columns = np.arange(log_used.shape[1])
    found = reached[first, columns]
    before = log_used[np.maximum(first - 1, 0), columns]
    after = log_used[first, columns]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.clip((target - before) / (after - before), 0.0, 1.0)
    crossing = np.where(first == 0, 0.0, first - 1.0 + fraction)
    return np.where(found, crossing, np.inf)


def _monthly_growth_pct(causes: _Causes, high: float, low: float, days_per_month: float) -> float:
    """How much the fitted top of the tooth grows over the next month, in percent."""
    ahead = np.array([0.0, days_per_month])
    fits = (causes.added.fit, causes.per_size.fit)
    log_added = fits[0].intercept + fits[0].slope * causes.as_of_day
    size = _size_ahead(np.array([log_added]), np.array([fits[0].slope]), causes.anchor, ahead)
    used = np.exp(fits[1].intercept + fits[1].slope * (causes.as_of_day + ahead)) * size[:, 0]
    top = sawtooth_top(used, freeze_max_age=high, freeze_min_age=low)
    return float((top[1] / top[0] - 1.0) * 100.0)


def project_sawtooth(
    days: object,
    ages: object,
    sizes: object,
    limit: float,
    *,
    window_days: float | None = None,
    horizon_days: int = 1095,
    n_simulations: int = 2000,
    band: float = 0.8,
    block_days: int | None = None,
    rng: object = 0,
    cycle_days: int | None = None,
    freeze_max_age: float = FREEZE_MAX_AGE_MILLIONS,
    freeze_min_age: float = FREEZE_MIN_AGE_MILLIONS,
) -> Projection:
    """Project transaction-ID age to a limit from its two causes, with a bootstrap band.

    ``U / size`` (IDs used per vacuum pass, per unit of size) is fitted as an
    exponential, and ``size`` as a running total whose daily additions grow
    exponentially, both on the trailing window (see the module docstring).
    Each bootstrap simulation multiplies one refit of each; the top of the
    tooth is :func:`sawtooth_top` of the product.

    Parameters
    ----------
    days : array-like of float
        Day numbers, strictly increasing.
    ages : array-like of float
        The daily top of the sawtooth (e.g. ``xid_age_millions``), each above
        ``freeze_max_age``.
    sizes : array-like of float
        The size a vacuum pass works through (e.g. ``storage_gib``) on the same
        days, rising from each day to the next.
    limit : float
        The limit of the age (e.g. 1,600 million, ``vacuum_failsafe_age``),
        above ``freeze_max_age``.
    window_days, horizon_days, n_simulations, band, block_days, rng, cycle_days
        As for :func:`~infralab.growth.project_to_limit`.
    freeze_max_age, freeze_min_age : float
        As for :func:`sawtooth_top`.

    Returns
    -------
    Projection
        ``model`` is ``"exponential"`` (both causes); ``fit`` is the fit of
        ``U / size``; ``median``, ``low`` and ``high`` are the top of the tooth.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    Examples
    --------
    >>> days = np.arange(120.0)
    >>> sizes = 1_000.0 + np.cumsum(10.0 * np.exp(0.01 * days))
    >>> ages = sawtooth_top(0.05 * np.exp(0.01 * days) * sizes)
    >>> projection = project_sawtooth(days, ages, sizes, 1_600.0, n_simulations=50)
    >>> round(projection.crossing_median)
    18
    """
    high, low = _check_ages(freeze_max_age, freeze_min_age)
    day_array = check_array("days", days, min_length=3, increasing=True)
    age_array = check_array("ages", ages, min_length=3)
    size_array = check_array("sizes", sizes, min_length=3)
    for name, array in (("ages", age_array), ("sizes", size_array)):
        if array.size != day_array.size:
            raise ValueError(
                f"{name} must have the same length as days ({day_array.size}), got {array.size}"
            )
    limit = check_number("limit", limit)
    if limit <= high:
        raise ValueError(f"limit must be above freeze_max_age = {high:g}, got {limit:g}")
    window, horizon, simulations, band, block, cycle = _check_run_options(
        window_days, horizon_days, n_simulations, band, block_days, cycle_days
    )
    generator = check_seed("rng", rng)

    causes = _fit_causes(
        day_array, age_array, size_array, limit, window=window, block=block, cycle=cycle,
        horizon=horizon, simulations=simulations, generator=generator, high=high, low=low,
    )
    crossing = _crossing_days(causes, horizon)
    crossing[crossing > horizon] = np.inf

    # Daily values: each cause's refitted trend plus fresh block-resampled noise, the
    # size added up day by day, then the top of the tooth of their product.
    future = causes.as_of_day + np.arange(1.0, horizon + 1.0)
    log_paths = []
    for trends in (causes.added, causes.per_size):
        paths = _block_resample(
            trends.residuals, horizon, simulations,
            min(block or _DEFAULT_BLOCK_DAYS, trends.residuals.size), generator,
        )
        paths += trends.mean_levels
        paths += np.multiply.outer(future - trends.mean_day, trends.slopes)
        if trends.cycle is not None:
            paths += trends.pattern[_cycle_positions(future, trends.cycle)][:, None]
        log_paths.append(paths)
    with np.errstate(over="ignore", invalid="ignore"):
        size_paths = causes.anchor + np.cumsum(np.exp(log_paths[0]), axis=0)
        used = np.exp(log_paths[1]) * size_paths
        tops = np.maximum(high, low + used) + used
    reached = tops >= limit
    first_reached = reached.argmax(axis=0)
    first_touch = np.where(
        reached[first_reached, np.arange(simulations)], first_reached + 1.0, np.inf
    )
    tops.sort(axis=1)
    tail = (1.0 - band) / 2.0
    low_band, median, high_band = (_sorted_quantile(tops, q) for q in (tail, 0.5, 1.0 - tail))
    return Projection(
        model="exponential",
        limit=limit,
        as_of_day=causes.as_of_day,
        days=read_only(future),
        median=read_only(median),
        low=read_only(low_band),
        high=read_only(high_band),
        crossing_days=read_only(crossing),
        first_touch_days=read_only(first_touch),
        band=band,
        fit=causes.per_size.fit,
    )
