"""Tests for infralab.tracking: each against a closed form, a hand count or a brute-force answer."""

from __future__ import annotations

import doctest
import itertools
import math
import re
import sqlite3
from contextlib import closing

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab import tracking
from infralab.tracking import (
    ALL_USERS,
    DEFAULT_SEGMENTS,
    DEFAULT_STEPS,
    EVENT_COLUMNS,
    SOURCES,
    FunnelSimulation,
    Segment,
    Step,
    client_survival,
    conversion_rates,
    deliver_with_retries,
    event_log,
    expected_ab_readout,
    expected_anonymous_ids_per_user,
    expected_identity_inflation,
    funnel_counts,
    funnel_from_events,
    funnel_from_sql,
    segment_table,
    simulate_ab_test,
    simulate_funnel,
    simulate_identity,
    store_events,
)

#: Sampling tolerance: a correct simulation lands within this many standard errors.
Z = 4.0

LESSON_AB = {
    "control_rate": 0.040,
    "variant_rate": 0.044,
    "tracker_blocking": 0.30,
    "unload_loss_control": 0.05,
    "unload_loss_variant": 0.30,
}


def segment(
    name="Only",
    *,
    share=1.0,
    blocking=0.0,
    consent=0.0,
    network=0.0,
    unload=0.0,
    rates=(0.5, 0.5, 0.5),
):
    return Segment(
        name=name,
        device="desktop",
        browser="Chrome",
        audience="general",
        share=share,
        tracker_blocking=blocking,
        consent_decline=consent,
        network_loss=network,
        unload_loss=unload,
        step_rates=rates,
    )


@pytest.fixture(scope="module")
def lesson_funnel():
    return simulate_funnel(400_000, seed=2024)


def within(observed, expected, standard_error):
    """True when ``observed`` is within Z standard errors of ``expected`` (exact if SE is 0)."""
    return abs(observed - expected) <= Z * standard_error + 1e-12


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
    simulation = simulate_funnel(200_000, server_loss=0.01, seed=7)
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


def test_server_conversion_tracks_the_truth(lesson_funnel):
    actual = conversion_rates(lesson_funnel, "actual")
    server = conversion_rates(lesson_funnel, "server")
    np.testing.assert_allclose(server.to_numpy(), actual.to_numpy(), rtol=0.03)


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
    assert result.visitors["actual"] == tracking.Arms(n, n)


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
    p_value = tracking._two_proportion_p_value(200, 1000, 250, 1000)
    assert p_value == pytest.approx(0.007420, abs=1e-5)
    assert tracking._two_proportion_p_value(0, 100, 0, 100) == 1.0


def test_ab_test_without_client_visitors_has_no_winner():
    result = simulate_ab_test(1_000, **{**LESSON_AB, "tracker_blocking": 1.0}, seed=0)
    assert result.visitors["client"] == tracking.Arms(0, 0)
    assert math.isnan(result.rates["client"].control)
    assert math.isnan(result.p_value["client"])
    assert result.winner["client"] == "no clear winner"


def test_a_strict_alpha_calls_no_winner():
    result = simulate_ab_test(50_000, alpha=1e-12, seed=5, **LESSON_AB)
    assert result.winner["server"] == "no clear winner"


# ---------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------


def brute_force_ids(days, q, cap):
    """Expected IDs for a capped user by enumerating every visit pattern."""
    total = 0.0
    for pattern in itertools.product((0, 1), repeat=days):
        visits = [t for t, v in enumerate(pattern) if v]
        ids = (1 if visits else 0) + sum(b - a >= cap for a, b in itertools.pairwise(visits))
        total += ids * q ** len(visits) * (1 - q) ** (days - len(visits))
    return total


@pytest.mark.parametrize(
    ("days", "q", "cap", "expected"),
    [
        (2, 0.5, 1, 1.0),  # 00: 0, 10: 1, 01: 1, 11: 2 IDs
        (3, 0.5, 2, 1.0),  # 8 patterns, 7 with a visit, only 101 splits in two: 8 IDs / 8
        (4, 0.5, 2, 1.25),  # 15/16 + (1/8 on day 2) + (3/16 on day 3)
        (10, 1.0, 7, 1.0),  # a daily visitor keeps one ID
        (10, 1.0, 1, 10.0),  # a one-day cookie: a new ID every day
        (5, 0.0, 7, 0.0),  # nobody visits
        (5, 0.3, 7, 1 - 0.7**5),  # cap longer than the window: one ID if any visit
    ],
)
def test_expected_ids_hand_cases(days, q, cap, expected):
    assert expected_anonymous_ids_per_user(days, q, cap) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=60)
