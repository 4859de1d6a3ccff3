"""The contract suite: what every column, however it was built, must do.

A contract is a behaviour a user relies on whatever the column type: an empty
cell exports as an empty cell, a value survives export and import (through a
real CSV file and a real Excel workbook), dates export in one format (ISO 8601,
``YYYY-MM-DD``), sorting puts values in order with empty cells last, a filter
for a value's own text finds it, and a role that is not among a column's
viewers is not shown it.

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
import io
import random
import re

import pandas as pd

from infralab.validation import short_repr

__all__ = ["CONTRACTS", "failed_contracts", "run_contracts"]

#: Each contract's name and what it promises, in the order they run.
CONTRACTS = {
    "empty_cells": "an empty cell exports as '' and reads back as empty",
    "export_is_text": "every value exports as text",
    "round_trip": "a value read back from its exported text is the same value",
    "spreadsheet_round_trip": "exported text comes back unchanged from CSV and from .xlsx",
    "dates_iso_8601": "dates export as YYYY-MM-DD, the same on every board",
    "sort_order": "sorting puts the examples in ascending order, empty cells last",
    "filter_finds_value": "filtering by a value's text finds it, and never an empty cell",
    "permissions": "a role not among a column's viewers may not see it",
    "refuses_bad_text": "reading a text that is not a value of the type raises ValueError",
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
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
    texts = [str(column.export_text(value)) for value in examples]
    table = pd.DataFrame({"cell": texts}, dtype=object)
    csv = io.StringIO()
    table.to_csv(csv, index=False)
    csv.seek(0)
    workbook = io.BytesIO()
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        table.to_excel(writer, index=False)
    workbook.seek(0)
    for kind, back in (
        ("CSV", pd.read_csv(csv, dtype=str, keep_default_na=False)),
        (".xlsx", pd.read_excel(workbook, dtype=str, keep_default_na=False, engine="openpyxl")),
    ):
        for text, read in zip(texts, back["cell"].tolist(), strict=True):
            if read != text:
                return f"{_show(text)} comes back from {kind} as {_show(read)}"
    return ""


def _dates_iso_8601(column, examples):
    for value in examples:
        if isinstance(value, (dt.date, pd.Timestamp)):
            text = column.export_text(value)
            if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
                return f"the date {value} exports as {_show(text)}, not as {value:%Y-%m-%d}"
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
    for text in getattr(column, "bad_texts", ()):
        try:
            value = column.import_text(text)
        except ValueError:
            continue
        return f"{_show(text)} is read as {_show(value)} instead of being refused"
    return ""


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
        The texts it must refuse are the column's ``bad_texts`` (none if it has none).

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
    """
    missing = [
        name
        for name in ("export_text", "import_text", "sort_key", "matches", "may_view")
        if not callable(getattr(column, name, None))
    ]
    if missing:
        raise TypeError(f"column must have the methods of a column; it lacks {', '.join(missing)}")
    if examples is None:
        examples = getattr(column, "examples", None)
    if isinstance(examples, (str, bytes)) or not isinstance(examples, (list, tuple)):
        raise TypeError(f"examples must be a list of values, got {short_repr(examples, 40)}")
    examples = list(examples)
    if len(examples) < 2 or any(value is None for value in examples):
        raise ValueError(f"examples must hold at least two values (no None), got {examples!r}")
    rows = []
    for name, runner in _RUNNERS.items():
        try:
            problem = runner(column, examples)
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
