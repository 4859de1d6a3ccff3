"""Helpers for the check tests: run a check cell as a notebook does, and junk to feed it.

A check cell is a call such as ``check.doubling_time_days(doubling_time_days)``: it
must return None and print exactly one line, whatever it is given. The helpers
here capture what it prints; :data:`JUNK_FUNCTIONS` are the wrong answers every
check must survive, shared by the machinery's tests (tests/test_checks_core.py)
and the tests run at every task of every lesson (tests/test_lesson_checks.py).
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
import warnings
from collections.abc import Callable
from types import ModuleType

import numpy as np
import pandas as pd


def assert_unchanged(value: object, original: object) -> None:
    """Assert that an input handed to a check holds what it held before (tables compared)."""
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(value, original)
    elif isinstance(value, pd.Series):
        pd.testing.assert_series_equal(value, original)
    elif isinstance(value, np.ndarray):
        np.testing.assert_array_equal(value, original)
    else:
        assert value == original


def run_cell(check: Callable[[object], object], function: object) -> tuple[object, str, str]:
    """Call ``check(function)``; return (returned value, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        returned = check(function)
    return returned, out.getvalue(), err.getvalue()


def run_check_cell(module: ModuleType, name: str, function: object) -> tuple[object, str, str]:
    """Call ``module.<name>(function)``; return (returned value, stdout, stderr)."""
    return run_cell(getattr(module, name), function)


def one_line(check: Callable[[object], object], task: str, function: object) -> str:
    """The one line ``check(function)`` prints, after asserting it is one line naming ``task``.

    The cell must also return None and print nothing to stderr.
    """
    returned, out, err = run_cell(check, function)
    assert returned is None
    assert err == ""
    assert out.endswith("\n"), out
    lines = out.splitlines()
    assert len(lines) == 1, lines
    assert f"({task})" in lines[0], lines[0]
    return lines[0]


def junk_line(check: Callable[[object], object], task: str, junk: object) -> str:
    """The one line a check prints for a junk answer, after asserting it is a friendly verdict.

    One line naming ``task`` (see :func:`one_line`), no traceback, not "Correct", and not
    the check blaming itself ("Check could not run").
    """
    line = one_line(check, task, junk)
    assert "Traceback" not in line
    assert not line.startswith("Correct"), line
    assert not line.startswith("Check could not run"), line
    return line


def printed_line(module: ModuleType, name: str, function: object) -> str:
    """The one line the check cell ``module.<name>`` prints for ``function``; see one_line."""
    return one_line(getattr(module, name), name, function)


# --------------------------------------------------------------------------- junk answers


def _raises_zero_division(*args):
    return 1 / 0


def _raises_key_error(*args):
    return {}["limit"]


def recurses(*args):
    """Never returns: raises RecursionError."""
    return recurses(*args)


def _exits(*args):
    sys.exit(3)


def _prints_junk(*args):
    print("junk\nmore junk")
    print("to stderr", file=sys.stderr)
    return 1.5


def warns(*args):
    """Warns, divides by zero in numpy, and returns 2.0."""
    warnings.warn("deprecated thing", DeprecationWarning, stacklevel=1)
    np.log(np.float64(0.0))
    return 2.0


async def _asynchronous(*args):
    return 1.0


def _generator(*args):
    yield 1.0


class _BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __float__(self):
        raise RuntimeError("no float")


class _Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no str")


def _raises_unprintable(*args):
    raise _Unprintable()


def mutates(*args):
    """Spoils every table, series, list and dict it is given, then returns 0.5.

    A table loses its ``current`` column (or its last one) and has its ``limit``
    column (or its first one) set to 0.
    """
    for value in args:
        if isinstance(value, pd.DataFrame):
            del value["current" if "current" in value.columns else value.columns[-1]]
            value["limit" if "limit" in value.columns else value.columns[0]] = 0.0
        elif isinstance(value, pd.Series):
            value.iloc[:] = -1
        elif isinstance(value, list | dict):
            value.clear()
    return 0.5


#: Wrong answers of every kind a learner might pass to a check cell, by name.
JUNK_FUNCTIONS = {
    "none": lambda *args: None,
    "text": lambda *args: "abc",
    "empty list": lambda *args: [],
    "list": lambda *args: [1, 2],
    "nan": lambda *args: float("nan"),
    "inf": lambda *args: math.inf,
    "minus one": lambda *args: -1,
    "bool": lambda *args: True,
    "array": lambda *args: np.array([1.0, 2.0]),
    "dict": lambda *args: {"a": 1},
    "self": lambda *args: args,
    "bad repr": lambda *args: _BadRepr(),
    "zero division": _raises_zero_division,
    "key error": _raises_key_error,
    "recursion": recurses,
    "sys.exit": _exits,
    "prints junk": _prints_junk,
    "warns": warns,
    "async": _asynchronous,
    "generator": _generator,
    "unprintable exception": _raises_unprintable,
    "mutates inputs": mutates,
    "no parameters": lambda: 1,
    "too many parameters": lambda a, b, c, d, e: 1,
    "builtin": print,
    "class": dict,
    "not callable": 42,
    "a string": "my answer",
}

#: The status each kind of junk gets from every task, where it does not depend on the task.
JUNK_STATUSES = {
    "zero division": "error",
    "key error": "error",
    "recursion": "error",
    "sys.exit": "error",
    "unprintable exception": "error",
    "no parameters": "error",
    "not callable": "not_a_function",
    "a string": "not_a_function",
    "none": "incorrect",
    "text": "incorrect",
    "bad repr": "incorrect",
    "async": "incorrect",
}
