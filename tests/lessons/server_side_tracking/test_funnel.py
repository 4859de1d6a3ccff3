"""Tests for infralab.tracking.segments and .funnel: closed forms, hand counts, the package."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.tracking.funnel import (
    FunnelSimulation,
    client_survival,
    conversion_rates,
    funnel_counts,
    segment_table,
    server_survival,
    simulate_funnel,
)
from infralab.tracking.segments import ALL_USERS, DEFAULT_SEGMENTS, DEFAULT_STEPS, Step

from .helpers import segment, within


@pytest.fixture(scope="module")
def lesson_funnel():
    return simulate_funnel(400_000, seed=2024)


# ---------------------------------------------------------------------------
# Steps, segments, closed-form survival
# ---------------------------------------------------------------------------


def test_default_funnel_fires_sign_up_and_purchase_on_unload():
    assert [(s.name, s.fires_on_unload) for s in DEFAULT_STEPS] == [
        ("visit", False),
        ("sign_up", True),
        ("activate", False),
        ("purchase", True),
    ]


def test_default_segments_are_a_valid_mix():
    assert len(DEFAULT_SEGMENTS) == 6
    assert math.fsum(s.share for s in DEFAULT_SEGMENTS) == pytest.approx(1.0, abs=1e-12)
    assert all(len(s.step_rates) == len(DEFAULT_STEPS) - 1 for s in DEFAULT_SEGMENTS)
    table = segment_table()
    assert list(table.index) == [s.name for s in DEFAULT_SEGMENTS]
    assert table["share of users"].sum() == pytest.approx(1.0)
    developers = table.loc["Desktop Firefox/Brave, developers"]
    assert developers["visit -> purchase"] == pytest.approx(0.12 * 0.65 * 0.35)
    assert developers["visit -> purchase"] == table["visit -> purchase"].max()  # best converters


def test_client_survival_is_the_product_of_the_four_losses():
    survival = client_survival()
    # Android Chrome: blocking 1%, consent 10%, network 2%, unload 8%.
    assert survival.loc["Android Chrome", "visit"] == pytest.approx(0.99 * 0.90 * 0.98)
    assert survival.loc["Android Chrome", "purchase"] == pytest.approx(0.99 * 0.90 * 0.98 * 0.92)
    assert survival.loc["Android Chrome", "activate"] == survival.loc["Android Chrome", "visit"]
    # Developers: 60% block, 30% decline: they keep about a quarter of their events.
    assert survival.loc["Desktop Firefox/Brave, developers", "visit"] == pytest.approx(
        0.40 * 0.70 * 0.99
    )
    assert list(survival.columns) == ["visit", "sign_up", "activate", "purchase"]


def test_default_losses_tell_the_lesson_story(lesson_funnel):
    counts = funnel_counts(lesson_funnel)
    purchases = counts[counts["step"] == "purchase"].set_index("segment")["client_loss"]
    assert 0.30 <= purchases[ALL_USERS] <= 0.45
    assert purchases["Desktop Firefox/Brave, developers"] >= 0.70
    assert 0.15 <= purchases["Android Chrome"] <= 0.25
    assert purchases.drop(ALL_USERS).idxmax() == "Desktop Firefox/Brave, developers"


# ---------------------------------------------------------------------------
# The funnel simulation against its closed forms
# ---------------------------------------------------------------------------


def test_simulated_counts_match_closed_forms(lesson_funnel):
    counts = funnel_counts(lesson_funnel)
    survival = client_survival()
    n_users = lesson_funnel.n_users
    for seg in DEFAULT_SEGMENTS:
        rows = counts[counts["segment"] == seg.name].reset_index(drop=True)
        reach = seg.share * np.cumprod([1.0, *seg.step_rates])
        for k, step in enumerate(DEFAULT_STEPS):
            actual, client = int(rows.loc[k, "actual"]), int(rows.loc[k, "client"])
            # Users who reach a step: binomial over all users.
            p = reach[k]
            assert within(actual, n_users * p, math.sqrt(n_users * p * (1 - p))), (seg.name, k)
            # Client events: binomial over the real events, with the closed-form survival.
            s = survival.loc[seg.name, step.name]
            assert within(client, actual * s, math.sqrt(actual * s * (1 - s))), (seg.name, k)


def test_server_loses_events_at_the_server_loss_rate():
    simulation = simulate_funnel(200_000, segments=(segment(),), server_loss=0.01, seed=7)
    actual, server = int(simulation.reached.sum()), int(simulation.server_seen.sum())
    lost = actual - server
    assert within(lost, actual * 0.01, math.sqrt(actual * 0.01 * 0.99))
    assert not (simulation.server_seen & ~simulation.reached).any()


def test_everyone_blocking_leaves_the_client_with_nothing():
    simulation = simulate_funnel(5_000, segments=(segment(blocking=1.0),), seed=1)
    assert simulation.reached.sum() > 5_000
    assert not simulation.client_seen.any()


def test_no_losses_means_client_equals_what_happened():
    simulation = simulate_funnel(5_000, segments=(segment(),), server_loss=0.0, seed=1)
    np.testing.assert_array_equal(simulation.client_seen, simulation.reached)
    np.testing.assert_array_equal(simulation.server_seen, simulation.reached)


def test_blocking_and_consent_remove_whole_users():
    simulation = simulate_funnel(
        20_000, segments=(segment(blocking=0.4, consent=0.3),), server_loss=0.0, seed=3
    )
    client, reached = simulation.client_seen, simulation.reached
    whole = (client == reached).all(axis=1)
    nothing = ~client.any(axis=1)
    assert (whole | nothing).all()  # per user: every event kept, or none
    tracked_share = whole.mean()
    assert within(tracked_share, 0.6 * 0.7, math.sqrt(0.42 * 0.58 / 20_000))


def test_reached_steps_form_a_prefix():
    simulation = simulate_funnel(20_000, seed=4)
    reached = simulation.reached.astype(np.int8)
    assert (np.diff(reached, axis=1) <= 0).all()  # nobody skips a step
    assert simulation.reached[:, 0].all()  # everyone visits


def test_segment_shares_are_honoured():
    simulation = simulate_funnel(200_000, seed=5)
    counts = np.bincount(simulation.segment_of_user, minlength=len(DEFAULT_SEGMENTS))
    for seg, count in zip(DEFAULT_SEGMENTS, counts, strict=True):
        assert within(count, 200_000 * seg.share, math.sqrt(200_000 * seg.share * (1 - seg.share)))


def test_funnel_counts_by_hand():
    steps = (Step("visit", False), Step("buy", True))
    segments = (segment("A", share=0.5, rates=(0.5,)), segment("B", share=0.5, rates=(0.5,)))
    simulation = FunnelSimulation(
        segments=segments,
        steps=steps,
        segment_of_user=np.array([0, 0, 1]),
        reached=np.array([[True, True], [True, False], [True, False]]),
        server_seen=np.array([[True, True], [True, False], [True, False]]),
        client_seen=np.array([[True, False], [False, False], [True, False]]),
    )
    counts = funnel_counts(simulation)
    assert list(counts.columns) == [
        "segment",
        "step",
        "step_number",
        "actual",
        "server",
        "client",
        "server_loss",
        "client_loss",
    ]
    assert counts["segment"].tolist() == ["A", "A", "B", "B", ALL_USERS, ALL_USERS]
    assert counts["step_number"].tolist() == [1, 2, 1, 2, 1, 2]
    assert counts["actual"].tolist() == [2, 1, 1, 0, 3, 1]
    assert counts["client"].tolist() == [1, 0, 1, 0, 2, 0]
    np.testing.assert_allclose(counts["client_loss"], [0.5, 1.0, 0.0, np.nan, 1 / 3, 1.0])
    rates = conversion_rates(simulation, "actual")
    assert list(rates.columns) == ["visit -> buy"]  # two steps: no separate first-to-last column
    np.testing.assert_allclose(rates["visit -> buy"], [0.5, 0.0, 1 / 3])


def test_total_row_is_the_sum_of_segments(lesson_funnel):
    counts = funnel_counts(lesson_funnel)
    segments = counts[counts["segment"] != ALL_USERS].groupby("step", sort=False)
    total = counts[counts["segment"] == ALL_USERS].set_index("step")
    for column in ("actual", "server", "client"):
        pd.testing.assert_series_equal(
            segments[column].sum(), total[column], check_names=False, check_index_type=False
        )
    assert (counts[["actual", "server", "client"]].dtypes == np.int64).all()


# ---------------------------------------------------------------------------
# Conversion rates: what cancels and what does not
# ---------------------------------------------------------------------------


def test_per_user_losses_leave_conversion_unbiased():
    simulation = simulate_funnel(
        200_000, segments=(segment(blocking=0.5, consent=0.2, rates=(0.3, 0.5, 0.5)),), seed=11
    )
    client = conversion_rates(simulation, "client").loc["Only", "visit -> sign_up"]
    visitors = int(simulation.client_seen[:, 0].sum())
    assert visitors < 0.5 * 200_000
    assert within(client, 0.3, math.sqrt(0.3 * 0.7 / visitors))


def test_unload_loss_biases_conversion_by_exactly_one_minus_the_loss():
    simulation = simulate_funnel(
        200_000, segments=(segment(unload=0.4, rates=(0.3, 0.5, 0.5)),), seed=12
    )
    client = conversion_rates(simulation, "client").loc["Only"]
    visitors = int(simulation.client_seen[:, 0].sum())
    assert visitors == 200_000  # visits do not fire on unload
    measured = 0.3 * (1 - 0.4)
    assert within(
        client["visit -> sign_up"], measured, math.sqrt(measured * (1 - measured) / visitors)
    )
    actual = conversion_rates(simulation, "actual").loc["Only"]
    assert within(actual["visit -> sign_up"], 0.3, math.sqrt(0.3 * 0.7 / 200_000))
    # Sign-up fires on unload and activation does not: measured 1 / (1 - 0.4) times too high.
    # About 60,000 sign-ups: the ratio's relative standard error is about 0.5%.
    assert client["sign_up -> activate"] == pytest.approx(0.5 / 0.6, rel=0.025)
    # Purchase fires on unload again: visit -> purchase is (1 - 0.4) times the truth.
    measured = 0.3 * 0.5 * 0.5 * 0.6
    assert within(client["visit -> purchase"], measured, math.sqrt(measured / visitors))


def test_all_users_rate_is_biased_by_the_segment_mix():
    # Segment A converts 50% and blocks 90%; segment B converts 10% and never blocks.
    segments = (
        segment("A", share=0.5, blocking=0.9, rates=(0.5, 1.0, 1.0)),
        segment("B", share=0.5, rates=(0.1, 1.0, 1.0)),
    )
    simulation = simulate_funnel(400_000, segments=segments, server_loss=0.0, seed=13)
    actual = conversion_rates(simulation, "actual").loc[ALL_USERS, "visit -> sign_up"]
    client = conversion_rates(simulation, "client").loc[ALL_USERS, "visit -> sign_up"]
    # Truth: (0.5 x 0.5 + 0.5 x 0.1) = 0.30. Client: A's weight shrinks to 0.05 / 0.55.
    expected_client = (0.5 * 0.1 * 0.5 + 0.5 * 0.1) / (0.5 * 0.1 + 0.5)
    assert actual == pytest.approx(0.30, abs=0.005)
    assert client == pytest.approx(expected_client, abs=0.005)
    segment_rates = conversion_rates(simulation, "client")["visit -> sign_up"]
    assert segment_rates["A"] == pytest.approx(0.5, abs=0.02)  # within A: unbiased


def test_server_conversion_over_consenting_users_tracks_their_truth(lesson_funnel):
    actual = conversion_rates(lesson_funnel, "actual", consented_only=True)
    server = conversion_rates(lesson_funnel, "server", consented_only=True)
    np.testing.assert_allclose(server.to_numpy(), actual.to_numpy(), rtol=0.03)


def test_the_server_honours_consent_except_for_the_order():
    steps = (
        Step("visit", False), Step("sign_up", True), Step("buy", True, strictly_necessary=True)
    )
    simulation = simulate_funnel(
        100_000, segments=(segment(consent=0.3, rates=(0.5, 0.5)),), steps=steps,
        server_loss=0.0, seed=21)
    declined = ~simulation.consented
    assert within(declined.mean(), 0.3, math.sqrt(0.3 * 0.7 / 100_000))
    # A declining user's behavioural events are recorded by neither source ...
    assert not simulation.server_seen[declined][:, :2].any()
    assert not simulation.client_seen[declined].any()
    # ... but the server keeps every order, and every event of a consenting user.
    np.testing.assert_array_equal(simulation.server_seen[:, 2], simulation.reached[:, 2])
    np.testing.assert_array_equal(simulation.server_seen[~declined], simulation.reached[~declined])


def test_server_survival_is_consent_for_behaviour_and_one_for_the_order():
    allowed = server_survival()
    for seg in DEFAULT_SEGMENTS:
        assert allowed.loc[seg.name, "visit"] == pytest.approx(1 - seg.consent_decline)
        assert allowed.loc[seg.name, "purchase"] == 1.0
    # What moving server-side wins back: client / server survival has no consent in it
    # for behavioural steps.
    ratio = (client_survival() / allowed)["visit"]
    expected = [(1 - s.tracker_blocking) * (1 - s.network_loss) for s in DEFAULT_SEGMENTS]
    np.testing.assert_allclose(ratio.to_numpy(), expected)


def test_a_simulation_without_consent_information_counts_everyone_as_consenting():
    steps = (Step("visit", False),)
    simulation = FunnelSimulation(
        segments=(segment(rates=()),), steps=steps, segment_of_user=np.array([0, 0]),
        reached=np.ones((2, 1), bool), server_seen=np.ones((2, 1), bool),
        client_seen=np.zeros((2, 1), bool))
    assert simulation.consented.tolist() == [True, True]
    with pytest.raises(ValueError, match="consented"):
        FunnelSimulation(
            segments=(segment(rates=()),), steps=steps, segment_of_user=np.array([0, 0]),
            reached=np.ones((2, 1), bool), server_seen=np.ones((2, 1), bool),
            client_seen=np.zeros((2, 1), bool), consented=np.array([1, 0]))


# ---------------------------------------------------------------------------
# Repeatability
# ---------------------------------------------------------------------------


def test_same_seed_same_results_and_different_seed_different():
    one, two, other = (simulate_funnel(5_000, seed=s) for s in (9, 9, 10))
    for field in ("segment_of_user", "reached", "server_seen", "client_seen"):
        np.testing.assert_array_equal(getattr(one, field), getattr(two, field))
    assert not np.array_equal(one.client_seen, other.client_seen)


def test_results_are_read_only(lesson_funnel):
    with pytest.raises(ValueError, match="read-only"):
        lesson_funnel.client_seen[0, 0] = True


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

probability = st.floats(0.0, 1.0)


@settings(max_examples=30)
@given(
    blocking=probability,
    consent=probability,
    network=probability,
    unload=probability,
    rates=st.tuples(probability, probability, probability),
    server_loss=probability,
    seed=st.integers(0, 2**32),
)
def test_counts_are_ordered_and_losses_bounded(
    blocking, consent, network, unload, rates, server_loss, seed
):
    only = segment(blocking=blocking, consent=consent, network=network, unload=unload, rates=rates)
    simulation = simulate_funnel(500, segments=(only,), server_loss=server_loss, seed=seed)
    counts = funnel_counts(simulation)
    assert (counts[["actual", "server", "client"]] >= 0).all().all()
    assert (counts["client"] <= counts["actual"]).all()
    assert (counts["server"] <= counts["actual"]).all()
    assert (np.diff(counts["actual"].to_numpy()[:4]) <= 0).all()  # the funnel narrows
    losses = counts[["server_loss", "client_loss"]].stack().dropna()
    assert ((losses >= 0) & (losses <= 1)).all()
    rates_seen = conversion_rates(simulation, "actual").stack().dropna()
    assert ((rates_seen >= 0) & (rates_seen <= 1)).all()


# ---------------------------------------------------------------------------
# Bad arguments: each refusal names the argument
# ---------------------------------------------------------------------------


BAD_CALLS = [
    (lambda: simulate_funnel(-5, seed=0), ValueError, "n_users"),
    (lambda: simulate_funnel("many", seed=0), TypeError, "n_users"),
    (lambda: simulate_funnel(2.5, seed=0), ValueError, "n_users"),
    (lambda: simulate_funnel(10, server_loss=-0.1, seed=0), ValueError, "server_loss"),
    (lambda: simulate_funnel(10, server_loss=1.5, seed=0), ValueError, "server_loss"),
    (lambda: simulate_funnel(10, seed="abc"), TypeError, "seed"),
    (lambda: segment(blocking=-0.1), ValueError, "tracker_blocking"),
    (lambda: segment(blocking=1.5), ValueError, "tracker_blocking"),
    (lambda: segment(consent=1.5), ValueError, "consent_decline"),
    (lambda: segment(network=-0.1), ValueError, "network_loss"),
    (lambda: segment(unload=1.5), ValueError, "unload_loss"),
    (lambda: segment(rates=(0.5, 1.5, 0.5)), ValueError, r"step_rates\[1\]"),
    (lambda: segment(rates=0.5), TypeError, "step_rates"),
    (lambda: segment(share=0.0), ValueError, "share"),
    (lambda: segment(share="half"), TypeError, "share"),
    (lambda: segment(name=3), TypeError, "name"),
    (lambda: Step("visit", fires_on_unload="no"), TypeError, "fires_on_unload"),
    (
        lambda: simulate_funnel(10, segments=(segment(share=0.5),), seed=0),
        ValueError,
        "shares must add up to 1",
    ),
    (
        lambda: client_survival((segment("A", share=0.5), segment("A", share=0.5))),
        ValueError,
        "unique names",
    ),
    (
        lambda: simulate_funnel(10, segments=(segment(rates=(0.5, 0.5)),), seed=0),
        ValueError,
        "step_rates",
    ),
    (lambda: segment_table(segments="Desktop"), TypeError, "segments"),
    (lambda: simulate_funnel(10, steps=(), seed=0), ValueError, "steps"),
    (lambda: conversion_rates(simulate_funnel(10, seed=0), "browser"), ValueError, "source"),
    (lambda: funnel_counts("not a simulation"), TypeError, "simulation"),
    (
        lambda: FunnelSimulation(
            segments=(segment(),),
            steps=DEFAULT_STEPS,
            segment_of_user=np.zeros(3, dtype=int),
            reached=np.ones((3, 2), dtype=bool),
            server_seen=np.ones((3, 4), dtype=bool),
            client_seen=np.ones((3, 4), dtype=bool),
        ),
        ValueError,
        "reached must have shape",
    ),
]


@pytest.mark.parametrize(("call", "error", "argument"), BAD_CALLS)
def test_bad_arguments_are_refused_by_name(call, error, argument):
    with pytest.raises(error, match=argument):
        call()


def test_messages_show_value_and_expectation():
    with pytest.raises(ValueError, match=re.escape("tracker_blocking must be <= 1, got 1.5")):
        segment(blocking=1.5)
