"""The course's small data sets: how each is made, checked and loaded.

Every CSV file in ``data/`` is *generated* by a seeded, deterministic function
registered in :data:`DATASETS`, so the files can be rebuilt byte for byte on any
machine and checked against a checksum manifest. The data dictionary
(``data/README.md``) is generated from the same registry, so it can never
disagree with the files.

Loading goes through :func:`validate_frame`, which checks the columns, the
types, empty cells and the allowed ranges, and names the file, the row and the
column of the first problem it finds. Row numbers count the header as row 1, as
a spreadsheet does: row 17 is line 17 of the file, the 16th row of data.

To add a data set, add one :class:`Dataset` entry to :data:`DATASETS`; writing,
checking, loading and the data dictionary follow from it.

Examples
--------
>>> from infralab import datasets
>>> metrics = datasets.load_postgres_metrics()  # doctest: +SKIP
>>> problems = datasets.verify()  # an empty list means data/ is intact  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import data_dir
from .validation import check_choice, check_seed

__all__ = [
    "Column",
    "Dataset",
    "DATASETS",
    "MANIFEST_NAME",
    "README_NAME",
    "generate",
    "write_all",
    "verify",
    "load",
    "load_postgres_metrics",
    "validate_frame",
    "simulate_postgres_metrics",
]

#: Checksum manifest in ``data/``, in the format ``sha256sum -c`` reads.
MANIFEST_NAME = "MANIFEST.sha256"
#: Generated data dictionary in ``data/``.
README_NAME = "README.md"

_DTYPES = ("date", "float", "int")
_DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class Column:
    """One column of a data set: its name, type, unit, allowed range and meaning.

    Parameters
    ----------
    name : str
        Column header in the CSV file.
    dtype : {"date", "float", "int"}
        ``"date"`` cells are written ``YYYY-MM-DD`` and loaded as ``datetime64``;
        ``"int"`` cells must be whole numbers.
    unit : str
        Unit of the values, in words (``"GiB"``, ``"% of one instance"``).
    minimum, maximum : float or None
        Inclusive bounds every value must respect; ``None`` for no bound.
        Ignored for dates.
    description : str
        What the column measures, for the data dictionary.
    decimals : int or None
        Decimal places written to the CSV for ``"float"`` columns.
    increasing : bool
        Require strictly increasing values (a time axis with no repeats).
    """

    name: str
    dtype: str
    unit: str
    minimum: float | None
    maximum: float | None
    description: str
    decimals: int | None = None
    increasing: bool = False

    def __post_init__(self) -> None:
        check_choice("dtype", self.dtype, _DTYPES)
        if self.dtype == "float" and self.decimals is None:
            raise ValueError(f"column {self.name!r}: a float column needs decimals, got None")

    def expectation(self) -> str:
        """What a valid cell looks like, in words (used in error messages)."""
        if self.dtype == "date":
            return "a date written YYYY-MM-DD, e.g. 2020-03-16"
        kind = "a whole number" if self.dtype == "int" else "a number"
        if self.minimum is not None and self.maximum is not None:
            return f"{kind} between {self.minimum:g} and {self.maximum:g}"
        if self.minimum is not None:
            return f"{kind} of at least {self.minimum:g}"
        if self.maximum is not None:
            return f"{kind} of at most {self.maximum:g}"
        return kind


@dataclass(frozen=True)
class Dataset:
    """A registered data set: its file, meaning, origin, columns and generator.

    Parameters
    ----------
    file_name : str
        CSV file name inside ``data/``.
    description : str
        One paragraph: what a row is and what the data set is for.
    provenance : str
        Where the numbers come from: which published figures set the
        parameters and which are illustrative assumptions.
    columns : tuple of Column
        The columns, in file order.
    generate : callable
        ``generate()`` returns the data set as a DataFrame, the same every call.
    """

    file_name: str
    description: str
    provenance: str
    columns: tuple[Column, ...]
    generate: Callable[[], pd.DataFrame]

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column headers, in file order."""
        return tuple(column.name for column in self.columns)


