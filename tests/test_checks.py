"""Tests for the self-check machinery and the lesson-03 (doomsday clock) checks.

A check must print exactly one line and return None whatever the learner
wrote: the right answer, the untouched stub, a known mistake, junk, a crash,
or something that is not a function at all.
"""

from __future__ import annotations

import ast
import datetime as dt
import doctest
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from check_runner import run_check_cell
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab import checks
from infralab.checks import core
from infralab.checks import doomsday_clock as check
from infralab.checks.core import (
    Anything,
    Case,
    Day,
    Mistake,
    Number,
    NumberArray,
    Text,
    TupleOf,
    Verdict,
    evaluate,
    run_check,
    to_timestamp,
)

CHECKS_DIR = Path(core.__file__).parent


# --------------------------------------------------------------------------- right answers
# Written the way a learner would, independently of the check module.


def storage_growth_gib_per_day(rows_per_day, bytes_per_row):
    return rows_per_day * bytes_per_row / 2**30


def doubling_time_days(daily_growth_rate):
    if daily_growth_rate <= 0:
        return math.inf
    return np.log(2) / np.log(1 + daily_growth_rate)


def days_until_limit(current, limit, daily_growth_rate):
    if current >= limit:
        return 0
    if daily_growth_rate <= 0:
        return float("inf")
    return math.log(limit / current, 10) / math.log(1 + daily_growth_rate, 10)


def start_by_date(doomsday_date, lead_time_days, buffer_days):
    return pd.Timestamp(doomsday_date) - pd.Timedelta(days=lead_time_days + buffer_days)


def trailing_growth_rate(dates, values, window_days):
    recent = dates > dates.max() - pd.Timedelta(days=window_days)
    day_number = (dates[recent] - dates[recent].iloc[0]).dt.days
    slope, _ = np.polyfit(day_number, np.log(values[recent]), 1)
    return np.exp(slope) - 1


def earliest_doomsday(resources, as_of):
    days = [
        days_until_limit(row.current, row.limit, row.daily_growth_rate)
        for row in resources.itertuples()
    ]
    first = int(np.argmin(days))
    if math.isinf(days[first]):
        return (None, None)
    return (resources["resource"].iloc[first], as_of + pd.Timedelta(days=math.floor(days[first])))


RIGHT_ANSWERS = {
    "storage_growth_gib_per_day": storage_growth_gib_per_day,
    "doubling_time_days": doubling_time_days,
    "days_until_limit": days_until_limit,
    "start_by_date": start_by_date,
    "trailing_growth_rate": trailing_growth_rate,
    "earliest_doomsday": earliest_doomsday,
}
TASK_NAMES = sorted(check.TASKS)


def run(name, function):
    """Run the check cell for task ``name``; return (returned value, stdout, stderr)."""
    return run_check_cell(check, name, function)


def assert_one_line(name, function):
    returned, out, err = run(name, function)
    assert returned is None
    assert err == ""
    assert out.endswith("\n")
    assert len(out.splitlines()) == 1, out
    assert f"({name})" in out
    return out.strip()


# --------------------------------------------------------------------------- the check set-up


def test_every_task_has_three_to_six_cases_with_a_hidden_one():
    assert set(check.TASKS) == set(RIGHT_ANSWERS)
    for task in check.TASKS.values():
        assert 3 <= len(task.cases) <= 6, task.name
        assert any(case.hidden for case in task.cases), task.name
        assert len(check.EXAMPLES[task.name]) == len(task.examples)
        assert all(a is b for a, b in zip(check.EXAMPLES[task.name], task.examples, strict=True))
        assert task.examples, task.name
        assert task.summary
        assert getattr(check, task.name).__doc__


