"""The real thread-pool queue: what can be asserted when the numbers depend on the machine.

The lesson's measured cell is tagged nbval-ignore-output because its timings vary from
run to run; here its shape is checked, and what must hold on any machine.
"""

import numpy as np
import pytest

from infralab import reliability


@pytest.fixture(scope="module")
def run():
    return reliability.measure_thread_pool(0.5, 2, n_requests=60, service_ms=2.0, seed=101)


def test_one_measurement_per_request(run):
    assert run.times_in_system_ms.shape == run.services_ms.shape == (60,)
    assert run.asked_services_ms.shape == (60,)
    assert run.servers == 2 and run.utilisation == 0.5 and run.service_ms == 2.0


def test_the_draws_are_the_ones_simulate_queue_would_make(run):
    rng = np.random.default_rng(101)
    rng.exponential(2.0 / (2 * 0.5), 60)  # the gaps come first
    assert np.allclose(run.asked_services_ms, rng.exponential(2.0, 60))


def test_a_sleep_never_ends_early_and_no_request_leaves_before_its_service(run):
    assert (run.services_ms >= run.asked_services_ms - 1e-6).all()
    assert (run.times_in_system_ms >= run.services_ms - 1e-6).all()
    assert run.service_overshoot_ms >= 0


def test_the_run_takes_about_the_arrivals_time_and_no_more_than_a_few_seconds(run):
    expected = 60 * 2.0 / (2 * 0.5) / 1000  # requests times the mean gap, in seconds
    assert 0.3 * expected < run.seconds < 3.0


def test_quantiles_are_ordered(run):
    assert run.quantile(0.5) <= run.quantile(0.99) <= run.times_in_system_ms.max()


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, float("nan")])
def test_utilisation_outside_zero_one_is_refused_by_name(bad):
    with pytest.raises(ValueError, match="utilisation"):
        reliability.measure_thread_pool(bad, n_requests=1)
