"""Right answers to lesson 04's exercises, written the way a learner would.

They are written independently of the reference functions in
:mod:`infralab.checks.hundred_x_problems`. :data:`RIGHT_ANSWERS` maps each task
to its answer; tests/test_lesson_checks.py runs it through the task's check.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import curve_fit


def first_to_break(system, threshold):
    breaks_at = (
        threshold * system["capacity_per_instance"] * system["max_instances"]
        / system["demand_per_1x"]
    )
    return system["component"][breaks_at.idxmin()]


def peak_clients(sigma, kappa):
    if kappa == 0:
        return math.inf
    return math.sqrt((1 - sigma) / kappa)


def fit_usl_table(table):
    def usl(n, lam, sigma, kappa):
        return lam * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))

    n = table["clients"].to_numpy(dtype=float)
    x = table["throughput"].to_numpy(dtype=float)
    (lam, sigma, kappa), _ = curve_fit(
        usl, n, x, p0=(x[0], 0.1, 0.001), bounds=([0, 0, 0], [np.inf, 1, 1])
    )
    return sigma, kappa


def quarters_needed(project_work, team_size, coordination, multiplier):
    per_quarter = team_size * multiplier / (1 + coordination * (team_size - 1))
    return math.ceil(round(project_work / per_quarter, 9))


def choose_team(options, min_chance):
    safe = options[options["chance_better"] >= min_chance]
    if len(safe) == 0:
        return None, None
    best = safe.sort_values("mean_features").iloc[-1]
    return int(best["team_size"]), int(best["start_quarter"])


RIGHT_ANSWERS = {
    "first_to_break": first_to_break,
    "peak_clients": peak_clients,
    "fit_usl_table": fit_usl_table,
    "quarters_needed": quarters_needed,
    "choose_team": choose_team,
}
