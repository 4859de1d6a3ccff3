"""Tests for infralab.growth.sharding: hashing, Zipf sizes, layouts and resharding."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.growth import measure_bytes_per_row
from infralab.growth.sharding import (
    fraction_moved,
    rebalance_shards,
    simulate_sharding,
    stable_hash,
    zipf_sizes,
)

from .helpers import bad

DIVISORS_OF_480 = [h for h in range(1, 481) if 480 % h == 0]


def test_stable_hash_is_splitmix64():
    # The first SplitMix64 output for seed 0 is 0xE220A8397B1DCDAF (Steele et al. 2014).
    assert int(stable_hash([0])[0]) == 0xE220A8397B1DCDAF
    assert stable_hash(np.array([1, 2, 3])).dtype == np.uint64


def test_zipf_sizes_follow_rank_law_and_sum_to_one():
    sizes = zipf_sizes(4, exponent=1.0, rng=3)
    harmonic = 1 + 1 / 2 + 1 / 3 + 1 / 4
    np.testing.assert_allclose(np.sort(sizes)[::-1], np.array([1, 1 / 2, 1 / 3, 1 / 4]) / harmonic)
    np.testing.assert_allclose(zipf_sizes(5, exponent=0.0), 0.2)


def test_notion_layout_puts_15_shards_on_each_of_32_hosts():
    result = simulate_sharding(20_000, 480, 32)
    assert result.shards_per_host == 15
    np.testing.assert_array_equal(np.bincount(result.shard_host), np.full(32, 15))
    np.testing.assert_array_equal(result.shard_host[:16], [0] * 15 + [1])
    assert result.host_load.sum() == pytest.approx(1.0)
    assert result.shard_load.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(
        np.bincount(result.workspace_host, weights=result.workspace_sizes, minlength=32),
        result.host_load,
    )


def test_uniform_sizes_balance_and_heavy_zipf_does_not():
    uniform = simulate_sharding(100_000, zipf_exponent=0.0, rng=1)
    # 3,125 workspaces per host on average, binomial spread ~56: max/mean ~ 1.04.
    assert 1.0 <= uniform.host_imbalance < 1.1
    heavy = simulate_sharding(100_000, zipf_exponent=1.5, rng=1)
    # The largest workspace alone holds ~1/zeta(1.5) = 38% of all data.
    assert heavy.hottest_shard_share > 0.3
    assert heavy.host_imbalance > 5


def test_modulo_resharding_moves_keys_as_counted_exactly():
    # Over one full cycle of lcm(32, 40) = 160 hash values, count those whose host changes.
    cycle = np.arange(160)
    exact = np.mean(cycle % 32 != cycle % 40)
    assert exact == pytest.approx(0.8)
    n_keys = 200_000
    simulated = fraction_moved(n_keys, 32, 40, scheme="modulo")
    assert abs(simulated - exact) < 4 * math.sqrt(exact * (1 - exact) / n_keys)


def test_logical_resharding_moves_only_the_new_hosts_share():
    n_keys = 200_000
    closed_form = 1 - 32 / 40
    simulated = fraction_moved(n_keys, 32, 40, scheme="logical")
    assert abs(simulated - closed_form) < 4 * math.sqrt(closed_form * (1 - closed_form) / n_keys)
    assert fraction_moved(1_000, 32, 32) == 0.0


def test_rebalance_moves_96_of_480_shards_and_evens_the_load():
    before = np.arange(480) // 15
    after = rebalance_shards(480, 32, 40)
    assert np.sum(before != after) == 96
    np.testing.assert_array_equal(np.bincount(after, minlength=40), np.full(40, 12))
    # Notion's later re-shard, 32 -> 96 hosts, moves two thirds of the shards.
    assert np.mean(rebalance_shards(480, 32, 96) != before) == pytest.approx(2 / 3)
    # Shrinking 40 -> 32 moves only the shards of the removed hosts.
    assert np.mean(rebalance_shards(480, 40, 32) != np.arange(480) // 12) == pytest.approx(0.2)


# ---------------------------------------------------------------------------
# Bad arguments name themselves
# ---------------------------------------------------------------------------

BAD_CALLS = [
    bad(zipf_sizes, ValueError, "n_workspaces", n_workspaces=0),
    bad(zipf_sizes, ValueError, "exponent", n_workspaces=10, exponent=-1),
    bad(simulate_sharding, ValueError, "n_hosts", n_workspaces=100, n_hosts=7),
    bad(simulate_sharding, ValueError, "n_hosts", n_workspaces=100, n_hosts=0),
    bad(simulate_sharding, ValueError, "n_workspaces", n_workspaces=0),
    bad(simulate_sharding, ValueError, "n_logical_shards", n_workspaces=10, n_logical_shards=0),
    bad(simulate_sharding, ValueError, "zipf_exponent", n_workspaces=10, zipf_exponent=-0.5),
    bad(fraction_moved, ValueError, "n_keys", n_keys=0, hosts_before=32, hosts_after=40),
    bad(fraction_moved, ValueError, "hosts_before", n_keys=10, hosts_before=0, hosts_after=40),
    bad(fraction_moved, ValueError, "hosts_after", n_keys=10, hosts_before=32, hosts_after=7),
    bad(
        fraction_moved,
        ValueError,
        "hosts_before",
        n_keys=10,
        hosts_before=32,
        hosts_after=40,
        n_logical_shards=100,
    ),
    bad(
        fraction_moved,
        ValueError,
        "scheme",
        n_keys=10,
        hosts_before=32,
        hosts_after=40,
        scheme="ring",
    ),
    bad(
        rebalance_shards,
        ValueError,
        "hosts_after",
        n_logical_shards=480,
        hosts_before=32,
        hosts_after=50,
    ),
    bad(stable_hash, TypeError, "keys", keys=[0.5, 1.5]),
    # Sizes that would exhaust memory or overflow 64-bit arithmetic are refused up front.
    bad(zipf_sizes, ValueError, "n_workspaces", n_workspaces=10**10),
    bad(simulate_sharding, ValueError, "n_workspaces", n_workspaces=10**10),
    bad(
        simulate_sharding, ValueError, "n_logical_shards", n_workspaces=10, n_logical_shards=10**12
    ),
    bad(simulate_sharding, ValueError, "n_hosts", n_workspaces=10, n_hosts=10**20),
    bad(rebalance_shards, ValueError, "n_logical_shards", n_logical_shards=10**12, hosts_before=1,
        hosts_after=1),
    bad(rebalance_shards, ValueError, "hosts_after", n_logical_shards=480, hosts_before=1,
        hosts_after=10**20),
    bad(fraction_moved, ValueError, "n_keys", n_keys=10**10, hosts_before=32, hosts_after=40),
    bad(fraction_moved, ValueError, "hosts_after", n_keys=10, hosts_before=32, hosts_after=10**20,
        scheme="modulo"),
    bad(fraction_moved, ValueError, "hosts_before", n_keys=10, hosts_before=10**20, hosts_after=32,
        scheme="modulo"),
    bad(fraction_moved, ValueError, "n_logical_shards", n_keys=10, hosts_before=1, hosts_after=1,
        n_logical_shards=10**12),
]


@pytest.mark.parametrize(("function", "arguments", "error", "name"), BAD_CALLS)
def test_bad_arguments_raise_and_name_the_argument(function, arguments, error, name):
    with pytest.raises(error, match=rf"\b{re.escape(name)}\b"):
        function(**arguments)


def test_size_bounds_give_the_allowed_range():
    with pytest.raises(ValueError) as caught:
        zipf_sizes(10**10)
    assert str(caught.value) == "n_workspaces must be from 1 to 10,000,000, got 10,000,000,000"
    with pytest.raises(ValueError) as caught:
        simulate_sharding(10, n_hosts=10**20)
    assert str(caught.value) == (
        "n_hosts must be from 1 to 1,000,000, got 100,000,000,000,000,000,000"
    )
    with pytest.raises(ValueError, match=r"^n_keys must be from 1 to 10,000,000, got 10,000,001$"):
        fraction_moved(10_000_001, 32, 40)


def test_the_largest_sizes_allowed_still_run():
    assert rebalance_shards(1_000_000, 1_000, 1_000_000).max() == 999_999
    assert fraction_moved(1, 1, 1_000_000, scheme="modulo") in (0.0, 1.0)


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(10_000_001, 10**30),
    shards=st.integers(1_000_001, 10**30),
    hosts=st.integers(1_000_001, 10**30),
    call=st.sampled_from(["zipf", "sharding", "rebalance", "moved", "rows", "payload"]),
)
def test_too_large_sizes_are_refused_by_name_before_any_work(size, shards, hosts, call):
    """Every size of lesson 03's simulators, and of the storage measurement, is bounded."""
    calls = {
        "zipf": (lambda: zipf_sizes(size), "n_workspaces", "1 to 10,000,000"),
        "sharding": (
            lambda: simulate_sharding(size, shards, hosts), "n_workspaces", "1 to 10,000,000"
        ),
        "rebalance": (
            lambda: rebalance_shards(shards, 1, hosts), "n_logical_shards", "1 to 1,000,000"
        ),
        "moved": (
            lambda: fraction_moved(10, 1, hosts, scheme="modulo"), "hosts_after", "1 to 1,000,000"
        ),
        "rows": (lambda: measure_bytes_per_row(shards), "n_rows", "1 to 1,000,000"),
        "payload": (
            lambda: measure_bytes_per_row(10, payload_bytes=hosts), "payload_bytes",
            "0 to 1,000,000",
        ),
    }
    function, name, allowed = calls[call]
    with pytest.raises(ValueError, match=rf"^{name} must be from {allowed}, got [\d,]+$"):
        function()


