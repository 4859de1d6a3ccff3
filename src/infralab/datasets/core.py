"""The machinery behind every data set: columns, checking, loading, writing, checksums.

A data set is a :class:`Dataset`: a CSV file name, a description, its
provenance, its :class:`Column` objects (type, unit, allowed range, meaning)
and a seeded generator. Everything else follows from those and works on any
registry of them (a mapping from name to :class:`Dataset`):

- :func:`generate_dataset` runs a generator and checks what it returns;
- :func:`write_files` writes every CSV file, the data dictionary
  (``README.md``) and the checksum manifest, byte for byte reproducibly;
- :func:`verify_files` checks a folder against its manifest and against a fresh
  regeneration;
- :func:`validate_frame` and :func:`load_file` check a table or a CSV file
  against its columns and name the row (of a table) or the line (of a file) and
  the column of the first problem. A table's rows count the header as row 1, as
  a spreadsheet does. A file's lines are the lines an editor shows, the header
  being line 1: blank lines count, and so does every line of a quoted cell that
  spans lines.

This module knows no particular data set: each lives in a module of its own in
this package, and :data:`infralab.datasets.DATASETS` lists them. Two private
helpers hold the rest of the machinery: ``_csvfile`` reads a CSV file's cells
with the line each is on, and ``_checksums`` hashes, writes and reads the
checksum manifest and notes a course file that no longer matches it.

Examples
--------
>>> columns = (Column("day", "int", "days", 0, None, "Day number."),)
>>> validate_frame(pd.DataFrame({"day": ["1", "2"]}), columns)["day"].tolist()
[1, 2]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import infralab.datasets._checksums as _checksums
from infralab.datasets._checksums import MANIFEST_NAME
from infralab.datasets._csvfile import read_cells
from infralab.files import write_if_changed
from infralab.paths import data_dir
from infralab.validation import check_choice

__all__ = [
    "Column",
    "Dataset",
    "MANIFEST_NAME",
    "README_NAME",
    "data_folder",
    "dataset_named",
    "generate_dataset",
    "load_file",
    "typed_frame",
    "validate_frame",
    "verify_files",
    "write_files",
]

#: Generated data dictionary in ``data/``.
README_NAME = "README.md"

_DTYPES = ("date", "float", "int", "text")
_DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class Column:
    """One column of a data set: its name, type, unit, allowed range and meaning.

    Parameters
    ----------
    name : str
        Column header in the CSV file.
    dtype : {"date", "float", "int", "text"}
        ``"date"`` cells are written ``YYYY-MM-DD`` and loaded as ``datetime64``;
        ``"int"`` cells must be whole numbers; ``"text"`` cells must not be empty.
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
    allowed : tuple of str, optional
        For a ``"text"`` column, the only values a cell may hold.
    """

    name: str
    dtype: str
    unit: str
    minimum: float | None
    maximum: float | None
    description: str
    decimals: int | None = None
    increasing: bool = False
    allowed: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_choice("dtype", self.dtype, _DTYPES)
        if self.allowed is not None and self.dtype != "text":
            raise ValueError(f"column {self.name!r}: only a text column has allowed values")
        if self.dtype == "float" and self.decimals is None:
            raise ValueError(f"column {self.name!r}: a float column needs decimals, got None")

    def expectation(self) -> str:
        """What a valid cell looks like, in words (used in error messages)."""
        if self.dtype == "date":
            return "a date written YYYY-MM-DD, e.g. 2020-03-16"
        if self.dtype == "text":
            if self.allowed:
                return "one of " + ", ".join(map(repr, self.allowed))
            return "a text that is not empty"
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
# Finding and generating
# ---------------------------------------------------------------------------


def typed_frame(values: Mapping[str, object], columns: Sequence[Column]) -> pd.DataFrame:
    """Build a frame in column order, rounded and typed exactly as loading returns it.

    A generator ends with this, so that what it returns equals what is read
    back from the CSV file it becomes.

    Parameters
    ----------
    values : mapping of str to array-like
        The values of each column, by column name (extra entries are ignored).
    columns : sequence of Column
        The columns, in file order.

    Returns
    -------
    pandas.DataFrame
        Dates as ``datetime64``, ``"int"`` columns rounded to ``int64``,
        ``"float"`` columns rounded to their ``decimals``.

    Examples
    --------
    >>> columns = (Column("disk_gib", "float", "GiB", 0, None, "Disk used.", decimals=1),)
    >>> typed_frame({"disk_gib": [1.26, 2.0]}, columns)["disk_gib"].tolist()
    [1.3, 2.0]
    """
    data = {}
    for column in columns:
        if column.dtype == "date":
            data[column.name] = pd.to_datetime(pd.Series(values[column.name]))
        elif column.dtype == "text":
            data[column.name] = pd.Series(values[column.name]).astype(str)
        elif column.dtype == "int":
            data[column.name] = np.rint(np.asarray(values[column.name], dtype=float)).astype(
                np.int64
            )
        else:
            data[column.name] = np.round(
                np.asarray(values[column.name], dtype=float), column.decimals
            )
    return pd.DataFrame(data)


def dataset_named(registry: Mapping[str, Dataset], name: object) -> Dataset:
    """The data set registered as ``name``.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no data set has that name; the message lists the names there are.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a data set name (a string), got {name!r}")
    check_choice("name", name, registry)
    return registry[name]