# ---------------------------------------------------------------------------
# postgres_metrics: one Postgres primary through a growth spike
# ---------------------------------------------------------------------------

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
    - ``xid_age_millions`` = 200M (autovacuum freezes at that age) + transaction
      IDs consumed per day x vacuum duration in days, which grows with storage.

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
        1,096 rows, one per day, with the columns of ``DATASETS["postgres_metrics"]``,
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
    weekday_factor = np.where(dates.day_of_week.to_numpy() >= 5, WEEKEND_ACTIVITY, 1.0)
    weekday_factor = weekday_factor / weekday_factor.mean()  # averages 1 over a week
    activity = np.exp(log_trend) * weekday_factor  # 1.0 = an average day of the first week

    def noise(name: str) -> np.ndarray:
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

    # A vacuum spans days, so it sees the weekly average rate of transaction IDs.
    xid_per_day_millions = rows_start_millions * np.exp(log_trend) / ROWS_PER_WRITE_TRANSACTION
    vacuum_days = storage_gib / VACUUM_THROUGHPUT_GIB_PER_DAY
    xid_age = AUTOVACUUM_FREEZE_MAX_AGE_MILLIONS + xid_per_day_millions * vacuum_days * noise(
        "xid"
    )

    columns = _POSTGRES_COLUMNS
    values = {
        "date": dates,
        "storage_gib": storage_gib,
        "rows_inserted_millions": rows_millions,
        "write_tps_peak": write_tps_peak,
        "cpu_peak_pct": np.minimum(cpu_pct, 100.0),
        "connections_peak": np.minimum(connections, MAX_CONNECTIONS),
        "xid_age_millions": np.minimum(xid_age, XID_WRAPAROUND_MILLIONS),
    }
    return _typed_frame(values, columns)


_POSTGRES_COLUMNS = (
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
        "Daily peak age of the oldest unfrozen transaction ID. Autovacuum starts "
        "freezing at 200 million; writes stop near 2^31 = 2,147.48 million.",
        decimals=1,
    ),
)

_POSTGRES_DESCRIPTION = (
    "Daily metrics of the single Postgres primary behind a note-taking and wiki "
    "product, from 2018-01-01 to 2020-12-31, one row per day (1,096 rows). Usage "
    "grows steadily until the COVID-19 lockdowns of March 2020, then much faster. "
    "Lesson 03 projects each column to its limit to find the database's doomsday "
    "date: 64 TiB of storage, about 90% peak CPU, max_connections, and transaction "
    "ID wraparound."
)