def test_the_storage_measurement_bounds_the_payload_it_holds():
    with pytest.raises(ValueError) as caught:
        measure_bytes_per_row(1_000_000, payload_bytes=1_000)
    assert str(caught.value) == (
        "n_rows * payload_bytes must be at most 50,000,000 (payload characters held in memory), "
        "got 1,000,000 * 1,000 = 1,000,000,000"
    )


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    hosts=st.lists(st.sampled_from(DIVISORS_OF_480), min_size=2, max_size=2),
    scheme=st.sampled_from(["logical", "modulo"]),
    n_keys=st.integers(1, 2_000),
    seed=st.integers(0, 2**16),
)
def test_fraction_moved_is_a_share(hosts, scheme, n_keys, seed):
    share = fraction_moved(n_keys, hosts[0], hosts[1], scheme=scheme, rng=seed)
    assert 0.0 <= share <= 1.0
    if hosts[0] == hosts[1]:
        assert share == 0.0


@settings(max_examples=40, deadline=None)
@given(
    before=st.sampled_from(DIVISORS_OF_480),
    factor=st.sampled_from([1, 2, 3, 4, 5, 6]),
)
def test_rebalance_moves_exactly_the_closed_form_share_of_shards(before, factor):
    after = before * factor
    if 480 % after:
        return
    moved = np.mean(rebalance_shards(480, before, after) != np.arange(480) // (480 // before))
    assert moved == pytest.approx(1 - before / after)
    assert np.all(np.bincount(rebalance_shards(480, before, after)) == 480 // after)


@settings(max_examples=40, deadline=None)
@given(
    n_workspaces=st.integers(1, 5_000),
    exponent=st.floats(0, 2.5),
    hosts=st.sampled_from(DIVISORS_OF_480),
    seed=st.integers(0, 2**16),
)
def test_sharding_conserves_the_total(n_workspaces, exponent, hosts, seed):
    result = simulate_sharding(n_workspaces, 480, hosts, zipf_exponent=exponent, rng=seed)
    assert result.host_load.sum() == pytest.approx(1.0)
    assert result.shard_load.sum() == pytest.approx(1.0)
    assert result.host_load.size == hosts
    assert result.host_imbalance >= 1.0 - 1e-12
