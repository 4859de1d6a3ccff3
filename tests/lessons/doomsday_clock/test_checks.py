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
import json
import math
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from infralab.checks import doomsday_clock as check
from tests.check_runner import printed_line
from tests.lessons.doomsday_clock.answers import (
    band_coverage,
    days_until_limit,
    days_until_total_limit,
    doubling_time_days,
    most_urgent_fix,
    share_moved_modulo,
    start_by_date,
    trailing_growth_rate,
)

ROOT = Path(__file__).resolve().parents[3]

#: ``printed(name, function)``: the one line the check cell of task ``name`` prints.
printed = partial(printed_line, check)


def _expected(name):
    return [case.expected for case in check.TASKS[name].cases]


# --------------------------------------------------------------------------- reference answers


def test_the_sheet_has_nine_tasks_in_order():
    assert list(check.TASKS) == [
        "storage_growth_gib_per_day",
        "doubling_time_days",
        "start_by_date",
        "days_until_limit",
        "days_until_total_limit",
        "trailing_growth_rate",
        "band_coverage",
        "share_moved_modulo",
        "most_urgent_fix",
    ]


def test_reference_answers_match_hand_computed_values():
    # 10 million rows of 200 bytes = 2e9 bytes = 1.8626 GiB.
    assert _expected("storage_growth_gib_per_day")[0] == pytest.approx(2e9 / 1073741824)
    # ln 2 / ln 1.01 = 69.66 days; 5% a day doubles in 14.21 days.
    assert _expected("doubling_time_days")[:2] == pytest.approx([69.6607, 14.2067], rel=1e-5)
    assert _expected("doubling_time_days")[4:] == [math.inf, math.inf]
    # 2021-09-15 minus 300 days.
    assert _expected("start_by_date")[0] == pd.Timestamp("2020-11-19")
    assert _expected("start_by_date")[2] == pd.Timestamp("2023-11-27")  # across 29 Feb 2024
    # 1,000 GiB growing 1% a day reaches 64 TiB after ln(65.536) / ln(1.01) days; at the
    # limit and not growing is 0 days.
    assert _expected("days_until_limit") == pytest.approx(
        [math.log(65.536) / math.log(1.01), math.log(64 / 30) / math.log(1.05), 0, 0,
         math.inf, math.inf]
    )
    # The running total: ln(1 + 53,056 ln(1.0045) / 47) / ln(1.0045).
    k = math.log(1.0045)
    assert _expected("days_until_total_limit") == pytest.approx(
        [math.log(1 + 53_056 * k / 47) / k, 150.0,
         math.log(1 + 1000 * math.log(0.99) / 50) / math.log(0.99), math.inf, 0.0, math.inf]
    )
    # The first trailing case is noise-free at 3% a day in its window.
    assert _expected("trailing_growth_rate")[0] == pytest.approx(0.03, rel=1e-12)
    assert _expected("trailing_growth_rate")[3] == pytest.approx(0.002, rel=0.01)
    assert _expected("band_coverage") == pytest.approx([0.7, 5 / 8, 4 / 6, 3 / 4, 0.0, 1.0])
    # 32 -> 40 hosts: a key stays only when key % 160 < 32.
    assert _expected("share_moved_modulo") == pytest.approx(
        [0.8, 0.5, 0.748, 0.0, 3 / 7, 0.874957874], rel=1e-9
    )
    assert _expected("most_urgent_fix") == [
        ("cpu_percent", pd.Timestamp("2024-01-31")),
        ("connections", pd.Timestamp("2024-05-18")),  # over its limit: as_of minus 14 days
        (None, None),
        ("storage_tib", pd.Timestamp("2023-04-13")),
        ("cpu_percent", pd.Timestamp("2022-07-25")),  # before as_of: already late
        ("transaction_ids", pd.Timestamp("2025-01-23")),
    ]


def _sheet_text():
    notebook = json.loads((ROOT / "solutions" / "03_doomsday_clock.ipynb").read_text("utf-8"))
    return "\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )


