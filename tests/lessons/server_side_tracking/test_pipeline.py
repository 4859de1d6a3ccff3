"""Tests for infralab.tracking.pipeline: event IDs, retries, idempotent storage, SQL and pandas."""

from __future__ import annotations

import math
import sqlite3
from contextlib import closing

import numpy as np
import pandas as pd
import pytest

from infralab.tracking.funnel import funnel_counts, simulate_funnel
from infralab.tracking.pipeline import (
    EVENT_COLUMNS,
    _random_event_ids,
    deliver_with_retries,
    event_log,
    funnel_from_events,
    funnel_from_sql,
    store_events,
)
from infralab.tracking.segments import ALL_USERS

from .helpers import segment, within


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

    ids = _random_event_ids(4, FirstDrawCollides())
    assert len(set(ids.tolist())) == 4
    assert ids[0] == "0000000000000005" and ids[2] == "0000000000000007"  # first copies kept


def test_random_event_ids_are_hex_of_the_drawn_bits():
    ids = _random_event_ids(5, np.random.default_rng(0))
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
    # Each server event is one user at one step: for the behavioural steps, which the server
    # logs for consenting users only, the SQL funnel is the server count.
    counts = funnel_counts(small_funnel)
    server = counts[counts["segment"] != ALL_USERS].set_index(["segment", "step"])["server"]
    users = from_sql.set_index(["segment", "step"])["users"]
    behavioural = users[users.index.get_level_values("step") != "purchase"]
    assert (behavioural == server.loc[behavioural.index]).all()
    # Orders: the server keeps every one, the funnel counts the consenting users' only.
    orders = log[log["step"] == "purchase"]
    assert (orders["consent"] == "declined").any()
    purchases = users[users.index.get_level_values("step") == "purchase"]
    consenting = orders[orders["consent"] == "granted"].groupby("segment").size()
    assert (purchases.droplevel("step") == consenting.loc[purchases.index.get_level_values(0)]
            .to_numpy()).all()
    assert purchases.sum() < server.xs("purchase", level="step").sum()
    assert (from_sql["events"] == from_sql["users"]).all()


def test_naive_count_of_deliveries_is_inflated(small_funnel):
    log = event_log(small_funnel, seed=1)
    delivered = deliver_with_retries(log, retry_probability=0.3, seed=2)
    naive = funnel_from_events(delivered, deduplicate=False)
    consenting = delivered[delivered["consent"] == "granted"]
    assert naive["events"].sum() == len(consenting) > (log["consent"] == "granted").sum()
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


def test_store_skips_only_repeated_keys_and_reports_other_bad_rows():
    connection = sqlite3.connect(":memory:")
    good = pd.DataFrame(
        {"event_id": ["a", "b"], "user_id": [1, 2], "segment": ["s", "s"],
         "step": ["visit", "visit"], "step_number": [1, 1], "consent": ["granted", "declined"]}
    )
    assert store_events(connection, good).stored == 2
    assert store_events(connection, good).duplicates_ignored == 2
    assert connection.execute("SELECT consent FROM events ORDER BY event_id").fetchall() == [
        ("granted",), ("declined",)]
    connection.close()


def test_same_seed_same_results_and_different_seed_different():
    one, two = (simulate_funnel(5_000, seed=s) for s in (9, 9))
    pd.testing.assert_frame_equal(event_log(one, seed=1), event_log(two, seed=1))
    assert not event_log(one, seed=1)["event_id"].equals(event_log(one, seed=2)["event_id"])


# ---------------------------------------------------------------------------
# Bad arguments: each refusal names the argument
# ---------------------------------------------------------------------------


def store_in_memory(events):
    with closing(sqlite3.connect(":memory:")) as connection:
        return store_events(connection, events)


BAD_CALLS = [
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
    (
        lambda: store_in_memory(pd.DataFrame(
            {"event_id": ["a"], "user_id": [1], "segment": ["s"], "step": ["visit"],
             "step_number": [1], "consent": ["maybe"]})),
        ValueError,
        "consent",
    ),
]


@pytest.mark.parametrize(("call", "error", "argument"), BAD_CALLS)
def test_bad_arguments_are_refused_by_name(call, error, argument):
    with pytest.raises(error, match=argument):
        call()



def test_a_retry_probability_near_one_is_refused_before_any_copy_is_made():
    log = event_log(simulate_funnel(100, seed=0), seed=0)
    with pytest.raises(ValueError, match="^retry_probability must be"):
        deliver_with_retries(log, retry_probability=0.999999, seed=0)
    assert len(deliver_with_retries(log, retry_probability=0.99, seed=0)) > 50 * len(log)