_POSTGRES_PROVENANCE = (
    "Simulated, not measured. The situation follows Notion's account of its Postgres "
    "monolith (Notion engineering blog, \"Herding elephants\", 2021): by mid-2020 CPU "
    "spikes, VACUUM stalling and the risk of transaction ID wraparound; and Figma's "
    "(Figma engineering blog, 2024): CPU, I/O, table size and rows written are the limits "
    "to load-test and forecast. Published limits: RDS storage of at most 64 TiB per "
    "instance (AWS documentation); 32-bit transaction IDs, so wraparound after about 2^31 "
    "= 2,147 million, with warnings 40 million before and new transaction IDs refused "
    "3 million before, and autovacuum_freeze_max_age = 200 million by default "
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


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------

#: Every data set of the course, by name. Add an entry to add a data set.
DATASETS: dict[str, Dataset] = {
    "postgres_metrics": Dataset(
        file_name="postgres_metrics.csv",
        description=_POSTGRES_DESCRIPTION,
        provenance=_POSTGRES_PROVENANCE,
        columns=_POSTGRES_COLUMNS,
        generate=functools.partial(simulate_postgres_metrics, seed=POSTGRES_METRICS_SEED),
    ),
}


# ---------------------------------------------------------------------------
# Generating and writing
# ---------------------------------------------------------------------------


def _typed_frame(values: Mapping[str, object], columns: Sequence[Column]) -> pd.DataFrame:
    """Build a frame in column order, rounded and typed exactly as loading returns it."""
    data = {}
    for column in columns:
        if column.dtype == "date":
            data[column.name] = pd.to_datetime(pd.Series(values[column.name]))
        elif column.dtype == "int":
            data[column.name] = np.rint(np.asarray(values[column.name], dtype=float)).astype(
                np.int64
            )
        else:
            data[column.name] = np.round(
                np.asarray(values[column.name], dtype=float), column.decimals
            )
    return pd.DataFrame(data)


def _dataset(name: object) -> Dataset:
    if not isinstance(name, str):
        raise TypeError(f"name must be a data set name (a string), got {name!r}")
    check_choice("name", name, DATASETS)
    return DATASETS[name]


def _folder(folder: str | os.PathLike[str] | None) -> Path:
    if folder is None:
        return data_dir()
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path, got {folder!r}")
    return Path(folder)


def generate(name: str) -> pd.DataFrame:
    """Generate a registered data set afresh (the same frame on every call).

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`, e.g. ``"postgres_metrics"``.

    Returns
    -------
    pandas.DataFrame
        Typed and rounded as :func:`load` returns it from the CSV file.

    Examples
    --------
    >>> generate("postgres_metrics").shape
    (1096, 7)
    """
    dataset = _dataset(name)
    return validate_frame(dataset.generate(), dataset, source=f"generated {dataset.file_name}")


def _csv_text(frame: pd.DataFrame, columns: Sequence[Column]) -> str:
    """The CSV text of a typed frame: fixed formats, ``\\n`` line ends, no index."""
    cells = {}
    for column in columns:
        values = frame[column.name]
        if column.dtype == "date":
            cells[column.name] = values.dt.strftime(_DATE_FORMAT)
        elif column.dtype == "int":
            cells[column.name] = values.astype(np.int64).astype(str)
        else:
            cells[column.name] = np.char.mod(f"%.{column.decimals}f", values.to_numpy(float))
    return pd.DataFrame(cells).to_csv(index=False, lineterminator="\n")


def _csv_bytes(name: str) -> bytes:
    dataset = DATASETS[name]
    return _csv_text(generate(name), dataset.columns).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest_text(contents: Mapping[str, bytes]) -> str:
    return "".join(f"{_sha256(data)}  {file}\n" for file, data in sorted(contents.items()))


def _range_text(column: Column) -> str:
    if column.dtype == "date":
        return "YYYY-MM-DD"
    low = "" if column.minimum is None else f"{column.minimum:,.10g}"
    high = "" if column.maximum is None else f"{column.maximum:,.10g}"
    if not low and not high:
        return "any"
    return f"{low} to {high}" if low and high else (f">= {low}" if low else f"<= {high}")


def _readme_text() -> str:
    """The data dictionary, generated from :data:`DATASETS`."""
    lines = [
        "# Data",
        "",
        "This file is generated from `src/infralab/datasets.py`; edit the registry there,",
        "not this file. Every CSV file here is simulated by a seeded function, so it can be",
        "rebuilt byte for byte:",
        "",
        "```",
        "make data          # regenerate data/ and check it",
        'python -c "from infralab import datasets; datasets.write_all()"',
        "```",
        "",
        f"`{MANIFEST_NAME}` holds the SHA-256 checksum of every file here; check it with",
        f"`sha256sum -c {MANIFEST_NAME}` inside this folder, or run",
        '`python -c "from infralab import datasets; print(datasets.verify())"`, which also',
        "compares each file with a fresh regeneration (an empty list means all is well).",
        "",
        "Load a file with `infralab.datasets.load(name)`: it checks every column, type and",
        "range and names the file, row and column of the first problem. Row numbers count",
        "the header as row 1, as a spreadsheet does, so row 17 is line 17 of the file.",
        "",
        "Files use UTF-8, a comma separator, `\\n` line ends, dates as `YYYY-MM-DD` and a",
        "point for decimals. Ranges are inclusive.",
    ]
    for name, dataset in DATASETS.items():
        frame = generate(name)
        lines += [
            "",
            f"## `{dataset.file_name}`",
            "",
            f"Load with `infralab.datasets.load({name!r})`. {len(frame):,} rows, "
            f"{len(dataset.columns)} columns.",
            "",
            dataset.description,
            "",
            f"**Provenance.** {dataset.provenance}",
            "",
            "| column | type | unit | allowed range | description |",
            "|---|---|---|---|---|",
        ]
        for column in dataset.columns:
            lines.append(
                f"| `{column.name}` | {column.dtype} | {column.unit} | {_range_text(column)} "
                f"| {column.description} |"
            )
    return "\n".join(lines) + "\n"


def _expected_contents() -> dict[str, bytes]:
    contents = {dataset.file_name: _csv_bytes(name) for name, dataset in DATASETS.items()}
    contents[README_NAME] = _readme_text().encode("utf-8")
    return contents


def write_all(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write every data set, the data dictionary and the checksum manifest.

    The output is byte-for-byte reproducible: fixed decimals per column,
    ``\\n`` line ends, UTF-8, no index column.

    Parameters
    ----------
    folder : path-like, optional
        Where to write; the course's ``data/`` folder by default. Created if missing.

    Returns
    -------
    list of pathlib.Path
        Each CSV, ``README.md``, then ``MANIFEST.sha256``. A file that already
        holds the right bytes is not rewritten.

    Examples
    --------
    >>> import tempfile
    >>> [path.name for path in write_all(tempfile.mkdtemp())]
    ['postgres_metrics.csv', 'README.md', 'MANIFEST.sha256']
    """
    target = _folder(folder)
    target.mkdir(parents=True, exist_ok=True)
    contents = _expected_contents()
    contents[MANIFEST_NAME] = _manifest_text(contents).encode("utf-8")
    written = []
    for file, data in contents.items():
        path = target / file
        if not path.is_file() or path.read_bytes() != data:  # unchanged files keep their mtime
            path.write_bytes(data)
        written.append(path)
    return written


def _read_manifest(path: Path) -> tuple[dict[str, str], list[str]]:
    entries: dict[str, str] = {}
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line)  # text or binary mode
        digest, file = (match[1], match[2]) if match else (line, "")
        if len(digest) != 64 or not file:
            problems.append(f"{MANIFEST_NAME} line {number} is not '<sha256>  <file>': {line!r}")
            continue
        entries[file] = digest.lower()
    return entries, problems


def verify(folder: str | os.PathLike[str] | None = None) -> list[str]:
    """Check ``data/`` against its manifest and against a fresh regeneration.

    Parameters
    ----------
    folder : path-like, optional
        The folder to check; the course's ``data/`` folder by default.

    Returns
    -------
    list of str
        One sentence per problem: a missing file, a checksum that does not match
        the manifest, a file the manifest does not list (or lists but should
        not), or a file that differs from what its generator produces now. An
        empty list means everything is intact.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_all(folder)
    >>> verify(folder)
    []
    """
    target = _folder(folder)
    expected = _expected_contents()
    problems = []
    manifest_path = target / MANIFEST_NAME
    if manifest_path.is_file():
        manifest, problems = _read_manifest(manifest_path)
    else:
        manifest = {}
        problems.append(f"{MANIFEST_NAME} is missing from {target}")
    for file in sorted(set(manifest) - set(expected)):
        problems.append(f"{MANIFEST_NAME} lists {file}, which is not a course data file")
    hint = "run `make data` to rebuild it"
    for file, data in expected.items():
        path = target / file
        if not path.is_file():
            problems.append(f"{file} is missing from {target}; {hint}")
            continue
        actual = path.read_bytes()
        if manifest_path.is_file():
            if file not in manifest:
                problems.append(f"{file} is not listed in {MANIFEST_NAME}")
            elif manifest[file] != _sha256(actual):
                problems.append(f"{file}: checksum does not match {MANIFEST_NAME}")
        if actual != data:
            problems.append(f"{file} differs from a fresh regeneration; {hint}")
    return problems


# ---------------------------------------------------------------------------
# Loading and validating
# ---------------------------------------------------------------------------


def _describe_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "an empty cell"
    if isinstance(value, str) and not value.strip():
        return "an empty cell"
    text = repr(value.strip() if isinstance(value, str) else value)
    return text if len(text) <= 40 else text[:37] + "..."


def _spreadsheet_row(position: int) -> int:
    """Row number as a spreadsheet shows it: the header is row 1."""
    return position + 2


def validate_frame(
    frame: pd.DataFrame,
    dataset_or_columns: Dataset | Sequence[Column],
    source: str = "data",
    *,
    allow_extra_columns: bool = False,
) -> pd.DataFrame:
    """Check a table against its documented columns and return it typed.

    Use it on a data set read from a file (cells may be text) or on a frame a
    learner built. Checks, in order: missing columns, unexpected columns, then
    column by column every cell's type, emptiness and range, and that an
    increasing column (the date) never goes back or repeats.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, one row per record in file order.
    dataset_or_columns : Dataset or sequence of Column
        What the table must hold.
    source : str
        Name used in messages, usually the file name.
    allow_extra_columns : bool
        Keep quiet about columns that are not documented (they are dropped).

    Returns
    -------
    pandas.DataFrame
        The documented columns in their documented order with a fresh index:
        dates as ``datetime64``, ``"int"`` columns as ``int64``, ``"float"``
        columns as ``float64``.

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame or ``dataset_or_columns`` holds no columns.
    ValueError
        On the first problem found. The message names the source, the row and
        the column: ``postgres_metrics.csv row 17, column cpu_peak_pct: expected
        a number between 0 and 100, got 'abc'``. Rows are numbered as in a
        spreadsheet, the header being row 1, so row 17 is the 16th row of data
        (position 15 of the frame) and line 17 of a CSV file.

    Examples
    --------
    >>> columns = (Column("day", "int", "days", 0, None, "Day number."),)
    >>> validate_frame(pd.DataFrame({"day": ["1", "2"]}), columns)["day"].tolist()
    [1, 2]
    >>> validate_frame(pd.DataFrame({"day": ["1", "-2"]}), columns, "my.csv")
    Traceback (most recent call last):
    ...
    ValueError: my.csv row 3, column day: expected a whole number of at least 0, got '-2'
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    columns = (
        dataset_or_columns.columns
        if isinstance(dataset_or_columns, Dataset)
        else tuple(dataset_or_columns)
    )
    if not columns or not all(isinstance(column, Column) for column in columns):
        raise TypeError("dataset_or_columns must be a Dataset or a sequence of Column")
    names = [column.name for column in columns]
    present = [str(name) for name in frame.columns]
    missing = [name for name in names if name not in present]
    if missing:
        raise ValueError(
            f"{source}: missing column(s) {', '.join(map(repr, missing))}; "
            f"expected columns {', '.join(names)}"
        )
    extra = [name for name in present if name not in names]
    if extra and not allow_extra_columns:
        raise ValueError(
            f"{source}: unexpected column(s) {', '.join(map(repr, extra))}; "
            f"expected columns {', '.join(names)}"
        )
    if len(present) != len(set(present)):
        repeated = sorted({name for name in present if present.count(name) > 1})
        raise ValueError(f"{source}: column(s) {', '.join(map(repr, repeated))} appear twice")
    if len(frame) == 0:
        raise ValueError(f"{source}: no rows of data below the header")
    frame = frame.set_axis(present, axis=1)
    typed = {column.name: _check_column(frame[column.name], column, source) for column in columns}
    return pd.DataFrame(typed)


def _fail(source: str, position: int, column: Column, raw: object) -> ValueError:
    return ValueError(
        f"{source} row {_spreadsheet_row(position)}, column {column.name}: "
        f"expected {column.expectation()}, got {_describe_cell(raw)}"
    )


def _check_column(values: pd.Series, column: Column, source: str) -> pd.Series:
    raw = values.reset_index(drop=True)
    if column.dtype == "date":
        if pd.api.types.is_datetime64_any_dtype(raw):
            parsed = raw
        else:
            text = raw.astype(object).where(raw.notna(), "").astype(str).str.strip()
            parsed = pd.to_datetime(text, format=_DATE_FORMAT, errors="coerce")
        bad = parsed.isna().to_numpy()
        if bad.any():
            position = int(np.argmax(bad))
            raise _fail(source, position, column, raw.iloc[position])
        result = parsed.astype("datetime64[us]")
        ordered = result.to_numpy()
    else:
        if pd.api.types.is_bool_dtype(raw):
            numbers = pd.Series(np.nan, index=raw.index)
        else:
            numbers = pd.to_numeric(raw, errors="coerce").astype(float)
        number_array = numbers.to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(number_array)
            if column.dtype == "int":
                bad |= number_array != np.round(number_array)
                bad |= np.abs(number_array) > 2**53  # beyond this a float is no longer exact
            if column.minimum is not None:
                bad |= number_array < column.minimum
            if column.maximum is not None:
                bad |= number_array > column.maximum
        if bad.any():
            position = int(np.argmax(bad))
            raise _fail(source, position, column, raw.iloc[position])
        if column.dtype == "int":
            result = pd.Series(number_array.astype(np.int64))
        else:
            result = pd.Series(number_array)
        ordered = number_array
    if column.increasing and len(ordered) > 1:
        steps_back = ~(ordered[1:] > ordered[:-1])
        if steps_back.any():
            position = int(np.argmax(steps_back)) + 1
            raise ValueError(
                f"{source} row {_spreadsheet_row(position)}, column {column.name}: values must "
                f"increase with no repeats, but {_describe_cell(raw.iloc[position])} comes after "
                f"{_describe_cell(raw.iloc[position - 1])}"
            )
    return result.rename(column.name)


def _read_checked(path: Path, dataset: Dataset) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist; run `make data` to rebuild the course's data files"
        )
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name} could not be read as a CSV file: {error}") from None
    return validate_frame(raw, dataset, source=path.name)


