"""Tests for the self-check machinery, :mod:`infralab.checks.core`, on toy tasks.

A check must print exactly one line and return None whatever the learner
wrote: the right answer, the untouched stub, a known mistake, junk, a crash,
or something that is not a function at all. The toy tasks here are built in
this file; tests/test_lesson_checks.py runs the same demands at every task of
every lesson, and tests/lessons/<slug>/test_checks.py holds each lesson's own.
"""

from __future__ import annotations

import _thread
import ast
import datetime as dt
import importlib.util
import itertools
import math
import os
import signal
import sys
import threading
import time
import types
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab import checks
from infralab.checks import core, tasks
from infralab.checks.core import (
    Anything,
    Case,
    Comparator,
    Day,
    Mistake,
    Number,
    NumberArray,
    Task,
    Text,
    TextSet,
    TupleOf,
    Verdict,
    evaluate,
    run_check,
    to_timestamp,
)
from infralab.lessons import LESSONS
from tests.check_runner import (
    JUNK_FUNCTIONS,
    JUNK_STATUSES,
    assert_unchanged,
    junk_line,
    mutates,
    one_line,
    recurses,
    run_cell,
    warns,
)

CHECKS_DIR = Path(core.__file__).parent


# --------------------------------------------------------------------------- toy tasks


def double(x):
    return 2 * x


DOUBLE = Task(
    "double",
    ("x",),
    (
        Case((2.0,), {}, 4.0),
        Case((0.0,), {}, 0.0, hidden=True),
        Case((-1.5,), {}, -3.0, hidden=True),
    ),
    mistakes=(Mistake("you added 2 instead of doubling", lambda x: x + 2),),
    summary="Doubles a number.",
)


def busiest(table, as_of):
    """(name, as_of + days) of the most loaded row; (None, None) when nothing is loaded."""
    loaded = table[table["load"] > 0]
    if loaded.empty:
        return (None, None)
    row = loaded.loc[loaded["load"].idxmax()]
    return (row["name"], as_of + pd.Timedelta(days=int(row["days"])))


def _table(*rows):
    return pd.DataFrame(list(rows), columns=["name", "load", "days"])


AS_OF = pd.Timestamp("2024-01-01")
BUSIEST = Task(
    "busiest",
    ("table", "as_of"),
    (
        Case(
            (_table(("cpu", 0.5, 3), ("disk", 0.9, 10)), AS_OF),
            {},
            ("disk", pd.Timestamp("2024-01-11")),
            label="the table of two resources",
        ),
        Case(
            (_table(("cpu", 0.0, 3)), AS_OF),
            {},
            (None, None),
            label="the table with nothing loaded",
            hidden=True,
        ),
        Case(
            (_table(("a", 0.2, 1), ("b", 0.1, 2)), pd.Timestamp("2024-02-28")),
            {},
            ("a", pd.Timestamp("2024-02-29")),
            hidden=True,
        ),
    ),
    compare=TupleOf((Text(), Day())),
    summary="Names the busiest resource and its date.",
)


def deadline(start, days):
    return pd.Timestamp(start) + pd.Timedelta(days=days)


DEADLINE = Task(
    "deadline",
    ("start", "days"),
    (
        Case((pd.Timestamp("2024-01-01"), 10), {}, pd.Timestamp("2024-01-11")),
        Case(("2024-02-28", 2), {}, pd.Timestamp("2024-03-01"), hidden=True),
        Case((dt.date(2023, 12, 31), 1), {}, pd.Timestamp("2024-01-01"), hidden=True),
    ),
    compare=Day(),
    summary="Adds days to a date.",
)


def total(table, values, items, weights):
    return table["load"].sum() + values.sum() + sum(items) + sum(weights.values())


TOTAL = Task(
    "total",
    ("table", "values", "items", "weights"),
    (
        Case((_table(("cpu", 0.5, 3)), pd.Series([1.0, 2.0]), [3], {"a": 4}), {}, 10.5),
        Case(
            (_table(("a", 1.0, 1), ("b", 2.0, 2)), pd.Series([0.5]), [], {}), {}, 3.5,
            hidden=True,
        ),
        Case((_table(), pd.Series([], dtype=float), [1, 2], {"x": -3}), {}, 0.0, hidden=True),
    ),
    summary="Adds up everything it is given.",
)

