"""The self-checks of lesson 05: hand-computed answers, and the mistakes learners make.

The right answers (tests/lessons/server_side_tracking/answers.py) are written the
way a learner would write them in the exercise notebook, independently of the
reference functions in the check module. What every lesson's checks must do (a
right answer is correct, the stub is not attempted, each listed mistake gets
its hint, junk gets one line) is tested for every task in
tests/test_lesson_checks.py.
"""

from __future__ import annotations

import itertools
from functools import partial

import numpy as np
import pandas as pd
import pytest

from infralab.checks import server_side_tracking as check
from tests.check_runner import printed_line
from tests.lessons.server_side_tracking.answers import (
    client_side_loss,
    events_to_move_server_side,
    loss_by_segment,
)

#: ``printed(name, function)``: the one line the check cell of task ``name`` prints.
printed = partial(printed_line, check)


# --------------------------------------------------------------------------- reference answers


def test_reference_answers_match_hand_computed_values():
    expected = {name: [case.expected for case in task.cases] for name, task in check.TASKS.items()}
    # 6,800 of 10,000 events arrive: 32% lost. Volument: 3,217,740 of 5,130,741 beacons.
    assert expected["client_side_loss"][:2] == pytest.approx([0.32, 0.372851], rel=1e-5)
    assert expected["client_side_loss"][3] == 0
    # Desktop: 70 of 120 distinct events; mobile 180 of 200; in-app 33 of 60.
    assert dict(expected["loss_by_segment"][0]) == pytest.approx(
        {"Desktop": 50 / 120, "Mobile": 0.1, "In-app": 0.45}
    )
    assert dict(expected["loss_by_segment"][1])["Developers"] == pytest.approx(0.85)
    # In-app: 40 server events, none reported by the client: everything lost.
    assert dict(expected["loss_by_segment"][3]) == pytest.approx(
        {"Desktop": 50 / 200, "In-app": 1.0, "Mobile": 30 / 300}
    )
    # Distinct event_ids per step, by hand from the example's rows.
    (deliveries,) = check.EXAMPLES["events_per_step"][0].args
    by_hand = {}
    for event_id, step in zip(deliveries["event_id"], deliveries["step"], strict=True):
        by_hand.setdefault(step, set()).add(event_id)
    assert dict(expected["events_per_step"][0]) == {k: len(v) for k, v in by_hand.items()}
    assert dict(expected["events_per_step"][3]) == {next(iter(by_hand_one(check))): 1}
    # Purchases: 46 / 0.74 + 19 / 0.28 + 50 / 0.81.
    purchases = expected["corrected_funnel"][0]["purchase"]
    assert purchases == pytest.approx(46 / 0.74 + 19 / 0.28 + 50 / 0.81)
    assert expected["events_to_move_server_side"][0] == ["page_view", "purchase", "sign_up"]
    assert expected["events_to_move_server_side"][1] == ["purchase", "sign_up"]
    assert expected["events_to_move_server_side"][2] == ["search"]  # 25% is not over 25%
    assert expected["events_to_move_server_side"][3] == []
    # page_view loses 30% on mobile (>25%), 5% on desktop; checkout 4% and 40%.
    assert expected["events_to_move_server_side"][4] == ["checkout", "page_view"]
    # 4.4% * 0.70 / (4.0% * 0.95) - 1 = -19.0%, against a true +10%.
    assert expected["ab_readout_error"][0] == pytest.approx(0.0308 / 0.038 - 1.1)
    assert expected["ab_readout_error"][3] == pytest.approx(0.0)
    # Gaps 2, 3, 10, 1, 14 with a 7-day cap: two expiries, three IDs. Ten daily visits keep
    # one ID (the cookie is renewed).
    # Days 6, 0, 12, 30 sorted: gaps 6, 6 (kept: shorter than 7) and 18: two IDs.
    assert expected["anonymous_ids"] == [3, 4, 1, 0, 3, 2]
    # sign_up loses 50% on desktop (10% on mobile), search 40% (0%): both move at 25%,
    # though the average loss of search is only 20%.
    assert expected["events_to_move_server_side"][5] == ["search", "sign_up"]
    # No purchase reported: the corrected count is 0, not NaN.
    assert expected["corrected_funnel"][3]["purchase"] == 0


