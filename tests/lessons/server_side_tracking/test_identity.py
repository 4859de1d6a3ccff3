"""Tests for infralab.tracking.identity: the closed forms against brute force, the simulation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.tracking.identity import (
    expected_anonymous_ids_per_user,
    expected_identity_inflation,
    simulate_identity,
)

from .helpers import within


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


def test_same_seed_same_results_and_different_seed_different():
    by_seed = {
        s: simulate_identity(2_000, 30, daily_visit_probability=0.2, capped_share=0.5, seed=s)
        for s in (1, 2)
    }
    again = simulate_identity(2_000, 30, daily_visit_probability=0.2, capped_share=0.5, seed=1)
    np.testing.assert_array_equal(by_seed[1].ids_per_user, again.ids_per_user)
    assert not np.array_equal(by_seed[1].ids_per_user, by_seed[2].ids_per_user)


# ---------------------------------------------------------------------------
# Bad arguments: each refusal names the argument
# ---------------------------------------------------------------------------


BAD_CALLS = [
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
]


@pytest.mark.parametrize(("call", "error", "argument"), BAD_CALLS)
def test_bad_arguments_are_refused_by_name(call, error, argument):
    with pytest.raises(error, match=argument):
        call()



@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: expected_anonymous_ids_per_user(10**10, 0.5), "days must be from 1 to 36,500"),
        (
            lambda: expected_identity_inflation(10**8, 0.5, 0.5),
            "days must be from 1 to 36,500",
        ),
        (
            lambda: expected_anonymous_ids_per_user(30, 0.5, cookie_cap_days=10**12),
            "cookie_cap_days must be from 1 to 36,500",
        ),
    ],
)
def test_a_span_too_long_for_memory_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        call()


def brute_force_single_visit_ids(days, q, cap, capped=True):
    """Expected IDs seen on one visit only, by enumerating every visit pattern."""
    total = 0.0
    for pattern in itertools.product((0, 1), repeat=days):
        visits = [t for t, v in enumerate(pattern) if v]
        if capped:  # split at every gap of at least the cap
            runs, run = [], []
            for day in visits:
                if run and day - run[-1] >= cap:
                    runs.append(run)
                    run = []
                run.append(day)
            runs += [run] if run else []
        else:
            runs = [visits] if visits else []
        single = sum(len(run) == 1 for run in runs)
        total += single * q ** len(visits) * (1 - q) ** (days - len(visits))
    return total


@pytest.mark.parametrize("capped", [True, False])
def test_single_visit_ids_match_brute_force(capped):
    days, q, cap, n = 9, 0.3, 3, 60_000
    result = simulate_identity(n, days, daily_visit_probability=q,
                               capped_share=1.0 if capped else 0.0, cookie_cap_days=cap, seed=41)
    expected = brute_force_single_visit_ids(days, q, cap, capped)
    spread = math.sqrt(n * expected)  # at most Poisson-like per person; generous
    assert within(result.single_visit_ids, n * expected, spread / 2)


def test_single_visit_ids_by_hand():
    # A one-day cookie and daily visits: every visit is an ID of its own.
    result = simulate_identity(10, 5, daily_visit_probability=1.0, capped_share=1.0,
                               cookie_cap_days=1, seed=0)
    assert result.single_visit_ids == result.anonymous_ids == 50
    # A daily visitor on a 7-day cookie keeps one ID of 5 visits: none single.
    result = simulate_identity(10, 5, daily_visit_probability=1.0, capped_share=1.0, seed=0)
    assert result.single_visit_ids == 0