TOY_TASKS = {task.name: task for task in (DOUBLE, BUSIEST, DEADLINE, TOTAL)}
TOY_ANSWERS = {"double": double, "busiest": busiest, "deadline": deadline, "total": total}


def test_the_toy_tasks_are_right():
    for name, task in TOY_TASKS.items():
        assert task.evaluate(TOY_ANSWERS[name]).status == "correct", name
        assert one_line(task.check, name, TOY_ANSWERS[name]).startswith(f"Correct ({name}): ")


# --------------------------------------------------------------------------- the check set-up


def _checks_files():
    """Every source file of :mod:`infralab.checks`, each lesson's check module included."""
    files = set(CHECKS_DIR.rglob("*.py"))
    for lesson in LESSONS:
        spec = importlib.util.find_spec(lesson.checks)
        if spec is not None and spec.origin:  # a missing one: see the test below
            files.add(Path(spec.origin))
    return sorted(files)


def test_every_lesson_check_module_is_in_the_checks_package():
    files = set(CHECKS_DIR.rglob("*.py"))
    for lesson in LESSONS:
        spec = importlib.util.find_spec(lesson.checks)
        assert spec is not None and Path(spec.origin) in files, lesson.checks


@pytest.mark.parametrize(
    "path", _checks_files(), ids=lambda path: path.relative_to(CHECKS_DIR).as_posix()
)
def test_checks_import_no_lesson_module(path):
    allowed = {"infralab.checks", "infralab.checks.core", "infralab.validation"}
    models = {f"infralab.{model}" for lesson in LESSONS for model in lesson.models}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            if name.startswith("infralab"):
                assert not any(name == m or name.startswith(f"{m}.") for m in models), (
                    f"{path.name} imports the lesson module {name}"
                )
                assert name in allowed, f"{path.name} imports {name}"



# --------------------------------------------------------------------------- messages


def test_generic_wrong_answer_names_one_input_expected_and_got():
    message = one_line(DOUBLE.check, "double", lambda x: 3 * x)
    assert message == "Not quite (double): double(2.0) should return 4, but returned 6."
    message = one_line(DEADLINE.check, "deadline", lambda start, days: 5)
    assert message == (
        "Not quite (deadline): deadline(pd.Timestamp('2024-01-01'), 10) should "
        "return a date like 2024-01-11, but returned 5 (an int)."
    )


def test_failing_hidden_case_is_labelled_hidden():
    message = one_line(DOUBLE.check, "double", lambda x: 2 * x if x >= 0 else 0.0)
    assert message == (
        "Not quite (double): double(-1.5) (a hidden case) should return -3, but returned 0."
    )


def test_returning_none_asks_for_a_return_line():
    message = one_line(BUSIEST.check, "busiest", lambda table, as_of: None)
    assert message.endswith("your function returns None. Did you forget the `return` line?")


def test_exception_reports_type_and_message_without_traceback():
    def broken(table, as_of):
        return table["resource_name"]

    verdict = BUSIEST.evaluate(broken)
    assert verdict.status == "error"
    assert verdict.message == (
        "Error (busiest): busiest on the table of two resources raised KeyError: "
        "'resource_name'. Call your function on that input in a new cell to see where."
    )
    assert "Traceback" not in verdict.message


def test_wrong_number_of_parameters_is_explained():
    verdict = BUSIEST.evaluate(lambda table: 0)
    assert verdict.status == "error"
    assert verdict.message == (
        "Error (busiest): your function takes (table) but the check calls it as "
        "busiest(table, as_of). Keep the parameters given in the exercise."
    )
    verdict = evaluate(lambda table: 0, BUSIEST.cases, task="busiest")  # no parameter names
    assert verdict.message == (
        "Error (busiest): your function takes (table) but the check calls it as "
        "2 argument(s). Keep the parameters given in the exercise."
    )