@given(
    days=st.integers(1, 9),
    q=st.floats(0.0, 1.0),
    cap=st.integers(1, 10),
)
def test_expected_ids_match_brute_force(days, q, cap):
    closed = expected_anonymous_ids_per_user(days, q, cap)
    assert closed == pytest.approx(brute_force_ids(days, q, cap), rel=1e-9, abs=1e-12)


def test_identity_simulation_matches_closed_form():
    result = simulate_identity(
        40_000, 60, daily_visit_probability=0.1, capped_share=1.0, cookie_cap_days=7, seed=31
    )
    ids = result.ids_per_user
    expected = expected_anonymous_ids_per_user(60, 0.1, 7)
    assert within(ids.mean(), expected, ids.std(ddof=1) / math.sqrt(ids.size))
    assert result.inflation == pytest.approx(expected / (1 - 0.9**60), rel=0.02)


def test_identity_mix_matches_expected_inflation():
    result = simulate_identity(50_000, 90, daily_visit_probability=0.05, capped_share=0.3, seed=32)
    assert result.inflation == pytest.approx(expected_identity_inflation(90, 0.05, 0.3), rel=0.02)
    assert (result.ids_per_user[~result.capped] <= 1).all()  # uncapped people keep one ID
    assert result.capped.mean() == pytest.approx(0.3, abs=0.01)
    assert result.capped_inflation > result.inflation


def test_cap_longer_than_the_window_changes_nothing():
    result = simulate_identity(
        5_000, 30, daily_visit_probability=0.2, capped_share=1.0, cookie_cap_days=30, seed=1
    )
    assert result.ids_per_user.max() == 1
    assert result.inflation == 1.0
    assert result.anonymous_ids == result.true_users


def test_daily_visitors_keep_one_id():
    result = simulate_identity(1_000, 90, daily_visit_probability=1.0, capped_share=1.0, seed=1)
    assert result.true_users == result.anonymous_ids == 1_000
    assert result.inflation == 1.0


def test_one_day_cookie_gives_a_new_id_every_day():
    result = simulate_identity(
        100, 10, daily_visit_probability=1.0, capped_share=1.0, cookie_cap_days=1, seed=1
    )
    assert (result.ids_per_user == 10).all()


def test_per_user_visit_probabilities():
    q = np.array([0.0, 1.0] * 50)
    result = simulate_identity(100, 20, daily_visit_probability=q, capped_share=1.0, seed=2)
    np.testing.assert_array_equal(result.ids_per_user, np.tile([0, 1], 50))
    assert result.true_users == 50


# ---------------------------------------------------------------------------
# Event log, retries, SQLite
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_funnel():
    return simulate_funnel(20_000, seed=41)


