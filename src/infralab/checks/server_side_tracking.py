"""Self-checks for the exercises of lesson 05, server-side tracking.

Each function below checks one exercise task. A check cell reads::

    from infralab.checks import server_side_tracking as check
    check.client_side_loss(client_side_loss)

It runs your function on several inputs, some of them hidden from the
notebook, and prints one line: correct, not attempted yet, a hint for a common
mistake, or one input where your answer differs from the expected one.

The expected answers are worked out here, independently of the course's own
:mod:`infralab.tracking`, from the definition of each task:

==========================  ==========================================================
task (in the sheet's order) expected answer
==========================  ==========================================================
client_side_loss            ``1 - client_count / server_count``
ab_readout_error            measured lift minus true lift, where a lift is
                            ``variant / control - 1`` and a measured rate is the true
                            rate times its arm's survival
loss_by_segment             per segment: ``1 - client events / distinct server
                            event_ids`` (server retries repeat an event_id; a segment
                            the client never reports lost everything)
events_per_step             per step: the number of distinct ``event_id`` values over
                            both sources (retries and an event both sources sent
                            count once)
corrected_funnel            per step: ``sum over segments of client / survival``
events_to_move_server_side  the events whose client-side loss in *any* segment is
                            greater than ``max_loss``
anonymous_ids               ``0`` with no visits, else ``1 +`` the number of gaps of at
                            least ``cookie_cap_days`` between consecutive visits
==========================  ==========================================================

``TASKS`` maps each task name to its :class:`~infralab.checks.core.Task`
(cases, mistakes, comparison); ``EXAMPLES`` maps it to the cases that are not
hidden.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from infralab.checks.core import (
    Case,
    Mistake,
    Number,
    NumberMap,
    Task,
    TextSet,
    ready_for,
    with_check_sections,
)

__all__ = [
    "EXAMPLES",
    "TASKS",
    "ab_readout_error",
    "anonymous_ids",
    "client_side_loss",
    "corrected_funnel",
    "events_per_step",
    "events_to_move_server_side",
    "loss_by_segment",
    "ready",
]

# --------------------------------------------------------------------------- 1. loss


def _loss(server_count, client_count):
    return 1 - client_count / server_count


CLIENT_SIDE_LOSS = Task(
    name="client_side_loss",
    parameters=("server_count", "client_count"),
    summary="The fraction of the server's events that client-side tracking missed.",
    compare=Number(rel_tol=1e-6, abs_tol=1e-9),
    cases=(
        Case.from_reference(_loss, 10_000, 6_800),
        Case.from_reference(_loss, 5_130_741, 3_217_740, hidden=True),
        Case.from_reference(_loss, 4_300, 70, hidden=True),
        Case.from_reference(_loss, 250, 250, hidden=True),
    ),
    mistakes=(
        Mistake(
            "you returned the share the client kept (client / server). The loss is the "
            "share it missed: 1 - client_count / server_count.",
            lambda server_count, client_count: client_count / server_count,
        ),
        Mistake(
            "you returned a percentage. Return a fraction between 0 and 1 (0.32, not 32).",
            lambda server_count, client_count: 100 * (1 - client_count / server_count),
        ),
        Mistake(
            "you divided by the client count. The server count is the truth to compare "
            "against: (server - client) / server.",
            lambda server_count, client_count: (server_count - client_count) / client_count,
        ),
    ),
)

# --------------------------------------------------------------------------- 2. by segment


def _events(counts: dict[str, tuple[int, int, int]], seed: int) -> pd.DataFrame:
    """An event log: per segment (server events, client events, server retries)."""
    rng = np.random.default_rng(seed)
    frames = []
    next_user = 1
    for segment, (server, client, retries) in counts.items():
        ids = [f"{segment[:3].lower()}-{number:05d}" for number in range(server)]
        users = next_user + rng.integers(0, max(server // 3, 1), size=server)
        next_user = int(users.max()) + 1
        steps = rng.choice(["visit", "sign_up", "activate", "purchase"], size=server)
        server_rows = pd.DataFrame(
            {"event_id": ids, "user_id": users, "segment": segment, "step": steps}
        )
        repeated = server_rows.iloc[rng.choice(server, size=retries, replace=True)]
        seen = server_rows.iloc[np.sort(rng.choice(server, size=client, replace=False))]
        frames += [
            pd.concat([server_rows.assign(attempt=1), repeated.assign(attempt=2)]),
            # One event, one ID: the browser reports it under the server's event_id.
            seen.assign(attempt=1, source="client"),
        ]
        frames[-2]["source"] = "server"
    table = pd.concat(frames, ignore_index=True)
    order = rng.permutation(len(table))
    return table.iloc[order].reset_index(drop=True)


def _by_segment(
    events, *, unique="server", kept_share=False, users=False, percent=False, silent="fill"
):
    """The loss per segment, or a mistaken variant of it.

    ``unique`` says how retries are removed: ``"server"`` (one row per event_id among
    the server's rows: right), ``"none"``, ``"rows"`` (``drop_duplicates()`` over all
    columns, which keeps a retry because its ``attempt`` differs) or ``"log"``
    (``drop_duplicates("event_id")`` over both sources, which also removes the client
    rows that share an ID with a server row). ``silent`` says what becomes of a
    segment the client never reports: ``"fill"`` (the right loss of 1), ``"nan"`` (a
    division left undone) or ``"drop"``.
    """
    if unique == "log":
        events = events.drop_duplicates("event_id")
    server = events[events["source"] == "server"]
    if unique == "server":
        server = server.drop_duplicates("event_id")
    elif unique == "rows":
        server = server.drop_duplicates()
    client = events[events["source"] == "client"]
    if users:
        server_counts = server.groupby("segment")["user_id"].nunique()
        client_counts = client.groupby("segment")["user_id"].nunique()
    else:
        server_counts = server.groupby("segment").size()
        client_counts = client.groupby("segment").size()
    client_counts = client_counts.reindex(server_counts.index)
    share = client_counts.fillna(0) / server_counts
    answer = share if kept_share else 1 - share
    if percent:
        answer = 100 * answer
    if silent == "nan":
        return answer.mask(client_counts.isna())
    if silent == "drop":
        return answer[client_counts.notna()]
    return answer


def _by_segment_mistakes(hint, **mistake):
    """One hint for a mistake, whatever the learner did with a segment the client never reports."""
    return tuple(
        Mistake(hint, functools.partial(_by_segment, silent=silent, **mistake))
        for silent in ("fill", "nan", "drop")
    )


_THREE_SEGMENTS = {"Desktop": (120, 70, 15), "Mobile": (200, 180, 30), "In-app": (60, 33, 9)}
_WITH_A_VANISHING_SEGMENT = {
    "Developers": (300, 45, 40),
    "Android": (900, 810, 60),
    "iPhone": (500, 420, 25),
    "Desktop Safari": (150, 120, 0),
}
_WITH_A_SILENT_SEGMENT = {
    "Desktop": (200, 150, 10),
    "In-app": (40, 0, 6),  # the client never reports this segment: a loss of 1
    "Mobile": (300, 270, 12),
}

LOSS_BY_SEGMENT = Task(
    name="loss_by_segment",
    parameters=("events",),
    summary="Per segment, the share of distinct server events the client never sent.",
    compare=NumberMap(rel_tol=1e-6, abs_tol=1e-9),
    cases=(
        Case.from_reference(
            _by_segment, _events(_THREE_SEGMENTS, 5), label="the example event log"
        ),
        Case.from_reference(
            _by_segment,
            _events(_WITH_A_VANISHING_SEGMENT, 6),
            label="a log where developers lose most of their events",
            hidden=True,
        ),
        Case.from_reference(
            _by_segment,
            _events({"Only segment": (40, 40, 12)}, 7),
            label="a log with one segment and no loss",
            hidden=True,
        ),
        Case.from_reference(
            _by_segment,
            _events(_WITH_A_SILENT_SEGMENT, 8),
            label="a log with a segment the client never reports",
            hidden=True,
        ),
    ),
    mistakes=(
        *(
            mistake
            for unique in ("none", "rows")
            for mistake in _by_segment_mistakes(
                "count each server event once: a retried delivery repeats its event_id "
                "(its attempt differs, so drop_duplicates() over all columns keeps it). "
                "Among the server's rows only, keep one per event_id "
                "(server.drop_duplicates('event_id')).",
                unique=unique,
            )
        ),
        *_by_segment_mistakes(
            "you dropped duplicate event_ids over both sources at once, which also removes "
            "the client's rows: the browser reports an event under the server's event_id. "
            "Split by source first, then drop duplicates among the server's rows only.",
            unique="log",
        ),
        *_by_segment_mistakes(
            "you returned the share the client kept. The loss is 1 minus that share.",
            kept_share=True,
        ),
        *_by_segment_mistakes(
            "you returned the kept share and counted retries twice: drop duplicate "
            "event_ids among the server's rows, then return 1 - client / server.",
            unique="none",
            kept_share=True,
        ),
        *_by_segment_mistakes(
            "you counted users, not events. Count rows (distinct event_ids) per segment.",
            users=True,
        ),
        *_by_segment_mistakes(
            "you returned percentages. Return fractions between 0 and 1 (0.45, not 45).",
            percent=True,
        ),
        Mistake(
            "a segment the client never reports has no client rows, so its division gives "
            "NaN: its loss is 1 (everything lost). Fill the missing client counts with 0 "
            "before dividing (.reindex(..., fill_value=0) or .fillna(0)).",
            functools.partial(_by_segment, silent="nan"),
        ),
        Mistake(
            "a segment the client never reports is missing from your answer. Start from "
            "the server's segments: its loss is 1 (everything lost).",
            functools.partial(_by_segment, silent="drop"),
        ),
    ),
)

# --------------------------------------------------------------------------- 4. count events once


def _deliveries(
    seed: int, events: int, *, client_share=0.7, server_lost=0.05, retry=0.2, repeat_buyers=0
):
    """What a collector receives from both sources: retries, and events sent by both.

    Each event has one ID. The server logs it unless lost (``server_lost``), with
    retries (``retry``); the browser reports ``client_share`` of them under the same
    ID. ``repeat_buyers`` users buy twice (two purchase events of one user).
    """
    rng = np.random.default_rng(seed)
    steps = rng.choice(
        ["visit", "sign_up", "activate", "purchase"], size=events, p=[0.55, 0.25, 0.12, 0.08]
    )
    users = rng.integers(1, max(events // 2, 2), size=events)
    table = pd.DataFrame(
        {"event_id": [f"e{seed}-{n:04d}" for n in range(events)], "user_id": users, "step": steps}
    )
    if repeat_buyers:
        buyers = table[table["step"] == "purchase"].head(repeat_buyers)
        again = buyers.assign(event_id=[f"{i}-again" for i in buyers["event_id"]])
        table = pd.concat([table, again], ignore_index=True)
    logged = table[rng.random(len(table)) >= server_lost]
    retried = logged[rng.random(len(logged)) < retry]
    browser = table[rng.random(len(table)) < client_share]
    rows = pd.concat(
        [
            logged.assign(source="server", attempt=1),
            retried.assign(source="server", attempt=2),
            browser.assign(source="client", attempt=1),
        ],
        ignore_index=True,
    )
    return rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)


def _per_step(deliveries, *, unique=("event_id",), users=False, sources=("server", "client")):
    rows = deliveries[deliveries["source"].isin(sources)].drop_duplicates(list(unique))
    if users:
        return rows.groupby("step")["user_id"].nunique()
    return rows.groupby("step").size()


def _per_step_reference(deliveries):
    return _per_step(deliveries)


EVENTS_PER_STEP = Task(
    name="events_per_step",
    parameters=("deliveries",),
    summary="Per funnel step, the number of distinct events over both sources: a retry, "
    "or an event both the server and the browser sent, counts once.",
    compare=NumberMap(rel_tol=0, abs_tol=1e-9),
    cases=(
        Case.from_reference(
            _per_step_reference, _deliveries(1, 40), label="the example deliveries"
        ),
        Case.from_reference(
            _per_step_reference,
            _deliveries(2, 300, repeat_buyers=5),
            label="deliveries where some users buy twice",
            hidden=True,
        ),
        Case.from_reference(
            _per_step_reference,
            _deliveries(3, 60, client_share=0.0, server_lost=0.0, retry=0.5),
            label="server deliveries only, many retries",
            hidden=True,
        ),
        Case.from_reference(
            _per_step_reference,
            _deliveries(4, 1, client_share=1.0, server_lost=0.0, retry=0.0),
            label="one event, sent by both sources",
            hidden=True,
        ),
    ),
    mistakes=(
        Mistake(
            "you counted every delivery. A retried delivery repeats its event_id, and so "
            "does an event both sources sent: count distinct event_ids per step.",
            lambda deliveries: _per_step(deliveries, unique=deliveries.columns),
        ),
        Mistake(
            "you removed the retries within each source, but an event that arrived from "
            "both the server and the browser still counts twice: drop duplicate event_ids "
            "over both sources together.",
            lambda deliveries: _per_step(deliveries, unique=("source", "event_id")),
        ),
        Mistake(
            "you counted the server's events only. The browser also sent some events the "
            "server lost; with one event_id per event, keep both sources and de-duplicate.",
            lambda deliveries: _per_step(deliveries, sources=("server",)),
        ),
        Mistake(
            "you counted users, not events: a user can reach a step twice (two orders). "
            "Count distinct event_ids.",
            lambda deliveries: _per_step(deliveries, users=True),
        ),
    ),
)

# --------------------------------------------------------------------------- 3. correct a funnel

_STEPS = ["visit", "sign_up", "activate", "purchase"]


def _table(rows: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=_STEPS)


def _corrected(client_counts, survival):
    return (client_counts / survival).sum()


def _pooled(client_counts, survival):
    return client_counts.sum() / survival.mean()


_CLIENT_COUNTS = _table(
    {
        "Desktop Chrome": [4_000, 480, 230, 46],
        "Developers": [700, 130, 75, 19],
        "Android Chrome": [8_000, 760, 300, 50],
    }
)
_SURVIVAL = _table(
    {
        "Desktop Chrome": [0.78, 0.74, 0.78, 0.74],
        "Developers": [0.30, 0.28, 0.30, 0.28],
        "Android Chrome": [0.95, 0.81, 0.95, 0.81],
    }
)

CORRECTED_FUNNEL = Task(
    name="corrected_funnel",
    parameters=("client_counts", "survival"),
    summary="Estimated true count per step: each segment's client count divided by its "
    "survival (the share of its events that reach analytics: 1 - loss, measured on a "
    "week when both sources ran), then summed over segments (rounding to whole events "
    "is fine).",
    compare=NumberMap(rel_tol=5e-3),
    cases=(
        Case.from_reference(
            _corrected, _CLIENT_COUNTS, _SURVIVAL, label="the example tables of three segments"
        ),
        Case.from_reference(
            _corrected,
            _table({"Desktop": [1_000, 100, 50, 10], "Mobile": [3_000, 150, 60, 9]}),
            _table({"Desktop": [0.5, 0.5, 0.5, 0.5], "Mobile": [0.9, 0.6, 0.9, 0.6]}),
            label="two segments with different survival",
            hidden=True,
        ),
        Case.from_reference(
            _corrected,
            _table({"Everyone": [500, 50, 20, 5]}),
            _table({"Everyone": [1.0, 1.0, 1.0, 1.0]}),
            label="one segment that loses nothing",
            hidden=True,
        ),
        Case.from_reference(
            _corrected,
            _table({"Desktop": [800, 90, 40, 0], "In-app": [500, 20, 5, 0]}),
            _table({"Desktop": [0.8, 0.75, 0.8, 0.75], "In-app": [0.95, 0.5, 0.95, 0.5]}),
            label="a week with no purchase reported",
            hidden=True,
        ),
    ),
    mistakes=(
        Mistake(
            "you multiplied by the survival. The client saw only `survival` of the "
            "events, so the true count is client / survival (bigger, not smaller).",
            lambda client_counts, survival: (client_counts * survival).sum(),
        ),
        Mistake(
            "you corrected the totals with an average survival. Segments lose very "
            "different shares: divide each segment's counts by its own survival first, "
            "then add the segments up.",
            _pooled,
        ),
        Mistake(
            "you returned the client counts unchanged (summed per step). Divide each "
            "segment's counts by its survival before adding them up.",
            lambda client_counts, survival: client_counts.sum(),
        ),
        Mistake(
            "you divided by 1 - survival, the share lost. Divide by the survival itself, "
            "the share the client kept: client / survival.",
            lambda client_counts, survival: (client_counts / (1 - survival)).sum(),
        ),
        Mistake(
            "you scaled the counts up by the loss (client * (1 + loss)). That undercounts: "
            "a segment that keeps 30% had 1 / 0.3 times as many, so divide by the survival.",
            lambda client_counts, survival: (client_counts * (2 - survival)).sum(),
        ),
    ),
)

# --------------------------------------------------------------------------- 4. decide


def _counts_table(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["event", "segment", "server_count", "client_count"])


def _to_move(
    counts,
    max_loss,
    *,
    pooled=False,
    inclusive=False,
    every_segment=False,
    mean=False,
    percent=False,
    kept=False,
):
    if pooled:
        counts = counts.groupby("event", as_index=False)[["server_count", "client_count"]].sum()
    loss = 1 - counts["client_count"] / counts["server_count"]
    if kept:  # compared the share the client kept instead of the loss
        loss = 1 - loss
    if percent:  # a loss in percent against a fractional max_loss
        loss = 100 * loss
    if mean:  # the unweighted mean of the segments' losses decides
        averages = loss.groupby(counts["event"]).mean()
        return sorted(averages[averages > max_loss].index)
    over = loss >= max_loss if inclusive else loss > max_loss
    if every_segment:  # the least-lossy segment decides
        return sorted(name for name, flags in over.groupby(counts["event"]) if flags.all())
    return sorted(set(counts.loc[over, "event"]))


@dataclass(frozen=True)
class _EventNames(TextSet):
    """A collection of event names; a DataFrame (whose iteration gives its columns) is refused."""

    describe: ClassVar[str] = "a list of event names (not a DataFrame of rows)"

    def accepts(self, got: object) -> bool:
        return not isinstance(got, pd.DataFrame) and super().accepts(got)


def _to_keep(counts, max_loss):
    moved = set(_to_move(counts, max_loss))
    return sorted(set(counts["event"]) - moved)


_EVENT_COUNTS = _counts_table(
    [
        ("page_view", "Android Chrome", 90_000, 88_200),
        ("page_view", "Developers", 6_000, 2_400),
        ("sign_up", "Android Chrome", 4_000, 3_240),
        ("sign_up", "Developers", 900, 252),
        ("search", "Android Chrome", 50_000, 48_500),
        ("search", "Developers", 3_000, 2_850),
        ("purchase", "Android Chrome", 600, 486),
        ("purchase", "Developers", 200, 56),
    ]
)

EVENTS_TO_MOVE = Task(
    name="events_to_move_server_side",
    parameters=("counts", "max_loss"),
    summary="The events whose client-side loss in any segment is greater than max_loss.",
    compare=_EventNames(),
    cases=(
        Case.from_reference(_to_move, _EVENT_COUNTS, 0.10, label="the example table, 10%"),
        Case.from_reference(
            _to_move, _EVENT_COUNTS, 0.65, label="the example table, 65%", hidden=True
        ),
        Case.from_reference(
            _to_move,
            _counts_table(
                [
                    ("checkout", "Desktop", 200, 150),
                    ("checkout", "Mobile", 800, 780),
                    ("search", "Desktop", 1_000, 990),
                    ("search", "Mobile", 4_000, 2_800),
                ]
            ),
            0.25,
            label="a table where checkout loses exactly 25% on desktop, max_loss 25%",
            hidden=True,
        ),
        Case.from_reference(
            _to_move,
            _counts_table([("login", "All", 100, 99), ("logout", "All", 100, 98)]),
            0.05,
            label="a table where nothing needs to move",
            hidden=True,
        ),
        Case.from_reference(
            _to_move,
            _counts_table(
                [
                    ("page_view", "Mobile", 10_000, 7_000),
                    ("page_view", "Desktop", 100, 95),
                    ("checkout", "Mobile", 500, 480),
                    ("checkout", "Desktop", 50, 30),
                ]
            ),
            0.25,
            label="a table where a big segment and a small one disagree, max_loss 25%",
            hidden=True,
        ),
        Case.from_reference(
            _to_move,
            _counts_table(
                [
                    ("sign_up", "Desktop", 100, 50),
                    ("sign_up", "Mobile", 1_000, 900),
                    ("search", "Desktop", 100, 60),
                    ("search", "Mobile", 1_000, 1_000),
                    ("login", "Desktop", 100, 100),
                    ("login", "Mobile", 500, 500),
                ]
            ),
            0.25,
            label="a table where the average of the segments' losses misleads, max_loss 25%",
            hidden=True,
        ),
    ),
    mistakes=(
        Mistake(
            "you judged each event by its loss over all segments together. A small "
            "segment can lose most of its events while the total looks fine: take the "
            "worst segment of each event.",
            lambda counts, max_loss: _to_move(counts, max_loss, pooled=True),
        ),
        Mistake(
            "a loss exactly equal to max_loss is within the tolerance: move an event only "
            "when a loss is greater than max_loss.",
            lambda counts, max_loss: _to_move(counts, max_loss, inclusive=True),
        ),
        Mistake(
            "you averaged the segments' losses. The average hides a segment that loses "
            "most of its events: take the worst (largest) loss of each event, with .max().",
            lambda counts, max_loss: _to_move(counts, max_loss, mean=True),
        ),
        Mistake(
            "you compared a loss in percent with max_loss, which is a fraction (0.10 means "
            "10%): keep the loss as a fraction, 1 - client_count / server_count.",
            lambda counts, max_loss: _to_move(counts, max_loss, percent=True),
        ),
        Mistake(
            "you compared the share the client kept (client / server) with max_loss. "
            "Compare the loss, 1 - client_count / server_count.",
            lambda counts, max_loss: _to_move(counts, max_loss, kept=True),
        ),
        Mistake(
            "you compared the share the client kept (client / server) with max_loss. "
            "Compare the loss, 1 - client_count / server_count.",
            lambda counts, max_loss: _to_move(counts, max_loss, kept=True, every_segment=True),
        ),
        Mistake(
            "you moved an event only when every segment loses more than max_loss. One "
            "segment over the line is enough: take the worst (largest) loss of each event, "
            "with .max(), not .min().",
            lambda counts, max_loss: _to_move(counts, max_loss, every_segment=True),
        ),
        Mistake(
            "you returned the events that can stay client-side. Return the ones to move.",
            _to_keep,
        ),
    ),
)

# --------------------------------------------------------------------------- 5. A/B readout


def _readout_error(control_rate, variant_rate, survival_control, survival_variant):
    true_lift = variant_rate / control_rate - 1
    measured_lift = (variant_rate * survival_variant) / (control_rate * survival_control) - 1
    return measured_lift - true_lift


def _measured_lift(control_rate, variant_rate, survival_control, survival_variant):
    return (variant_rate * survival_variant) / (control_rate * survival_control) - 1


def _point_difference(control_rate, variant_rate, survival_control, survival_variant):
    measured = variant_rate * survival_variant - control_rate * survival_control
    return measured - (variant_rate - control_rate)


AB_READOUT_ERROR = Task(
    name="ab_readout_error",
    parameters=("control_rate", "variant_rate", "survival_control", "survival_variant"),
    summary="Measured relative lift minus true relative lift when each arm keeps a "
    "different share of its purchase events.",
    compare=Number(rel_tol=1e-6, abs_tol=1e-9),
    cases=(
        Case.from_reference(_readout_error, 0.040, 0.044, 0.95, 0.70),
        Case.from_reference(_readout_error, 0.020, 0.020, 0.90, 0.60, hidden=True),
        Case.from_reference(_readout_error, 0.050, 0.045, 0.70, 0.95, hidden=True),
        Case.from_reference(_readout_error, 0.031, 0.034, 0.80, 0.80, hidden=True),
    ),
    mistakes=(
        Mistake(
            "you returned the measured lift. The task asks for its error: measured lift "
            "minus the true lift (variant_rate / control_rate - 1).",
            _measured_lift,
        ),
        Mistake(
            "you compared differences in percentage points. A lift is relative: "
            "variant / control - 1, for both the measured and the true rates.",
            _point_difference,
        ),
        Mistake(
            "you returned a percentage. Return a fraction (-0.289, not -28.9).",
            lambda control_rate, variant_rate, survival_control, survival_variant: 100
            * _readout_error(control_rate, variant_rate, survival_control, survival_variant),
        ),
        Mistake(
            "the sign is flipped: return the measured lift minus the true lift (negative "
            "when the client-side readout understates the variant), not true minus measured.",
            lambda control_rate, variant_rate, survival_control, survival_variant: (
                -(_readout_error(control_rate, variant_rate, survival_control, survival_variant))
            ),
        ),
        Mistake(
            "the survivals are the wrong way round (or you divided by them): the measured "
            "variant rate is variant_rate * survival_variant.",
            lambda control_rate, variant_rate, survival_control, survival_variant: _readout_error(
                control_rate, variant_rate, survival_variant, survival_control
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- 6. identity


def _ids(visit_days, cookie_cap_days, *, strict=False, first=True, early=False):
    days = sorted(visit_days)
    if not days:
        return 0
    gaps = np.diff(days)
    if early:  # a gap one day shorter than the cap counted as expired
        new = int(np.sum(gaps >= cookie_cap_days - 1))
    elif strict:
        new = int(np.sum(gaps > cookie_cap_days))
    else:
        new = int(np.sum(gaps >= cookie_cap_days))
    return new + 1 if first else new


def _ids_without_renewal(visit_days, cookie_cap_days):
    """IDs when the cookie expires cookie_cap_days after it was first set."""
    count, started = 0, None
    for day in sorted(visit_days):
        if started is None or day - started >= cookie_cap_days:
            count, started = count + 1, day
    return count


def _ids_unsorted(visit_days, cookie_cap_days):
    days = list(visit_days)
    if not days:
        return 0
    return 1 + sum(b - a >= cookie_cap_days for a, b in zip(days, days[1:], strict=False))


ANONYMOUS_IDS = Task(
    name="anonymous_ids",
    parameters=("visit_days", "cookie_cap_days"),
    summary="How many anonymous IDs one person gets when the tracker's cookie lives "
    "cookie_cap_days after each visit.",
    compare=Number(rel_tol=0, abs_tol=1e-9),
    cases=(
        Case.from_reference(_ids, [0, 2, 5, 15, 16, 30], 7),
        Case.from_reference(_ids, [0, 7, 14, 21], 7, hidden=True),
        Case.from_reference(_ids, list(range(10)), 7, hidden=True),
        Case.from_reference(_ids, [], 7, hidden=True),
        Case.from_reference(_ids, [10, 1, 40, 45, 90], 30, hidden=True),
        # Unsorted, and gaps of 6 days (within a 7-day cap) before one of 18.
        Case.from_reference(_ids, [6, 0, 12, 30], 7, hidden=True),
    ),
    mistakes=(
        Mistake(
            "sort the visit days first (sorted(visit_days)): they do not always come in order.",
            lambda visit_days, cookie_cap_days: _ids_unsorted(visit_days, cookie_cap_days),
        ),
        Mistake(
            "a gap of exactly cookie_cap_days is already too long: the cookie expired at "
            "the end of that many days, so count gaps >= cookie_cap_days.",
            lambda visit_days, cookie_cap_days: _ids(visit_days, cookie_cap_days, strict=True),
        ),
        Mistake(
            "a gap of cookie_cap_days - 1 days is still within the cap: the ID survives a "
            "gap shorter than cookie_cap_days, so count only gaps >= cookie_cap_days.",
            lambda visit_days, cookie_cap_days: _ids(visit_days, cookie_cap_days, early=True),
        ),
        Mistake(
            "you counted the expiries but not the first ID: a person with any visit has "
            "at least one anonymous ID (1 + the long gaps).",
            lambda visit_days, cookie_cap_days: _ids(visit_days, cookie_cap_days, first=False),
        ),
        Mistake(
            "the cookie is renewed at every visit: measure each gap from the previous visit, "
            "not from the first one.",
            lambda visit_days, cookie_cap_days: _ids_without_renewal(visit_days, cookie_cap_days),
        ),
        Mistake(
            "you returned the number of visits. Several visits share one ID while the "
            "gaps between them stay shorter than the cap.",
            lambda visit_days, cookie_cap_days: len(visit_days),
        ),
    ),
)

# --------------------------------------------------------------------------- the checks

TASKS = {
    task.name: task
    for task in (  # the sheet's order, by difficulty
        CLIENT_SIDE_LOSS,
        AB_READOUT_ERROR,
        LOSS_BY_SEGMENT,
        EVENTS_PER_STEP,
        CORRECTED_FUNNEL,
        EVENTS_TO_MOVE,
        ANONYMOUS_IDS,
    )
}
EXAMPLES = {name: task.examples for name, task in TASKS.items()}


def ready(function: object) -> bool:
    """Whether your function passes its task's check (e.g. ``check.ready("loss_by_segment")``).

    See :func:`infralab.checks.tasks.ready_for`.
    """
    return ready_for(TASKS, function)


@with_check_sections
def client_side_loss(function: object = None) -> None:
    """Check ``client_side_loss(server_count, client_count)``.

    The answer is ``1 - client_count / server_count`` (a fraction). Four cases,
    three hidden, including the Volument beacon figures and no loss at all.
    Recognises: the kept share, a percentage, dividing by the client count.

    Examples
    --------
    >>> client_side_loss(lambda server_count, client_count: 1 - client_count / server_count)
    Correct (client_side_loss): right on all 4 test cases (3 of them hidden).
    """
    CLIENT_SIDE_LOSS.check(function)


@with_check_sections
def loss_by_segment(function: object = None) -> None:
    """Check ``loss_by_segment(events)``.

    ``events`` has columns ``event_id``, ``user_id``, ``segment``, ``step`` and
    ``source`` (``"server"`` or ``"client"``); a retried server delivery repeats
    its ``event_id``, and the browser reports an event under the same
    ``event_id``. The answer is a Series (or dict) by segment of
    ``1 - client events / distinct server events`` (1 for a segment the client
    never reports). Four cases, three hidden. Recognises: retries counted twice,
    the kept share, users counted instead of events, percentages, a silent
    segment left NaN or dropped.
    """
    LOSS_BY_SEGMENT.check(function)


@with_check_sections
def events_per_step(function: object = None) -> None:
    """Check ``events_per_step(deliveries)``.

    ``deliveries`` has columns ``event_id``, ``user_id``, ``step``, ``source``
    (``"server"`` or ``"client"``) and ``attempt``: what a collector receives
    from both sources, retries included. Each event has one ``event_id`` in
    both sources. The answer is a Series (or dict) by step of the number of
    distinct ``event_id`` values. Four cases, three hidden. Recognises: every
    delivery counted, de-duplicating within each source only, the server's
    events only, users counted instead of events.

    Examples
    --------
    >>> events_per_step(lambda d: d.drop_duplicates("event_id").groupby("step").size())
    Correct (events_per_step): right on all 4 test cases (3 of them hidden).
    """
    EVENTS_PER_STEP.check(function)


@with_check_sections
def corrected_funnel(function: object = None) -> None:
    """Check ``corrected_funnel(client_counts, survival)``.

    Both arguments are tables with one row per segment and one column per
    funnel step. The answer is a Series (or dict) by step: the sum over
    segments of ``client_counts / survival``. Three cases, two hidden.
    Recognises: multiplying by the survival, one average survival for all
    segments, no correction.
    """
    CORRECTED_FUNNEL.check(function)


@with_check_sections
def events_to_move_server_side(function: object = None) -> None:
    """Check ``events_to_move_server_side(counts, max_loss)``.

    ``counts`` has columns ``event``, ``segment``, ``server_count`` and
    ``client_count``. The answer is the names of the events whose loss
    ``1 - client / server`` is greater than ``max_loss`` in at least one segment,
    in any order. Five cases, four hidden. Recognises: judging the pooled loss
    over all segments, ``>=`` instead of ``>``, requiring every segment to be
    over the line, returning the events to keep.
    """
    EVENTS_TO_MOVE.check(function)


@with_check_sections
def ab_readout_error(function: object = None) -> None:
    """Check ``ab_readout_error(control_rate, variant_rate, survival_control, survival_variant)``.

    The answer is the measured lift minus the true lift, with
    ``lift = variant / control - 1`` and each measured rate the true rate times
    its arm's survival. Four cases, three hidden. Recognises: the measured lift
    itself, percentage-point differences, a flipped sign, swapped survivals,
    dividing by the survival.

    Examples
    --------
    >>> ab_readout_error(lambda c, v, sc, sv: (v * sv) / (c * sc) - v / c)
    Correct (ab_readout_error): right on all 4 test cases (3 of them hidden).
    """
    AB_READOUT_ERROR.check(function)


@with_check_sections
def anonymous_ids(function: object = None) -> None:
    """Check ``anonymous_ids(visit_days, cookie_cap_days)``.

    ``visit_days`` is a list of day numbers (not always sorted; possibly
    empty). The answer is 0 with no visits, else 1 plus the number of gaps of
    at least ``cookie_cap_days`` between consecutive visit days. Six cases, five
    hidden. Recognises: unsorted days, ``>`` instead of ``>=``, a forgotten
    first ID, a cookie that is not renewed at each visit, the number of visits.
    """
    ANONYMOUS_IDS.check(function)
