"""The tail at scale: fan-out requests wait for their slowest leaf, and hedging helps.

A request that fans out to ``n`` leaves (servers it must all hear from) is as
slow as its slowest leaf. If each leaf is slow with probability ``p``,
independently, the request is slow with probability ``1 - (1 - p)^n``: with
``p = 1%`` and ``n = 100`` that is 63%, and with ``p = 1/10,000`` and ``n = 2,000``
about 1 in 5 (Dean & Barroso, "The Tail at Scale", CACM 2013).

A *hedged* request sends a second copy to another replica once the first has
taken longer than a delay ``d``, and uses whichever answers first. It costs one
extra request for each leaf call slower than ``d``: hedging after the leaf's p95
adds about 5% load.

Leaf latencies here are log-normal (an *illustrative assumption*), set by their
median and p99; independent draws make hedging look better than it is where
slowness is shared (one overloaded machine, one garbage-collection pause).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from infralab.validation import (
    check_count,
    check_number,
    check_probability,
    check_seed,
    read_only,
)

__all__ = [
    "FanoutSimulation",
    "fanout_slow_probability",
    "leaf_latency_quantile",
    "simulate_fanout",
]

#: Most leaf calls one simulation may draw (requests x fan-out).
_MAX_CALLS = 20_000_000
_MAX_FANOUT = 100_000
#: The standard normal's 99th percentile.
_Z99 = NormalDist().inv_cdf(0.99)


def fanout_slow_probability(leaf_slow_probability: float, fanout: int) -> float:
    """Return the chance a request that waits for ``fanout`` leaves is slow.

    Parameters
    ----------
    leaf_slow_probability : float
        The chance one leaf is slow, from 0 to 1 (0.01, not 1).
    fanout : int
        How many leaves the request waits for.

    Returns
    -------
    float
        ``1 - (1 - p) ** fanout``: the request is fast only if every leaf is.

    Examples
    --------
    >>> round(fanout_slow_probability(0.01, 100), 3)
    0.634
    >>> round(fanout_slow_probability(1e-4, 2000), 3)
    0.181
    """
    p = check_probability("leaf_slow_probability", leaf_slow_probability)
    n = check_count("fanout", fanout, high=_MAX_FANOUT)
    return float(-math.expm1(n * math.log1p(-p))) if p < 1 else 1.0


def _sigma(median_ms: float, p99_ms: float) -> float:
    return math.log(p99_ms / median_ms) / _Z99


def _latency_shape(median_ms: object, p99_ms: object) -> tuple[float, float]:
    median = check_number("median_ms", median_ms, low=0.0, low_inclusive=False, high=1e9)
    p99 = check_number("p99_ms", p99_ms, low=0.0, low_inclusive=False, high=1e9)
    if p99 <= median:
        raise ValueError(f"p99_ms must be > median_ms ({median:g}), got {p99_ms!r}")
    return median, p99


def leaf_latency_quantile(quantile: float, median_ms: float = 1.0, p99_ms: float = 10.0) -> float:
    """Return a quantile of the log-normal leaf latency with this median and p99, in ms.

    Examples
    --------
    >>> round(leaf_latency_quantile(0.99), 6)
    10.0
    >>> round(leaf_latency_quantile(0.5, median_ms=2.0, p99_ms=30.0), 6)
    2.0
    """
    q = check_number(
        "quantile", quantile, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    median, p99 = _latency_shape(median_ms, p99_ms)
    return float(median * math.exp(_sigma(median, p99) * NormalDist().inv_cdf(q)))


@dataclass(frozen=True)
class FanoutSimulation:
    """Simulated fan-out requests from :func:`simulate_fanout`.

    Attributes
    ----------
    fanout : int
        Leaves each request waits for.
    request_ms : ndarray
        Each request's latency: its slowest leaf's (read-only).
    leaf_ms : ndarray
        The first leaf's latency of each request, a sample of leaf calls (read-only).
    extra_load : float
        Hedged copies sent per leaf call (0 without hedging).
    """

    fanout: int
    request_ms: np.ndarray
    leaf_ms: np.ndarray
    extra_load: float

    def slow_share(self, threshold_ms: float) -> float:
        """The share of requests slower than ``threshold_ms``."""
        threshold = check_number("threshold_ms", threshold_ms, low=0.0)
        return float(np.mean(self.request_ms > threshold))

    def quantile(self, quantile: float) -> float:
        """A quantile of the requests' latency, in ms."""
        q = check_number("quantile", quantile, low=0.0, high=1.0)
        return float(np.quantile(self.request_ms, q))


def simulate_fanout(
    fanout: int,
    n_requests: int = 10_000,
    *,
    median_ms: float = 1.0,
    p99_ms: float = 10.0,
    hedge_after_ms: float | None = None,
    seed: object = 0,
) -> FanoutSimulation:
    """Simulate requests that each wait for ``fanout`` leaves with log-normal latencies.

    Parameters
    ----------
    fanout : int
        Leaves per request.
    n_requests : int
        Requests to simulate (``n_requests * fanout`` at most 20 million leaf calls).
    median_ms, p99_ms : float
        The leaf latency's median and 99th percentile.
    hedge_after_ms : float, optional
        Send a second copy of a leaf call still unanswered after this many ms and
        keep the first answer (None: no hedging).
    seed : int or numpy.random.Generator
        The random stream: standard normal draws of shape ``(n_requests, fanout)``,
        and as many again for the hedged copies.

    Returns
    -------
    FanoutSimulation

    Examples
    --------
    >>> sim = simulate_fanout(100, 20_000, seed=1)
    >>> abs(sim.slow_share(leaf_latency_quantile(0.99)) - 0.634) < 0.02
    True
    """
    n = check_count("fanout", fanout, high=_MAX_FANOUT)
    requests = check_count("n_requests", n_requests, high=_MAX_CALLS)
    if requests * n > _MAX_CALLS:
        raise ValueError(
            f"n_requests must be at most {_MAX_CALLS // n:,} with a fan-out of {n:,} "
            f"(20 million leaf calls), got {requests:,}"
        )
    median, p99 = _latency_shape(median_ms, p99_ms)
    if hedge_after_ms is not None:
        hedge_after_ms = check_number("hedge_after_ms", hedge_after_ms, low=0.0)
    rng = check_seed("seed", seed)
    sigma = _sigma(median, p99)
    leaf = median * np.exp(sigma * rng.standard_normal((requests, n), dtype=np.float32))
    extra = 0.0
    if hedge_after_ms is not None:
        backup = hedge_after_ms + median * np.exp(
            sigma * rng.standard_normal((requests, n), dtype=np.float32)
        )
        late = leaf > hedge_after_ms
        extra = float(late.mean())
        leaf = np.where(late, np.minimum(leaf, backup), leaf)
    return FanoutSimulation(
        fanout=n,
        request_ms=read_only(leaf.max(axis=1)),
        leaf_ms=read_only(np.ascontiguousarray(leaf[:, 0])),
        extra_load=extra,
    )
