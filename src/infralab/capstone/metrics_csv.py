"""Read a team's own metrics export: every realistic CSV works, or is refused in one line.

A monitoring tool or a spreadsheet exports daily metrics in many shapes. This
reader accepts what a real export looks like:

- a ``,``, ``;`` or tab delimiter (found by :class:`csv.Sniffer`; a first line
  ``sep=;`` as Excel writes it is honoured);
- the date in the first column whose every cell reads as a date with one
  format: ISO 8601 (``2020-03-16``, with a time, milliseconds or an offset),
  ``YYYY/MM/DD``, ``DD/MM/YYYY``, ``MM/DD/YYYY``, ``DD.MM.YYYY``,
  ``DD-MM-YYYY``, ``MM-DD-YYYY``, ``16 Mar 2020`` or ``Mar 16, 2020``, with or
  without a time of day (a day-first and a month-first reading that both fit
  are refused as ambiguous; :attr:`MetricsFile.date_format` says which was
  used); rows newest first are turned round;
- numbers with thousands separators (``1,234.5``, ``1.234,5``, ``1 234``,
  ``1'234``) and a trailing ``%``; what a comma and a dot mean is decided per
  column, with the delimiter: in a ``;`` file, or a column with a cell such as
  ``0,75``, the comma is the decimal point (and dots group thousands);
  otherwise the dot is the decimal point (``0.512`` is 0.512) and commas group
  thousands. A column that mixes both conventions is refused as ambiguous;
- units in the header (``Storage (GiB)``, ``cpu [%]``, ``cpu %``): the column
  becomes ``storage`` with unit ``GiB``;
- extra columns: text with no digits at all (a host name, a note) is set aside;
  a numeric column that is not needed (not in ``resources``) and cannot be
  forecast (a zero, a bad cell) is set aside too, and :attr:`MetricsFile.notes`
  says why;
- days missing from the series, and empty cells (a gap, kept as NaN);
- a single resource.

Anything else raises :class:`MetricsFileError`, whose message is one line
naming the file, the row (as a spreadsheet numbers it, the header being row 1)
and the column: a missing column (or no column of dates, said without
blaming another column), a value that is not a number, dates out of
order or repeated, too few readings, a value of zero or less, an empty file, a
file that is not CSV text.
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

__all__ = [
    "DATE_FORMATS",
    "MIN_PER_WEEKDAY",
    "MIN_ROWS",
    "MetricsFile",
    "MetricsFileError",
    "read_metrics_csv",
]

#: Fewest readings of each resource on each day of the week. Lesson 03's weekly
#: cycle needs two fitted points per weekday; a running total loses one reading
#: to differencing, so three (an illustrative minimum: three weeks of history).
MIN_PER_WEEKDAY = 3

#: Fewest dated rows: three weeks, so each weekday can be seen three times.
MIN_ROWS = 7 * MIN_PER_WEEKDAY

#: The date formats tried, in order (``strptime`` codes; ``"ISO 8601"`` is
#: :meth:`datetime.fromisoformat`); each may carry a time of day.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d %b %Y",
    "%b %d, %Y",
)
_ISO = "%Y-%m-%d"
_TIMES = ("", " %H:%M", " %H:%M:%S", "T%H:%M:%S", "T%H:%M:%SZ")
_DATE_WORDS = re.compile(
    r"\b(date|day|time|timestamp|datum|fecha|jour|tag|period|when)\b", re.IGNORECASE
)
_UNIT = re.compile(r"^(?P<name>.*?)\s*[\(\[](?P<unit>[^\)\]]*)[\)\]]\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_COMMA_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DOT_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_REPEATED_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?$")
_NUMBER_LIKE = re.compile(r"^[+-]?[\d.,]*\d")  # a number, perhaps with a unit after it


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
        The format that read every date (``strptime`` codes).
    ignored : tuple of str
        Headers of the columns set aside.
    notes : tuple of str
        One line per thing worth knowing: a numeric column set aside and why,
        rows turned round because the file lists the newest first.
    """

    frame: pd.DataFrame
    units: dict[str, str] = field(default_factory=dict)
    date_format: str = ""
    ignored: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

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
    elif text.endswith("%") and text[:-1].strip():
        text, unit = text[:-1], "%"
    name = re.sub(r"\W+", "_", text.lower()).strip("_")
    return name or "value", unit


def _clean(text: str) -> str:
    cell = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if cell.endswith("%"):
        cell = cell[:-1].strip()
    return cell.replace(" ", "").replace("'", "").replace("_", "")


