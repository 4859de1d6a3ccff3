"""How a self-check compares an answer with the expected one: the comparators.

A :class:`Comparator` decides whether a learner's answer matches the expected
one and shows a value the way a learner would write it; it never raises. The
comparators here cover numbers (:class:`Number`, :class:`NumberArray`,
:class:`NumberMap`), dates (:class:`Day`), texts (:class:`Text`,
:class:`TextSet`), tuples (:class:`TupleOf`) and "anything" (:class:`Anything`).
:func:`is_nothing` and :func:`to_timestamp` are the value helpers they share.
They are re-exported by :mod:`infralab.checks.core`.

"Never raises" covers whatever a learner's answer does when it is looked at:
an ``==``, ``len()``, ``iter()``, ``__array__`` or even ``__class__`` that
raises, ``SystemExit`` or a learner's own ``BaseException`` included, makes the
answer simply not match. Only a ``KeyboardInterrupt`` goes through: it is the
notebook's Interrupt button (or the check's time limit, see
:mod:`infralab.checks.tasks`), and the check stops with one line.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from infralab.validation import short_repr

__all__ = [
    "Anything",
    "Comparator",
    "Day",
    "Number",
    "NumberArray",
    "NumberMap",
    "Text",
    "TextSet",
    "TupleOf",
    "is_nothing",
    "to_timestamp",
]


# --------------------------------------------------------------------------- text helpers


def _one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) to one space."""
    return " ".join(str(text).split())


# --------------------------------------------------------------------------- values


def is_nothing(value: object) -> bool:
    """True for ``None``, a float NaN, ``pd.NaT`` or a NaT ``numpy.datetime64``.

    Examples
    --------
    >>> is_nothing(None), is_nothing(float("nan")), is_nothing(0)
    (True, True, False)
    """
    try:
        if value is None or value is pd.NaT:
            return True
        if isinstance(value, float):
            return math.isnan(value)
        if isinstance(value, np.datetime64):
            return bool(np.isnat(value))
    except KeyboardInterrupt:
        raise
    except BaseException:  # an answer whose __class__ or __float__ raises is not "nothing"
        return False
    return False


def to_timestamp(value: object) -> pd.Timestamp | None:
    """Return a date-like value as a ``pd.Timestamp``, or ``None`` if it is not one.

    Accepts a ``pd.Timestamp``, ``datetime.date``/``datetime.datetime``,
    ``numpy.datetime64`` or a date string such as ``"2022-06-30"``. Numbers are
    not dates and give ``None``. Never raises.

    Examples
    --------
    >>> to_timestamp("2022-06-30")
    Timestamp('2022-06-30 00:00:00')
    >>> to_timestamp(42) is None
    True
    """
    try:
        if not isinstance(value, (pd.Timestamp, _dt.date, np.datetime64, str)):
            return None
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            return None
        return stamp
    except KeyboardInterrupt:
        raise
    except BaseException:  # unparsable text, out-of-range dates, a hostile answer...
        return None


# --------------------------------------------------------------------------- comparators


@dataclass(frozen=True)
class Comparator:
    """Decides whether an answer matches the expected one; never raises.

    Subclasses say which answers have the right *kind* (:meth:`accepts`), when
    two answers are the same (``_same``) and how to show one (``_format``).
    An expected value of ``None`` matches only "nothing" (see :func:`is_nothing`).
    """

    describe: ClassVar[str] = "a value"

    def accepts(self, got: object) -> bool:
        """True if ``got`` is the right kind of answer (a number, a date...)."""
        return True

    def __call__(self, expected: object, got: object) -> bool:
        try:
            if expected is None:
                return is_nothing(got)
            return bool(self.accepts(got) and self._same(expected, got))
        except KeyboardInterrupt:
            raise
        except BaseException:
            return False

    def format(self, value: object) -> str:
        """Show ``value`` the way a learner would write it; never raises."""
        if value is None:
            return "None"
        try:
            return self._format(value)
        except KeyboardInterrupt:
            raise
        except BaseException:
            return short_repr(value, 40)

    def _same(self, expected: object, got: object) -> bool:
        return bool(expected == got)

    def _format(self, value: object) -> str:
        return short_repr(value, 40)


def _is_real_number(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, numbers.Real)


