"""The self-checks of lesson 02: hand-computed answers, and the mistakes learners make.

The right answers (tests/lessons/shared_platform/answers.py) are written the way a
learner would. What every lesson's checks must do (a right answer is correct, the
stub is not attempted, each listed mistake gets its hint, junk gets one line) is
tested for every task in tests/test_lesson_checks.py.
"""

import math
from functools import partial

import numpy as np
import pytest

from infralab import platform
from infralab.checks import shared_platform as check
from tests.check_runner import printed_line

printed = partial(printed_line, check)


def test_reference_answers_match_hand_computed_values():
    expected = {name: [case.expected for case in task.cases] for name, task in check.TASKS.items()}
    # 20 * 4 / (10 * 2) = 4; 50 * 17.4 / (17.3 * 16.6); a free platform crosses at 0.
    assert expected["crossing_month"][:3] == pytest.approx([4.0, 50 * 17.4 / (17.3 * 16.6), 0.0])
    assert expected["crossing_month"][3] is None
    # 50 / 16.6 = 3.01 -> 4; 30 / 10 = 3, a tie -> 4; 50 / 1.6 = 31.25 -> 32; free -> 1.
    assert expected["columns_to_pay_off"] == [4, 4, 32, None, 1]
    assert expected["inconsistency_chance"] == pytest.approx([1 - 0.95**30, 0.05, 0.0, 63 / 64])
    # 8 of 10 runs by month 12: now at 80%, later at 90%; none at all: later; 60% of
    # runs at month 5: later (the median says now); 70% at month 2 against 60%: now.
    # 7 runs in month 12 itself, 2 earlier, 1 never: 90% by month 12 (month 12 counts): now.
    assert expected["platform_decision"] == ["now", "later", "later", "later", "now", "now"]


def _rating(max_stars=5, **change):
    def read(text):
        stars = int(text)
        if not 1 <= stars <= max_stars:
            raise ValueError("out of range")
        return stars

    fields = dict(name="rating", to_text=str, from_text=read,
                  examples=tuple(range(1, max_stars + 1)))
    return platform.ColumnType(**{**fields, **change})


def test_the_contract_check_names_the_contract_a_learner_broke():
    hints = {mistake.hint for mistake in check.TASKS["rating_column"].mistakes}

    def learner(**change):
        return lambda max_stars: _rating(max_stars, **change)

    line = printed("rating_column", learner(sort_key=str))
    assert line.startswith("Not quite (rating_column): the contract sort_order fails")
    line = printed("rating_column", learner(from_text=int))
    assert line.startswith("Not quite (rating_column): the contract refuses_bad_text fails")
    line = printed("rating_column", learner(to_text=lambda n: "★" * n))
    assert line.startswith("Not quite (rating_column): the contract round_trip fails")
    assert all(line.removeprefix("Not quite (rating_column): ") in hints for line in [line])


def test_a_learner_who_forgets_the_examples_still_passes_when_the_column_is_right():
    # The check judges with its own ratings, not the learner's examples.
    def right_but_few_examples(max_stars):
        def read(text):
            stars = int(text)
            if not 1 <= stars <= max_stars:
                raise ValueError("out of range")
            return stars
        return platform.ColumnType("rating", to_text=str, from_text=read, examples=(1, 2))

    assert printed("rating_column", right_but_few_examples).startswith("Correct")


def test_two_broken_contracts_are_named_one_at_a_time_with_how_many_more():
    def learner(max_stars):
        return platform.ColumnType("rating", to_text=str, from_text=int, sort_key=str,
                                   examples=tuple(range(1, max_stars + 1)))

    # The range check fails at every size, the sort only at 10 stars: the line names the
    # range check first (the first failing case, 5 stars), with the text that got through.
    line = printed("rating_column", learner)
    assert "the contract refuses_bad_text fails: from_text('0') gives 0" in line

    def fixed_range(max_stars):
        return _rating(max_stars, sort_key=str)

    assert printed("rating_column", fixed_range).startswith(
        "Not quite (rating_column): the contract sort_order fails")

    def everything_wrong(max_stars):
        return platform.ColumnType("rating", to_text=lambda n: "★" * n, from_text=float,
                                   sort_key=lambda v: -v,
                                   examples=tuple(range(1, max_stars + 1)))

    line = printed("rating_column", everything_wrong)
    assert "the contract round_trip fails: rating 1 exports as '★'" in line
    assert line.endswith("And 2 more: sort_order, refuses_bad_text (fix this one first).")


