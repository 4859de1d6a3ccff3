"""Public-API specs of lesson 01's model (``infralab.reliability``).

Found by ``tests/test_public_api.py`` through :data:`infralab.lessons.LESSONS`.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.api_specs import (
    BAD_ARRAY,
    BAD_SEED,
    SEEDS,
    Spec,
    bad_integer,
    bad_number,
    finite,
    kwargs,
)

PROBABILITY = finite(0.0, 1.0)
BAD_PROBABILITY = bad_number(0.0, 1.0)
UTILISATION = finite(0.0, 0.95)
BAD_UTILISATION = (*bad_number(0.0, None), 1.0, 1.5)
WINDOW = finite(0.0, 400.0)
BAD_WINDOW = bad_number(0.0, 36_500.0)
BAD_SERVICE_TIME = bad_number(0.0, 1e9, open_low=True)
BAD_SERVERS = bad_integer(1, 1_000)
AVAILABILITIES = st.lists(PROBABILITY, min_size=1, max_size=6)
BAD_AVAILABILITIES = (*BAD_ARRAY, [0.9, 1.5], [-0.1])
BAD_MS = bad_number(0.0, 1e9, open_low=True)

SPECS = {
    "infralab.reliability.downtime_minutes": Spec(
        kwargs(availability=PROBABILITY, window_days=WINDOW),
        invalid={"availability": BAD_PROBABILITY, "window_days": BAD_WINDOW},
    ),
    "infralab.reliability.error_budget_minutes": Spec(
        kwargs(slo=PROBABILITY, window_days=WINDOW),
        invalid={"slo": BAD_PROBABILITY, "window_days": BAD_WINDOW},
    ),
    "infralab.reliability.budget_exhaustion_days": Spec(
        kwargs(burn_rate=finite(0.01, 1_000.0), window_days=WINDOW),
        invalid={
            "burn_rate": bad_number(0.0, 1e9, open_low=True),
            "window_days": BAD_WINDOW,
        },
    ),
    "infralab.reliability.availability_in_series": Spec(
        kwargs(availabilities=AVAILABILITIES),
        invalid={"availabilities": BAD_AVAILABILITIES},
    ),
    "infralab.reliability.availability_in_parallel": Spec(
        kwargs(availabilities=AVAILABILITIES),
        invalid={"availabilities": BAD_AVAILABILITIES},
    ),
    "infralab.reliability.mm1_time_in_system": Spec(
        kwargs(utilisation=UTILISATION, service_time=finite(0.01, 100.0)),
        invalid={"utilisation": BAD_UTILISATION, "service_time": BAD_SERVICE_TIME},
    ),
    "infralab.reliability.erlang_c": Spec(
        st.integers(1, 20).flatmap(
            lambda c: kwargs(servers=st.just(c), offered_load=finite(0.0, 0.95 * c))
        ),
        invalid={
            "servers": BAD_SERVERS,
            "offered_load": (*bad_number(0.0, None), 1_000.0),
        },
    ),
    "infralab.reliability.mmc_mean_wait": Spec(
        kwargs(
            utilisation=UTILISATION,
            servers=st.integers(1, 20),
            service_time=finite(0.01, 100.0),
        ),
        invalid={
            "utilisation": BAD_UTILISATION,
            "servers": BAD_SERVERS,
            "service_time": BAD_SERVICE_TIME,
        },
    ),
    "infralab.reliability.time_in_system_quantile": Spec(
        kwargs(
            quantile=finite(0.0, 0.999),
            utilisation=UTILISATION,
            servers=st.integers(1, 20),
            service_time=finite(0.01, 100.0),
        ),
        invalid={
            "quantile": (*bad_number(0.0, 1.0), 1.0),
            "utilisation": BAD_UTILISATION,
            "servers": BAD_SERVERS,
            "service_time": BAD_SERVICE_TIME,
        },
    ),
    "infralab.reliability.slower_than_probability": Spec(
        kwargs(
            threshold=finite(0.0, 1_000.0),
            utilisation=UTILISATION,
            servers=st.integers(1, 20),
            service_time=finite(0.01, 100.0),
        ),
        invalid={
            "threshold": bad_number(0.0, None),
            "utilisation": BAD_UTILISATION,
            "servers": BAD_SERVERS,
            "service_time": BAD_SERVICE_TIME,
        },
    ),
    "infralab.reliability.simulate_queue": Spec(
        kwargs(
            utilisation=UTILISATION,
            servers=st.integers(1, 4),
            n_requests=st.integers(2, 2_000),
            service_time=finite(0.01, 100.0),
            seed=SEEDS,
        ),
        invalid={
            "utilisation": BAD_UTILISATION,
            "servers": BAD_SERVERS,
            "n_requests": (*bad_integer(2, 20_000_000), 1),
            "service_time": BAD_SERVICE_TIME,
            "seed": BAD_SEED,
        },
    ),
    "infralab.reliability.fanout_slow_probability": Spec(
        kwargs(leaf_slow_probability=PROBABILITY, fanout=st.integers(1, 5_000)),
        invalid={
            "leaf_slow_probability": BAD_PROBABILITY,
            "fanout": bad_integer(1, 100_000),
        },
    ),
    "infralab.reliability.leaf_latency_quantile": Spec(
        kwargs(quantile=finite(0.001, 0.999), median_ms=finite(0.1, 10.0), p99_ms=finite(11, 500)),
        invalid={
            "quantile": (*bad_number(0.0, 1.0), 0.0, 1.0),
            "median_ms": BAD_MS,
            "p99_ms": BAD_MS,
        },
    ),
    "infralab.reliability.simulate_fanout": Spec(
        kwargs(
            fanout=st.integers(1, 50),
            n_requests=st.integers(1, 200),
            median_ms=finite(0.1, 10.0),
            p99_ms=finite(11, 500),
            hedge_after_ms=st.none() | finite(0.0, 50.0),
            seed=SEEDS,
        ),
        invalid={
            "fanout": bad_integer(1, 100_000),
            "n_requests": bad_integer(1, 20_000_000),
            "median_ms": BAD_MS,
            "p99_ms": BAD_MS,
            "hedge_after_ms": ("5", True, [1.0], -1.0, float("nan")),
            "seed": BAD_SEED,
        },
    ),
    "infralab.reliability.simulate_market": Spec(
        kwargs(months=st.integers(1, 24), runs=st.integers(1, 20), seed=SEEDS),
        invalid={
            "months": bad_integer(1, 1_200),
            "runs": bad_integer(1, 100_000),
            "seed": BAD_SEED,
        },
    ),
    "infralab.reliability.market_sensitivity": Spec(
        kwargs(
            ranges=st.just({"feature_weight": (0.5, 2.0)}),
            months=st.integers(1, 12),
            runs=st.integers(1, 5),
            seed=st.integers(0, 1000),
        ),
        invalid={
            "ranges": (None, {}, {"no such parameter": (1, 2)}, {"feature_weight": 3}, "x"),
            "months": bad_integer(1, 1_200),
            "runs": bad_integer(1, 100_000),
            "seed": BAD_SEED,
        },
    ),
    "infralab.reliability.market_break_even": Spec(
        kwargs(
            parameter=st.just("head_start"),
            low=st.just(0.0),
            high=st.just(0.05),
            months=st.integers(34, 40),
            runs=st.integers(50, 60),
            seed=st.integers(0, 1000),
            steps=st.integers(1, 5),
        ),
        invalid={
            "parameter": (None, 3, "no such parameter", ["head_start"]),
            "low": (*BAD_PROBABILITY,),
            "high": (*BAD_PROBABILITY, 0.0),
            "months": bad_integer(1, 1_200),
            "runs": bad_integer(1, 100_000),
            "steps": bad_integer(1, 200),
            "seed": BAD_SEED,
        },
    ),
    "infralab.reliability.measure_thread_pool": Spec(
        kwargs(
            utilisation=finite(0.05, 0.9),
            servers=st.integers(1, 3),
            n_requests=st.integers(1, 5),
            service_ms=finite(0.01, 0.2),
            seed=SEEDS,
        ),
        invalid={
            "utilisation": (*bad_number(0.0, 1.0), 0.0, 1.0),
            "servers": bad_integer(1, 16),
            "n_requests": bad_integer(1, 5_000),
            "service_ms": bad_number(0.0, 100.0, open_low=True),
            "seed": BAD_SEED,
        },
    ),
    "infralab.checks.invisible_qualities.ready": Spec(
        kwargs(function=st.just(lambda *args: 1.0)),
        unchecked={"function": "any answer, or a task's name: the check says which it is"},
    ),
}

RECORDS = {
    "infralab.reliability.QueueSimulation": "built by simulate_queue, which checks it",
    "infralab.reliability.FanoutSimulation": "built by simulate_fanout, which checks it",
    "infralab.reliability.MarketSimulation": "built by simulate_market, which checks it",
    "infralab.reliability.MeasuredQueue": "built by measure_thread_pool, which checks it",
}
