"""Tests for infralab.tracking.abtest: readouts against the closed form and a hand-done z test."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.tracking.abtest import (
    Arms,
    _two_proportion_p_value,
    expected_ab_readout,
    simulate_ab_test,
)
from infralab.tracking.funnel import SOURCES

from .helpers import LESSON_AB, within

# ---------------------------------------------------------------------------
# A/B test
# ---------------------------------------------------------------------------


def test_expected_readout_by_hand():
    readout = expected_ab_readout(0.05, 0.06, unload_loss_control=0.10, unload_loss_variant=0.40)
    assert list(readout.index) == ["actual", "server", "client"]
    assert readout.loc["client", "control_rate"] == pytest.approx(0.045)
    assert readout.loc["client", "variant_rate"] == pytest.approx(0.036)
    assert readout.loc["client", "relative_lift"] == pytest.approx(0.036 / 0.045 - 1)  # -20%
    assert readout.loc["server", "relative_lift"] == pytest.approx(0.2)
    assert readout.loc["actual", "relative_lift"] == pytest.approx(0.2)


def test_expected_readout_for_the_lesson_defaults():
    readout = expected_ab_readout(0.040, 0.044, unload_loss_control=0.05, unload_loss_variant=0.30)
    # Client: 0.044 x 0.70 / (0.040 x 0.95) - 1 = 0.0308 / 0.038 - 1 = -18.9%.
    assert readout.loc["client", "relative_lift"] == pytest.approx(0.0308 / 0.038 - 1)
    assert readout.loc["server", "relative_lift"] == pytest.approx(0.10)


def test_simulated_ab_test_agrees_with_the_closed_form():
    n = 2_000_000
    result = simulate_ab_test(n, seed=21, **LESSON_AB)
    readout = expected_ab_readout(0.040, 0.044, unload_loss_control=0.05, unload_loss_variant=0.30)
    for source in SOURCES:
        for arm in ("control", "variant"):
            rate = getattr(result.rates[source], arm)
            visitors = getattr(result.visitors[source], arm)
            expected = readout.loc[source, f"{arm}_rate"]
            assert within(rate, expected, math.sqrt(expected * (1 - expected) / visitors))
    # Blocking removes 30% of client visitors in each arm.
    assert within(result.visitors["client"].control, 0.7 * n, math.sqrt(n * 0.21))
    assert result.visitors["actual"] == Arms(n, n)


def test_with_consent_declines_both_sources_read_consenting_visitors_and_it_cancels():
    n = 2_000_000
    result = simulate_ab_test(n, consent_decline=0.10, seed=22, **LESSON_AB)
    readout = expected_ab_readout(0.040, 0.044, unload_loss_control=0.05, unload_loss_variant=0.30)
    for source in SOURCES:
        for arm in ("control", "variant"):
            rate = getattr(result.rates[source], arm)
            visitors = getattr(result.visitors[source], arm)
            expected = readout.loc[source, f"{arm}_rate"]
            assert within(rate, expected, math.sqrt(expected * (1 - expected) / visitors))
    # The server keeps 90% of visitors (less 0.1% lost); the client 90% * 70%.
    kept = 0.9 * 0.999
    assert within(result.visitors["server"].control, kept * n, math.sqrt(n * kept * (1 - kept)))
    both = 0.9 * 0.7
    assert within(result.visitors["client"].variant, both * n, math.sqrt(n * both * (1 - both)))
    # No decline changes nothing: the same draws as the default.
    assert simulate_ab_test(1_000, consent_decline=0.0, seed=3, **LESSON_AB) == simulate_ab_test(
        1_000, seed=3, **LESSON_AB)


def test_lesson_ab_scenario_crowns_different_winners():
    result = simulate_ab_test(50_000, seed=5, **LESSON_AB)
    assert result.winner["server"] == "variant"
    assert result.winner["client"] == "control"
    assert result.relative_lift["client"] < 0 < result.relative_lift["server"]
    table = result.table()
    assert list(table.index) == list(SOURCES)
    assert table.loc["client", "winner"] == "control"


def test_client_crowns_control_for_any_seed():
    winners = {
        simulate_ab_test(50_000, seed=seed, **LESSON_AB).winner["client"] for seed in range(10)
    }
    assert winners == {"control"}


def test_two_proportion_p_value_by_hand():
    # 200/1000 vs 250/1000: pooled 0.225, SE sqrt(0.225 x 0.775 x 0.002) = 0.018675, z = 2.6774.
    p_value = _two_proportion_p_value(200, 1000, 250, 1000)
    assert p_value == pytest.approx(0.007420, abs=1e-5)
    assert _two_proportion_p_value(0, 100, 0, 100) == 1.0


def test_ab_test_without_client_visitors_has_no_winner():
    result = simulate_ab_test(1_000, **{**LESSON_AB, "tracker_blocking": 1.0}, seed=0)
    assert result.visitors["client"] == Arms(0, 0)
    assert math.isnan(result.rates["client"].control)
    assert math.isnan(result.p_value["client"])
    assert result.winner["client"] == "no clear winner"


def test_a_strict_alpha_calls_no_winner():
    result = simulate_ab_test(50_000, alpha=1e-12, seed=5, **LESSON_AB)
    assert result.winner["server"] == "no clear winner"


def test_ab_test_true_purchases_do_not_move_when_only_a_loss_changes():
    def actual(**losses):
        settings = dict(tracker_blocking=0.15, unload_loss_control=0.05, unload_loss_variant=0.3)
        settings.update(losses)
        result = simulate_ab_test(
            20_000, control_rate=0.04, variant_rate=0.044, seed=505, **settings
        )
        return result.purchases["actual"]

    reference = actual()
    for losses in ({"tracker_blocking": 0.6}, {"unload_loss_control": 0.0},
                   {"unload_loss_variant": 0.55}):
        assert actual(**losses) == reference, losses


def test_two_proportion_p_value_matches_a_hand_computed_z_test():
    # 100/1000 against 130/1000: pooled 0.115, standard error sqrt(0.115 * 0.885 * 2 / 1000)
    # = 0.014267, z = 2.1027, two-sided p = 0.0355 (normal table).
    assert _two_proportion_p_value(100, 1000, 130, 1000) == pytest.approx(0.0355, abs=2e-4)
    assert _two_proportion_p_value(50, 1000, 50, 1000) == pytest.approx(1.0)


def test_same_seed_same_results_and_different_seed_different():
    assert simulate_ab_test(10_000, seed=3, **LESSON_AB) == simulate_ab_test(
        10_000, seed=3, **LESSON_AB
    )
    assert simulate_ab_test(10_000, seed=3, **LESSON_AB) != simulate_ab_test(
        10_000, seed=4, **LESSON_AB
    )


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

probability = st.floats(0.0, 1.0)


@settings(max_examples=30)
@given(
    control=probability,
    variant=probability,
    unload_control=probability,
    unload_variant=probability,
)
def test_expected_client_rates_never_exceed_the_truth(
    control, variant, unload_control, unload_variant
):
    readout = expected_ab_readout(
        control, variant, unload_loss_control=unload_control, unload_loss_variant=unload_variant
    )
    assert readout.loc["client", "control_rate"] <= control + 1e-15
    assert readout.loc["client", "variant_rate"] <= variant + 1e-15
    assert (readout.loc["server"].fillna(-1) == readout.loc["actual"].fillna(-1)).all()


# ---------------------------------------------------------------------------
# Bad arguments: each refusal names the argument
# ---------------------------------------------------------------------------


BAD_CALLS = [
    (lambda: simulate_ab_test(0, seed=0, **LESSON_AB), ValueError, "n_users_per_arm"),
    (
        lambda: simulate_ab_test(10, seed=0, **{**LESSON_AB, "control_rate": 1.5}),
        ValueError,
        "control_rate",
    ),
    (
        lambda: simulate_ab_test(10, seed=0, **{**LESSON_AB, "tracker_blocking": -0.1}),
        ValueError,
        "tracker_blocking",
    ),
    (lambda: simulate_ab_test(10, alpha=0.0, seed=0, **LESSON_AB), ValueError, "alpha"),
    (
        lambda: expected_ab_readout(0.04, 0.044, unload_loss_control=0.0, unload_loss_variant=1.5),
        ValueError,
        "unload_loss_variant",
    ),
]


@pytest.mark.parametrize(("call", "error", "argument"), BAD_CALLS)
def test_bad_arguments_are_refused_by_name(call, error, argument):
    with pytest.raises(error, match=argument):
        call()