@pytest.mark.parametrize("thing", [42, None, 4.0, "double", [double]])
def test_not_a_function(thing):
    verdict = DOUBLE.evaluate(thing)
    assert verdict.status == "not_a_function"
    assert verdict.message.startswith("Not a function (double): pass your function")


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("name", sorted(TOY_TASKS))
@pytest.mark.parametrize("junk", sorted(JUNK_FUNCTIONS))
def test_any_junk_prints_one_line_and_never_raises(name, junk):
    junk_line(TOY_TASKS[name].check, name, JUNK_FUNCTIONS[junk])


@pytest.mark.parametrize(("junk", "status"), sorted(JUNK_STATUSES.items()))
def test_junk_gets_the_right_status(junk, status):
    for task in TOY_TASKS.values():
        assert task.evaluate(JUNK_FUNCTIONS[junk]).status == status, task.name


def test_recursion_error_is_reported_by_name():
    message = DOUBLE.evaluate(recurses).message
    assert "raised RecursionError: maximum recursion depth exceeded" in message


def _saved(value):
    return value.copy() if hasattr(value, "copy") else value


@pytest.mark.parametrize("name", ["busiest", "total"])
def test_mutating_inputs_cannot_spoil_the_cases(name):
    task = TOY_TASKS[name]
    before = [tuple(_saved(arg) for arg in case.args) for case in task.cases]
    assert task.evaluate(mutates).status in {"incorrect", "error"}
    assert task.evaluate(TOY_ANSWERS[name]).status == "correct"
    for case, saved in zip(task.cases, before, strict=True):
        for arg, original in zip(case.args, saved, strict=True):
            assert_unchanged(arg, original)


def test_mutates_really_spoils_what_it_is_given():
    table, values, items, weights = (_saved(arg) for arg in TOTAL.cases[0].args)
    mutates(table, values, items, weights)
    assert list(table.columns) == ["name", "load"] and (table["name"] == 0).all()
    assert (values == -1).all() and items == [] and weights == {}


def test_a_function_that_mutates_then_answers_right_is_still_correct():
    def changes_its_table_first(table, as_of):
        table["share"] = table["load"] / 2
        table["name"] = table["name"].str.upper()
        return busiest(table, as_of)

    verdict = BUSIEST.evaluate(changes_its_table_first)
    assert verdict.status == "correct"
    assert BUSIEST.evaluate(busiest).status == "correct"


def test_checked_function_state_does_not_leak():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        before = np.geterr()
        run_cell(DOUBLE.check, warns)
        assert np.geterr() == before
        with pytest.raises(DeprecationWarning):
            warnings.warn("still an error", DeprecationWarning, stacklevel=1)


@settings(max_examples=30, deadline=None)
@given(
    message=st.text(),
    error=st.sampled_from([ValueError, TypeError, KeyError, ZeroDivisionError, RuntimeError]),
    name=st.sampled_from(sorted(TOY_TASKS)),
)
def test_any_exception_message_gives_one_error_line(message, error, name):
    def raises(*args):
        raise error(message)

    returned, out, err = run_cell(TOY_TASKS[name].check, raises)
    assert returned is None and err == ""
    assert len(out.splitlines()) == 1, out
    assert out.startswith(f"Error ({name}): ")
    assert error.__name__ in out


# --------------------------------------------------------------------------- the machinery


def test_number_comparison():
    number = Number(rel_tol=0.005)
    assert number(69.66, 70.0)
    assert not number(69.66, 71.0)
    assert number(math.inf, float("inf"))
    assert not number(math.inf, -math.inf)
    assert not number(math.inf, 1e308)
    assert number(float("nan"), float("nan"))
    assert not number(1.0, float("nan"))
    assert number(2, np.float32(2.0)) and number(2.0, np.array(2.0))
    assert not number(1.0, True) and not number(1.0, "1.0") and not number(1.0, [1.0])
    assert not number(1.0, 10**400)
    assert number(0.0, 1e-13) and not Number(abs_tol=0.0)(0.0, 1e-13)
    assert number(None, None) and number(None, float("nan")) and not number(None, 0)


