"""Lesson 05's data set: one week of funnel events, as the server and the browser saw them.

:func:`simulate_tracking_events` turns the named constants below into
``data/tracking_events.csv``: every event of one week of a developer-tools
product's sign-up funnel (visit, sign-up, activation, purchase), once as the
server logged it and once as a client-side tracker in the browser reported it.
Each event has one ``event_id``, made when it happens and carried by both
sources. The server honours consent: for a visitor who declined it, it logs
only the order (a purchase), which it needs to serve them. Its log holds
repeated deliveries (a retry re-sends an event with the same ``event_id``).
The browser's report misses the events of visitors who block trackers or
decline consent, and some events sent as a page unloads or over a bad
network. :data:`DATASET` registers the file, its columns
and its provenance; :func:`load_tracking_events` reads it back, checked.

Examples
--------
>>> events = simulate_tracking_events()
>>> sorted(events["source"].unique())
['client', 'server']
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pandas as pd

from infralab.datasets.core import Column, Dataset, load_course_or_own, typed_frame
from infralab.validation import check_count, check_seed

__all__ = [
    "DATASET",
    "TRACKING_EVENTS_SEED",
    "load_tracking_events",
    "simulate_tracking_events",
]

#: First day of the week of logs.
TRACKING_START_DATE = "2024-03-04"
#: Visitors that week (illustrative assumption).
VISITORS = 12_000
#: Funnel steps, in order; the events of the steps marked True are sent as the page
#: unloads (a form submit or a redirect to the payment page), when beacons get lost.
STEPS = ("visit", "sign_up", "activate", "purchase")
SENT_ON_UNLOAD = (False, True, False, True)
#: Steps the server records whatever the visitor's consent: the order itself. The
#: others are behavioural events, logged only for visitors who consented.
STRICTLY_NECESSARY = (False, False, False, True)

#: Per segment: share of visitors; tracker blocking; consent declined; network loss per
#: event; unload-beacon loss; and the three step-to-step conversion rates. They are the
#: values of lesson 05's model (``infralab.tracking.DEFAULT_SEGMENTS``, where each number's
#: source or "illustrative assumption" is given; a test keeps the two equal), so the week
#: of logs is a sample of the world the lesson models.
SEGMENTS = {
    #                                      share block consent network unload  step rates
    "Desktop Chrome": (0.28, 0.15, 0.10, 0.01, 0.05, (0.08, 0.50, 0.25)),
    "Desktop Firefox/Brave, developers": (0.08, 0.60, 0.30, 0.01, 0.05, (0.12, 0.65, 0.35)),
    "Desktop Safari": (0.12, 0.10, 0.10, 0.01, 0.10, (0.08, 0.50, 0.25)),
    "iPhone Safari": (0.22, 0.05, 0.10, 0.02, 0.15, (0.05, 0.40, 0.20)),
    "Android Chrome": (0.22, 0.01, 0.10, 0.02, 0.08, (0.05, 0.40, 0.20)),
    "In-app browsers / Samsung Internet": (0.08, 0.02, 0.15, 0.02, 0.45, (0.03, 0.30, 0.15)),
}
#: Chance that the server receives a delivery again (a retry after a timeout), per
#: attempt (illustrative assumption).
RETRY_PROBABILITY = 0.04
#: Chance that the server's log misses a behavioural event (a logging failure), so that
#: only the browser reported it (illustrative assumption). Orders are never missed: the
#: server writes them to serve the customer.
SERVER_LOSS = 0.005
#: Seed of the committed ``tracking_events.csv``.
TRACKING_EVENTS_SEED = 505
#: Most visitors one simulation accepts, to keep a laptop responsive (under 1 GB of memory).
_MAX_VISITORS = 500_000


def simulate_tracking_events(
    visitors: int = VISITORS, *, seed: int | np.random.Generator = TRACKING_EVENTS_SEED
) -> pd.DataFrame:
    """Simulate one week of funnel events as logged by the server and by the browser.

    Each visitor belongs to a segment (:data:`SEGMENTS`) and walks the funnel
    :data:`STEPS`, stopping at each step with the segment's conversion rate.
    Every step reached is one event with one ``event_id``. The server logs it
    if the visitor consented or the step is strictly necessary
    (:data:`STRICTLY_NECESSARY`), except a behavioural event its log misses
    (:data:`SERVER_LOSS`), and re-logs it with probability
    :data:`RETRY_PROBABILITY` per attempt under the same ``event_id``. The
    browser reports it, with the same ``event_id``, unless the visitor blocks
    trackers or declined consent (all of that visitor's events are then
    missing), the request fails on the network, or, for a step sent as the
    page unloads, the beacon is lost.

    Parameters
    ----------
    visitors : int
        Visitors in the week, 1 to 500,000 (about 1.5 KB of memory and 30
        microseconds each).
    seed : int or numpy.random.Generator
        Seed of the random draws.

    Returns
    -------
    pandas.DataFrame
        One row per delivery, columns as :data:`DATASET` documents: ``date``,
        ``event_id``, ``user_id``, ``segment``, ``step``, ``step_number``,
        ``source`` (``"server"`` or ``"client"``), ``consent`` (``"granted"``
        or ``"declined"``) and ``attempt``; sorted by date, source and user.

    Examples
    --------
    >>> events = simulate_tracking_events(200, seed=1)
    >>> server = events[events["source"] == "server"]
    >>> bool(server["event_id"].nunique() >= (events["source"] == "client").sum())
    True
    """
    visitors = check_count("visitors", visitors, high=_MAX_VISITORS)
    rng = check_seed("seed", seed)
    names = list(SEGMENTS)
    table = np.array([values[:5] for values in SEGMENTS.values()])
    share, blocking, consent_declined, network_loss, unload_loss = table.T
    step_rates = np.array([values[5] for values in SEGMENTS.values()])

    segment = rng.choice(len(names), size=visitors, p=share / share.sum())
    first_day = rng.integers(0, 7, size=visitors)
    go_on = rng.random((visitors, len(STEPS) - 1)) < step_rates[segment]
    reached = np.cumprod(np.column_stack([np.ones(visitors, bool), go_on]), axis=1).astype(bool)
    not_blocking = rng.random(visitors) >= blocking[segment]
    consented = rng.random(visitors) >= consent_declined[segment]
    browser_reports = not_blocking & consented

    user, step = np.nonzero(reached)  # one event per step reached, in user order
    day = np.minimum(first_day[user] + rng.integers(0, 2, size=user.size) * (step > 0), 6)
    arrives = browser_reports[user] & (rng.random(user.size) >= network_loss[segment[user]])
    on_unload = np.asarray(SENT_ON_UNLOAD)[step]
    arrives &= ~on_unload | (rng.random(user.size) >= unload_loss[segment[user]])

    attempts = rng.geometric(1 - RETRY_PROBABILITY, size=user.size)  # 1 = no retry
    necessary = np.asarray(STRICTLY_NECESSARY)[step]
    attempts[~(consented[user] | necessary)] = 0  # not logged

    def identifiers(count: int) -> np.ndarray:
        return np.char.mod("%016x", rng.integers(0, 2**63, size=count, dtype=np.int64))

    event_ids = identifiers(user.size)  # made once, when the event happens
    attempts[~necessary & (rng.random(user.size) < SERVER_LOSS)] = 0  # the log missed it
    server_rows = np.repeat(np.arange(user.size), attempts)
    attempt = np.arange(server_rows.size) - np.repeat(np.cumsum(attempts) - attempts, attempts) + 1
    client_rows = np.flatnonzero(arrives)
    rows = np.concatenate([server_rows, client_rows])
    frame = pd.DataFrame(
        {
            "date": pd.Timestamp(TRACKING_START_DATE) + pd.to_timedelta(day[rows], unit="D"),
            "event_id": event_ids[rows],
            "user_id": 100_001 + user[rows],
            "segment": np.asarray(names)[segment[user[rows]]],
            "step": np.asarray(STEPS)[step[rows]],
            "step_number": step[rows] + 1,
            "source": np.repeat(["server", "client"], [server_rows.size, client_rows.size]),
            "consent": np.where(consented[user[rows]], "granted", "declined"),
            "attempt": np.concatenate([attempt, np.ones(client_rows.size, int)]),
        }
    )
    frame = frame.sort_values(["date", "source", "user_id"], kind="stable", ignore_index=True)
    return typed_frame(frame, _COLUMNS)


_COLUMNS = (
    Column("date", "date", "calendar day", None, None, "Day the event was received."),
    Column(
        "event_id", "text", "identifier", None, None,
        "Idempotency key: 16 hex digits made once, when the event happened, and carried by "
        "both sources; a retried delivery repeats it.",
    ),
    Column("user_id", "int", "identifier", 1, None, "The visitor, as the server knows them."),
    Column(
        "segment", "text", "device, browser, audience", None, None,
        "Where the visitor came from.", allowed=tuple(SEGMENTS),
    ),
    Column("step", "text", "funnel step", None, None, "The funnel step.", allowed=STEPS),
    Column(
        "step_number", "int", "position in the funnel", 1, len(STEPS),
        "1 for visit, 2 for sign_up, 3 for activate, 4 for purchase.",
    ),
    Column(
        "source", "text", "pipeline", None, None,
        "Who recorded the event: the server's log or the browser's tracker.",
        allowed=("server", "client"),
    ),
    Column(
        "consent", "text", "consent banner", None, None,
        "Whether the visitor accepted analytics: the server logs a declining visitor's "
        "order only, the browser nothing.",
        allowed=("granted", "declined"),
    ),
    Column(
        "attempt", "int", "delivery number", 1, None,
        "1 for the first delivery; 2 or more for a retry of the same event_id.",
    ),
)

_DESCRIPTION = (
    f"One week ({TRACKING_START_DATE} and the six days after it) of sign-up funnel events "
    f"of a developer-tools product, {VISITORS:,} visitors: visit, sign_up, activate, "
    "purchase. Each event has one event_id in both sources; it appears once per delivery "
    "in the server's log (behavioural events of consenting visitors, and every order) and "
    "at most once in the browser tracker's report; a few events are in the browser's "
    "report only, because the server's log missed them. Lesson 05 measures from it whose events "
    "the browser loses, and de-duplicates retries and events sent by both sources in SQLite."
)

_PROVENANCE = (
    "Simulated, not measured. Cited: 1% tracker blocking on mobile Android, from one site's "
    "1% of mobile traffic blocked (2015, reported). Every other loss rate is an "
    "illustrative assumption, most of them bracketed by published figures "
    "(see lesson 05's sources): "
    "37% of unload beacons lost overall and about 3% on the latest Chrome for Mac "
    "(Volument, 2019); beacon losses concentrated in in-app browsers (Robert Sahlin, "
    "reported without a rate). Uncited and outside those figures: 60% tracker blocking "
    "among developers on desktop Firefox. Also illustrative: the consent, network and "
    "unload loss of each segment, the segment shares, the conversion rates, a "
    f"{RETRY_PROBABILITY:.0%} chance of each retry and a {SERVER_LOSS:.1%} chance that the "
    "server's log misses a behavioural event. "
    f"Generated with seed {TRACKING_EVENTS_SEED}."
)

#: The registry entry of ``data/tracking_events.csv``.
DATASET = Dataset(
    file_name="tracking_events.csv",
    description=_DESCRIPTION,
    provenance=_PROVENANCE,
    columns=_COLUMNS,
    generate=functools.partial(simulate_tracking_events, seed=TRACKING_EVENTS_SEED),
)


def load_tracking_events(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the week of funnel events: the course's file, or your own in the same format.

    Parameters
    ----------
    path : path-like, optional
        A CSV file with the columns of ``data/tracking_events.csv`` (see
        ``data/README.md``); the course's file by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``event_id``, ``user_id``, ``segment``, ``step``,
        ``step_number``, ``source``, ``consent`` and ``attempt``.

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If the file breaks the data dictionary; the message names the file,
        the line as an editor shows it (the header is line 1) and the column.

    Notes
    -----
    Loading the course's file checks it against ``data/MANIFEST.sha256``
    first; if it has changed, a note on standard error says once that the
    numbers will not match the lesson's text and how to get the file back.
    """
    return load_course_or_own(DATASET, path)