def data_folder(folder: str | os.PathLike[str] | None = None) -> Path:
    """``folder`` as a path, or the course's ``data/`` folder when it is ``None``.

    Raises
    ------
    TypeError
        If ``folder`` is neither ``None`` nor a path.
    """
    if folder is None:
        return data_dir()
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path, got {folder!r}")
    return Path(folder)


def generate_dataset(dataset: Dataset) -> pd.DataFrame:
    """Run a data set's generator and check the frame against its columns.

    Parameters
    ----------
    dataset : Dataset
        The data set to generate.

    Returns
    -------
    pandas.DataFrame
        Typed and rounded as :func:`load_file` returns it from the CSV file.

    Raises
    ------
    ValueError
        If the generator breaks its own columns' rules; the message names
        ``generated <file name>``, the row and the column.
    """
    return validate_frame(dataset.generate(), dataset, source=f"generated {dataset.file_name}")


# ---------------------------------------------------------------------------
# Writing and verifying
# ---------------------------------------------------------------------------


def _csv_text(frame: pd.DataFrame, columns: Sequence[Column]) -> str:
    """The CSV text of a typed frame: fixed formats, ``\\n`` line ends, no index."""
    cells = {}
    for column in columns:
        values = frame[column.name]
        if column.dtype == "date":
            cells[column.name] = values.dt.strftime(_DATE_FORMAT)
        elif column.dtype == "text":
            cells[column.name] = values.astype(str)
        elif column.dtype == "int":
            cells[column.name] = values.astype(np.int64).astype(str)
        else:
            cells[column.name] = np.char.mod(f"%.{column.decimals}f", values.to_numpy(float))
    return pd.DataFrame(cells).to_csv(index=False, lineterminator="\n")


def _range_text(column: Column) -> str:
    if column.dtype == "date":
        return "YYYY-MM-DD"
    if column.dtype == "text":
        return ", ".join(f"`{value}`" for value in column.allowed) if column.allowed else "text"
    low = "" if column.minimum is None else f"{column.minimum:,.10g}"
    high = "" if column.maximum is None else f"{column.maximum:,.10g}"
    if not low and not high:
        return "any"
    return f"{low} to {high}" if low and high else (f">= {low}" if low else f"<= {high}")