def test_reference_answers_match_hand_computed_values():
    expected = {name: [case.expected for case in task.cases] for name, task in check.TASKS.items()}
    # 10 million rows of 200 bytes = 2e9 bytes = 1.8626 GiB.
    assert expected["storage_growth_gib_per_day"][0] == pytest.approx(2e9 / 1073741824)
    # ln 2 / ln 1.01 = 69.66 days; 5% a day doubles in 14.21 days.
    assert expected["doubling_time_days"][:2] == pytest.approx([69.6607, 14.2067], rel=1e-5)
    assert expected["doubling_time_days"][4:] == [math.inf, math.inf]
    # 1,000 GiB growing 1% a day reaches 64 TiB after ln(65.536) / ln(1.01) days.
    assert expected["days_until_limit"] == pytest.approx(
        [math.log(65.536) / math.log(1.01), math.log(64 / 30) / math.log(1.05), 0, 0,
         math.inf, math.inf]
    )
    # 2021-09-15 minus 300 days.
    assert expected["start_by_date"][0] == pd.Timestamp("2020-11-19")
    assert expected["start_by_date"][2] == pd.Timestamp("2023-11-27")  # across 29 Feb 2024
    # The first trailing case is noise-free at 3% a day in its window.
    assert expected["trailing_growth_rate"][0] == pytest.approx(0.03, rel=1e-12)
    assert expected["trailing_growth_rate"][3] == pytest.approx(0.002, rel=0.01)
    # CPU: ln(80 / 55) / ln(1.006) = 62.6 days after 2024-01-01.
    assert expected["earliest_doomsday"][0] == ("cpu_percent", pd.Timestamp("2024-03-03"))
    assert expected["earliest_doomsday"][1] == ("connections", pd.Timestamp("2024-06-01"))
    assert expected["earliest_doomsday"][2] == (None, None)


def test_checks_import_no_lesson_module():
    allowed = {"infralab.checks", "infralab.checks.core", "infralab.validation"}
    for path in CHECKS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("infralab"):
                    assert name in allowed, f"{path.name} imports {name}"


def test_docstring_examples_hold():
    for module in (core, check):
        failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)[:2]
        assert tried > 0 and failures == 0, module.__name__


# --------------------------------------------------------------------------- statuses per task


@pytest.mark.parametrize("name", TASK_NAMES)
def test_right_answer_is_correct(name):
    task = check.TASKS[name]
    verdict = task.evaluate(RIGHT_ANSWERS[name])
    assert verdict.status == "correct", verdict.message
    hidden = sum(case.hidden for case in task.cases)
    assert verdict.message == (
        f"Correct ({name}): right on all {len(task.cases)} test cases ({hidden} of them hidden)."
    )
    assert assert_one_line(name, RIGHT_ANSWERS[name]) == verdict.message


@pytest.mark.parametrize("name", TASK_NAMES)
def test_untouched_stub_is_not_attempted(name):
    task = check.TASKS[name]
    namespace = {}
    exec(  # the exercise cell exactly as ClearSolutions leaves it
        f"def {name}({', '.join(task.parameters)}):\n"
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n",
        namespace,
    )
    verdict = task.evaluate(namespace[name])
    assert verdict.status == "not_attempted"
    assert verdict.message.startswith(f"Not attempted yet ({name}): ")
    assert "NotImplementedError" in verdict.message
    assert assert_one_line(name, namespace[name]) == verdict.message


MISTAKES = [
    pytest.param(name, index, id=f"{name}-{index}")
    for name in TASK_NAMES
    for index in range(len(check.TASKS[name].mistakes))
]


@pytest.mark.parametrize(("name", "index"), MISTAKES)
def test_every_listed_mistake_gets_its_hint(name, index):
    task = check.TASKS[name]
    mistake = task.mistakes[index]
    verdict = task.evaluate(mistake.wrong_answer)
    assert verdict.status == "incorrect"
    assert verdict.message == f"Not quite ({name}): {mistake.hint}"


@pytest.mark.parametrize("name", TASK_NAMES)
def test_every_mistake_is_wrong_somewhere(name):
    task = check.TASKS[name]
    for mistake in task.mistakes:
        assert task.evaluate(mistake.wrong_answer).status != "correct"


def _hint_of(name, fragment):
    hints = [m.hint for m in check.TASKS[name].mistakes if fragment in m.hint]
    assert len(set(hints)) == 1, (name, fragment)
    return hints[0]


