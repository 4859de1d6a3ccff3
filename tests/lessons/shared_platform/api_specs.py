"""Public-API specs of lesson 02's model (``infralab.platform``).

Found by ``tests/test_public_api.py`` through :data:`infralab.lessons.LESSONS`.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from infralab import platform
from tests.api_specs import (
    BAD_ARRAY,
    BAD_SEED,
    BAD_TEXT,
    SEEDS,
    Spec,
    bad_integer,
    bad_number,
    kwargs,
)
from tests.api_specs import finite as _finite

WEEKS = _finite(0.1, 100.0)
BAD_WEEKS = bad_number(0.0, 1e6, open_low=True)  # > 0
BAD_UPFRONT = bad_number(0.0, 1e6)  # >= 0
MONTHS = st.integers(1, 60)
COLUMNS = st.integers(1, 100)
TYPES = st.sampled_from([platform.TEXT, platform.NUMBER, platform.DATE, platform.STATUS])
#: Stands for a freshly written export file: :func:`_with_export` writes one.
AN_EXPORT = "<a fresh export file>"


def _with_export(function, arguments):
    arguments = dict(arguments)
    if arguments.get("path") != AN_EXPORT:
        return function(**arguments)
    board = platform.Board({"Task": platform.SharedColumn(platform.TEXT)}, [{"Task": "x"}])
    with tempfile.TemporaryDirectory() as folder:
        arguments["path"] = board.to_csv(Path(folder) / "board.csv", "anyone")
        return function(**arguments)


SPECS = {
    "infralab.platform.cumulative_columns": Spec(
        kwargs(months=st.lists(_finite(0.0, 100.0), min_size=1, max_size=5), capacity=WEEKS,
               weeks_per_column=WEEKS, column_types=COLUMNS, upfront_weeks=_finite(0.0, 100.0)),
        invalid={"months": (*BAD_ARRAY, [-1.0]), "capacity": BAD_WEEKS,
                 "weeks_per_column": BAD_WEEKS, "column_types": bad_integer(1, 100_000),
                 "upfront_weeks": BAD_UPFRONT},
    ),
    "infralab.platform.break_even_month": Spec(
        kwargs(capacity=WEEKS, platform_weeks=_finite(0.0, 300.0), weeks_without=WEEKS,
               weeks_with=WEEKS, column_types=COLUMNS, horizon_months=MONTHS),
        invalid={"capacity": BAD_WEEKS, "platform_weeks": BAD_UPFRONT,
                 "weeks_without": BAD_WEEKS, "weeks_with": BAD_WEEKS,
                 "column_types": bad_integer(1, 100_000), "horizon_months": bad_integer(1, 600)},
    ),
    "infralab.platform.columns_to_pay_off": Spec(
        kwargs(platform_weeks=_finite(0.0, 300.0), weeks_without=WEEKS, weeks_with=WEEKS),
        invalid={"platform_weeks": BAD_UPFRONT, "weeks_without": BAD_WEEKS,
                 "weeks_with": BAD_WEEKS},
    ),
    "infralab.platform.inconsistency_chance": Spec(
        kwargs(copies=st.integers(0, 100) | st.lists(st.integers(0, 100), min_size=1,
                                                     max_size=4),
               defect_rate=_finite(0.0, 1.0)),
        invalid={"copies": (None, "3", 2.5, -1, True, [1.5], [-1], [], math.nan),
                 "defect_rate": bad_number(0.0, 1.0)},
    ),
    "infralab.platform.simulate_break_even": Spec(
        kwargs(runs=st.integers(1, 200), capacity=WEEKS, platform_weeks=_finite(0.0, 300.0),
               unique_weeks=WEEKS, capability_weeks=_finite(0.0, 10.0),
               capabilities=st.integers(0, 10), hookup_weeks=_finite(0.0, 2.0),
               column_types=COLUMNS, horizon_months=MONTHS, uncertainty=_finite(0.0, 1.0),
               seed=SEEDS, rebuild_chance=_finite(0.0, 1.0)),
        invalid={"runs": bad_integer(1, 5_000_000), "capacity": BAD_WEEKS,
                 "rebuild_chance": bad_number(0.0, 1.0),
                 "platform_weeks": BAD_UPFRONT, "unique_weeks": BAD_WEEKS,
                 "capability_weeks": BAD_UPFRONT, "capabilities": bad_integer(0, 1000),
                 "hookup_weeks": BAD_UPFRONT, "column_types": bad_integer(1, 100_000),
                 "horizon_months": bad_integer(1, 600), "uncertainty": bad_number(0.0, 2.0),
                 "seed": BAD_SEED},
        non_finite="NaN marks a run that never breaks even within the horizon, as documented",
    ),
    "infralab.platform.break_even_band": Spec(
        kwargs(months=st.lists(st.integers(1, 24).map(float) | st.just(math.nan), min_size=1,
                               max_size=30),
               level=_finite(0.05, 0.95)),
        invalid={"months": (None, "3", [], [math.inf], [[1.0, 2.0]], [1.5, 2.0]),
                 "level": bad_number(0.0, 1.0, open_low=True, open_high=True)},
        non_finite="inf stands for 'never within the horizon', as documented",
    ),
    "infralab.platform.ColumnType": Spec(
        kwargs(name=st.sampled_from(["rating", "timeline"]), to_text=st.just(str),
               from_text=st.just(int), examples=st.just((1, 2, 3)),
               sort_key=st.just(abs), bad_texts=st.just(("many",)),
               limits=st.sampled_from([None, (1, 3), (0, 10)])),
        invalid={"name": (*BAD_TEXT, "", "  "), "to_text": (None, "str", 3),
                 "from_text": (None, "int"), "examples": (None, (1,), "12", (1, None), 3),
                 "sort_key": (None, 3), "bad_texts": (None, (1,), "ab"),
                 "limits": ((1,), (3, 1), "13", (1, None), (1, "a"), 3)},
    ),
    "infralab.platform.Registry": Spec(kwargs()),
    "infralab.platform.standard_registry": Spec(kwargs()),
    "infralab.platform.SharedColumn": Spec(
        kwargs(column_type=TYPES), invalid={"column_type": (None, "text", 3)},
    ),
    "infralab.platform.Board": Spec(
        kwargs(columns=TYPES.map(lambda t: {"A": platform.SharedColumn(t)}),
               rows=st.just([{}, {"A": None}]),
               viewers=st.just(None) | st.just({"A": {"finance"}})),
        invalid={"columns": (None, {}, {"A": "text"}, "A"),
                 "rows": (None, "rows", [3], [{"B": 1}]),
                 "viewers": (3, {"B": {"x"}}, {"A": "finance"})},
    ),
    "infralab.platform.read_export": Spec(
        kwargs(path=st.just(AN_EXPORT)),
        invalid={"path": (None, 3, 2.5, True, ["f"], b"f", "", "notes.txt")},
        call=_with_export,
    ),
    "infralab.platform.run_contracts": Spec(
        kwargs(column=TYPES.map(platform.SharedColumn) | st.sampled_from(
            list(platform.TEAM_COLUMNS.values())), examples=st.just(None)),
        invalid={"column": (None, 3, "text"), "examples": ("12", [1], [1, None], 3)},
    ),
    "infralab.platform.failed_contracts": Spec(
        kwargs(report=st.just(platform.run_contracts(platform.TEAM_COLUMNS["launch"]))),
        invalid={"report": (None, [True], "report", pd.DataFrame())},
    ),
    "infralab.platform.lines_of_code": Spec(
        kwargs(thing=st.sampled_from([platform.DeadlineColumn, platform.SharedColumn,
                                      platform.lines_of_code])),
        invalid={"thing": (None, 3, "DeadlineColumn")},
    ),
    "infralab.checks.shared_platform.ready": Spec(
        kwargs(function=st.just(lambda *args: 1.0)),
        unchecked={"function": "any answer, or a task's name: the check says which it is"},
    ),
}

RECORDS = {
    "infralab.platform.BreakEvenRuns": "built by simulate_break_even",
    "infralab.platform.BreakEvenBand": "built by break_even_band",
    "infralab.platform.DeadlineColumn": "a team's hand-written column, no arguments",
    "infralab.platform.TimelineColumn": "a team's hand-written column, no arguments",
    "infralab.platform.LaunchColumn": "a team's hand-written column, no arguments",
}
