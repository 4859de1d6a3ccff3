"""The contract suite: what every column, however it was built, must do.

A contract is a behaviour a user relies on whatever the column type: an empty
cell exports as an empty cell, a value survives export and import (through the
platform's own CSV and Excel exports, written to real files, never as a
formula), dates export in one format (ISO 8601, ``YYYY-MM-DD``), sorting puts
values in order with empty cells last, a filter for a value's own text finds it
and no other value, and a role that is not among a column's viewers is not
shown it.

The contracts do not only use what a column declares about itself. To its
``examples`` they add generated values: for a number type, the next power of
ten above the largest example (``10`` beside ``2`` catches a sort by text),
when the type accepts it; for a type with ``limits``, both limits. To its
``bad_texts`` they add generated texts: for whole-number examples a fraction
(``"1.5"``) and, with ``limits``, the values just outside them (``"0"`` and
``"6"`` for a rating from 1 to 5).

:func:`run_contracts` runs every contract against one column (a
:class:`~infralab.platform.SharedColumn`, or a column a team wrote by hand)
and returns one row per contract with one friendly line saying what failed.
Any column type registered on the platform gets the shared parts right by
construction; its own few lines are what the contracts still judge.

Examples
--------
>>> from infralab.platform.columns import DATE
>>> from infralab.platform.capabilities import SharedColumn
>>> report = run_contracts(SharedColumn(DATE))
>>> bool(report["passed"].all()), len(report)
(True, 9)
"""

from __future__ import annotations

import datetime as dt
import numbers
import random
import re
import tempfile
from pathlib import Path

import pandas as pd

from infralab.validation import short_repr

from .capabilities import COLUMN_METHODS, Board, read_export

__all__ = ["CONTRACTS", "failed_contracts", "run_contracts"]