# Mistakes as learners write them: numpy or math, with or without the special cases.
NATURAL_MISTAKES = [
    ("storage_growth_gib_per_day", lambda rows, size: rows * size / 1000**3, "1e9"),
    ("storage_growth_gib_per_day", lambda rows, size: rows * size / 1024 / 1024, "MiB"),
    ("storage_growth_gib_per_day", lambda rows, size: float(rows * size), "bytes per day"),
    ("doubling_time_days", lambda r: math.log(2) / math.log(1 + r), "never doubles"),
    ("doubling_time_days", lambda r: np.log(2) / np.log(1 + r), "never doubles"),
    ("doubling_time_days", lambda r: 70 / (r * 100) if r > 0 else math.inf, "rule of 70"),
    ("doubling_time_days", lambda r: 72 / (100 * r), "rule of 70"),
    ("doubling_time_days", lambda r: 0.693 / r if r > 0 else math.inf, "rule of 70"),
    ("doubling_time_days", lambda r: 1 / r if r > 0 else math.inf, "is not the doubling"),
    ("doubling_time_days", lambda r: np.log(2) / np.log1p(r / 100), "fraction"),
    ("doubling_time_days", lambda r: math.log(2) / math.log(1 + 100 * r) if r > 0 else math.inf,
     "fraction"),
    ("days_until_limit",
     lambda c, limit, r: max(0.0, (limit - c) / (c * r)) if r > 0 else (0 if c >= limit else
                                                                       math.inf),
     "straight-line"),
    ("days_until_limit", lambda c, limit, r: (limit - c) / (c * r), "straight-line"),
    ("days_until_limit", lambda c, limit, r: np.log(limit / c) / np.log1p(r), "two special"),
    ("days_until_limit",
     lambda c, limit, r: math.inf if r <= 0 else np.log(limit / c) / np.log(1 + r),
     "not a negative"),
    ("days_until_limit",
     lambda c, limit, r: 0 if c >= limit else np.log(limit / c) / np.log(1 + r),
     "flat or shrinking"),
    ("days_until_limit", lambda c, limit, r: days_until_limit(c, limit, r) / 30, "months"),
    ("days_until_limit", lambda c, limit, r: days_until_limit(c, limit, r) * 12 / 365,
     "months"),
    ("days_until_limit", lambda c, limit, r: days_until_limit(c, limit, r) / 365, "years"),
    ("days_until_limit",
     lambda c, limit, r: 0 if c >= limit else math.inf if r <= 0 else math.log(limit / c) / r,
     "ln(1 + r) as r"),
    ("start_by_date", lambda d, lead, buffer: d - dt.timedelta(days=lead + buffer), "text like"),
    ("start_by_date", lambda d, lead, buffer: pd.Timestamp(d) - pd.Timedelta(days=lead),
     "not the safety buffer"),
    ("start_by_date", lambda d, lead, buffer: pd.to_datetime(d) - pd.Timedelta(days=buffer),
     "not the project"),
    ("start_by_date", lambda d, lead, buffer: pd.Timestamp(d) + pd.Timedelta(days=lead + buffer),
     "added the days"),
]


def _trailing_all_data(dates, values, window_days):
    day_number = (dates - dates.iloc[0]).dt.days
    return np.exp(np.polyfit(day_number, np.log(values), 1)[0]) - 1


def _trailing_log_slope(dates, values, window_days):
    return math.log1p(trailing_growth_rate(dates, values, window_days))


def _trailing_tail(dates, values, window_days):
    dates, values = dates.tail(window_days), values.tail(window_days)
    day_number = (dates - dates.iloc[0]).dt.days
    return np.exp(np.polyfit(day_number, np.log(values), 1)[0]) - 1


def _trailing_positions(dates, values, window_days):
    recent = (dates > dates.max() - pd.Timedelta(days=window_days)).to_numpy()
    return np.exp(np.polyfit(np.arange(recent.sum()), np.log(values[recent]), 1)[0]) - 1


