"""The self-checks of lesson 03: hand-computed answers, and the mistakes learners make.

The right answers (tests/lessons/doomsday_clock/answers.py) are written the way a
learner would write them in the exercise notebook, independently of the
reference functions in the check module. What every lesson's checks must do (a
right answer is correct, the stub is not attempted, each listed mistake gets
its hint, junk gets one line) is tested for every task in
tests/test_lesson_checks.py.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import partial

import numpy as np
import pandas as pd
import pytest

from infralab.checks import doomsday_clock as check
from tests.check_runner import printed_line
from tests.lessons.doomsday_clock.answers import (
    days_until_limit,
    doubling_time_days,
    earliest_doomsday,
    start_by_date,
    trailing_growth_rate,
)

#: ``printed(name, function)``: the one line the check cell of task ``name`` prints.
printed = partial(printed_line, check)


# --------------------------------------------------------------------------- reference answers


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


# --------------------------------------------------------------------------- mistakes learners make


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
    assert printed(name, function) == f"Not quite ({name}): {hint}"


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

    message = printed("earliest_doomsday", no_over_limit_case)
    hint = _hint_of("earliest_doomsday", "not on a date in the past")
    assert message == f"Not quite (earliest_doomsday): {hint}"


# --------------------------------------------------------------------------- answers of other kinds


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


# --------------------------------------------------------------------------- messages


def test_generic_wrong_answer_names_one_input_expected_and_got():
    message = printed("doubling_time_days", lambda r: 2 * doubling_time_days(r))
    assert message == (
        "Not quite (doubling_time_days): doubling_time_days(0.01) should return 69.6607, "
        "but returned 139.321."
    )
    message = printed("start_by_date", lambda d, lead, buffer: 5)
    assert message == (
        "Not quite (start_by_date): start_by_date(pd.Timestamp('2021-09-15'), 270, 30) should "
        "return a date like 2020-11-19, but returned 5 (an int)."
    )


def test_failing_hidden_case_is_labelled_hidden():
    def right_until_negative(r):
        return doubling_time_days(r) if r >= 0 else -2.0

    message = printed("doubling_time_days", right_until_negative)
    assert message == (
        "Not quite (doubling_time_days): doubling_time_days(-0.005) (a hidden case) should "
        "return inf, but returned -2."
    )


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
