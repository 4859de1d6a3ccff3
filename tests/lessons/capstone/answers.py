"""Right answers to lesson 07's exercises, written the way a learner would.

They are written independently of the reference functions in
:mod:`infralab.checks.capstone`. :data:`RIGHT_ANSWERS` maps each task to its
answer; tests/test_lesson_checks.py runs it through the task's check.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd


def statement_points(answer, kind):
    if kind == "mistake":
        answer = 6 - answer
    return (answer - 1) / 4


def scorecard_gaps(answers, question_ids):
    gaps = []
    for question in question_ids:
        value = answers.get(question)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            gaps.append(question)
        elif value not in (1, 2, 3, 4, 5):
            gaps.append(question)
    return gaps


def area_scores(answers, questions):
    frame = pd.DataFrame(questions)
    frame["points"] = [
        statement_points(answers[q], kind) for q, kind in zip(frame.id, frame.kind, strict=True)
    ]
    return frame.groupby("step").points.mean() * 100


def parse_number(text):
    cell = text.replace("%", "").replace(" ", "").replace("'", "")
    if cell == "":
        return None
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d+", cell) or re.fullmatch(r"-?\d+,\d{1,2}", cell):
        cell = cell.replace(".", "").replace(",", ".")
    return float(cell.replace(",", ""))


def fix_export(lines):
    out = []
    for line in lines:
        parts = line.split(",")
        if out and parts[0] == out[-1].split(",")[0]:
            continue
        out.append(",".join("" if part.strip().lower() == "n/a" else part for part in parts))
    return out


def first_fix(table, lead_time_days, buffer_days):
    seen = table.dropna(subset=["earliest"])
    if seen.empty:
        return None, None
    lead = seen.resource.map(lead_time_days).to_numpy()
    start = seen.earliest - pd.to_timedelta(lead + buffer_days, unit="D")
    first = int(np.argmin(start.to_numpy()))
    return seen.resource.iloc[first], start.iloc[first]


RIGHT_ANSWERS = {
    "statement_points": statement_points,
    "scorecard_gaps": scorecard_gaps,
    "area_scores": area_scores,
    "parse_number": parse_number,
    "fix_export": fix_export,
    "first_fix": first_fix,
}
