"""Check-cell fuzz: every check of every lesson, fed hostile answers, prints one calm line.

tests/test_lesson_checks.py gives every task common junk; tests/lessons/<slug>/ hold each
lesson's known answers. Here every check function of every lesson's check module (found
from :data:`infralab.lessons.LESSONS`, so a new lesson's checks join without an edit here)
gets a few of those junk kinds and answers built to break the machinery itself: values
whose ``==``, ``bool()``, ``float()``, ``len()`` or ``repr()`` raise, containers that fail half
way, functions that shout, recurse, exit, replace ``sys.stdout`` or take the wrong
parameters. Each must give exactly one line naming the task, with no traceback,
and never raise: except ``KeyboardInterrupt``, which must stop the cell, as the
notebook's interrupt button expects.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import math
import pkgutil
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab import checks
from infralab.lessons import LESSONS

MODULES = [importlib.import_module(lesson.checks) for lesson in LESSONS]
CHECKS = {
    f"{module.__name__.rsplit('.', 1)[-1]}.{name}": (name, getattr(module, name))
    for module in MODULES
    for name in module.TASKS
}


#: The check machinery's own modules; every other public module is a lesson's checks.
MACHINERY = {"core", "comparators", "tasks"}


def test_every_check_module_exposes_one_check_per_task():
    in_package = {
        f"{checks.__name__}.{info.name}"
        for info in pkgutil.iter_modules(checks.__path__)
        if info.name not in MACHINERY and not info.name.startswith("_")
    }
    assert {module.__name__ for module in MODULES} == in_package  # none left out of LESSONS
    assert {module.__name__ for module in MODULES} >= {"infralab.checks.doomsday_clock"}
    for module in MODULES:
        for name, task in module.TASKS.items():
            assert task.name == name
            assert callable(getattr(module, name)), f"{module.__name__}.{name}"
            assert name in module.__all__


def run_cell(check, answer):
    """Run a check cell; return (value returned, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        returned = check(answer)
    return returned, out.getvalue(), err.getvalue()


def assert_one_calm_line(task, check, answer):
    returned, out, err = run_cell(check, answer)
    assert returned is None
    assert err == ""
    assert len(out.splitlines()) == 1 and out.endswith("\n"), out
    assert f"({task})" in out
    assert "Traceback" not in out
    assert not out.startswith("Correct"), out
    assert not out.startswith("Check could not run"), out  # a fault of the check, not the answer
    return out


# --------------------------------------------------------------------------- hostile values


class Unfriendly(Exception):
    pass


def _boom(*args, **kwargs):
    raise Unfriendly("no")


class Hostile:
    """Every operation a check might try on an answer raises."""

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _boom
    __bool__ = __float__ = __int__ = __index__ = __complex__ = _boom
    __len__ = __iter__ = __contains__ = __getitem__ = __hash__ = _boom
    __repr__ = __str__ = __format__ = __array__ = __round__ = _boom
    __add__ = __sub__ = __mul__ = __truediv__ = __abs__ = __neg__ = _boom
    __copy__ = __deepcopy__ = __reduce_ex__ = _boom

    def __getattr__(self, name):
        raise Unfriendly(name)


class HostileTuple(tuple):
    def __len__(self):
        raise Unfriendly("len")

    def __iter__(self):
        raise Unfriendly("iter")

    def __getitem__(self, index):
        raise Unfriendly("getitem")


class HostileDict(dict):
    def items(self):
        raise Unfriendly("items")

    def keys(self):
        raise Unfriendly("keys")

    def __iter__(self):
        raise Unfriendly("iter")


class HostileFloat(float):
    __eq__ = __ne__ = __lt__ = __gt__ = __le__ = __ge__ = __bool__ = _boom
    __repr__ = __str__ = __format__ = __hash__ = __round__ = _boom


class HostileText(str):
    __eq__ = __hash__ = __repr__ = __str__ = _boom

    def casefold(self):
        raise Unfriendly("casefold")

    def split(self, *args):
        raise Unfriendly("split")


class HostileTimestamp(pd.Timestamp):
    def __eq__(self, other):
        raise Unfriendly("eq")

    __hash__ = pd.Timestamp.__hash__


class HostileSeries(pd.Series):
    def items(self):
        raise Unfriendly("items")


def _generator():
    yield 1.0


RETURNED = {
    "None": None,
    "text": "69 days",
    "empty list": [],
    "dict": {"a": 1.0},
    "NaN": math.nan,
    "pd.NA": pd.NA,
    "pd.NaT": pd.NaT,
    "NaT datetime64": np.datetime64("NaT"),
    "2-d array": np.ones((2, 2)),
    "array of text": np.array(["a", "b"]),
    "empty Series": pd.Series(dtype=float),
    "DataFrame": pd.DataFrame({"a": [1.0]}),
    "Series of NaN": pd.Series([math.nan, math.nan], index=["a", "b"]),
    "object": object(),
    "hostile object": Hostile(),
    "hostile tuple": HostileTuple((1.0, 2.0)),
    "hostile dict": HostileDict(a=1.0),
    "hostile float": HostileFloat(1.0),
    "hostile text": HostileText("abc"),
    "hostile timestamp": HostileTimestamp("2021-01-01"),
    "hostile Series": HostileSeries([1.0], index=["a"]),
    "tuple of hostile objects": (Hostile(), Hostile()),
    "list holding itself": (lambda items: items.append(items) or items)([]),
    "generator": _generator(),
    "a function": lambda: 1.0,
    "huge integer": 10**400,
    "complex": 1 + 2j,
    "bytes": b"\x00\xff",
    "Ellipsis": ...,
    "a type": float,
    "a module": math,
}


def _returns(value):
    return lambda *args, **kwargs: value


def _raises(error):
    def answer(*args, **kwargs):
        raise error

    return answer


def _recurses(*args, **kwargs):
    return _recurses(*args, **kwargs)


def _shouts(*args, **kwargs):
    print("x" * 1_000_000)
    for _ in range(2_000):
        print("line", file=sys.stderr)
    return 1.0


def _warns_everything(*args, **kwargs):
    for category in (UserWarning, DeprecationWarning, FutureWarning, RuntimeWarning):
        warnings.warn("careful", category, stacklevel=1)
    np.log(np.zeros(3))
    return np.sqrt(-1.0)


def _replaces_stdout(*args, **kwargs):
    sys.stdout = None
    sys.stderr = None
    return 1.0


def _breaks_warning_filters(*args, **kwargs):
    warnings.resetwarnings()
    warnings.simplefilter("error")
    np.seterr(all="raise")
    return 1.0


class _CallableThatRaises:
    def __call__(self, *args, **kwargs):
        raise ValueError("called")


class _TeapotError(BaseException):
    """A BaseException that is not an interrupt: a learner's odd class, still reported."""


BEHAVIOURS = {
    "raises ValueError": _raises(ValueError("math domain error")),
    "raises ZeroDivisionError": _raises(ZeroDivisionError("division by zero")),
    "raises RecursionError": _recurses,
    "raises TypeError with no message": _raises(TypeError()),
    "raises StopIteration": _raises(StopIteration()),
    "raises an exception holding a hostile object": _raises(ValueError(Hostile())),
    "raises SystemExit": _raises(SystemExit(1)),
    "prints a lot": _shouts,
    "warns every kind": _warns_everything,
    "replaces sys.stdout": _replaces_stdout,
    "breaks warning filters": _breaks_warning_filters,
    "returns a generator function's result": _generator,
    "callable object that raises": _CallableThatRaises(),
}

WRONG_SIGNATURES = {
    "no parameters": lambda: 1.0,
    "keyword-only parameters": lambda *, a=1, b=2: 1.0,
    "only **kwargs": lambda **kwargs: 1.0,
    "six required parameters": lambda a, b, c, d, e, f: 1.0,
    "builtin len": len,
    "partial of max": functools.partial(max, 0),
    "the class object": object,
}

ANSWERS = (
    {f"returns {name}": _returns(value) for name, value in RETURNED.items()}
    | BEHAVIOURS
    | WRONG_SIGNATURES
)


@pytest.mark.parametrize("check_id", sorted(CHECKS))
@pytest.mark.parametrize("answer_id", sorted(ANSWERS))
def test_hostile_answers_get_one_calm_line(check_id, answer_id):
    task, check = CHECKS[check_id]
    stdout, stderr = sys.stdout, sys.stderr
    filters, errors = list(warnings.filters), np.geterr()
    assert_one_calm_line(task, check, ANSWERS[answer_id])
    # Whatever the answer did to the interpreter's state is undone.
    assert sys.stdout is stdout and sys.stderr is stderr
    assert warnings.filters == filters and np.geterr() == errors


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_an_odd_base_exception_is_reported_not_raised(check_id):
    task, check = CHECKS[check_id]
    out = assert_one_calm_line(task, check, _raises(_TeapotError("tea")))
    assert out.startswith(f"Error ({task}): ") and "_TeapotError" in out


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_keyboard_interrupt_stops_the_cell_and_leaves_nothing_behind(check_id):
    _, check = CHECKS[check_id]
    stdout, stderr = sys.stdout, sys.stderr
    filters, errors = list(warnings.filters), np.geterr()
    with pytest.raises(KeyboardInterrupt):
        check(_raises(KeyboardInterrupt()))
    assert sys.stdout is stdout and sys.stderr is stderr
    assert warnings.filters == filters and np.geterr() == errors


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_calling_a_check_with_nothing_asks_for_the_function(check_id):
    task, check = CHECKS[check_id]
    returned, out, err = run_cell(lambda _: check(), None)
    assert returned is None and err == ""
    assert out.startswith(f"Not a function ({task}): ") and len(out.splitlines()) == 1


# --------------------------------------------------------------------------- property


HOSTILE_VALUES = st.sampled_from(sorted(RETURNED)).map(lambda name: RETURNED[name])
ANY_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.datetimes(),
        HOSTILE_VALUES,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=4), children, max_size=3),
    ),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None)
@given(value=ANY_VALUE, check_id=st.sampled_from(sorted(CHECKS)))
def test_any_value_nested_with_hostile_ones_gives_one_line(value, check_id):
    task, check = CHECKS[check_id]
    returned, out, err = run_cell(check, _returns(value))
    assert returned is None and err == ""
    assert len(out.splitlines()) == 1, out
    assert out.startswith(("Correct (", "Not quite (")), out