def test_event_log_rows_and_ids(small_funnel):
    log = event_log(small_funnel, seed=1)
    assert list(log.columns) == list(EVENT_COLUMNS)
    assert len(log) == int(small_funnel.server_seen.sum())
    assert log["event_id"].is_unique
    assert log["event_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert log[["user_id", "step_number"]].apply(tuple, axis=1).is_monotonic_increasing
    assert log["day"].between(0, 27).all() and log["day"].is_monotonic_increasing
    first = log.iloc[0]
    user = int(first["user_id"])
    assert first["segment"] == small_funnel.segment_names[small_funnel.segment_of_user[user]]
    assert log.dtypes["user_id"] == np.int64 and log.dtypes["step_number"] == np.int64


def test_event_ids_follow_the_event_across_sources(small_funnel):
    keys = ["user_id", "step_number"]
    actual = event_log(small_funnel, source="actual", seed=1).set_index(keys)["event_id"]
    client = event_log(small_funnel, source="client", seed=1).set_index(keys)["event_id"]
    assert len(actual) == int(small_funnel.reached.sum())
    assert (actual.loc[client.index] == client).all()


def test_colliding_event_ids_are_drawn_again():
    class FirstDrawCollides:
        """Returns 5, 5, 7, 5 on the first draw, then real random numbers."""

        def __init__(self):
            self.calls = 0
            self.generator = np.random.default_rng(0)

        def integers(self, *args, size, **kwargs):
            self.calls += 1
            if self.calls == 1:
                return np.array([5, 5, 7, 5], dtype=np.uint64)
            return self.generator.integers(*args, size=size, **kwargs)

    ids = tracking._random_event_ids(4, FirstDrawCollides())
    assert len(set(ids.tolist())) == 4
    assert ids[0] == "0000000000000005" and ids[2] == "0000000000000007"  # first copies kept


def test_random_event_ids_are_hex_of_the_drawn_bits():
    ids = tracking._random_event_ids(5, np.random.default_rng(0))
    drawn = np.random.default_rng(0).integers(
        0, np.iinfo(np.uint64).max, size=5, dtype=np.uint64, endpoint=True
    )
    assert ids.tolist() == [f"{int(value):016x}" for value in drawn]


def test_retries_follow_a_geometric_law(small_funnel):
    log = event_log(small_funnel, seed=1)
    delivered = deliver_with_retries(log, retry_probability=0.25, seed=2)
    extra = len(delivered) - len(log)
    mean_extra = 0.25 / 0.75  # geometric: p / (1 - p) extra copies per event
    sd_extra = math.sqrt(0.25) / 0.75  # sqrt(p) / (1 - p)
    assert within(extra, len(log) * mean_extra, math.sqrt(len(log)) * sd_extra)
    attempts = delivered.groupby("event_id")["attempt"].agg(["min", "max", "count"])
    assert (attempts["min"] == 1).all() and (attempts["max"] == attempts["count"]).all()
    assert len(attempts) == len(log)
    assert not delivered["attempt"].is_monotonic_increasing  # arrival order is shuffled


def test_no_retries_delivers_each_event_once(small_funnel):
    log = event_log(small_funnel, seed=1)
    delivered = deliver_with_retries(log, retry_probability=0.0, seed=2)
    assert len(delivered) == len(log) and (delivered["attempt"] == 1).all()


def test_store_removes_retries_and_is_idempotent(small_funnel):
    log = event_log(small_funnel, seed=1)
    delivered = deliver_with_retries(log, retry_probability=0.3, seed=2)
    with closing(sqlite3.connect(":memory:")) as connection:
        first = store_events(connection, delivered)
        assert first.received == len(delivered)
        assert first.stored == len(log) == delivered["event_id"].nunique()
        assert first.duplicates_ignored == len(delivered) - len(log)
        again = store_events(connection, delivered)
        assert (again.stored, again.duplicates_ignored) == (0, len(delivered))
        from_sql = funnel_from_sql(connection)
    pd.testing.assert_frame_equal(from_sql, funnel_from_events(delivered))
    pd.testing.assert_frame_equal(from_sql, funnel_from_events(log))
    # Each server event is one user at one step: the SQL funnel is the server count.
    counts = funnel_counts(small_funnel)
    server = counts[counts["segment"] != ALL_USERS].set_index(["segment", "step"])["server"]
    users = from_sql.set_index(["segment", "step"])["users"]
    assert (users == server.loc[users.index]).all()
    assert (from_sql["events"] == from_sql["users"]).all()


def test_naive_count_of_deliveries_is_inflated(small_funnel):
    log = event_log(small_funnel, seed=1)
    delivered = deliver_with_retries(log, retry_probability=0.3, seed=2)
    naive = funnel_from_events(delivered, deduplicate=False)
    assert naive["events"].sum() == len(delivered) > len(log)
    pd.testing.assert_series_equal(naive["users"], funnel_from_events(log)["users"])


def test_funnel_sql_needs_stored_events():
    with closing(sqlite3.connect(":memory:")) as connection:
        with pytest.raises(ValueError, match="no events table"):
            funnel_from_sql(connection)


def test_empty_log_gives_empty_funnels():
    simulation = simulate_funnel(200, segments=(segment(blocking=1.0),), seed=0)
    log = event_log(simulation, source="client", seed=0)
    assert log.empty and list(log.columns) == list(EVENT_COLUMNS)
    with closing(sqlite3.connect(":memory:")) as connection:
        assert store_events(connection, log).stored == 0
        pd.testing.assert_frame_equal(funnel_from_sql(connection), funnel_from_events(log))


# ---------------------------------------------------------------------------
# Repeatability
# ---------------------------------------------------------------------------


def test_same_seed_same_results_and_different_seed_different():
    one, two, other = (simulate_funnel(5_000, seed=s) for s in (9, 9, 10))
    for field in ("segment_of_user", "reached", "server_seen", "client_seen"):
        np.testing.assert_array_equal(getattr(one, field), getattr(two, field))
    assert not np.array_equal(one.client_seen, other.client_seen)

    assert simulate_ab_test(10_000, seed=3, **LESSON_AB) == simulate_ab_test(
        10_000, seed=3, **LESSON_AB
    )
    assert simulate_ab_test(10_000, seed=3, **LESSON_AB) != simulate_ab_test(
        10_000, seed=4, **LESSON_AB
    )

    identity = {
        s: simulate_identity(2_000, 30, daily_visit_probability=0.2, capped_share=0.5, seed=s)
        for s in (1, 2)
    }
    again = simulate_identity(2_000, 30, daily_visit_probability=0.2, capped_share=0.5, seed=1)
    np.testing.assert_array_equal(identity[1].ids_per_user, again.ids_per_user)
    assert not np.array_equal(identity[1].ids_per_user, identity[2].ids_per_user)

    pd.testing.assert_frame_equal(event_log(one, seed=1), event_log(two, seed=1))
    assert not event_log(one, seed=1)["event_id"].equals(event_log(one, seed=2)["event_id"])


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


def store_in_memory(events):
    with closing(sqlite3.connect(":memory:")) as connection:
        return store_events(connection, events)


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
    (
        lambda: simulate_identity(10, 0, daily_visit_probability=0.1, capped_share=0.5, seed=0),
        ValueError,
        "days",
    ),
    (
        lambda: simulate_identity(10, 5, daily_visit_probability=1.5, capped_share=0.5, seed=0),
        ValueError,
        "daily_visit_probability",
    ),
    (
        lambda: simulate_identity(
            10, 5, daily_visit_probability=[0.1, 0.2], capped_share=0.5, seed=0
        ),
        ValueError,
        "daily_visit_probability",
    ),
    (
        lambda: simulate_identity(10, 5, daily_visit_probability=0.1, capped_share=-0.1, seed=0),
        ValueError,
        "capped_share",
    ),
    (
        lambda: simulate_identity(
            10, 5, daily_visit_probability=0.1, capped_share=0.5, cookie_cap_days=0, seed=0
        ),
        ValueError,
        "cookie_cap_days",
    ),
    (lambda: expected_anonymous_ids_per_user(10, -0.1), ValueError, "daily_visit_probability"),
    (
        lambda: event_log(simulate_funnel(10, seed=0), source="browser", seed=0),
        ValueError,
        "source",
    ),
    (
        lambda: deliver_with_retries(
            event_log(simulate_funnel(10, seed=0), seed=0), retry_probability=1.0, seed=0
        ),
        ValueError,
        "retry_probability",
    ),
    (lambda: deliver_with_retries([1, 2], retry_probability=0.1, seed=0), TypeError, "events"),
    (
        lambda: store_in_memory(pd.DataFrame({"event_id": ["a"]})),
        ValueError,
        "user_id",
    ),
    (lambda: store_events("events.db", pd.DataFrame()), TypeError, "connection"),
]


