"""Lesson 02's break-even Monte Carlo against a plain loop on the same draws.

The vectorised side calls :func:`infralab.platform.simulate_break_even`, handed
the draws through :class:`benchmarks.replay.ReplayGenerator`; the loop side
takes one run at a time, as one would write it by hand: if the roadmap is long
enough for the platform to finish it first, it walks the months until the
platform path (not yet capped by the roadmap) has shipped more than the
copy-per-team path. Both give the
number of runs that break even in each month, and that never do.
``tests/test_simulator_agreement.py`` checks that they agree;
``benchmarks/test_simulators.py`` times them.
"""

from __future__ import annotations

import math

import numpy as np

from infralab.platform import simulate_break_even

from .replay import ReplayGenerator
from .simulators import Simulator

__all__ = ["SIMULATORS"]

#: The lesson's central scenario (illustrative assumptions, see the notebook).
_COSTS = {
    "capacity": 17.3,
    "platform_weeks": 50.0,
    "unique_weeks": 0.6,
    "capability_weeks": 2.8,
    "capabilities": 6,
    "hookup_weeks": 0.2,
    "column_types": 30,
    "horizon_months": 24,
    "uncertainty": 0.4,
}


#: The statistics compared: how many runs break even in each month, and how many never.
_MONTHS = np.arange(1, _COSTS["horizon_months"] + 1)  # every month a run can break even in


def _draws(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.standard_normal((3, size), dtype=np.float32)


def _counts(months) -> dict[str, np.ndarray]:
    month_or_zero = np.nan_to_num(np.asarray(months), nan=0.0).astype(np.intp)  # 0: never
    counts = np.bincount(month_or_zero, minlength=_MONTHS.size + 1)
    return {
        "runs per break-even month": counts[1:],
        "runs that never break even": counts[:1],
    }


def _vectorised(draws: np.ndarray) -> dict[str, np.ndarray]:
    replay = ReplayGenerator([("standard_normal", draws)])
    runs = simulate_break_even(draws.shape[1], seed=replay, **_COSTS)
    return _counts(runs.months)


def _loop(draws: np.ndarray) -> dict[str, list[float]]:
    c = _COSTS
    months = []
    for z_platform, z_unique, z_capability in zip(*draws.tolist(), strict=True):
        platform = c["platform_weeks"] * math.exp(c["uncertainty"] * z_platform)
        unique = c["unique_weeks"] * math.exp(c["uncertainty"] * z_unique)
        capability = c["capability_weeks"] * math.exp(c["uncertainty"] * z_capability)
        without = unique + c["capabilities"] * capability
        with_platform = unique + c["hookup_weeks"]
        found = math.nan
        saving = without - with_platform
        if c["column_types"] * saving > platform:  # the platform finishes the roadmap first
            for month in range(1, c["horizon_months"] + 1):
                work = c["capacity"] * month
                if max(work - platform, 0.0) / with_platform > work / without:
                    found = float(month)
                    break
        months.append(found)
    return _counts(months)


SIMULATORS = (
    Simulator(
        name="platform: break-even month under uncertain costs (simulate_break_even)",
        units="runs",
        draw=_draws,
        vectorised=_vectorised,
        loop=_loop,
        size=1_000_000,
        loop_size=50_000,
        # The simulator computes in single precision, the loop in double: a run whose
        # crossing falls within a millionth of a whole month may land one month apart.
        rel_tol=0.0,
        abs_tol=2.0,
    ),
)
