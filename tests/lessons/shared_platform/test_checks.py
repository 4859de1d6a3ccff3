"""The self-checks of lesson 02: hand-computed answers, and the mistakes learners make.

The right answers (tests/lessons/shared_platform/answers.py) are written the way a
learner would. What every lesson's checks must do (a right answer is correct, the
stub is not attempted, each listed mistake gets its hint, junk gets one line) is
tested for every task in tests/test_lesson_checks.py.
"""

from functools import partial

import numpy as np
import pytest

from infralab import platform
from infralab.checks import shared_platform as check
from tests.check_runner import printed_line

printed = partial(printed_line, check)


def test_reference_answers_match_hand_computed_values():
    expected = {name: [case.expected for case in task.cases] for name, task in check.TASKS.items()}
    # 50 * 17.4 / (17.3 * 16.6); 20 * 4 / (10 * 2) = 4; a free platform crosses at 0.
    assert expected["crossing_month"][:3] == pytest.approx([50 * 17.4 / (17.3 * 16.6), 4.0, 0.0])
    assert expected["crossing_month"][3] is None
    # 50 / 16.6 = 3.01 -> 4; 30 / 10 = 3, a tie -> 4; 50 / 1.6 = 31.25 -> 32; free -> 1.
    assert expected["columns_to_pay_off"] == [4, 4, 32, None, 1]
    assert expected["inconsistency_chance"] == pytest.approx([1 - 0.95**30, 0.05, 0.0, 63 / 64])
    # 8 of 10 runs by month 12: now at 80%, later at 90%; none at all: later; 60% of
    # runs at month 5: later (the median says now); 70% at month 2 against 60%: now.
    assert expected["platform_decision"] == ["now", "later", "later", "later", "now"]


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


def test_two_broken_contracts_are_named_one_line_at_a_time():
    def learner(max_stars):
        return platform.ColumnType("rating", to_text=str, from_text=int, sort_key=str,
                                   examples=tuple(range(1, max_stars + 1)))

    # The range check fails at every size, the sort only at 10 stars: the line names the
    # contract that explains every failing case, and after that fix the next one.
    assert printed("rating_column", learner).startswith(
        "Not quite (rating_column): the contract refuses_bad_text fails")

    def fixed_range(max_stars):
        return _rating(max_stars, sort_key=str)

    assert printed("rating_column", fixed_range).startswith(
        "Not quite (rating_column): the contract sort_order fails")


def test_failures_no_single_contract_explains_are_listed_in_the_fallback_line():
    def learner(max_stars):
        # 5 stars: exported as stars (round trip fails); 10 stars: sorted as text.
        if max_stars == 5:
            return _rating(max_stars, to_text=lambda n: "★" * n)
        return _rating(max_stars, sort_key=str)

    line = printed("rating_column", learner)
    assert line.startswith("Not quite (rating_column): rating_column(5) should return a column "
                           "type that passes all 5 contracts, but returned a column type that "
                           "fails round_trip")


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
