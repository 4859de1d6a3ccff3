"""Time every simulator, vectorised and as a plain loop, with pytest-benchmark.

Run from the top of the checkout (``make bench`` does, then reads the JSON)::

    .venv/bin/python -m pytest benchmarks -n 0 --benchmark-json=.venv/benchmarks.json

Each simulator gives two benchmarks in one group: ``vectorised`` on ``size`` units
and ``loop`` on ``loop_size`` units, both on random numbers drawn before the clock
starts. pytest-benchmark decides how many rounds to time; ``extra_info`` records
what one run processes, so ``python -m benchmarks`` can turn seconds per run into
units per second and a speed-up. The loop's statistics are compared with the
vectorised ones on the same draws: a loop that disagrees is not a baseline (the test
fails and ``extra_info["problem"]`` says why).
"""

from __future__ import annotations

import numpy as np
import pytest

from .simulators import all_simulators, assert_agree

#: Seed of the draws (the same numbers on every run).
SEED = 0

SIMULATORS = all_simulators()


def _record(benchmark, simulator, implementation: str, units_per_run: int) -> None:
    benchmark.group = simulator.name
    benchmark.extra_info.update(
        simulator=simulator.name,
        implementation=implementation,
        units=simulator.units,
        units_per_run=units_per_run,
    )


@pytest.mark.parametrize("simulator", SIMULATORS, ids=[s.name for s in SIMULATORS])
def test_vectorised(benchmark, simulator):
    draws = simulator.draw(np.random.default_rng(SEED), simulator.size)
    _record(benchmark, simulator, "vectorised", simulator.size)
    benchmark(simulator.vectorised, draws)


@pytest.mark.parametrize("simulator", SIMULATORS, ids=[s.name for s in SIMULATORS])
def test_loop(benchmark, simulator):
    draws = simulator.draw(np.random.default_rng(SEED), simulator.loop_size)
    _record(benchmark, simulator, "loop", simulator.loop_size)
    statistics = benchmark(simulator.loop, draws)
    try:
        assert_agree(
            simulator.vectorised(draws),
            statistics,
            rel_tol=simulator.rel_tol,
            abs_tol=simulator.abs_tol,
        )
    except AssertionError as error:  # the report shows it in the simulator's row
        benchmark.extra_info["problem"] = str(error).splitlines()[0]
        raise
