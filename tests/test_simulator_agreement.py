"""Every simulator's plain-loop baseline computes the same statistics as the vectorised code.

The baselines live in ``benchmarks/`` (``make bench`` times them against the lessons'
vectorised simulators); this test keeps them honest in the normal suite, on small
draws: a change to a lesson's simulator that its loop does not follow fails here,
not weeks later in a benchmark run.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.simulators import all_simulators, assert_agree

#: Units per check (at most; the loop_size if smaller): quick, yet enough that every host
#: and almost every segment and step of the funnel sees users.
UNITS = 5_000

SIMULATORS = all_simulators()


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("simulator", SIMULATORS, ids=[s.name for s in SIMULATORS])
def test_the_loop_agrees_with_the_vectorised_simulator(simulator, seed):
    draws = simulator.draw(np.random.default_rng(seed), min(simulator.loop_size, UNITS))
    assert_agree(
        simulator.vectorised(draws),
        simulator.loop(draws),
        rel_tol=simulator.rel_tol,
        abs_tol=simulator.abs_tol,
    )


def test_every_simulator_is_checked():
    names = [simulator.name for simulator in SIMULATORS]
    assert any(name.startswith("growth: bootstrap projection") for name in names)
    assert any(name.startswith("growth: workspaces hashed") for name in names)
    assert any(name.startswith("tracking: users through the funnel") for name in names)