def _convention(cells: Sequence[str], delimiter: str) -> str | None:
    """``"comma"`` (decimal comma), ``"dot"`` (decimal point) or None when ambiguous."""
    comma_decimal = any(_COMMA_DECIMAL.match(c) and not _COMMA_GROUPED.match(c) for c in cells)
    comma_decimal = comma_decimal or (delimiter == ";" and any("," in c for c in cells))
    dot_grouping = any(_REPEATED_DOTS.match(c) for c in cells)
    dot_decimal = any(
        (_COMMA_GROUPED.match(c) and "." in c) or ("." in c and "," not in c
                                                   and not _DOT_GROUPED.match(c))
        for c in cells
    )
    if (comma_decimal or dot_grouping) and dot_decimal:
        return None
    return "comma" if comma_decimal or dot_grouping else "dot"


def _number(cell: str, convention: str) -> float | None:
    """A cleaned cell as a float, None when empty, NaN when it is not a number."""
    if not cell:
        return None
    if convention == "comma":
        if "." in cell and not _DOT_GROUPED.match(cell):
            return np.nan
        cell = cell.replace(".", "").replace(",", ".")
    elif "," in cell:
        if not _COMMA_GROUPED.match(cell):
            return np.nan
        cell = cell.replace(",", "")
    return float(cell) if _NUMBER.match(cell) else np.nan