def test_array_comparison():
    arrays = NumberArray(rel_tol=1e-3)
    assert arrays([1.0, 2.0, 3.0], pd.Series([1.0, 2.0, 3.0001]))
    assert not arrays([1.0, 2.0], [1.0, 2.0, 3.0])
    assert not arrays([1.0, 2.0], "12") and not arrays([1.0, 2.0], [[1.0, 2.0]])
    assert not arrays([1.0, 2.0], ["a", "b"])
    assert arrays.format(np.arange(6.0)) == "[0, 1, 2, 3, ...] (6 values)"
    # As Number, item by item: an infinity matches only itself, and NaN only NaN.
    assert arrays([1.0, math.inf], (1.0, float("inf")))
    assert not arrays([1.0, math.inf], [1.0, 1e308]) and not arrays([math.inf], [-math.inf])
    assert arrays([1.0, math.nan], [1.0, float("nan")]) and not arrays([1.0], [math.nan])


def test_day_comparison_and_conversion():
    day = Day()
    expected = pd.Timestamp("2021-08-04")
    for answer in (
        "2021-08-04",
        "2021-08-04 23:59",
        dt.date(2021, 8, 4),
        dt.datetime(2021, 8, 4, 6),
        np.datetime64("2021-08-04"),
        pd.Timestamp("2021-08-04 12:00", tz="UTC"),
    ):
        assert day(expected, answer), answer
    for answer in ("2021-08-05", "not a date", 20210804, None, pd.NaT, 1.5):
        assert not day(expected, answer), answer
    assert to_timestamp(np.datetime64("NaT")) is None
    assert to_timestamp("99999-01-01") is None
    assert day.format(dt.date(2021, 8, 4)) == "2021-08-04"


def test_text_and_tuple_comparison():
    assert Text()("storage_tib", " STORAGE_tib ")
    assert not Text()("storage", "cpu") and not Text()("1", 1)
    pair = TupleOf((Text(), Day()))
    assert pair(("cpu", pd.Timestamp("2024-03-03")), ["CPU", "2024-03-03"])
    assert not pair(("cpu", pd.Timestamp("2024-03-03")), ("cpu", "2024-03-04"))
    assert not pair(("cpu", pd.Timestamp("2024-03-03")), ("cpu",))
    assert not pair(("cpu", pd.Timestamp("2024-03-03")), "cpu 2024-03-03")
    assert pair((None, None), (None, pd.NaT)) and not pair((None, None), ("cpu", None))
    assert TupleOf((Text(), Anything()))(("cpu", None), ("cpu", object()))
    assert pair.describe == "a tuple of 2 items (a text, a date)"
    assert pair.format(("cpu", pd.Timestamp("2024-03-03"))) == "('cpu', 2024-03-03)"


def test_mistake_is_recognised_only_where_the_answer_differs():
    cases = [Case((1,), {}, 2), Case((0,), {}, 0, hidden=True), Case((5,), {}, 10, hidden=True)]
    plus_one = Mistake("you added one", lambda x: x + 1)
    # Right where x = 0 (so that case is not compared), plus one elsewhere: recognised.
    verdict = evaluate(lambda x: x + 1 if x else 0, cases, [plus_one], task="double")
    assert verdict == Verdict("incorrect", "Not quite (double): you added one")
    # Wrong where the mistake is wrong too but differently: not recognised.
    verdict = evaluate(lambda x: x + 3, cases, [plus_one], task="double")
    assert verdict.message == "Not quite (double): double(1) should return 2, but returned 4."


def test_mistake_matching_an_exception_by_type():
    cases = [Case((2.0,), {}, 0.5), Case((0.0,), {}, math.inf, hidden=True)]
    no_guard = Mistake("guard against zero", lambda x: 1 / x)
    assert evaluate(lambda x: 1 / x, cases, [no_guard], task="inverse").message == (
        "Not quite (inverse): guard against zero"
    )
    verdict = evaluate(lambda x: {}[x] if x == 0 else 1 / x, cases, [no_guard], task="inverse")
    assert verdict.status == "error"
    assert "raised KeyError: 0.0" in verdict.message


def test_an_error_shared_with_a_mistake_wrong_elsewhere_is_not_blamed_on_it():
    # 2 / x raises at 0 as the learner's 1 / x does, but is wrong where the learner is right.
    cases = [Case((2.0,), {}, 0.5), Case((0.0,), {}, math.inf, hidden=True)]
    doubled = Mistake("you doubled", lambda x: 2 / x)
    verdict = evaluate(lambda x: 1 / x, cases, [doubled], task="inverse")
    assert verdict.status == "error"
    assert verdict.message.startswith(
        "Error (inverse): inverse(0.0) (a hidden case) raised ZeroDivisionError"
    )
    # The same mistake is recognised once one value is shared, whatever the errors do.
    assert evaluate(lambda x: 2 / x, cases, [doubled], task="inverse").message == (
        "Not quite (inverse): you doubled"
    )


