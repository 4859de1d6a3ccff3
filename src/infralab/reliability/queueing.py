"""Latency against utilisation: the M/M/1 and M/M/c queues, in closed form and simulated.

Requests arrive at random (a Poisson process, rate ``lambda``) and each needs an
exponentially distributed service time (mean ``S = 1 / mu``) on one of ``c``
servers; *utilisation* is ``rho = lambda S / c``, the share of time a server is busy.

Closed forms (any queueing text, e.g. Harchol-Balter, *Performance Modeling and
Design of Computer Systems*, 2013):

- **M/M/1.** The time in system (wait plus service) is exponential with rate
  ``mu - lambda``: its mean is ``1 / (mu - lambda) = S / (1 - rho)`` and its
  ``q``-quantile ``-ln(1 - q) S / (1 - rho)``, so the p99 is ``ln(100) = 4.6``
  times the mean. Both blow up as ``rho`` nears 1: the knee.
- **M/M/c.** A request waits at all with the Erlang C probability ``C(c, a)``,
  ``a = lambda S`` the offered load; then its wait is exponential with rate
  ``c mu - lambda``, so the mean wait is ``C(c, a) / (c mu - lambda)``.

The simulation uses the **Lindley recursion** for one server, first come first
served: ``W[n+1] = max(0, W[n] + S[n] - A[n+1])`` with ``A`` the gaps between
arrivals. Written with ``X[k] = S[k] - A[k+1]`` and the running total
``C[n] = X[0] + ... + X[n-1]`` (``C[0] = 0``) it is ``W[n] = C[n] - min(C[0..n])``:
one cumulative sum and one running minimum, so a million requests take a few
milliseconds. For ``c`` servers the Kiefer-Wolfowitz recursion keeps each server's
remaining work; it is sequential per request, so it runs many independent
replications side by side, one numpy step per request for all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from infralab.validation import (
    check_count,
    check_integer,
    check_number,
    check_seed,
    read_only,
)

__all__ = [
    "REPLICATIONS",
    "WARMUP_SHARE",
    "QueueSimulation",
    "erlang_c",
    "mm1_time_in_system",
    "mmc_mean_wait",
    "simulate_queue",
    "slower_than_probability",
    "time_in_system_quantile",
]

#: Most servers a queue may have here.
_MAX_SERVERS = 1_000
#: Most requests one simulation may hold.
_MAX_REQUESTS = 20_000_000
#: Independent replications run side by side for more than one server.
REPLICATIONS = 200
#: Requests dropped at the start of each multi-server replication (it starts empty).
WARMUP_SHARE = 0.2


def _utilisation(value: object) -> float:
    rho = check_number("utilisation", value, low=0.0)
    if rho >= 1.0:
        raise ValueError(
            f"utilisation must be < 1, got {value!r}: when work arrives as fast as it is served "
            "or faster, the queue grows without end"
        )
    return rho


def _service_time(value: object) -> float:
    return check_number("service_time", value, low=0.0, low_inclusive=False, high=1e9)


def mm1_time_in_system(utilisation: float, service_time: float = 1.0) -> float:
    """Return the mean time a request spends in an M/M/1 queue (waiting plus service).

    Parameters
    ----------
    utilisation : float
        The share of time the server is busy, ``rho = lambda / mu``, from 0 to below 1.
    service_time : float
        The mean service time ``1 / mu`` (any unit; the answer is in the same unit).

    Returns
    -------
    float
        ``service_time / (1 - utilisation)``, which equals ``1 / (mu - lambda)``.

    Raises
    ------
    ValueError
        If ``utilisation`` is 1 or more (the queue grows without end) or negative.

    Examples
    --------
    >>> round(mm1_time_in_system(0.8, service_time=10.0), 6)
    50.0
    """
    rho = _utilisation(utilisation)
    service = _service_time(service_time)
    return service / (1.0 - rho)


def erlang_c(servers: int, offered_load: float) -> float:
    """Return the Erlang C probability that a request has to wait in an M/M/c queue.

    Parameters
    ----------
    servers : int
        The number of servers ``c``.
    offered_load : float
        ``a = lambda / mu``, in erlangs: the number of servers' worth of work that
        arrives; it must be below ``servers``.

    Returns
    -------
    float
        ``C(c, a)``, computed through the Erlang B recursion
        ``B(k) = a B(k-1) / (k + a B(k-1))`` and ``C = c B / (c - a (1 - B))``.

    Examples
    --------
    >>> round(erlang_c(2, 1.0), 4)  # two servers each 50% busy: 1/3 of requests wait
    0.3333
    >>> erlang_c(1, 0.8)  # one server: the chance of waiting is the utilisation
    0.8
    """
    c = check_integer("servers", servers, low=1, high=_MAX_SERVERS)
    load = check_number("offered_load", offered_load, low=0.0)
    if load >= c:
        raise ValueError(
            f"offered_load must be < servers ({c}), got {offered_load!r}: utilisation "
            "would be 1 or more and the queue would grow without end"
        )
    blocking = 1.0
    for k in range(1, c + 1):
        blocking = load * blocking / (k + load * blocking)
    return c * blocking / (c - load * (1.0 - blocking))


def mmc_mean_wait(utilisation: float, servers: int = 1, service_time: float = 1.0) -> float:
    """Return the mean time a request waits for a server in an M/M/c queue (before service).

    Parameters
    ----------
    utilisation : float
        Each server's busy share, ``lambda / (c mu)``, from 0 to below 1.
    servers : int
        The number of servers ``c``.
    service_time : float
        The mean service time ``1 / mu``.

    Returns
    -------
    float
        ``C(c, a) / (c mu - lambda)`` with ``a = c * utilisation``.

    Examples
    --------
    >>> round(mmc_mean_wait(0.5, servers=2), 4)  # (1/3) / (2 - 1)
    0.3333
    >>> round(mmc_mean_wait(0.8, servers=1), 6)  # M/M/1: rho S / (1 - rho)
    4.0
    """
    rho = _utilisation(utilisation)
    c = check_integer("servers", servers, low=1, high=_MAX_SERVERS)
    service = _service_time(service_time)
    waiting = erlang_c(c, c * rho)
    return waiting * service / (c * (1.0 - rho))


def _survival(t: np.ndarray, waiting: float, mu: float, theta: float) -> np.ndarray:
    """P(time in system > t): no wait with 1 - C, else an exp(theta) wait plus exp(mu) service."""
    service_only = np.exp(-mu * t)
    if abs(theta - mu) < 1e-9 * mu:
        both = (1.0 + mu * t) * np.exp(-mu * t)
    else:
        both = (theta * np.exp(-mu * t) - mu * np.exp(-theta * t)) / (theta - mu)
    return (1.0 - waiting) * service_only + waiting * both


def time_in_system_quantile(
    quantile: float, utilisation: float, servers: int = 1, service_time: float = 1.0
) -> float:
    """Return a quantile of the time in system (wait plus service) of an M/M/c queue.

    Parameters
    ----------
    quantile : float
        Between 0 and 1, e.g. 0.99 for the p99.
    utilisation, servers, service_time
        As in :func:`mmc_mean_wait`.

    Returns
    -------
    float
        The time ``t`` with ``P(T > t) = 1 - quantile``. For one server that is
        ``-ln(1 - quantile) S / (1 - rho)``; for more, the survival function
        ``(1 - C) e^(-mu t) + C (theta e^(-mu t) - mu e^(-theta t)) / (theta - mu)``,
        ``theta = c mu - lambda``, is solved by bisection.

    Examples
    --------
    >>> round(time_in_system_quantile(0.99, 0.8), 3)  # ln(100) / (1 - 0.8)
    23.026
    >>> round(time_in_system_quantile(0.5, 0.0, servers=3), 4)  # no queue: service alone
    0.6931
    """
    q = check_number("quantile", quantile, low=0.0, high=1.0, high_inclusive=False)
    rho = _utilisation(utilisation)
    c = check_integer("servers", servers, low=1, high=_MAX_SERVERS)
    service = _service_time(service_time)
    if c == 1:
        return -math.log1p(-q) * service / (1.0 - rho)
    mu = 1.0 / service
    theta = c * mu * (1.0 - rho)
    waiting = erlang_c(c, c * rho)
    low, high = 0.0, -math.log1p(-q) * (service + 1.0 / theta)
    while _survival(np.array(high), waiting, mu, theta) > 1.0 - q:
        high *= 2.0
    for _ in range(80):
        middle = 0.5 * (low + high)
        if _survival(np.array(middle), waiting, mu, theta) > 1.0 - q:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def slower_than_probability(
    threshold: float, utilisation: float, servers: int = 1, service_time: float = 1.0
) -> float:
    """Return the chance a request spends longer than ``threshold`` in an M/M/c queue.

    Parameters
    ----------
    threshold : float
        A time, in the unit of ``service_time`` (an SLO, say).
    utilisation, servers, service_time
        As in :func:`mmc_mean_wait`.

    Returns
    -------
    float
        ``P(T > threshold)``: ``exp(-(mu - lambda) t)`` for one server; for more,
        the survival function given in :func:`time_in_system_quantile`.

    Examples
    --------
    >>> round(slower_than_probability(23.026, 0.8), 4)  # the p99 of one server at 80%
    0.01
    """
    t = check_number("threshold", threshold, low=0.0)
    rho = _utilisation(utilisation)
    c = check_integer("servers", servers, low=1, high=_MAX_SERVERS)
    service = _service_time(service_time)
    mu = 1.0 / service
    theta = c * mu * (1.0 - rho)
    waiting = erlang_c(c, c * rho)
    return float(min(1.0, max(0.0, _survival(np.array(t), waiting, mu, theta))))


@dataclass(frozen=True)
class QueueSimulation:
    """The simulated requests of :func:`simulate_queue`.

    Attributes
    ----------
    utilisation : float
        Each server's busy share.
    servers : int
        The number of servers.
    service_time : float
        The mean service time.
    waits : ndarray
        Each simulated request's wait before service (read-only).
    times_in_system : ndarray
        Each request's wait plus its service (read-only).
    """

    utilisation: float
    servers: int
    service_time: float
    waits: np.ndarray
    times_in_system: np.ndarray

    @property
    def mean_wait(self) -> float:
        """The mean wait before service."""
        return float(self.waits.mean())

    @property
    def mean_time_in_system(self) -> float:
        """The mean wait plus service."""
        return float(self.times_in_system.mean())

    def quantile(self, quantile: float) -> float:
        """The ``quantile`` of the time in system (0.5 for the p50, 0.99 for the p99)."""
        q = check_number("quantile", quantile, low=0.0, high=1.0)
        return float(np.quantile(self.times_in_system, q))

    def standard_error(self, quantile: float | None = None, batches: int | None = None) -> float:
        """The standard error of the mean wait, or of a quantile of the time in system.

        The requests are cut into ``batches`` consecutive groups and the statistic
        computed in each; its spread over the groups divided by ``sqrt(batches)`` is
        the standard error (the method of batch means). With more than one server
        the default is one group per replication, which are independent; with one
        server, 20 groups of one long run, nearly independent when each holds many
        busy periods.

        Parameters
        ----------
        quantile : float, optional
            None for the mean wait; else a quantile of the time in system (0.99: the p99).
        batches : int, optional
            Groups (at least 2); :data:`REPLICATIONS` for more than one server, else 20.

        Examples
        --------
        >>> sim = simulate_queue(0.5, 2, n_requests=20_000, seed=1)
        >>> abs(sim.mean_wait - mmc_mean_wait(0.5, 2)) < 3 * sim.standard_error()
        True
        """
        if quantile is not None:
            quantile = check_number("quantile", quantile, low=0.0, high=1.0)
        default = REPLICATIONS if self.servers > 1 else 20
        groups = check_integer(
            "batches", default if batches is None else batches, low=2, high=self.waits.size
        )
        size = self.waits.size // groups
        values = self.waits if quantile is None else self.times_in_system
        table = values[: size * groups].reshape(groups, size)
        per_group = table.mean(axis=1) if quantile is None else np.quantile(table, quantile, axis=1)
        return float(per_group.std(ddof=1) / math.sqrt(groups))


def _lindley_waits(gaps: np.ndarray, services: np.ndarray) -> np.ndarray:
    """One server's waits from the gaps between arrivals and the service times."""
    steps = services[:-1] - gaps[1:]
    total = np.empty(services.size)
    total[0] = 0.0
    np.cumsum(steps, out=total[1:])
    return total - np.minimum.accumulate(total)


