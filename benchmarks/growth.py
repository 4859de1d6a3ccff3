"""Lesson 03's simulators against plain loops: the bootstrap projection and sharding.

Each pair computes the same statistics from the same random draws: the vectorised
side calls the lesson's public function, handed the draws through
:class:`benchmarks.replay.ReplayGenerator`; the loop side simulates one unit at a
time in plain Python. ``tests/test_simulator_agreement.py`` checks that they agree;
``benchmarks/test_simulators.py`` times them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from infralab.growth import project_to_limit, simulate_sharding

from .replay import ReplayGenerator
from .simulators import Simulator

__all__ = ["SIMULATORS"]

# The projection: a year of history, projected three years ahead to a limit of 2,000,
# with 14-day bootstrap blocks and an 80% band.
_DAYS = 365
_HORIZON_DAYS = 1095
_BLOCK_DAYS = 14
_LIMIT = 2000.0
_BAND = 0.8


def _projection_draws(rng: np.random.Generator, size: int) -> dict[str, object]:
    """A year of noisy 0.5%-a-day growth, and the block starts of ``size`` bootstrap paths."""
    days = np.arange(float(_DAYS))
    values = 100.0 * np.exp(0.005 * days + 0.02 * rng.standard_normal(_DAYS))
    fit_blocks = -(-_DAYS // _BLOCK_DAYS)
    path_blocks = -(-_HORIZON_DAYS // _BLOCK_DAYS)
    return {
        "days": days,
        "values": values,
        "fit_starts": rng.integers(0, _DAYS, size=(fit_blocks, size)),
        "path_starts": rng.integers(0, _DAYS, size=(path_blocks, size)),
    }


def _projection_vectorised(draws: Mapping[str, object]) -> dict[str, np.ndarray]:
    replay = ReplayGenerator(
        [("integers", draws["fit_starts"]), ("integers", draws["path_starts"])]
    )
    projection = project_to_limit(
        draws["days"],
        draws["values"],
        _LIMIT,
        horizon_days=_HORIZON_DAYS,
        n_simulations=draws["fit_starts"].shape[1],
        band=_BAND,
        block_days=_BLOCK_DAYS,
        rng=replay,
    )
    return {
        "crossing_days": projection.crossing_days,
        "first_touch_days": projection.first_touch_days,
        "median": projection.median,
        "low": projection.low,
        "high": projection.high,
    }


def _loop_quantile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def _projection_loop(draws: Mapping[str, object]) -> dict[str, list[float]]:
    """:func:`project_to_limit` (exponential model, no window), one bootstrap path at a time."""
    days = draws["days"].tolist()
    logs = [math.log(value) for value in draws["values"].tolist()]
    n = len(days)
    mean_day = sum(days) / n
    centred = [day - mean_day for day in days]
    spread = sum(c * c for c in centred)
    mean_log = sum(logs) / n
    slope = sum(c * (y - mean_log) for c, y in zip(centred, logs, strict=True)) / spread
    intercept = mean_log - slope * mean_day
    adjusted = [
        (y - (intercept + slope * day)) / math.sqrt(1.0 - (1.0 / n + c * c / spread))
        for day, y, c in zip(days, logs, centred, strict=True)
    ]
    shift = sum(adjusted) / n
    adjusted = [value - shift for value in adjusted]
    wrapped = adjusted + adjusted[: _BLOCK_DAYS - 1]
    target, as_of_day = math.log(_LIMIT), days[-1]
    fit_starts, path_starts = draws["fit_starts"].tolist(), draws["path_starts"].tolist()

    def series(starts: list[list[int]], path: int, length: int) -> list[float]:
        values: list[float] = []
        for block in starts:
            values.extend(wrapped[block[path] : block[path] + _BLOCK_DAYS])
        return values[:length]

    crossing_days, first_touch_days, paths = [], [], []
    for path in range(len(fit_starts[0])):
        noise = series(fit_starts, path, n)
        path_slope = slope + sum(c * r for c, r in zip(centred, noise, strict=True)) / spread
        mean_level = intercept + slope * mean_day + sum(noise) / n
        level_now = mean_level + path_slope * (as_of_day - mean_day)
        if level_now >= target:
            crossing = 0.0
        elif path_slope > 0:
            crossing = (target - level_now) / path_slope
        else:
            crossing = math.inf
        crossing_days.append(math.inf if crossing > _HORIZON_DAYS else crossing)
        future_noise = series(path_starts, path, _HORIZON_DAYS)
        simulated, touch = [], math.inf
        for ahead, value in enumerate(future_noise, start=1):
            level = value + mean_level + (as_of_day + ahead - mean_day) * path_slope
            simulated.append(level)
            if touch == math.inf and level >= target:
                touch = float(ahead)
        first_touch_days.append(touch)
        paths.append(simulated)
    tail = (1.0 - _BAND) / 2.0
    bands: dict[str, list[float]] = {"median": [], "low": [], "high": []}
    for day in range(_HORIZON_DAYS):
        ordered = sorted(simulated[day] for simulated in paths)
        for name, q in (("low", tail), ("median", 0.5), ("high", 1.0 - tail)):
            bands[name].append(math.exp(_loop_quantile(ordered, q)))
    return {"crossing_days": crossing_days, "first_touch_days": first_touch_days, **bands}


# Sharding: 480 shards on 32 hosts, workspace sizes following Zipf's law.
_SHARDS, _HOSTS, _ZIPF = 480, 32, 1.1


def _sharding_draws(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """The size order and the random IDs of ``size`` workspaces."""
    return {
        "order": rng.permutation(size),
        "ids": rng.integers(0, 2**63, size=size, dtype=np.uint64),
    }


def _sharding_vectorised(draws: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    replay = ReplayGenerator([("permutation", draws["order"]), ("integers", draws["ids"])])
    result = simulate_sharding(draws["ids"].size, _SHARDS, _HOSTS, zipf_exponent=_ZIPF, rng=replay)
    return {
        "workspace_shard": result.workspace_shard,
        "shard_load": result.shard_load,
        "host_load": result.host_load,
    }


def _sharding_loop(draws: Mapping[str, np.ndarray]) -> dict[str, list[float]]:
    """:func:`simulate_sharding`, one workspace at a time (SplitMix64 in Python integers)."""
    mask = 2**64 - 1
    ranks = [(rank + 1.0) ** -_ZIPF for rank in range(draws["ids"].size)]
    total = sum(ranks)
    per_host = _SHARDS // _HOSTS
    workspace_shard, shard_load = [], [0.0] * _SHARDS
    for rank, key in zip(draws["order"].tolist(), draws["ids"].tolist(), strict=True):
        mixed = (key + 0x9E3779B97F4A7C15) & mask
        mixed = ((mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9) & mask
        mixed = ((mixed ^ (mixed >> 27)) * 0x94D049BB133111EB) & mask
        shard = (mixed ^ (mixed >> 31)) % _SHARDS
        workspace_shard.append(shard)
        shard_load[shard] += ranks[rank] / total
    host_load = [0.0] * _HOSTS
    for shard, load in enumerate(shard_load):
        host_load[shard // per_host] += load
    return {"workspace_shard": workspace_shard, "shard_load": shard_load, "host_load": host_load}


SIMULATORS = (
    Simulator(
        name="growth: bootstrap projection to a limit (project_to_limit)",
        units="paths of 1,095 days",
        draw=_projection_draws,
        vectorised=_projection_vectorised,
        loop=_projection_loop,
        size=2000,
        loop_size=200,
    ),
    Simulator(
        name="growth: workspaces hashed to shards and hosts (simulate_sharding)",
        units="workspaces",
        draw=_sharding_draws,
        vectorised=_sharding_vectorised,
        loop=_sharding_loop,
        size=1_000_000,
        loop_size=50_000,
    ),
)
