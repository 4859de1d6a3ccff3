"""The self-checks of lesson 04: hand-computed answers, and the mistakes learners make.

The right answers (tests/lessons/hundred_x_problems/answers.py) are written the way a
learner would write them, independently of the reference functions in the check
module. What every lesson's checks must do is tested for every task in
tests/test_lesson_checks.py.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
from scipy.optimize import curve_fit

from infralab.checks import hundred_x_problems as check
from tests.check_runner import printed_line

printed = partial(printed_line, check)


def test_reference_answers_match_hand_computed_values():
    expected = {name: [case.expected for case in task.cases] for name, task in check.TASKS.items()}
    # database 0.8 * 8000 / 600 = 10.7x first; sharded 8x (85x): the lock at 26.7x;
    # search: indexer 0.8 * 1500 / 200 = 6x before the query nodes' 0.8 * 600 * 100 / 5000 = 9.6x
    # capped: workers 0.8 * 50 * 10 / 1000 = 0.4x before the database's 8x
    assert expected["first_to_break"] == ["primary database", "global lock", "indexer",
                                          "only component", "workers"]
    assert expected["peak_clients"][:3] == pytest.approx(
        [math.sqrt(0.95 / 0.002), math.sqrt(0.7 / 0.0005), 10.0])
    assert expected["peak_clients"][3] == math.inf
    truths = [(0.08, 0.0015), (0.02, 0.0004), (0.3, 0.01), (0.1, 0.0)]
    for got, truth in zip(expected["fit_usl_table"], truths, strict=True):
        assert got == pytest.approx(truth, abs=1e-9)
    # 18 / 7.2 = 2.5 -> 3; 12 people: 18 / (18 / 1.55) = 1.55 -> 2; 30 / (4 / 1.3) = 9.75 -> 10;
    # 9 / 9 = 1 exactly; 41 / (24 / 4.8) = 8.2 -> 9; 13 / (5 / 1.4) = 3.64 -> 4
    assert expected["quarters_needed"] == [3, 2, 10, 1, 9, 4]
    assert expected["choose_team"] == [(8, 1), (6, 1), (5, 0), (None, None), (8, 2),
                                       (10, 1)]


def _swapped(table):
    n = table["clients"].to_numpy(dtype=float)
    x = table["throughput"].to_numpy(dtype=float)
    (lam, sigma, kappa), _ = curve_fit(
        lambda n, lam, s, k: lam * n / (1 + s * (n - 1) + k * n * (n - 1)), n, x,
        p0=(x[0], 0.1, 0.001), bounds=([0, 0, 0], [np.inf, 1, 1]))
    return kappa, sigma


def _amdahl_only(table):
    n = table["clients"].to_numpy(dtype=float)
    x = table["throughput"].to_numpy(dtype=float)
    (lam, sigma), _ = curve_fit(lambda n, lam, s: lam * n / (1 + s * (n - 1)), n, x,
                                p0=(x[0], 0.1), bounds=([0, 0], [np.inf, 1]))
    return sigma, 0.0


def _lam_fixed(table):
    n = table["clients"].to_numpy(dtype=float)
    x = table["throughput"].to_numpy(dtype=float)
    (sigma, kappa), _ = curve_fit(lambda n, s, k: n / (1 + s * (n - 1) + k * n * (n - 1)), n, x,
                                  p0=(0.1, 0.001), bounds=([0, 0], [1, 1]))
    return sigma, kappa


@pytest.mark.parametrize(
    ("name", "function", "fragment"),
    [
        ("first_to_break",
         lambda s, t: s.component[(t * s.capacity_per_instance / s.demand_per_1x).idxmin()],
         "max_instances"),
        ("first_to_break",
         lambda s, t: s.component[(t * s.capacity_per_instance * s.max_instances
                                   / s.demand_per_1x).idxmax()],
         "breaks last"),
        ("peak_clients", lambda s, k: (1 - s) / k if k else math.inf, "square root"),
        ("peak_clients", lambda s, k: math.sqrt(s / k) if k else math.inf, "1 - sigma"),
        ("peak_clients", lambda s, k: math.sqrt(1 / k) if k else math.inf, "dropped sigma"),
        ("peak_clients", lambda s, k: math.sqrt((1 - s) / k), "math.inf"),
        ("peak_clients", lambda s, k: round(math.sqrt((1 - s) / k), 1) if k else math.inf,
         "don't round"),
        ("peak_clients", lambda s, k: round(math.sqrt((1 - s) / k)) if k else math.inf,
         "whole clients"),
        ("peak_clients", lambda s, k: math.sqrt((1 - k) / s) if k else math.inf, "swapped"),
        ("peak_clients", lambda s, k: (1 - s) / k, "square root"),
        ("first_to_break",
         lambda s, t: (lambda one: one.component[(t * one.capacity_per_instance
                                                  / one.demand_per_1x).idxmin()])(
             s[s.max_instances == 1]),
         "cannot scale out"),
        ("fit_usl_table", _swapped, "(kappa, sigma)"),
        ("fit_usl_table", _amdahl_only, "Amdahl"),
        ("fit_usl_table", _lam_fixed, "lam too"),
        ("quarters_needed", lambda w, k, c, m: math.ceil(w / (k * m)), "coordination"),
        ("quarters_needed", lambda w, k, c, m: math.floor(w / (k * m / (1 + c * (k - 1)))),
         "round up"),
        ("quarters_needed", lambda w, k, c, m: w / (k * m / (1 + c * (k - 1))), "whole quarters"),
        ("quarters_needed", lambda w, k, c, m: round(w / (k * m / (1 + c * (k - 1)))),
         "not to the nearest"),
        ("quarters_needed", lambda w, k, c, m: int(w / (k * m / (1 + c * (k - 1)))) + 1,
         "int(x) + 1"),
        ("quarters_needed", lambda w, k, c, m: math.ceil(w / (k * m / (1 + c * (k - 1)))) + 1,
         "too many"),
        ("quarters_needed", lambda w, k, c, m: math.ceil(w / (k * m / (1 + c * (k - 1)))) - 1,
         "too few"),
        ("choose_team",
         lambda o, c: tuple(int(v) for v in o.loc[o.mean_features.idxmax(),
                                                  ["team_size", "start_quarter"]]),
         "ignored min_chance"),
        ("choose_team",
         lambda o, c: (lambda s: (None, None) if s.empty else tuple(
             int(v) for v in s.loc[s.mean_features.idxmax(), ["team_size", "start_quarter"]]))(
             o[o.chance_better > c]),
         ">="),
        ("choose_team",
         lambda o, c: tuple(int(v) for v in o.loc[o.chance_better.idxmax(),
                                                  ["team_size", "start_quarter"]]),
         "safest"),
        ("choose_team",
         lambda o, c: (lambda s: tuple(int(v) for v in s.loc[
             (s.mean_features * s.chance_better).idxmax(), ["team_size", "start_quarter"]]))(
             o[o.chance_better >= c]) if (o.chance_better >= c).any() else (None, None),
         "weighted"),
        ("choose_team",
         lambda o, c: (lambda s: (None, None) if s.empty else tuple(int(v) for v in s[
             s.start_quarter == s.start_quarter.min()].sort_values("mean_features").iloc[-1][
             ["team_size", "start_quarter"]]))(o[o.chance_better >= c]),
         "earliest start"),
    ],
)
def test_each_common_mistake_gets_its_hint(name, function, fragment):
    line = printed(name, function)
    assert line.startswith("Not quite"), line
    assert fragment in line, line


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("quarters_needed", lambda w, k, c, m: math.ceil(w / (k * m / (1 + c * (k - 1))))),
        ("quarters_needed", lambda w, k, c, m: -(-w // (k * m / (1 + c * (k - 1))))),
        ("fit_usl_table", lambda t: _as_array(t)),
        ("choose_team",
         lambda o, c: (lambda s: (None, None) if s.empty else tuple(
             int(v) for v in s.sort_values("mean_features").iloc[-1][
                 ["team_size", "start_quarter"]]))(o[o.chance_better >= c])),
    ],
    ids=["plain ceil", "negative floor division", "a NumPy array", "sort then last"],
)
def test_other_correct_answers_are_accepted(name, function):
    line = printed(name, function)
    assert line.startswith("Correct"), line


def _as_array(table):
    n = table["clients"].to_numpy(dtype=float)
    x = table["throughput"].to_numpy(dtype=float)
    parameters, _ = curve_fit(lambda n, lam, s, k: lam * n / (1 + s * (n - 1) + k * n * (n - 1)),
                              n, x, p0=(x[0], 0.1, 0.001), bounds=([0, 0, 0], [np.inf, 1, 1]))
    return parameters[1:]  # curve_fit's own array, sliced


def test_a_fit_within_tolerance_is_accepted():
    def rounded(table):
        n = table["clients"].to_numpy(dtype=float)
        x = table["throughput"].to_numpy(dtype=float)
        (lam, sigma, kappa), _ = curve_fit(
            lambda n, lam, s, k: lam * n / (1 + s * (n - 1) + k * n * (n - 1)), n, x,
            p0=(x[0], 0.1, 0.001), bounds=([0, 0, 0], [np.inf, 1, 1]))
        return [round(sigma, 3), round(kappa, 5)]  # a list, rounded: still right

    assert printed("fit_usl_table", rounded).startswith("Correct")
