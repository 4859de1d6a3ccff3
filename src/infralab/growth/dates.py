"""Calendar dates: the doomsday table and the start-by date.

The rest of the package counts plain day numbers; this module turns them into
dates. :func:`doomsday_table` projects every resource of a metrics table to
its limit (as :func:`~infralab.growth.project_to_limit` does, trend crossings
only) and lists the *doomsday dates*, soonest first. :func:`start_by_date`
turns the first doomsday into the last day the project that removes the limit
(for example, sharding) can start: capacity planning must forecast demand
beyond the lead time of getting capacity (Beyer et al., 2016), and Figma's
horizontal sharding took about nine months (Figma Engineering, 2024).

References
----------
Beyer, B., Jones, C., Petoff, J. & Murphy, N. R. (2016). *Site Reliability
Engineering*, chapter 18 "Software Engineering in SRE" (capacity planning:
forecast demand beyond the lead time of getting capacity).

Figma Engineering (2024). *How Figma's databases team lived to tell the scale.*
Load tests to find each limit and predict the runway; horizontal sharding took
about nine months.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from ..validation import (
    check_array,
    check_choice,
    check_date,
    check_days,
    check_number,
    check_seed,
)
from ._shapes import (
    _check_cycle_points,
    _check_shape,
    _quantity_to_fit,
    _trend_values,
)
from .fitting import _LOG_MODELS, DAYS_PER_MONTH, MODELS
from .projection import _bootstrap_trends, _check_run_options, _points_to_fit, _quantile
from .sawtooth import (
    FREEZE_MAX_AGE_MILLIONS,
    FREEZE_MIN_AGE_MILLIONS,
    _fit_causes,
)
from .sawtooth import _crossing_days as _sawtooth_crossing_days
from .sawtooth import _monthly_growth_pct as _sawtooth_growth_pct

__all__ = ["doomsday_table", "start_by_date"]

#: Fewest points in each regime when a piecewise table searches for a regime change.
_MIN_REGIME_DAYS = 28
#: Longest lead time, and longest buffer, a start-by date accepts: a century.
_MAX_PLAN_DAYS = 36_500
#: Microseconds in a day: dates are computed in microseconds, which hold any year a
#: calendar needs (nanoseconds end in 2262).
_US_PER_DAY = 86_400_000_000


def _in_microseconds(stamp: pd.Timestamp) -> pd.Timestamp:
    """``stamp`` at microsecond resolution or coarser, so a century more or less still fits."""
    return stamp.as_unit("us") if stamp.unit == "ns" else stamp


def _days(days: float) -> pd.Timedelta:
    """``days`` as a Timedelta counted in microseconds (nanoseconds would force dates to 2262)."""
    return pd.Timedelta(round(days * _US_PER_DAY), unit="us")


def _date_after(start: pd.Timestamp, days: float) -> pd.Timestamp:
    """The calendar date ``days`` after ``start`` (NaT for ``inf``)."""
    if math.isinf(days):
        return pd.NaT
    return (_in_microseconds(start) + _days(days)).floor("D")


def _resource_generator(entropy: int, resource: object) -> np.random.Generator:
    """A random stream of its own for one resource, keyed by a stable hash of its name."""
    digest = hashlib.sha256(str(resource).encode("utf-8")).digest()
    key = tuple(int(word) for word in np.frombuffer(digest, dtype="<u4"))
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=key))


def _percent_change(before: float, after: float) -> float:
    """``(after / before - 1) * 100``, with the sign conventions of a fit's growth rate."""
    if before > 0:
        return (after / before - 1.0) * 100.0
    if after == before:
        return 0.0
    return math.copysign(math.inf, after - before)


