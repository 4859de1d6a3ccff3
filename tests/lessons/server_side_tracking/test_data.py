"""Lesson 05's data set: a week of funnel events from the server and the browser.

The week is a sample of the lesson's model, so its losses are checked against the
model's closed form: a segment's client events = the events that happened x the
survival of each step (blocking, consent, network and, for unload steps, the beacon),
and the server's events = the events that happened x consent (1 for the order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infralab import datasets, tracking
from infralab.datasets import DATASETS, tracking_events
from infralab.datasets.core import Column, validate_frame


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return datasets.load_tracking_events()


@pytest.fixture(scope="module")
def server(events) -> pd.DataFrame:
    return events[events["source"] == "server"]


@pytest.fixture(scope="module")
def client(events) -> pd.DataFrame:
    return events[events["source"] == "client"]


def test_segments_are_the_lessons_model():
    model = {segment.name: segment for segment in tracking.DEFAULT_SEGMENTS}
    assert list(tracking_events.SEGMENTS) == list(model)
    for name, values in tracking_events.SEGMENTS.items():
        share, blocking, consent, network, unload, rates = values
        segment = model[name]
        assert (share, blocking, consent, network, unload) == (
            segment.share,
            segment.tracker_blocking,
            segment.consent_decline,
            segment.network_loss,
            segment.unload_loss,
        ), name
        assert rates == segment.step_rates, name
    steps = [(s.name, s.fires_on_unload, s.strictly_necessary) for s in tracking.DEFAULT_STEPS]
    assert steps == list(zip(tracking_events.STEPS, tracking_events.SENT_ON_UNLOAD,
                             tracking_events.STRICTLY_NECESSARY, strict=True))


def test_columns_types_and_one_week(events):
    assert list(events.columns) == list(DATASETS["tracking_events"].column_names)
    assert events["date"].min() == pd.Timestamp("2024-03-04")
    assert events["date"].max() <= pd.Timestamp("2024-03-10")
    assert set(events["source"]) == {"server", "client"}
    step_of = dict(zip(tracking_events.STEPS, range(1, 5), strict=True))
    assert (events["step"].map(step_of) == events["step_number"]).all()


def test_consenting_visitors_visit_once_and_steps_are_a_funnel(events):
    unique = events.drop_duplicates("event_id")  # both sources: the server's log misses a few
    consented = unique[unique["consent"] == "granted"]
    assert consented["user_id"][consented["step"] == "visit"].is_unique
    declined_share = 1 - consented["user_id"].nunique() / tracking_events.VISITORS
    shares = np.array([v[0] for v in tracking_events.SEGMENTS.values()])
    declines = np.array([v[2] for v in tracking_events.SEGMENTS.values()])
    assert declined_share == pytest.approx(shares @ declines, abs=0.01)
    deepest = consented.groupby("user_id")["step_number"].agg(["max", "count"])
    # No step skipped, except where the server's log missed an event the client lost too
    # (chance about SERVER_LOSS times the client's loss, for a handful of events).
    skipped = (deepest["max"] != deepest["count"]).sum()
    assert skipped <= 5 and (deepest["max"] >= deepest["count"]).all()


def test_the_server_logs_only_the_orders_of_declining_visitors(server, client):
    declined = server[server["consent"] == "declined"]
    assert len(declined) > 0 and (declined["step"] == "purchase").all()
    assert (client["consent"] == "granted").all()


def test_each_event_has_one_id_in_both_sources(server, client):
    # A client event is a server event under the same ID, with the same user and step,
    # except the few behavioural events the server's log missed.
    merged = client.merge(server.drop_duplicates("event_id"), on="event_id",
                          suffixes=("_client", "_server"), validate="one_to_one")
    browser_only = client[~client["event_id"].isin(server["event_id"])]
    assert len(merged) + len(browser_only) == len(client)
    assert (merged["user_id_client"] == merged["user_id_server"]).all()
    assert (merged["step_client"] == merged["step_server"]).all()
    # The log misses behavioural events only, at SERVER_LOSS (binomial, 4 SD).
    assert (browser_only["step"] != "purchase").all()
    reported = (client["step"] != "purchase").sum()
    p = tracking_events.SERVER_LOSS
    assert len(browser_only) == pytest.approx(reported * p, abs=4 * np.sqrt(reported * p))


def test_retries_repeat_an_event_id_with_a_higher_attempt(server, client):
    first = server[server["attempt"] == 1]
    assert first["event_id"].is_unique
    retried = server[server["attempt"] > 1]
    assert set(retried["event_id"]) <= set(first["event_id"])
    # Extra copies per event: geometric, mean p / (1 - p).
    p = tracking_events.RETRY_PROBABILITY
    mean, n = len(retried) / len(first), len(first)
    assert mean == pytest.approx(p / (1 - p), abs=4 * np.sqrt(p / (1 - p) ** 2 / n))
    assert (client["attempt"] == 1).all() and client["event_id"].is_unique


def test_the_client_reports_only_events_that_happened(server, client):
    # Apart from the few behavioural events the server's log missed, every client event
    # is one the server logged too.
    happened = set(zip(server["user_id"], server["step"], strict=True))
    missed = set(zip(client["user_id"], client["step"], strict=True)) - happened
    assert 0 < len(missed) < 0.01 * len(client)
    assert "purchase" not in {step for _, step in missed}


def test_client_loss_by_segment_and_step_matches_the_closed_form(server, client):
    analysable = server[server["consent"] == "granted"]
    distinct = analysable.drop_duplicates("event_id").groupby(["segment", "step"]).size()
    reported = client.groupby(["segment", "step"]).size().reindex(distinct.index, fill_value=0)
    # Against consented server events, what the client loses is blocking, network, unload.
    survival = (tracking.client_survival() / (1 - tracking.segment_table()[
        "declines consent"]).to_numpy()[:, None]).stack()
    survival.index.names = ["segment", "step"]
    chance = survival.reindex(distinct.index)
    expected = distinct * chance
    # Users are lost whole (blocking, consent), so a segment's events are clustered:
    # allow 5 binomial standard deviations plus a few events.
    spread = np.sqrt(distinct * chance * (1 - chance))
    assert (np.abs(reported - expected) <= 5 * spread + 3).all()
    total = reported.sum() / expected.sum()
    assert total == pytest.approx(1, abs=0.03)
    visits = distinct.xs("visit", level="step")
    assert (reported.xs("visit", level="step") / visits).idxmin() == (
        "Desktop Firefox/Brave, developers"
    )


def test_developers_make_many_purchases_and_nearly_vanish_from_client_data(server, client):
    distinct = server.drop_duplicates("event_id")
    developers = "Desktop Firefox/Brave, developers"

    def share(log):
        purchases = log[log["step"] == "purchase"]
        return (purchases["segment"] == developers).mean()

    assert share(distinct) > 0.2
    assert share(client) < share(distinct) / 2


def test_simulation_is_seeded_and_validated():
    pd.testing.assert_frame_equal(
        tracking_events.simulate_tracking_events(300, seed=4),
        tracking_events.simulate_tracking_events(300, seed=4),
    )
    assert not tracking_events.simulate_tracking_events(300, seed=5).equals(
        tracking_events.simulate_tracking_events(300, seed=4)
    )
    with pytest.raises(ValueError, match="visitors"):
        tracking_events.simulate_tracking_events(0)
    with pytest.raises(ValueError, match="visitors must be a whole number"):
        tracking_events.simulate_tracking_events(2.5)
    with pytest.raises(TypeError, match="visitors"):
        tracking_events.simulate_tracking_events("many")


def _text_frame(events: pd.DataFrame, rows: int = 5) -> pd.DataFrame:
    frame = events.head(rows).astype({"date": str}).copy()
    frame["date"] = events.head(rows)["date"].dt.strftime("%Y-%m-%d")
    return frame


def test_a_bad_text_cell_is_named_by_line_and_column(tmp_path, events):
    frame = _text_frame(events)
    frame.loc[3, "source"] = "browser"
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"mine.csv line 5, column source: expected one of "):
        datasets.load_tracking_events(path)
    frame.loc[3, "source"] = " "
    frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"line 5, column source: expected one of .* empty cell"):
        datasets.load_tracking_events(path)


def test_a_bad_cell_after_a_cell_of_two_lines_is_named_by_its_file_line(tmp_path, events):
    frame = _text_frame(events)
    frame.loc[1, "event_id"] = "pasted\nacross two lines"  # quoted by to_csv: lines 3 and 4
    frame.loc[3, "source"] = "browser"
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    lines = path.read_text().splitlines()
    assert lines[5].endswith(",browser,granted,1")  # line 6 as an editor numbers it
    with pytest.raises(ValueError, match=r"^mine.csv line 6, column source: expected one of "):
        datasets.load_tracking_events(path)


def test_a_latin1_cell_is_named_by_line_and_column(tmp_path, events):
    frame = _text_frame(events)
    frame.loc[2, "segment"] = "MARK"
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    path.write_bytes(path.read_bytes().replace(b"MARK", "Caf\u00e9".encode("latin-1")))
    with pytest.raises(ValueError) as caught:
        datasets.load_tracking_events(path)
    assert str(caught.value) == (
        "mine.csv line 4, column segment: byte 0xe9 is not UTF-8 text; save the file as UTF-8 "
        "(in a spreadsheet: CSV UTF-8)"
    )


def test_visitors_are_bounded_and_the_message_gives_the_range():
    with pytest.raises(ValueError) as caught:
        tracking_events.simulate_tracking_events(10**10)
    assert str(caught.value) == "visitors must be from 1 to 500,000, got 10,000,000,000"
    with pytest.raises(ValueError, match="^visitors must be from 1 to 500,000, got 500,001$"):
        tracking_events.simulate_tracking_events(500_001, seed=1)


def test_text_columns_without_allowed_values_reject_only_empty_cells():
    columns = (Column("name", "text", "", None, None, "A name."),)
    assert validate_frame(pd.DataFrame({"name": [" a ", "b"]}), columns)["name"].tolist() == [
        "a",
        "b",
    ]
    with pytest.raises(ValueError, match="row 3, column name: expected a text that is not empty"):
        validate_frame(pd.DataFrame({"name": ["a", ""]}), columns)
    with pytest.raises(ValueError, match="only a text column"):
        Column("n", "int", "", None, None, "", allowed=("a",))
