"""What lesson 03's figures and sentences claim, asserted on the course's own data.

nbval compares the notebook's text outputs but not its images, so each finding
a figure states is checked here through the package functions that compute it.
The limits, shapes, lead times, seed and surge date are the lesson's own, read
from its notebook (tests/notebook_constants.py). The generator run without noise
(:func:`infralab.datasets.trend_crossings`) is the ground truth the forecasts
and their bands are judged against.
"""

import numpy as np
import pandas as pd
import pytest

from infralab import datasets, growth
from infralab.datasets import postgres_metrics
from tests.notebook_constants import notebook_constants

LESSON = notebook_constants(
    "03_doomsday_clock.ipynb", "LIMITS", "SPIKE", "SEED", "WINDOW_DAYS", "CYCLE_DAYS",
    "BLOCK_DAYS", "RUNNING_TOTALS", "SAWTOOTHS", "LEAD_TIME_DAYS", "BUFFER_DAYS", "HORIZON_DAYS",
)
LIMITS, SURGE, SEED = LESSON["LIMITS"], LESSON["SPIKE"], LESSON["SEED"]
FORECAST = {"window_days": LESSON["WINDOW_DAYS"], "cycle_days": LESSON["CYCLE_DAYS"],
            "block_days": LESSON["BLOCK_DAYS"]}
SHAPES = {**FORECAST, "running_totals": LESSON["RUNNING_TOTALS"], "sawtooths": LESSON["SAWTOOTHS"]}
LEAD, BUFFER = LESSON["LEAD_TIME_DAYS"], LESSON["BUFFER_DAYS"]


@pytest.fixture(scope="module")
def metrics():
    return datasets.load_postgres_metrics()


@pytest.fixture(scope="module")
def truth():
    return datasets.trend_crossings(LIMITS)


@pytest.fixture(scope="module")
def table(metrics):
    return growth.doomsday_table(metrics, LIMITS, rng=SEED, **SHAPES)


def first_fix(metrics, as_of, n_simulations=2000):
    seen = growth.doomsday_table(
        metrics,
        LIMITS,
        as_of=as_of,
        horizon_days=LESSON["HORIZON_DAYS"],
        n_simulations=n_simulations,
        rng=SEED,
        **SHAPES,
    )
    start_by = [
        growth.start_by_date(row.earliest, LEAD[row.resource], BUFFER) for row in seen.itertuples()
    ]
    first = int(np.argmin(start_by))
    return seen.iloc[first], start_by[first]


def test_cpu_is_closest_to_its_limit_on_the_last_day(metrics):
    share = {resource: metrics[resource].iloc[-1] / limit for resource, limit in LIMITS.items()}
    assert max(share, key=share.get) == "cpu_peak_pct"


def test_transaction_ids_grow_faster_than_vacuum_can_keep_up(metrics):
    rows_per_id = postgres_metrics.ROWS_PER_WRITE_TRANSACTION
    speed = postgres_metrics.VACUUM_THROUGHPUT_GIB_PER_DAY
    first_week, last_week = metrics.head(7), metrics.tail(7)
    used_then = (first_week.rows_inserted_millions.mean() / rows_per_id
                 * first_week.storage_gib.iloc[-1] / speed)
    ids_now = last_week.rows_inserted_millions.mean() / rows_per_id
    used_now = ids_now * last_week.storage_gib.iloc[-1] / speed
    assert used_then < 150 < used_now  # a healthy sawtooth in 2018; back to back at the end
    # the tooth's top, as section 1 computes it, within the data's day-to-day noise
    top_then, top_now = growth.sawtooth_top(used_then), growth.sawtooth_top(used_now)
    assert top_then == pytest.approx(first_week.xid_age_millions.mean(), rel=0.02)
    assert top_now == pytest.approx(last_week.xid_age_millions.mean(), rel=0.1)
    assert growth.sawtooth_top(used_now) == pytest.approx(50 + 2 * used_now)
    # if vacuum stalls: weeks to the failsafe and to the stop
    age = metrics.xid_age_millions.iloc[-1]
    stop = 2**31 / 1e6 - 3
    assert 14 < (LIMITS["xid_age_millions"] - age) / ids_now < (stop - age) / ids_now < 60


def test_the_break_search_finds_the_surge_within_two_weeks(metrics):
    days = (metrics.date - metrics.date.iloc[0]).dt.days.to_numpy()
    fit = growth.fit_growth(days, metrics.cpu_peak_pct.to_numpy(), model="piecewise")
    found = metrics.date.iloc[0] + pd.Timedelta(days=fit.breakpoint_day)
    assert abs((found - SURGE).days) <= 14


def test_single_trend_fits_over_all_history_put_the_cpu_limit_years_later(metrics):
    days = (metrics.date - metrics.date.iloc[0]).dt.days.to_numpy()
    cpu = metrics.cpu_peak_pct.to_numpy()
    left = {
        model: growth.days_until_limit(growth.fit_growth(days, cpu, model=model), 90, days[-1])
        for model in ("linear", "exponential", "piecewise")
    }
    assert left["piecewise"] < 365 < left["exponential"] < left["linear"]
    assert left["exponential"] - left["piecewise"] > 365