@pytest.mark.parametrize(("call", "error", "argument"), BAD_CALLS)
def test_bad_arguments_are_refused_by_name(call, error, argument):
    with pytest.raises(error, match=argument):
        call()


def test_messages_show_value_and_expectation():
    with pytest.raises(ValueError, match=re.escape("tracker_blocking must be <= 1, got 1.5")):
        segment(blocking=1.5)


def test_docstring_examples_run():
    failures, tried = doctest.testmod(tracking, optionflags=doctest.NORMALIZE_WHITESPACE)[:2]
    assert tried >= 20
    assert failures == 0


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


def test_store_skips_only_repeated_keys_and_reports_other_bad_rows():
    connection = sqlite3.connect(":memory:")
    good = pd.DataFrame(
        {"event_id": ["a", "b"], "user_id": [1, 2], "segment": ["s", "s"],
         "step": ["visit", "visit"], "step_number": [1, 1]}
    )
    assert store_events(connection, good).stored == 2
    assert store_events(connection, good).duplicates_ignored == 2
    connection.close()


def test_two_proportion_p_value_matches_a_hand_computed_z_test():
    from infralab.tracking import _two_proportion_p_value

    # 100/1000 against 130/1000: pooled 0.115, standard error sqrt(0.115 * 0.885 * 2 / 1000)
    # = 0.014267, z = 2.1027, two-sided p = 0.0355 (normal table).
    assert _two_proportion_p_value(100, 1000, 130, 1000) == pytest.approx(0.0355, abs=2e-4)
    assert _two_proportion_p_value(50, 1000, 50, 1000) == pytest.approx(1.0)