def _kiefer_wolfowitz_waits(gaps: np.ndarray, services: np.ndarray, servers: int) -> np.ndarray:
    """Waits of ``servers`` servers, first come first served, for each replication (row)."""
    replications, length = services.shape
    work = np.zeros((replications, servers))  # each server's remaining work, sorted
    waits = np.empty((replications, length))
    for n in range(length):
        if n:
            work = np.maximum(work - gaps[:, n, None], 0.0)
        waits[:, n] = work[:, 0]
        work[:, 0] += services[:, n]
        work.sort(axis=1)
    return waits


def simulate_queue(
    utilisation: float,
    servers: int = 1,
    *,
    n_requests: int = 100_000,
    service_time: float = 1.0,
    seed: object = 0,
) -> QueueSimulation:
    """Simulate ``n_requests`` through an M/M/c queue, first come first served.

    Parameters
    ----------
    utilisation : float
        Each server's busy share, from 0 to below 1.
    servers : int
        The number of servers. One server is one long run of the Lindley
        recursion (vectorised: a cumulative sum and a running minimum). More servers
        run :data:`REPLICATIONS` independent replications side by side, each
        starting empty and dropping its first :data:`WARMUP_SHARE` of requests.
    n_requests : int
        Requests to keep (at most 20 million).
    service_time : float
        The mean service time.
    seed : int or numpy.random.Generator
        The random stream; the gaps between arrivals are drawn first, then the
        service times (``rng.exponential``).

    Returns
    -------
    QueueSimulation

    Examples
    --------
    >>> sim = simulate_queue(0.5, n_requests=200_000, seed=1)
    >>> abs(sim.mean_time_in_system / mm1_time_in_system(0.5) - 1) < 0.02
    True
    """
    rho = _utilisation(utilisation)
    c = check_integer("servers", servers, low=1, high=_MAX_SERVERS)
    n = check_count("n_requests", n_requests, high=_MAX_REQUESTS, low=2)
    service = _service_time(service_time)
    rng = check_seed("seed", seed)
    mean_gap = math.inf if rho == 0.0 else service / (c * rho)
    if c == 1:
        gaps = rng.exponential(mean_gap, size=n) if rho > 0 else np.full(n, np.inf)
        services = rng.exponential(service, size=n)
        waits = _lindley_waits(gaps, services) if rho > 0 else np.zeros(n)
    else:
        per_run = -(-n // REPLICATIONS)
        warmup = int(WARMUP_SHARE * per_run)
        shape = (REPLICATIONS, per_run + warmup)
        gaps = rng.exponential(mean_gap, size=shape) if rho > 0 else np.full(shape, np.inf)
        services = rng.exponential(service, size=shape)
        waits = _kiefer_wolfowitz_waits(gaps, services, c)[:, warmup:].reshape(-1)[:n]
        services = services[:, warmup:].reshape(-1)[:n]
    waits = np.ascontiguousarray(waits)
    return QueueSimulation(
        utilisation=rho,
        servers=c,
        service_time=service,
        waits=read_only(waits),
        times_in_system=read_only(waits + services),
    )