_PREFIX = ("Not quite (rating_column): rating_column(5) should return a column type that passes "
           "all 5 contracts, but returned a column type for which ")


def _reading(max_stars, low=1, top=None, error=ValueError, parse=int):
    top = max_stars if top is None else top

    def read(text):
        stars = parse(text)
        if not low <= stars <= top:
            raise error("out of range")
        return stars
    return read


@pytest.mark.parametrize(
    ("learner", "line"),
    [
        # a range that leaves out the top rating: the line names 5, not 3
        (lambda m: _rating(m, from_text=_reading(m, top=m - 1)),
         _PREFIX + "the contract round_trip fails: rating 5 exports as '5', which from_text "
         "refuses (ValueError). Make from_text read back every rating from 1 to 5 that to_text "
         "writes."),
        # to_text that mangles only the top rating
        (lambda m: _rating(m, to_text=lambda n: str(n) if n < m else "top"),
         _PREFIX + "the contract round_trip fails: rating 5 exports as 'top', which from_text "
         "refuses (ValueError). Make from_text read back every rating from 1 to 5 that to_text "
         "writes."),
        # a bad text refused with the wrong exception
        (lambda m: _rating(m, from_text=lambda t: _reading(m)(t) if t.isdigit()
                           else (_ for _ in ()).throw(TypeError("no"))),
         _PREFIX + "the contract refuses_bad_text fails: from_text('2.5') raises TypeError, not "
         "ValueError. Raise ValueError for a text that is not a rating: that is how the "
         "platform recognises a bad cell."),
        # a float parse accepts "2.5"
        (lambda m: _rating(m, from_text=_reading(m, parse=float)),
         _PREFIX + "the contract refuses_bad_text fails: from_text('2.5') gives 2.5 instead of "
         "raising ValueError. A rating is a whole number: read it with int(text)."),
        # sorted the wrong way round: nothing is sorted as text here
        (lambda m: _rating(m, sort_key=lambda v: -v),
         _PREFIX + "the contract sort_order fails: sorting by sort_key puts 5 before 4. Sort by "
         "the number itself: leave sort_key out (it defaults to the value)."),
        # examples listed from the top: the platform's own suite would fail them too
        (lambda m: _rating(m, examples=tuple(range(m, 0, -1))),
         _PREFIX + "the contract sort_order fails: your examples (5, 4, 3, 2, 1) are not in "
         "ascending order; the platform's contracts sort them and compare with your list. "
         "List them from 1 up."),
    ],
    ids=["range-misses-top", "top-mangled", "type-error", "float-parse", "descending-key",
         "descending-examples"],
)
def test_each_wrong_rating_is_told_the_value_that_failed(learner, line):
    assert printed("rating_column", learner) == line


def test_a_hard_coded_size_is_told_the_hidden_size_that_fails():
    line = printed("rating_column", lambda m: _rating(m, from_text=_reading(m, top=5)))
    assert line == (
        "Not quite (rating_column): rating_column(10) (a hidden case) should return a column "
        "type that passes all 5 contracts, but returned a column type for which the contract "
        "round_trip fails: rating 6 exports as '6', which from_text refuses (ValueError). Make "
        "from_text read back every rating from 1 to 10 that to_text writes.")


def test_descending_examples_fail_the_platforms_own_suite_as_the_check_says():
    column = platform.SharedColumn(_rating(5, examples=(5, 4, 3, 2, 1)))
    assert platform.failed_contracts(platform.run_contracts(column)) == ["sort_order"]