def _trailing_linear(dates, values, window_days):
    recent = dates > dates.max() - pd.Timedelta(days=window_days)
    day_number = (dates[recent] - dates[recent].iloc[0]).dt.days
    return np.polyfit(day_number, values[recent], 1)[0]


def _trailing_inclusive(dates, values, window_days):
    recent = dates >= dates.iloc[-1] - pd.Timedelta(days=window_days)
    day_number = (dates[recent] - dates[recent].iloc[0]).dt.days
    return np.exp(np.polyfit(day_number, np.log(values[recent]), 1)[0]) - 1


def _doomsday_by(pick):
    def answer(resources, as_of):
        row = resources.iloc[pick(resources)]
        days = days_until_limit(row.current, row.limit, row.daily_growth_rate)
        if math.isinf(days):
            return (None, None)
        return (row.resource, as_of + pd.Timedelta(days=math.floor(days)))

    return answer


def _doomsday_in_days(resources, as_of):
    name, date = earliest_doomsday(resources, as_of)
    return (name, None if date is None else (date - as_of).days)


def _doomsday_rounded(resources, as_of):
    name, date = earliest_doomsday(resources, as_of)
    if name is None:
        return (None, None)
    row = resources.set_index("resource").loc[name]
    days = days_until_limit(row.current, row.limit, row.daily_growth_rate)
    return (name, as_of + pd.Timedelta(days=round(days)))


def _doomsday_unguarded(resources, as_of):
    days = np.log(resources["limit"] / resources["current"]) / np.log1p(
        resources["daily_growth_rate"]
    )
    first = int(np.argmin(days.to_numpy()))
    return (resources["resource"].iloc[first], as_of + pd.Timedelta(days=math.floor(days[first])))


NATURAL_MISTAKES += [
    ("trailing_growth_rate", _trailing_all_data, "fitted all the data"),
    ("trailing_growth_rate", _trailing_log_slope, "continuous rate"),
    ("trailing_growth_rate", _trailing_tail, "not rows"),
    ("trailing_growth_rate", _trailing_positions, "not row positions"),
    ("trailing_growth_rate", _trailing_linear, "units per day"),
    ("trailing_growth_rate", _trailing_inclusive, "one day too many"),
    ("earliest_doomsday",
     _doomsday_by(lambda r: int(np.argmax(r["current"] / r["limit"]))), "closest to its limit"),
    ("earliest_doomsday",
     _doomsday_by(lambda r: int(np.argmax(r["daily_growth_rate"]))), "fastest-growing"),
    ("earliest_doomsday", _doomsday_in_days, "not a number of days"),
    ("earliest_doomsday", _doomsday_rounded, "round the number of days down"),
    ("earliest_doomsday", _doomsday_unguarded, "both special cases"),
]


@pytest.mark.parametrize(
    ("name", "function", "fragment"),
    [pytest.param(*row, id=f"{row[0]}-{i}") for i, row in enumerate(NATURAL_MISTAKES)],
)
def test_mistakes_written_as_a_learner_would_get_their_hint(name, function, fragment):
    hint = _hint_of(name, fragment)
    assert assert_one_line(name, function) == f"Not quite ({name}): {hint}"


def test_doomsday_over_the_limit_in_the_past_gets_its_hint():
    def no_over_limit_case(resources, as_of):
        days = [
            math.inf if rate <= 0 else math.log(limit / current) / math.log(1 + rate)
            for current, limit, rate in zip(
                resources["current"], resources["limit"], resources["daily_growth_rate"],
                strict=True,
            )
        ]
        first = int(np.argmin(days))
        if math.isinf(days[first]):
            return (None, None)
        return (resources["resource"][first], as_of + pd.Timedelta(days=math.floor(days[first])))

    message = assert_one_line("earliest_doomsday", no_over_limit_case)
    hint = _hint_of("earliest_doomsday", "not on a date in the past")
    assert message == f"Not quite (earliest_doomsday): {hint}"


# --------------------------------------------------------------------------- generic answers


