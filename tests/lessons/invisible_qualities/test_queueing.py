"""The queue simulations against the closed forms: M/M/1's 1/(mu - lambda) and Erlang C."""

import math

import numpy as np
import pytest

from infralab import reliability
from infralab.reliability.queueing import _lindley_waits


@pytest.mark.parametrize("utilisation", [0.5, 0.8])
def test_mm1_mean_time_in_system_is_within_2_percent_of_one_over_mu_minus_lambda(utilisation):
    service_rate = 1 / 0.010  # 10 ms per request
    arrival_rate = utilisation * service_rate
    sim = reliability.simulate_queue(
        utilisation, n_requests=1_000_000, service_time=1 / service_rate, seed=2026
    )
    expected = 1 / (service_rate - arrival_rate)
    assert sim.mean_time_in_system == pytest.approx(expected, rel=0.02)
    assert reliability.mm1_time_in_system(utilisation, 1 / service_rate) == pytest.approx(expected)


def test_mm1_quantiles_match_the_exponential_time_in_system():
    sim = reliability.simulate_queue(0.8, n_requests=1_000_000, seed=7)
    for q in (0.5, 0.99):
        closed = reliability.time_in_system_quantile(q, 0.8)
        assert closed == pytest.approx(-math.log(1 - q) / 0.2)
        assert sim.quantile(q) == pytest.approx(closed, rel=0.05)
    # p99 is ln(100) = 4.6 times the mean
    assert reliability.time_in_system_quantile(0.99, 0.5) / reliability.mm1_time_in_system(
        0.5
    ) == pytest.approx(math.log(100))


def test_the_lindley_running_minimum_equals_the_recursion_by_hand():
    gaps = np.array([0.0, 1.0, 0.5, 3.0, 0.2])
    services = np.array([2.0, 1.0, 1.0, 0.5, 1.0])
    # W0 = 0; W1 = max(0, 0 + 2 - 1) = 1; W2 = max(0, 1 + 1 - 0.5) = 1.5;
    # W3 = max(0, 1.5 + 1 - 3) = 0; W4 = max(0, 0 + 0.5 - 0.2) = 0.3
    assert _lindley_waits(gaps, services) == pytest.approx([0.0, 1.0, 1.5, 0.0, 0.3])


def test_erlang_c_hand_computed_case():
    # c = 2, a = 1: B(1) = 1/2, B(2) = (1 * 1/2) / (2 + 1/2) = 1/5; C = 2 * 0.2 / (2 - 0.8) = 1/3
    assert reliability.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # c = 3, a = 2: sum_{k<3} a^k/k! = 1 + 2 + 2 = 5; a^3/3! * 3/(3-2) = 4; C = 4 / 9
    assert reliability.erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert reliability.erlang_c(1, 0.7) == pytest.approx(0.7)
    assert reliability.erlang_c(4, 0.0) == 0.0
    # mean wait C / (c mu - lambda): c = 2, mu = 1, lambda = 1 -> 1/3
    assert reliability.mmc_mean_wait(0.5, servers=2) == pytest.approx(1 / 3)


@pytest.mark.parametrize(("servers", "utilisation"), [(2, 0.5), (2, 0.8), (4, 0.8)])
def test_mmc_simulation_matches_erlang_c(servers, utilisation):
    sim = reliability.simulate_queue(utilisation, servers, n_requests=400_000, seed=11)
    expected = reliability.mmc_mean_wait(utilisation, servers)
    assert sim.mean_wait == pytest.approx(expected, rel=0.06)
    share_waiting = float(np.mean(sim.waits > 0))
    assert share_waiting == pytest.approx(
        reliability.erlang_c(servers, servers * utilisation), abs=0.02
    )
    p99 = reliability.time_in_system_quantile(0.99, utilisation, servers)
    assert sim.quantile(0.99) == pytest.approx(p99, rel=0.06)


def test_multi_server_quantile_reduces_to_the_single_server_formula():
    for rho in (0.3, 0.8):
        one = -math.log(0.01) / (1 - rho)
        assert reliability.time_in_system_quantile(0.99, rho, 1) == pytest.approx(one)
    # with no load there is no waiting: the service time's own quantile
    assert reliability.time_in_system_quantile(0.9, 0.0, servers=5) == pytest.approx(
        -math.log(0.1), rel=1e-6
    )


def test_a_second_server_at_the_same_load_cuts_the_wait():
    one = reliability.mmc_mean_wait(0.8, servers=1)
    two = reliability.mmc_mean_wait(0.4, servers=2)
    assert one == pytest.approx(4.0)
    assert two < one / 20


@pytest.mark.parametrize("bad", [1.0, 1.2])
def test_utilisation_of_one_or_more_is_refused_by_name(bad):
    for call in (
        lambda: reliability.mm1_time_in_system(bad),
        lambda: reliability.mmc_mean_wait(bad, 2),
        lambda: reliability.simulate_queue(bad),
        lambda: reliability.time_in_system_quantile(0.99, bad),
    ):
        with pytest.raises(ValueError, match="utilisation must be < 1"):
            call()
    with pytest.raises(ValueError, match="offered_load"):
        reliability.erlang_c(2, 2.0 * bad)


def test_negative_rates_are_refused_by_name():
    with pytest.raises(ValueError, match="utilisation"):
        reliability.mm1_time_in_system(-0.1)
    with pytest.raises(ValueError, match="service_time"):
        reliability.mm1_time_in_system(0.5, service_time=-1.0)
    with pytest.raises(ValueError, match="offered_load"):
        reliability.erlang_c(2, -1.0)


def test_the_simulation_is_repeatable_from_its_seed():
    one = reliability.simulate_queue(0.7, n_requests=1_000, seed=3)
    two = reliability.simulate_queue(0.7, n_requests=1_000, seed=3)
    assert np.array_equal(one.times_in_system, two.times_in_system)
    assert not one.waits.flags.writeable


@pytest.mark.parametrize(("servers", "utilisation"), [(1, 0.8), (2, 0.6), (3, 0.9)])
def test_the_share_slower_than_a_threshold_inverts_the_quantile(servers, utilisation):
    for q in (0.5, 0.9, 0.99):
        t = reliability.time_in_system_quantile(q, utilisation, servers)
        assert reliability.slower_than_probability(t, utilisation, servers) == pytest.approx(
            1 - q, rel=1e-6
        )
    sim = reliability.simulate_queue(utilisation, servers, n_requests=200_000, seed=4)
    assert float(np.mean(sim.times_in_system > 5.0)) == pytest.approx(
        reliability.slower_than_probability(5.0, utilisation, servers), abs=0.01
    )


def test_the_standard_error_of_batches_matches_the_spread_over_seeds():
    for servers in (1, 2):
        sims = [
            reliability.simulate_queue(0.7, servers, n_requests=40_000, seed=seed)
            for seed in range(40)
        ]
        waits = np.array([sim.mean_wait for sim in sims])
        standard_errors = np.array([sim.standard_error() for sim in sims])
        assert standard_errors.mean() == pytest.approx(waits.std(ddof=1), rel=0.3), servers
        # and about 95% of the +- 2 SE intervals hold the formula
        formula = reliability.mmc_mean_wait(0.7, servers)
        inside = np.abs(waits - formula) < 2 * standard_errors
        assert inside.mean() > 0.8, servers
