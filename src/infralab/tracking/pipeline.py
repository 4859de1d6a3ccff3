"""A small server-side pipeline: event log, retried deliveries, idempotent storage in SQLite.

The server writes each event once to its log with an ``event_id``, an
*idempotency key* (:func:`event_log`). Senders retry when an acknowledgement
is lost, so the collector receives some events twice or more
(:func:`deliver_with_retries`). The store keeps each ``event_id`` once, so
storing is idempotent: a retry, or a whole batch replayed, adds nothing
(:func:`store_events`). Each row keeps the user's ``consent`` too: the server
logs a declining user's order, which it needs to serve them, but analytics may
use only consenting users' events. :data:`FUNNEL_SQL` then counts events and
distinct users per segment and step over consenting users; :data:`ORDERS_SQL`
counts every order, for the books; :func:`funnel_from_events` is the funnel's
pandas twin, and the two agree row for row.

Counts are numbers of events or users; probabilities are fractions in [0, 1].

References
----------
SQLite documentation, *UPSERT* (https://www.sqlite.org/lang_upsert.html):
``INSERT ... ON CONFLICT (column) DO NOTHING`` skips a row whose key is already
stored, and only such a row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from infralab.validation import (
    check_choice,
    check_flag,
    check_integer,
    check_number,
    check_seed,
    short_repr,
)

from .funnel import SOURCES, FunnelSimulation, _check_simulation

__all__ = [
    "CREATE_EVENTS_SQL",
    "EVENT_COLUMNS",
    "FUNNEL_SQL",
    "INSERT_EVENT_SQL",
    "ORDERS_SQL",
    "STORED_COLUMNS",
    "StoreResult",
    "deliver_with_retries",
    "event_log",
    "funnel_from_events",
    "funnel_from_sql",
    "store_events",
]

#: The highest retry probability :func:`deliver_with_retries` takes: on average 99 extra
#: copies of each event, so the table it returns stays bounded.
_MAX_RETRY = 0.99
#: The columns of an event log (:func:`event_log`).
EVENT_COLUMNS = ("event_id", "user_id", "segment", "step", "step_number", "consent", "day")
#: The columns :func:`store_events` needs (any others, such as ``day``, are not stored).
STORED_COLUMNS = ("event_id", "user_id", "segment", "step", "step_number", "consent")
#: The values of the ``consent`` column.
_CONSENT_VALUES = ("granted", "declined")

_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _random_event_ids(count: int, generator: np.random.Generator) -> np.ndarray:
    """``count`` distinct random 16-hex-digit strings (64 random bits each)."""
    largest = np.iinfo(np.uint64).max
    values = generator.integers(0, largest, size=count, dtype=np.uint64, endpoint=True)
    while True:
        ordered = np.sort(values)
        if not (ordered[1:] == ordered[:-1]).any():  # almost always: 64 random bits rarely collide
            break
        _, first = np.unique(values, return_index=True)
        repeated = np.ones(count, dtype=bool)
        repeated[first] = False
        values[repeated] = generator.integers(
            0, largest, size=int(repeated.sum()), dtype=np.uint64, endpoint=True
        )
    octets = values.astype(">u8").view(np.uint8).reshape(count, 8)
    characters = np.empty((count, 16), dtype=np.uint8)
    characters[:, 0::2] = _HEX_DIGITS[octets >> 4]
    characters[:, 1::2] = _HEX_DIGITS[octets & 15]
    return characters.view("S16").ravel().astype("U16")


def event_log(
    simulation: FunnelSimulation, *, source: str = "server", days: int = 28, seed: object
) -> pd.DataFrame:
    """The events one source recorded, as rows of an event log.

    Every real event gets an ``event_id`` (its idempotency key) drawn from
    the seed; the log then keeps the events ``source`` saw. With the same
    seed, an event seen by both server and client carries the same ID.

    Parameters
    ----------
    simulation : FunnelSimulation
        From :func:`~infralab.tracking.simulate_funnel`.
    source : {"server", "client", "actual"}
        Whose log (default the server's).
    days : int
        Users arrive in user-ID order, evenly over this many days (>= 1); all
        of a user's events fall on their arrival day.
    seed : int or numpy.random.Generator
        Seed or generator for the event IDs.

    Returns
    -------
    pandas.DataFrame
        Columns ``event_id`` (str, 16 hex digits, unique), ``user_id`` (int,
        the user's row in the simulation), ``segment`` (str), ``step`` (str),
        ``step_number`` (int, 1 for the first step), ``consent`` (str,
        ``"granted"`` or ``"declined"``: the user's answer to the consent
        banner), ``day`` (int, from 0); sorted by user, then step.

    Examples
    --------
    >>> from infralab.tracking import simulate_funnel
    >>> simulation = simulate_funnel(1_000, seed=0)
    >>> log = event_log(simulation, seed=0)
    >>> len(log) == int(simulation.server_seen.sum()), log["event_id"].is_unique
    (True, True)
    """
    checked = _check_simulation(simulation)
    check_choice("source", source, SOURCES)
    n_days = check_integer("days", days, low=1)
    generator = check_seed("seed", seed)

    users, steps = np.nonzero(checked.reached)  # row-major: by user, then step
    event_ids = _random_event_ids(users.size, generator)
    kept = checked.seen_by(source)[users, steps]
    users, steps, event_ids = users[kept], steps[kept], event_ids[kept]
    segment_names = np.array(checked.segment_names)
    step_names = np.array(checked.step_names)
    user_ids = users.astype(np.int64)
    return pd.DataFrame(
        {
            "event_id": pd.array(event_ids, dtype="str"),
            "user_id": user_ids,
            "segment": pd.array(segment_names[checked.segment_of_user[users]], dtype="str"),
            "step": pd.array(step_names[steps], dtype="str"),
            "step_number": steps.astype(np.int64) + 1,
            "consent": pd.array(
                np.where(checked.consented[users], "granted", "declined"), dtype="str"
            ),
            "day": user_ids * n_days // checked.n_users,
        }
    )


def _check_events(events: object, columns: Sequence[str]) -> pd.DataFrame:
    """``events``, refused unless it is a DataFrame with ``columns`` and text event IDs."""
    if not isinstance(events, pd.DataFrame):
        raise TypeError(
            f"events must be a pandas DataFrame (from event_log), got {short_repr(events)}"
        )
    missing = [column for column in columns if column not in events.columns]
    if missing:
        raise ValueError(f"events is missing the column(s) {', '.join(map(repr, missing))}")
    if "event_id" in columns:
        ids = events["event_id"]
        if ids.isna().any() or not pd.api.types.is_string_dtype(ids):
            raise ValueError("events event_id must be text in every row (an idempotency key)")
    if "consent" in columns and not events["consent"].isin(_CONSENT_VALUES).all():
        raise ValueError("events consent must be 'granted' or 'declined' in every row")
    return events


def deliver_with_retries(
    events: pd.DataFrame, *, retry_probability: float, seed: object
) -> pd.DataFrame:
    """The events as a collector receives them when senders retry: some arrive twice or more.

    Each event is delivered once; after each delivery it is sent again with
    probability ``retry_probability`` (a lost acknowledgement, a timeout), so
    the number of extra copies is geometric: ``k`` extra copies with
    probability ``retry_probability**k * (1 - retry_probability)``, on
    average ``retry_probability / (1 - retry_probability)``. Copies keep the
    event's ``event_id``; the order of arrival is shuffled.

    Parameters
    ----------
    events : pandas.DataFrame
        An event log with an ``event_id`` column (from :func:`event_log`).
    retry_probability : float
        Probability of one more delivery after each delivery, from 0 to 0.99.
    seed : int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    pandas.DataFrame
        The columns of ``events`` plus ``attempt`` (int: 1 for the first
        delivery of an event, 2 for its first retry, ...), in arrival order
        with a fresh index.

    Examples
    --------
    >>> from infralab.tracking import simulate_funnel
    >>> log = event_log(simulate_funnel(2_000, seed=0), seed=0)
    >>> delivered = deliver_with_retries(log, retry_probability=0.2, seed=0)
    >>> len(delivered) > len(log), delivered["event_id"].nunique() == len(log)
    (True, True)
    """
    frame = _check_events(events, ("event_id",))
    # at most 0.99: a hundred deliveries of an event on average, and a bounded table
    retry = check_number("retry_probability", retry_probability, low=0.0, high=_MAX_RETRY)
    generator = check_seed("seed", seed)

    copies = generator.geometric(1.0 - retry, size=len(frame)).astype(np.int64)
    row = np.repeat(np.arange(len(frame)), copies)
    first_copy = np.repeat(np.cumsum(copies) - copies, copies)
    attempt = np.arange(row.size, dtype=np.int64) - first_copy + 1
    order = generator.permutation(row.size)
    delivered = frame.iloc[row[order]].reset_index(drop=True)
    delivered["attempt"] = attempt[order]
    return delivered


@dataclass(frozen=True)
class StoreResult:
    """What one call of :func:`store_events` did, counted in the database.

    Attributes
    ----------
    received : int
        Rows handed to the store.
    stored : int
        New rows in the table.
    duplicates_ignored : int
        Rows whose ``event_id`` was already stored (or repeated in this batch).

    Examples
    --------
    >>> StoreResult(received=5, stored=4, duplicates_ignored=1)
    StoreResult(received=5, stored=4, duplicates_ignored=1)
    """

    received: int
    stored: int
    duplicates_ignored: int


#: The table :func:`store_events` writes to: ``event_id``, the idempotency key, is its
#: primary key.
CREATE_EVENTS_SQL = """
CREATE TABLE IF NOT EXISTS events (
    event_id    TEXT PRIMARY KEY NOT NULL,  -- idempotency key: a retry cannot add a row
    user_id     INTEGER NOT NULL,
    segment     TEXT NOT NULL,
    step        TEXT NOT NULL,
    step_number INTEGER NOT NULL,
    consent     TEXT NOT NULL CHECK (consent IN ('granted', 'declined'))
)
"""

#: How :func:`store_events` inserts a row: a row whose ``event_id`` is stored already is
#: skipped, whether it is a retry or the same event arriving from another source.
INSERT_EVENT_SQL = (
    "INSERT INTO events (event_id, user_id, segment, step, step_number, consent) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING"
)


def _check_connection(connection: object) -> sqlite3.Connection:
    """``connection``, refused unless it is a :class:`sqlite3.Connection`."""
    if not isinstance(connection, sqlite3.Connection):
        raise TypeError(
            "connection must be a sqlite3.Connection (from sqlite3.connect), "
            f"got {short_repr(connection)}"
        )
    return connection


def _rows_in_events(connection: sqlite3.Connection) -> int:
    """Rows in the ``events`` table."""
    return int(connection.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def store_events(connection: sqlite3.Connection, events: pd.DataFrame) -> StoreResult:
    """Write events to SQLite once each, however often they were delivered.

    Creates the ``events`` table if it is missing, with ``event_id`` as its
    primary key, and inserts every row with ``ON CONFLICT (event_id) DO
    NOTHING``: a row whose ``event_id`` is already stored is skipped, so storing
    the same events twice changes nothing. Only a repeated key is skipped
    (unlike ``INSERT OR IGNORE``, which would also silently drop a row that
    breaks another constraint). The counts come from the table itself (rows
    before and after), in one transaction.

    Parameters
    ----------
    connection : sqlite3.Connection
        An open database, e.g. ``sqlite3.connect(":memory:")``.
    events : pandas.DataFrame
        Rows with the columns :data:`STORED_COLUMNS`: ``event_id``,
        ``user_id``, ``segment``, ``step``, ``step_number`` and ``consent``
        (``"granted"`` or ``"declined"``; from
        :func:`event_log`, :func:`deliver_with_retries` or the course's
        ``tracking_events`` data set; other columns such as ``day`` or
        ``attempt`` are not stored).

    Returns
    -------
    StoreResult

    Examples
    --------
    >>> import sqlite3
    >>> from infralab.tracking import simulate_funnel
    >>> log = event_log(simulate_funnel(2_000, seed=0), seed=0)
    >>> delivered = deliver_with_retries(log, retry_probability=0.2, seed=0)
    >>> connection = sqlite3.connect(":memory:")
    >>> result = store_events(connection, delivered)
    >>> result.stored == len(log), result.received - result.stored == result.duplicates_ignored
    (True, True)
    >>> store_events(connection, log).stored
    0
    >>> connection.close()
    """
    database = _check_connection(connection)
    frame = _check_events(events, STORED_COLUMNS)

    rows = zip(
        frame["event_id"].tolist(),
        frame["user_id"].astype(np.int64).tolist(),
        frame["segment"].astype(str).tolist(),
        frame["step"].astype(str).tolist(),
        frame["step_number"].astype(np.int64).tolist(),
        frame["consent"].astype(str).tolist(),
        strict=True,
    )
    with database:
        database.execute(CREATE_EVENTS_SQL)
        before = _rows_in_events(database)
        database.executemany(INSERT_EVENT_SQL, rows)
        after = _rows_in_events(database)
    stored = after - before
    return StoreResult(received=len(frame), stored=stored, duplicates_ignored=len(frame) - stored)


#: The analytics funnel in SQL: events and distinct users per segment and step, over
#: consenting users only (a declining user's order is stored to serve them, not analysed).
FUNNEL_SQL = """
SELECT
    segment,
    step_number,
    step,
    COUNT(*)                AS events,
    COUNT(DISTINCT user_id) AS users
FROM events
WHERE consent = 'granted'
GROUP BY segment, step_number, step
ORDER BY segment, step_number
"""

#: Every stored order, whatever the consent: the count the business books, not analysed.
ORDERS_SQL = "SELECT COUNT(*) AS orders FROM events WHERE step = 'purchase'"

_FUNNEL_COLUMNS = ("segment", "step_number", "step", "events", "users")


def _funnel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """One shape and one set of dtypes for the funnel, from SQL or from pandas."""
    return pd.DataFrame(
        {
            "segment": pd.array(frame["segment"].tolist(), dtype="str"),
            "step_number": np.asarray(frame["step_number"].tolist(), dtype=np.int64),
            "step": pd.array(frame["step"].tolist(), dtype="str"),
            "events": np.asarray(frame["events"].tolist(), dtype=np.int64),
            "users": np.asarray(frame["users"].tolist(), dtype=np.int64),
        }
    )


def funnel_from_sql(connection: sqlite3.Connection) -> pd.DataFrame:
    """Run :data:`FUNNEL_SQL` on the stored events.

    Parameters
    ----------
    connection : sqlite3.Connection
        A database written by :func:`store_events`.

    Returns
    -------
    pandas.DataFrame
        Columns ``segment`` (str), ``step_number`` (int), ``step`` (str),
        ``events`` and ``users`` (int: stored events and distinct users), one
        row per segment and step that has events, sorted by segment, then step
        number. Same shape and dtypes as :func:`funnel_from_events`.

    Raises
    ------
    ValueError
        If the database has no ``events`` table yet.

    Examples
    --------
    >>> import sqlite3
    >>> from infralab.tracking import simulate_funnel
    >>> log = event_log(simulate_funnel(2_000, seed=0), seed=0)
    >>> connection = sqlite3.connect(":memory:")
    >>> _ = store_events(connection, log)
    >>> funnel_from_sql(connection).equals(funnel_from_events(log))
    True
    >>> connection.close()
    """
    database = _check_connection(connection)
    table = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'"
    ).fetchone()
    if table is None:
        raise ValueError("connection has no events table yet; store events with store_events first")

    rows = database.execute(FUNNEL_SQL).fetchall()
    return _funnel_frame(pd.DataFrame.from_records(rows, columns=list(_FUNNEL_COLUMNS)))


def funnel_from_events(events: pd.DataFrame, *, deduplicate: bool = True) -> pd.DataFrame:
    """The pandas twin of :data:`FUNNEL_SQL`: events and distinct users per segment and step.

    Like the SQL, it counts consenting users' events only.

    Parameters
    ----------
    events : pandas.DataFrame
        An event log (from :func:`event_log` or :func:`deliver_with_retries`).
    deduplicate : bool
        Keep one row per ``event_id`` first, as the database's primary key
        does (default). ``False`` counts every delivery, to show what retries
        do to a naive count of events.

    Returns
    -------
    pandas.DataFrame
        Same columns, dtypes and order as :func:`funnel_from_sql`.

    Examples
    --------
    >>> from infralab.tracking import simulate_funnel
    >>> log = event_log(simulate_funnel(2_000, seed=0), seed=0)
    >>> delivered = deliver_with_retries(log, retry_probability=0.3, seed=0)
    >>> funnel_from_events(delivered).equals(funnel_from_events(log))
    True
    >>> bool((funnel_from_events(delivered, deduplicate=False)["events"]
    ...       >= funnel_from_events(log)["events"]).all())
    True
    """
    frame = _check_events(events, STORED_COLUMNS)
    if check_flag("deduplicate", deduplicate):
        frame = frame.drop_duplicates("event_id")
    frame = frame[frame["consent"] == "granted"]  # analytics: consenting users only

    keys = ["segment", "step_number", "step"]
    grouped = frame.groupby(keys, sort=False)["user_id"]
    funnel = pd.concat(
        [grouped.size().rename("events"), grouped.nunique().rename("users")], axis=1
    ).reset_index()
    funnel = funnel.sort_values(["segment", "step_number"], kind="stable")
    return _funnel_frame(funnel.reindex(columns=list(_FUNNEL_COLUMNS)))