def _readme_text(
    registry: Mapping[str, Dataset],
    row_counts: Mapping[str, int],
    measured: Mapping[str, str] | None = None,
    examples: Mapping[str, str] | None = None,
) -> str:
    """The data dictionary of every data set in ``registry``, then the ``measured`` files."""
    lines = [
        "# Data",
        "",
        "This file is generated from `src/infralab/datasets/`, where each data set has a",
        "module of its own, listed in the registry `DATASETS` in `__init__.py`; edit the",
        "data set's module there, not this file. Every CSV file here is simulated by a",
        "seeded function, so it can be rebuilt byte for byte:",
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
        "range and names the file, line and column of the first problem. Lines are counted",
        "as an editor shows them, the header being line 1; blank lines count, and so does",
        "every line of a quoted cell that spans lines. Loading a file here also checks it",
        f"against `{MANIFEST_NAME}` and prints a note once if it has changed.",
        "",
        "Files use UTF-8, a comma separator, `\\n` line ends, dates as `YYYY-MM-DD` and a",
        "point for decimals. Ranges are inclusive.",
    ]
    for name, dataset in registry.items():
        lines += [
            "",
            f"## `{dataset.file_name}`",
            "",
            f"Load with `infralab.datasets.load({name!r})`. {row_counts[name]:,} rows, "
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
    if measured:
        lines += [
            "",
            "## Measured files",
            "",
            "Measured on a machine, not simulated: they depend on the machine and the software",
            "that measured them, so `make data` never regenerates or overwrites them. Each is",
            f"listed in `{MANIFEST_NAME}` with its checksum: after a new measurement (its own",
            "`make measure-...` target), `make data` records the new checksum.",
        ]
        for file, text in measured.items():
            lines += ["", f"### `{file}`", "", text]
    if examples:
        lines += [
            "",
            "## Example files",
            "",
            "Neither simulated nor measured: files made by hand to show a format a learner",
            "brings their own data in. Like measured files, `make data` never regenerates or",
            f"overwrites them, and `{MANIFEST_NAME}` holds their checksums.",
        ]
        for file, text in examples.items():
            lines += ["", f"### `{file}`", "", text]
    return "\n".join(lines) + "\n"


def _expected_contents(
    registry: Mapping[str, Dataset],
    measured: Mapping[str, str] | None = None,
    examples: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """Every CSV file, then the data dictionary: file name to bytes."""
    for name, files in (("measured", measured), ("examples", examples)):
        if files is not None and not (
            isinstance(files, Mapping)
            and all(isinstance(key, str) and isinstance(text, str) for key, text in files.items())
        ):
            raise TypeError(
                f"{name} must be a mapping of file name to description (both text), "
                f"got {files!r}"
            )
    frames = {name: generate_dataset(dataset) for name, dataset in registry.items()}
    contents = {
        dataset.file_name: _csv_text(frames[name], dataset.columns).encode("utf-8")
        for name, dataset in registry.items()
    }
    row_counts = {name: len(frame) for name, frame in frames.items()}
    contents[README_NAME] = _readme_text(registry, row_counts, measured, examples).encode("utf-8")
    return contents


def write_files(
    registry: Mapping[str, Dataset],
    folder: str | os.PathLike[str] | None = None,
    measured: Mapping[str, str] | None = None,
    examples: Mapping[str, str] | None = None,
) -> list[Path]:
    """:func:`infralab.datasets.write_all` for any ``registry``.

    ``registry`` maps names to data sets, in the order the data dictionary lists them;
    ``measured`` and ``examples`` map the names of measured and example files (kept as
    they are, checksummed) to the paragraph that describes them.
    """
    target = data_folder(folder)
    target.mkdir(parents=True, exist_ok=True)
    contents = _expected_contents(registry, measured, examples)
    recorded = {
        file: (target / file).read_bytes()
        for file in {**(measured or {}), **(examples or {})}
        if (target / file).is_file()
    }
    listed = {**contents, **{file: data for file, data in recorded.items()}}
    contents[MANIFEST_NAME] = _checksums.manifest_text(listed).encode("utf-8")
    written = []
    for file, data in contents.items():
        path = target / file
        write_if_changed(path, data)  # unchanged files keep their modification time
        written.append(path)
    return written


def verify_files(
    registry: Mapping[str, Dataset],
    folder: str | os.PathLike[str] | None = None,
    measured: Mapping[str, str] | None = None,
    examples: Mapping[str, str] | None = None,
) -> list[str]:
    """:func:`infralab.datasets.verify` for any ``registry``: the data sets the folder must hold."""
    target = data_folder(folder)
    expected = _expected_contents(registry, measured, examples)
    measured = {**(measured or {}), **(examples or {})}
    problems = []
    manifest_path = target / MANIFEST_NAME
    if manifest_path.is_file():
        manifest, problems = _checksums.read_manifest(manifest_path)
    else:
        manifest = {}
        problems.append(f"{MANIFEST_NAME} is missing from {target}")
    for file in sorted(set(manifest) - set(expected) - set(measured or {})):
        problems.append(f"{MANIFEST_NAME} lists {file}, which is not a course data file")
    for file in (measured or {}) if manifest_path.is_file() else ():
        path = target / file
        if file not in manifest:
            if path.is_file():
                problems.append(f"{file} (measured) is not listed in {MANIFEST_NAME}")
        elif not path.is_file():
            problems.append(f"{file} (measured) is missing from {target}")
        elif manifest[file] != _checksums.sha256_hex(path.read_bytes()):
            problems.append(
                f"{file} (measured): checksum does not match {MANIFEST_NAME}; after a new "
                "measurement, run `make data` to record it"
            )
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
            elif manifest[file] != _checksums.sha256_hex(actual):
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


#: Where a cell is, in words: ``place(position, column name)`` gives ``"row 17"`` for a
#: table or ``"line 19"`` for a file, ``position`` counting rows of data from 0.
_Place = Callable[[int, str], str]


def _spreadsheet_row(position: int, column: str) -> str:
    """A table's row as a spreadsheet shows it: the header is row 1."""
    return f"row {position + 2}"


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
        columns as ``float64``, ``"text"`` columns as strings.

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame or ``dataset_or_columns`` holds no columns.
    ValueError
        On the first problem found. The message names the source, the row and
        the column: ``metrics row 17, column cpu_peak_pct: expected a number
        between 0 and 100, got 'abc'``. Rows are numbered as in a spreadsheet,
        the header being row 1, so row 17 is the 16th row of data (position 15
        of the frame). :func:`load_file` names the line of the file instead.

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
    return _validate(frame, dataset_or_columns, source, allow_extra_columns, _spreadsheet_row)


def _validate(
    frame: pd.DataFrame,
    dataset_or_columns: Dataset | Sequence[Column],
    source: str,
    allow_extra_columns: bool,
    place: _Place,
) -> pd.DataFrame:
    """:func:`validate_frame`, naming where a bad cell is with ``place``."""
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
    typed = {
        column.name: _check_column(frame[column.name], column, source, place)
        for column in columns
    }
    return pd.DataFrame(typed)


def _fail(source: str, place: str, column: Column, raw: object) -> ValueError:
    return ValueError(
        f"{source} {place}, column {column.name}: "
        f"expected {column.expectation()}, got {_describe_cell(raw)}"
    )


def _check_column(values: pd.Series, column: Column, source: str, place: _Place) -> pd.Series:
    raw = values.reset_index(drop=True)

    def fail(position: int) -> ValueError:
        return _fail(source, place(position, column.name), column, raw.iloc[position])

    if column.dtype == "date":
        if pd.api.types.is_datetime64_any_dtype(raw):
            parsed = raw
        else:
            text = raw.astype(object).where(raw.notna(), "").astype(str).str.strip()
            parsed = pd.to_datetime(text, format=_DATE_FORMAT, errors="coerce")
        bad = parsed.isna().to_numpy()
        if bad.any():
            position = int(np.argmax(bad))
            raise fail(position)
        result = parsed.astype("datetime64[us]")
        ordered = result.to_numpy()
    elif column.dtype == "text":
        text = raw.astype(object).where(raw.notna(), "").astype(str).str.strip()
        bad = (text == "").to_numpy(copy=True)
        if column.allowed:
            bad |= ~text.isin(column.allowed).to_numpy()
        if bad.any():
            position = int(np.argmax(bad))
            raise fail(position)
        result = text.astype(str)
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
            raise fail(position)
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
                f"{source} {place(position, column.name)}, column {column.name}: values must "
                f"increase with no repeats, but {_describe_cell(raw.iloc[position])} comes after "
                f"{_describe_cell(raw.iloc[position - 1])}"
            )
    return result.rename(column.name)


def load_file(path: str | os.PathLike[str], dataset: Dataset) -> pd.DataFrame:
    """Read a CSV file and check it against a data set's columns.

    When ``path`` is the course's own ``data/`` file of ``dataset``, it is first
    checked against ``data/MANIFEST.sha256``: if it has changed, one note on
    standard error says that the numbers will not match the lesson's text and
    how to get the course's file back, and loading goes on (see
    ``infralab.datasets._checksums`` for why a note and not a warning). Any
    other file, such as a learner's own, is not checked.

    Parameters
    ----------
    path : path-like
        The CSV file, in UTF-8.
    dataset : Dataset
        What the file must hold.

    Returns
    -------
    pandas.DataFrame
        The documented columns, typed (see :func:`validate_frame`).

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If the file is not UTF-8 or not CSV, or breaks the data set's columns;
        the message names the file, the line as an editor shows it (the header
        is line 1; blank lines and every line of a cell that spans lines count)
        and the column: ``postgres_metrics.csv line 17, column cpu_peak_pct:
        expected a number between 0 and 100, got 'abc'``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist; run `make data` to rebuild the course's data files"
        )
    _checksums.note_if_changed(path, dataset.file_name)
    cells = read_cells(path)

    def line(position: int, column: str) -> str:
        return f"line {cells.line_of(position, column)}"

    return _validate(cells.frame, dataset, path.name, False, line)


def load_course_or_own(
    dataset: Dataset, path: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Load the course's file of ``dataset``, or a learner's own file in its format.

    Parameters
    ----------
    dataset : Dataset
        What the file must hold.
    path : path-like, optional
        A CSV file with the data set's columns; the course's file in ``data/``
        by default.

    Returns
    -------
    pandas.DataFrame
        The documented columns, typed (see :func:`validate_frame`).

    Raises
    ------
    TypeError
        If ``path`` is not a path.
    FileNotFoundError, ValueError
        As :func:`load_file`.
    """
    if path is None:
        return load_file(data_folder() / dataset.file_name, dataset)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a path to a CSV file, got {path!r}")
    return load_file(Path(path), dataset)