def _read_rows(path: Path, name: str) -> tuple[list[tuple[int, list[str]]], str]:
    """Non-blank rows with their line numbers, and the delimiter."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MetricsFileError(name, "there is no such file: check the name and folder") from None
    except OSError as error:
        raise MetricsFileError(name, f"cannot be opened ({error.strerror})") from None
    if not raw.strip():
        raise MetricsFileError(name, "the file is empty: export the metrics again")
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise MetricsFileError(
            name, "this is a spreadsheet workbook (.xlsx or .xls), not a CSV: save it as CSV first"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            text = "\0"
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = "\0"
    if "\0" in text or text.lstrip().startswith(("<", "{", "[")):
        raise MetricsFileError(name, "this is not a CSV text file: export the metrics as CSV")
    lines = text.splitlines()
    while lines and lines[0].lstrip().startswith("#"):  # a comment above the header
        lines = lines[1:]
    text = "\n".join(lines)
    delimiter = None
    first = lines[0].strip().lower() if lines else ""
    if first.startswith("sep=") and len(first) == 5:
        delimiter, text = lines[0].strip()[4], "\n".join(lines[1:])
        lines = lines[1:]
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    found = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                found.append((reader.line_num, row))
    except csv.Error as error:
        raise MetricsFileError(
            name, f"cannot be read as CSV ({error})", row=reader.line_num
        ) from None
    for line, row in found:
        if any("\n" in cell or "\r" in cell for cell in row):
            raise MetricsFileError(
                name, 'a quote (") opens a cell that never closes: remove it or close it',
                row=line - sum(c.count("\n") for c in row),
            )
    return found, delimiter


def _read_dates(cells: Sequence[str]) -> list[tuple[str, list[datetime]]]:
    """Every format that reads every cell, with the days it gives."""
    fitting = []
    try:
        days = [datetime.fromisoformat(cell.strip().replace("Z", "+00:00")) for cell in cells]
        if all(len(cell.strip()) >= 10 and cell.strip()[4] == "-" for cell in cells):
            fitting.append((_ISO, [d.replace(tzinfo=None) for d in days]))
    except ValueError:
        pass
    for date_format in DATE_FORMATS:
        if fitting and date_format == _ISO:
            continue
        for time in _TIMES:
            try:
                days = [datetime.strptime(cell.strip(), date_format + time) for cell in cells]
            except ValueError:
                continue
            fitting.append((date_format, days))
            break
    return [(f, [d.replace(hour=0, minute=0, second=0, microsecond=0) for d in days])
            for f, days in fitting]


def _likely_date_column(header, body, sample: int = 50) -> int | None:
    """The column meant to hold the dates, when no column reads as dates in every row.

    The column with the most cells that read as a date on their own (among its first
    ``sample`` non-empty cells, at least half of them); else the first whose header
    names a date (``Date``, ``Day``, ``Timestamp``...); else None: the file has none.
    """
    shares = []
    for at in range(len(header)):
        cells = [row[at] for _, row in body if row[at].strip()][:sample]
        shares.append(sum(bool(_read_dates([cell])) for cell in cells) / max(len(cells), 1))
    best = max(range(len(header)), key=shares.__getitem__)  # the first of the highest
    if shares[best] >= 0.5:
        return best
    return next((at for at, head in enumerate(header) if _DATE_WORDS.search(head)), None)


def _date_column(header, body, name) -> tuple[int, list[datetime], str]:
    """The first column whose every cell reads as a date with one format (and that reading)."""
    for at in range(len(header)):
        cells = [row[at] for _, row in body]
        if not all(cell.strip() for cell in cells):
            continue
        fitting = _read_dates(cells)
        if not fitting:
            continue
        if len({tuple(days) for _, days in fitting}) > 1:
            formats = " or ".join(f for f, _ in fitting)
            raise MetricsFileError(
                name,
                f"the dates read as {formats} alike (e.g. {cells[0].strip()!r}): "
                "write them as YYYY-MM-DD",
                column=header[at],
            )
        return at, fitting[0][1], fitting[0][0]
    at = _likely_date_column(header, body)
    if at is None:
        raise MetricsFileError(
            name, "no column holds dates: add one with each row's day, written as YYYY-MM-DD"
        )
    for line, row in body:
        cell = row[at].strip()
        if not cell:
            raise MetricsFileError(name, "the date is empty", row=line, column=header[at])
        if re.fullmatch(r"\d{5}(\.\d+)?", cell) and 20_000 <= float(cell) <= 80_000:
            raise MetricsFileError(
                name, f"{cell!r} looks like an Excel serial date: format the column as a "
                "date (YYYY-MM-DD) before saving as CSV", row=line, column=header[at],
            )
        if re.fullmatch(r"\d{9,13}(\.\d+)?", cell):
            raise MetricsFileError(
                name, f"{cell!r} looks like Unix time (seconds since 1970): export the dates "
                "as YYYY-MM-DD", row=line, column=header[at],
            )
        if not _read_dates([cell]):
            raise MetricsFileError(
                name,
                f"{cell!r} is not a date (no column holds dates in every row; write them "
                "as YYYY-MM-DD)",
                row=line,
                column=header[at],
            )
    raise MetricsFileError(
        name, "the dates are not all written the same way: use YYYY-MM-DD", column=header[at]
    )


def _check_order(days, lines, name, column) -> tuple[list[int], list[str]]:
    """Row order oldest first (newest-first files turned round), or the error."""
    order, notes = list(range(len(days))), []
    if len(days) > 1 and all(a > b for a, b in zip(days, days[1:], strict=False)):
        order.reverse()
        notes.append("the rows run newest first: read oldest first")
    for before, after in zip(order, order[1:], strict=False):
        if days[after] == days[before]:
            raise MetricsFileError(
                name, f"{days[after]:%Y-%m-%d} appears twice: keep one row per day "
                "(for hourly data, each day's peak)",
                row=lines[after], column=column,
            )
        if days[after] < days[before]:
            raise MetricsFileError(
                name,
                f"{days[after]:%Y-%m-%d} is listed after {days[before]:%Y-%m-%d}: sort "
                "the rows by date, oldest first",
                row=lines[after], column=column,
            )
    return order, notes


def _column(cells, lines, days, delimiter, min_rows) -> tuple[np.ndarray | None, str, int | None]:
    """The column's values, or None with the problem and its row."""
    try:  # the common case, plain numbers, read fast; anything else goes the long way
        column = np.array([float(c) if c.strip() else np.nan for c in cells], dtype=float)
    except ValueError:
        column = None
    if column is None or np.isinf(column).any() or (column <= 0).any():
        column = _slow_column(cells, lines, delimiter)
        if isinstance(column, tuple):
            return column
    return _readings(column, days, min_rows)