def test_generic_wrong_answer_names_one_input_expected_and_got():
    message = assert_one_line("doubling_time_days", lambda r: 2 * doubling_time_days(r))
    assert message == (
        "Not quite (doubling_time_days): doubling_time_days(0.01) should return 69.6607, "
        "but returned 139.321."
    )
    message = assert_one_line("start_by_date", lambda d, lead, buffer: 5)
    assert message == (
        "Not quite (start_by_date): start_by_date(pd.Timestamp('2021-09-15'), 270, 30) should "
        "return a date like 2020-11-19, but returned 5 (an int)."
    )


def test_failing_hidden_case_is_labelled_hidden():
    def right_until_negative(r):
        return doubling_time_days(r) if r >= 0 else -2.0

    message = assert_one_line("doubling_time_days", right_until_negative)
    assert message == (
        "Not quite (doubling_time_days): doubling_time_days(-0.005) (a hidden case) should "
        "return inf, but returned -2."
    )


def test_returning_none_asks_for_a_return_line():
    message = assert_one_line("earliest_doomsday", lambda resources, as_of: None)
    assert message.endswith("your function returns None. Did you forget the `return` line?")


def test_exception_reports_type_and_message_without_traceback():
    def broken(resources, as_of):
        return resources["resource_name"]

    verdict = check.TASKS["earliest_doomsday"].evaluate(broken)
    assert verdict.status == "error"
    assert verdict.message.startswith(
        "Error (earliest_doomsday): earliest_doomsday on the table where storage is closest"
    )
    assert "raised KeyError: 'resource_name'" in verdict.message
    assert "Traceback" not in verdict.message


def test_wrong_number_of_parameters_is_explained():
    verdict = check.TASKS["days_until_limit"].evaluate(lambda current, limit: 0)
    assert verdict.status == "error"
    assert verdict.message == (
        "Error (days_until_limit): your function takes (current, limit) but the check calls it "
        "as days_until_limit(current, limit, daily_growth_rate). Keep the parameters given in "
        "the exercise."
    )


@pytest.mark.parametrize("thing", [42, None, 69.66, "doubling_time_days", [doubling_time_days]])
def test_not_a_function(thing):
    verdict = check.TASKS["doubling_time_days"].evaluate(thing)
    assert verdict.status == "not_a_function"
    assert verdict.message.startswith("Not a function (doubling_time_days): pass your function")


def test_answers_of_every_date_kind_are_accepted():
    def as_text(d, lead, buffer):
        return start_by_date(d, lead, buffer).strftime("%Y-%m-%d")

    kinds = [
        as_text,
        lambda d, lead, buffer: start_by_date(d, lead, buffer).date(),
        lambda d, lead, buffer: start_by_date(d, lead, buffer).to_pydatetime(),
        lambda d, lead, buffer: start_by_date(d, lead, buffer).to_datetime64(),
        lambda d, lead, buffer: start_by_date(d, lead, buffer) + pd.Timedelta(hours=13),
    ]
    for function in kinds:
        assert check.TASKS["start_by_date"].evaluate(function).status == "correct"


def test_tuple_answer_may_be_a_list_with_any_case_name():
    def as_list(resources, as_of):
        name, date = earliest_doomsday(resources, as_of)
        return [None if name is None else name.upper(), None if date is None else str(date)]

    assert check.TASKS["earliest_doomsday"].evaluate(as_list).status == "correct"


# --------------------------------------------------------------------------- robustness


def _raises_zero_division(*args):
    return 1 / 0


def _raises_key_error(*args):
    return {}["limit"]


def _recurses(*args):
    return _recurses(*args)


def _exits(*args):
    sys.exit(3)


def _prints_junk(*args):
    print("junk\nmore junk")
    print("to stderr", file=sys.stderr)
    return 1.5


def _warns(*args):
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