def test_a_mistake_recognised_by_its_errors_alone_must_be_right_elsewhere():
    cases = [Case((2.0,), {}, 0.5), Case((4.0,), {}, 0.25), Case((0.0,), {}, math.inf)]
    no_guard = Mistake("guard against zero", lambda x: 1 / x)
    # Right on 2 and 4, a ZeroDivisionError on 0, as the mistake: recognised.
    assert evaluate(lambda x: 1.0 / x, cases, [no_guard]).message == (
        "Not quite (your function): guard against zero"
    )
    # A mistake that also raises on 0 but is wrong on 4, where the learner is right: not
    # recognised, and the error is reported as it is.
    wrong_on_four = Mistake("wrong on four", lambda x: 1 / x if x != 4 else 1.0)
    verdict = evaluate(lambda x: 1.0 / x, cases, [wrong_on_four])
    assert verdict.status == "error"
    assert verdict.message.startswith(
        "Error (your function): your function(0.0) raised ZeroDivisionError"
    )


def test_a_none_shared_with_a_mistake_is_a_value_in_common():
    cases = [Case((1,), {}, (1, 1)), Case((0,), {}, (None, None), hidden=True)]
    bare = Mistake("return the pair (None, None)", lambda x: (x, x) if x else None)
    pair = TupleOf((Number(), Number()))
    verdict = evaluate(lambda x: (x, x) if x else None, cases, [bare], pair, task="pair")
    assert verdict.message == "Not quite (pair): return the pair (None, None)"
    # Without that mistake, an answer that is None only there is not "a forgotten return".
    verdict = evaluate(lambda x: (x, x) if x else None, cases, [], pair, task="pair")
    assert "forget the `return` line" in verdict.message


def test_partly_written_function_still_raising_is_an_error_not_unattempted():
    cases = [Case((1,), {}, 1), Case((-1,), {}, 0)]

    def partial(x):
        if x < 0:
            raise NotImplementedError("negative numbers")
        return x

    verdict = evaluate(partial, cases, task="clip")
    assert verdict.status == "error"
    assert verdict.message.startswith(
        "Error (clip): clip(-1) raised NotImplementedError: negative numbers."
    )


def test_evaluate_swallows_prints_and_warnings(capsys):
    cases = [Case((1,), {}, 1)]

    def noisy(x):
        print("hello")
        warnings.warn("careful", UserWarning, stacklevel=1)
        return x

    assert evaluate(noisy, cases).status == "correct"
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_verdict_is_one_line_and_status_checked():
    assert Verdict("correct", "all\n good").message == "all good"
    with pytest.raises(ValueError, match="status must be one of"):
        Verdict("fine", "x")


def test_run_check_turns_a_broken_check_into_one_line(capsys):
    assert run_check(lambda x: x, [], task="empty") is None
    out = capsys.readouterr().out
    assert out == (
        "Check could not run (empty): ValueError: cases must hold at least one Case, got none. "
        "Please report this to the course maintainers.\n"
    )


def test_package_exports_the_machinery():
    assert checks.evaluate is evaluate and checks.Case is Case
    assert set(checks.STATUSES) == {
        "correct", "not_attempted", "incorrect", "error", "not_a_function"
    }


def test_check_sections_are_added_once_before_the_examples():
    from infralab.checks import with_check_sections

    def check(function=None):
        """Check ``f(x)``.

        Examples
        --------
        >>> 1
        1
        """

    assert with_check_sections(with_check_sections(check)) is check
    assert check.__doc__.count("Parameters") == 1
    assert check.__doc__.index("Returns") < check.__doc__.index("Examples")
    with pytest.raises(TypeError, match="check must be a check function"):
        with_check_sections("check")