def test_the_numbers_the_sheet_states_are_what_the_answers_compute():
    text = " ".join(_sheet_text().split())
    # Task 4.
    assert f"in about {days_until_limit(1000, 65536, 0.01):.2f} days" in text
    # Task 5: the running total, task 4's fixed rate at the total's rate today, and 0.45% on
    # the whole total.
    running = days_until_total_limit(12_480, 65_536, 47, 0.0045)
    fixed = days_until_limit(12_480, 65_536, 47 / 12_480)
    too_fast = days_until_limit(12_480, 65_536, 0.0045)
    assert running < fixed
    assert f"→ about **{running:.1f} days**" in text
    assert f"47 / 12,480 ≈ {47 / 12_480:.2%} a day" in text
    assert f"in **{fixed:.1f} days**, about {fixed - running:.0f} days later" in text
    assert f"the other way, {too_fast:.1f} days" in text
    # Task 7: ten back-tests give 0.7; seven or fewer of ten, when each holds with
    # probability 0.8, is about a third.
    assert band_coverage(*check.EXAMPLES["band_coverage"][0].args) == pytest.approx(0.7)
    assert "→ `0.7`: seven truths inside" in text
    seven_or_fewer = sum(math.comb(10, k) * 0.8**k * 0.2 ** (10 - k) for k in range(8))
    assert seven_or_fewer == pytest.approx(1 / 3, abs=0.02)
    assert "about a third of the time" in text
    # Task 8, and the comparison with logical shards.
    assert share_moved_modulo(1_000_000, 32, 40) == pytest.approx(0.8)
    assert share_moved_modulo(1_000_000, 32, 64) == pytest.approx(0.5)
    assert "32 → 40 hosts → `0.8`; 32 → 64 hosts → `0.5`" in text
    assert "From 32 to 40 hosts that is 20%, against 80% with `key % hosts`" in text
    assert share_moved_modulo(1_000_000, 32, 96) == pytest.approx(1 - 32 / 96, abs=1e-4)


def test_the_decision_example_is_the_one_the_sheet_describes():
    text = " ".join(_sheet_text().split())
    table, as_of = check.EXAMPLES["most_urgent_fix"][0].args
    assert most_urgent_fix(table, as_of) == ("cpu_percent", pd.Timestamp("2024-01-31"))
    rows = table.set_index("resource")
    days = {name: days_until_limit(row.current, row.limit, row.daily_growth_rate)
            for name, row in rows.iterrows()}
    doomsday = {name: as_of + pd.Timedelta(days=math.floor(d)) for name, d in days.items()}
    start = {name: doomsday[name] - pd.Timedelta(days=rows.lead_time_days[name]) for name in days}
    # Connections run out first, but CPU's fix must start first; storage is closest and last.
    assert min(doomsday, key=doomsday.get) == "connections"
    assert min(start, key=start.get) == "cpu_percent"
    assert (rows.current / rows.limit).idxmax() == "storage_tib"
    assert max(doomsday, key=doomsday.get) == max(start, key=start.get) == "storage_tib"
    assert f"Connections run out first, in {days['connections']:.1f} days" in text
    assert "(doomsday 9 April 2024)" in text and "as late as 10 March" in text
    assert doomsday["connections"] == pd.Timestamp("2024-04-09")
    assert start["connections"] == pd.Timestamp("2024-03-10")
    assert f"CPU runs out only in {days['cpu_percent']:.1f} days (27 October 2024)" in text
    assert doomsday["cpu_percent"] == pd.Timestamp("2024-10-27")
    assert (start["cpu_percent"] - as_of).days == 30 and "in 30 days" in text
    assert f"closest to its limit ({rows.current['storage_tib'] / 64:.0%})" in text
    assert doomsday["storage_tib"] == pd.Timestamp("2024-12-12")
    assert start["storage_tib"] == pd.Timestamp("2024-10-28")
    assert "more than six months before CPU" in text
    assert (doomsday["cpu_percent"] - doomsday["connections"]).days > 183
    # The discussion: the pooler can wait 69 days; it would come first with a lead time of
    # 70 days or more (69 ties), or a doomsday 40 days or more earlier (39 ties).
    assert (start["connections"] - as_of).days == 69 and "the pooler can wait 69" in text
    for lead, first in ((69, "connections"), (70, "connections"), (68, "cpu_percent")):
        slower = table.assign(lead_time_days=table.lead_time_days.where(
            table.resource != "connections", lead))
        assert most_urgent_fix(slower, as_of)[0] == first
    assert start["cpu_percent"] - (doomsday["connections"] - pd.Timedelta(days=70)) == (
        pd.Timedelta(days=1)
    )
    assert (doomsday["connections"] - pd.Timedelta(days=40) - pd.Timedelta(days=30)
            < start["cpu_percent"])
    assert (doomsday["connections"] - pd.Timedelta(days=39) - pd.Timedelta(days=30)
            == start["cpu_percent"])
    assert "pooler took 70 days or more" in text and "by 40 days or more" in text


