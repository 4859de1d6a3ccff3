"""Tests for infralab.scaling.usl: the laws, the fit against known parameters, its intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infralab import scaling

CLIENTS = np.repeat([1, 2, 4, 8, 16, 32, 64], 3)


def test_usl_by_hand_and_amdahl_ceiling():
    # N = 4, lam 100, sigma 0.1, kappa 0.01: 400 / (1 + 0.3 + 0.12) = 281.69...
    assert scaling.usl_throughput([4], 100, 0.1, 0.01)[0] == pytest.approx(400 / 1.42)
    assert scaling.amdahl_throughput([1e9], 100, 0.25)[0] == pytest.approx(400, rel=1e-6)
    assert scaling.usl_throughput([1], 321, 0.5, 0.5)[0] == pytest.approx(321)


def test_peak_concurrency_is_where_the_usl_peaks():
    sigma, kappa = 0.08, 0.0015
    peak = scaling.peak_concurrency(sigma, kappa)
    assert peak == pytest.approx(math.sqrt(0.92 / 0.0015))
    grid = np.linspace(1, 100, 99_001)
    assert grid[np.argmax(scaling.usl_throughput(grid, 1, sigma, kappa))] == pytest.approx(
        peak, abs=1e-3)
    assert scaling.peak_concurrency(0.3, 0.0) == math.inf


def test_the_fit_recovers_exact_parameters():
    fit = scaling.fit_usl(CLIENTS, scaling.usl_throughput(CLIENTS, 480, 0.08, 0.0015))
    assert (fit.lam, fit.sigma, fit.kappa) == pytest.approx((480, 0.08, 0.0015), rel=1e-6)
    assert fit.relative_rmse < 1e-6
    amdahl = scaling.fit_usl(CLIENTS, scaling.amdahl_throughput(CLIENTS, 300, 0.2), model="amdahl")
    assert amdahl.sigma == pytest.approx(0.2, rel=1e-6)
    assert amdahl.peak_throughput == pytest.approx(1_500, rel=1e-6)
    assert amdahl.peak_clients == math.inf


@pytest.mark.parametrize("seed", range(5))
def test_the_fit_recovers_known_sigma_and_kappa_from_noisy_data(seed):
    """With 10% log-normal noise on 21 runs, sigma within 0.03 and kappa within 30%."""
    rng = np.random.default_rng(seed)
    noisy = scaling.usl_throughput(CLIENTS, 500, 0.05, 0.002) * rng.lognormal(0, 0.1, CLIENTS.size)
    fit = scaling.fit_usl(CLIENTS, noisy)
    assert abs(fit.sigma - 0.05) < 0.03
    assert fit.kappa == pytest.approx(0.002, rel=0.3)
    assert fit.peak_low <= fit.peak_clients <= fit.peak_high
    assert 0.05 < fit.relative_rmse < 0.15  # about the noise put in


def test_the_usl_fits_at_least_as_well_as_amdahl_which_it_contains():
    rng = np.random.default_rng(3)
    noisy = scaling.usl_throughput(CLIENTS, 500, 0.05, 0.002) * rng.lognormal(0, 0.1, CLIENTS.size)
    usl = scaling.fit_usl(CLIENTS, noisy)
    amdahl = scaling.fit_usl(CLIENTS, noisy, model="amdahl")
    assert usl.relative_rmse <= amdahl.relative_rmse + 1e-9
    assert usl.relative_rmse < 0.7 * amdahl.relative_rmse  # retrograde data: Amdahl misses it


@pytest.mark.parametrize(
    ("noise", "kappa"),
    [(0.2, 0.002), (0.43, 0.002), (0.2, 0.0001), (0.43, 0.0002)],
    ids=["20% noise", "43% noise (the recording's)", "kappa near 0", "43% noise, kappa near 0"],
)
def test_the_80_percent_intervals_hold_the_truth_about_80_percent_of_the_time(noise, kappa):
    """Coverage over 200 simulated sweeps like the lesson's (3 repeats of 7 client counts).

    Profile-likelihood intervals: about 0.74 to 0.89 here (a little under 80% for sigma
    with 21 runs; over 80% near kappa = 0, where the bound at 0 helps).
    """
    truth = {"sigma": 0.05, "kappa": kappa}
    peak = scaling.peak_concurrency(**truth)
    hits = {"sigma": 0, "kappa": 0, "peak_clients": 0}
    trials = 200
    for seed in range(trials):
        rng = np.random.default_rng(10_000 + seed)
        noisy = scaling.usl_throughput(CLIENTS, 500, **truth) * rng.lognormal(0, noise,
                                                                               CLIENTS.size)
        fit = scaling.fit_usl(CLIENTS, noisy)
        for name, value in (("sigma", truth["sigma"]), ("kappa", kappa), ("peak_clients", peak)):
            low, high = fit.interval(name)
            hits[name] += low <= value <= high
    for name, count in hits.items():
        assert 0.68 <= count / trials <= 0.93, (name, count / trials)


def test_an_interval_that_includes_kappa_0_has_no_upper_end_for_n_star():
    flat = scaling.amdahl_throughput(CLIENTS, 500, 0.2) * np.tile([0.8, 1.0, 1.25], 7)
    fit = scaling.fit_usl(CLIENTS, flat)
    assert fit.kappa_low == 0 and not fit.kappa_detected
    assert fit.peak_high == math.inf and fit.peak_low > 1
    assert fit.sigma_low <= fit.sigma <= fit.sigma_high


def test_an_exact_fit_at_kappa_0_reports_no_finite_peak():
    fit = scaling.fit_usl(CLIENTS, scaling.amdahl_throughput(CLIENTS, 300, 0.2))
    assert fit.kappa == 0 and fit.peak_clients == math.inf
    assert fit.peak_throughput == pytest.approx(1_500, rel=1e-6)


def test_compare_laws_on_retrograde_data_says_it_falls():
    rng = np.random.default_rng(7)
    noisy = scaling.usl_throughput(CLIENTS, 500, 0.05, 0.002) * rng.lognormal(0, 0.1, CLIENTS.size)
    found = scaling.compare_laws(CLIENTS, noisy)
    assert found.kappa_detected and found.falls_after_peak and found.p_value < 0.01
    assert found.usl.peak_clients < 64
    assert "falls after its peak" in found.verdict()


def test_compare_laws_on_amdahl_data_cannot_tell_them_apart():
    rng = np.random.default_rng(8)
    wobble = rng.permutation(np.tile([0.75, 1.0, 1.3], 7))
    noisy = scaling.amdahl_throughput(CLIENTS, 500, 0.1) * wobble
    found = scaling.compare_laws(CLIENTS, noisy)
    assert not found.kappa_detected and not found.falls_after_peak
    assert "cannot tell the USL from Amdahl" in found.verdict()
    assert "no upper limit" in found.verdict()


def test_compare_laws_with_a_peak_beyond_the_measured_range():
    clients = np.repeat([1, 2, 4, 8, 16], 3)
    exact = scaling.usl_throughput(clients, 500, 0.01, 0.0005)  # N* = 44.5, beyond 16
    found = scaling.compare_laws(clients, exact * np.tile([0.99, 1.0, 1.01], 5))
    assert found.kappa_detected and not found.falls_after_peak
    assert "beyond the 16 clients measured" in found.verdict()


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (dict(clients=[1, 2, 3], throughput=[1, 2]), "throughput must have one value"),
        (dict(clients=[1, 1, 2, 2], throughput=[1, 1, 2, 2]), "at least 3 distinct"),
        (dict(clients=[0, 1, 2], throughput=[1, 2, 3]), "clients"),
        (dict(clients=[1, 2, 3], throughput=[1, -2, 3]), "throughput"),
        (dict(clients=[1, 2, 3], throughput=[1, 2, 3], model="linear"), "model"),
        (dict(clients=[1, 2, 3], throughput=[1, 2, 3], band=1.0), "band"),
    ],
)
def test_bad_fit_arguments_are_named(arguments, fragment):
    with pytest.raises(ValueError, match=fragment):
        scaling.fit_usl(**arguments)


def test_bad_law_parameters_are_named():
    with pytest.raises(ValueError, match="sigma"):
        scaling.usl_throughput([1, 2], 100, 1.5, 0.0)
    with pytest.raises(ValueError, match="kappa"):
        scaling.peak_concurrency(0.1, -0.1)
    with pytest.raises(ValueError, match="lam"):
        scaling.usl_throughput([1, 2], 0, 0.1, 0.0)
    with pytest.raises(ValueError, match="name"):
        scaling.fit_usl([1, 2, 4, 8], [1, 2, 3, 3.5]).interval("lambda")
