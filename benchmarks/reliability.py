"""Lesson 01's queue simulation against a plain loop and against SimPy, on the same draws.

The vectorised side calls :func:`infralab.reliability.simulate_queue` for one server
(the Lindley recursion as a cumulative sum and a running minimum), handed the draws
through :class:`benchmarks.replay.ReplayGenerator`. It is compared with two baselines
that see the very same gaps between arrivals and service times:

- a plain Python loop of the Lindley recursion, one request at a time;
- the same M/M/1 queue as a discrete-event model in SimPy (an arrival process and a
  ``simpy.Resource`` of capacity 1, first come first served), the standard way to
  simulate a queue event by event. SimPy is a maintainers' dependency, used here only.

With the same draws all three give the same waits, so their statistics agree to
rounding, well within sampling error. ``tests/test_simulator_agreement.py`` checks
that they agree; ``benchmarks/test_simulators.py`` times them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from infralab.reliability import simulate_queue

from .replay import ReplayGenerator
from .simulators import Simulator

__all__ = ["SIMULATORS", "simpy_waits"]

#: The utilisation and mean service time every run simulates.
_UTILISATION = 0.8
_SERVICE_TIME = 1.0


def _queue_draws(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """The gaps and service times :func:`simulate_queue` draws for ``size`` requests."""
    return {
        "gaps": rng.exponential(_SERVICE_TIME / _UTILISATION, size),
        "services": rng.exponential(_SERVICE_TIME, size),
    }


def _statistics(waits, services) -> dict[str, float]:
    waits = np.asarray(waits, dtype=float)
    return {
        "mean_wait": float(waits.mean()),
        "mean_time_in_system": float(waits.mean() + np.mean(services)),
        "share_waiting": float(np.mean(waits > 0)),
    }


def _queue_vectorised(draws: Mapping[str, np.ndarray]) -> dict[str, float]:
    replay = ReplayGenerator([("exponential", draws["gaps"]), ("exponential", draws["services"])])
    sim = simulate_queue(
        _UTILISATION, n_requests=draws["gaps"].size, service_time=_SERVICE_TIME, seed=replay
    )
    return {
        "mean_wait": sim.mean_wait,
        "mean_time_in_system": sim.mean_time_in_system,
        "share_waiting": float(np.mean(sim.waits > 0)),
    }


def _queue_loop(draws: Mapping[str, np.ndarray]) -> dict[str, float]:
    """The Lindley recursion, one request at a time."""
    gaps, services = draws["gaps"].tolist(), draws["services"].tolist()
    waits = [0.0] * len(gaps)
    wait, total, waiting = 0.0, 0.0, 0
    for n in range(1, len(gaps)):
        wait = wait + services[n - 1] - gaps[n]
        if wait < 0.0:
            wait = 0.0
        else:
            waiting += wait > 0.0
        waits[n] = wait
        total += wait
    count = len(gaps)
    return {
        "mean_wait": total / count,
        "mean_time_in_system": total / count + sum(services) / count,
        "share_waiting": waiting / count,
    }


def simpy_waits(gaps: np.ndarray, services: np.ndarray) -> list[float]:
    """Each request's wait in an M/M/1 queue simulated event by event with SimPy.

    Request ``n`` arrives ``gaps[n]`` after request ``n - 1`` (the first at
    ``gaps[0]``), queues for a ``simpy.Resource`` of capacity 1 and holds it for
    ``services[n]``.
    """
    import simpy  # a maintainers' dependency, imported only when this baseline runs

    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    waits = [0.0] * len(gaps)

    def request(n: int, service: float):
        arrived = env.now
        with server.request() as turn:
            yield turn
            waits[n] = env.now - arrived
            yield env.timeout(service)

    def arrivals():
        for n, (gap, service) in enumerate(zip(gaps.tolist(), services.tolist(), strict=True)):
            yield env.timeout(gap)
            env.process(request(n, service))

    env.process(arrivals())
    env.run()
    return waits


def _queue_simpy(draws: Mapping[str, np.ndarray]) -> dict[str, float]:
    return _statistics(simpy_waits(draws["gaps"], draws["services"]), draws["services"])


SIMULATORS = (
    Simulator(
        name="reliability: requests through one server (simulate_queue) vs a plain loop",
        units="requests",
        draw=_queue_draws,
        vectorised=_queue_vectorised,
        loop=_queue_loop,
        size=1_000_000,
        loop_size=200_000,
        rel_tol=1e-7,
        abs_tol=1e-9,
    ),
    Simulator(
        name="reliability: requests through one server (simulate_queue) vs SimPy",
        units="requests",
        draw=_queue_draws,
        vectorised=_queue_vectorised,
        loop=_queue_simpy,
        size=1_000_000,
        loop_size=20_000,
        rel_tol=1e-7,
        abs_tol=1e-9,
    ),
)
