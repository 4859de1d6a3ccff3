"""The capabilities every column type gets from the platform, written once.

:class:`SharedColumn` turns a :class:`~infralab.platform.ColumnType` (only its
unique logic) into a full column: empty cells, export text, filtering, sorting
with empty cells last and permission checks. :class:`Board` is a table of
items whose columns are such objects; its filter, sort, permission and export
methods ask each column, so a column that brings its own (copy-per-team)
implementation behaves as its own code says, holes included.

Exports are real files: :meth:`Board.to_csv` and :meth:`Board.to_xlsx` (an
Excel workbook written with openpyxl, pandas' Excel engine) refuse to replace a
file that exists, and :func:`read_export` reads either back with pandas, as
text, so a test can compare what a spreadsheet user would see.

Examples
--------
>>> from infralab.platform.columns import DATE, TEXT
>>> import datetime as dt
>>> board = Board(
...     {"Task": SharedColumn(TEXT), "Due": SharedColumn(DATE)},
...     [{"Task": "Ship", "Due": dt.date(2026, 3, 1)}, {"Task": "Plan", "Due": None}],
...     viewers={"Due": {"owner"}},
... )
>>> board.export("owner").to_dict("list")
{'Task': ['Ship', 'Plan'], 'Due': ['2026-03-01', '']}
>>> board.export("guest").to_dict("list")
{'Task': ['Ship', 'Plan']}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from infralab.validation import check_flag, check_text, short_repr

from .columns import ColumnType

__all__ = ["Board", "SharedColumn", "read_export"]

#: The methods a column must have for a board to use it.
COLUMN_METHODS = ("export_text", "import_text", "sort_key", "matches", "may_view")


@dataclass(frozen=True)
class SharedColumn:
    """A column type plus the platform's shared capabilities.

    Parameters
    ----------
    column_type : ColumnType

    Examples
    --------
    >>> from infralab.platform.columns import NUMBER
    >>> column = SharedColumn(NUMBER)
    >>> column.export_text(2.5), column.export_text(None), column.import_text("")
    ('2.5', '', None)
    >>> sorted([None, 3.0, -1.0], key=column.sort_key)
    [-1.0, 3.0, None]
    >>> column.matches(2.5, "2.5"), column.matches(14000.0, "4000"), column.matches(4000.0, "4000")
    (True, False, True)
    >>> column.may_view("guest", frozenset({"owner"}))
    False
    """

    column_type: ColumnType

    def __post_init__(self) -> None:
        if not isinstance(self.column_type, ColumnType):
            raise TypeError(
                f"column_type must be a ColumnType, got {short_repr(self.column_type, 40)}"
            )

    @property
    def name(self) -> str:
        """The column type's name."""
        return self.column_type.name

    @property
    def examples(self) -> tuple:
        """The column type's example values, ascending."""
        return self.column_type.examples

    @property
    def bad_texts(self) -> tuple:
        """Texts the column type must refuse."""
        return self.column_type.bad_texts

    def export_text(self, value: object) -> str:
        """The text a spreadsheet gets: ``""`` for an empty cell, else the type's ``to_text``."""
        if value is None:
            return ""
        text = self.column_type.to_text(value)
        if not isinstance(text, str):
            raise TypeError(
                f"{self.name}.to_text must return text, got {short_repr(text, 40)} for {value!r}"
            )
        return text

    def import_text(self, text: object) -> object:
        """The value of a cell read back: None for an empty cell, else the type's ``from_text``."""
        if text is None or text == "" or (isinstance(text, float) and math.isnan(text)):
            return None
        if not isinstance(text, str):
            raise TypeError(f"text must be text or empty, got {short_repr(text, 40)}")
        return self.column_type.from_text(text)

    def sort_key(self, value: object) -> tuple:
        """Empty cells after every value, whichever way the board is sorted."""
        if value is None:
            return (1, 0)
        return (0, self.column_type.sort_key(value))

    def matches(self, value: object, query: str) -> bool:
        """Filter: an empty query keeps everything, and never finds an empty cell.

        A text value matches when it contains the query (any case). Any other
        value (a number, a date) must match as a whole: its text equals the
        query (any case), or the query reads as an equal value, so ``"4000"``
        finds 4000.0 but not 14000.0.
        """
        check = query if isinstance(query, str) else check_text("query", query)
        if not check:
            return True
        if value is None:
            return False
        text = self.export_text(value).casefold()
        if isinstance(value, str):
            return check.casefold() in text
        if check.strip().casefold() == text:
            return True
        try:
            return bool(self.column_type.from_text(check.strip()) == value)
        except (ValueError, TypeError, ArithmeticError):
            return False

    def may_view(self, role: str, viewers: frozenset[str] | None) -> bool:
        """Permissions: everyone when ``viewers`` is None, else only the roles listed."""
        return viewers is None or role in viewers