# --------------------------------------------------------------------------- mistakes learners make


def _hint_of(name, fragment):
    hints = [m.hint for m in check.TASKS[name].mistakes if fragment in m.hint]
    assert len(set(hints)) == 1, (name, fragment)
    return hints[0]


def _limit_loop(c, limit, r):
    """Day by day: grow the value until it reaches the limit."""
    if c >= limit:
        return 0
    if r <= 0:
        return math.inf
    days = 0
    while c < limit:
        c *= 1 + r
        days += 1
    return days


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
    ("start_by_date", lambda d, lead, buffer: pd.Timestamp(d) - pd.Timedelta(lead + buffer),
     "nanoseconds"),
    ("start_by_date",
     lambda d, lead, buffer: pd.to_datetime(d) - pd.Timedelta(lead) - pd.Timedelta(buffer),
     "nanoseconds"),
    ("start_by_date",
     lambda d, lead, buffer: (pd.Timestamp(d) - pd.Timedelta(lead + buffer)).round("D"),
     "nanoseconds"),
    ("start_by_date", lambda d, lead, buffer: d - dt.timedelta(days=lead + buffer), "text like"),
    ("start_by_date", lambda d, lead, buffer: pd.Timestamp(d) - pd.Timedelta(days=lead),
     "not the safety buffer"),
    ("start_by_date", lambda d, lead, buffer: pd.to_datetime(d) - pd.Timedelta(days=buffer),
     "not the project"),
    ("start_by_date", lambda d, lead, buffer: pd.Timestamp(d) + pd.Timedelta(days=lead + buffer),
     "added the days"),
    ("days_until_limit",
     lambda c, limit, r: max(0.0, (limit - c) / (c * r)) if r > 0 else (0 if c >= limit else
                                                                       math.inf),
     "straight-line"),
    ("days_until_limit", lambda c, limit, r: (limit - c) / (c * r), "straight-line"),
    ("days_until_limit", lambda c, limit, r: np.log(limit / c) / np.log1p(r), "two special"),
    ("days_until_limit", lambda c, limit, r: math.log(limit / c) / math.log1p(r), "two special"),
    ("days_until_limit",
     lambda c, limit, r: math.inf if r <= 0 else np.log(limit / c) / np.log(1 + r),
     "not a negative"),
    ("days_until_limit",
     lambda c, limit, r: 0 if c >= limit else np.log(limit / c) / np.log(1 + r),
     "flat or shrinking"),
    # The two special cases in the wrong order, or the limit tested with > instead of >=.
    ("days_until_limit",
     lambda c, limit, r: math.inf if r <= 0 else 0 if c >= limit else
     math.log(limit / c) / math.log(1 + r),
     "test the limit first"),
    ("days_until_limit",
     lambda c, limit, r: 0 if c > limit else math.inf if r <= 0 else
     math.log(limit / c) / math.log(1 + r),
     "test the limit first"),
    ("days_until_limit", _limit_loop, "whole number of days"),
    ("days_until_limit", lambda c, limit, r: round(days_until_limit(c, limit, r))
     if r > 0 else days_until_limit(c, limit, r), "whole number of days"),
    ("days_until_limit", lambda c, limit, r: int(days_until_limit(c, limit, r))
     if r > 0 or c >= limit else math.inf, "whole number of days"),
    ("days_until_limit", lambda c, limit, r: days_until_limit(c, limit, r) / 30, "months"),
    ("days_until_limit", lambda c, limit, r: days_until_limit(c, limit, r) * 12 / 365,
     "months"),
    ("days_until_limit", lambda c, limit, r: days_until_limit(c, limit, r) / 365, "years"),
    ("days_until_limit",
     lambda c, limit, r: 0 if c >= limit else math.inf if r <= 0 else math.log(limit / c) / r,
     "ln(1 + r) as r"),
]


