"""The self-checks of lesson 07: hand-computed answers, and what the sheet says of them.

What every lesson's checks must do (a right answer is correct, the stub is not
attempted, each listed mistake gets its hint, junk gets one line) is tested for every
task in tests/test_lesson_checks.py; here, the expected answers against hand
computation, and the sheet's worked examples against the checks.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import nbformat
import pandas as pd

from infralab import capstone
from infralab.checks import capstone as check
from tests.check_runner import printed_line
from tests.lessons.capstone.answers import (
    area_scores,
    first_fix,
    fix_export,
    parse_number,
    scorecard_gaps,
)

ROOT = Path(__file__).resolve().parents[3]
printed = partial(printed_line, check)
SHEET = "\n".join(
    cell.source for cell in nbformat.read(ROOT / "solutions/07_capstone.ipynb", as_version=4).cells
)


def _expected(name):
    return [case.expected for case in check.TASKS[name].cases]


def test_the_sheet_has_six_tasks_in_order():
    assert list(check.TASKS) == [
        "statement_points", "scorecard_gaps", "area_scores", "parse_number", "fix_export",
        "first_fix"]


def test_statement_points_by_hand():
    assert _expected("statement_points") == [0.75, 0.25, 0.0, 1.0, 0.0, 0.5]


def test_area_scores_by_hand():
    first, best, worst, single = _expected("area_scores")
    # a: mistake 4 -> 1/4, b: sign 2 -> 1/4; c: sign 5 -> 1, d: mistake 1 -> 1, e: sign 3 -> 1/2
    assert first == {"Doomsday clock": 25.0, "Shared platform": 250 / 3}
    assert best == {"Doomsday clock": 100.0, "Shared platform": 100.0}
    assert worst == {"Doomsday clock": 0.0, "Shared platform": 0.0}
    assert single == {"Doomsday clock": 50.0}
    assert '`{"Doomsday clock": 25.0, "Shared platform": 83.33...}`' in SHEET


def test_parse_number_by_hand():
    assert _expected("parse_number") == [12480.2, 69.7, 1234.5, 2048.0, None, 0.75]
    assert parse_number("1 234,5") == 1234.5


def test_scorecard_gaps_by_hand_and_the_sheets_example():
    assert _expected("scorecard_gaps") == [
        ["limits_known", "server_logs_with_ids"], [],  # the second holds a 5.0: it is 5
        ["features_over_quality", "limits_known", "scale_when_failing"],
        ["features_over_quality", "limits_known"], ["limits_known"],
        ["limits_known"],  # True is not an answer, though True == 1
    ]
    assert "**and `5.0` counts as 5**" in SHEET  # said before the task (test_sheet.py)
    assert "`True` and `None` are not valid" in SHEET
    ids = ["limits_known", "scale_when_failing", "server_logs_with_ids"]
    answer = scorecard_gaps({"limits_known": 6, "scale_when_failing": 4}, ids)
    assert answer == ["limits_known", "server_logs_with_ids"]
    assert '→ `["limits_known", "server_logs_with_ids"]`' in SHEET


def test_first_fix_by_hand():
    cases = _expected("first_fix")
    # cpu: 28 May 2021 - 270 - 60 days; storage in the hidden case: 25 Apr 2021 - 180 - 30
    assert cases[0] == ("cpu_peak", pd.Timestamp("2020-07-02"))
    assert cases[1] == ("storage", pd.Timestamp("2020-09-27"))
    assert cases[2] == ("storage", pd.Timestamp("2021-06-04"))
    assert cases[3] == (None, None)
    assert 'Timestamp("2020-07-02"))`' in SHEET


def test_first_fix_on_a_real_doomsday_table_matches_the_lessons_start_by_dates():
    from infralab import growth

    mine = capstone.read_metrics_csv(ROOT / "data/my_metrics_example.csv")
    limits = {"storage": 64 * 1024, "cpu_peak": 90, "connections": 5_000}
    table = growth.doomsday_table(mine.frame, limits, rng=2020, n_simulations=300,
                                  running_totals=["storage"], cycle_days=7, block_days=1)
    lead = {"storage": 180, "cpu_peak": 270, "connections": 30}
    resource, start_by = first_fix(table, lead, 60)
    starts = {row.resource: growth.start_by_date(row.earliest, lead[row.resource], 60)
              for row in table.itertuples()}
    assert start_by == min(starts.values()) and starts[resource] == start_by


def test_the_usual_mistakes_get_their_hints():
    def no_reversal(answer, kind):
        return (answer - 1) / 4

    assert "scores the other way round" in printed("statement_points", no_reversal)

    def zero_for_empty(text):
        return parse_number(text) if text.strip() else 0.0

    assert "gap in the data, not a reading of 0" in printed("parse_number", zero_for_empty)

    def median_doomsday(table, lead_time_days, buffer_days):
        return first_fix(table.assign(earliest=table.doomsday), lead_time_days, buffer_days)

    assert "not the median" in printed("first_fix", median_doomsday)


def test_fix_export_by_hand_and_the_sheets_example():
    first, gaps_and_repeat, clean = _expected("fix_export")
    assert first[2] == '02/07/2020,db-primary-1,"5,754.4",,"1,094"'  # n/a emptied, quotes kept
    assert len(first) == 5  # the repeated 03/07/2020 dropped
    assert gaps_and_repeat == ["date,storage,cpu", "2024-03-01,100,", "2024-03-02,,",
                               "2024-03-03,102,51"]
    assert clean == ["date,storage", "2024-03-01,100", "2024-03-02,101"]
    example = fix_export(["date,cpu", "2024-03-01,n/a", "2024-03-01,50"])
    assert example == ["date,cpu", "2024-03-01,"]
    assert '→ `["date,cpu", "2024-03-01,"]`' in SHEET


def test_each_wrong_answer_the_review_names_gets_a_fitting_verdict():
    def whole_range(answers, ids):  # lets 2.5 and True through
        return [q for q in ids if not isinstance(answers.get(q), (int, float))
                or not 1 <= answers.get(q) <= 5]

    assert "2.5 and True got through" in printed("scorecard_gaps", whole_range)

    def no_bool_rule(answers, ids):
        return [q for q in ids if answers.get(q) not in (1, 2, 3, 4, 5)
                or isinstance(answers.get(q), str)]

    assert "True got through" in printed("scorecard_gaps", no_bool_rule)

    def int_only(answers, ids):
        return [q for q in ids if type(answers.get(q)) is not int or not 1 <= answers.get(q) <= 5]

    assert "5.0 is a whole number too" in printed("scorecard_gaps", int_only)

    def rounded(answers, questions):
        scores = dict(area_scores(answers, questions))
        return {step: round(score, 1) for step, score in scores.items()}

    assert printed("area_scores", rounded).startswith("Correct")

    def whole_percent(answers, questions):
        scores = dict(area_scores(answers, questions))
        return {step: round(score) for step, score in scores.items()}

    assert printed("area_scores", whole_percent).startswith("Not quite")

    def none_for_nothing(table, lead_time_days, buffer_days):
        answer = first_fix(table, lead_time_days, buffer_days)
        return None if answer == (None, None) else answer

    line = printed("first_fix", none_for_nothing)
    assert "(None, None), not None" in line and "forget the `return`" not in line

    def zero_instead(lines):
        fixed, previous = [], None
        for line in lines:
            cells = line.split(",")
            if cells[0] != previous:
                fixed.append(",".join("0" if c.lower() == "n/a" else c for c in cells))
            previous = cells[0]
        return fixed

    assert "a 0 is a reading" in printed("fix_export", zero_instead)

    def repeat_left(lines):
        return [",".join("" if c.lower() == "n/a" else c for c in line.split(","))
                for line in lines]

    assert "still there: drop the second row" in printed("fix_export", repeat_left)


def test_answers_the_check_accepts_do_not_break_the_next_cells():
    """Lower-case step names and a start-by date as text pass the check; the sheet copes."""

    def lower_case(answers, questions):
        return {str(step).lower(): score for step, score in area_scores(answers, questions).items()}

    def text_date(table, lead_time_days, buffer_days):
        resource, start_by = first_fix(table, lead_time_days, buffer_days)
        return resource, None if start_by is None else f"{start_by:%Y-%m-%d}"

    assert printed("area_scores", lower_case).startswith("Correct")
    assert printed("first_fix", text_date).startswith("Correct")
    assert "by_step[row.step.casefold()]" in SHEET and "pd.Timestamp(start_by)" in SHEET
