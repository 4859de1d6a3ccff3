"""Argument checks shared by every public function of :mod:`infralab`.

Every check raises at the public boundary with a message that names the
parameter, the value it got and what was expected, for example::

    growth_rate must be > -1, got -1.5

Numbers of the wrong *type* (a string where a number belongs) raise
``TypeError``; numbers of the right type but outside the allowed range raise
``ValueError``. Both name the argument.

Sizes, counts and durations that set how much a call computes, holds in memory
or spans on a calendar (rows, users, workspaces, days) are bounded above too,
with :func:`check_count` and :func:`check_days`: their message gives the whole
allowed range, so a learner who asked for ten billion rows reads the limit
rather than a ``MemoryError`` or a date overflow deep inside numpy or pandas.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "check_array",
    "check_choice",
    "check_count",
    "check_date",
    "check_days",
    "check_flag",
    "check_integer",
    "check_number",
    "check_probability",
    "check_seed",
    "check_text",
    "read_only",
    "read_recorded_csv",
    "short_repr",
]


def short_repr(value: object, limit: int = 60) -> str:
    """Return ``repr(value)`` on one line, cut to ``limit`` characters; never raises.

    Every error message of the course shows the value it refuses this way. A
    ``__repr__`` that raises anything, ``SystemExit`` included, gives
    ``<TypeName object>``; only a ``KeyboardInterrupt`` (the Interrupt button)
    goes through.

    Examples
    --------
    >>> short_repr("abc")
    "'abc'"
    >>> short_repr(list(range(100)), limit=20)
    '[0, 1, 2, 3, 4, 5...'
    """
    try:
        text = " ".join(repr(value).split())
    except KeyboardInterrupt:  # the Interrupt button: let it stop what is running
        raise
    except BaseException:  # a repr that fails, even with SystemExit, is still described
        try:
            text = f"<{type(value).__name__} object>"
        except KeyboardInterrupt:
            raise
        except BaseException:
            text = "<object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


_describe = short_repr


def check_number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is a real number in range.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : object
        The value to check. Booleans are rejected: ``True`` is not a number
        a learner means to pass.
    low, high : float, optional
        Bounds of the allowed interval.
    low_inclusive, high_inclusive : bool
        Whether the bounds themselves are allowed.
    allow_inf : bool
        Accept ``+inf``/``-inf`` (never NaN).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is NaN, infinite (unless allowed) or out of range.

    Examples
    --------
    >>> check_number("lead_time_days", 270, low=0)
    270.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got a number too large for a float") from None
    if math.isnan(number):
        raise ValueError(f"{name} must be a number, got NaN")
    if math.isinf(number) and not allow_inf:
        raise ValueError(f"{name} must be finite, got {number}")
    if low is not None:
        if low_inclusive and number < low:
            raise ValueError(f"{name} must be >= {low:g}, got {_describe(value)}")
        if not low_inclusive and number <= low:
            raise ValueError(f"{name} must be > {low:g}, got {_describe(value)}")
    if high is not None:
        if high_inclusive and number > high:
            raise ValueError(f"{name} must be <= {high:g}, got {_describe(value)}")
        if not high_inclusive and number >= high:
            raise ValueError(f"{name} must be < {high:g}, got {_describe(value)}")
    return number


def check_integer(
    name: str, value: object, *, low: int | None = None, high: int | None = None
) -> int:
    """Return ``value`` as an int after checking it is a whole number in range.

    Examples
    --------
    >>> check_integer("n_hosts", 32, low=1)
    32
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            number = float(value)
            if math.isfinite(number) and number.is_integer():
                value = int(number)
            else:
                raise ValueError(f"{name} must be a whole number, got {_describe(value)}")
        else:
            raise TypeError(f"{name} must be a whole number, got {_describe(value)}")
    integer = int(value)
    if low is not None and integer < low:
        raise ValueError(f"{name} must be >= {low}, got {integer}")
    if high is not None and integer > high:
        raise ValueError(f"{name} must be <= {high}, got {integer}")
    return integer


def check_count(name: str, value: object, *, high: int, low: int = 1) -> int:
    """Return ``value`` as an int after checking it is a whole number from ``low`` to ``high``.

    For sizes and counts that set how much memory and time a call takes (rows,
    users, workspaces, shards): ``high`` keeps a laptop responsive, and the
    message gives the whole allowed range.

    Examples
    --------
    >>> check_count("n_workspaces", 480, high=10_000_000)
    480
    >>> check_count("n_workspaces", 10**10, high=10_000_000)
    Traceback (most recent call last):
    ...
    ValueError: n_workspaces must be from 1 to 10,000,000, got 10,000,000,000
    """
    integer = check_integer(name, value)
    if not low <= integer <= high:
        raise ValueError(f"{name} must be from {low:,} to {high:,}, got {integer:,}")
    return integer