def _resource_crossings(
    days: np.ndarray,
    values: np.ndarray,
    resource: str,
    limit: float,
    *,
    baselines: Mapping[str, float],
    running_totals: Collection[str],
    model: str,
    window: float | None,
    block: int | None,
    cycle: int | None,
    horizon: int,
    simulations: int,
    generator: np.random.Generator,
) -> tuple[np.ndarray, float, float]:
    """The trend crossings of project_to_limit (the same draws), the as-of day and the
    monthly growth of the trend, without the daily values."""
    baseline = check_number(f"baselines[{resource!r}]", baselines.get(resource, 0.0))
    baseline, running_total = _check_shape(baseline, resource in running_totals)
    if model in _LOG_MODELS and not running_total and limit <= baseline:
        raise ValueError(
            f"limits[{resource!r}] must be above its baseline {baseline:g} for the "
            f"{model} model, got {limit:g}"
        )
    quantity_days, quantity, shape = _quantity_to_fit(
        days, values, baseline, running_total, model=model, name=f"frame[{resource!r}]"
    )
    fit_days, quantity, regime, fit_block = _points_to_fit(
        quantity_days, quantity, model=model, window=window, block=block,
        min_points=_MIN_REGIME_DAYS,
    )
    _check_cycle_points(fit_days, cycle)
    trends = _bootstrap_trends(
        fit_days, quantity, limit, model=model, shape=shape, regime=regime, block=fit_block,
        horizon=horizon, simulations=simulations, generator=generator, cycle=cycle,
    )
    level_now = trends.fit.intercept + trends.fit.slope * trends.as_of_day
    trend_now, trend_next_month = _trend_values(
        model, shape, level_now, trends.fit.slope, np.array([0.0, DAYS_PER_MONTH])
    )
    return trends.crossing_days, trends.as_of_day, _percent_change(trend_now, trend_next_month)


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
    baselines: Mapping[str, float] | None = None,
    running_totals: Collection[str] = (),
    cycle_days: int | None = None,
    sawtooths: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Project every resource to its limit and list them, soonest doomsday first.

    The doomsday of the whole system is the first row's: the earliest date
    any resource's fitted trend reaches its limit. Daily peaks scatter around
    the trend and may touch a limit earlier (see
    :class:`~infralab.growth.Projection`).

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
        As for :func:`~infralab.growth.project_to_limit` (``window_days`` in
        days, default 90).
    rng : int or numpy.random.Generator
        Seed or generator (a generator is advanced by one draw). Each
        resource draws from its own stream, derived from ``rng`` and a
        stable hash (SHA-256) of the resource's name, so a resource's row is
        the same whichever other resources are listed, in whatever order.
    baselines : mapping of str to float, optional
        Resource -> the level its growing amount sits on (the ``baseline``
        of :func:`~infralab.growth.project_to_limit`), e.g. 200 for
        transaction-ID age in millions above the autovacuum threshold.
    running_totals : collection of str
        Resources that are running totals of growing daily additions (the
        ``running_total`` of :func:`~infralab.growth.project_to_limit`),
        e.g. storage.
    cycle_days : int, optional
        A repeating cycle fitted alongside every trend (the ``cycle_days`` of
        :func:`~infralab.growth.project_to_limit`; 7 for quieter weekends).
    sawtooths : mapping of str to str, optional
        Resource -> the column of the size its vacuum works through, for
        resources that are the top of a vacuum sawtooth such as transaction-ID
        age in millions: projected from their two causes as
        :func:`~infralab.growth.project_sawtooth` does (``model`` does not
        apply to them).

    Returns
    -------
    DataFrame
        One row per resource in ``limits``, sorted by ``doomsday`` (NaT
        last), ties by ``days_left``, with columns ``resource``, ``current``
        (last value), ``limit``, ``percent_of_limit``, ``monthly_growth_pct``
        (:attr:`~infralab.growth.GrowthFit.monthly_growth_pct` of the fit),
        ``doomsday`` (date the median trend crosses the limit; NaT if beyond
        the horizon), ``earliest`` and ``latest`` (edges of the band of trend
        crossings), ``days_left`` (float days from the table's as-of date, the
        last date on or before ``as_of`` and the same for every resource, to
        the median crossing; 0 if that is already past, ``inf`` if beyond the
        horizon).

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it (``frame[...]`` or
        ``limits[...]`` for one resource's column or limit).

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
    window, horizon, simulations, band, block, cycle = _check_run_options(
        window_days, horizon_days, n_simulations, band, block_days, cycle_days
    )
    sawtooths = {} if sawtooths is None else sawtooths
    if not isinstance(sawtooths, Mapping):
        raise TypeError(
            f"sawtooths must be a mapping of column name to size column, got {sawtooths!r}"
        )
    for resource, size_column in sawtooths.items():
        if resource not in limits:
            raise ValueError(f"sawtooths names a resource that limits does not: {resource!r}")
        if not isinstance(size_column, str) or size_column not in frame.columns:
            raise ValueError(
                f"sawtooths[{resource!r}] must name a column of frame, got {size_column!r}"
            )
    baselines = {} if baselines is None else baselines
    if not isinstance(baselines, Mapping):
        raise TypeError(f"baselines must be a mapping of column name to level, got {baselines!r}")
    if isinstance(running_totals, (str, bytes)) or not isinstance(running_totals, Collection):
        raise TypeError(
            f"running_totals must be a collection of column names, got {running_totals!r}"
        )
    for name, given in (("baselines", list(baselines)), ("running_totals", list(running_totals))):
        unknown = [resource for resource in given if resource not in limits]
        if unknown:
            raise ValueError(
                f"{name} names resources that limits does not: {', '.join(map(repr, unknown))}"
            )
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
    if dates.dt.unit == "ns":  # a projection may run past 2262, where nanoseconds end
        dates = dates.dt.as_unit("us")
    cutoff = dates.max() if as_of is None else check_date("as_of", as_of)
    if not (dates <= cutoff).any():
        raise ValueError(f"as_of must be on or after the first date {dates.min():%Y-%m-%d}")

    # Day numbers from the first date; keep the rows up to the cutoff, in date order.
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
        resource_values = check_array(f"frame[{resource!r}]", column[present], min_length=3)
        limit = check_number(f"limits[{resource!r}]", limit)
        current = float(resource_values[-1])
        generator = _resource_generator(entropy, resource)

        if resource in sawtooths:
            # The crossings of project_sawtooth (the same draws): IDs per pass per unit of
            # size, times the size, at the top of the tooth.
            sizes = frame[sawtooths[resource]].to_numpy(dtype=float, na_value=np.nan)[keep][order]
            both = present & ~np.isnan(sizes)
            causes = _fit_causes(
                kept_days[both], column[both], sizes[both], limit, window=window, block=block,
                cycle=cycle, horizon=horizon, simulations=simulations, generator=generator,
                high=FREEZE_MAX_AGE_MILLIONS, low=FREEZE_MIN_AGE_MILLIONS,
                names=(f"frame[{resource!r}]", f"frame[{sawtooths[resource]!r}]"),
            )
            crossing_days = _sawtooth_crossing_days(causes, horizon)
            crossing_days[crossing_days > horizon] = np.inf
            as_of_day = causes.as_of_day
            growth_pct = _sawtooth_growth_pct(
                causes, FREEZE_MAX_AGE_MILLIONS, FREEZE_MIN_AGE_MILLIONS, DAYS_PER_MONTH
            )
        else:
            crossing_days, as_of_day, growth_pct = _resource_crossings(
                kept_days[present], resource_values, resource, limit,
                baselines=baselines, running_totals=running_totals, model=model,
                window=window, block=block, cycle=cycle, horizon=horizon,
                simulations=simulations, generator=generator,
            )
        crossing_median = _quantile(crossing_days, 0.5)
        crossing_low = _quantile(crossing_days, (1.0 - band) / 2.0)
        crossing_high = _quantile(crossing_days, (1.0 + band) / 2.0)

        last_date = first_date + _days(as_of_day)
        days_left = as_of_day + crossing_median - table_day
        rows.append(
            {
                "resource": resource,
                "current": current,
                "limit": limit,
                "percent_of_limit": 100.0 * current / limit,
                "monthly_growth_pct": growth_pct,
                "doomsday": _date_after(last_date, crossing_median),
                "earliest": _date_after(last_date, crossing_low),
                "latest": _date_after(last_date, crossing_high),
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
        How long the project takes, in days, 0 to 36,500 (a century).
        Figma's horizontal sharding took about nine months (~270 days).
    buffer_days : float
        Safety margin, in days, 0 to 36,500.

    Returns
    -------
    Timestamp or NaT

    Examples
    --------
    >>> start_by_date("2021-06-30", lead_time_days=270, buffer_days=60)
    Timestamp('2020-08-04 00:00:00')
    """
    lead = check_days("lead_time_days", lead_time_days, high=_MAX_PLAN_DAYS)
    buffer = check_days("buffer_days", buffer_days, high=_MAX_PLAN_DAYS)
    if doomsday_date is pd.NaT or (
        isinstance(doomsday_date, np.datetime64) and np.isnat(doomsday_date)
    ):
        return pd.NaT
    doomsday = check_date("doomsday_date", doomsday_date)
    return _in_microseconds(doomsday) - _days(lead + buffer)