def _total(formula, *, over=True, added=True, flat=True, level=True):
    """A learner's running total: ``formula(remaining, added, r)``, with the guards asked for."""

    def answer(total, limit, added_per_day, r):
        if over and total >= limit:
            return 0
        if added and added_per_day <= 0:
            return math.inf
        if flat and r == 0:
            return (limit - total) / added_per_day
        if level and r < 0 and total + added_per_day / -math.log(1 + r) <= limit:
            return math.inf
        return formula(limit - total, added_per_day, r)

    return answer


def _continuous(remaining, added, r):
    return math.log(1 + remaining * math.log(1 + r) / added) / math.log(1 + r)


def _continuous_numpy(remaining, added, r):
    k = np.log1p(np.float64(r))
    return np.log(1 + remaining * k / added) / k


def _total_loop(total, limit, added_per_day, r):
    """Day by day: add today's data, grow tomorrow's, count the days."""
    if total >= limit:
        return 0
    if added_per_day <= 0 or (r < 0 and total + added_per_day / -math.log(1 + r) <= limit):
        return math.inf
    days = 0
    while total < limit:
        total += added_per_day
        added_per_day *= 1 + r
        days += 1
    return days


def _total_as_task_4(total, limit, added_per_day, r):
    return days_until_limit(total, limit, r)


def _total_at_todays_rate(total, limit, added_per_day, r):
    return days_until_limit(total, limit, added_per_day / total)