def _mutates(*args):
    for value in args:
        if isinstance(value, pd.DataFrame):
            del value["current"]
            value["limit"] = 0.0
        elif isinstance(value, pd.Series):
            value.iloc[:] = -1
    return 0.5


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
    "recursion": _recurses,
    "sys.exit": _exits,
    "prints junk": _prints_junk,
    "warns": _warns,
    "async": _asynchronous,
    "generator": _generator,
    "unprintable exception": _raises_unprintable,
    "mutates inputs": _mutates,
    "no parameters": lambda: 1,
    "too many parameters": lambda a, b, c, d, e: 1,
    "builtin": print,
    "class": dict,
    "not callable": 42,
    "a string": "my answer",
}


@pytest.mark.parametrize("name", TASK_NAMES)
@pytest.mark.parametrize("junk", sorted(JUNK_FUNCTIONS))
def test_any_junk_prints_one_line_and_never_raises(name, junk, capsys):
    returned = getattr(check, name)(JUNK_FUNCTIONS[junk])
    captured = capsys.readouterr()
    assert returned is None
    assert captured.err == ""
    assert len(captured.out.splitlines()) == 1, captured.out
    assert f"({name})" in captured.out
    assert "Traceback" not in captured.out
    assert not captured.out.startswith("Correct")
    assert not captured.out.startswith("Check could not run")


@pytest.mark.parametrize(
    ("junk", "status"),
    [
        ("zero division", "error"),
        ("key error", "error"),
        ("recursion", "error"),
        ("sys.exit", "error"),
        ("unprintable exception", "error"),
        ("no parameters", "error"),
        ("not callable", "not_a_function"),
        ("a string", "not_a_function"),
        ("none", "incorrect"),
        ("text", "incorrect"),
        ("bad repr", "incorrect"),
        ("async", "incorrect"),
    ],
)
def test_junk_gets_the_right_status(junk, status):
    for task in check.TASKS.values():
        assert task.evaluate(JUNK_FUNCTIONS[junk]).status == status, task.name


def test_recursion_error_is_reported_by_name():
    message = check.TASKS["doubling_time_days"].evaluate(_recurses).message
    assert "raised RecursionError: maximum recursion depth exceeded" in message


@pytest.mark.parametrize("name", ["trailing_growth_rate", "earliest_doomsday"])
def test_mutating_inputs_cannot_spoil_the_cases(name):
    task = check.TASKS[name]
    before = [tuple(getattr(arg, "copy", lambda a=arg: a)() for arg in c.args) for c in task.cases]
    assert task.evaluate(_mutates).status in {"incorrect", "error"}
    assert task.evaluate(RIGHT_ANSWERS[name]).status == "correct"
    for case, saved in zip(task.cases, before, strict=True):
        for arg, original in zip(case.args, saved, strict=True):
            if isinstance(arg, pd.DataFrame):
                pd.testing.assert_frame_equal(arg, original)
            elif isinstance(arg, pd.Series):
                pd.testing.assert_series_equal(arg, original)
            else:
                assert arg == original


def test_a_function_that_mutates_then_answers_right_is_still_correct():
    def changes_its_table_first(resources, as_of):
        resources["share_of_limit"] = resources["current"] / resources["limit"]
        resources["resource"] = resources["resource"].str.upper()
        return earliest_doomsday(resources, as_of)

    verdict = check.TASKS["earliest_doomsday"].evaluate(changes_its_table_first)
    assert verdict.status == "correct"
    assert check.TASKS["earliest_doomsday"].evaluate(earliest_doomsday).status == "correct"


def test_checked_function_state_does_not_leak():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        before = np.geterr()
        run("doubling_time_days", _warns)
        assert np.geterr() == before
        with pytest.raises(DeprecationWarning):
            warnings.warn("still an error", DeprecationWarning, stacklevel=1)


# Any value at all, nested with hostile ones, for every task of every lesson: see
# tests/test_check_cells.py.


@settings(max_examples=30, deadline=None)
@given(
    message=st.text(),
    error=st.sampled_from([ValueError, TypeError, KeyError, ZeroDivisionError, RuntimeError]),
    name=st.sampled_from(TASK_NAMES),
)
def test_any_exception_message_gives_one_error_line(message, error, name):
    def raises(*args):
        raise error(message)

    returned, out, err = run(name, raises)
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