def load(name: str, folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load a course data set from its CSV file, checked against its dictionary.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`, e.g. ``"postgres_metrics"``.
    folder : path-like, optional
        Folder holding the file; the course's ``data/`` folder by default.

    Returns
    -------
    pandas.DataFrame
        The documented columns, typed (dates as ``datetime64``).

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If a column is missing or unexpected, or a cell is empty, of the wrong
        type or out of range; the message names the file, the row (the header
        is row 1, as in a spreadsheet) and the column.

    Examples
    --------
    >>> load("postgres_metrics")["cpu_peak_pct"].max() <= 100  # doctest: +SKIP
    True
    """
    dataset = _dataset(name)
    return _read_checked(_folder(folder) / dataset.file_name, dataset)


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
        the row (the header is row 1) and the column, e.g.
        ``postgres_metrics.csv row 17, column cpu_peak_pct: expected a number
        between 0 and 100, got 'abc'``.

    Examples
    --------
    >>> metrics = load_postgres_metrics()  # doctest: +SKIP
    >>> metrics["date"].iloc[0]  # doctest: +SKIP
    Timestamp('2018-01-01 00:00:00')
    """
    if path is None:
        return load("postgres_metrics")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a path to a CSV file, got {path!r}")
    return _read_checked(Path(path), DATASETS["postgres_metrics"])
