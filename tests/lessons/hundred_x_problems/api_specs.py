"""Public-API specs of lesson 04's model (``infralab.scaling``) and its checks.

Found by ``tests/test_public_api.py`` through :data:`infralab.lessons.LESSONS`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from infralab import scaling
from tests.api_specs import (
    BAD_ARRAY,
    BAD_PATH,
    BAD_SEED,
    SEEDS,
    Spec,
    bad_choice,
    bad_integer,
    bad_number,
    finite,
    kwargs,
)

SYSTEMS = st.just(scaling.example_system())
NOT_A_SYSTEM = (
    None, 3, "table", {"component": ["x"]},
    scaling.example_system().drop(columns="max_instances"),
    scaling.example_system().iloc[:0],
    scaling.example_system().assign(capacity_per_instance=0.0),
)
LOADS = st.lists(finite(0.5, 200.0), min_size=1, max_size=20)
BAD_LOADS = (*BAD_ARRAY, [0.0, 10.0], [-1.0])
THRESHOLD = finite(0.1, 1.0)
BAD_THRESHOLD = bad_number(0.0, 1.0, open_low=True)
PROBABILITY = finite(0.0, 1.0)
BAD_PROBABILITY = bad_number(0.0, 1.0)
CLIENTS = st.lists(finite(1.0, 256.0), min_size=1, max_size=30)
BAD_CLIENTS = (*BAD_ARRAY, [0.0, 1.0])
NOT_ASSUMPTIONS = (3, "fast", {"speed": 1.0}, {"load_growth": -1.0},
                   {"load_growth": "x"}, {"project_work": [[1.0], [2.0]]})
ORG_KWARGS = dict(
    engineers=st.integers(8, 60),
    team_size=st.integers(1, 8),
    start_quarter=st.integers(0, 3),
    quarters=st.integers(4, 16),
)


@st.composite
def sweeps(draw):
    """(clients, throughput): a USL sweep with noise, repeats and at least 4 distinct counts."""
    clients = np.repeat([1, 2, 4, 8, 16, 32][: draw(st.integers(4, 6))], draw(st.integers(1, 3)))
    sigma, kappa = draw(finite(0.0, 0.5)), draw(finite(0.0, 0.01))
    rng = np.random.default_rng(draw(SEEDS))
    throughput = scaling.usl_throughput(clients, 100.0, sigma, kappa)
    return clients, throughput * rng.lognormal(0, 0.1, clients.size)


def _fit(function, arguments):
    arguments = dict(arguments)
    clients, throughput = arguments.pop("sweep")
    arguments.setdefault("clients", clients)
    arguments.setdefault("throughput", throughput)
    return function(**arguments)


INF_PEAK = "N* is infinite when kappa is 0 (Amdahl's law: no peak)"

SPECS = {
    "infralab.scaling.example_system": Spec(kwargs()),
    "infralab.scaling.breaking_load": Spec(
        kwargs(system=SYSTEMS, threshold=THRESHOLD),
        invalid={"system": NOT_A_SYSTEM, "threshold": BAD_THRESHOLD},
    ),
    "infralab.scaling.bottleneck_order": Spec(
        kwargs(system=SYSTEMS, threshold=THRESHOLD),
        invalid={"system": NOT_A_SYSTEM, "threshold": BAD_THRESHOLD},
    ),
    "infralab.scaling.sweep_system": Spec(
        kwargs(system=SYSTEMS, loads=LOADS, target=finite(0.1, 0.9)),
        invalid={"system": NOT_A_SYSTEM, "loads": BAD_LOADS,
                 "target": bad_number(0.0, 1.0, open_low=True, open_high=True)},
        non_finite="latency_ms is infinite for a component at or past 100% utilisation",
    ),
    "infralab.scaling.what_breaks_at": Spec(
        kwargs(system=SYSTEMS, loads=LOADS, threshold=THRESHOLD),
        invalid={"system": NOT_A_SYSTEM, "loads": BAD_LOADS, "threshold": BAD_THRESHOLD},
    ),
    "infralab.scaling.apply_fix": Spec(
        kwargs(system=SYSTEMS, component=st.sampled_from(list(scaling.example_system().component))),
        invalid={"system": NOT_A_SYSTEM[:-1], "component": (None, 3, "nothing", ["cache"])},
    ),
    "infralab.scaling.usl_throughput": Spec(
        kwargs(clients=CLIENTS, lam=finite(0.1, 1e4), sigma=PROBABILITY, kappa=PROBABILITY),
        invalid={"clients": BAD_CLIENTS, "lam": bad_number(0.0, open_low=True),
                 "sigma": BAD_PROBABILITY, "kappa": BAD_PROBABILITY},
    ),
    "infralab.scaling.amdahl_throughput": Spec(
        kwargs(clients=CLIENTS, lam=finite(0.1, 1e4), sigma=PROBABILITY),
        invalid={"clients": BAD_CLIENTS, "lam": bad_number(0.0, open_low=True),
                 "sigma": BAD_PROBABILITY},
    ),
    "infralab.scaling.peak_concurrency": Spec(
        kwargs(sigma=PROBABILITY, kappa=PROBABILITY),
        invalid={"sigma": BAD_PROBABILITY, "kappa": BAD_PROBABILITY},
        non_finite=INF_PEAK,
    ),
    "infralab.scaling.fit_usl": Spec(
        kwargs(sweep=sweeps(), model=st.sampled_from(["usl", "amdahl"]),
               band=finite(0.5, 0.95)),
        invalid={"clients": (*BAD_CLIENTS, [float(n) for n in range(1, 20)]),
                 "throughput": (*BAD_ARRAY, [1.0, -1.0, 2.0, 3.0]),
                 "model": bad_choice("usl", "amdahl"),
                 "band": bad_number(0.0, 1.0, open_low=True, open_high=True)},
        call=_fit,
        non_finite=INF_PEAK + "; the errors are infinite when the covariance is undefined",
    ),
    "infralab.scaling.compare_laws": Spec(
        kwargs(sweep=sweeps(), band=finite(0.5, 0.95)),
        invalid={"clients": (*BAD_CLIENTS, [float(n) for n in range(1, 20)]),
                 "throughput": (*BAD_ARRAY, [1.0, -1.0, 2.0, 3.0]),
                 "band": bad_number(0.0, 1.0, open_low=True, open_high=True)},
        call=_fit,
        non_finite=INF_PEAK + "; the F statistic is infinite for a perfect USL fit",
    ),
    "infralab.scaling.load_throughput_measurement": Spec(
        kwargs(), invalid={"path": BAD_PATH}
    ),
    "infralab.scaling.measure_throughput": Spec(
        kwargs(url=st.just("postgresql://postgres:@/postgres?host=/nowhere"),
               clients=st.just((1, 2)), seconds=st.just(1), repeats=st.just(1),
               scale=st.just(1), random_seed=st.integers(0, 10)),
        invalid={"url": (None, 3, "localhost", "mysql://x"),
                 "clients": (None, "1", (), (0,), (1, 1), (2.5,), (True,), (1_000,)),
                 "seconds": (*bad_number(1, 600), 2.5), "repeats": bad_integer(1, 20),
                 "scale": bad_integer(1, 100), "random_seed": bad_integer(0, 2**31 - 1)},
        valid_calls="runs pgbench against a running PostgreSQL: test_measure.py starts one",
    ),
    "infralab.scaling.draw_assumptions": Spec(
        kwargs(runs=st.integers(1, 500), seed=SEEDS),
        invalid={"runs": bad_integer(1, 1_000_000), "seed": BAD_SEED},
    ),
    "infralab.scaling.simulate_org": Spec(
        kwargs(strategy=st.sampled_from(list(scaling.STRATEGIES)),
               part_time_share=PROBABILITY, switching_cost=PROBABILITY,
               runs=st.integers(1, 50), **ORG_KWARGS),
        invalid={"strategy": bad_choice(*scaling.STRATEGIES),
                 "engineers": bad_integer(1, 100_000), "team_size": (*bad_integer(1), 10_000),
                 "start_quarter": (*bad_integer(0), 400), "quarters": bad_integer(1, 400),
                 "part_time_share": BAD_PROBABILITY, "switching_cost": BAD_PROBABILITY,
                 "assumptions": NOT_ASSUMPTIONS, "runs": bad_integer(1, 1_000_000)},
    ),
    "infralab.scaling.best_team_size": Spec(
        kwargs(sizes=st.lists(st.integers(1, 8), min_size=1, max_size=4),
               start_quarter=st.integers(0, 3), engineers=st.integers(8, 40),
               quarters=st.integers(4, 12), runs=st.integers(1, 20)),
        invalid={"sizes": (None, "3", [], [0], [2.5], [True], [100_001]),
                 "start_quarter": (*bad_integer(0), 400), "engineers": bad_integer(1, 100_000),
                 "quarters": bad_integer(1, 400), "assumptions": NOT_ASSUMPTIONS,
                 "runs": bad_integer(1, 1_000_000)},
    ),
    "infralab.scaling.latest_start_quarter": Spec(
        kwargs(team_size=st.integers(1, 8), engineers=st.integers(8, 40),
               quarters=st.integers(4, 12), firefighting_limit=finite(0.05, 1.0),
               chance=finite(0.05, 1.0), runs=st.integers(1, 20)),
        invalid={"team_size": (*bad_integer(1), 10_000), "engineers": bad_integer(1, 100_000),
                 "quarters": bad_integer(1, 400),
                 "firefighting_limit": bad_number(0.0, 1.0, open_low=True),
                 "chance": bad_number(0.0, 1.0, open_low=True),
                 "assumptions": NOT_ASSUMPTIONS, "runs": bad_integer(1, 1_000_000)},
    ),
    "infralab.checks.hundred_x_problems.ready": Spec(
        kwargs(function=st.just(lambda *args: 1.0)),
        unchecked={"function": "any answer at all is handled: fuzzed in tests/test_check_cells.py"},
    ),
}

RECORDS = {
    "infralab.scaling.UslFit": "built by fit_usl",
    "infralab.scaling.LawComparison": "built by compare_laws",
    "infralab.scaling.OrgOutcome": "built by simulate_org",
}

__all__ = ["RECORDS", "SPECS", "pd"]
