"""The funnel simulation: which events happened, which the server and the client recorded.

For segment ``s`` and step ``k`` the share of real events the client-side
tracker records is (:func:`client_survival`)::

    survival[s, k] = (1 - tracker_blocking[s]) * (1 - consent_decline[s])
                     * (1 - network_loss[s]) * (1 - unload_loss[s] if step k fires on unload else 1)

and the expected client count is the number of users who really reached step
``k`` times that survival. Consent binds the server too
(:func:`server_survival`): it records a behavioural event only for users who
consented, ``1 - consent_decline[s]``, and a strictly necessary step (the
order) for everyone. The part of the client's loss that moving server-side
wins back is the ratio of the two::

    client / server = (1 - tracker_blocking) * (1 - network_loss) * (1 - unload_loss if on unload)
                      * (1 - consent_decline if the step is strictly necessary else 1)

and the consent share of behavioural events stays unrecorded by both.
Segments differ, so the loss is not a uniform
discount: developers on Firefox or Brave, who block heavily, nearly vanish
from client-side data while Android phones barely lose anything.
:func:`simulate_funnel` draws the same losses user by user and event by event;
:func:`funnel_counts` and :func:`conversion_rates` read the result out per
segment and source (what really happened, the server, the client).

Which losses bias a conversion rate (a ratio of event counts):

- **Blocking and consent cancel within a segment.** They remove a user with
  all of their events, so numerator and denominator shrink by the same factor
  ``(1 - tracker_blocking)(1 - consent_decline)``. Network loss, the same for
  every event, cancels too. Only sampling noise is left.
- **Unload loss does not cancel.** It hits only the steps that fire on unload.
  In the default funnel ``visit -> sign_up`` is measured ``(1 - unload_loss)``
  times too low (sign-up fires on unload, visit does not), ``sign_up ->
  activate`` ``1 / (1 - unload_loss)`` times too high, and ``visit ->
  purchase`` ``(1 - unload_loss)`` times too low.
- **The all-users rate is biased by the segment mix** even without unload
  loss: segments that block heavily (developers, who also convert best) shrink
  in both numerator and denominator, so the total is pulled towards the
  segments the tracker still sees.

Probabilities are fractions in [0, 1]; counts are numbers of users or events.

References
----------
None of its own: the default segments' numbers and their sources are in
:mod:`infralab.tracking.segments`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from infralab.validation import (
    check_choice,
    check_flag,
    check_integer,
    check_probability,
    check_seed,
    read_only,
    short_repr,
)

from .segments import (
    ALL_USERS,
    DEFAULT_SEGMENTS,
    DEFAULT_STEPS,
    Segment,
    Step,
    _check_segments,
    _check_steps,
)

__all__ = [
    "SOURCES",
    "FunnelSimulation",
    "client_survival",
    "conversion_rates",
    "funnel_counts",
    "segment_table",
    "server_survival",
    "simulate_funnel",
]

#: Where a count comes from: what really happened, the server's log, the client-side tracker.
SOURCES = ("actual", "server", "client")

#: Largest simulation accepted, to keep a laptop responsive (about 1 GB of memory at most).
_MAX_FUNNEL_USERS = 20_000_000


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` as floats, NaN where the denominator is 0 (no warning)."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    result = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=result, where=denominator != 0)
    return result


def _transition_labels(steps: tuple[Step, ...]) -> list[str]:
    """Column labels ``"visit -> sign_up"``, ..., then ``"visit -> purchase"`` (3+ steps)."""
    pairs = zip(steps[:-1], steps[1:], strict=True)
    labels = [f"{before.name} -> {after.name}" for before, after in pairs]
    if len(steps) > 2:
        labels.append(f"{steps[0].name} -> {steps[-1].name}")
    return labels


def segment_table(
    segments: Sequence[Segment] = DEFAULT_SEGMENTS, steps: Sequence[Step] = DEFAULT_STEPS
) -> pd.DataFrame:
    """The segments' parameters as a table for display, one row per segment.

    Parameters
    ----------
    segments : sequence of Segment
        Shares add up to 1, names unique.
    steps : sequence of Step
        The funnel, used to label the step rates.

    Returns
    -------
    pandas.DataFrame
        Index ``segment`` (the names). Columns ``device``, ``browser``,
        ``audience``, ``share of users``, ``blocks trackers``, ``declines
        consent``, ``network loss``, ``unload beacon loss`` (probabilities),
        one column per step-to-step rate (``"visit -> sign_up"``, ...) and, for
        three steps or more, the true first-to-last conversion
        (``"visit -> purchase"``).

    Examples
    --------
    >>> table = segment_table()
    >>> float(table["share of users"].sum())
    1.0
    >>> float(table.loc["Desktop Chrome", "visit -> purchase"])
    0.01
    """
    checked_steps = _check_steps(steps)
    checked = _check_segments(segments, checked_steps)
    labels = _transition_labels(checked_steps)
    rows = []
    for segment in checked:
        row = {
            "device": segment.device,
            "browser": segment.browser,
            "audience": segment.audience,
            "share of users": segment.share,
            "blocks trackers": segment.tracker_blocking,
            "declines consent": segment.consent_decline,
            "network loss": segment.network_loss,
            "unload beacon loss": segment.unload_loss,
        }
        row.update(zip(labels, segment.step_rates, strict=False))
        if len(checked_steps) > 2:
            row[labels[-1]] = round(segment.conversion, 12)
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index([s.name for s in checked], name="segment"))


def client_survival(
    segments: Sequence[Segment] = DEFAULT_SEGMENTS, steps: Sequence[Step] = DEFAULT_STEPS
) -> pd.DataFrame:
    """Probability that a real event reaches the client-side tracker, per segment and step.

    ``(1 - tracker_blocking) * (1 - consent_decline) * (1 - network_loss)``, times
    ``(1 - unload_loss)`` for steps that fire on unload. Multiply by the
    number of users who really reached a step to get the expected client count.

    Parameters
    ----------
    segments : sequence of Segment
        Shares add up to 1, names unique.
    steps : sequence of Step
        The funnel.

    Returns
    -------
    pandas.DataFrame
        Index ``segment`` (segment names), columns ``step`` (step names),
        values in [0, 1].

    Examples
    --------
    >>> survival = client_survival()
    >>> round(float(survival.loc["Android Chrome", "visit"]), 4)  # 0.99 * 0.90 * 0.98
    0.8732
    >>> round(float(survival.loc["Android Chrome", "purchase"]), 4)  # ... * 0.92
    0.8033
    """
    checked_steps = _check_steps(steps)
    checked = _check_segments(segments, checked_steps)

    # Per user (blocking, consent) and per event (network), for every step ...
    keeps_user = np.array([(1 - s.tracker_blocking) * (1 - s.consent_decline) for s in checked])
    network_ok = np.array([1 - s.network_loss for s in checked])
    # ... and the unload beacon, only for the steps that fire on unload.
    unload_ok = np.array([1 - s.unload_loss for s in checked])
    on_unload = np.array([step.fires_on_unload for step in checked_steps])
    per_event = np.where(on_unload[None, :], unload_ok[:, None], 1.0)
    survival = keeps_user[:, None] * network_ok[:, None] * per_event
    return pd.DataFrame(
        survival,
        index=pd.Index([s.name for s in checked], name="segment"),
        columns=pd.Index([step.name for step in checked_steps], name="step"),
    )


def server_survival(
    segments: Sequence[Segment] = DEFAULT_SEGMENTS, steps: Sequence[Step] = DEFAULT_STEPS
) -> pd.DataFrame:
    """Share of real events the server may record, per segment and step, when it honours consent.

    ``1 - consent_decline`` for a behavioural step, ``1`` for a strictly
    necessary one (the order). The server's rare technical losses are left out.

    Parameters
    ----------
    segments : sequence of Segment
        Shares add up to 1, names unique.
    steps : sequence of Step
        The funnel.

    Returns
    -------
    pandas.DataFrame
        Index ``segment``, columns ``step``, values in [0, 1]; same shape as
        :func:`client_survival`.

    Examples
    --------
    >>> server = server_survival()
    >>> float(server.loc["Desktop Firefox/Brave, developers", "visit"])  # 30% decline
    0.7
    >>> float(server.loc["Desktop Firefox/Brave, developers", "purchase"])  # the order
    1.0
    """
    checked_steps = _check_steps(steps)
    checked = _check_segments(segments, checked_steps)
    consents = np.array([1 - s.consent_decline for s in checked])
    necessary = np.array([step.strictly_necessary for step in checked_steps])
    survival = np.where(necessary[None, :], 1.0, consents[:, None])
    return pd.DataFrame(
        survival,
        index=pd.Index([s.name for s in checked], name="segment"),
        columns=pd.Index([step.name for step in checked_steps], name="step"),
    )


@dataclass(frozen=True, eq=False)
class FunnelSimulation:
    """Which events happened, and which of them the server and the client recorded.

    Attributes
    ----------
    segments : tuple of Segment
        The segments simulated.
    steps : tuple of Step
        The funnel.
    segment_of_user : ndarray of int, shape (n_users,)
        Index into ``segments`` for each user.
    reached : ndarray of bool, shape (n_users, n_steps)
        True where the user really reached the step (the event happened).
    server_seen : ndarray of bool, shape (n_users, n_steps)
        True where the server recorded the event.
    client_seen : ndarray of bool, shape (n_users, n_steps)
        True where the client-side tracker recorded the event.
    consented : ndarray of bool, shape (n_users,), optional
        True for users who accepted the consent banner (default: everyone).

    Every ``server_seen`` or ``client_seen`` event is also ``reached``. The
    arrays are read-only.

    Examples
    --------
    >>> simulation = simulate_funnel(1_000, seed=0)
    >>> simulation.n_users, simulation.step_names
    (1000, ('visit', 'sign_up', 'activate', 'purchase'))
    >>> simulation.seen_by("client") is simulation.client_seen
    True
    """

    segments: tuple[Segment, ...]
    steps: tuple[Step, ...]
    segment_of_user: np.ndarray
    reached: np.ndarray
    server_seen: np.ndarray
    client_seen: np.ndarray
    consented: np.ndarray | None = None

    def __post_init__(self) -> None:
        steps = _check_steps(self.steps)
        segments = _check_segments(self.segments, steps)
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "segments", segments)
        users = np.asarray(self.segment_of_user)
        object.__setattr__(self, "segment_of_user", users)
        if users.ndim != 1 or users.dtype.kind not in "iu":
            raise TypeError("segment_of_user must be a one-dimensional array of whole numbers")
        if users.size and (users.min() < 0 or users.max() >= len(segments)):
            raise ValueError(f"segment_of_user must lie in [0, {len(segments) - 1}]")
        for field in ("reached", "server_seen", "client_seen"):
            matrix = np.asarray(getattr(self, field))
            object.__setattr__(self, field, matrix)
            if matrix.dtype != bool:
                raise TypeError(f"{field} must be an array of booleans, got {matrix.dtype}")
            if matrix.shape != (users.size, len(steps)):
                raise ValueError(
                    f"{field} must have shape {(users.size, len(steps))} (users x steps), "
                    f"got {matrix.shape}"
                )
        consented = np.ones(users.size, dtype=bool) if self.consented is None else self.consented
        consented = np.asarray(consented)
        if consented.dtype != bool or consented.shape != (users.size,):
            raise ValueError(
                f"consented must be {users.size} booleans (one per user), "
                f"got {consented.dtype} of shape {consented.shape}"
            )
        object.__setattr__(self, "consented", consented)

    @property
    def n_users(self) -> int:
        """Number of simulated users."""
        return int(self.segment_of_user.shape[0])

    @property
    def segment_names(self) -> tuple[str, ...]:
        """Names of the segments, in order."""
        return tuple(segment.name for segment in self.segments)

    @property
    def step_names(self) -> tuple[str, ...]:
        """Names of the steps, in order."""
        return tuple(step.name for step in self.steps)

    def seen_by(self, source: str) -> np.ndarray:
        """The (n_users, n_steps) events ``"actual"``, ``"server"`` or ``"client"`` recorded."""
        check_choice("source", source, SOURCES)
        return {"actual": self.reached, "server": self.server_seen, "client": self.client_seen}[
            source
        ]


def simulate_funnel(
    n_users: int,
    *,
    segments: Sequence[Segment] = DEFAULT_SEGMENTS,
    steps: Sequence[Step] = DEFAULT_STEPS,
    server_loss: float = 0.001,
    seed: object,
) -> FunnelSimulation:
    """Send users through the funnel and record each event on the server and the client.

    Each user draws a segment (by ``share``), then moves from step ``k`` to
    ``k + 1`` with that segment's ``step_rates[k]`` (and stops at the first
    step not taken). The server records each real event unless it is lost
    with probability ``server_loss``, and honours consent: for a user who
    declined it, only the strictly necessary steps (the order). The
    client-side tracker records it only
    if the user neither blocks trackers nor declines consent (two draws per
    user, kept for all their events), the event survives the network (one
    draw per event) and, for steps that fire on unload, the unload beacon
    arrives (one draw per such event).

    Random numbers are drawn as 32-bit floats and compared in bulk with the
    probabilities, so a probability is honoured to within about 1e-7.

    Parameters
    ----------
    n_users : int
        Users who arrive at the first step (1 to 20,000,000).
    segments : sequence of Segment
        Shares add up to 1, names unique, one step rate per step after the first.
    steps : sequence of Step
        The funnel.
    server_loss : float
        Probability that the server misses one event (default 0.001, an
        illustrative assumption for a crashed worker or a dropped log line).
    seed : int or numpy.random.Generator
        Seed or generator; the same seed gives the same simulation.

    Returns
    -------
    FunnelSimulation

    Examples
    --------
    >>> simulation = simulate_funnel(100_000, seed=1)
    >>> simulation.reached.shape
    (100000, 4)
    >>> bool((simulation.client_seen <= simulation.reached).all())
    True
    """
    count = check_integer("n_users", n_users, low=1, high=_MAX_FUNNEL_USERS)
    checked_steps = _check_steps(steps)
    checked = _check_segments(segments, checked_steps)
    server_miss = check_probability("server_loss", server_loss)
    generator = check_seed("seed", seed)
    n_steps = len(checked_steps)

    # Segment of each user: a uniform number placed among the cumulative shares.
    cumulative = np.cumsum([segment.share for segment in checked])
    cumulative[-1] = 1.0
    uniform = generator.random(count, dtype=np.float32)
    segment_of_user = np.zeros(count, dtype=np.int32)
    for boundary in cumulative[:-1]:  # a few passes beat a binary search per user
        segment_of_user += uniform >= boundary

    # The real funnel: a user continues while each step's draw is below its rate.
    step_rates = np.array([s.step_rates for s in checked], dtype=np.float32)
    step_rates = step_rates.reshape(len(checked), n_steps - 1)
    draws = generator.random((count, n_steps - 1), dtype=np.float32)
    continues = draws < step_rates[segment_of_user]
    reached = np.ones((count, n_steps), dtype=bool)
    for step in range(1, n_steps):  # reached a step: reached the one before, and went on
        np.logical_and(reached[:, step - 1], continues[:, step - 1], out=reached[:, step])

    # Server: each event is lost with a small probability (consent is applied below).
    server_ok = generator.random((count, n_steps), dtype=np.float32) >= np.float32(server_miss)

    # Client: per-user blocking and consent, per-event network and unload losses.
    blocking = np.array([s.tracker_blocking for s in checked], dtype=np.float32)
    declining = np.array([s.consent_decline for s in checked], dtype=np.float32)
    network = np.array([s.network_loss for s in checked], dtype=np.float32)
    unload = np.array([s.unload_loss for s in checked], dtype=np.float32)
    user_draws = generator.random((2, count), dtype=np.float32)
    consented = user_draws[1] >= declining[segment_of_user]
    tracked = (user_draws[0] >= blocking[segment_of_user]) & consented
    # The server honours consent too: a declining user's behavioural events are not
    # recorded, only the strictly necessary steps (the order).
    necessary = np.array([step.strictly_necessary for step in checked_steps])
    server_seen = reached & server_ok & (consented[:, None] | necessary[None, :])
    network_ok = (
        generator.random((count, n_steps), dtype=np.float32) >= network[segment_of_user][:, None]
    )
    client_seen = reached & tracked[:, None] & network_ok
    unload_columns = np.flatnonzero([step.fires_on_unload for step in checked_steps])
    if unload_columns.size:
        beacon_ok = (
            generator.random((count, unload_columns.size), dtype=np.float32)
            >= unload[segment_of_user][:, None]
        )
        client_seen[:, unload_columns] &= beacon_ok

    return FunnelSimulation(
        segments=checked,
        steps=checked_steps,
        segment_of_user=read_only(segment_of_user),
        reached=read_only(reached),
        server_seen=read_only(server_seen),
        client_seen=read_only(client_seen),
        consented=read_only(consented),
    )


def _check_simulation(simulation: object) -> FunnelSimulation:
    """``simulation``, refused unless it is a :class:`FunnelSimulation`."""
    if not isinstance(simulation, FunnelSimulation):
        raise TypeError(
            "simulation must be a FunnelSimulation (from simulate_funnel), "
            f"got {short_repr(simulation)}"
        )
    return simulation


def _counts_by_segment(simulation: FunnelSimulation, seen: np.ndarray) -> np.ndarray:
    """``(n_segments + 1, n_steps)`` event counts: one row per segment, then the total."""
    n_segments, n_steps = len(simulation.segments), len(simulation.steps)
    segment_of_user = simulation.segment_of_user
    counts = np.empty((n_segments, n_steps), dtype=np.int64)
    for step in range(n_steps):  # one pass per step: the segments of the users seen there
        counts[:, step] = np.bincount(segment_of_user[seen[:, step]], minlength=n_segments)
    return np.vstack([counts, counts.sum(axis=0, keepdims=True)])


def funnel_counts(simulation: FunnelSimulation) -> pd.DataFrame:
    """Events per segment and step: what happened, what the server saw, what the client saw.

    The table is *long* (tidy): one row per (segment, step), the segments in
    their order and then an ``"All users"`` total for each step. Filter the
    total out before summing over segments
    (``counts[counts["segment"] != ALL_USERS]``); pick a step for a bar chart
    (``counts[counts["step"] == "purchase"].plot.bar(x="segment", y="client_loss")``);
    pivot for a wide view (``counts.pivot(index="segment", columns="step", values="client")``).

    Parameters
    ----------
    simulation : FunnelSimulation
        From :func:`simulate_funnel`.

    Returns
    -------
    pandas.DataFrame
        Columns ``segment`` (str), ``step`` (str), ``step_number`` (int, 1 for
        the first step), ``actual``, ``server``, ``client`` (event counts, int)
        and ``server_loss``, ``client_loss``: the fraction of the real events
        each source missed, ``1 - source / actual`` (NaN where no event
        happened).

    Examples
    --------
    >>> counts = funnel_counts(simulate_funnel(200_000, seed=3))
    >>> total_purchases = counts[(counts["segment"] == ALL_USERS) & (counts["step"] == "purchase")]
    >>> 0.3 < float(total_purchases["client_loss"].iloc[0]) < 0.5
    True
    """
    checked = _check_simulation(simulation)
    names = [*checked.segment_names, ALL_USERS]
    n_steps = len(checked.steps)
    actual = _counts_by_segment(checked, checked.reached).ravel()
    server = _counts_by_segment(checked, checked.server_seen).ravel()
    client = _counts_by_segment(checked, checked.client_seen).ravel()
    return pd.DataFrame(
        {
            "segment": pd.array(np.repeat(names, n_steps), dtype="str"),
            "step": pd.array(np.tile(checked.step_names, len(names)), dtype="str"),
            "step_number": np.tile(np.arange(1, n_steps + 1, dtype=np.int64), len(names)),
            "actual": actual,
            "server": server,
            "client": client,
            "server_loss": 1.0 - _ratio(server, actual),
            "client_loss": 1.0 - _ratio(client, actual),
        }
    )


def conversion_rates(
    simulation: FunnelSimulation, source: str, *, consented_only: bool = False
) -> pd.DataFrame:
    """Step-to-step and first-to-last conversion as one source measures it.

    A conversion is a ratio of event counts: of the ``sign_up`` events the
    source recorded, how many ``activate`` events did it record. Per segment,
    and for all users together. Within a segment, blocking, consent and
    network loss cancel; unload loss does not, and the all-users rate is also
    biased by the segment mix (see the module docstring).

    Parameters
    ----------
    simulation : FunnelSimulation
        From :func:`simulate_funnel`.
    source : {"actual", "server", "client"}
        Count what really happened, what the server saw, or what the client saw.
    consented_only : bool
        Count only users who accepted consent (default False). The server
        records the orders of everyone but the visits of consenting users
        only, so its rates are like-for-like only with ``True``.

    Returns
    -------
    pandas.DataFrame
        Index ``segment`` (segment names, then ``"All users"``); one column
        per step-to-step conversion (``"visit -> sign_up"``, ...) and, for
        three steps or more, ``"visit -> purchase"`` (first to last step).
        Fractions; NaN where the source saw no event at the earlier step.

    Examples
    --------
    >>> simulation = simulate_funnel(300_000, seed=2)
    >>> actual = conversion_rates(simulation, "actual")
    >>> client = conversion_rates(simulation, "client")
    >>> round(float(actual.loc["Desktop Chrome", "visit -> purchase"]), 3)
    0.01
    >>> overall = "visit -> purchase"
    >>> bool(client.loc[ALL_USERS, overall] < 0.85 * actual.loc[ALL_USERS, overall])
    True
    """
    checked = _check_simulation(simulation)
    seen = checked.seen_by(source)
    if check_flag("consented_only", consented_only):
        seen = seen & checked.consented[:, None]
    counts = _counts_by_segment(checked, seen)
    rates = _ratio(counts[:, 1:], counts[:, :-1])
    if len(checked.steps) > 2:
        rates = np.hstack([rates, _ratio(counts[:, -1:], counts[:, :1])])
    return pd.DataFrame(
        rates,
        index=pd.Index([*checked.segment_names, ALL_USERS], name="segment"),
        columns=_transition_labels(checked.steps),
    )