# --------------------------------------------------------------------------- hostile learners
#
# Each answer below once escaped the machinery: a loop that never ends, an interrupt, an
# exception that is not an Exception, a generator read empty by the comparison, inputs
# changed in place, writes to the terminal's file descriptors, a check run before its function.

#: A time limit short enough for tests, long enough for every toy case on a busy machine.
SHORT_LIMIT = 0.2

#: How long the endless loops below really run: a check without a time limit fails a test
#: after this long rather than hanging it.
SAFETY_NET = 2.0


def _loops(*args):
    end = time.monotonic() + SAFETY_NET
    while time.monotonic() < end:
        pass
    return 0.0


def _sleeps(*args):
    time.sleep(SAFETY_NET)
    return 0.0


def _loops_catching_exceptions(*args):
    end = time.monotonic() + SAFETY_NET
    while time.monotonic() < end:
        try:
            math.sqrt(-1.0)
        except Exception:  # a learner's catch-all cannot keep the check waiting
            pass
    return 0.0


@pytest.fixture
def short_limit(monkeypatch):
    monkeypatch.setattr(tasks, "TIME_LIMIT_SECONDS", SHORT_LIMIT, raising=False)


def test_the_default_time_limit_is_ten_seconds():
    assert tasks.TIME_LIMIT_SECONDS == 10


@pytest.mark.parametrize("answer", [_loops, _sleeps, _loops_catching_exceptions])
def test_an_endless_loop_is_stopped_with_one_line_naming_the_case(short_limit, answer):
    started = time.monotonic()
    line = junk_line(DOUBLE.check, "double", answer)
    assert time.monotonic() - started < SAFETY_NET / 2
    assert line == (
        "Stopped (double): double(2.0) took longer than 0.2 s: is there an endless loop? "
        "Make sure every loop ends, then run this check again."
    )


def test_the_time_limit_is_per_case_and_names_a_hidden_one(short_limit):
    def loops_on_negatives(x):
        return _loops() if x < 0 else 2 * x

    verdict = DOUBLE.evaluate(loops_on_negatives)
    assert verdict.status == "error"
    assert verdict.message.startswith(
        "Stopped (double): double(-1.5) (a hidden case) took longer than 0.2 s"
    )


def test_the_time_limit_leaves_the_alarm_as_it_found_it(short_limit):
    def mine(signum, frame):
        raise AssertionError("the check's alarm reached the previous handler")

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        for answer in (double, _loops, _raises_keyboard_interrupt):
            _interrupted_cell(DOUBLE.check, answer)
            assert signal.getsignal(signal.SIGALRM) is mine
            assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        # Someone else's timer is running: the check leaves it (and imposes no limit).
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        slow_once = _slow_on_first_case(SHORT_LIMIT * 2)
        assert DOUBLE.evaluate(slow_once).status == "correct"
        assert signal.getsignal(signal.SIGALRM) is mine
        assert 25.0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 30.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _slow_on_first_case(seconds):
    calls = []

    def answer(x):
        if not calls:
            time.sleep(seconds)
        calls.append(x)
        return 2 * x

    return answer


def test_outside_the_main_thread_there_is_no_time_limit(short_limit):
    verdicts = []
    worker = threading.Thread(
        target=lambda: verdicts.append(DOUBLE.evaluate(_slow_on_first_case(SHORT_LIMIT * 2)))
    )
    worker.start()
    worker.join()
    assert [verdict.status for verdict in verdicts] == ["correct"]


def _raises_keyboard_interrupt(*args):
    raise KeyboardInterrupt


def _interrupted_cell(check, answer):
    try:
        return run_cell(check, answer)
    except KeyboardInterrupt:
        pytest.fail("the KeyboardInterrupt escaped the check: a traceback in the notebook")


def test_pressing_interrupt_during_a_check_gives_one_calm_line():
    button = threading.Timer(0.2, _thread.interrupt_main)  # as Jupyter's Interrupt does
    button.start()
    try:
        returned, out, err = _interrupted_cell(DOUBLE.check, _loops)
    finally:
        button.cancel()
        button.join()
    assert returned is None and err == ""
    assert out == (
        "Interrupted (double): the check stopped at double(2.0) on a KeyboardInterrupt "
        "(the Interrupt button, or your code raised it). Run this check again when you "
        "are ready.\n"
    )
    assert one_line(DOUBLE.check, "double", double).startswith("Correct (double)")


