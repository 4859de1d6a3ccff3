"""What a column type is, and the registry that holds them.

A *column type* is only the logic that is unique to it: how a value becomes
text (``to_text``), how text becomes a value again (``from_text``), how values
sort (``sort_key``), a few example values in ascending order (``examples``)
and, optionally, texts it must refuse (``bad_texts``) and the smallest and
largest value it allows (``limits``). Everything else (empty
cells, filtering, sorting with empty cells last, permissions, export to CSV and
Excel) is written once, in :mod:`infralab.platform.capabilities`, and works for
every registered type. That is the whole idea of the platform: adding a column
type is a few lines.

Examples
--------
>>> def stars(text):
...     value = int(text)
...     if not 1 <= value <= 5:
...         raise ValueError(f"a rating is 1 to 5, got {text!r}")
...     return value
>>> rating = ColumnType("rating", to_text=str, from_text=stars, examples=(1, 2, 3, 4, 5),
...                     limits=(1, 5))
>>> registry = standard_registry()
>>> registry.register(rating)
>>> registry.names()
('text', 'number', 'date', 'status', 'rating')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from infralab.validation import check_flag, check_text, short_repr

__all__ = ["DATE", "NUMBER", "STATUS", "TEXT", "ColumnType", "Registry", "standard_registry"]


def _itself(value: object) -> object:
    return value


@dataclass(frozen=True)
class ColumnType:
    """The unique logic of one kind of column; the platform supplies the rest.

    Parameters
    ----------
    name : str
        The type's name in the registry (``"rating"``).
    to_text : callable
        ``to_text(value) -> str``: the value as a spreadsheet or a search box sees it.
    from_text : callable
        ``from_text(text) -> value``, the inverse of ``to_text``; raises
        ``ValueError`` for text that is not a value of this type.
    examples : tuple
        At least two distinct values, in ascending order (the contracts use them).
    sort_key : callable, optional
        ``sort_key(value)``: what values sort by (default: the value itself).
    bad_texts : tuple of str, optional
        Texts ``from_text`` must refuse (the contracts check it does, and add
        texts of their own: see :func:`~infralab.platform.run_contracts`).
    limits : tuple, optional
        ``(low, high)``, the smallest and largest value of a bounded type (a
        rating from 1 to 5). The contracts then also check that both round-trip
        and that the values just outside them are refused.

    Examples
    --------
    >>> ColumnType("rating", to_text=str, from_text=int, examples=(1, 2, 3)).from_text("2")
    2
    """

    name: str
    to_text: Callable[[object], str]
    from_text: Callable[[str], object]
    examples: tuple
    sort_key: Callable[[object], object] = _itself
    bad_texts: tuple = ()
    limits: tuple | None = None

    def __post_init__(self) -> None:
        check_text("name", self.name)
        for field in ("to_text", "from_text", "sort_key"):
            if not callable(getattr(self, field)):
                raise TypeError(
                    f"{field} must be a function, got {short_repr(getattr(self, field), 40)}"
                )
        for field in ("examples", "bad_texts"):
            value = getattr(self, field)
            if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
                raise TypeError(f"{field} must be a tuple, got {short_repr(value, 40)}")
            object.__setattr__(self, field, tuple(value))
        if len(self.examples) < 2 or any(value is None for value in self.examples):
            raise ValueError(
                f"examples must hold at least two values (no None), got {self.examples!r}"
            )
        if not all(isinstance(text, str) for text in self.bad_texts):
            raise TypeError(f"bad_texts must be texts, got {self.bad_texts!r}")
        if self.limits is not None:
            if isinstance(self.limits, (str, bytes)) or not isinstance(self.limits, (tuple, list)) \
                    or len(self.limits) != 2 or None in self.limits:
                raise TypeError(f"limits must be a pair (low, high), got {self.limits!r}")
            low, high = self.limits
            try:
                ordered = low <= high
            except TypeError:
                ordered = False
            if not ordered:
                raise ValueError(
                    f"limits must be (low, high) with low <= high, got {self.limits!r}"
                )
            object.__setattr__(self, "limits", (low, high))


class Registry:
    """The column types a platform knows, by name.

    Examples
    --------
    >>> registry = Registry()
    >>> registry.register(TEXT)
    >>> registry.get("text") is TEXT, "text" in registry, len(registry)
    (True, True, 1)
    """

    def __init__(self) -> None:
        self._types: dict[str, ColumnType] = {}

    def register(
        self, column_type: ColumnType, *, replace: bool = False, verify: bool = True
    ) -> None:
        """Add ``column_type``; a name already taken is refused unless ``replace=True``.

        With ``verify=True`` (the default) the type must first pass the contract
        suite (:func:`~infralab.platform.run_contracts`); a type that fails is
        refused with a ``ValueError`` listing each failed contract, one line each.
        """
        if not isinstance(column_type, ColumnType):
            raise TypeError(
                f"column_type must be a ColumnType, got {short_repr(column_type, 40)}"
            )
        replace = check_flag("replace", replace)
        verify = check_flag("verify", verify)
        if verify:
            from .capabilities import SharedColumn  # here: they import this module
            from .contracts import run_contracts

            report = run_contracts(SharedColumn(column_type))
            problems = report.loc[~report["passed"], "message"].tolist()
            if problems:
                raise ValueError(
                    f"column_type {column_type.name!r} fails the contract suite:\n"
                    + "\n".join(problems)
                )
        if column_type.name in self._types and not replace:
            raise ValueError(
                f"column_type {column_type.name!r} is already registered; "
                "pass replace=True to replace it"
            )
        self._types[column_type.name] = column_type

    def get(self, name: str) -> ColumnType:
        """The column type called ``name``; a KeyError lists the known names."""
        check_text("name", name)
        if name not in self._types:
            raise KeyError(f"name {name!r} is not a registered column type; known: {self.names()}")
        return self._types[name]

    def names(self) -> tuple[str, ...]:
        """The registered names, in the order they were added."""
        return tuple(self._types)

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __len__(self) -> int:
        return len(self._types)

    def __repr__(self) -> str:
        return f"Registry({', '.join(self._types)})"


def _number_text(value: float) -> str:
    return repr(float(value))


_STATUS_ORDER = ("Stuck", "Working on it", "Done")


def _status(text: str) -> str:
    if text not in _STATUS_ORDER:
        raise ValueError(f"a status is one of {_STATUS_ORDER}, got {text!r}")
    return text


#: Free text, sorted ignoring case.
TEXT = ColumnType("text", to_text=str, from_text=str, examples=("apple", "Banana", "cherry"),
                  sort_key=str.casefold)
#: A number, written so that reading it back gives the same float.
NUMBER = ColumnType("number", to_text=_number_text, from_text=float,
                    examples=(-1.5, 0.0, 2.0, 10.0, 1e6), bad_texts=("ten", "1,5"))
#: A calendar date, exported as ISO 8601 (YYYY-MM-DD): one format for every board.
DATE = ColumnType("date", to_text=dt.date.isoformat, from_text=dt.date.fromisoformat,
                  examples=(dt.date(2025, 12, 31), dt.date(2026, 1, 2), dt.date(2026, 11, 3)),
                  bad_texts=("31/12/2025", "tomorrow"))
#: A status label, sorted by progress rather than alphabetically.
STATUS = ColumnType("status", to_text=str, from_text=_status, examples=_STATUS_ORDER,
                    sort_key=_STATUS_ORDER.index, bad_texts=("Finished",))


def standard_registry() -> Registry:
    """A new registry holding the built-in types: text, number, date and status.

    Examples
    --------
    >>> standard_registry().names()
    ('text', 'number', 'date', 'status')
    """
    registry = Registry()
    for column_type in (TEXT, NUMBER, DATE, STATUS):
        registry.register(column_type)
    return registry
