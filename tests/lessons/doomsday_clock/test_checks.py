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
    crossing_band,
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


def test_the_sheet_has_ten_tasks_in_order():
    assert list(check.TASKS) == [
        "storage_growth_gib_per_day",
        "doubling_time_days",
        "start_by_date",
        "days_until_limit",
        "days_until_total_limit",
        "trailing_growth_rate",
        "crossing_band",
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
    # 2,173 peak connections growing 0.3% a day reach 5,000 after ln(5000 / 2173) /
    # ln(1.003) days; at the limit and not growing is 0 days.
    assert _expected("days_until_limit") == pytest.approx(
        [math.log(5000 / 2173) / math.log(1.003), math.log(90 / 55) / math.log(1.02), 0, 0,
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
    # Of 20 sorted days the 0.1 quantile sits at 1.9, the median at 9.5, the 0.9 at 17.1.
    assert _expected("crossing_band") == [
        pytest.approx((158.5 + 0.9 * 8.5, (177.8 + 177.9) / 2, 191.6 + 0.1 * 0.4)),
        pytest.approx((268.0, 280.2, 289.55)),  # quartiles of 15 days: positions 3.5, 7, 10.5
        pytest.approx((590.2 + 0.9 * 31.3, math.inf, math.inf)),  # 11 of 20 inf: so is the median
        pytest.approx((1375.5 + 0.45 * 26.3, math.inf, math.inf)),  # half of them inf
        (math.inf, math.inf, math.inf),
        (169.3, 169.3, 169.3),
    ]
    assert _expected("band_coverage") == pytest.approx([0.7, 5 / 8, 4 / 6, 3 / 4, 0.0, 1.0])
    # 32 -> 40 hosts: a key stays only when key % 160 < 32.
    assert _expected("share_moved_modulo") == pytest.approx(
        [0.8, 0.5, 0.748, 0.0, 3 / 7, 0.874957874], rel=1e-9
    )
    assert _expected("most_urgent_fix") == [
        ("cpu_percent", pd.Timestamp("2024-01-31")),
        ("connections", pd.Timestamp("2024-05-18")),  # over its limit: as_of minus 14 days
        (None, None),
        ("write_iops", pd.Timestamp("2023-04-13")),
        ("cpu_percent", pd.Timestamp("2022-07-25")),  # before as_of: already late
        ("network_mbps", pd.Timestamp("2025-01-23")),
    ]


def test_every_resource_of_the_decision_grows_by_a_rate():
    # Storage is a running total (task 5), which a fixed rate must not model.
    for case in check.TASKS["most_urgent_fix"].cases:
        names = set(case.args[0]["resource"])
        assert names <= {"connections", "cpu_percent", "write_iops", "network_mbps"}, names


def _sheet_text():
    notebook = json.loads((ROOT / "solutions" / "03_doomsday_clock.ipynb").read_text("utf-8"))
    return "\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )


def test_the_numbers_the_sheet_states_are_what_the_answers_compute():
    text = " ".join(_sheet_text().split())
    # Task 1: the full value, and the rounded one the check refuses.
    gib = 10_000_000 * 200 / 1024**3
    assert f"→ {gib:.5f} GiB a day, about {gib:.2f}. Return the full value: do not round." in text
    assert check.TASKS["storage_growth_gib_per_day"].examples[0].expected == pytest.approx(gib)
    # Task 4: peak connections, which grow by a rate, and the whole days a loop gives.
    example = check.TASKS["days_until_limit"].examples[0].args
    assert example == (2_173.0, 5_000.0, 0.003)
    days = days_until_limit(*example)
    assert "peak connections at 2,173" in text and "growing 0.3% a day" in text
    assert f"reach RDS's limit of 5,000 in about {days:.2f} days." in text
    assert f"A loop that grows the value one day at a time answers {math.ceil(days)}" in text
    assert f"the example's {days:.0f} days" in text
    straight = (5_000 - 2_173) / (2_173 * 0.003)
    assert f"`(limit − current) / (current · r)`, {straight:.0f} days here" in text
    # The hint for whole days names the same numbers.
    whole = _hint_of("days_until_limit", "whole number of days")
    assert f"{math.ceil(days)} or {math.floor(days)} where {days:.2f} is right" in whole
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
    # Task 7: the band of the example's 20 crossing days.
    earliest, median, latest = crossing_band(*check.EXAMPLES["crossing_band"][0].args)
    assert f"`band=0.8` → `({earliest:g}, {median:g}, {latest:.2f})`" in text
    assert f"between about day {earliest:.0f} and day {latest:.0f}" in text
    assert f"around day {median:.0f}" in text
    # Task 8: ten back-tests give 0.7; seven or fewer of ten, when each holds with
    # probability 0.8, is about a third. Five of eight is 0.625, rounded 0.62.
    assert f"five of eight is {5 / 8}, not {round(5 / 8, 2)}" in text
    assert band_coverage(*check.EXAMPLES["band_coverage"][0].args) == pytest.approx(0.7)
    assert "→ `0.7`: seven truths inside" in text
    seven_or_fewer = sum(math.comb(10, k) * 0.8**k * 0.2 ** (10 - k) for k in range(8))
    assert seven_or_fewer == pytest.approx(1 / 3, abs=0.02)
    assert "about a third of the time" in text
    # Task 9, and the comparison with logical shards.
    assert share_moved_modulo(1_000_000, 32, 40) == pytest.approx(0.8)
    assert share_moved_modulo(1_000_000, 32, 64) == pytest.approx(0.5)
    assert "32 → 40 hosts → `0.8`; 32 → 64 hosts → `0.5`" in text
    assert "From 32 to 40 hosts that is 20%, against 80% with `key % hosts`" in text
    assert share_moved_modulo(1_000_000, 32, 96) == pytest.approx(1 - 32 / 96, abs=1e-4)


def test_the_decision_example_is_the_one_the_sheet_describes():
    text = " ".join(_sheet_text().split())
    table, as_of = check.EXAMPLES["most_urgent_fix"][0].args
    assert most_urgent_fix(table, as_of) == ("cpu_percent", pd.Timestamp("2024-01-31"))
    for row in table.itertuples():  # the sheet's table is the check's
        assert (f"| {row.resource} | {row.current:,g} | {row.limit:,g} | "
                f"{row.daily_growth_rate:g} | {row.lead_time_days} |") in text
    rows = table.set_index("resource")
    days = {name: days_until_limit(row.current, row.limit, row.daily_growth_rate)
            for name, row in rows.iterrows()}
    doomsday = {name: as_of + pd.Timedelta(days=math.floor(d)) for name, d in days.items()}
    start = {name: doomsday[name] - pd.Timedelta(days=rows.lead_time_days[name]) for name in days}
    # Connections run out first, but CPU's fix must start first; write IOPS are closest to
    # their limit, and last.
    assert min(doomsday, key=doomsday.get) == "connections"
    assert min(start, key=start.get) == "cpu_percent"
    assert (rows.current / rows.limit).idxmax() == "write_iops"
    assert max(doomsday, key=doomsday.get) == max(start, key=start.get) == "write_iops"
    assert f"Connections run out first, in {days['connections']:.1f} days" in text
    assert "(doomsday 9 April 2024)" in text and "as late as 10 March" in text
    assert doomsday["connections"] == pd.Timestamp("2024-04-09")
    assert start["connections"] == pd.Timestamp("2024-03-10")
    assert f"CPU runs out only in {days['cpu_percent']:.1f} days (27 October 2024)" in text
    assert doomsday["cpu_percent"] == pd.Timestamp("2024-10-27")
    assert (start["cpu_percent"] - as_of).days == 30 and "in 30 days" in text
    share = rows.current["write_iops"] / rows.limit["write_iops"]
    assert f"Write IOPS, the closest to its limit ({share:.0%}), is the last to run out" in text
    assert doomsday["write_iops"] == pd.Timestamp("2024-12-12") and "(12 December)" in text
    assert start["write_iops"] == pd.Timestamp("2024-10-28") and "(28 October)" in text
    assert rows.lead_time_days["write_iops"] == 45 and "in 45 days" in text
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
    ("doubling_time_days", lambda r: 0.693 / r if r > 0 else math.inf, "compounds continuously"),
    ("doubling_time_days", lambda r: math.log(2) / r if r > 0 else math.inf,
     "compounds continuously"),
    ("start_by_date",
     lambda d, lead, buffer: pd.Timestamp(d) - pd.Timedelta(days=lead) + pd.Timedelta(days=buffer),
     "you added the buffer"),
    ("band_coverage", lambda low, high, truth: float(np.mean(low <= truth <= high)),
     "does not compare item by item"),
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


def _doubling_loop(r):
    """Day by day until the value has doubled: a whole number of days."""
    if r <= 0:
        return math.inf
    value, days = 1.0, 0
    while value < 2:
        value *= 1 + r
        days += 1
    return days


def _limit_without_zero_guard(c, limit, r):
    if c >= limit:
        return 0
    if r < 0:  # `< 0` where `<= 0` is meant: a rate of 0 divides by zero
        return math.inf
    return math.log(limit / c) / math.log(1 + r)


def _total_shrinking_never(total, limit, added_per_day, r):
    if total >= limit:
        return 0
    if added_per_day <= 0 or r < 0:  # every shrinking rate taken as "never"
        return math.inf
    if r == 0:
        return (limit - total) / added_per_day
    return _continuous(limit - total, added_per_day, r)


def _trailing_window(dates, values, window_days):
    recent = dates > dates.max() - pd.Timedelta(days=window_days)
    return dates[recent], values[recent]


def _trailing_endpoints(dates, values, window_days):
    dates, values = _trailing_window(dates, values, window_days)
    days = (dates.iloc[-1] - dates.iloc[0]).days
    return (values.iloc[-1] / values.iloc[0]) ** (1 / days) - 1


def _trailing_endpoints_per_row(dates, values, window_days):
    _, values = _trailing_window(dates, values, window_days)
    return (values.iloc[-1] / values.iloc[0]) ** (1 / (len(values) - 1)) - 1


def _trailing_pct_change(dates, values, window_days):
    _, values = _trailing_window(dates, values, window_days)
    return values.pct_change().mean()


def _trailing_pct_change_of_all(dates, values, window_days):
    recent = dates > dates.max() - pd.Timedelta(days=window_days)
    return values.pct_change()[recent].mean()


NATURAL_MISTAKES += [
    ("storage_growth_gib_per_day", lambda rows, size: round(rows * size / 1024**3, 2),
     "you rounded"),
    ("storage_growth_gib_per_day", lambda rows, size: float(f"{rows * size / 2**30:.3f}"),
     "you rounded"),
    ("doubling_time_days", _doubling_loop, "whole number of days"),
    ("doubling_time_days",
     lambda r: round(math.log(2) / math.log(1 + r)) if r > 0 else math.inf,
     "whole number of days"),
    ("days_until_limit", _limit_without_zero_guard, "`r < 0` instead of `r <= 0`"),
    ("days_until_total_limit", _total_shrinking_never, "never reaching the limit"),
    ("trailing_growth_rate", _trailing_endpoints, "first and last values"),
    ("trailing_growth_rate", _trailing_endpoints_per_row, "first and last values"),
    ("trailing_growth_rate", _trailing_pct_change, "pct_change()"),
    ("trailing_growth_rate", _trailing_pct_change_of_all, "pct_change()"),
]

_LEVELS = (0.1, 0.5, 0.9)


def _band_levels(band):
    return [(1 - band) / 2, 0.5, (1 + band) / 2]


def _band_by_hand(days, band, *, reverse=False):
    """Interpolated by hand, from ``days`` as given (or sorted the other way)."""
    days = sorted(days, reverse=True) if reverse else list(days)
    edges = []
    for q in _band_levels(band):
        position = q * (len(days) - 1)
        below = math.floor(position)
        step = position - below
        if step == 0:
            edges.append(days[below])
        elif math.isinf(days[below]) or math.isinf(days[below + 1]):
            edges.append(math.inf)
        else:
            edges.append(days[below] + step * (days[below + 1] - days[below]))
    return tuple(edges)


def _band_finite(days, band):
    days = np.asarray(days, dtype=float)
    return tuple(np.quantile(days[np.isfinite(days)], _band_levels(band)))


NATURAL_MISTAKES += [
    ("crossing_band", lambda days, band: tuple(np.quantile(days, _band_levels(band))),
     "np.quantile gives nan"),
    ("crossing_band",
     lambda days, band: np.percentile(days, [100 * q for q in _band_levels(band)]),
     "np.quantile gives nan"),
    ("crossing_band", lambda days, band: tuple(np.nanquantile(days, _band_levels(band))),
     "np.quantile gives nan"),
    ("crossing_band",
     lambda days, band: (crossing_band(days, band)[0], crossing_band(days, band)[2]),
     "return three values"),
    ("crossing_band", lambda days, band: crossing_band(days, band)[::-1], "swapped"),
    ("crossing_band", partial(_band_by_hand, reverse=True), "swapped"),
    ("crossing_band", _band_by_hand, "sort the crossing days first"),
    ("crossing_band", _band_finite, "never reach the limit"),
    ("crossing_band",
     lambda days, band: list(np.percentile(days, _band_levels(band))), "quantile levels"),
    ("crossing_band",
     lambda days, band: tuple(np.percentile(days, [(100 - band) / 2, 50, (100 + band) / 2])),
     "quantile levels"),
    ("crossing_band",
     lambda days, band: [round(edge, 1) for edge in crossing_band(days, band)], "you rounded"),
    ("crossing_band", lambda days, band: np.round(crossing_band(days, band), 1), "you rounded"),
    ("crossing_band",
     lambda days, band: tuple(round(edge) if math.isfinite(edge) else edge
                              for edge in crossing_band(days, band)),
     "you rounded"),
    ("band_coverage", lambda low, high, truth: round(band_coverage(low, high, truth), 2),
     "you rounded"),
    ("band_coverage",
     lambda low, high, truth: np.round(np.mean([lo <= t <= hi for lo, hi, t in
                                                zip(low, high, truth, strict=True)]), 2),
     "you rounded"),
    ("share_moved_modulo", lambda n_keys, old, new: 1 - math.gcd(old, new) / max(old, new),
     "least common multiple"),
    ("share_moved_modulo", lambda n_keys, old, new: 1 - min(old, new) / math.lcm(old, new),
     "least common multiple"),
    ("share_moved_modulo",
     lambda n_keys, old, new: round(float(share_moved_modulo(n_keys, old, new)), 2),
     "you rounded"),
    ("share_moved_modulo",
     lambda n_keys, old, new: round(float(share_moved_modulo(n_keys, old, new)), 3),
     "you rounded"),
]


def _urgent_bare_none(resources, as_of):
    name, start = most_urgent_fix(resources, as_of)
    if name is None:
        return None
    return name, start


def _urgent_with_buffer(resources, as_of):
    name, start = most_urgent_fix(resources, as_of)
    return (name, None if start is None else start - pd.Timedelta(days=60))


NATURAL_MISTAKES += [
    ("most_urgent_fix", _urgent_bare_none, "not a bare None"),
    ("most_urgent_fix", _urgent_with_buffer, "60-day buffer"),
]


@pytest.mark.parametrize(
    ("name", "function", "fragment"),
    [pytest.param(*row, id=f"{row[0]}-{i}") for i, row in enumerate(NATURAL_MISTAKES)],
)
def test_mistakes_written_as_a_learner_would_get_their_hint(name, function, fragment):
    hint = _hint_of(name, fragment)
    assert printed(name, function) == f"Not quite ({name}): {hint}"


def test_the_targeted_hints_say_what_to_do():
    assert "a few nanoseconds" in _hint_of("start_by_date", "nanoseconds")
    assert "pd.Timedelta(days=n)" in _hint_of("start_by_date", "nanoseconds")
    order = _hint_of("days_until_limit", "test the limit first")
    assert "before you test daily_growth_rate <= 0" in order
    whole = _hint_of("days_until_limit", "whole number of days")
    assert "279 or 278 where 278.19 is right" in whole
    assert "closed form" in whole and "round only at the end" in whole
    assert "15 or 14 where 14.21 is right" in _hint_of("doubling_time_days", "whole number")
    assert "return math.inf when daily_growth_rate <= 0" in _hint_of(
        "days_until_limit", "`r < 0` instead of `r <= 0`"
    )
    for name, shown in (
        ("storage_growth_gib_per_day", "1.86 where 1.86265 is right"),
        ("crossing_band", "191.6 where 191.64 is right"),
        ("band_coverage", "0.62 where 0.625 is right"),
        ("share_moved_modulo", "0.75 where 0.748 is right"),
    ):
        assert shown in _hint_of(name, "you rounded")
        assert "Return the full value, unrounded" in _hint_of(name, "you rounded")
    closed_form = _hint_of("share_moved_modulo", "least common multiple")
    assert "multiple of the hosts' least common multiple" in closed_form
    assert "count the keys instead" in closed_form
    assert "(None, None)" in _hint_of("most_urgent_fix", "not a bare None")
    assert "(1 - band) / 2" in _hint_of("crossing_band", "quantile levels")
    assert "math.inf" in _hint_of("crossing_band", "np.quantile gives nan")
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


# --------------------------------------------------------------------------- the lesson's world


def _cpu_projection(as_of, horizon_days, resource="cpu_peak_pct", limit=90):
    from infralab import datasets, growth

    metrics = datasets.load_postgres_metrics()
    day = (metrics.date - metrics.date.iloc[0]).dt.days.to_numpy()
    seen = (metrics.date <= as_of).to_numpy()
    return growth.project_to_limit(
        day[seen], metrics[resource].to_numpy()[seen], limit, window_days=90, cycle_days=7,
        block_days=1, horizon_days=horizon_days, rng=2020,
    )


def test_the_crossing_days_of_the_cases_are_the_lessons_simulations():
    # Each case holds the first simulations of a projection the lesson makes, to 0.1 day.
    cases = [case.args for case in check.TASKS["crossing_band"].cases]
    for (days, _), (as_of, horizon, resource, limit) in zip(cases, [
        ("2020-12-31", 730, "cpu_peak_pct", 90),
        ("2020-12-31", 730, "connections_peak", 5_000),
        ("2020-03-31", 730, "cpu_peak_pct", 90),
        ("2020-02-29", 6 * 365, "cpu_peak_pct", 90),
        ("2020-02-29", 730, "cpu_peak_pct", 90),
    ], strict=False):
        simulated = _cpu_projection(as_of, horizon, resource, limit).crossing_days[:len(days)]
        np.testing.assert_array_equal(np.round(simulated, 1), np.asarray(days, dtype=float))


def test_the_band_the_sheet_builds_is_the_lessons():
    # The sheet's last line, from all 2,000 simulations, is the band the lesson prints.
    projection = _cpu_projection("2020-12-31", 730)
    assert crossing_band(projection.crossing_days, 0.8) == pytest.approx(
        (projection.crossing_low, projection.crossing_median, projection.crossing_high)
    )
    march = _cpu_projection("2020-03-31", 730)
    earliest, _, latest = crossing_band(march.crossing_days, 0.8)
    assert math.isfinite(earliest) and latest == math.inf  # "the latest edge is `inf`"
    text = " ".join(_sheet_text().split())
    assert "On 31 March 2020 the latest edge is `inf`" in text


def test_task_4_starts_from_the_lessons_connections():
    from infralab import datasets

    last = datasets.load_postgres_metrics().connections_peak.iloc[-1]
    assert round(last) == check.TASKS["days_until_limit"].examples[0].args[0]


def test_every_correct_form_of_the_band_is_accepted():
    def as_array(days, band):
        return np.array(crossing_band(days, band))

    def as_list(days, band):
        return list(crossing_band(days, band))

    def as_series(days, band):
        return pd.Series(crossing_band(days, band))

    def numpy_with_nan_as_inf(days, band):
        with np.errstate(invalid="ignore"):
            edges = np.quantile(np.asarray(days, dtype=float), _band_levels(band))
        return tuple(np.where(np.isnan(edges), np.inf, edges))

    for function in (as_array, as_list, as_series, numpy_with_nan_as_inf):
        verdict = check.TASKS["crossing_band"].evaluate(function)
        assert verdict.status == "correct", verdict.message


def test_a_shared_error_alone_does_not_blame_a_wrong_formula():
    # `r < 0` divides by zero at a rate of 0, and so does a straight line: only the first
    # is the learner's mistake, for the straight line is wrong where the learner is right.
    message = printed("days_until_limit", _limit_without_zero_guard)
    assert "straight-line" not in message and "`r < 0` instead of `r <= 0`" in message
    # A function right everywhere but at a rate of 0, where it raises something else.
    def other_error(c, limit, r):
        if r == 0 and c < limit:
            raise ValueError("no rate")
        return days_until_limit(c, limit, r)

    assert printed("days_until_limit", other_error).startswith(
        "Error (days_until_limit): days_until_limit(40.0, 90.0, 0.0) (a hidden case) raised "
        "ValueError: no rate."
    )