def by_hand_one(check_module):
    """The step of the single event in the last hidden case of events_per_step."""
    (deliveries,) = check_module.TASKS["events_per_step"].cases[3].args
    assert deliveries["event_id"].nunique() == 1 and set(deliveries["source"]) == {
        "server",
        "client",
    }
    return set(deliveries["step"])


# --------------------------------------------------------------------------- mistakes learners make


def _no_dedupe(events):
    server = events[events["source"] == "server"]
    client = events[events["source"] == "client"]
    return 1 - client.groupby("segment").size() / server.groupby("segment").size()


def _no_fill(events):
    server = events[events["source"] == "server"].drop_duplicates("event_id")
    client = events[events["source"] == "client"]
    return 1 - client.groupby("segment").size() / server.groupby("segment").size()


def _matched_by_event_id(events):
    server = events[events["source"] == "server"].drop_duplicates("event_id")
    reported = server["event_id"].isin(events.loc[events["source"] == "client", "event_id"])
    return 1 - reported.groupby(server["segment"]).mean()


def _all_columns_dedupe(events):
    server = events[events["source"] == "server"].drop_duplicates()
    client = events[events["source"] == "client"]
    return 1 - (client.groupby("segment").size() / server.groupby("segment").size()).fillna(0)


def _whole_log_dedupe(events):
    once = events.drop_duplicates("event_id")
    server = once[once["source"] == "server"]
    client = once[once["source"] == "client"]
    kept = client.groupby("segment").size().reindex(server["segment"].unique(), fill_value=0)
    return 1 - kept / server.groupby("segment").size()


def _mean_of_segments(counts, max_loss):
    loss = 1 - counts["client_count"] / counts["server_count"]
    average = loss.groupby(counts["event"]).mean()
    return sorted(average[average > max_loss].index)


def _percent_loss(counts, max_loss):
    loss = 100 * (1 - counts["client_count"] / counts["server_count"])
    worst = loss.groupby(counts["event"]).max()
    return sorted(worst[worst > max_loss].index)


def _kept_share(counts, max_loss):
    kept = counts["client_count"] / counts["server_count"]
    return sorted(set(counts.loc[kept > max_loss, "event"]))


def _matching_rows(counts, max_loss):
    loss = 1 - counts["client_count"] / counts["server_count"]
    return counts[loss > max_loss]  # the rows, not the names


def _every_segment(counts, max_loss):
    loss = 1 - counts["client_count"] / counts["server_count"]
    least = loss.groupby(counts["event"]).min()
    return sorted(least[least > max_loss].index)


def _pooled_worst(counts, max_loss):
    totals = counts.groupby("event")[["server_count", "client_count"]].sum()
    loss = 1 - totals["client_count"] / totals["server_count"]
    return sorted(loss[loss > max_loss].index)