@dataclass(frozen=True)
class Number(Comparator):
    """A real number within ``rel_tol`` (relative) or ``abs_tol`` (absolute).

    Infinities match only the same infinity; NaN matches only NaN.

    Examples
    --------
    >>> Number(rel_tol=0.005)(69.66, 70.0)
    True
    >>> Number()(1.0, "1.0")
    False
    """

    rel_tol: float = 1e-6
    abs_tol: float = 1e-12
    describe: ClassVar[str] = "a number"

    def accepts(self, got: object) -> bool:
        return _is_real_number(got)

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = float(expected), float(got)
        if math.isnan(wanted) or math.isnan(answer):
            return math.isnan(wanted) and math.isnan(answer)
        if math.isinf(wanted) or math.isinf(answer):
            return wanted == answer
        return math.isclose(answer, wanted, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    def _format(self, value: object) -> str:
        digits = max(6, math.ceil(-math.log10(self.rel_tol)) + 2) if self.rel_tol > 0 else 12
        return f"{float(value):.{digits}g}"


@dataclass(frozen=True)
class NumberArray(Comparator):
    """A one-dimensional array of numbers (list, tuple, numpy array, Series).

    Item by item as :class:`Number`: an infinity matches only the same
    infinity, and NaN only NaN.

    Examples
    --------
    >>> NumberArray()([1.0, 2.0], (1, 2))
    True
    >>> NumberArray()([1.0, 2.0], [1.0])
    False
    >>> NumberArray()([1.0, float("inf")], np.array([1.0, np.inf]))
    True
    """

    rel_tol: float = 1e-6
    abs_tol: float = 1e-12
    describe: ClassVar[str] = "an array of numbers"

    @staticmethod
    def _as_array(value: object) -> np.ndarray | None:
        try:
            if value is None or isinstance(value, (str, bytes, Mapping)):
                return None
            array = np.asarray(value, dtype=float)
        except KeyboardInterrupt:
            raise
        except BaseException:
            return None
        return array if array.ndim == 1 else None

    def accepts(self, got: object) -> bool:
        return self._as_array(got) is not None

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = self._as_array(expected), self._as_array(got)
        if wanted is None or answer is None or wanted.shape != answer.shape:
            return False
        return bool(
            np.allclose(answer, wanted, rtol=self.rel_tol, atol=self.abs_tol, equal_nan=True)
        )

    def _format(self, value: object) -> str:
        array = self._as_array(value)
        if array is None:
            return short_repr(value, 40)
        shown = ", ".join(f"{number:.6g}" for number in array[:4])
        return f"[{shown}{', ...' if array.size > 4 else ''}] ({array.size} values)"


@dataclass(frozen=True)
class Day(Comparator):
    """A date, compared to the day.

    The answer may be a ``pd.Timestamp``, a ``datetime.date`` or ``datetime``,
    a ``numpy.datetime64`` or an ISO date string; the time of day is ignored.

    Examples
    --------
    >>> import datetime
    >>> Day()(pd.Timestamp("2021-08-04"), datetime.date(2021, 8, 4))
    True
    >>> Day()(pd.Timestamp("2021-08-04"), "2021-08-04T18:30")
    True
    """

    describe: ClassVar[str] = "a date"

    def accepts(self, got: object) -> bool:
        return to_timestamp(got) is not None

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = to_timestamp(expected), to_timestamp(got)
        if wanted is None or answer is None:
            return False
        return (wanted.year, wanted.month, wanted.day) == (answer.year, answer.month, answer.day)

    def _format(self, value: object) -> str:
        stamp = to_timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp is not None else short_repr(value, 40)


@dataclass(frozen=True)
class Text(Comparator):
    """A text, compared ignoring case and extra spaces.

    Examples
    --------
    >>> Text()("cpu", "  CPU ")
    True
    """

    describe: ClassVar[str] = "a text"

    def accepts(self, got: object) -> bool:
        return isinstance(got, str)

    def _same(self, expected: object, got: object) -> bool:
        return _one_line(str(expected)).casefold() == _one_line(str(got)).casefold()

    def _format(self, value: object) -> str:
        return short_repr(value, 40)


@dataclass(frozen=True)
class Anything(Comparator):
    """Accepts any answer; use it for a tuple item a check does not look at."""

    describe: ClassVar[str] = "anything"

    def __call__(self, expected: object, got: object) -> bool:
        return True


@dataclass(frozen=True)
class TupleOf(Comparator):
    """A tuple (a list is accepted too) compared item by item.

    Parameters
    ----------
    items : tuple of Comparator
        One comparator per position.

    Examples
    --------
    >>> pair = TupleOf((Text(), Day()))
    >>> pair(("cpu", pd.Timestamp("2024-03-03")), ["CPU", "2024-03-03"])
    True
    >>> pair((None, None), (None, None))
    True
    """

    items: tuple[Comparator, ...] = ()

    @property
    def describe(self) -> str:  # type: ignore[override]
        return f"a tuple of {len(self.items)} items ({', '.join(i.describe for i in self.items)})"

    def accepts(self, got: object) -> bool:
        if not isinstance(got, (tuple, list)) or len(got) != len(self.items):
            return False
        return all(
            is_nothing(item) or comparator.accepts(item)
            for comparator, item in zip(self.items, got, strict=True)
        )

    def _same(self, expected: object, got: object) -> bool:
        return all(
            comparator(wanted, answer)
            for comparator, wanted, answer in zip(self.items, expected, got, strict=True)
        )

    def _format(self, value: object) -> str:
        if not isinstance(value, (tuple, list)) or len(value) != len(self.items):
            return short_repr(value, 40)
        shown = ", ".join(
            comparator.format(item) for comparator, item in zip(self.items, value, strict=True)
        )
        return f"({shown})"


def _as_label_map(value: object) -> dict[str, float] | None:
    """A dict or Series of numbers as {label text: float}; None if it is not one."""
    if isinstance(value, pd.Series):
        items = list(value.items())
    elif isinstance(value, Mapping):
        items = list(value.items())
    else:
        return None
    found: dict[str, float] = {}
    for label, number in items:
        if not _is_real_number(number):
            return None
        key = _one_line(str(label)).casefold()
        if key in found:
            return None
        found[key] = float(number)
    return found


@dataclass(frozen=True)
class NumberMap(Comparator):
    """Numbers by label: a pandas Series or a dict, compared label by label.

    Labels are compared as text ignoring case, so ``{"Mobile": 0.1}`` matches a
    Series indexed ``"mobile"``; order does not matter.

    Examples
    --------
    >>> NumberMap()({"a": 1.0, "b": 2.0}, pd.Series({"b": 2.0, "a": 1.0}))
    True
    >>> NumberMap()({"a": 1.0}, {"a": 1.0, "b": 2.0})
    False
    """

    rel_tol: float = 1e-6
    abs_tol: float = 1e-12
    describe: ClassVar[str] = "numbers by label (a Series or a dict)"

    def accepts(self, got: object) -> bool:
        return _as_label_map(got) is not None

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = _as_label_map(expected), _as_label_map(got)
        if wanted is None or answer is None or wanted.keys() != answer.keys():
            return False
        number = Number(rel_tol=self.rel_tol, abs_tol=self.abs_tol)
        return all(number(wanted[key], answer[key]) for key in wanted)

    def _format(self, value: object) -> str:
        found = _as_label_map(value)
        if found is None:
            return short_repr(value, 40)
        shown = ", ".join(f"{key}: {number:.4g}" for key, number in list(found.items())[:3])
        more = ", ..." if len(found) > 3 else ""
        return f"{{{shown}{more}}} ({len(found)} labels)"


def _as_text_set(value: object) -> frozenset[str] | None:
    try:
        if isinstance(value, (str, bytes, Mapping)) or value is None:
            return None
        items = list(value)  # type: ignore[call-overload]
    except KeyboardInterrupt:
        raise
    except BaseException:
        return None
    if not all(isinstance(item, str) for item in items):
        return None
    return frozenset(_one_line(item).casefold() for item in items)


@dataclass(frozen=True)
class TextSet(Comparator):
    """A collection of texts (list, tuple, set, Series...), order and case ignored.

    Examples
    --------
    >>> TextSet()(["purchase", "sign_up"], {"Sign_up", "purchase"})
    True
    >>> TextSet()(["purchase"], "purchase")
    False
    """

    describe: ClassVar[str] = "a list of names"

    def accepts(self, got: object) -> bool:
        return _as_text_set(got) is not None

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = _as_text_set(expected), _as_text_set(got)
        return wanted is not None and wanted == answer

    def _format(self, value: object) -> str:
        found = _as_text_set(value)
        if found is None:
            return short_repr(value, 40)
        return "[" + ", ".join(repr(item) for item in sorted(found)) + "]"