def check_days(name: str, value: object, *, high: float, low: float = 0.0) -> float:
    """Return ``value`` as a float after checking it is a duration from ``low`` to ``high`` days.

    For durations added to or taken from a date: ``high`` keeps the result on a
    calendar, and the message gives the whole allowed range.

    Examples
    --------
    >>> check_days("lead_time_days", 270, high=36_500)
    270.0
    >>> check_days("lead_time_days", 1e10, high=36_500)
    Traceback (most recent call last):
    ...
    ValueError: lead_time_days must be from 0 to 36,500 days, got 10000000000.0
    """
    number = check_number(name, value)
    if not low <= number <= high:
        raise ValueError(
            f"{name} must be from {low:,g} to {high:,g} days, got {_describe(value)}"
        )
    return number


def check_probability(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it lies in [0, 1].

    Examples
    --------
    >>> check_probability("blocker_rate", 0.3)
    0.3
    """
    return check_number(name, value, low=0.0, high=1.0)


def check_choice(name: str, value: object, choices: Iterable[object]) -> object:
    """Return ``value`` after checking it is one of ``choices``.

    Examples
    --------
    >>> check_choice("model", "linear", ("linear", "exponential"))
    'linear'
    """
    options = tuple(choices)
    try:
        found = any(
            value == option and isinstance(value, type(option)) and not isinstance(value, bool)
            for option in options
        )
    except (TypeError, ValueError):  # e.g. an array, whose comparison has no single truth value
        found = False
    if not found:
        allowed = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {allowed}; got {_describe(value)}")
    return value


def check_array(
    name: str,
    values: object,
    *,
    min_length: int = 1,
    low: float | None = None,
    high: float | None = None,
    positive: bool = False,
    increasing: bool = False,
) -> np.ndarray:
    """Return ``values`` as a 1-D float array after checking its contents.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    values : array-like
        Numbers (a list, a numpy array or a pandas Series).
    min_length : int
        Fewest values allowed.
    low, high : float, optional
        Inclusive bounds every value must respect.
    positive : bool
        Require every value to be > 0 (needed for logarithms).
    increasing : bool
        Require strictly increasing values (times, days).

    Raises
    ------
    TypeError
        If ``values`` is not numeric.
    ValueError
        If it is not one-dimensional, too short, holds NaN or infinities, or
        breaks a bound; the message gives the position of the first bad value.
    """
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a sequence of numbers, got {_describe(values)}")
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers, got {_describe(values)}") from None
    if raw.dtype.kind in "Mm":  # datetimes would silently become nanoseconds
        raise TypeError(
            f"{name} must be numbers, got dates or durations; for day numbers use "
            "(dates - dates.iloc[0]).dt.days"
        )
    if raw.dtype.kind == "O":  # e.g. a nullable pandas column: missing values become NaN
        raw = np.array(
            [np.nan if item is None or item is pd.NA else item for item in raw.flat], dtype=object
        ).reshape(raw.shape)
    is_number = raw.dtype.kind in "iuf" or (
        raw.dtype.kind == "O"
        and all(
            isinstance(item, numbers.Real) and not isinstance(item, bool) for item in raw.flat
        )
    )
    if not is_number:  # booleans, text and other objects are not measurements
        raise TypeError(f"{name} must be a sequence of numbers, got {_describe(values)}")
    array = raw.astype(float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size < min_length:
        raise ValueError(f"{name} must hold at least {min_length} values, got {array.size}")
    bad = ~np.isfinite(array)
    if bad.any():
        index = int(np.argmax(bad))
        raise ValueError(f"{name} must hold finite numbers, got {array[index]} at position {index}")
    if positive and (array <= 0).any():
        index = int(np.argmax(array <= 0))
        raise ValueError(f"{name} must be > 0, got {array[index]:g} at position {index}")
    if low is not None and (array < low).any():
        index = int(np.argmax(array < low))
        raise ValueError(f"{name} must be >= {low:g}, got {array[index]:g} at position {index}")
    if high is not None and (array > high).any():
        index = int(np.argmax(array > high))
        raise ValueError(f"{name} must be <= {high:g}, got {array[index]:g} at position {index}")
    if increasing and array.size > 1 and (np.diff(array) <= 0).any():
        index = int(np.argmax(np.diff(array) <= 0)) + 1
        raise ValueError(
            f"{name} must be strictly increasing, got {array[index]:g} after "
            f"{array[index - 1]:g} at position {index}"
        )
    return array


def check_date(name: str, value: object) -> pd.Timestamp:
    """Return ``value`` as a pandas Timestamp (a date string, ``date`` or ``Timestamp``).

    Examples
    --------
    >>> check_date("as_of", "2020-03-01")
    Timestamp('2020-03-01 00:00:00')
    """
    if isinstance(value, (pd.Timestamp, _dt.date, np.datetime64)):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str):
        if value.strip().lower() in ("now", "today", "tomorrow", "yesterday"):
            # relative words would make results depend on the day the code runs
            raise ValueError(f"{name} must be a calendar date like '2020-03-01', got {value!r}")
        try:
            stamp = pd.Timestamp(value)
        except ValueError:
            raise ValueError(f"{name} must be a date like '2020-03-01', got {value!r}") from None
    else:
        raise TypeError(f"{name} must be a date like '2020-03-01', got {_describe(value)}")
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, got {_describe(value)}")
    if stamp.tzinfo is not None:
        raise ValueError(f"{name} must be a date without a time zone, got {_describe(value)}")
    return stamp


def check_seed(name: str, value: object) -> np.random.Generator:
    """Return a numpy ``Generator`` from a seed (int) or an existing Generator.

    Every simulator takes a seed or a generator so its results are repeatable.

    Examples
    --------
    >>> int(check_seed("rng", 42).integers(0, 10)) == int(np.random.default_rng(42).integers(0, 10))
    True
    >>> generator = np.random.default_rng(7)
    >>> check_seed("rng", generator) is generator
    True
    """
    if isinstance(value, np.random.Generator):
        return value
    seed = check_integer(name, value, low=0)
    return np.random.default_rng(seed)


def check_text(name: str, value: object) -> str:
    """Return ``value`` after checking it is a text that is not blank.

    Examples
    --------
    >>> check_text("segment", "Android Chrome")
    'Android Chrome'
    >>> check_text("segment", 3)
    Traceback (most recent call last):
    ...
    TypeError: segment must be text, got 3
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, got {_describe(value)}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty, got {value!r}")
    return value


def check_flag(name: str, value: object) -> bool:
    """Return ``value`` as a bool after checking it is True or False (numpy's too).

    Examples
    --------
    >>> check_flag("with_index", True)
    True
    >>> check_flag("with_index", 1)
    Traceback (most recent call last):
    ...
    TypeError: with_index must be True or False, got 1
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_describe(value)}")
    return bool(value)


def read_only(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` read-only and return it, for the arrays a frozen result holds.

    Examples
    --------
    >>> read_only(np.zeros(2)).flags.writeable
    False
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"array must be a numpy array, got {_describe(array)}")
    array.setflags(write=False)
    return array


def read_recorded_csv(
    path: object,
    *,
    default: str,
    columns: Sequence[str],
    command: str,
    numbers: Iterable[tuple[str, float, bool, bool]] = (),
) -> tuple[Path, pd.DataFrame]:
    """Read a file a measurement recorded, checked: exactly ``columns``, numbers in range.

    Parameters
    ----------
    path : path-like or None
        The file; ``default`` in the course's ``data/`` folder when None.
    default : str
        The file's name in ``data/``.
    columns : sequence of str
        Every column the file must have, and no other, in this order.
    command : str
        The command that records the file, named when it is missing.
    numbers : iterable of (column, low, strict, whole)
        Columns read as numbers: above ``low`` (``strict``) or at least ``low``, and
        whole numbers when ``whole``. The others stay text.

    Returns
    -------
    (pathlib.Path, pandas.DataFrame)
        The file, and its rows with the columns in order.

    Raises
    ------
    TypeError
        If ``path`` is not a path.
    FileNotFoundError
        If the file is missing (the message names ``command``).
    ValueError
        If the file is not a readable CSV, a column is missing or unexpected, it has
        no row, or a number is missing or out of range (naming the line, the header
        being line 1, and the column).

    Examples
    --------
    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "runs.csv"
    >>> _ = file.write_text("clients,tps\\n1,512.5\\n2,0\\n", encoding="utf-8")
    >>> read_recorded_csv(file, default="runs.csv", columns=("clients", "tps"),
    ...                   command="make measure", numbers=[("tps", 0, True, False)])
    Traceback (most recent call last):
    ...
    ValueError: ...runs.csv line 3, column tps: expected a number > 0, got '0'
    """
    if path is None:
        from .paths import data_dir  # where the course keeps its data

        file = data_dir() / default
    elif isinstance(path, (str, os.PathLike)) and not isinstance(path, bool):
        file = Path(path)
    else:
        raise TypeError(f"path must be a path (str or os.PathLike) or None, got {short_repr(path)}")
    if not file.is_file():
        raise FileNotFoundError(
            f"{file} is missing: run `{command}` in the course folder to record it"
        )
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ValueError(f"{file} is not a readable CSV file: {error}") from None
    missing = [name for name in columns if name not in frame.columns]
    extra = [name for name in frame.columns if name not in columns]
    if missing or extra or frame.empty:
        raise ValueError(
            f"{file}: missing column(s) {missing}, unexpected column(s) {extra}, "
            f"{len(frame)} rows; the columns are {', '.join(columns)}"
        )
    frame = frame[list(columns)].copy()
    for column, low, strict, whole in numbers:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = ~np.isfinite(values) | ((values <= low) if strict else (values < low))
        if whole:
            bad |= values.mod(1).ne(0)
        if bad.any():
            position = int(np.argmax(bad.to_numpy()))
            raise ValueError(
                f"{file} line {position + 2}, column {column}: expected a "
                f"{'whole number' if whole else 'number'} {'>' if strict else '>='} {low}, "
                f"got {frame[column].iloc[position]!r}"
            )
        frame[column] = values.astype(int if whole else float)
    return file, frame