NATURAL_MISTAKES += [
    ("days_until_total_limit", _total_loop, "whole number of days"),
    ("days_until_total_limit",
     lambda *args: math.ceil(days_until_total_limit(*args))
     if math.isfinite(days_until_total_limit(*args)) else math.inf,
     "whole number of days"),
    ("days_until_total_limit",
     _total(lambda remaining, added, r: np.log(1 + remaining * r / added) / np.log(1 + r)),
     "discrete model"),
    ("days_until_total_limit",
     _total(lambda remaining, added, r: math.log(1 + remaining * r / added) / r),
     "you used r where"),
    ("days_until_total_limit", _total_as_task_4, "applied to the whole total"),
    ("days_until_total_limit", _total_at_todays_rate, "growth rate today"),
    ("days_until_total_limit", _total(lambda remaining, added, r: remaining / added),
     "that is a straight line"),
    ("days_until_total_limit", _total(_continuous, flat=False), "stay the same"),
    ("days_until_total_limit", _total(_continuous_numpy, flat=False), "stay the same"),
    ("days_until_total_limit", _total(_continuous, level=False), "level off"),
    ("days_until_total_limit", _total(_continuous_numpy, level=False), "level off"),
    ("days_until_total_limit", _total(_continuous, added=False), "nothing is added"),
    ("days_until_total_limit", _total(_continuous, over=False), "already at or over"),
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


NATURAL_MISTAKES += [
    ("trailing_growth_rate", _trailing_all_data, "fitted all the data"),
    ("trailing_growth_rate", _trailing_log_slope, "continuous rate"),
    ("trailing_growth_rate", _trailing_tail, "not rows"),
    ("trailing_growth_rate", _trailing_positions, "not row positions"),
    ("trailing_growth_rate", _trailing_linear, "units per day"),
    ("trailing_growth_rate", _trailing_inclusive, "one day too many"),
]


def _arrays(*columns):
    return [np.asarray(column) for column in columns]


def _band_strict(low, high, truth):
    low, high, truth = _arrays(low, high, truth)
    return np.mean((low < truth) & (truth < high))


def _band_upper_open(low, high, truth):
    return np.mean([lo <= t < hi for lo, hi, t in zip(low, high, truth, strict=True)])


def _band_below_high(low, high, truth):
    _, high, truth = _arrays(low, high, truth)
    return np.mean(truth <= high)


def _band_above_low(low, high, truth):
    low, _, truth = _arrays(low, high, truth)
    return (truth >= low).mean()


NATURAL_MISTAKES += [
    ("band_coverage",
     lambda low, high, truth: sum(lo <= t <= hi for lo, hi, t in zip(low, high, truth,
                                                                      strict=True)),
     "how many truths"),
    ("band_coverage", lambda low, high, truth: 100 * band_coverage(low, high, truth),
     "percentage"),
    ("band_coverage", lambda low, high, truth: 1 - band_coverage(low, high, truth),
     "outside the band"),
    ("band_coverage", lambda low, high, truth: np.mean((low <= truth) & (truth <= high)),
     "whole lists"),
    ("band_coverage", _band_strict, "edge is inside"),
    ("band_coverage", _band_upper_open, "edge is inside"),
    ("band_coverage", _band_below_high, "check both edges"),
    ("band_coverage", _band_above_low, "check both edges"),
]


def _modulo_count(n_keys, old_hosts, new_hosts):
    keys = np.arange(n_keys)
    return np.count_nonzero(keys % old_hosts != keys % new_hosts)


def _modulo_from_one(n_keys, old_hosts, new_hosts):
    keys = np.arange(1, n_keys + 1)
    return (keys % old_hosts != keys % new_hosts).mean()


NATURAL_MISTAKES += [
    ("share_moved_modulo", _modulo_count, "how many keys move"),
    ("share_moved_modulo", lambda n_keys, old, new: 1 - old / new, "logical shards"),
    ("share_moved_modulo", lambda n_keys, old, new: (new - old) / new, "logical shards"),
    ("share_moved_modulo",
     lambda n_keys, old, new: np.mean(np.arange(n_keys) % old == np.arange(n_keys) % new),
     "stay on their host"),
    ("share_moved_modulo", lambda n_keys, old, new: 100 * share_moved_modulo(n_keys, old, new),
     "percentage"),
    ("share_moved_modulo", _modulo_from_one, "not 1 to n_keys"),
]


def _urgent_by(key, *, date="start", rounding=math.floor, over_limit=True, skip_never=True):
    """A learner's decision: rank the rows by ``key`` ("start" or "doomsday"), return ``date``."""

    def answer(resources, as_of):
        found = []
        for row in resources.itertuples():
            if over_limit or row.daily_growth_rate <= 0:
                days = days_until_limit(row.current, row.limit, row.daily_growth_rate)
            else:
                days = math.log(row.limit / row.current) / math.log(1 + row.daily_growth_rate)
            if skip_never and math.isinf(days):
                continue
            doomsday = as_of + pd.Timedelta(days=rounding(days))
            dates = {"doomsday": doomsday,
                     "start": doomsday - pd.Timedelta(days=row.lead_time_days)}
            found.append((dates[key], row.resource, dates[date]))
        if not found:
            return (None, None)
        _, name, when = min(found)
        return (name, when)

    return answer


def _urgent_vectorised_without_skipping(resources, as_of):
    days = [days_until_limit(row.current, row.limit, row.daily_growth_rate)
            for row in resources.itertuples()]
    starts = (as_of + pd.to_timedelta(np.floor(days), unit="D")
              - pd.to_timedelta(resources["lead_time_days"], unit="D"))
    first = int(np.argmin(starts))
    return (resources["resource"].iloc[first], starts.iloc[first])


def _urgent_days_left(resources, as_of):
    name, start = most_urgent_fix(resources, as_of)
    return (name, None if start is None else (start - as_of).days)


def _urgent_zero_is_none(resources, as_of):
    best = (None, None)
    for row in resources.itertuples():
        days = days_until_limit(row.current, row.limit, row.daily_growth_rate)
        if not days or math.isinf(days):  # 0 days taken as "no doomsday"
            continue
        start = as_of + pd.Timedelta(days=math.floor(days) - row.lead_time_days)
        if best[1] is None or start < best[1]:
            best = (row.resource, start)
    return best


NATURAL_MISTAKES += [
    ("most_urgent_fix", _urgent_by("doomsday"), "reaches its limit first"),
    ("most_urgent_fix", _urgent_by("doomsday", date="doomsday"), "reaches its limit first"),
    ("most_urgent_fix", _urgent_by("start", date="doomsday"), "resource's doomsday"),
    ("most_urgent_fix", _urgent_by("start", rounding=math.ceil), "round the number of days"),
    ("most_urgent_fix", _urgent_by("start", rounding=round), "round the number of days"),
    ("most_urgent_fix", _urgent_by("start", over_limit=False), "not a negative"),
    ("most_urgent_fix", _urgent_zero_is_none, "still counts"),
    ("most_urgent_fix", _urgent_by("start", skip_never=False), "never reaches"),
    ("most_urgent_fix", _urgent_vectorised_without_skipping, "never reaches"),
    ("most_urgent_fix", _urgent_days_left, "not a number of days"),
]


@pytest.mark.parametrize(
    ("name", "function", "fragment"),
    [pytest.param(*row, id=f"{row[0]}-{i}") for i, row in enumerate(NATURAL_MISTAKES)],
)
def test_mistakes_written_as_a_learner_would_get_their_hint(name, function, fragment):
    hint = _hint_of(name, fragment)
    assert printed(name, function) == f"Not quite ({name}): {hint}"


def test_the_hints_the_review_asked_for_say_what_to_do():
    assert "a few nanoseconds" in _hint_of("start_by_date", "nanoseconds")
    assert "pd.Timedelta(days=n)" in _hint_of("start_by_date", "nanoseconds")
    order = _hint_of("days_until_limit", "test the limit first")
    assert "before you test daily_growth_rate <= 0" in order
    whole = _hint_of("days_until_limit", "whole number of days")
    assert "421 or 420 where 420.35 is right" in whole
    assert "closed form" in whole and "round only at the end" in whole
    assert "discrete model" in _hint_of("days_until_total_limit", "discrete model")
    assert "continuous" in _hint_of("days_until_total_limit", "discrete model")


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
        lambda d, lead, buffer: pd.Timestamp(d) - pd.Timedelta(lead + buffer, unit="D"),
    ]
    for function in kinds:
        assert check.TASKS["start_by_date"].evaluate(function).status == "correct"