@pytest.mark.parametrize(
    ("name", "function", "fragment"),
    [
        ("client_side_loss", lambda s, c: c / s, "share the client kept"),
        ("client_side_loss", lambda s, c: round(100 * (s - c) / s, 6), "percentage"),
        ("loss_by_segment", _no_dedupe, "server.drop_duplicates('event_id')"),
        # drop_duplicates() over all columns keeps a retry: its attempt differs.
        ("loss_by_segment", _all_columns_dedupe, "server.drop_duplicates('event_id')"),
        # drop_duplicates("event_id") over both sources removes the client's rows too.
        ("loss_by_segment", _whole_log_dedupe, "over both sources at once"),
        ("loss_by_segment", lambda e: 100 * loss_by_segment(e), "percentages"),
        ("loss_by_segment", _no_fill, "gives NaN"),
        ("loss_by_segment", lambda e: _no_fill(e).dropna(), "missing from your answer"),
        ("loss_by_segment", _matched_by_event_id, None),  # shared IDs make matching right
        ("events_per_step", lambda d: d.groupby("step").size(), "every delivery"),
        (
            "events_per_step",
            lambda d: d.drop_duplicates(["source", "event_id"]).groupby("step").size(),
            "arrived from both",
        ),
        (
            "events_per_step",
            lambda d: d[d.source == "server"].drop_duplicates("event_id").groupby("step").size(),
            "server's events only",
        ),
        (
            "events_per_step",
            lambda d: d.drop_duplicates("event_id").groupby("step")["user_id"].nunique(),
            "users, not events",
        ),
        ("events_to_move_server_side", _every_segment, "every segment"),
        ("events_to_move_server_side", _mean_of_segments, "averaged the segments"),
        ("events_to_move_server_side", _percent_loss, "in percent"),
        ("events_to_move_server_side", _kept_share, "share the client kept"),
        ("events_to_move_server_side", _matching_rows, "not a DataFrame"),
        (
            "ab_readout_error",
            lambda c, v, sc, sv: 100 * ((v * sv) / (c * sc) - v / c),
            "percentage",
        ),
        ("corrected_funnel", lambda c, s: (c / (1 - s)).sum(), "1 - survival"),
        ("corrected_funnel", lambda c, s: (c * (1 + (1 - s))).sum(), "1 + loss"),
        (
            "anonymous_ids",
            lambda days, cap: 1 + int(np.sum(np.diff(sorted(days)) >= cap - 1)) if days else 0,
            "cookie_cap_days - 1",
        ),
        ("ab_readout_error", lambda c, v, sc, sv: v / c - (v * sv) / (c * sc), "sign is flipped"),
        ("corrected_funnel", lambda c, s: (c * s).sum(), "multiplied"),
        ("corrected_funnel", lambda c, s: c.sum() / s.mean(), "average survival"),
        ("events_to_move_server_side", _pooled_worst, "worst segment"),
        ("ab_readout_error", lambda c, v, sc, sv: (v * sv) / (c * sc) - 1, "measured lift"),
        ("ab_readout_error", lambda c, v, sc, sv: (v * sc) / (c * sv) - v / c, "wrong way"),
        ("anonymous_ids", lambda days, cap: len(days), "number of visits"),
        (
            "anonymous_ids",
            lambda days, cap: 1 + int(np.sum(np.diff(days) >= cap)) if len(days) else 0,
            "sort the visit days",
        ),
        ("corrected_funnel", lambda c, s: (c / s).sum().round(), None),
        (
            "loss_by_segment",
            lambda e: loss_by_segment(e[(e.source == "client") | (e.attempt == 1)]),
            None,
        ),
        (
            "anonymous_ids",
            lambda days, cap: (
                1 + sum(b - a > cap for a, b in itertools.pairwise(sorted(days))) if days else 0
            ),
            "exactly cookie_cap_days",
        ),
    ],
)
def test_mistakes_written_as_a_learner_would_get_their_hint(name, function, fragment):
    line = printed(name, function)
    if fragment is None:  # a different but right way to answer
        assert line.startswith(f"Correct ({name}): "), line
        return
    assert line.startswith(f"Not quite ({name}): ")
    assert fragment in line


# --------------------------------------------------------------------------- answers of other kinds


def test_answers_may_be_a_dict_a_series_or_a_set():
    assert printed("corrected_funnel", lambda c, s: (c / s).sum()).startswith("Correct")
    assert printed(
        "events_to_move_server_side", lambda c, m: set(events_to_move_server_side(c, m))
    ).startswith("Correct")
    assert printed(
        "loss_by_segment", lambda events: loss_by_segment(events).to_dict()
    ).startswith("Correct")


# --------------------------------------------------------------------------- messages


def test_a_wrong_shape_of_answer_names_what_was_expected():
    line = printed("corrected_funnel", lambda c, s: (c / s).sum().to_numpy())
    assert line.startswith("Not quite (corrected_funnel): ")
    assert "numbers by label" in line


# --------------------------------------------------------------------------- the exercise notebook