def test_a_right_rating_passes_the_platforms_own_suite_too():
    from tests.lessons.shared_platform.answers import rating_column

    for stars in (3, 5, 10):
        column = platform.SharedColumn(rating_column(stars))
        assert platform.failed_contracts(platform.run_contracts(column)) == []


@pytest.mark.parametrize(
    ("task", "answer", "start"),
    [
        ("crossing_month", lambda c, p, a, b: math.inf if a <= b else p * a / (c * (a - b)),
         "Correct"),
        ("crossing_month", lambda c, p, a, b: math.nan if a <= b else p * a / (c * (a - b)),
         "Correct"),
        ("crossing_month", lambda c, p, a, b: None if a <= b else round(p * a / (c * (a - b)), 2),
         "Correct"),
        ("crossing_month", lambda c, p, a, b: None if a <= b else math.ceil(p * a / (c * (a - b))),
         "Not quite (crossing_month): you returned a whole month: the break-even month"),
        ("crossing_month",
         lambda c, p, a, b: None if a <= b else math.floor(p * a / (c * (a - b))) + 1,
         "Not quite (crossing_month): you returned a whole month: the break-even month"),
        ("columns_to_pay_off", lambda p, a, b: None if a <= b else math.floor(p / (a - b)),
         "Not quite (columns_to_pay_off): rounding platform_weeks / (weeks_without - "
         "weeks_with) down (or to the nearest)"),
        ("columns_to_pay_off", lambda p, a, b: None if a <= b else round(p / (a - b)),
         "Not quite (columns_to_pay_off): rounding platform_weeks / (weeks_without - "
         "weeks_with) down (or to the nearest)"),
        ("inconsistency_chance", lambda n, p: round(1 - (1 - p) ** n, 3), "Correct"),
        ("inconsistency_chance", lambda n, p: 100 * (1 - (1 - p) ** n),
         "Not quite (inconsistency_chance): that is a percentage"),
        ("inconsistency_chance", lambda n, p: min(1, n * p),
         "Not quite (inconsistency_chance): min(1, copies * defect_rate) caps the sum"),
        ("platform_decision",
         lambda m, h, c: "now" if np.mean(np.asarray(m, float) < h) >= c else "later",
         "Not quite (platform_decision): a run that breaks even in month horizon_months itself"),
        ("platform_decision",
         lambda m, h, c: "now" if np.mean(~(np.asarray(m, float) > h)) >= c else "later",
         "Not quite (platform_decision): your count takes the runs that never break even (NaN)"),
    ],
    ids=["inf-for-never", "nan-for-never", "two-decimals", "ceil", "floor-plus-one", "floor",
         "round", "three-decimals", "percentage", "capped-sum", "strict-horizon", "nan-counts"],
)
def test_the_wrong_answers_the_review_named_get_their_own_line(task, answer, start):
    assert printed(task, answer).startswith(start)


def test_something_that_is_not_a_column_type_is_told_so():
    line = printed("rating_column", lambda max_stars: str)
    assert line == ("Not quite (rating_column): rating_column(5) should return a column type "
                    "(platform.ColumnType) like a column type that passes all 5 contracts, but "
                    "returned <class 'str'> (a type).")


def test_a_rating_that_never_ends_is_stopped():
    from infralab.checks import tasks

    def slow(max_stars):
        def to_text(value):
            while True:
                pass
        return platform.ColumnType("rating", to_text=to_text, from_text=int, examples=(1, 2))

    original = tasks.TIME_LIMIT_SECONDS
    tasks.TIME_LIMIT_SECONDS = 0.5
    try:
        line = printed("rating_column", slow)
    finally:
        tasks.TIME_LIMIT_SECONDS = original
    assert line.startswith("Stopped (rating_column): ") and "endless loop" in line