def _check_column(title: str, column: object) -> None:
    missing = [name for name in COLUMN_METHODS if not callable(getattr(column, name, None))]
    if missing:
        raise TypeError(
            f"columns[{title!r}] must have the methods {', '.join(COLUMN_METHODS)}; "
            f"{short_repr(column, 40)} lacks {', '.join(missing)}"
        )


class Board:
    """Items in rows, one value per column, with shared filter, sort, permissions and export.

    Parameters
    ----------
    columns : mapping of str to column
        Column title -> a :class:`SharedColumn` (or any object with its methods).
    rows : sequence of mapping
        One mapping per item, column title -> value (a missing title is an empty cell).
    viewers : mapping of str to set of str, optional
        Column title -> the roles that may see it; columns not listed are public.

    Examples
    --------
    >>> from infralab.platform.columns import NUMBER
    >>> board = Board({"Points": SharedColumn(NUMBER)}, [{"Points": 3.0}, {"Points": 1.0}, {}])
    >>> [row.get("Points") for row in board.sort("Points", "anyone").rows]
    [1.0, 3.0, None]
    """

    def __init__(
        self,
        columns: Mapping[str, object],
        rows: Sequence[Mapping[str, object]],
        viewers: Mapping[str, object] | None = None,
    ) -> None:
        if not isinstance(columns, Mapping) or not columns:
            raise TypeError(f"columns must be a non-empty mapping, got {short_repr(columns, 40)}")
        for title, column in columns.items():
            check_text("columns' titles", title)
            _check_column(title, column)
        if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Sequence):
            raise TypeError(f"rows must be a list of mappings, got {short_repr(rows, 40)}")
        for row in rows:
            if not isinstance(row, Mapping):
                raise TypeError(f"rows must be a list of mappings, got a row {short_repr(row, 40)}")
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"rows hold values for unknown columns {sorted(unknown)}")
        viewers = {} if viewers is None else viewers
        if not isinstance(viewers, Mapping):
            raise TypeError(f"viewers must be a mapping, got {short_repr(viewers, 40)}")
        checked = {}
        for title, roles in viewers.items():
            if title not in columns:
                raise ValueError(f"viewers names an unknown column {title!r}")
            if isinstance(roles, str) or not all(isinstance(role, str) for role in roles):
                raise TypeError(f"viewers[{title!r}] must be a set of roles, got {roles!r}")
            checked[title] = frozenset(roles)
        self.columns = dict(columns)
        self.rows = tuple(dict(row) for row in rows)
        self.viewers = checked

    def __repr__(self) -> str:
        return f"Board({len(self.rows)} rows; columns {', '.join(self.columns)})"

    def __len__(self) -> int:
        return len(self.rows)

    def _viewable(self, column: str, role: str) -> bool:
        check_text("role", role)
        if column not in self.columns:
            raise KeyError(f"column {column!r} is not on this board; columns: {list(self.columns)}")
        return bool(self.columns[column].may_view(role, self.viewers.get(column)))

    def _with_rows(self, rows: Sequence[Mapping[str, object]]) -> Board:
        return Board(self.columns, rows, self.viewers)

    def visible_columns(self, role: str) -> list[str]:
        """The columns ``role`` may see, in board order."""
        check_text("role", role)
        return [title for title in self.columns if self._viewable(title, role)]

    def filter(self, column: str, query: str, role: str) -> Board:
        """The rows whose ``column`` matches ``query``; refused for a column ``role`` cannot see."""
        check_text("column", column)
        if not isinstance(query, str):
            raise TypeError(f"query must be text, got {short_repr(query, 40)}")
        if not self._viewable(column, role):
            raise PermissionError(f"role {role!r} may not see column {column!r}")
        kept = [row for row in self.rows if self.columns[column].matches(row.get(column), query)]
        return self._with_rows(kept)

    def sort(self, column: str, role: str, descending: bool = False) -> Board:
        """Rows sorted by ``column`` (stable; empty cells last either way)."""
        check_text("column", column)
        descending = check_flag("descending", descending)
        if not self._viewable(column, role):
            raise PermissionError(f"role {role!r} may not sort by column {column!r}")
        key = self.columns[column].sort_key
        filled = [row for row in self.rows if row.get(column) is not None]
        empty = [row for row in self.rows if row.get(column) is None]
        ordered = sorted(filled, key=lambda row: key(row.get(column)), reverse=descending)
        return self._with_rows(ordered + empty)

    def export(self, role: str) -> pd.DataFrame:
        """The table ``role`` may see, every cell as the text its column exports."""
        titles = self.visible_columns(role)
        table = {
            title: [self.columns[title].export_text(row.get(title)) for row in self.rows]
            for title in titles
        }
        return pd.DataFrame(table, columns=titles, dtype=str)

    def to_csv(self, path: str | Path, role: str) -> Path:
        """Write :meth:`export` to a new CSV file (UTF-8); an existing file is never replaced.

        A cell (or title) a spreadsheet would run as a formula, text starting with
        ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (but not a number
        such as ``-1.5``), is written with a leading ``'`` so it opens as text;
        a text that starts with ``'`` gets one more. :func:`read_export` removes it.
        """
        path = _new_file(path, ".csv")
        table = self.export(role)
        safe = table.map(_csv_safe)
        safe.columns = [_csv_safe(title) for title in table.columns]
        safe.to_csv(path, index=False, encoding="utf-8")
        return path

    def to_xlsx(self, path: str | Path, role: str) -> Path:
        """Write :meth:`export` to a new Excel workbook with openpyxl; never replaces a file."""
        path = _new_file(path, ".xlsx")
        table = self.export(role)
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            table.to_excel(writer, index=False, sheet_name="Board")
            for row in writer.sheets["Board"].iter_rows(min_row=1):
                for cell in row:  # every cell, titles too, is text: "=1+1" is not a formula
                    if cell.value is not None:
                        cell.value = str(cell.value)
                        cell.data_type = "s"
        return path


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_safe(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would run it as a formula."""
    if text.startswith("'") or (text.startswith(_FORMULA_STARTS) and not _is_number(text)):
        return "'" + text
    return text


def _csv_unsafe(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _new_file(path: object, suffix: str) -> Path:
    if not isinstance(path, (str, Path)) or (isinstance(path, str) and not path.strip()):
        raise TypeError(f"path must be a file path, got {short_repr(path, 40)}")
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise ValueError(f"path must end in {suffix}, got {str(path)!r}")
    if path.exists():
        raise FileExistsError(f"path {str(path)!r} exists already: choose a new name")
    if not path.parent.is_dir():
        raise ValueError(f"path {str(path)!r} is in a folder that does not exist")
    return path


def read_export(path: str | Path) -> pd.DataFrame:
    """Read a CSV or .xlsx export back with pandas, every cell as text (empty cells as "").

    Read as text, ``007`` stays ``007`` and ``=1+1`` stays a text (the workbook
    marks every cell as text, so no spreadsheet runs it as a formula, and a
    spreadsheet cannot add up a column of them either: convert before summing).
    The ``'`` that :meth:`Board.to_csv` puts before a formula-like cell is
    removed again. A row whose cells are all empty does not come back from a
    workbook: Excel stores no such row.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from infralab.platform.columns import TEXT
    >>> board = Board({"Task": SharedColumn(TEXT)}, [{"Task": "=1+1"}, {"Task": "007"}])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = board.to_xlsx(pathlib.Path(folder) / "board.xlsx", "owner")
    ...     read_export(written)["Task"].tolist()
    ['=1+1', '007']
    """
    if not isinstance(path, (str, Path)) or (isinstance(path, str) and not path.strip()):
        raise TypeError(f"path must be a file path, got {short_repr(path, 40)}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"path must end in .csv or .xlsx, got {str(path)!r}")
    if not path.is_file():
        raise FileNotFoundError(f"path {str(path)!r} does not exist")
    if suffix == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        table = table.map(_csv_unsafe)
        table.columns = [_csv_unsafe(title) for title in table.columns]
        return table
    return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
