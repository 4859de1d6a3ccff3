"""What lesson 03's figures and sentences claim, asserted on the course's own data.

nbval compares the notebook's text outputs but not its images, so each finding
a figure states is checked here through the package functions that compute it.
The limits, the seed and the surge date are the lesson's own, read from its notebook
(tests/notebook_constants.py).
"""

import numpy as np
import pandas as pd
import pytest

from infralab import datasets, growth
from tests.notebook_constants import notebook_constants

LESSON = notebook_constants("03_doomsday_clock.ipynb", "LIMITS", "SPIKE", "SEED", "WINDOW_DAYS")
LIMITS, SURGE, SEED = LESSON["LIMITS"], LESSON["SPIKE"], LESSON["SEED"]


@pytest.fixture(scope="module")
def metrics():
    return datasets.load_postgres_metrics()


@pytest.fixture(scope="module")
def table(metrics):
    return growth.doomsday_table(metrics, LIMITS, window_days=LESSON["WINDOW_DAYS"], rng=SEED)


def test_cpu_is_closest_to_its_limit_on_the_last_day(metrics):
    share = {resource: metrics[resource].iloc[-1] / limit for resource, limit in LIMITS.items()}
    assert max(share, key=share.get) == "cpu_peak_pct"


def test_the_break_search_finds_the_surge_within_two_weeks(metrics):
    days = (metrics.date - metrics.date.iloc[0]).dt.days.to_numpy()
    fit = growth.fit_growth(days, metrics.cpu_peak_pct.to_numpy(), model="piecewise")
    found = metrics.date.iloc[0] + pd.Timedelta(days=fit.breakpoint_day)
    assert abs((found - SURGE).days) <= 14


def test_single_trend_fits_over_all_history_put_the_cpu_limit_years_later(metrics):
    days = (metrics.date - metrics.date.iloc[0]).dt.days.to_numpy()
    cpu = metrics.cpu_peak_pct.to_numpy()
    left = {model: growth.days_until_limit(growth.fit_growth(days, cpu, model=model), 90, days[-1])
            for model in ("linear", "exponential", "piecewise")}
    assert left["piecewise"] < 365 < left["exponential"] < left["linear"]
    assert left["exponential"] - left["piecewise"] > 365


def test_cpu_runs_out_first_and_storage_last_after_the_surge(table):
    assert list(table.resource) == ["cpu_peak_pct", "connections_peak", "xid_age_millions",
                                    "storage_gib"]
    assert table.days_left.iloc[-1] - table.days_left.iloc[0] > 6 * 30.44  # "6+ months before"
    assert table.earliest.iloc[0] <= table.doomsday.iloc[0] <= table.latest.iloc[0]


def test_transaction_id_age_grows_fastest(table):
    assert table.set_index("resource").monthly_growth_pct.idxmax() == "xid_age_millions"


def test_the_surge_moves_doomsday_years_earlier_and_switches_the_first_limit(metrics):
    def first(as_of):
        return growth.doomsday_table(metrics, LIMITS, as_of=as_of, window_days=90,
                                     horizon_days=6 * 365, rng=SEED).iloc[0]
    before, after = first("2020-02-29"), first("2020-12-31")
    assert (before.resource, after.resource) == ("storage_gib", "cpu_peak_pct")
    assert (before.doomsday - after.doomsday).days > 2 * 365
    start_by = growth.start_by_date(after.earliest, 270, 60)
    assert start_by < pd.Timestamp("2020-12-31")  # the start-by date has already passed


def test_after_the_surge_the_forecast_falls_below_today_plus_lead_time(metrics):
    def earliest(as_of):
        return growth.doomsday_table(metrics, LIMITS, as_of=as_of, window_days=90,
                                     horizon_days=6 * 365, n_simulations=500, rng=SEED
                                     ).iloc[0].earliest
    lead_and_buffer = pd.Timedelta(days=270 + 60)
    for as_of in pd.date_range("2020-04-30", "2020-12-31", freq="ME"):
        assert earliest(as_of) < as_of + lead_and_buffer
    for as_of in pd.date_range("2019-06-30", "2020-02-29", freq="ME"):
        assert earliest(as_of) > as_of + lead_and_buffer


def test_measured_sqlite_rows_are_smaller_than_the_data_sets_rows(metrics):
    measured = growth.measure_bytes_per_row(20_000, payload_bytes=200, with_index=True, rng=SEED)
    last_quarter = metrics.tail(90)
    slope = np.polyfit(np.arange(90), last_quarter.storage_gib, 1)[0]
    implied = slope * 1024**3 / (last_quarter.rows_inserted_millions.mean() * 1e6)
    assert 200 < measured < implied
    assert implied == pytest.approx(datasets.BYTES_PER_ROW, rel=0.05)


def test_logical_shards_move_less_than_hash_mod_unless_the_fleet_multiplies():
    for hosts in (40, 48, 60):
        modulo = growth.fraction_moved(100_000, 32, hosts, scheme="modulo", rng=SEED)
        logical = growth.fraction_moved(100_000, 32, hosts, scheme="logical", rng=SEED)
        assert logical == pytest.approx(1 - 32 / hosts, abs=0.01)
        assert modulo > logical + 0.3
    modulo = growth.fraction_moved(100_000, 32, 96, scheme="modulo", rng=SEED)
    assert modulo == pytest.approx(2 / 3, abs=0.01)


def test_a_heavier_tail_makes_the_busiest_host_busier():
    imbalance = [
        growth.simulate_sharding(200_000, 480, 32, zipf_exponent=exponent, rng=SEED).host_imbalance
        for exponent in (0.6, 0.8, 1.0, 1.2)
    ]
    assert imbalance == sorted(imbalance) and imbalance[0] < 1.2 < imbalance[-1]


def test_busy_days_touch_the_ceiling_before_the_trend_does(metrics):
    days = (metrics.date - metrics.date.iloc[0]).dt.days.to_numpy()
    projection = growth.project_to_limit(days, metrics.cpu_peak_pct.to_numpy(), 90,
                                         window_days=90, horizon_days=730, rng=SEED)
    assert projection.first_touch_low < projection.crossing_low < projection.crossing_median
    assert projection.crossing_low - projection.first_touch_low > 14  # weeks, not days