def test_numbers_of_every_kind_are_accepted():
    def total_in_numpy(total, limit, added, r):
        return np.float64(days_until_total_limit(total, limit, added, r))

    def total_as_int_zero(total, limit, added, r):
        answer = days_until_total_limit(total, limit, added, r)
        return int(answer) if answer == 0 else float(answer)

    def share_in_a_loop(n_keys, old_hosts, new_hosts):
        moved = 0
        for key in range(n_keys):
            if key % old_hosts != key % new_hosts:
                moved += 1
        return moved / n_keys

    def share_as_0d_array(n_keys, old_hosts, new_hosts):
        return np.asarray(share_moved_modulo(n_keys, old_hosts, new_hosts))

    def coverage_in_pandas(low, high, truth):
        low, high, truth = (pd.Series(list(column)) for column in (low, high, truth))
        return ((low <= truth) & (truth <= high)).mean()

    def coverage_in_numpy(low, high, truth):
        low, high, truth = _arrays(low, high, truth)
        return np.count_nonzero((low <= truth) & (truth <= high)) / len(truth)

    for name, function in [
        ("days_until_total_limit", total_in_numpy),
        ("days_until_total_limit", total_as_int_zero),
        ("share_moved_modulo", share_in_a_loop),
        ("share_moved_modulo", share_as_0d_array),
        ("band_coverage", coverage_in_pandas),
        ("band_coverage", coverage_in_numpy),
    ]:
        verdict = check.TASKS[name].evaluate(function)
        assert verdict.status == "correct", (name, verdict.message)