#: Each contract's name and what it promises, in the order they run.
CONTRACTS = {
    "empty_cells": "an empty cell exports as '' and reads back as empty",
    "export_is_text": "every value exports as text",
    "round_trip": "a value read back from its exported text is the same value",
    "spreadsheet_round_trip": (
        "the platform's CSV and .xlsx exports give back the exported text, never a formula"
    ),
    "dates_iso_8601": "dates export as YYYY-MM-DD, the same on every board",
    "sort_order": "sorting puts the examples in ascending order, empty cells last",
    "filter_finds_value": (
        "filtering by a value's text finds it, and neither another value nor an empty cell"
    ),
    "permissions": "a role not among a column's viewers may not see it",
    "refuses_bad_text": "reading a text that is not a value of the type raises ValueError",
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")
_OWNER, _GUEST = "owner", "guest"


def _show(value: object) -> str:
    return short_repr(value, 30)


def _empty_cells(column, examples):
    text = column.export_text(None)
    if text != "":
        return f"an empty cell exports as {_show(text)}, not ''"
    back = column.import_text("")
    if back is not None:
        return f"'' reads back as {_show(back)}, not as an empty cell"
    return ""


def _export_is_text(column, examples):
    for value in examples:
        text = column.export_text(value)
        if not isinstance(text, str):
            return f"{_show(value)} exports as {_show(text)} ({type(text).__name__}), not text"
    return ""


def _round_trip(column, examples):
    for value in examples:
        text = column.export_text(value)
        back = column.import_text(text)
        if back != value:
            return f"{_show(value)} exports as {_show(text)}, which reads back as {_show(back)}"
    return ""


def _spreadsheet_round_trip(column, examples):
    texts = [column.export_text(value) for value in examples]
    if not all(isinstance(text, str) for text in texts):
        return ""  # judged by export_is_text
    board = Board({"cell": column}, [{"cell": value} for value in examples])
    with tempfile.TemporaryDirectory() as folder:
        for kind, write, name in (("CSV", board.to_csv, "cells.csv"),
                                  (".xlsx", board.to_xlsx, "cells.xlsx")):
            path = write(Path(folder) / name, "owner")
            back = read_export(path)["cell"].tolist()
            if len(back) != len(texts):
                return (f"{len(texts)} values exported to {kind} come back as "
                        f"{len(back)} cells")
            for text, read in zip(texts, back, strict=True):
                if read != text:
                    return f"{_show(text)} comes back from {kind} as {_show(read)}"
            if kind == "CSV":
                raw = path.read_text(encoding="utf-8").splitlines()[1:]
                for line in raw:
                    if line.lstrip('"').startswith(("=", "@")):
                        return f"the CSV file holds {_show(line)}, which a spreadsheet runs"
    return ""


def _dates_iso_8601(column, examples):
    for value in examples:
        if isinstance(value, (dt.date, pd.Timestamp)):
            text = column.export_text(value)
            timed = isinstance(value, dt.datetime)
            pattern = _ISO_DATE_TIME if timed else _ISO_DATE
            if not isinstance(text, str) or not pattern.fullmatch(text):
                wanted = value.isoformat() if timed else f"{value:%Y-%m-%d}"
                return f"the date {value} exports as {_show(text)}, not as {wanted}"
    return ""


def _listed(values: list) -> str:
    shown = ", ".join("(empty)" if value is None else str(value) for value in values)
    return shown if len(shown) <= 70 else shown[:67] + "..."


def _sort_order(column, examples):
    shuffled = [None, *examples[::-1]]
    random.Random(0).shuffle(shuffled)
    ordered = sorted(shuffled, key=column.sort_key)
    expected = [*examples, None]
    if ordered != expected:
        return f"sorting gives {_listed(ordered)}; expected {_listed(expected)}"
    return ""


def _filter_finds_value(column, examples):
    for value in examples:
        text = column.export_text(value)
        if not column.matches(value, text):
            return f"filtering by {_show(text)} does not find {_show(value)}"
        if column.matches(None, text):
            return f"filtering by {_show(text)} finds an empty cell"
        for other in examples:
            if other != value and column.matches(other, text):
                return f"filtering by {_show(text)} also finds {_show(other)}"
    return ""


def _permissions(column, examples):
    owners = frozenset({_OWNER})
    if column.may_view(_GUEST, owners):
        return f"a {_GUEST!r} sees a column only {_OWNER!r} may view"
    if not column.may_view(_OWNER, owners):
        return f"the {_OWNER!r} cannot see a column they may view"
    if not column.may_view(_GUEST, None):
        return "a public column is hidden from a guest"
    return ""


def _refuses_bad_text(column, examples):
    for text in _bad_texts(column, examples):
        try:
            value = column.import_text(text)
        except ValueError:
            continue
        return f"{_show(text)} is read as {_show(value)} instead of being refused"
    return ""


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _accepts(column, value) -> bool:
    try:
        return bool(column.import_text(column.export_text(value)) == value)
    except Exception:  # a value the type does not take is not one of its values
        return False


def _limits(column):
    limits = getattr(column, "limits", None)
    if limits is None:
        limits = getattr(getattr(column, "column_type", None), "limits", None)
    return limits


def _generated_values(column, examples) -> list:
    """Values to add to the declared examples: limits, and a multi-digit number."""
    extra = []
    limits = _limits(column)
    if limits is not None:
        extra.extend(limits)
    if all(_is_number(value) for value in examples):
        top = max(abs(value) for value in examples)
        power = 10 ** (len(str(int(top))))  # 10 above 2, 100 above 99
        candidate = type(examples[-1])(power)
        inside = limits is None or limits[0] <= candidate <= limits[1]
        if inside and _accepts(column, candidate):
            extra.append(candidate)
    return [value for value in extra if value not in examples]


def _all_values(column, examples) -> list:
    extra = _generated_values(column, examples)
    if not extra:
        return list(examples)
    if all(_is_number(value) for value in [*examples, *extra]):
        return sorted([*examples, *extra])
    low, high = _limits(column)  # only limits are generated for a type that is not a number
    return [*([low] if low in extra else []), *examples, *([high] if high in extra else [])]


def _bad_texts(column, examples) -> list[str]:
    """The declared bad texts plus generated ones: a fraction, values just outside the limits."""
    texts = list(getattr(column, "bad_texts", ()))
    if all(isinstance(value, int) and not isinstance(value, bool) for value in examples):
        texts.append(f"{examples[0]}.5")
    limits = _limits(column)
    if limits is not None and all(_is_number(limit) for limit in limits):
        step = 1 if all(isinstance(limit, int) for limit in limits) else abs(limits[1]) * 0.01 or 1
        texts.extend(column.export_text(limit) for limit in (limits[0] - step, limits[1] + step))
    elif limits is not None and all(isinstance(limit, dt.date) for limit in limits):
        day = dt.timedelta(days=1)
        texts.extend(column.export_text(limit) for limit in (limits[0] - day, limits[1] + day))
    return list(dict.fromkeys(texts))


_RUNNERS = {
    "empty_cells": _empty_cells,
    "export_is_text": _export_is_text,
    "round_trip": _round_trip,
    "spreadsheet_round_trip": _spreadsheet_round_trip,
    "dates_iso_8601": _dates_iso_8601,
    "sort_order": _sort_order,
    "filter_finds_value": _filter_finds_value,
    "permissions": _permissions,
    "refuses_bad_text": _refuses_bad_text,
}


def run_contracts(column: object, examples: object = None) -> pd.DataFrame:
    """Run every contract on ``column``: one row each, ``passed`` and a friendly ``message``.

    Parameters
    ----------
    column : object
        A column: anything with ``export_text``, ``import_text``, ``sort_key``,
        ``matches`` and ``may_view`` (a :class:`SharedColumn`, or a team's own).
    examples : sequence, optional
        Values in ascending order, none empty; default the column's ``examples``.
        Generated values are added to them, and generated texts to the column's
        ``bad_texts`` (see the module's notes).

    Returns
    -------
    pandas.DataFrame
        Columns ``contract``, ``passed``, ``message`` ("" when passed; a contract
        that raises fails with the error in its message).

    Examples
    --------
    >>> from infralab.platform.columns import ColumnType
    >>> from infralab.platform.capabilities import SharedColumn
    >>> stars = ColumnType("stars", to_text=lambda n: "*" * n, from_text=int, examples=(1, 2))
    >>> report = run_contracts(SharedColumn(stars))
    >>> failed_contracts(report)
    ['round_trip']
    >>> print(report["message"][2][:60])
    round_trip: raised ValueError: invalid literal for int() wit

    A rating that reads any whole number passes its own bad texts, not the
    generated ones just outside its limits:

    >>> rating = ColumnType("rating", to_text=str, from_text=int, examples=(1, 2, 3, 4, 5),
    ...                     bad_texts=("many",), limits=(1, 5))
    >>> print(run_contracts(SharedColumn(rating))["message"].iloc[-1][:34])
    refuses_bad_text: '0' is read as 0
    """
    missing = [name for name in COLUMN_METHODS if not callable(getattr(column, name, None))]
    if missing:
        raise TypeError(f"column must have the methods of a column; it lacks {', '.join(missing)}")
    if examples is None:
        examples = getattr(column, "examples", None)
    if isinstance(examples, (str, bytes)) or not isinstance(examples, (list, tuple)):
        raise TypeError(f"examples must be a list of values, got {short_repr(examples, 40)}")
    examples = list(examples)
    if len(examples) < 2 or any(value is None for value in examples):
        raise ValueError(f"examples must hold at least two values (no None), got {examples!r}")
    try:
        values = _all_values(column, examples)
    except Exception:  # examples the generator cannot extend: judge the declared ones
        values = examples
    rows = []
    for name, runner in _RUNNERS.items():
        try:
            problem = runner(column, values)
        except Exception as error:  # a contract that raises is a failed contract
            detail = " ".join(str(error).split())[:80]
            problem = f"raised {type(error).__name__}: {detail}" if detail else (
                f"raised {type(error).__name__}"
            )
        if not problem:
            rows.append((name, True, ""))
        else:
            rows.append((name, False, f"{name}: {problem} ({CONTRACTS[name]})."))
    return pd.DataFrame(rows, columns=["contract", "passed", "message"])


def failed_contracts(report: pd.DataFrame) -> list[str]:
    """The names of the contracts a :func:`run_contracts` report failed, in order.

    Examples
    --------
    >>> failed_contracts(pd.DataFrame({"contract": ["a", "b"], "passed": [True, False],
    ...                                "message": ["", "b: ..."]}))
    ['b']
    """
    if not isinstance(report, pd.DataFrame) or not {"contract", "passed"} <= set(report.columns):
        raise TypeError(f"report must be a run_contracts table, got {short_repr(report, 40)}")
    return report.loc[~report["passed"].astype(bool), "contract"].tolist()