def test_example_tables_are_what_the_exercise_shows():
    (example,) = check.EXAMPLES["loss_by_segment"]
    events = example.args[0]
    assert {"event_id", "user_id", "segment", "step", "source", "attempt"} <= set(events.columns)
    assert events["event_id"].duplicated().any()  # retries are in the example
    server_ids = set(events.loc[events["source"] == "server", "event_id"])
    # One event, one ID: the browser reports an event under the server's event_id.
    assert set(events.loc[events["source"] == "client", "event_id"]) <= server_ids
    (deliveries,) = check.EXAMPLES["events_per_step"][0].args
    both = deliveries.groupby("event_id")["source"].nunique()
    assert (both > 1).any()  # some events arrived from both sources
    assert deliveries.loc[deliveries["source"] == "server", "event_id"].duplicated().any()
    assert isinstance(check.EXAMPLES["corrected_funnel"][0].args[1], pd.DataFrame)


def test_a_function_changing_the_example_tables_cannot_spoil_its_check(capsys):
    # The sheet's cells in order: the example tables, the check, the `ready` cell running
    # the function on those tables, the check again. These functions are right but change
    # the tables they are given, in place.
    example_counts, example_survival = check.EXAMPLES["corrected_funnel"][0].args
    example_table, example_max_loss = check.EXAMPLES["events_to_move_server_side"][0].args

    def corrected_funnel(client_counts, survival):
        client_counts /= survival
        return client_counts.sum()

    def events_to_move(counts, max_loss):
        answer = events_to_move_server_side(counts, max_loss)
        del counts["client_count"]
        return answer

    events_to_move.__name__ = "events_to_move_server_side"
    for name, function, example in (
        ("corrected_funnel", corrected_funnel, (example_counts, example_survival)),
        ("events_to_move_server_side", events_to_move, (example_table, example_max_loss)),
    ):
        assert printed(name, function).startswith(f"Correct ({name})")
        if check.ready(function):
            function(*example)
        assert printed(name, function).startswith(f"Correct ({name})")
    assert capsys.readouterr().out == ""
    assert check.EXAMPLES["corrected_funnel"][0].args[0].equals(
        check.TASKS["corrected_funnel"].cases[0].args[0]
    )
    assert "client_count" in check.EXAMPLES["events_to_move_server_side"][0].args[0]


def test_ready_lets_a_cell_use_a_function_only_once_it_is_correct(capsys):
    assert check.ready(client_side_loss) is True
    assert capsys.readouterr().out == ""

    def client_side_loss_stub(server_count, client_count):
        raise NotImplementedError()

    client_side_loss_stub.__name__ = "client_side_loss"
    assert check.ready(client_side_loss_stub) is False
    assert capsys.readouterr().out == (
        "Skipped until client_side_loss is correct: see its check above, then run this cell "
        "again.\n"
    )
    for junk in (None, 42, "no_such_task", lambda: 1):
        assert check.ready(junk) is False
        assert capsys.readouterr().out.startswith("Skipped: this cell needs")


def test_ready_by_name_finds_the_function_or_skips_before_its_cell_ran(capsys):
    cell = 'result = check.ready("client_side_loss")'  # as a sheet's cell writes it
    notebook = {"check": check}
    exec(cell, notebook)  # before the function's cell has run
    assert notebook["result"] is False
    assert capsys.readouterr().out == (
        "Skipped until client_side_loss is written: run the cell that defines it and its check, "
        "then this cell again.\n"
    )
    notebook["client_side_loss"] = client_side_loss
    exec(cell, notebook)
    assert notebook["result"] is True
    assert capsys.readouterr().out == ""


class _NameRaises:
    def __getattr__(self, name):
        raise SystemExit("a name that ends the program")

    def __call__(self, *args):
        return 1


class _NameIsAList:
    __name__ = ["client_side_loss"]

    def __call__(self, *args):
        return 1


@pytest.mark.parametrize("answer", [_NameRaises(), _NameIsAList()], ids=["raises", "list"])
def test_ready_on_an_object_with_a_hostile_name_skips_with_one_line(answer, capsys):
    assert check.ready(answer) is False
    assert capsys.readouterr().out.startswith("Skipped: this cell needs")