def test_a_plain_loop_over_a_million_keys_is_well_within_the_time_limit():
    import time

    def loop(n_keys, old_hosts, new_hosts):
        return sum(key % old_hosts != key % new_hosts for key in range(n_keys)) / n_keys

    started = time.monotonic()
    assert check.TASKS["share_moved_modulo"].evaluate(loop).status == "correct"
    assert time.monotonic() - started < 10  # three calls of up to a million keys each
    assert max(case.args[0] for case in check.TASKS["share_moved_modulo"].cases) <= 1_000_000


def test_the_decision_may_come_in_every_form_the_text_allows():
    def as_list_with_other_kinds(resources, as_of):
        name, start = most_urgent_fix(resources, as_of)
        if name is None:
            return [None, pd.NaT]
        return [name.upper(), start.date()]

    def vectorised(resources, as_of):
        days = np.array([days_until_limit(row.current, row.limit, row.daily_growth_rate)
                         for row in resources.itertuples()], dtype=float)
        finite = np.isfinite(days)
        if not finite.any():
            return (None, None)
        starts = np.where(finite, np.floor(np.where(finite, days, 0)), np.inf) - resources[
            "lead_time_days"].to_numpy()
        first = int(np.argmin(starts))
        return (resources["resource"].iloc[first],
                str((as_of + pd.Timedelta(days=starts[first])).date()))

    def without_floor(resources, as_of):  # a fraction of a day lands on the same date
        best = (None, None)
        for row in resources.itertuples():
            days = days_until_limit(row.current, row.limit, row.daily_growth_rate)
            if math.isinf(days):
                continue
            start = as_of + pd.Timedelta(days=days - row.lead_time_days)
            if best[1] is None or start < best[1]:
                best = (row.resource, start)
        return best

    for function in (as_list_with_other_kinds, vectorised, without_floor):
        verdict = check.TASKS["most_urgent_fix"].evaluate(function)
        assert verdict.status == "correct", verdict.message


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
    message = printed("band_coverage", lambda low, high, truth: 0.5)
    assert message == (
        "Not quite (band_coverage): band_coverage on the ten back-tests of the example should "
        "return 0.7, but returned 0.5."
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

    verdict = check.TASKS["most_urgent_fix"].evaluate(broken)
    assert verdict.status == "error"
    assert verdict.message.startswith(
        "Error (most_urgent_fix): most_urgent_fix on the example table, where connections run "
        "out first"
    )
    assert "raised KeyError: 'resource_name'" in verdict.message
    assert "Traceback" not in verdict.message


def test_wrong_number_of_parameters_is_explained():
    verdict = check.TASKS["days_until_total_limit"].evaluate(lambda total, limit, added: 0)
    assert verdict.status == "error"
    assert verdict.message == (
        "Error (days_until_total_limit): your function takes (total, limit, added) but the check "
        "calls it as days_until_total_limit(total, limit, added_per_day, daily_growth_rate). "
        "Keep the parameters given in the exercise."
    )


def test_ready_finds_a_task_by_name_and_skips_until_it_is_correct(capsys):
    assert check.ready(share_moved_modulo) is True
    assert check.ready(lambda: None) is False
    assert capsys.readouterr().out == (
        "Skipped: this cell needs one of your exercise functions, by its name.\n"
    )

    def share_moved_modulo_wrong(n_keys, old_hosts, new_hosts):
        return 0.5

    share_moved_modulo_wrong.__name__ = "share_moved_modulo"
    assert check.ready(share_moved_modulo_wrong) is False
    assert capsys.readouterr().out.startswith("Skipped until share_moved_modulo is correct")
