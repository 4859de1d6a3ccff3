"""Right answers to lesson 02's exercises, written the way a learner would.

They are written independently of the reference functions in
:mod:`infralab.checks.shared_platform`. :data:`RIGHT_ANSWERS` maps each task
to its answer; tests/test_lesson_checks.py runs it through the task's check.
"""

from __future__ import annotations

import math

import numpy as np

from infralab import platform


def crossing_month(capacity, platform_weeks, weeks_without, weeks_with):
    if weeks_without <= weeks_with:
        return None
    return platform_weeks * weeks_without / (capacity * (weeks_without - weeks_with))


def columns_to_pay_off(platform_weeks, weeks_without, weeks_with):
    saving = weeks_without - weeks_with
    if saving <= 0:
        return None
    return math.floor(platform_weeks / saving) + 1


def inconsistency_chance(copies, defect_rate):
    return 1 - (1 - defect_rate) ** copies


def rating_column(max_stars):
    def read(text):
        stars = int(text)
        if not 1 <= stars <= max_stars:
            raise ValueError(f"a rating is 1 to {max_stars} stars")
        return stars

    return platform.ColumnType(
        "rating", to_text=str, from_text=read, examples=tuple(range(1, max_stars + 1))
    )


def platform_decision(break_even_months, horizon_months, confidence):
    months = np.array(break_even_months, dtype=float)
    share = np.mean(months <= horizon_months)  # NaN compares False: never is a "no"
    return "now" if share >= confidence else "later"


RIGHT_ANSWERS = {
    "crossing_month": crossing_month,
    "columns_to_pay_off": columns_to_pay_off,
    "inconsistency_chance": inconsistency_chance,
    "rating_column": rating_column,
    "platform_decision": platform_decision,
}
