"""Check-cell fuzz: every check of every lesson, fed hostile answers, prints one calm line.

tests/test_lesson_checks.py gives every task common junk; tests/lessons/<slug>/ hold each
lesson's known answers. Here every check function of every lesson's check module (found
from :data:`infralab.lessons.LESSONS`, so a new lesson's checks join without an edit here)
gets a few of those junk kinds and answers built to break the machinery itself: values
whose ``==``, ``bool()``, ``float()``, ``len()`` or ``repr()`` raise, containers that fail half
way, functions that shout, recurse, exit, replace ``sys.stdout``, write to the file
descriptors, loop for ever or take the wrong parameters. Each must give exactly one line
naming the task, with no traceback, and never raise: a ``KeyboardInterrupt`` (the
notebook's Interrupt button) stops the check with one line too, and the kernel goes on.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import math
import os
import pkgutil
import signal
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab import checks
from infralab.lessons import LESSONS
from tests.check_runner import mutates

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
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            returned = check(answer)
    except KeyboardInterrupt:
        pytest.fail("a KeyboardInterrupt escaped the check: a traceback in the notebook")
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


class _OddError(BaseException):
    """A learner's own BaseException: neither an Exception nor an interrupt."""


def _raising(error):
    def raises(self, *args, **kwargs):
        raise error("boom")

    return raises


class ReprExits:
    __repr__ = __str__ = _raising(SystemExit)


class ClassUnreadable:
    __class__ = property(_raising(ValueError))


class ClassExits(float):
    __class__ = property(_raising(SystemExit))


class IterClosesGenerators(list):
    __iter__ = __len__ = _raising(GeneratorExit)


class EqRaisesOdd(float):
    __eq__ = __bool__ = __float__ = _raising(_OddError)


class ArrayExits:
    __array__ = __len__ = __iter__ = _raising(SystemExit)


class ReprInterrupts:
    __repr__ = __str__ = _raising(KeyboardInterrupt)


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
    "a map": map(str, ["a", "b"]),
    "repr raises SystemExit": ReprExits(),
    "__class__ raises": ClassUnreadable(),
    "__class__ raises SystemExit": ClassExits(1.0),
    "iter raises GeneratorExit": IterClosesGenerators(["a"]),
    "== raises an odd BaseException": EqRaisesOdd(1.0),
    "__array__ raises SystemExit": ArrayExits(),
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


def _writes_to_the_descriptors(*args, **kwargs):
    os.write(1, b"to fd 1\n")
    os.write(2, b"to fd 2\n")
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
    "raises KeyboardInterrupt": _raises(KeyboardInterrupt()),
    "returns a value whose repr raises KeyboardInterrupt": _returns(ReprInterrupts()),
    "writes to the file descriptors": _writes_to_the_descriptors,
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
def test_keyboard_interrupt_is_one_calm_line_and_leaves_nothing_behind(check_id):
    task, check = CHECKS[check_id]
    stdout, stderr, alarm = sys.stdout, sys.stderr, signal.getsignal(signal.SIGALRM)
    filters, errors = list(warnings.filters), np.geterr()
    out = assert_one_calm_line(task, check, _raises(KeyboardInterrupt()))
    assert out.startswith(f"Interrupted ({task}): the check stopped at ")
    assert sys.stdout is stdout and sys.stderr is stderr
    assert warnings.filters == filters and np.geterr() == errors
    assert signal.getsignal(signal.SIGALRM) is alarm
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_a_check_cell_run_before_the_function_cell_asks_for_it(check_id):
    task, check = CHECKS[check_id]
    returned, out, err = run_cell(lambda _: check(), None)
    assert returned is None and err == ""
    assert out == (
        f"Not attempted yet ({task}): there is no `{task}` yet. Run the cell that defines it "
        "first, then this check again.\n"
    )


def _right_answers(module):
    slug = module.__name__.rsplit(".", 1)[-1]
    return importlib.import_module(f"tests.lessons.{slug}.answers").RIGHT_ANSWERS


RIGHT = {
    check_id: _right_answers(module)[name]
    for module in MODULES
    for name in module.TASKS
    for check_id in [f"{module.__name__.rsplit('.', 1)[-1]}.{name}"]
}


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_a_check_called_without_its_function_finds_it_by_name(check_id):
    # A notebook cell runs with the notebook's variables as its globals.
    task, check = CHECKS[check_id]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec("check()", {"check": check, task: RIGHT[check_id]})
    assert out.getvalue().startswith(f"Correct ({task}): ")
    with contextlib.redirect_stdout(out):
        exec("check()", {"check": check, task: 42})
    assert out.getvalue().splitlines()[-1].startswith(f"Not a function ({task}): ")


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_the_example_inputs_a_sheet_uses_cannot_be_spoiled(check_id):
    # A sheet's cell may hand check.EXAMPLES to the learner's function, which may change it.
    task, check = CHECKS[check_id]
    module = sys.modules[check.__module__]
    for example in module.EXAMPLES[task]:
        for value in (*example.args, *example.kwargs.values()):
            with contextlib.suppress(TypeError):  # -1 does not fit a column of dates
                mutates(value)
    assert one_line_of(check, RIGHT[check_id]).startswith(f"Correct ({task}): ")