def test_a_keyboard_interrupt_raised_by_the_answer_gives_one_calm_line():
    returned, out, err = _interrupted_cell(DOUBLE.check, _raises_keyboard_interrupt)
    assert returned is None and err == "" and len(out.splitlines()) == 1
    assert out.startswith("Interrupted (double): the check stopped at double(2.0) ")
    assert DOUBLE.ready(_raises_keyboard_interrupt) is False


class _OddError(BaseException):
    """A learner's own BaseException: neither an Exception nor an interrupt."""


HOSTILE_DUNDERS = (
    "__repr__", "__str__", "__eq__", "__len__", "__iter__", "__bool__", "__array__",
    "__float__", "__class__",
)
ODD_ERRORS = (KeyboardInterrupt, SystemExit, GeneratorExit, _OddError, ValueError)


def _answer_whose(dunder, error, base):
    """A value whose ``dunder`` raises ``error`` (``__class__`` as a property)."""

    def raises(self, *args, **kwargs):
        raise error("boom")

    method = property(raises) if dunder == "__class__" else raises
    return type(f"Raises{error.__name__}In{dunder}", (base,), {dunder: method})()


def _names(counts):
    return sorted(name for name, count in counts.items() if count > 0)


NAMES = Task(
    "names",
    ("counts",),
    (
        Case.from_reference(_names, {"purchase": 3, "sign_up": 1, "visit": 0}, label="three"),
        Case.from_reference(_names, {"visit": 0}, label="one unused", hidden=True),
    ),
    compare=TextSet(),
)
STEPS = Task(
    "steps",
    ("n",),
    (Case((3,), {}, [0.0, 1.0, 2.0]), Case((1,), {}, [0.0], hidden=True)),
    compare=NumberArray(),
)
EVERY_COMPARATOR = (DOUBLE, BUSIEST, DEADLINE, NAMES, STEPS)


@pytest.mark.parametrize("error", ODD_ERRORS, ids=lambda error: error.__name__)
@pytest.mark.parametrize("dunder", HOSTILE_DUNDERS)
def test_an_answer_with_a_hostile_dunder_gets_one_calm_line(dunder, error):
    for task in EVERY_COMPARATOR:
        for base in (object, list, float):
            answer = _returns_value(_answer_whose(dunder, error, base))
            returned, out, err = _interrupted_cell(task.check, answer)
            assert returned is None and err == "", out
            assert len(out.splitlines()) == 1 and "Traceback" not in out, out
            # The answer is to blame, never the check ("report this to the maintainers").
            allowed = ("Not quite (", "Interrupted (") if error is KeyboardInterrupt else (
                "Not quite (",
            )
            assert out.startswith(allowed), (task.name, base, out)


def _returns_value(value):
    return lambda *args, **kwargs: value


def test_an_answer_whose_class_cannot_be_read_is_blamed_not_the_check():
    answer = _returns_value(_answer_whose("__class__", ValueError, object))
    verdict = DOUBLE.evaluate(answer)
    assert verdict.status == "incorrect"
    assert verdict.message.startswith("Not quite (double): double(2.0) should return a number")


@pytest.mark.parametrize("error", ODD_ERRORS, ids=lambda error: error.__name__)
def test_an_exception_that_cannot_be_shown_is_still_one_line(error):
    class Unshowable(Exception):
        def __str__(self):
            raise error("str")

    def raises(x):
        raise Unshowable()

    returned, out, err = _interrupted_cell(DOUBLE.check, raises)
    assert len(out.splitlines()) == 1 and err == ""
    assert out.startswith("Interrupted (" if error is KeyboardInterrupt else "Error (double): ")


def test_a_generator_is_described_as_returned_not_read_empty():
    line = one_line(NAMES.check, "names", lambda counts: (name for name in _names(counts)))
    assert line == (
        "Not quite (names): names on three returned a generator of ['purchase', 'sign_up'], "
        "which can be read only once; return a list instead: wrap it in list(...)."
    )


