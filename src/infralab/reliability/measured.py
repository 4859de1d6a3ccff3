"""A real queue, measured: a pool of worker threads serving requests that arrive at random.

The queue models of :mod:`~infralab.reliability.queueing` assume a server that starts
each request the instant it is free and works for exactly the drawn service time.
Here the same M/M/c queue runs for real, at small scale, on this machine: requests
arrive at Poisson times (the calling thread sleeps until each is due), wait in a
:class:`concurrent.futures.ThreadPoolExecutor`'s first-come-first-served queue, and
each is "served" by a worker thread sleeping for its exponential service time. The
clock is :func:`time.perf_counter`.

What the formulas leave out shows up here: ``time.sleep`` overshoots by a timer
slack and a scheduler delay, waking a worker takes time, and whatever else the
machine runs competes for it. Nothing leaves the process: no network, no other
program.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from infralab.validation import check_count, check_integer, check_number, check_seed, read_only

__all__ = ["MeasuredQueue", "measure_thread_pool"]

#: Most requests one measurement may send (each takes real time).
_MAX_REQUESTS = 5_000
#: Most worker threads.
_MAX_SERVERS = 16


@dataclass(frozen=True)
class MeasuredQueue:
    """The requests of one :func:`measure_thread_pool` run, as measured.

    Attributes
    ----------
    utilisation : float
        The utilisation asked for (arrival rate times mean service time, per server).
    servers : int
        Worker threads.
    service_ms : float
        The mean service time asked for, in ms.
    times_in_system_ms : ndarray
        Each request's time from its arrival to the end of its service, in ms (read-only).
    asked_services_ms : ndarray
        Each request's drawn service time, the sleep asked for, in ms (read-only).
    services_ms : ndarray
        How long each request's service really took (the sleep as measured), in ms (read-only).
    seconds : float
        The wall-clock time the measurement took.
    """

    utilisation: float
    servers: int
    service_ms: float
    times_in_system_ms: np.ndarray
    asked_services_ms: np.ndarray
    services_ms: np.ndarray
    seconds: float

    def quantile(self, quantile: float) -> float:
        """A quantile of the measured time in system, in ms (0.5 for the p50, 0.99 for the p99)."""
        q = check_number("quantile", quantile, low=0.0, high=1.0)
        return float(np.quantile(self.times_in_system_ms, q))

    @property
    def service_overshoot_ms(self) -> float:
        """How much longer a service took than asked, on average, in ms (timer and scheduler)."""
        return float(self.services_ms.mean() - self.asked_services_ms.mean())


def _serve(seconds: float) -> tuple[float, float]:
    started = time.perf_counter()
    time.sleep(seconds)
    return started, time.perf_counter()


def measure_thread_pool(
    utilisation: float,
    servers: int = 2,
    *,
    n_requests: int = 250,
    service_ms: float = 1.0,
    seed: object = 0,
) -> MeasuredQueue:
    """Send ``n_requests`` at Poisson times to ``servers`` worker threads and time each one.

    Parameters
    ----------
    utilisation : float
        Each worker's intended busy share, above 0 and below 1.
    servers : int
        Worker threads sharing one first-come-first-served queue.
    n_requests : int
        Requests to send (at most 5,000; the run takes about
        ``n_requests * service_ms / (servers * utilisation)`` ms).
    service_ms : float
        Mean service time in ms (each service is an exponential sleep).
    seed : int or numpy.random.Generator
        The random stream for the gaps between arrivals and the service times (drawn
        as :func:`~infralab.reliability.simulate_queue` draws them); the measured times
        also depend on the machine, so they differ from run to run.

    Returns
    -------
    MeasuredQueue

    Examples
    --------
    >>> run = measure_thread_pool(0.5, servers=2, n_requests=20, seed=1)
    >>> run.times_in_system_ms.shape
    (20,)
    >>> bool((run.times_in_system_ms >= run.services_ms).all())
    True
    """
    rho = check_number(
        "utilisation", utilisation, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    c = check_integer("servers", servers, low=1, high=_MAX_SERVERS)
    n = check_count("n_requests", n_requests, high=_MAX_REQUESTS)
    service = check_number("service_ms", service_ms, low=0.0, low_inclusive=False, high=100.0)
    rng = check_seed("seed", seed)
    gaps = rng.exponential(service / (c * rho), n) / 1000.0
    asked = rng.exponential(service, n) / 1000.0
    arrivals = np.empty(n)
    with ThreadPoolExecutor(max_workers=c) as pool:
        begin = due = time.perf_counter()
        futures = []
        for gap, seconds in zip(gaps, asked, strict=True):
            due += gap
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            arrivals[len(futures)] = time.perf_counter()
            futures.append(pool.submit(_serve, float(seconds)))
        served = np.array([future.result() for future in futures])
        seconds_taken = time.perf_counter() - begin
    return MeasuredQueue(
        utilisation=rho,
        servers=c,
        service_ms=service,
        times_in_system_ms=read_only(1000.0 * (served[:, 1] - arrivals)),
        asked_services_ms=read_only(1000.0 * asked),
        services_ms=read_only(1000.0 * (served[:, 1] - served[:, 0])),
        seconds=seconds_taken,
    )