def _slow_column(cells, lines, delimiter) -> np.ndarray | tuple[None, str, int | None]:
    """Each cell read with the column's convention, or (None, problem, row)."""
    cleaned = [_clean(cell) for cell in cells]
    convention = _convention(cleaned, delimiter)
    if convention is None:
        return None, ("mixes a decimal comma and a decimal point (e.g. "
                      f"{next(c for c in cells if ',' in c).strip()!r}): use one convention"), None
    values = [_number(cell, convention) for cell in cleaned]
    for line, cell, value in zip(lines, cells, values, strict=True):
        if value is not None and np.isnan(value):
            hint = (" (put the unit in the header, e.g. 'storage (GiB)', and only the number "
                    "in the cell)" if re.search(r"\d\s*[A-Za-z]+$", cell.strip()) else
                    " (leave the cell empty if there was no reading)")
            return None, f"{cell.strip()!r} is not a number{hint}", line
        if value is not None and value <= 0:
            return None, (f"{value:g} is not above zero: a size or a rate must be positive to "
                          "fit its growth (leave the cell empty if there was no reading)"), line
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _readings(column, days, min_rows) -> tuple[np.ndarray | None, str, int | None]:
    seen = ~np.isnan(column)
    if seen.sum() < min_rows:
        return None, f"only {int(seen.sum())} readings; at least {min_rows} are needed", None
    weekdays = np.array([day.weekday() for day in days])[seen]
    counts = np.bincount(weekdays, minlength=7)
    if counts.min() < MIN_PER_WEEKDAY:
        weekday = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays",
                   "Sundays")[int(np.argmin(counts))]
        problem = (f"{weekday} have {int(counts.min())} readings; the weekly cycle needs at "
                   f"least {MIN_PER_WEEKDAY} of each day of the week (export more history)")
        return None, problem, None
    return column, "", None


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
        ``"storage"`` for a header ``Storage (GiB)``); a missing one is an error,
        and only these are held to the rules of a resource (above zero, numbers
        only, enough readings): any other numeric column that breaks them is
        set aside with a note. Without it, every numeric column must keep them.
    min_rows : int
        Fewest dated rows, and fewest readings of each resource (default
        :data:`MIN_ROWS`); each resource also needs :data:`MIN_PER_WEEKDAY`
        readings on each day of the week.

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
    ...     f"{d:02d}/03/2024;{1000 + 10 * d},5;db-1" for d in range(1, 29)]
    >>> _ = (folder / "mine.csv").write_text("\\n".join(lines))
    >>> mine = read_metrics_csv(folder / "mine.csv", resources=["storage"])
    >>> mine.resources, mine.units, mine.ignored, mine.date_format
    (['storage'], {'storage': 'GiB'}, ('host',), '%d/%m/%Y')
    >>> float(mine.frame.storage.iloc[-1])
    1280.5
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
    rows, delimiter = _read_rows(path, name)
    (_, header), body = rows[0], rows[1:]
    header = [cell.strip() for cell in header]
    if len(header) < 2:
        raise MetricsFileError(
            name,
            f"the header has one column ({header[0]!r}): a date column and at least one "
            "resource column are needed, separated by commas",
            row=1,
        )
    for line, row in body:
        if len(row) != len(header):
            raise MetricsFileError(
                name, f"has {len(row)} cells but the header has {len(header)}", row=line
            )
    if not body:
        raise MetricsFileError(name, "has a header but no rows of data: export the metrics again")
    if len(body) < min_rows:
        raise MetricsFileError(
            name, f"only {len(body)} rows of data; a growth fit needs at least {min_rows} days"
        )

    date_at, days, date_format = _date_column(header, body, name)
    lines = [line for line, _ in body]
    order, notes = _check_order(days, lines, name, header[date_at])
    body, days = [body[i] for i in order], [days[i] for i in order]
    lines = [lines[i] for i in order]

    columns: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}
    ignored: list[str] = []
    wanted = set(resources) if resources is not None else None
    for at, head in enumerate(header):
        if at == date_at:
            continue
        cells = [row[at] for _, row in body]
        if not any(_NUMBER_LIKE.match(_clean(cell)) for cell in cells):  # a label column
            ignored.append(head)
            continue
        resource, unit = _resource_name(head)
        if resource in columns or resource == "date":
            raise MetricsFileError(
                name, f"two columns are both called {resource!r}: rename one", row=1, column=head
            )
        values, problem, line = _column(cells, lines, days, delimiter, min_rows)
        if values is None:
            if wanted is not None and resource not in wanted:
                ignored.append(head)
                notes.append(f"column {head!r} set aside: {problem}"
                             + (f" (row {line})" if line else ""))
                continue
            raise MetricsFileError(name, problem, row=line, column=head)
        columns[resource] = values
        units[resource] = unit
    for needed in resources or ():
        if needed not in columns:
            raise MetricsFileError(
                name,
                f"column {needed!r} is missing; the resources read are {sorted(columns)}",
                row=1,
            )
    if not columns:
        raise MetricsFileError(
            name,
            "no column of numbers: a resource column (storage, CPU, connections...) is needed "
            "beside the dates",
        )
    frame = pd.DataFrame({"date": pd.to_datetime(days).as_unit("ns"), **columns})
    return MetricsFile(frame, units, date_format, tuple(ignored), tuple(notes))
