"""Read a team's own metrics export: every realistic CSV works, or is refused in one line.

A monitoring tool or a spreadsheet exports daily metrics in many shapes. This
reader accepts what a real export looks like:

- a ``,``, ``;`` or tab delimiter (found by :class:`csv.Sniffer`);
- the date in the first column whose header says date, day or time (else the
  first column), written ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``DD/MM/YYYY``,
  ``MM/DD/YYYY``, ``DD.MM.YYYY``, ``DD-MM-YYYY``, ``16 Mar 2020`` or
  ``Mar 16, 2020``, with or without a time of day (a format must read every
  row; a day-first and a month-first reading that both fit are refused as
  ambiguous);
- numbers with thousands separators (``1,234.5``, ``1.234,5``, ``1 234``,
  ``1'234``) and a trailing ``%``;
- units in the header (``Storage (GiB)``, ``cpu [%]``): the column becomes
  ``storage`` with unit ``GiB``;
- extra columns of text (a host name, a note): set aside and listed;
- days missing from the series, and empty cells (a gap, kept as NaN);
- a single resource.

Anything else raises :class:`MetricsFileError`, whose message is one line
naming the file, the row (as a spreadsheet numbers it, the header being row 1)
and the column: a missing column, a value that is not a number, dates out of
order or repeated, too few rows, a value of zero or less, an empty file, a file
that is not CSV text.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..validation import check_count, short_repr

__all__ = ["DATE_FORMATS", "MIN_ROWS", "MetricsFile", "MetricsFileError", "read_metrics_csv"]

#: Fewest dated rows (and values per resource) a growth fit is worth making from:
#: two weeks, so a weekly cycle is seen twice (an illustrative minimum).
MIN_ROWS = 14

#: The date formats tried, in order (``strptime`` codes); each may carry a time of day.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%b %d, %Y",
)
_TIMES = ("", " %H:%M", " %H:%M:%S", "T%H:%M:%S", "T%H:%M:%SZ")
_DATE_HEADER = re.compile(r"date|day|time", re.IGNORECASE)
_UNIT = re.compile(r"^(?P<name>.*?)\s*[\(\[](?P<unit>[^\)\]]*)[\)\]]\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")


class MetricsFileError(ValueError):
    """A metrics file that cannot be read, with where: ``file``, ``row``, ``column``.

    ``str(error)`` is the one line to show the learner.
    """

    def __init__(self, file: str, problem: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.problem = file, row, column, problem
        where = [file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}")


@dataclass(frozen=True)
class MetricsFile:
    """What :func:`read_metrics_csv` understood of a file.

    Attributes
    ----------
    frame : DataFrame
        ``date`` (day, ascending) then one float column per resource (NaN where
        the file had an empty cell).
    units : dict of str to str
        Resource -> the unit its header gave ("" if none).
    date_format : str
        The ``strptime`` format that read every date.
    ignored : tuple of str
        Headers of the text columns set aside.
    """

    frame: pd.DataFrame
    units: dict[str, str] = field(default_factory=dict)
    date_format: str = ""
    ignored: tuple[str, ...] = ()

    @property
    def resources(self) -> list[str]:
        """The resource columns, in file order."""
        return [column for column in self.frame.columns if column != "date"]


def _resource_name(header: str) -> tuple[str, str]:
    """``'Storage (GiB)'`` -> ``('storage', 'GiB')``; names become snake_case."""
    text, unit = header.strip(), ""
    found = _UNIT.match(text)
    if found and found["name"]:
        text, unit = found["name"], found["unit"].strip()
    name = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return name or "value", unit


def _number(text: str) -> float | None:
    """A cell as a float, None when empty, NaN when it is not a number."""
    cell = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not cell:
        return None
    if cell.endswith("%"):
        cell = cell[:-1].strip()
    cell = cell.replace(" ", "").replace("'", "").replace("_", "")
    if _GROUPED.match(cell):
        cell = cell.replace(",", "")
    elif _GROUPED_DOT.match(cell) or ("," in cell and "." not in cell and cell.count(",") == 1):
        cell = cell.replace(".", "").replace(",", ".")
    return float(cell) if _NUMBER.match(cell) else np.nan


def _read_rows(path: Path, name: str) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MetricsFileError(name, "there is no such file: check the name and folder") from None
    except OSError as error:
        raise MetricsFileError(name, f"cannot be opened ({error.strerror})") from None
    if not raw.strip():
        raise MetricsFileError(name, "the file is empty: export the metrics again")
    if raw.startswith(b"PK\x03\x04"):
        raise MetricsFileError(
            name, "this is a spreadsheet workbook (.xlsx), not a CSV: save it as CSV first"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = "\0"
    if "\0" in text:
        raise MetricsFileError(name, "this is not a CSV text file: export the metrics as CSV")
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return [row for row in rows if any(cell.strip() for cell in row)]


def _parse_dates(cells: Sequence[str], name: str, header: str) -> tuple[list[datetime], str]:
    """Every date cell read with one format, or the error naming the first it cannot read."""
    fitting = []
    for date_format in DATE_FORMATS:
        for time in _TIMES:
            try:
                days = [datetime.strptime(cell.strip(), date_format + time) for cell in cells]
            except ValueError:
                continue
            fitting.append((date_format, [d.replace(hour=0, minute=0, second=0) for d in days]))
            break
    if not fitting:
        return [], ""
    distinct = {tuple(days) for _, days in fitting}
    if len(distinct) > 1:
        formats = " or ".join(f for f, _ in fitting)
        raise MetricsFileError(
            name,
            f"the dates read as {formats} alike (e.g. {cells[0].strip()!r}): "
            "write them as YYYY-MM-DD",
            column=header,
        )
    return fitting[0][1], fitting[0][0]


def read_metrics_csv(
    path: str | os.PathLike[str],
    *,
    resources: Sequence[str] | None = None,
    min_rows: int = MIN_ROWS,
) -> MetricsFile:
    """Read daily metrics from a CSV export, or refuse it with one clear line.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    resources : sequence of str, optional
        Resource columns you need (names as this function makes them, e.g.
        ``"storage"`` for a header ``Storage (GiB)``); a missing one is an error.
    min_rows : int
        Fewest dated rows, and fewest values of each resource (default
        :data:`MIN_ROWS`).

    Returns
    -------
    MetricsFile

    Raises
    ------
    MetricsFileError
        For a file it cannot use; the message names file, row and column.
    TypeError, ValueError
        For a bad argument (not a path, ``min_rows`` below 3).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> lines = ["Day;Storage (GiB);host"] + [
    ...     f"{d:02d}/03/2024;{1000 + 10 * d:,}".replace(",", ".") + ";db-1" for d in range(1, 21)]
    >>> _ = (folder / "mine.csv").write_text("\\n".join(lines))
    >>> mine = read_metrics_csv(folder / "mine.csv")
    >>> mine.resources, mine.units, mine.ignored, mine.date_format
    (['storage'], {'storage': 'GiB'}, ('host',), '%d/%m/%Y')
    >>> float(mine.frame.storage.iloc[-1])
    1200.0
    """
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise TypeError(f"path must be a file path (text or pathlib.Path), got {short_repr(path)}")
    min_rows = check_count("min_rows", min_rows, low=3, high=1_000_000)
    if resources is not None and (
        isinstance(resources, str)
        or not isinstance(resources, Sequence)
        or not all(isinstance(r, str) and r for r in resources)
    ):
        raise TypeError(f"resources must be a list of column names, got {short_repr(resources)}")
    path = Path(path)
    name = path.name
    rows = _read_rows(path, name)
    header, body = [cell.strip() for cell in rows[0]], rows[1:]
    if len(header) < 2:
        raise MetricsFileError(
            name,
            f"the header has one column ({header[0]!r}): a date column and at least one "
            "resource column are needed, separated by commas",
            row=1,
        )
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise MetricsFileError(
                name, f"has {len(row)} cells but the header has {len(header)}", row=number
            )
    if len(body) < min_rows:
        raise MetricsFileError(
            name, f"only {len(body)} rows of data; a growth fit needs at least {min_rows} days"
        )

    date_at = next((i for i, h in enumerate(header) if _DATE_HEADER.search(h)), 0)
    date_header = header[date_at]
    date_cells = [row[date_at] for row in body]
    for number, cell in enumerate(date_cells, start=2):
        if not cell.strip():
            raise MetricsFileError(name, "the date is empty", row=number, column=date_header)
    days, date_format = _parse_dates(date_cells, name, date_header)
    if not days:
        for number, cell in enumerate(date_cells, start=2):
            if not any(
                _fits(cell, date_format + time) for date_format in DATE_FORMATS for time in _TIMES
            ):
                raise MetricsFileError(
                    name,
                    f"{cell.strip()!r} is not a date (the first column whose header says date, "
                    "day or time holds the dates; write them as YYYY-MM-DD)",
                    row=number,
                    column=date_header,
                )
        raise MetricsFileError(
            name, "the dates are not all written the same way: use YYYY-MM-DD", column=date_header
        )
    for number in range(1, len(days)):
        if days[number] == days[number - 1]:
            raise MetricsFileError(
                name,
                f"{days[number]:%Y-%m-%d} appears twice: keep one row per day",
                row=number + 2,
                column=date_header,
            )
        if days[number] < days[number - 1]:
            raise MetricsFileError(
                name,
                f"{days[number]:%Y-%m-%d} is listed after {days[number - 1]:%Y-%m-%d}: sort "
                "the rows by date, oldest first",
                row=number + 2,
                column=date_header,
            )

    columns: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}
    ignored: list[str] = []
    for at, head in enumerate(header):
        if at == date_at:
            continue
        values = [_number(row[at]) for row in body]
        given = [v for v in values if v is not None]
        numeric = [v for v in given if not np.isnan(v)]
        if len(numeric) * 2 <= len(given):  # mostly text: a label column, set aside
            ignored.append(head)
            continue
        resource, unit = _resource_name(head)
        if resource in columns or resource == "date":
            raise MetricsFileError(
                name, f"two columns are both called {resource!r}: rename one", row=1, column=head
            )
        for number, value in enumerate(values, start=2):
            if value is not None and np.isnan(value):
                raise MetricsFileError(
                    name,
                    f"{body[number - 2][at].strip()!r} is not a number",
                    row=number,
                    column=head,
                )
            if value is not None and value <= 0:
                raise MetricsFileError(
                    name,
                    f"{value:g} is not above zero: a size or a rate must be positive to fit "
                    "its growth (leave the cell empty if there was no reading)",
                    row=number,
                    column=head,
                )
        if len(numeric) < min_rows:
            raise MetricsFileError(
                name, f"only {len(numeric)} values; at least {min_rows} are needed", column=head
            )
        columns[resource] = np.array([np.nan if v is None else v for v in values], dtype=float)
        units[resource] = unit
    if not columns:
        raise MetricsFileError(
            name,
            "no column of numbers: a resource column (storage, CPU, connections...) is needed "
            "beside the dates",
        )
    for wanted in resources or ():
        if wanted not in columns:
            raise MetricsFileError(
                name,
                f"column {wanted!r} is missing; the resources read are {sorted(columns)}",
                row=1,
            )
    frame = pd.DataFrame({"date": pd.to_datetime(days).as_unit("ns"), **columns})
    return MetricsFile(frame, units, date_format, tuple(ignored))


def _fits(cell: str, date_format: str) -> bool:
    try:
        datetime.strptime(cell.strip(), date_format)
    except ValueError:
        return False
    return True