def test_yield_instead_of_return_is_named():
    def doubles(x):
        yield 2 * x

    assert one_line(DOUBLE.check, "double", doubles) == (
        "Not quite (double): double(2.0) returned a generator of [4.0], which can be read "
        "only once; give back the answer with `return`, not `yield`."
    )


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (lambda counts: map(str, _names(counts)), "a map of ['purchase', 'sign_up']"),
        (lambda counts: iter(_names(counts)), "a list_iterator of ['purchase', 'sign_up']"),
        # Long enough to stand for an endless one; short enough for a check reading it all.
        (lambda counts: itertools.islice(itertools.count(), 10**6), "an islice of [0, 1, 2,"),
    ],
    ids=["map", "iter", "long"],
)
def test_other_one_shot_iterators_are_described(answer, shown):
    line = one_line(NAMES.check, "names", answer)
    assert line.startswith(f"Not quite (names): names on three returned {shown}"), line


def test_a_case_hands_out_fresh_copies():
    case = Case(([1, 2],), {"k": [3]}, [4])
    case.args[0].append(9)
    case.kwargs["k"].append(9)
    case.expected.append(9)
    assert case.args == ([1, 2],) and case.kwargs == {"k": [3]} and case.expected == [4]
    assert case == Case(([1, 2],), {"k": [3]}, [4])
    example = BUSIEST.examples[0]
    del example.args[0]["load"]
    assert "load" in example.args[0].columns
    assert BUSIEST.evaluate(busiest).status == "correct"


class _Clears(list):
    """An answer whose ``==`` empties the value it is compared with."""

    def __eq__(self, other):
        if isinstance(other, list):
            other.clear()
        return False

    __hash__ = None


def test_an_answer_cannot_change_the_expected_value_it_is_compared_with():
    task = Task("pair", ("x",), (Case((1,), {}, [1, 2]),), compare=Comparator())
    assert task.evaluate(lambda x: _Clears()).status == "incorrect"
    assert task.evaluate(lambda x: [x, x + 1]).status == "correct"


def _writes_to_the_descriptors(x):
    os.write(1, b"fd one\n")
    os.write(2, b"fd two\n")
    return 2 * x


def test_writes_to_file_descriptors_do_not_reach_the_cell(capfd):
    DOUBLE.check(_writes_to_the_descriptors)
    out, err = capfd.readouterr()
    assert (out, err) == ("Correct (double): right on all 3 test cases (2 of them hidden).\n", "")
    os.write(1, b"after\n")  # the descriptors are back where they were
    assert capfd.readouterr().out == "after\n"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="lists open descriptors on Linux")
def test_silencing_the_descriptors_leaks_none(short_limit):
    before = len(os.listdir("/proc/self/fd"))
    for answer in (_writes_to_the_descriptors, _loops, _raises_keyboard_interrupt):
        _interrupted_cell(DOUBLE.check, answer)
    assert len(os.listdir("/proc/self/fd")) == before


def halve(x):
    return x / 2


HALVE = Task("halve", ("x",), (Case((4,), {}, 2.0), Case((1,), {}, 0.5, hidden=True)))


def test_a_check_called_without_the_function_finds_it_by_name(capsys):
    def halve(x):  # the learner's cell, run before the check (this one is wrong)
        return x / 3

    HALVE.check()
    assert capsys.readouterr().out.startswith("Not quite (halve): halve(4) should return 2")
    namespace = {"halve": lambda x: x / 2, "HALVE": HALVE}
    exec("HALVE.check()", namespace)  # a notebook cell: its variables are the globals
    assert capsys.readouterr().out.startswith("Correct (halve)")


def test_a_check_run_before_its_function_asks_for_that_cell(capsys):
    task = Task("cube_root", ("x",), (Case((8,), {}, 2.0),))
    task.check()
    assert capsys.readouterr().out == (
        "Not attempted yet (cube_root): there is no `cube_root` yet. Run the cell that "
        "defines it first, then this check again.\n"
    )


def test_a_check_looks_in_the_notebook_namespace_last(capsys, monkeypatch):
    shell = types.SimpleNamespace(user_ns={"cube_root": lambda x: x ** (1 / 3)})
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", fake)
    Task("cube_root", ("x",), (Case((8,), {}, 2.0),)).check()
    assert capsys.readouterr().out.startswith("Correct (cube_root)")
