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
from tests.lessons.capstone.answers import first_fix, parse_number, scorecard_gaps

ROOT = Path(__file__).resolve().parents[3]
printed = partial(printed_line, check)
SHEET = "\n".join(
    cell.source for cell in nbformat.read(ROOT / "solutions/07_capstone.ipynb", as_version=4).cells
)


def _expected(name):
    return [case.expected for case in check.TASKS[name].cases]


def test_the_sheet_has_five_tasks_in_order():
    assert list(check.TASKS) == [
        "statement_points", "scorecard_gaps", "area_scores", "parse_number", "first_fix"]


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
        ["limits_known", "server_logs_with_ids"], [],
        ["features_over_quality", "limits_known", "scale_when_failing"],
        ["features_over_quality", "limits_known"], ["limits_known"],
    ]
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