def test_the_model_that_fits_each_resource_is_the_one_near_the_truth(metrics, table, truth):
    plain = growth.doomsday_table(metrics, LIMITS, rng=SEED, **FORECAST)
    plain, fitted = plain.set_index("resource"), table.set_index("resource")
    for resource in ("cpu_peak_pct", "connections_peak"):  # the same model: the same dates
        assert plain.doomsday[resource] == fitted.doomsday[resource]
    # "weeks to months late"
    assert (plain.doomsday["xid_age_millions"] - truth["xid_age_millions"]).days > 14
    assert (plain.doomsday["storage_gib"] - truth["storage_gib"]).days > 45
    for resource in ("xid_age_millions", "storage_gib"):
        assert abs((fitted.doomsday[resource] - truth[resource]).days) < 10


def test_transaction_id_age_runs_out_first_cpu_second_storage_last(table, truth):
    assert list(table.resource[:2]) == ["xid_age_millions", "cpu_peak_pct"]
    assert table.resource.iloc[-1] == "storage_gib"
    assert min(truth, key=truth.get) == "xid_age_millions"  # and so does the truth
    assert table.earliest.iloc[0] <= table.doomsday.iloc[0] <= table.latest.iloc[0]
    assert table.set_index("resource").monthly_growth_pct.idxmax() == "xid_age_millions"


def test_the_first_fix_to_start_is_not_the_first_doomsday(table):
    start_by = {
        row.resource: growth.start_by_date(row.earliest, LEAD[row.resource], BUFFER)
        for row in table.itertuples()
    }
    assert table.resource.iloc[0] == "xid_age_millions"
    assert min(start_by, key=start_by.get) == "cpu_peak_pct"
    assert start_by["cpu_peak_pct"] < pd.Timestamp("2020-12-31")  # already passed


def test_the_surge_moves_the_start_by_date_years_earlier(metrics):
    _, start_before = first_fix(metrics, "2020-02-29")
    after, start_after = first_fix(metrics, "2020-12-31")
    assert after.resource == "cpu_peak_pct"
    assert (start_before - start_after).days > 2 * 365
    assert start_before > pd.Timestamp("2020-02-29") and start_after < pd.Timestamp("2020-12-31")


def test_after_the_surge_the_start_by_date_falls_behind_the_calendar(metrics):
    for as_of in pd.date_range("2020-05-31", "2020-12-31", freq="ME"):
        assert first_fix(metrics, as_of, n_simulations=300)[1] < as_of
    for as_of in pd.date_range("2019-06-30", "2020-02-29", freq="ME"):
        assert first_fix(metrics, as_of, n_simulations=300)[1] > as_of


def test_the_noise_left_after_the_weekly_cycle_is_independent(metrics):
    last_window = metrics.tail(LESSON["WINDOW_DAYS"] + 1)
    days = (last_window.date - metrics.date.iloc[0]).dt.days.to_numpy()
    fit = growth.fit_growth(days, last_window.cpu_peak_pct.to_numpy())
    residuals = np.log(last_window.cpu_peak_pct.to_numpy()) - np.log(fit.predict(days))
    weekday = pd.Series(residuals).groupby(last_window.date.dt.day_of_week.to_numpy())
    noise = residuals - weekday.transform("mean").to_numpy()
    assert abs(np.corrcoef(noise[:-1], noise[1:])[0, 1]) < 0.1  # single days, not blocks
    spread = weekday.mean().max() - weekday.mean().min()
    assert 0.1 < spread < 0.2  # "the weekly cycle spans 13.5%"


def test_the_written_out_forecasts_of_section_2_are_near_the_truth(metrics, truth):
    last_window = metrics.tail(LESSON["WINDOW_DAYS"] + 1)
    days = (last_window.date - metrics.date.iloc[0]).dt.days.to_numpy()
    today, ahead = days[-1], np.arange(1, 3 * 365)
    added_fit = growth.fit_growth(days[1:], np.diff(last_window.storage_gib.to_numpy()))
    rate = added_fit.slope
    added_now = added_fit.predict(today)
    size = last_window.storage_gib.iloc[-1] + added_now * np.expm1(rate * ahead) / rate
    used = growth.ids_per_pass(last_window.xid_age_millions.to_numpy())
    per_size_fit = growth.fit_growth(days, used / last_window.storage_gib.to_numpy())
    top = growth.sawtooth_top(per_size_fit.predict(today + ahead) * size)

    def first_day(series, limit):
        return metrics.date.iloc[-1] + pd.Timedelta(days=int(ahead[np.argmax(series >= limit)]))

    for series, resource in ((size, "storage_gib"), (top, "xid_age_millions")):
        assert abs((first_day(series, LIMITS[resource]) - truth[resource]).days) <= 14, resource


def test_measured_rows_sqlite_below_postgres_fresh_below_the_data_below_postgres_updated(metrics):
    sqlite = growth.measure_bytes_per_row(20_000, payload_bytes=200, with_index=True, rng=SEED)
    postgres = growth.load_postgres_measurement().set_index("state").bytes_per_row
    fresh, updated = postgres["fresh, with indexes"], postgres["after one UPDATE of every row"]
    last_quarter = metrics.tail(90)
    slope = np.polyfit(np.arange(90), last_quarter.storage_gib, 1)[0]
    implied = slope * 1024**3 / (last_quarter.rows_inserted_millions.mean() * 1e6)
    assert implied == pytest.approx(datasets.BYTES_PER_ROW, rel=0.05)
    assert 200 < sqlite < fresh < implied < updated
    assert updated > 1.5 * fresh  # "about twice as much until VACUUM"


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
    projection = growth.project_to_limit(
        days, metrics.cpu_peak_pct.to_numpy(), 90, horizon_days=730, rng=SEED, **FORECAST
    )
    assert projection.first_touch_low < projection.crossing_low < projection.crossing_median
    assert projection.crossing_low - projection.first_touch_low > 14  # weeks, not days
