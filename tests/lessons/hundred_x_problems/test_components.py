"""Tests for infralab.scaling.components: a hand-computed system, sweeps and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from infralab import scaling


def _system(**changes) -> pd.DataFrame:
    table = pd.DataFrame({
        "component": ["web", "database", "lock"],
        "demand_per_1x": [1_000.0, 200.0, 10.0],
        "capacity_per_instance": [250.0, 4_000.0, 500.0],
        "max_instances": [40, 1, 1],
        "fix": ["more web servers", "shard", "partition the lock"],
        "fix_weeks": [1.0, 30.0, 6.0],
        "fix_gain": [2.0, 4.0, 10.0],
    })
    return table.assign(**changes)


def test_breaking_loads_and_order_of_a_hand_computed_system():
    # web: 0.8 * 250 * 40 / 1000 = 8x; database: 0.8 * 4000 / 200 = 16x; lock: 0.8 * 500 / 10 = 40x
    loads = scaling.breaking_load(_system(), 0.8)
    assert loads.to_dict() == pytest.approx({"web": 8.0, "database": 16.0, "lock": 40.0})
    assert scaling.bottleneck_order(_system(), 0.8) == ["web", "database", "lock"]
    # at a 50% threshold every breaking load scales by 0.5 / 0.8; the order stays
    assert scaling.breaking_load(_system(), 0.5)["lock"] == pytest.approx(25.0)


def test_a_fix_moves_the_bottleneck_to_the_next_component():
    fixed = scaling.apply_fix(_system(), "web")  # 2x the web capacity: 16x, a tie, table order
    assert scaling.breaking_load(fixed)["web"] == pytest.approx(16.0)
    assert scaling.bottleneck_order(fixed) == ["web", "database", "lock"]
    fixed = scaling.apply_fix(scaling.apply_fix(fixed, "web"), "database")
    assert scaling.bottleneck_order(fixed)[0] == "web"  # 32x, database 64x, lock 40x
    assert scaling.bottleneck_order(fixed)[1] == "lock"


def test_the_lesson_system_breaks_database_lock_app_servers():
    order = scaling.bottleneck_order(scaling.example_system())
    assert order[:3] == ["primary database", "global lock", "app servers"]
    table = scaling.what_breaks_at(scaling.example_system())
    assert (table["10x"] == "ok").all()
    assert table.loc[table["100x"] == "breaks", "component"].tolist() == order[:5]
    assert table["breaks_at"].is_monotonic_increasing


def test_sweep_utilisation_instances_and_latency_by_hand():
    sweep = scaling.sweep_system(_system(), [1.0, 4.0, 20.0], target=0.5).set_index(
        ["load", "component"])
    # web at 1x: 1000 / (0.5 * 250) = 8 instances, each 50% busy
    assert sweep.loc[(1.0, "web"), "instances"] == 8
    assert sweep.loc[(1.0, "web"), "utilisation"] == pytest.approx(0.5)
    # web at 20x: wants 160, has 40: 20000 / (40 * 250) = 200%, latency infinite
    assert sweep.loc[(20.0, "web"), "instances"] == 40
    assert sweep.loc[(20.0, "web"), "utilisation"] == pytest.approx(2.0)
    assert math.isinf(sweep.loc[(20.0, "web"), "latency_ms"])
    # database at 4x: 800 / 4000 = 20%; M/M/1 time in system 1 / (4000 * 0.8) s = 0.3125 ms
    assert sweep.loc[(4.0, "database"), "utilisation"] == pytest.approx(0.2)
    assert sweep.loc[(4.0, "database"), "latency_ms"] == pytest.approx(0.3125)


def test_utilisation_of_what_cannot_scale_out_grows_in_proportion_to_load():
    loads = np.geomspace(1, 100, 9)
    sweep = scaling.sweep_system(scaling.example_system(), loads)
    database = sweep[sweep.component == "primary database"]
    assert np.allclose(database.utilisation, loads * 600 / 8_000)
    assert (database.instances == 1).all()


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("capacity_per_instance", 0.0, "capacity_per_instance must be > 0"),
        ("capacity_per_instance", -5.0, "capacity_per_instance must be > 0"),
        ("demand_per_1x", np.nan, "demand_per_1x must be > 0"),
        ("max_instances", 0, "max_instances must be >= 1"),
    ],
)
def test_bad_capacities_raise_a_value_error_naming_the_column(column, value, fragment):
    system = _system()
    system.loc[1, column] = value
    with pytest.raises(ValueError, match=fragment):
        scaling.breaking_load(system)
    with pytest.raises(ValueError, match=fragment):
        scaling.sweep_system(system, [1, 10])


@pytest.mark.parametrize("loads", [[0.0, 10.0], [-1.0], [math.nan], []])
def test_bad_loads_raise_a_value_error_naming_loads(loads):
    with pytest.raises(ValueError, match="loads"):
        scaling.sweep_system(_system(), loads)
    with pytest.raises(ValueError, match="loads"):
        scaling.what_breaks_at(_system(), loads)


def test_bad_threshold_system_and_component_are_named():
    with pytest.raises(ValueError, match="threshold"):
        scaling.breaking_load(_system(), 1.5)
    with pytest.raises(TypeError, match="system"):
        scaling.breaking_load({"component": ["x"]})
    with pytest.raises(ValueError, match="missing"):
        scaling.breaking_load(_system().drop(columns="max_instances"))
    with pytest.raises(ValueError, match="component must be one of"):
        scaling.apply_fix(_system(), "cache")
    with pytest.raises(ValueError, match="unique"):
        scaling.breaking_load(pd.concat([_system(), _system()]))
