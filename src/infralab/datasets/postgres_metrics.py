"""Lesson 03's data set: daily metrics of one Postgres primary through a growth spike.

:func:`simulate_postgres_metrics` turns the named constants below into
``data/postgres_metrics.csv``: three years of one database, 2018 to 2020,
whose growth speeds up with the COVID-19 lockdowns of March 2020. Each
constant is either a published limit (RDS storage, transaction ID wraparound,
the autovacuum default) or an illustrative assumption, and says which.
:data:`DATASET` registers the file, its columns and its provenance;
:func:`load_postgres_metrics` reads it back, checked.

Examples
--------
>>> metrics = simulate_postgres_metrics()
>>> list(metrics.columns) == list(DATASET.column_names)
True
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from infralab.datasets.core import Column, Dataset, load_course_or_own, typed_frame
from infralab.validation import check_date, check_number, check_seed

__all__ = [
    "DATASET",
    "POSTGRES_METRICS_SEED",
    "load_postgres_metrics",
    "postgres_trends",
    "simulate_postgres_metrics",
    "trend_crossings",
]

#: First and last day of the series (inclusive).
POSTGRES_START_DATE = "2018-01-01"
POSTGRES_END_DATE = "2020-12-31"
#: First day of faster growth: COVID-19 lockdowns moved work online (illustrative timing).
SPIKE_DATE = "2020-03-16"
#: Database size on the first day, GiB (illustrative assumption).
STORAGE_START_GIB = 1024.0
#: Before the spike, rows written per day and database size double every 13 months
#: (illustrative assumption).
PRE_SPIKE_DOUBLING_DAYS = 396.0
#: From the spike on, the exponential growth rate is this many times faster (illustrative
#: assumption; the "about 4x growth during COVID" often told of Notion is unverified).
SPIKE_GROWTH_RATE_MULTIPLIER = 3.5
#: Extra activity that arrived within the first weeks of the lockdowns, as a factor
#: (illustrative assumption), phased in over ``SPIKE_RAMP_DAYS``.
SPIKE_LEVEL_JUMP = 1.4
SPIKE_RAMP_DAYS = 14
#: Bytes one new row adds to the database, indexes and TOAST included (illustrative assumption).
BYTES_PER_ROW = 400.0
#: Rows written by one write transaction (illustrative assumption); each write
#: transaction consumes one transaction ID.
ROWS_PER_WRITE_TRANSACTION = 4.0
#: Busiest second of the day over the day's average write rate (illustrative assumption).
PEAK_TO_MEAN_WRITE_RATE = 3.0
#: Weekend activity relative to a weekday (illustrative assumption).
WEEKEND_ACTIVITY = 0.7
#: Peak CPU on the first day, % of the largest instance class (illustrative assumption).
CPU_START_PCT = 20.0
#: Peak CPU rises 0.33% for each 1% more write load (illustrative assumption: much of the
#: work is served from memory, and the busiest hour flattens as users span time zones).
CPU_LOAD_ELASTICITY = 0.33
#: Peak client connections on the first day (illustrative assumption).
CONNECTIONS_START = 340.0
#: Peak connections rise 0.5% for each 1% more load (illustrative assumption: more
#: application servers, each with a connection pool).
CONNECTIONS_LOAD_ELASTICITY = 0.5
#: The monolith's ``max_connections`` (illustrative assumption).
MAX_CONNECTIONS = 5000
#: PostgreSQL's default ``autovacuum_freeze_max_age``, millions of transaction IDs.
AUTOVACUUM_FREEZE_MAX_AGE_MILLIONS = 200.0
#: PostgreSQL's default ``vacuum_freeze_min_age``, millions: a vacuum that freezes a table
#: leaves rows younger than this unfrozen, so the age falls back to about this much.
VACUUM_FREEZE_MIN_AGE_MILLIONS = 50.0
#: How much of the database an anti-wraparound vacuum gets through per day, GiB
#: (illustrative assumption: a throttled autovacuum worker, about 20 MB/s).
VACUUM_THROUGHPUT_GIB_PER_DAY = 1700.0
#: Transaction IDs are 32-bit: wraparound after 2**31 of them, in millions.
XID_WRAPAROUND_MILLIONS = 2**31 / 1e6
#: Largest storage of one RDS instance: 64 TiB, in GiB.
RDS_STORAGE_LIMIT_GIB = 65536.0
#: Day-to-day noise (standard deviation of the log) on each series (illustrative assumptions).
NOISE = {
    "rows": 0.05,
    "bytes_per_row": 0.03,
    "write_tps": 0.06,
    "cpu": 0.04,
    "connections": 0.04,
    "xid": 0.05,
}
#: Seed of the committed ``postgres_metrics.csv``.
POSTGRES_METRICS_SEED = 2020

_GIB = 2.0**30


def simulate_postgres_metrics(
    seed: int | np.random.Generator = POSTGRES_METRICS_SEED,
) -> pd.DataFrame:
    """Simulate daily metrics of one Postgres primary from 2018 to 2020.

    A product-level activity index grows exponentially, weekdays busier than
    weekends; from :data:`SPIKE_DATE` it jumps and grows
    :data:`SPIKE_GROWTH_RATE_MULTIPLIER` times faster. The series follow from it:

    - ``rows_inserted_millions`` is proportional to activity, with noise;
    - ``storage_gib`` is cumulative: start size plus rows x :data:`BYTES_PER_ROW`;
    - ``write_tps_peak`` = write transactions per day / 86,400 s x peak-to-mean;
    - ``cpu_peak_pct`` and ``connections_peak`` grow as a power of activity;
    - ``xid_age_millions`` is the top of each tooth of the transaction-ID sawtooth.
      With ``U`` = transaction IDs used per day x days one vacuum pass takes (which
      grows with storage): ``200 + U`` while a forced vacuum still brings the age
      below 200M (``U < 150M``), then ``50 + 2U`` once forced vacuums run back to back
      (the age falls only to ``vacuum_freeze_min_age`` = 50M plus ``U``).

    The start size is the size an exponentially growing database would have
    reached, so storage grows smoothly from the first day. Only the cumulative
    sum runs day by day; everything else is vectorised.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Seed of the day-to-day noise. The committed file uses
        :data:`POSTGRES_METRICS_SEED`.

    Returns
    -------
    pandas.DataFrame
        1,096 rows, one per day, with the columns of :data:`DATASET`,
        rounded as they are written to the CSV.

    References
    ----------
    Notion, "Herding elephants: lessons learned from sharding Postgres at Notion" (2021).
    PostgreSQL documentation, "Routine Vacuuming: Preventing Transaction ID Wraparound Failures".

    Examples
    --------
    >>> metrics = simulate_postgres_metrics()
    >>> len(metrics), str(metrics["date"].iloc[-1].date())
    (1096, '2020-12-31')
    """
    rng = check_seed("seed", seed)
    dates = pd.date_range(POSTGRES_START_DATE, POSTGRES_END_DATE, freq="D")
    series = _series(dates, rng)
    values = {
        **series,
        "cpu_peak_pct": np.minimum(series["cpu_peak_pct"], 100.0),
        "connections_peak": np.minimum(series["connections_peak"], MAX_CONNECTIONS),
        "xid_age_millions": np.minimum(series["xid_age_millions"], XID_WRAPAROUND_MILLIONS),
    }
    return typed_frame(values, _COLUMNS)


#: Last day :func:`postgres_trends` may run to: far enough for any forecast of the data.
_LATEST_TREND_DATE = "2040-12-31"


def postgres_trends(end_date: object = "2025-12-31") -> pd.DataFrame:
    """The generator's trends: what every column would be without noise, run past 2020.

    The same formulas as :func:`simulate_postgres_metrics` with no day-to-day
    noise and no weekly cycle, from the data's first day to ``end_date``,
    neither rounded nor capped. This is the ground truth a forecast made from
    the noisy data is judged against: the day a trend reaches a limit is the
    day a perfect forecast of that trend would name.

    Parameters
    ----------
    end_date : date-like
        Last day, from 2018-01-01 to 2040-12-31.

    Returns
    -------
    pandas.DataFrame
        One row per day: ``date``, the data set's columns, and the two
        quantities transaction-ID age is built from, ``xid_per_day_millions``
        (IDs used per day) and ``vacuum_days`` (how long one vacuum of the
        whole database takes).

    Examples
    --------
    >>> trends = postgres_trends("2021-12-31")
    >>> len(trends), round(float(trends.storage_gib.iloc[0]), 1)
    (1461, 1025.8)
    """
    end = check_date("end_date", end_date)
    if not pd.Timestamp(POSTGRES_START_DATE) <= end <= pd.Timestamp(_LATEST_TREND_DATE):
        raise ValueError(
            f"end_date must be from {POSTGRES_START_DATE} to {_LATEST_TREND_DATE}, "
            f"got {end:%Y-%m-%d}"
        )
    dates = pd.date_range(POSTGRES_START_DATE, end, freq="D")
    return pd.DataFrame(_series(dates, None))


def trend_crossings(limits: Mapping[str, float], end_date: object = "2040-12-31") -> dict:
    """The day during which each column's trend reaches its limit (NaT if not by ``end_date``).

    That is the last day the daily trend is still below the limit (the trend crosses
    before the next day's value): a forecast's crossing, a fraction of a day, is
    counted to its date the same way, rounding down.

    Parameters
    ----------
    limits : mapping of str to float
        Column name of the data set -> limit in that column's units.
    end_date : date-like
        How far to look (as for :func:`postgres_trends`).

    Returns
    -------
    dict of str to pandas.Timestamp
        One date (or NaT) per column of ``limits``, in its order.

    Examples
    --------
    >>> trend_crossings({"storage_gib": 65536})["storage_gib"]
    Timestamp('2021-10-28 00:00:00')
    """
    if not isinstance(limits, Mapping) or not limits:
        raise TypeError(f"limits must be a non-empty mapping of column to limit, got {limits!r}")
    trends = postgres_trends(end_date)
    unknown = [name for name in limits if name not in trends.columns or name == "date"]
    if unknown:
        raise ValueError(
            f"limits names columns the data set does not have: {', '.join(map(repr, unknown))}"
        )
    crossings = {}
    for name, limit in limits.items():
        limit = check_number(f"limits[{name!r}]", limit)
        reached = np.flatnonzero(trends[name].to_numpy() >= limit)
        crossings[name] = trends.date.iloc[max(reached[0] - 1, 0)] if reached.size else pd.NaT
    return crossings


def _series(dates: pd.DatetimeIndex, rng: np.random.Generator | None) -> dict[str, object]:
    """Every column on ``dates``, unrounded and uncapped.

    With a generator: the simulated days, weekly cycle and day-to-day noise
    included. With None: the *trend* alone, the curve the noisy days scatter
    around (no weekly cycle, no noise), which is what a forecast estimates.
    """
    n_days = len(dates)
    day = np.arange(n_days, dtype=float)
    days_since_spike = day - float((pd.Timestamp(SPIKE_DATE) - dates[0]).days)

    pre_rate = np.log(2.0) / PRE_SPIKE_DOUBLING_DAYS  # per day
    post_rate = SPIKE_GROWTH_RATE_MULTIPLIER * pre_rate
    log_trend = (
        pre_rate * day
        + (post_rate - pre_rate) * np.clip(days_since_spike, 0.0, None)
        + np.log(SPIKE_LEVEL_JUMP) * np.clip(days_since_spike / SPIKE_RAMP_DAYS, 0.0, 1.0)
    )
    if rng is None:
        weekday_factor = np.ones(n_days)
    else:
        weekday_factor = np.where(dates.day_of_week.to_numpy() >= 5, WEEKEND_ACTIVITY, 1.0)
        weekday_factor = weekday_factor / weekday_factor.mean()  # averages 1 over a week
    activity = np.exp(log_trend) * weekday_factor  # 1.0 = an average day of the first week

    def noise(name: str) -> np.ndarray:
        if rng is None:
            return np.ones(n_days)
        return rng.lognormal(0.0, NOISE[name], n_days)

    # Steady exponential growth: size = daily bytes / growth rate.
    rows_start_millions = STORAGE_START_GIB * _GIB * pre_rate / BYTES_PER_ROW / 1e6
    rows_millions = rows_start_millions * activity * noise("rows")
    added_gib = rows_millions * 1e6 * BYTES_PER_ROW / _GIB * noise("bytes_per_row")
    storage_gib = STORAGE_START_GIB + np.cumsum(added_gib)

    transactions_millions = rows_millions / ROWS_PER_WRITE_TRANSACTION  # per day
    write_tps_peak = transactions_millions * 1e6 / 86_400 * PEAK_TO_MEAN_WRITE_RATE * noise(
        "write_tps"
    )
    cpu_pct = CPU_START_PCT * activity**CPU_LOAD_ELASTICITY * noise("cpu")
    connections = CONNECTIONS_START * activity**CONNECTIONS_LOAD_ELASTICITY * noise("connections")

    # Transaction-ID age is a sawtooth; the column is the top of each tooth. A forced
    # (anti-wraparound) vacuum starts when the age reaches 200 million and takes
    # vacuum_days, while writes use U = IDs per day x vacuum_days more IDs. When it
    # ends, the age falls to 50 million (vacuum_freeze_min_age) plus U. While U < 150
    # million the next tooth climbs back to 200 million: its top is 200 + U. From
    # U = 150 million on, the age never gets below 200 million again, so forced
    # vacuums run back to back, each starting at 50 + U: the top is 50 + 2U. A vacuum
    # spans days, so it sees the weekly average rate of transaction IDs. Two simplifications:
    # a pass reads the whole database (updates touch old rows throughout, so the
    # visibility map spares few pages), and the tooth climbs to the forced vacuum at
    # 200 million (no earlier aggressive vacuum at vacuum_freeze_table_age, 150 million).
    xid_per_day_millions = rows_start_millions * np.exp(log_trend) / ROWS_PER_WRITE_TRANSACTION
    vacuum_days = storage_gib / VACUUM_THROUGHPUT_GIB_PER_DAY
    ids_per_pass = xid_per_day_millions * vacuum_days * noise("xid")
    tooth_start = np.maximum(
        AUTOVACUUM_FREEZE_MAX_AGE_MILLIONS, VACUUM_FREEZE_MIN_AGE_MILLIONS + ids_per_pass
    )
    xid_age = tooth_start + ids_per_pass
    return {
        "date": dates,
        "storage_gib": storage_gib,
        "rows_inserted_millions": rows_millions,
        "write_tps_peak": write_tps_peak,
        "cpu_peak_pct": cpu_pct,
        "connections_peak": connections,
        "xid_age_millions": xid_age,
        "xid_per_day_millions": xid_per_day_millions,
        "vacuum_days": vacuum_days,
    }


_COLUMNS = (
    Column(
        "date", "date", "calendar day", None, None,
        "The day the metrics describe, one row per day with no gaps.",
        increasing=True,
    ),
    Column(
        "storage_gib", "float", "GiB", 0.0, RDS_STORAGE_LIMIT_GIB,
        "Database size at the end of the day (tables, indexes and TOAST). "
        "An RDS instance holds at most 64 TiB = 65,536 GiB.",
        decimals=1,
    ),
    Column(
        "rows_inserted_millions", "float", "million rows per day", 0.0, None,
        "New rows written that day: the product-level driver of every other column.",
        decimals=3,
    ),
    Column(
        "write_tps_peak", "int", "transactions per second", 0.0, None,
        "Busiest second of the day for write transactions.",
    ),
    Column(
        "cpu_peak_pct", "float", "% of the largest instance class", 0.0, 100.0,
        "Daily peak CPU use, as a share of the largest instance class available, so "
        "that 100% cannot be bought away; about 90% is the practical ceiling.",
        decimals=1,
    ),
    Column(
        "connections_peak", "int", "client connections", 0.0, float(MAX_CONNECTIONS),
        "Daily peak of open client connections; the server accepts at most "
        f"max_connections = {MAX_CONNECTIONS:,}.",
    ),
    Column(
        "xid_age_millions", "float", "million transaction IDs", 0.0, XID_WRAPAROUND_MILLIONS,
        "Age of the oldest unfrozen transaction ID at the top of the day's vacuum cycle. "
        "A forced vacuum starts at 200 million (autovacuum_freeze_max_age); with U the IDs "
        "used while one pass runs, the top is 200 million + U, and once U exceeds 150 "
        "million, so that forced vacuums run back to back, 50 million "
        "(vacuum_freeze_min_age) + 2U. Writes stop 3 million before 2^31 = 2,147.48 million.",
        decimals=1,
    ),
)

_DESCRIPTION = (
    "Daily metrics of the single Postgres primary behind a note-taking and wiki "
    "product, from 2018-01-01 to 2020-12-31, one row per day (1,096 rows). Usage "
    "grows steadily until the COVID-19 lockdowns of March 2020, then much faster. "
    "Lesson 03 projects each column to its limit to find the database's doomsday "
    "date: 64 TiB of storage, about 90% peak CPU, max_connections, and transaction "
    "ID wraparound."
)

_PROVENANCE = (
    "Simulated, not measured. The situation follows Notion's account of its Postgres "
    "monolith (Notion engineering blog, \"Herding elephants\", 2021): by mid-2020 CPU "
    "spikes, VACUUM stalling and the risk of transaction ID wraparound; and Figma's "
    "(Figma engineering blog, 2024): CPU, I/O, table size and rows written are the limits "
    "to load-test and forecast. Published limits: RDS storage of at most 64 TiB per "
    "instance (AWS documentation); 32-bit transaction IDs, so wraparound after about 2^31 "
    "= 2,147 million, with warnings 40 million before and new transaction IDs refused "
    "3 million before, autovacuum_freeze_max_age = 200 million and vacuum_freeze_min_age "
    "= 50 million by default "
    "(PostgreSQL documentation, \"Routine Vacuuming\"). Illustrative assumptions: the "
    f"start size ({STORAGE_START_GIB:,.0f} GiB), growth before the spike (doubling every "
    f"{PRE_SPIKE_DOUBLING_DAYS:.0f} days, about {PRE_SPIKE_DOUBLING_DAYS / 30.44:.0f} months), "
    f"the spike (from {SPIKE_DATE} "
    f"a {SPIKE_LEVEL_JUMP:g}x jump within {SPIKE_RAMP_DAYS} days and a growth rate "
    f"{SPIKE_GROWTH_RATE_MULTIPLIER:g}x faster; the \"about 4x growth during COVID\" told "
    f"of Notion is unverified), {BYTES_PER_ROW:.0f} bytes per row including indexes and "
    f"TOAST, {ROWS_PER_WRITE_TRANSACTION:g} rows per write transaction, a peak-to-mean "
    f"write rate of {PEAK_TO_MEAN_WRITE_RATE:g}, weekends at {WEEKEND_ACTIVITY:.0%} of a "
    f"weekday, peak CPU starting at {CPU_START_PCT:g}% and growing as the "
    f"{CPU_LOAD_ELASTICITY:g} power of load, peak connections starting at "
    f"{CONNECTIONS_START:,.0f} and growing as the {CONNECTIONS_LOAD_ELASTICITY:g} power of "
    f"load, max_connections = {MAX_CONNECTIONS:,}, a vacuum throughput of "
    f"{VACUUM_THROUGHPUT_GIB_PER_DAY:,.0f} GiB per day, and the day-to-day noise. "
    f"Generated with seed {POSTGRES_METRICS_SEED}."
)

#: The registry entry of ``data/postgres_metrics.csv``.
DATASET = Dataset(
    file_name="postgres_metrics.csv",
    description=_DESCRIPTION,
    provenance=_PROVENANCE,
    columns=_COLUMNS,
    generate=functools.partial(simulate_postgres_metrics, seed=POSTGRES_METRICS_SEED),
)


def load_postgres_metrics(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load daily Postgres metrics: the course's file, or your own in the same format.

    Parameters
    ----------
    path : path-like, optional
        A CSV file with the columns of ``data/postgres_metrics.csv`` (see the
        data dictionary in ``data/README.md``); the course's file by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (``datetime64``), ``storage_gib``,
        ``rows_inserted_millions``, ``write_tps_peak``, ``cpu_peak_pct``,
        ``connections_peak`` and ``xid_age_millions``.

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If the file breaks the data dictionary; the message names the file,
        the line as an editor shows it (the header is line 1) and the column,
        e.g. ``postgres_metrics.csv line 17, column cpu_peak_pct: expected a
        number between 0 and 100, got 'abc'``.

    Notes
    -----
    Loading the course's file checks it against ``data/MANIFEST.sha256``
    first; if it has changed, a note on standard error says once that the
    numbers will not match the lesson's text and how to get the file back.

    Examples
    --------
    >>> metrics = load_postgres_metrics()  # doctest: +SKIP
    >>> metrics["date"].iloc[0]  # doctest: +SKIP
    Timestamp('2018-01-01 00:00:00')
    """
    return load_course_or_own(DATASET, path)
