"""Self-checks for the exercises of lesson 07, the capstone.

Each function below checks one exercise task. A check cell reads::

    from infralab.checks import capstone as check
    check.statement_points(statement_points)

It runs your function on several inputs, some of them hidden from the
notebook, and prints one line: correct, not attempted yet, a hint for a common
mistake, or one input where your answer differs from the expected one.

The expected answers are worked out here, independently of
:mod:`infralab.capstone` and :mod:`infralab.growth`:

=====================  ===================================================================
task                   expected answer
=====================  ===================================================================
statement_points       ``(answer - 1) / 4`` for a ``"sign"``, ``(5 - answer) / 4`` for a
                       ``"mistake"``
scorecard_gaps         the ids of ``question_ids`` missing from ``answers`` or whose answer
                       is not a whole number from 1 to 5 (order ignored)
area_scores            per step, 100 x the mean of its statements' points
parse_number           the cell as a float: thousands separators (``,`` ``.`` space ``'``)
                       and a trailing ``%`` removed, a decimal comma read; ``None`` when
                       the cell is empty
fix_export             the lines with every ``n/a`` cell emptied and a row dropped when
                       its date (first cell) repeats the row before
first_fix              ``(resource, start_by)`` with the earliest
                       ``earliest - lead_time_days[resource] - buffer_days``;
                       ``(None, None)`` when no resource has an earliest date
=====================  ===================================================================

``TASKS`` maps each task name to its :class:`~infralab.checks.core.Task`
(cases, mistakes, comparison); ``EXAMPLES`` maps it to the cases that are not
hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from infralab.checks.core import (
    Case,
    Comparator,
    Day,
    Mistake,
    Number,
    NumberMap,
    Task,
    Text,
    TextSet,
    TupleOf,
    ready_for,
    with_check_sections,
)
from infralab.validation import short_repr

__all__ = [
    "EXAMPLES",
    "TASKS",
    "area_scores",
    "first_fix",
    "fix_export",
    "parse_number",
    "ready",
    "scorecard_gaps",
    "statement_points",
]

# --------------------------------------------------------------------------- 1. one statement


def _points(answer, kind):
    return (answer - 1) / 4 if kind == "sign" else (5 - answer) / 4


STATEMENT_POINTS = Task(
    name="statement_points",
    parameters=("answer", "kind"),
    summary="Points from 0 to 1 for one answer from 1 to 5: a sign as it is, a mistake "
    "the other way round.",
    compare=Number(rel_tol=1e-9, abs_tol=1e-12),
    cases=(
        Case.from_reference(_points, 4, "sign"),
        Case.from_reference(_points, 4, "mistake"),
        Case.from_reference(_points, 1, "sign", hidden=True),
        Case.from_reference(_points, 1, "mistake", hidden=True),
        Case.from_reference(_points, 5, "mistake", hidden=True),
        Case.from_reference(_points, 3, "sign", hidden=True),
    ),
    mistakes=(
        Mistake(
            "a mistake scores the other way round: agreeing fully (5) that you make it is "
            "worth 0 points. Use (5 - answer) / 4 for kind 'mistake'.",
            lambda answer, kind: (answer - 1) / 4,
        ),
        Mistake(
            "the scale starts at 1, so the worst answer must give 0 points and the best 1: "
            "divide by 4 after subtracting, not by 5.",
            lambda answer, kind: answer / 5 if kind == "sign" else (6 - answer) / 5,
        ),
        Mistake(
            "points run from 0 to 1, not 0 to 100: leave out the factor 100 here "
            "(area_scores turns them into percent).",
            lambda answer, kind: 100 * _points(answer, kind),
        ),
    ),
)

# --------------------------------------------------------------------------- 2. gaps in the answers


def _valid(value):
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value in range(1, 6)


def _gaps(answers, question_ids):
    return sorted(q for q in question_ids if q not in answers or not _valid(answers[q]))


_IDS = ["features_over_quality", "limits_known", "scale_when_failing", "server_logs_with_ids"]

def _gaps_if(valid):
    return lambda answers, ids: sorted(q for q in ids if q not in answers or not valid(answers[q]))


SCORECARD_GAPS = Task(
    name="scorecard_gaps",
    parameters=("answers", "question_ids"),
    summary="The question ids with no answer, or with an answer that is not a whole "
    "number from 1 to 5 (5.0 counts as 5; True does not count).",
    compare=TextSet(),
    cases=(
        Case.from_reference(
            _gaps, {"features_over_quality": 2, "limits_known": 6, "scale_when_failing": 4},
            _IDS,
        ),
        Case.from_reference(  # 5.0 is 5
            _gaps, {**dict.fromkeys(_IDS, 3), "limits_known": 5.0}, _IDS, hidden=True
        ),
        Case.from_reference(
            _gaps,
            {"features_over_quality": "4", "limits_known": None, "scale_when_failing": 0,
             "server_logs_with_ids": 5},
            _IDS,
            hidden=True,
        ),
        Case.from_reference(_gaps, {}, _IDS[:2], hidden=True),
        Case.from_reference(
            _gaps, {"limits_known": 2.5, "scale_when_failing": 4, "extra": 9},
            ["limits_known", "scale_when_failing"], hidden=True,
        ),
        Case.from_reference(
            _gaps, {"limits_known": True, "scale_when_failing": 2},
            ["limits_known", "scale_when_failing"], hidden=True,
        ),
    ),
    mistakes=(
        Mistake(
            "2.5 got through: an answer must be a whole number, 1, 2, 3, 4 or 5, not just "
            "a number between 1 and 5.",
            _gaps_if(lambda v: not isinstance(v, bool) and isinstance(v, (int, float))
                     and 1 <= v <= 5),
        ),
        Mistake(
            "True got through: in Python True == 1, so rule out bool before comparing "
            "(isinstance(value, bool)).",
            _gaps_if(lambda v: isinstance(v, (int, float)) and v in range(1, 6)),
        ),
        Mistake(
            "2.5 and True got through: an answer must be a whole number, 1, 2, 3, 4 or 5 "
            "(not just between 1 and 5), and True, which Python counts as 1, is not one.",
            _gaps_if(lambda v: isinstance(v, (int, float)) and 1 <= v <= 5),
        ),
        Mistake(
            "5.0 is a whole number too (a spreadsheet often gives 5.0): accept a float "
            "whose value is 1, 2, 3, 4 or 5.",
            _gaps_if(lambda v: type(v) is int and 1 <= v <= 5),
        ),
        Mistake(
            "you found the missing answers but not the invalid ones: an answer must also be a "
            "whole number from 1 to 5 (not 0, 6, 2.5, '4' or None).",
            lambda answers, ids: sorted(q for q in ids if q not in answers),
        ),
        Mistake(
            "you found the invalid answers but not the missing ones: a question id with no "
            "answer at all is a gap too.",
            lambda answers, ids: sorted(q for q in ids if q in answers and not _valid(answers[q])),
        ),
    ),
)

# --------------------------------------------------------------------------- 3. area scores

_QUESTIONS = [
    {"id": "a", "step": "Doomsday clock", "kind": "mistake"},
    {"id": "b", "step": "Doomsday clock", "kind": "sign"},
    {"id": "c", "step": "Shared platform", "kind": "sign"},
    {"id": "d", "step": "Shared platform", "kind": "mistake"},
    {"id": "e", "step": "Shared platform", "kind": "sign"},
]


def _area_scores(answers, questions, points=_points, scale=100):
    steps = {}
    for question in questions:
        steps.setdefault(question["step"], []).append(
            points(answers[question["id"]], question["kind"])
        )
    return {step: scale * sum(values) / len(values) for step, values in steps.items()}


AREA_SCORES = Task(
    name="area_scores",
    parameters=("answers", "questions"),
    summary="Each step's score in percent: 100 times the mean of its statements' points.",
    compare=NumberMap(rel_tol=0, abs_tol=0.05),  # 83.3 for 83.33... is right
    cases=(
        Case.from_reference(_area_scores, {"a": 4, "b": 2, "c": 5, "d": 1, "e": 3}, _QUESTIONS),
        Case.from_reference(
            _area_scores, {"a": 1, "b": 5, "c": 5, "d": 1, "e": 5}, _QUESTIONS, hidden=True
        ),
        Case.from_reference(
            _area_scores, {"a": 5, "b": 1, "c": 1, "d": 5, "e": 1}, _QUESTIONS, hidden=True
        ),
        Case.from_reference(_area_scores, {"b": 3}, _QUESTIONS[1:2], hidden=True),
    ),
    mistakes=(
        Mistake(
            "a mistake statement scores the other way round: (5 - answer) / 4 points, so "
            "agreeing that you make the mistake lowers the score.",
            lambda answers, questions: _area_scores(
                answers, questions, points=lambda a, kind: (a - 1) / 4
            ),
        ),
        Mistake(
            "scores are percent, 0 to 100: multiply the mean of the points by 100.",
            lambda answers, questions: _area_scores(answers, questions, scale=1),
        ),
        Mistake(
            "average the points of each step's statements, not the raw answers from 1 to 5.",
            lambda answers, questions: _area_scores(
                answers, questions, points=lambda a, kind: a, scale=1
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- 4. a number in a cell

_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _parse(text, decimal_comma=True, empty=None):
    cell = text.strip().removesuffix("%").strip()
    if not cell:
        return empty
    cell = cell.replace(" ", "").replace("'", "")
    if decimal_comma and "," in cell and not _GROUPED.match(cell):
        return float(cell.replace(".", "").replace(",", "."))
    return float(cell.replace(",", ""))


PARSE_NUMBER = Task(
    name="parse_number",
    parameters=("text",),
    summary="A cell of an export as a float (thousands separators, a trailing %, a decimal "
    "comma); None for an empty cell.",
    compare=Number(rel_tol=1e-9, abs_tol=1e-12),
    cases=(
        Case.from_reference(_parse, "12,480.2"),
        Case.from_reference(_parse, "69.7 %"),
        Case.from_reference(_parse, "1.234,5", hidden=True),
        Case.from_reference(_parse, " 2 048 ", hidden=True),
        Case.from_reference(_parse, "", hidden=True),
        Case.from_reference(_parse, "0,75", hidden=True),
    ),
    mistakes=(
        Mistake(
            "an empty cell is a gap in the data, not a reading of 0: return None for it.",
            lambda text: _parse(text, empty=0.0),
        ),
        Mistake(
            "'1.234,5' is written with a decimal comma (as in much of Europe): the dots "
            "group thousands and the comma is the decimal point, 1234.5.",
            lambda text: _parse(text, decimal_comma=False),
        ),
    ),
)

# --------------------------------------------------------------------------- 5. fix a refused file


@dataclass(frozen=True)
class _Lines(Comparator):
    """A list of lines of text, in order; spaces at either end of a line ignored."""

    describe: ClassVar[str] = "a list of lines (text)"

    def accepts(self, got: object) -> bool:
        return isinstance(got, (list, tuple)) and all(isinstance(line, str) for line in got)

    def _same(self, expected: object, got: object) -> bool:
        return [line.strip() for line in expected] == [line.strip() for line in got]

    def _format(self, value: object) -> str:
        if not self.accepts(value):
            return short_repr(value, 40)
        return f"{len(value)} lines, {short_repr(list(value)[:3], 60)}"


def _fix_export(lines, marker="", keep_row=True, drop_repeats=True, fill=True):
    fixed, previous = [], None
    for line in lines:
        cells = line.split(",")
        if drop_repeats and cells[0] == previous:
            continue
        previous = cells[0]
        if not keep_row and any(cell.strip().lower() == "n/a" for cell in cells):
            continue
        if fill:
            cells = [marker if cell.strip().lower() == "n/a" else cell for cell in cells]
        fixed.append(",".join(cells))
    return fixed


_HEAD = "Date,Host,Storage (GiB),CPU peak (%),Connections"
_EXPORT = [
    _HEAD,
    '01/07/2020,db-primary-1,"5,732.8",47.8,"1,275"',
    '02/07/2020,db-primary-1,"5,754.4",n/a,"1,094"',
    '03/07/2020,db-primary-1,"5,773.4",48.2,"1,138"',
    '03/07/2020,db-primary-1,"5,773.4",48.2,"1,138"',
    "04/07/2020,db-primary-1,\"5,787.7\",44.0,913",
]

FIX_EXPORT = Task(
    name="fix_export",
    parameters=("lines",),
    summary="The lines of an export with every n/a cell emptied and a row dropped when its "
    "date repeats the row before (the first kept).",
    compare=_Lines(),
    cases=(
        Case.from_reference(_fix_export, _EXPORT),
        Case.from_reference(
            _fix_export,
            ["date,storage,cpu", "2024-03-01,100,N/A", "2024-03-02,n/a,n/a",
             "2024-03-02,101,50", "2024-03-03,102,51"],
            hidden=True,
        ),
        Case.from_reference(
            _fix_export, ["date,storage", "2024-03-01,100", "2024-03-02,101"], hidden=True
        ),
    ),
    mistakes=(
        Mistake(
            "a 0 is a reading, and the reader refuses it: empty the cell instead (\"\"), so "
            "the day becomes a gap.",
            lambda lines: _fix_export(lines, marker="0"),
        ),
        Mistake(
            "keep the row and empty only the n/a cell: that day's other readings are good.",
            lambda lines: _fix_export(lines, keep_row=False),
        ),
        Mistake(
            "the n/a cells are emptied, but a date that repeats the row before is still "
            "there: drop the second row, keep the first.",
            lambda lines: _fix_export(lines, drop_repeats=False),
        ),
        Mistake(
            "the repeated row is gone, but the n/a cells are still there: make each one an "
            "empty cell.",
            lambda lines: _fix_export(lines, fill=False),
        ),
    ),
)

# --------------------------------------------------------------------------- 6. the first fix


def _table(rows):
    frame = pd.DataFrame(rows, columns=["resource", "doomsday", "earliest", "latest"])
    return frame.astype(dict.fromkeys(["doomsday", "earliest", "latest"], "datetime64[ns]"))


def _first_fix(table, lead_time_days, buffer_days, column="earliest", buffer=True, by=None):
    best = None
    for row in table.itertuples():
        moment = getattr(row, column)
        if pd.isna(moment):
            continue
        start = moment - pd.Timedelta(days=lead_time_days[row.resource])
        if buffer:
            start -= pd.Timedelta(days=buffer_days)
        key = start if by is None else getattr(row, by)
        if best is None or key < best[0]:
            best = (key, row.resource, start)
    return (None, None) if best is None else (best[1], best[2])


_LEAD = {"cpu_peak": 270, "connections": 30, "storage": 180}
_TABLE = _table([
    ("cpu_peak", "2021-06-18", "2021-05-28", "2021-07-14"),
    ("connections", "2021-09-28", "2021-09-07", "2021-10-21"),
    ("storage", "2021-10-25", "2021-10-15", "2021-11-04"),
])

FIRST_FIX = Task(
    name="first_fix",
    parameters=("table", "lead_time_days", "buffer_days"),
    summary="The resource whose fix must start first and that start-by date: earliest "
    "plausible crossing minus its lead time minus the buffer.",
    compare=TupleOf((Text(), Day())),
    cases=(
        Case.from_reference(_first_fix, _TABLE, _LEAD, 60),
        Case.from_reference(
            _first_fix,
            _table([
                ("connections", "2021-03-01", "2021-02-20", "2021-03-10"),
                ("storage", "2021-05-01", "2021-04-25", "2021-05-05"),
                ("cpu_peak", None, None, None),
            ]),
            _LEAD, 30, hidden=True,
        ),
        Case.from_reference(
            _first_fix, _table([("storage", "2022-01-10", "2021-12-01", "2022-02-01")]),
            _LEAD, 0, hidden=True,
        ),
        Case.from_reference(
            _first_fix, _table([("storage", None, None, None), ("cpu_peak", None, None, None)]),
            _LEAD, 60, hidden=True,
        ),
    ),
    mistakes=(
        Mistake(
            "when no resource has an earliest date, return the pair (None, None), not None: "
            "the next cell unpacks two values.",
            lambda table, lead, buffer: (
                None if table.earliest.isna().all() else _first_fix(table, lead, buffer)
            ),
        ),
        Mistake(
            "plan from the earliest plausible crossing (column earliest), not the median "
            "doomsday: the band's early edge is the date to beat.",
            lambda table, lead, buffer: _first_fix(table, lead, buffer, column="doomsday"),
        ),
        Mistake(
            "you subtracted each fix's lead time but not the buffer: start by = earliest - "
            "lead time - buffer.",
            lambda table, lead, buffer: _first_fix(table, lead, buffer, buffer=False),
        ),
        Mistake(
            "you picked the resource that reaches its limit first; pick the one whose fix must "
            "START first (a slow fix for a later limit can be more urgent).",
            lambda table, lead, buffer: _first_fix(table, lead, buffer, by="earliest"),
        ),
    ),
)

TASKS = {
    task.name: task
    for task in (
        STATEMENT_POINTS, SCORECARD_GAPS, AREA_SCORES, PARSE_NUMBER, FIX_EXPORT, FIRST_FIX
    )
}
EXAMPLES = {name: task.examples for name, task in TASKS.items()}


@with_check_sections
def statement_points(function: object = None) -> None:
    """Check ``statement_points(answer, kind)``.

    ``answer`` is 1 to 5, ``kind`` ``"sign"`` or ``"mistake"``; the answer is
    ``(answer - 1) / 4`` for a sign and ``(5 - answer) / 4`` for a mistake.
    Six cases, four hidden (both ends of the scale). Recognises: a mistake not
    turned round, division by 5, percent instead of 0-1.

    Examples
    --------
    >>> statement_points(lambda answer, kind: (answer - 1) / 4 if kind == "sign" else (5 - answer) / 4)
    Correct (statement_points): right on all 6 test cases (4 of them hidden).
    """  # noqa: E501
    STATEMENT_POINTS.check(function)


@with_check_sections
def scorecard_gaps(function: object = None) -> None:
    """Check ``scorecard_gaps(answers, question_ids)``.

    The answer is the ids of ``question_ids`` that are missing from the dict
    ``answers`` or whose answer is not a whole number from 1 to 5 (a list or a
    set, order ignored; empty when every answer is valid; 5.0 counts as 5, True
    does not). Six cases, five hidden: a complete card with a 5.0, text and
    None answers, an empty dict, 2.5 and an extra key, True. Recognises: 2.5
    or True let through, 5.0 refused, only the missing ones, only the invalid
    ones.

    Examples
    --------
    >>> scorecard_gaps(lambda answers, ids: [q for q in ids if answers.get(q) not in (1, 2, 3, 4, 5)
    ...                                      or isinstance(answers.get(q), (bool, str))])
    Correct (scorecard_gaps): right on all 6 test cases (5 of them hidden).
    """
    SCORECARD_GAPS.check(function)


@with_check_sections
def area_scores(function: object = None) -> None:
    """Check ``area_scores(answers, questions)``.

    ``questions`` is a list of dicts with ``id``, ``step`` and ``kind``; the
    answer maps each step to 100 times the mean of its statements' points (a
    dict or a Series). Four cases, three hidden: the best and worst cards, a
    single statement. Recognises: mistakes not turned round, a fraction instead
    of percent, raw answers averaged.

    Examples
    --------
    >>> area_scores(lambda answers, questions: {})
    Not quite (area_scores): area_scores({'a': 4, 'b': 2, 'c': 5, 'd': 1, 'e': 3}, [{'id': 'a', ...) should return {doomsday clock: 25, shared platform: 83.33} (2 labels), but returned {} (0 labels).
    """  # noqa: E501
    AREA_SCORES.check(function)


@with_check_sections
def parse_number(function: object = None) -> None:
    """Check ``parse_number(text)``.

    The answer is the cell as a float, or ``None`` for an empty cell. Six
    cases, four hidden: a decimal comma with a thousands dot, spaces as
    separators, an empty cell, ``0,75``. Recognises: 0 for an empty cell, a
    decimal comma read as a thousands separator.

    Examples
    --------
    >>> parse_number(lambda text: float(text))
    Error (parse_number): parse_number('12,480.2') raised ValueError: could not convert string to float: '12,480.2'. Call your function on that input in a new cell to see where.
    """  # noqa: E501
    PARSE_NUMBER.check(function)


@with_check_sections
def fix_export(function: object = None) -> None:
    """Check ``fix_export(lines)``.

    ``lines`` is an export's lines of text, header first. The answer is the
    lines with every cell that reads ``n/a`` (any case) emptied and a row
    dropped when its first cell, the date, repeats the row before (the first
    kept); spaces at either end of a line are ignored. Three cases, two
    hidden: a gap and a repeat in one file, a clean file. Recognises: ``0``
    written for n/a, the whole row dropped, the repeat left in, the n/a left in.

    Examples
    --------
    >>> fix_export(lambda lines: [",".join("" if c.lower() == "n/a" else c for c in line.split(","))
    ...                           for line in lines])
    Not quite (fix_export): the n/a cells are emptied, but a date that repeats the row before is still there: drop the second row, keep the first.
    """  # noqa: E501
    FIX_EXPORT.check(function)


@with_check_sections
def first_fix(function: object = None) -> None:
    """Check ``first_fix(table, lead_time_days, buffer_days)``.

    ``table`` has columns ``resource``, ``doomsday``, ``earliest`` and
    ``latest`` (as ``growth.doomsday_table`` gives them; NaT where no crossing
    is in sight); ``lead_time_days`` maps each resource to its fix's lead time.
    The answer is ``(resource, start_by)`` for the earliest start-by date,
    ``earliest - lead time - buffer``, or ``(None, None)`` when no resource has
    a crossing. Four cases, three hidden: a NaT row, one resource, none.
    Recognises: the median doomsday used, the buffer left out, the first
    doomsday picked instead of the first start.

    Examples
    --------
    >>> first_fix(lambda table, lead_time_days, buffer_days: (None, None))
    Not quite (first_fix): first_fix(<a table of 3 rows>, {'cpu_peak': 270, 'connections': 30, ..., 60) should return ('cpu_peak', 2020-07-02), but returned (None, None).
    """  # noqa: E501
    FIRST_FIX.check(function)


def ready(function: object) -> bool:
    """True when ``function`` (or the task of that name) passes its check; else one line.

    Parameters
    ----------
    function : str or callable
        The task's name, or your function.

    Returns
    -------
    bool
    """
    return ready_for(TASKS, function)

