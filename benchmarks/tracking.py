"""Lesson 05's funnel simulation against a plain loop on the same draws.

The vectorised side calls :func:`infralab.tracking.simulate_funnel`, handed the
draws through :class:`benchmarks.replay.ReplayGenerator`, and counts users per
segment and step as :func:`infralab.tracking.funnel_counts` does; the loop side
walks one user at a time. ``tests/test_simulator_agreement.py`` checks that they
agree; ``benchmarks/test_simulators.py`` times them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from infralab.tracking import DEFAULT_SEGMENTS, DEFAULT_STEPS, simulate_funnel
from infralab.tracking.funnel import _counts_by_segment

from .replay import ReplayGenerator
from .simulators import Simulator

__all__ = ["SIMULATORS"]

#: The share of events the server loses (simulate_funnel's default).
_SERVER_LOSS = 0.001


def _funnel_draws(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """The uniform numbers :func:`simulate_funnel` draws for ``size`` users, in its order."""
    n_steps = len(DEFAULT_STEPS)
    unload_steps = sum(step.fires_on_unload for step in DEFAULT_STEPS)
    return {
        "segment": rng.random(size, dtype=np.float32),
        "steps": rng.random((size, n_steps - 1), dtype=np.float32),
        "server": rng.random((size, n_steps), dtype=np.float32),
        "user": rng.random((2, size), dtype=np.float32),
        "network": rng.random((size, n_steps), dtype=np.float32),
        "beacon": rng.random((size, unload_steps), dtype=np.float32),
    }


def _funnel_vectorised(draws: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    order = ("segment", "steps", "server", "user", "network", "beacon")
    replay = ReplayGenerator([("random", draws[name]) for name in order])
    simulation = simulate_funnel(draws["segment"].size, server_loss=_SERVER_LOSS, seed=replay)
    return {
        name: _counts_by_segment(simulation, seen)[:-1]  # the segments, not the total row
        for name, seen in (
            ("actual", simulation.reached),
            ("server", simulation.server_seen),
            ("client", simulation.client_seen),
        )
    }


def _funnel_loop(draws: Mapping[str, np.ndarray]) -> dict[str, list[list[int]]]:
    """:func:`simulate_funnel` and the counts of :func:`funnel_counts`, one user at a time."""
    segments, steps = DEFAULT_SEGMENTS, DEFAULT_STEPS
    f32 = np.float32
    cumulative, running = [], f32(0)
    for segment in segments:
        running = f32(running + f32(segment.share))
        cumulative.append(float(running))
    cumulative[-1] = 1.0
    rates = [[float(f32(rate)) for rate in segment.step_rates] for segment in segments]
    blocking = [float(f32(segment.tracker_blocking)) for segment in segments]
    declining = [float(f32(segment.consent_decline)) for segment in segments]
    network = [float(f32(segment.network_loss)) for segment in segments]
    unload = [float(f32(segment.unload_loss)) for segment in segments]
    server_loss = float(f32(_SERVER_LOSS))
    unload_columns = [k for k, step in enumerate(steps) if step.fires_on_unload]
    necessary = [step.strictly_necessary for step in steps]
    counts = {name: [[0] * len(steps) for _ in segments] for name in ("actual", "server", "client")}
    user_draws = draws["user"].tolist()
    for user, (where, moves, server, network_draws, beacons) in enumerate(
        zip(
            draws["segment"].tolist(),
            draws["steps"].tolist(),
            draws["server"].tolist(),
            draws["network"].tolist(),
            draws["beacon"].tolist(),
            strict=True,
        )
    ):
        s = 0
        while s < len(segments) - 1 and where >= cumulative[s]:
            s += 1
        consented = user_draws[1][user] >= declining[s]
        tracked = user_draws[0][user] >= blocking[s] and consented
        for k in range(len(steps)):
            if k and moves[k - 1] >= rates[s][k - 1]:
                break
            counts["actual"][s][k] += 1
            if server[k] >= server_loss and (consented or necessary[k]):  # consent binds it too
                counts["server"][s][k] += 1
            seen = tracked and network_draws[k] >= network[s]
            if seen and k in unload_columns:
                seen = beacons[unload_columns.index(k)] >= unload[s]
            if seen:
                counts["client"][s][k] += 1
    return counts


SIMULATORS = (
    Simulator(
        name="tracking: users through the funnel, server and client (simulate_funnel)",
        units="users",
        draw=_funnel_draws,
        vectorised=_funnel_vectorised,
        loop=_funnel_loop,
        size=1_000_000,
        loop_size=50_000,
    ),
)
