"""Public-API specs of lesson 03's model (``infralab.growth``) and its data set.

Found by ``tests/test_public_api.py`` through :data:`infralab.lessons.LESSONS`.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from infralab import growth
from tests.api_specs import (
    BAD_ARRAY,
    BAD_DATE,
    BAD_FLAG,
    BAD_PATH,
    BAD_SEED,
    DATES,
    SEEDS,
    Spec,
    bad_choice,
    bad_integer,
    bad_number,
    finite,
    kwargs,
)


@st.composite
def series(draw, *, min_size=3, max_size=90, positive=True):
    """(days, values): strictly increasing days, noisy exponential or straight growth."""
    n = draw(st.integers(min_size, max_size))
    step = draw(finite(0.5, 3.0))
    days = draw(finite(0.0, 500.0)) + step * np.arange(n)
    rng = np.random.default_rng(draw(SEEDS))
    rate = draw(finite(-0.01, 0.05))
    noise = rng.normal(0.0, draw(finite(0.0, 0.1)), n)
    values = draw(finite(1.0, 1e4)) * np.exp(rate * (days - days[0]) + noise)
    if not positive and draw(st.booleans()):
        values = values - values.mean()  # a linear series may cross zero
    return days, values


@st.composite
def fit_growth_arguments(draw):
    model = draw(st.sampled_from(growth.MODELS))
    days, values = draw(series(min_size=4, positive=model != "linear"))
    arguments = {"days": days, "values": values, "model": model}
    if model == "piecewise":
        arguments["min_regime_days"] = draw(st.integers(2, days.size // 2))
        if draw(st.booleans()):
            arguments["breakpoint_day"] = float(days[draw(st.integers(2, days.size - 2))])
    return arguments


@st.composite
def fits(draw):
    return growth.GrowthFit(
        "exponential",
        intercept=draw(finite(-5.0, 10.0)),
        slope=draw(finite(-0.05, 0.05)),
        residual_sd=draw(finite(0.0, 1.0)),
        n_points=draw(st.integers(2, 1000)),
    )


@st.composite
def projection_arguments(draw):
    model = draw(st.sampled_from(growth.MODELS))
    days, values = draw(series(min_size=6 if model == "piecewise" else 3, positive=True))
    arguments = {
        "days": days,
        "values": values,
        "limit": draw(finite(1.0, 1e6)),
        "model": model,
        "horizon_days": draw(st.integers(1, 400)),
        "n_simulations": draw(st.integers(1, 40)),
        "band": draw(finite(0.05, 0.95)),
        "block_days": draw(st.none() | st.just(1)),
        "rng": draw(SEEDS),
        "min_regime_days": 3,
    }
    if draw(st.booleans()):
        arguments["window_days"] = float(days[-1] - days[0]) + 1.0  # covers every point
    return arguments


@st.composite
def metrics_frame(draw):
    n = draw(st.integers(10, 70))
    rng = np.random.default_rng(draw(SEEDS))
    dates = pd.date_range(draw(DATES), periods=n, freq="D")
    day = np.arange(n)
    frame = pd.DataFrame(
        {
            "date": dates,
            "storage_gb": 100.0 * np.exp(0.01 * day + rng.normal(0, 0.01, n)),
            "cpu_pct": 20.0 + 0.2 * day + rng.normal(0, 0.5, n),
        }
    )
    return frame


@st.composite
def doomsday_table_arguments(draw):
    frame = draw(metrics_frame())
    return {
        "frame": frame,
        "limits": {"storage_gb": draw(finite(150.0, 1e5)), "cpu_pct": draw(finite(40.0, 100.0))},
        "window_days": draw(finite(4.0, 200.0)),
        "model": draw(st.sampled_from(("exponential", "linear"))),
        "horizon_days": draw(st.integers(1, 400)),
        "n_simulations": draw(st.integers(1, 30)),
        "band": draw(finite(0.05, 0.95)),
        "rng": draw(SEEDS),
    }


#: A cycle is None or a whole number of days from 2 to 366.
BAD_CYCLE = tuple(value for value in bad_integer(2, 366) if value is not None)

@st.composite
def sawtooth_arguments(draw):
    """Days, noisy sawtooth tops and sizes: both causes growing exponentially."""
    n = draw(st.integers(30, 90))
    days = np.arange(float(n))
    rng = np.random.default_rng(draw(SEEDS))
    sizes = 1_000.0 + np.cumsum(10.0 * np.exp(0.01 * days) * rng.lognormal(0, 0.03, n))
    ages = growth.sawtooth_top(draw(finite(0.01, 0.2)) * np.exp(0.01 * days) * sizes)
    return {"days": days, "ages": ages, "sizes": sizes, "limit": draw(finite(1_000.0, 3_000.0)),
            "horizon_days": draw(st.integers(1, 400)), "n_simulations": draw(st.integers(1, 30)),
            "rng": draw(SEEDS)}


#: What every projection and the doomsday table refuse of the options they share
#: (checked by one function, growth.projection._check_run_options).
BAD_RUN_OPTIONS = {
    "window_days": bad_number(0.0, open_low=True, none=False),
    "horizon_days": bad_integer(1, 36_500),
    "n_simulations": bad_integer(1),
    "band": bad_number(0.0, 1.0, open_low=True, open_high=True),
    "block_days": (0, 2.5, "3", True, 10**6),
    "rng": BAD_SEED,
    "cycle_days": BAD_CYCLE,
}

DIVISORS_480 = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 16, 20, 24, 30, 32, 40, 48, 60, 80, 96, 120)

BAD_DAYS = (*BAD_ARRAY, [3.0, 2.0, 1.0], np.array(["2020-01-01", "2020-01-02"], "datetime64[D]"))

GROWTH = {
    "infralab.growth.GrowthFit": Spec(
        kwargs(
            model=st.sampled_from(growth.MODELS),
            intercept=finite(-10.0, 10.0),
            slope=finite(-0.1, 0.1),
            residual_sd=finite(0.0, 1.0),
            n_points=st.integers(2, 10_000),
            last_day=st.none() | finite(0.0, 1e4),
        ),
        invalid={
            "model": bad_choice("linear"),
            "intercept": bad_number(),
            "slope": bad_number(),
            "residual_sd": bad_number(0.0),
            "n_points": bad_integer(2),
            "breakpoint_day": ("50", True, math.nan, math.inf),
            "rate_before": ("0.1", True, math.nan),
            "intercept_before": ("1", True, math.nan),
            "last_day": ("1", True, math.nan, -math.inf),
        },
    ),
    "infralab.growth.days_until_limit": Spec(
        kwargs(fit=fits(), limit=finite(1.0, 1e6), from_day=finite(0.0, 1000.0)),
        invalid={
            "fit": (None, "fit", 3, {"slope": 0.1}),
            "limit": bad_number(0.0, open_low=True),
            "from_day": bad_number(),
        },
        non_finite="inf when the fitted curve never reaches the limit (slope <= 0)",
    ),
    "infralab.growth.doomsday_table": Spec(
        doomsday_table_arguments(),
        invalid={
            "frame": (None, "frame", [[1, 2]], {"date": [1]}),
            "limits": (
                None,
                {},
                [("storage_gb", 1.0)],
                {"missing": 1.0},
                {"storage_gb": math.nan},
                {"storage_gb": "1"},
                {"storage_gb": True},
            ),
            "date_column": ("no such column", None, 3),
            "as_of": ("not a date", "today", 3, pd.Timestamp("2020-01-01", tz="UTC"), "1900-01-01"),
            "model": bad_choice("linear"),
            **BAD_RUN_OPTIONS,
            "baselines": ("storage_gb", [("storage_gb", 1.0)], {"missing": 1.0},
                          {"storage_gb": "1"}, {"storage_gb": math.nan}),
            "running_totals": ("storage_gb", 3, ["missing"], None),
            "sawtooths": ("storage_gb", [("storage_gb", "cpu_pct")], {"missing": "cpu_pct"},
                          {"storage_gb": "missing"}, {"storage_gb": 3}),
        },
        non_finite="NaT dates and inf days_left for a resource whose trend does not reach its "
        "limit within the horizon",
    ),
    "infralab.growth.find_regime_change": Spec(
        series(min_size=8, max_size=120).map(
            lambda s: {"days": s[0], "values": s[1], "min_regime_days": 3}
        ),
        invalid={
            "days": BAD_DAYS,
            "values": (*BAD_ARRAY, [-1.0] * 8, [0.0] * 8, [1.0, 2.0]),
            "min_regime_days": bad_integer(2, 10**6),
        },
        non_finite="NaN when one exponential fits as well as any regime change (documented)",
    ),
    "infralab.growth.fit_growth": Spec(
        fit_growth_arguments(),
        invalid={
            "days": BAD_DAYS,
            "values": (*BAD_ARRAY, [1.0, 2.0]),
            "model": bad_choice("linear"),
            "breakpoint_day": ("50", True, math.nan, math.inf, -1e9),
            "min_regime_days": bad_integer(2),
        },
        non_finite="the fit's fields are finite; GrowthFit properties such as doubling_days "
        "are inf for a flat or shrinking fit",
    ),
    "infralab.growth.fraction_moved": Spec(
        kwargs(
            n_keys=st.integers(1, 3000),
            hosts_before=st.sampled_from(DIVISORS_480),
            hosts_after=st.sampled_from(DIVISORS_480),
            scheme=st.sampled_from(("logical", "modulo")),
            n_logical_shards=st.just(480),
            rng=SEEDS,
        ),
        invalid={
            "n_keys": bad_integer(1),
            "hosts_before": bad_integer(1),
            "hosts_after": bad_integer(1),
            "scheme": bad_choice("logical"),
            "n_logical_shards": bad_integer(1),
            "rng": BAD_SEED,
        },
    ),
    "infralab.growth.measure_bytes_per_row": Spec(
        kwargs(
            n_rows=st.integers(1, 200),
            payload_bytes=st.integers(0, 50),
            with_index=st.booleans(),
            rng=SEEDS,
        ),
        invalid={
            "n_rows": bad_integer(1),
            "payload_bytes": bad_integer(0),
            "with_index": BAD_FLAG,
            "rng": BAD_SEED,
        },
    ),
    "infralab.growth.monthly_growth_pct": Spec(
        kwargs(daily_growth_rate=finite(-0.99, 1.0)),
        invalid={"daily_growth_rate": (None, "0.01", True, [0.01], math.nan, -1.0, -2.0)},
    ),
    "infralab.growth.project_to_limit": Spec(
        projection_arguments(),
        invalid={
            "days": BAD_DAYS,
            "values": (*BAD_ARRAY, [1.0, 2.0]),
            "limit": (None, "1", True, [1.0], math.nan, math.inf),
            "model": bad_choice("linear"),
            **BAD_RUN_OPTIONS,
            "min_regime_days": bad_integer(3),
            "baseline": bad_number(),
            "running_total": BAD_FLAG,
        },
        non_finite="crossing_days and first_touch_days are inf for simulations that do not "
        "reach the limit within the horizon; band values too large for a float are inf",
    ),
    "infralab.growth.rebalance_shards": Spec(
        kwargs(
            n_logical_shards=st.just(480),
            hosts_before=st.sampled_from(DIVISORS_480),
            hosts_after=st.sampled_from(DIVISORS_480),
        ),
        invalid={
            "n_logical_shards": bad_integer(1),
            "hosts_before": (*bad_integer(1), 7),
            "hosts_after": (*bad_integer(1), 7),
        },
    ),
    "infralab.growth.simulate_sharding": Spec(
        kwargs(
            n_workspaces=st.integers(1, 3000),
            n_logical_shards=st.just(480),
            n_hosts=st.sampled_from(DIVISORS_480),
            zipf_exponent=finite(0.0, 3.0),
            rng=SEEDS,
        ),
        invalid={
            "n_workspaces": bad_integer(1),
            "n_logical_shards": bad_integer(1),
            "n_hosts": (*bad_integer(1), 7),
            "zipf_exponent": bad_number(0.0),
            "rng": BAD_SEED,
        },
    ),
    "infralab.growth.stable_hash": Spec(
        kwargs(keys=st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=50)),
        invalid={"keys": (None, "keys", [1.5], [True], [math.nan], ["a"])},
    ),
    "infralab.growth.start_by_date": Spec(
        kwargs(
            doomsday_date=DATES | DATES.map(str) | DATES.map(pd.Timestamp),
            lead_time_days=finite(0.0, 2000.0),
            buffer_days=finite(0.0, 365.0),
        ),
        invalid={
            "doomsday_date": (
                None,
                20200101,
                "not a date",
                "today",
                pd.Timestamp("2020-01-01", tz="UTC"),
            ),
            "lead_time_days": bad_number(0.0),
            "buffer_days": bad_number(0.0),
        },
    ),
    "infralab.growth.zipf_sizes": Spec(
        kwargs(n_workspaces=st.integers(1, 3000), exponent=finite(0.0, 3.0), rng=SEEDS),
        invalid={
            "n_workspaces": bad_integer(1),
            "exponent": bad_number(0.0),
            "rng": BAD_SEED,
        },
    ),
}

#: The check module's helper beside its check functions (those get their spec in
#: tests/test_public_api.py, from the module's TASKS).
CHECKS = {
    "infralab.checks.doomsday_clock.ready": Spec(
        kwargs(function=st.just(lambda *args: 1.0)),
        unchecked={"function": "any answer at all is handled: fuzzed in tests/test_check_cells.py"},
    ),
}

SPECS = GROWTH | CHECKS | {
    "infralab.datasets.postgres_metrics.load_postgres_metrics": Spec(
        kwargs(),
        invalid={"path": BAD_PATH},
        valid_calls="reads data/: checked in tests/test_datasets.py",
    ),
    "infralab.datasets.postgres_metrics.simulate_postgres_metrics": Spec(
        kwargs(seed=SEEDS),
        invalid={"seed": BAD_SEED},
        valid_calls="1,096 simulated days per call: checked in tests/test_datasets.py",
    ),
    "infralab.growth.sawtooth_top": Spec(
        kwargs(ids_per_pass=finite(0.0, 1e4)),
        invalid={
            "ids_per_pass": (None, "1", -1.0, math.nan, math.inf, [[1.0]]),
            "freeze_max_age": bad_number(0.0, open_low=True),
            "freeze_min_age": (*bad_number(0.0), 500.0),
        },
    ),
    "infralab.growth.ids_per_pass": Spec(
        kwargs(top=finite(200.0, 1e4)),
        invalid={
            "top": (None, "300", 199.0, math.nan, math.inf),
            "freeze_max_age": bad_number(0.0, open_low=True),
            "freeze_min_age": (*bad_number(0.0), 500.0),
        },
    ),
    "infralab.growth.project_sawtooth": Spec(
        sawtooth_arguments(),
        invalid={
            "days": BAD_DAYS,
            "ages": (*BAD_ARRAY, [300.0, 400.0]),
            "sizes": (*BAD_ARRAY, [10.0, 20.0]),
            "limit": (None, "1", True, math.nan, math.inf, 150.0),
            **BAD_RUN_OPTIONS,
            "freeze_max_age": (*bad_number(0.0, open_low=True), 5_000.0),
            "freeze_min_age": (*bad_number(0.0), 500.0),
        },
        non_finite="crossing_days and first_touch_days are inf for simulations that do not "
        "reach the limit within the horizon",
    ),
    "infralab.growth.embedded_postgres": Spec(
        kwargs(), valid_calls="starts a PostgreSQL server: test_postgres.py"
    ),
    "infralab.growth.measure_postgres_bytes_per_row": Spec(
        kwargs(n_rows=st.integers(1, 200), payload_bytes=st.integers(0, 50), rng=SEEDS),
        invalid={
            "n_rows": bad_integer(1, 1_000_000),
            "payload_bytes": bad_integer(0, 1_000_000),
            "rng": BAD_SEED,
        },
        valid_calls="starts a PostgreSQL server (seconds): measured in test_postgres.py",
    ),
    "infralab.growth.load_postgres_measurement": Spec(kwargs(), invalid={"path": BAD_PATH}),
    "infralab.growth.postgres_limits": Spec(
        kwargs(url=st.just("postgresql://learner@127.0.0.1:1/course")),
        invalid={
            "url": (None, 5432, True, ["postgresql://h/db"], "", "  ", "mysql://u@h/db",
                    "localhost:5432", "postgresql://[::1/db"),
            "psql": (3, True, ["psql"], b"psql", "/no/such/psql"),
        },
        valid_calls="needs a running PostgreSQL server: test_postgres.py starts one",
    ),
    "infralab.datasets.postgres_metrics.postgres_trends": Spec(
        kwargs(end_date=DATES.filter(lambda day: day >= dt.date(2018, 1, 1))),
        invalid={"end_date": (*BAD_DATE, "2017-12-31", "2041-01-01")},
    ),
    "infralab.datasets.postgres_metrics.trend_crossings": Spec(
        kwargs(
            limits=st.fixed_dictionaries(
                {"storage_gib": finite(1e3, 1e6), "cpu_peak_pct": finite(1.0, 500.0)}
            ),
            end_date=st.sampled_from(("2020-12-31", "2025-12-31")),
        ),
        invalid={
            "limits": (None, {}, [("storage_gib", 1.0)], {"date": 1.0}, {"missing": 1.0},
                       {"storage_gib": "1"}, {"storage_gib": math.nan}),
            "end_date": (*BAD_DATE, "2041-01-01"),
        },
        non_finite="NaT for a column whose trend does not reach its limit by end_date",
    ),
}

RECORDS = {
    "infralab.growth.Projection": "built by project_to_limit",
    "infralab.growth.PostgresLimits": "built by postgres_limits",
    "infralab.growth.ShardingResult": "built by simulate_sharding",
}