def one_line_of(check, answer):
    returned, out, err = run_cell(check, answer)
    assert returned is None and err == "" and len(out.splitlines()) == 1, out
    return out


#: How long the endless loop below really runs: a check without a time limit fails the
#: test after this long rather than hanging it.
SAFETY_NET = 2.0


def _loops(*args, **kwargs):
    end = time.monotonic() + SAFETY_NET
    while time.monotonic() < end:
        pass
    return 1.0


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_an_endless_loop_is_stopped_in_every_check(check_id, monkeypatch):
    from infralab.checks import tasks

    monkeypatch.setattr(tasks, "TIME_LIMIT_SECONDS", 0.1, raising=False)
    task, check = CHECKS[check_id]
    started = time.monotonic()
    out = assert_one_calm_line(task, check, _loops)
    assert time.monotonic() - started < SAFETY_NET / 2
    assert out.startswith(f"Stopped ({task}): ") and "took longer than 0.1 s" in out, out


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_writes_to_the_file_descriptors_stay_out_of_the_cell(check_id, capfd):
    task, check = CHECKS[check_id]
    check(_writes_to_the_descriptors)
    out, err = capfd.readouterr()
    assert len(out.splitlines()) == 1 and out.startswith(f"Not quite ({task}): "), out
    assert err == ""


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


# --------------------------------------------------------------------------- in a real kernel


def _run(client, code, timeout=60):
    """Execute ``code``; return (stdout text, stderr text, error name or None)."""
    return _outputs(client, client.execute(code), timeout)


def _outputs(client, message_id, timeout=60):
    """(stdout text, stderr text, error name or None) of the execution ``message_id``."""
    out, err, error = [], [], None
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != message_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            (out if content["name"] == "stdout" else err).append(content["text"])
        elif kind == "error":
            error = content["ename"]
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(out), "".join(err), error


@pytest.mark.kernel
def test_a_check_in_a_jupyter_kernel():
    # One kernel, as a learner uses it: a check run before its function, an endless loop
    # stopped by the time limit, writes to file descriptor 1 (ipykernel's own pipe), and
    # the Interrupt button during a check; the kernel still runs the next cell.
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        setup = (
            "from infralab.checks import doomsday_clock as check\n"
            "from infralab.checks import tasks\n"
            "tasks.TIME_LIMIT_SECONDS = 0.5\n"
            "import math, os"
        )
        assert _run(client, setup) == ("", "", None)
        assert _run(client, "check.doubling_time_days()") == (
            "Not attempted yet (doubling_time_days): there is no `doubling_time_days` yet. "
            "Run the cell that defines it first, then this check again.\n",
            "",
            None,
        )
        endless = "def doubling_time_days(rate):\n    while True:\n        pass\n"
        assert _run(client, endless + "check.doubling_time_days()") == (
            "Stopped (doubling_time_days): doubling_time_days(0.01) took longer than 0.5 s: "
            "is there an endless loop? Make sure every loop ends, then run this check again.\n",
            "",
            None,
        )
        noisy = (
            "def doubling_time_days(rate):\n"
            "    os.write(1, b'noise on fd 1\\n')\n"
            "    os.write(2, b'noise on fd 2\\n')\n"
            "    return math.log(2) / math.log1p(rate) if rate > 0 else math.inf\n"
        )
        out, err, error = _run(client, noisy + "check.doubling_time_days(doubling_time_days)")
        assert (out, err, error) == (
            "Correct (doubling_time_days): right on all 6 test cases (5 of them hidden).\n",
            "",
            None,
        )
        _run(client, endless + "tasks.TIME_LIMIT_SECONDS = 60")
        message_id = client.execute("check.doubling_time_days()")
        time.sleep(1.5)  # the check is in the loop now
        manager.interrupt_kernel()
        out, err, error = _outputs(client, message_id)
        assert error is None and err == ""
        assert out.startswith(
            "Interrupted (doubling_time_days): the check stopped at doubling_time_days(0.01) "
        ) and len(out.splitlines()) == 1
        assert _run(client, "print(1 + 1)") == ("2\n", "", None)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