def test_the_decision_accepts_any_case_and_numpy_input():
    def shouting(break_even_months, horizon_months, confidence):
        months = np.nan_to_num(np.asarray(break_even_months, float), nan=np.inf)
        return "NOW" if np.mean(months <= horizon_months) >= confidence else "Later"

    assert printed("platform_decision", shouting).startswith("Correct")


def test_the_tasks_own_round_example_is_a_visible_case_and_comes_first():
    first = check.TASKS["crossing_month"].cases[0]
    assert (first.args, first.expected, first.hidden) == ((10.0, 20.0, 4.0, 2.0), 4.0, False)
    assert len(check.EXAMPLES["crossing_month"]) == 2


@pytest.mark.parametrize(
    ("answer", "start"),
    [
        # the column types at which the paths meet: 20 / 2 = 10 where the answer is 4.0
        (lambda c, p, a, b: p / (a - b),
         "Not quite (crossing_month): platform_weeks / (weeks_without - weeks_with) is the "
         "number of column types at which the two paths meet, not a month: capacity is missing."),
        (lambda c, p, a, b: None if a <= b else p / (a - b),
         "Not quite (crossing_month): platform_weeks / (weeks_without - weeks_with) is the "
         "number of column types at which the two paths meet, not a month: capacity is missing."),
        # team-weeks rather than months: 20 * 4 / 2 = 40 where the answer is 4.0
        (lambda c, p, a, b: p * a / (a - b),
         "Not quite (crossing_month): that is in team-weeks, not months: capacity is missing."),
        (lambda c, p, a, b: None if a <= b else p * a / (a - b),
         "Not quite (crossing_month): that is in team-weeks, not months: capacity is missing."),
    ],
    ids=["column-types", "column-types-with-none", "team-weeks", "team-weeks-with-none"],
)
def test_a_crossing_without_capacity_is_told_capacity_is_missing(answer, start):
    assert printed("crossing_month", answer).startswith(start)


@pytest.mark.parametrize(
    ("task", "answer", "call"),
    [
        # a formula no listed mistake explains, without the None case
        ("crossing_month", lambda c, p, a, b: p * a / (c * (a - b)) + 1,
         "crossing_month(10.0, 30.0, 2.0, 2.0) (a hidden case)"),
        # right but for the None case: task 2 lists no mistake for it
        ("columns_to_pay_off", lambda p, a, b: int(p // (a - b)) + 1,
         "columns_to_pay_off(30.0, 2.0, 2.0) (a hidden case)"),
        ("columns_to_pay_off", lambda p, a, b: int(p * b // (a - b)),
         "columns_to_pay_off(30.0, 2.0, 2.0) (a hidden case)"),
    ],
    ids=["crossing", "pay-off-right-formula", "pay-off-other-formula"],
)
def test_dividing_by_zero_where_the_answer_is_none_is_told_to_return_none(task, answer, call):
    line = printed(task, answer)
    assert line.startswith(
        f"Not quite ({task}): {call} raised ZeroDivisionError, and there the answer is None: "
        "when weeks_without <= weeks_with")
    assert line.endswith("return None in that case, before dividing.")
    assert check.TASKS[task].evaluate(answer).message == line
    assert check.TASKS[task].evaluate(answer).status == "incorrect"


def test_other_errors_are_still_reported_as_errors():
    def broken(capacity, platform_weeks, weeks_without, weeks_with):
        raise ValueError("no")

    line = printed("crossing_month", broken)
    assert line.startswith("Error (crossing_month): crossing_month(10.0, 20.0, 4.0, 2.0) raised "
                           "ValueError")


def test_a_listed_mistake_without_the_none_case_still_gets_its_own_hint():
    # ceil at the tie, written without the None case: the hint, not the division by zero
    line = printed("columns_to_pay_off", lambda p, a, b: math.ceil(p / (a - b)))
    assert line.startswith("Not quite (columns_to_pay_off): at exactly platform_weeks")
    line = printed("crossing_month", lambda c, p, a, b: math.floor(p * a / (c * (a - b))) + 1)
    assert line.startswith("Not quite (crossing_month): you returned a whole month")
