"""Lesson 04's organisation Monte Carlo against a plain loop on the same draws.

The vectorised side calls :func:`infralab.scaling.simulate_org` for a dedicated
team on every drawn set of assumptions at once; the loop side walks one
organisation and one quarter at a time, with the same closed form for the
quarters the project needs. Both return the feature work each
organisation ships over the horizon and the quarter its project ships (incident
counts, which are Poisson draws on top of the same toil, are left out).
``tests/test_simulator_agreement.py`` checks that they agree;
``benchmarks/test_simulators.py`` times them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from infralab.scaling import draw_assumptions, simulate_org

from .simulators import Simulator

__all__ = ["SIMULATORS"]

_ENGINEERS, _TEAM, _START, _QUARTERS = 40, 6, 2, 12


def _draws(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    return draw_assumptions(size, seed=rng)


def _vectorised(draws: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    outcome = simulate_org(
        "dedicated", engineers=_ENGINEERS, team_size=_TEAM, start_quarter=_START,
        quarters=_QUARTERS, assumptions=dict(draws), runs=draws["load_growth"].size,
    )
    return {"features": outcome.total_features, "ship_quarter": outcome.ship_quarter}


def _loop(draws: Mapping[str, np.ndarray]) -> dict[str, list[float]]:
    """:func:`simulate_org` ("dedicated"), one organisation and one quarter at a time."""
    columns = {name: values.tolist() for name, values in draws.items()}
    totals, ships = [], []
    for run in range(len(columns["load_growth"])):
        a = {name: values[run] for name, values in columns.items()}
        strong = a["strongest_multiplier"]
        on_project = _TEAM * strong / (1 + a["coordination"] * (_TEAM - 1))
        quarters_needed = max(math.ceil(a["project_work"] / on_project - 1e-9), 1)
        shipped = _START + quarters_needed - 1
        if shipped >= _QUARTERS:
            shipped = -1
        total = 0.0
        for quarter in range(_QUARTERS):
            log_load = math.log1p(a["load_growth"]) * quarter
            if 0 <= shipped < quarter:  # traffic moves to the fix over migration_quarters
                moved = min((quarter - shipped) / a["migration_quarters"], 1.0)
                old = 1 - moved + moved / a["fix_gain"]
                log_load = max(log_load + math.log(old), 0.0)
            toil = min(1.0, a["toil_at_start"] * math.exp(a["toil_exponent"] * log_load))
            fraction = 0.0
            if quarter >= _START:
                left = a["project_work"] / on_project - (quarter - _START)
                fraction = min(max(left, 0.0), 1.0)
            total += max(_ENGINEERS - _TEAM * strong * fraction, 0.0) * (1 - toil)
        totals.append(total)
        ships.append(shipped)
    return {"features": totals, "ship_quarter": ships}


SIMULATORS = (
    Simulator(
        name="scaling: organisations over 12 quarters with a dedicated team (simulate_org)",
        units="organisations",
        draw=_draws,
        vectorised=_vectorised,
        loop=_loop,
        size=100_000,
        loop_size=5_000,
    ),
)
