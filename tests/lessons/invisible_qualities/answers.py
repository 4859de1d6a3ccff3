"""Right answers to lesson 01's exercises, written the way a learner would.

They are written independently of the reference functions in
:mod:`infralab.checks.invisible_qualities`. :data:`RIGHT_ANSWERS` maps each task to
its answer; tests/test_lesson_checks.py runs it through the task's check.
"""

from __future__ import annotations

import math

import numpy as np


def chain_availability(services, replica):
    pair = 1 - (1 - replica) ** 2
    return float(np.prod(services)) * pair


def budget_left_minutes(slo, window_days, incident_minutes):
    budget = (1 - slo) * window_days * 24 * 60
    return budget - sum(incident_minutes)


def utilisation_for_p99(slo_ms, service_ms):
    # p99 of the time in system = ln(100) * service / (1 - rho) <= slo
    return max(0.0, 1 - math.log(100) * service_ms / slo_ms)


def largest_fanout(leaf_slow_probability, max_slow_share):
    if leaf_slow_probability == 0:
        return math.inf  # never slow: any fan-out is safe
    n = 0
    while 1 - (1 - leaf_slow_probability) ** (n + 1) <= max_slow_share:
        n += 1
    return n


def best_investment(share, baseline, investments):
    base = share(baseline)
    best_name, best_value = None, -math.inf
    for name, (changes, cost) in investments.items():
        value = (share({**baseline, **changes}) - base) / cost
        if value > best_value:
            best_name, best_value = name, value
    return best_name


RIGHT_ANSWERS = {
    "chain_availability": chain_availability,
    "budget_left_minutes": budget_left_minutes,
    "utilisation_for_p99": utilisation_for_p99,
    "largest_fanout": largest_fanout,
    "best_investment": best_investment,
}
