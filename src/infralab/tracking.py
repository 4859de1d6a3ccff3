"""Client-side versus server-side event tracking: what the tracker never sees.

Users walk through a funnel of steps (visit, sign-up, activation, purchase).
Every step a user reaches is one *event*, and two systems try to record it:

- the **server**, which handles the request anyway and writes the event to its
  own log. It misses an event only rarely (``server_loss``, about 0.1% by
  default: an illustrative assumption for a crashed worker or a dropped log
  line);
- a **client-side tracker**, a script in the user's browser that sends the event
  to an analytics service. The event survives only if

  1. the user does not block trackers. Blocking is a property of the *user*
     (an extension or a browser setting), so a blocking user loses every event;
  2. the user accepted the consent banner (also per user, for every event);
  3. the request did not fail on the network (per event);
  4. for a step whose event is sent while the page unloads (a form submit that
     navigates away, a redirect to a payment page), the unload beacon arrived
     (per event).

For segment ``s`` and step ``k`` the share of real events the client records is
therefore::

    survival[s, k] = (1 - tracker_blocking[s]) * (1 - consent_decline[s])
                     * (1 - network_loss[s]) * (1 - unload_loss[s] if step k fires on unload else 1)

and the expected client count is the number of users who really reached step
``k`` times that survival (:func:`client_survival`). Segments differ, so the
loss is not a uniform discount: developers on Firefox or Brave, who block
heavily, nearly vanish from client-side data while Android phones barely lose
anything.

The module also covers the lesson's other sections: an A/B test whose variant
loses more unload beacons (:func:`simulate_ab_test`, :func:`expected_ab_readout`),
anonymous IDs fragmented by Safari's 7-day cap on script-set cookies
(:func:`simulate_identity`, :func:`expected_anonymous_ids_per_user`), and a small
real pipeline: server events with idempotency keys, re-delivered by retries and
stored once in SQLite (:func:`event_log`, :func:`deliver_with_retries`,
:func:`store_events`, :data:`FUNNEL_SQL`).

Probabilities are fractions in [0, 1]; counts are numbers of users or events.

References
----------
GWI (Q1 2024), reported by Backlinko: about 31.5% of internet users aged 16-64
use an ad blocker. AudienceProject survey, reported: 41% in the US, 36% in the
UK, 48% in Germany.

Blockmetry (2016), reported: ads were blocked on 32.4% of page views, analytics
on 5.2%. Blocking ads and blocking analytics are different things.

One site (2015), reported: about 30% of desktop traffic blocked against 1% on
mobile.

PostHog documentation on reverse proxies: a proxy typically increases
event capture by 10-30%, depending on the audience.

Volument (2019): of 5,130,741 page views, 3,217,740 unload beacons arrived
(about 37% lost); about 3% were lost on the latest Chrome for Mac.

Sahlin, R.: the beacon transport recorded 5-10% fewer hits than the image
method, the losses concentrated in Samsung Internet and in-app browsers.

Wilander, J. (2019). *Intelligent Tracking Prevention 2.1.* WebKit blog,
February 2019: cookies set by script are capped at 7 days.
"""

from __future__ import annotations

import math
import sqlite3
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .validation import (
    check_array,
    check_choice,
    check_flag,
    check_integer,
    check_number,
    check_probability,
    check_seed,
    check_text,
    read_only,
    short_repr,
)

__all__ = [
    "ALL_USERS",
    "DEFAULT_SEGMENTS",
    "DEFAULT_STEPS",
    "EVENT_COLUMNS",
    "STORED_COLUMNS",
    "FUNNEL_SQL",
    "SOURCES",
    "ABTestResult",
    "Arms",
    "FunnelSimulation",
    "IdentityResult",
    "Segment",
    "Step",
    "StoreResult",
    "client_survival",
    "conversion_rates",
    "deliver_with_retries",
    "event_log",
    "expected_ab_readout",
    "expected_anonymous_ids_per_user",
    "expected_identity_inflation",
    "funnel_counts",
    "funnel_from_events",
    "funnel_from_sql",
    "segment_table",
    "simulate_ab_test",
    "simulate_funnel",
    "simulate_identity",
    "store_events",
]

#: Where a count comes from: what really happened, the server's log, the client-side tracker.
SOURCES = ("actual", "server", "client")

#: The name of the total row in :func:`funnel_counts` and :func:`conversion_rates`.
ALL_USERS = "All users"

#: The columns of an event log (:func:`event_log`).
EVENT_COLUMNS = ("event_id", "user_id", "segment", "step", "step_number", "day")
#: The columns :func:`store_events` needs (any others, such as ``day``, are not stored).
STORED_COLUMNS = ("event_id", "user_id", "segment", "step", "step_number")

#: Shares of segments must add up to 1 within this tolerance.
_SHARE_TOLERANCE = 1e-9

#: Largest simulations accepted, to keep a laptop responsive (about 1 GB of memory at most).
_MAX_FUNNEL_USERS = 20_000_000
_MAX_IDENTITY_USER_DAYS = 100_000_000


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` as floats, NaN where the denominator is 0 (no warning)."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    result = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=result, where=denominator != 0)
    return result


# ---------------------------------------------------------------------------
# Steps and segments
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of the funnel and how its client-side event is sent.

    Attributes
    ----------
    name : str
        The step's event name, e.g. ``"sign_up"``.
    fires_on_unload : bool
        True when the event is sent as the page unloads (a form submit that
        navigates away, a redirect to a payment page). Such events travel in an
        unload beacon, which browsers often drop.

    Examples
    --------
    >>> Step("purchase", fires_on_unload=True)
    Step(name='purchase', fires_on_unload=True)
    """

    name: str
    fires_on_unload: bool

    def __post_init__(self) -> None:
        check_text("name", self.name)
        flag = check_flag("fires_on_unload", self.fires_on_unload)
        object.__setattr__(self, "fires_on_unload", flag)


#: The lesson's funnel. Sign-up is a form submit that navigates away and purchase
#: redirects to the payment page, so both events are sent as the page unloads.
DEFAULT_STEPS: tuple[Step, ...] = (
    Step("visit", fires_on_unload=False),
    Step("sign_up", fires_on_unload=True),
    Step("activate", fires_on_unload=False),
    Step("purchase", fires_on_unload=True),
)


@dataclass(frozen=True)
class Segment:
    """A group of users who share a device, a browser and an audience.

    Attributes
    ----------
    name : str
        Label shown in tables and figures.
    device, browser, audience : str
        Descriptions for the segment table.
    share : float
        Fraction of all users in this segment, in (0, 1]. The shares of the
        segments of one funnel add up to 1.
    tracker_blocking : float
        Probability that a user blocks the client-side tracker (per user: a
        blocking user loses every client event).
    consent_decline : float
        Probability that a user declines the consent banner (per user).
    network_loss : float
        Probability that one client event fails on the network (per event).
    unload_loss : float
        Probability that an event sent as the page unloads never arrives (per
        event, only for steps that fire on unload).
    step_rates : tuple of float
        ``step_rates[k]`` is the probability that a user who reached step ``k``
        goes on to step ``k + 1``; one fewer rate than the funnel has steps.

    Raises
    ------
    TypeError
        For text fields that are not text or numbers that are not numbers.
    ValueError
        For a probability outside [0, 1] or a share outside (0, 1].
    """

    name: str
    device: str
    browser: str
    audience: str
    share: float
    tracker_blocking: float
    consent_decline: float
    network_loss: float
    unload_loss: float
    step_rates: tuple[float, ...]

    def __post_init__(self) -> None:
        for field in ("name", "device", "browser", "audience"):
            check_text(field, getattr(self, field))
        share = check_number("share", self.share, low=0.0, low_inclusive=False, high=1.0)
        object.__setattr__(self, "share", share)
        for field in ("tracker_blocking", "consent_decline", "network_loss", "unload_loss"):
            object.__setattr__(self, field, check_probability(field, getattr(self, field)))
        rates = self.step_rates
        if isinstance(rates, (str, bytes)) or not isinstance(rates, (Sequence, np.ndarray)):
            raise TypeError(
                f"step_rates must be a sequence of probabilities, got {short_repr(rates)}"
            )
        checked = tuple(
            check_probability(f"step_rates[{index}]", rate) for index, rate in enumerate(rates)
        )
        object.__setattr__(self, "step_rates", checked)

    @property
    def conversion(self) -> float:
        """True probability of going from the first step to the last (product of step rates)."""
        return math.prod(self.step_rates)


# Each segment's numbers: the source, or "illustrative assumption". Consent decline
# (0.10-0.30) and network loss (1-2%) are illustrative throughout.
DEFAULT_SEGMENTS: tuple[Segment, ...] = (
    Segment(
        name="Desktop Chrome",
        device="desktop",
        browser="Chrome",
        audience="general",
        share=0.28,  # illustrative assumption
        # Between Blockmetry's 5.2% of page views with analytics blocked and the
        # 10-30% more events PostHog reports from a proxy.
        tracker_blocking=0.15,
        consent_decline=0.10,  # illustrative assumption
        network_loss=0.01,  # illustrative assumption
        unload_loss=0.05,  # near Volument's ~3% on the latest Chrome for Mac
        step_rates=(0.08, 0.50, 0.25),  # illustrative assumption: 1% visit -> purchase
    ),
    Segment(
        name="Desktop Firefox/Brave, developers",
        device="desktop",
        browser="Firefox or Brave",
        audience="developers",
        share=0.08,  # illustrative assumption
        # Illustrative: heavy blockers, anchored by AudienceProject's 48% ad-blocker
        # use in Germany and PostHog's 10-30% capture gain from a proxy.
        tracker_blocking=0.60,
        consent_decline=0.30,  # illustrative assumption: privacy-minded audience
        network_loss=0.01,  # illustrative assumption
        unload_loss=0.05,  # illustrative assumption, like desktop Chrome
        # Illustrative: the product's target audience converts best (2.7%).
        step_rates=(0.12, 0.65, 0.35),
    ),
    Segment(
        name="Desktop Safari",
        device="desktop",
        browser="Safari",
        audience="general",
        share=0.12,  # illustrative assumption
        tracker_blocking=0.10,  # illustrative assumption
        consent_decline=0.10,  # illustrative assumption
        network_loss=0.01,  # illustrative assumption
        unload_loss=0.10,  # illustrative: between Volument's ~3% (Chrome Mac) and 37% overall
        step_rates=(0.08, 0.50, 0.25),  # illustrative assumption: 1% visit -> purchase
    ),
    Segment(
        name="iPhone Safari",
        device="phone",
        browser="Safari",
        audience="general",
        share=0.22,  # illustrative assumption
        tracker_blocking=0.05,  # illustrative: blocking is rarer on phones (one site, 2015)
        consent_decline=0.10,  # illustrative assumption
        network_loss=0.02,  # illustrative assumption: mobile networks
        unload_loss=0.15,  # illustrative: between Volument's ~3% and 37% overall
        step_rates=(0.05, 0.40, 0.20),  # illustrative assumption: 0.4% visit -> purchase
    ),
    Segment(
        name="Android Chrome",
        device="phone",
        browser="Chrome",
        audience="general",
        share=0.22,  # illustrative assumption
        tracker_blocking=0.01,  # one site (2015), reported: 1% blocked on mobile
        consent_decline=0.10,  # illustrative assumption
        network_loss=0.02,  # illustrative assumption: mobile networks
        unload_loss=0.08,  # illustrative: between Volument's ~3% and 37% overall
        step_rates=(0.05, 0.40, 0.20),  # illustrative assumption: 0.4% visit -> purchase
    ),
    Segment(
        name="In-app browsers / Samsung Internet",
        device="phone",
        browser="in-app or Samsung Internet",
        audience="general",
        share=0.08,  # illustrative assumption
        tracker_blocking=0.02,  # illustrative assumption
        consent_decline=0.15,  # illustrative assumption
        network_loss=0.02,  # illustrative assumption
        # Illustrative: above Volument's 37% overall, as Sahlin found beacon losses
        # concentrated in Samsung Internet and in-app browsers.
        unload_loss=0.45,
        step_rates=(0.03, 0.30, 0.15),  # illustrative: arrivals from social apps convert worst
    ),
)


def _check_steps(steps: object) -> tuple[Step, ...]:
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence):
        raise TypeError(f"steps must be a sequence of Step, got {short_repr(steps)}")
    checked = tuple(steps)
    if not checked:
        raise ValueError("steps must hold at least one Step, got none")
    for index, step in enumerate(checked):
        if not isinstance(step, Step):
            raise TypeError(f"steps[{index}] must be a Step, got {short_repr(step)}")
    names = [step.name for step in checked]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        shown = ", ".join(map(repr, repeated))
        raise ValueError(f"steps must have unique names, got {shown} twice")
    return checked


def _check_segments(segments: object, steps: tuple[Step, ...]) -> tuple[Segment, ...]:
    if isinstance(segments, (str, bytes)) or not isinstance(segments, Sequence):
        raise TypeError(f"segments must be a sequence of Segment, got {short_repr(segments)}")
    checked = tuple(segments)
    if not checked:
        raise ValueError("segments must hold at least one Segment, got none")
    for index, segment in enumerate(checked):
        if not isinstance(segment, Segment):
            raise TypeError(f"segments[{index}] must be a Segment, got {short_repr(segment)}")
    names = [segment.name for segment in checked]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(
            f"segments must have unique names, got {', '.join(map(repr, repeated))} twice"
        )
    if ALL_USERS in names:
        raise ValueError(f"segments must not be named {ALL_USERS!r}: that name is the total row")
    total = math.fsum(segment.share for segment in checked)
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        raise ValueError(f"segments shares must add up to 1, got {total:.12g}")
    for segment in checked:
        if len(segment.step_rates) != len(steps) - 1:
            raise ValueError(
                f"segments: {segment.name!r} has {len(segment.step_rates)} step_rates; a funnel "
                f"of {len(steps)} steps needs {len(steps) - 1} (one per step after the first)"
            )
    return checked


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


def _survival_matrix(segments: tuple[Segment, ...], steps: tuple[Step, ...]) -> np.ndarray:
    """``(n_segments, n_steps)`` probability that a real event reaches the client-side tracker."""
    keeps_user = np.array([(1 - s.tracker_blocking) * (1 - s.consent_decline) for s in segments])
    network_ok = np.array([1 - s.network_loss for s in segments])
    unload_ok = np.array([1 - s.unload_loss for s in segments])
    on_unload = np.array([step.fires_on_unload for step in steps])
    per_event = np.where(on_unload[None, :], unload_ok[:, None], 1.0)
    return keeps_user[:, None] * network_ok[:, None] * per_event


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
    return pd.DataFrame(
        _survival_matrix(checked, checked_steps),
        index=pd.Index([s.name for s in checked], name="segment"),
        columns=pd.Index([step.name for step in checked_steps], name="step"),
    )


# ---------------------------------------------------------------------------
# The funnel simulation
# ---------------------------------------------------------------------------


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

    Every ``server_seen`` or ``client_seen`` event is also ``reached``. The
    arrays are read-only.
    """

    segments: tuple[Segment, ...]
    steps: tuple[Step, ...]
    segment_of_user: np.ndarray
    reached: np.ndarray
    server_seen: np.ndarray
    client_seen: np.ndarray

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
    with probability ``server_loss``. The client-side tracker records it only
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
        illustrative assumption).
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

    # Server: each event is lost with a small probability.
    server_ok = generator.random((count, n_steps), dtype=np.float32) >= np.float32(server_miss)
    server_seen = reached & server_ok

    # Client: per-user blocking and consent, per-event network and unload losses.
    blocking = np.array([s.tracker_blocking for s in checked], dtype=np.float32)
    declining = np.array([s.consent_decline for s in checked], dtype=np.float32)
    network = np.array([s.network_loss for s in checked], dtype=np.float32)
    unload = np.array([s.unload_loss for s in checked], dtype=np.float32)
    user_draws = generator.random((2, count), dtype=np.float32)
    tracked = (user_draws[0] >= blocking[segment_of_user]) & (
        user_draws[1] >= declining[segment_of_user]
    )
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
    )


def _check_simulation(simulation: object) -> FunnelSimulation:
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


def conversion_rates(simulation: FunnelSimulation, source: str) -> pd.DataFrame:
    """Step-to-step and first-to-last conversion as one source measures it.

    A conversion is a ratio of event counts: of the ``sign_up`` events the
    source recorded, how many ``activate`` events did it record. Per segment,
    and for all users together.

    Which losses bias a conversion rate:

    - **Blocking and consent cancel within a segment.** They remove a user
      with all of their events, so numerator and denominator shrink by the
      same factor ``(1 - tracker_blocking)(1 - consent_decline)``. Network
      loss, the same for every event, cancels too. Only sampling noise is left.
    - **Unload loss does not cancel.** It hits only the steps that fire on
      unload. In the default funnel ``visit -> sign_up`` is measured
      ``(1 - unload_loss)`` times too low (sign-up fires on unload, visit
      does not), ``sign_up -> activate`` ``1 / (1 - unload_loss)`` times too
      high, and ``visit -> purchase`` ``(1 - unload_loss)`` times too low.
    - **The all-users rate is biased by the segment mix** even without unload
      loss: segments that block heavily (developers, who also convert best)
      shrink in both numerator and denominator, so the total is pulled towards
      the segments the tracker still sees.

    Parameters
    ----------
    simulation : FunnelSimulation
        From :func:`simulate_funnel`.
    source : {"actual", "server", "client"}
        Count what really happened, what the server saw, or what the client saw.

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
    counts = _counts_by_segment(checked, checked.seen_by(source))
    rates = _ratio(counts[:, 1:], counts[:, :-1])
    if len(checked.steps) > 2:
        rates = np.hstack([rates, _ratio(counts[:, -1:], counts[:, :1])])
    return pd.DataFrame(
        rates,
        index=pd.Index([*checked.segment_names, ALL_USERS], name="segment"),
        columns=_transition_labels(checked.steps),
    )


# ---------------------------------------------------------------------------
# A/B test
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Arms:
    """One number for each arm of an A/B test."""

    control: float
    variant: float


def _frozen_mapping(values: dict) -> Mapping:
    return types.MappingProxyType(dict(values))


@dataclass(frozen=True)
class ABTestResult:
    """What an A/B test on purchases looks like to each source.

    Every mapping is keyed by source: ``"actual"`` (what really happened),
    ``"server"`` and ``"client"``.

    Attributes
    ----------
    n_users_per_arm : int
        Users randomised into each arm.
    alpha : float
        Significance level used to call a winner.
    visitors : mapping of str to Arms
        Visitors each source counted (actual: every user). Client visitors
        exclude users who block the tracker.
    purchases : mapping of str to Arms
        Purchases each source counted.
    rates : mapping of str to Arms
        Purchases / visitors as each source measures it (NaN with no visitor).
    relative_lift : mapping of str to float
        ``variant rate / control rate - 1`` per source (NaN if the control
        rate is 0 or missing).
    p_value : mapping of str to float
        Two-sided p-value of a pooled two-proportion z test per source.
    winner : mapping of str to str
        ``"variant"``, ``"control"`` or ``"no clear winner"`` (p-value not
        below ``alpha``).
    """

    n_users_per_arm: int
    alpha: float
    visitors: Mapping[str, Arms]
    purchases: Mapping[str, Arms]
    rates: Mapping[str, Arms]
    relative_lift: Mapping[str, float]
    p_value: Mapping[str, float]
    winner: Mapping[str, str]

    def table(self) -> pd.DataFrame:
        """The readout as a table: one row per source.

        Returns
        -------
        pandas.DataFrame
            Index ``source``; columns ``control_visitors``, ``variant_visitors``,
            ``control_purchases``, ``variant_purchases``, ``control_rate``,
            ``variant_rate``, ``relative_lift``, ``p_value``, ``winner``.
        """
        rows = {
            source: {
                "control_visitors": self.visitors[source].control,
                "variant_visitors": self.visitors[source].variant,
                "control_purchases": self.purchases[source].control,
                "variant_purchases": self.purchases[source].variant,
                "control_rate": self.rates[source].control,
                "variant_rate": self.rates[source].variant,
                "relative_lift": self.relative_lift[source],
                "p_value": self.p_value[source],
                "winner": self.winner[source],
            }
            for source in SOURCES
        }
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "source"
        return table


def _rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else math.nan


def _lift(control: float, variant: float) -> float:
    if not control or math.isnan(control) or math.isnan(variant):
        return math.nan
    return variant / control - 1.0


def _two_proportion_p_value(
    control_successes: int, control_trials: int, variant_successes: int, variant_trials: int
) -> float:
    """Two-sided p-value of the pooled two-proportion z test (NaN without trials)."""
    if control_trials == 0 or variant_trials == 0:
        return math.nan
    control = control_successes / control_trials
    variant = variant_successes / variant_trials
    pooled = (control_successes + variant_successes) / (control_trials + variant_trials)
    pooled = min(max(pooled, 0.0), 1.0)
    variance = pooled * (1.0 - pooled) * (1.0 / control_trials + 1.0 / variant_trials)
    if variance == 0.0:
        return 1.0 if control == variant else 0.0
    z = (variant - control) / math.sqrt(variance)
    # Two-sided normal tail: 2 * (1 - Phi(|z|)) = erfc(|z| / sqrt 2), exact in the stdlib.
    return math.erfc(abs(z) / math.sqrt(2.0))


def _winner(control_rate: float, variant_rate: float, p_value: float, alpha: float) -> str:
    if math.isnan(p_value) or p_value >= alpha or control_rate == variant_rate:
        return "no clear winner"
    return "variant" if variant_rate > control_rate else "control"


def simulate_ab_test(
    n_users_per_arm: int,
    *,
    control_rate: float,
    variant_rate: float,
    tracker_blocking: float,
    unload_loss_control: float,
    unload_loss_variant: float,
    server_loss: float = 0.001,
    alpha: float = 0.05,
    seed: object,
) -> ABTestResult:
    """Run an A/B test on purchases and read it out from each source.

    Each arm gets ``n_users_per_arm`` visitors; each visitor buys with the
    arm's true rate. The server records each visit and each purchase unless
    it is lost (``server_loss``). The client-side tracker loses every event
    of a blocking user (``tracker_blocking``, the same in both arms), and the
    purchase event, which fires as the page unloads, also loses its beacon
    with the arm's unload loss. A variant such as a one-click checkout that
    redirects straight to the payment page loses more beacons than a control
    whose confirmation page stays on screen.

    Counts are drawn from nested binomial distributions (purchasers, then
    blocking purchasers and blocking non-purchasers, then surviving beacons),
    which is exactly the distribution of simulating every user, in constant
    time.

    Parameters
    ----------
    n_users_per_arm : int
        Visitors in each arm (>= 1).
    control_rate, variant_rate : float
        True purchase probability per visitor in each arm.
    tracker_blocking : float
        Probability a visitor blocks the client-side tracker (per visitor).
    unload_loss_control, unload_loss_variant : float
        Probability that the purchase beacon is lost, per arm.
    server_loss : float
        Probability that the server misses one event (default 0.001,
        illustrative).
    alpha : float
        Significance level for calling a winner, in (0, 1) (default 0.05).
    seed : int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    ABTestResult

    Examples
    --------
    >>> result = simulate_ab_test(
    ...     50_000, control_rate=0.040, variant_rate=0.044, tracker_blocking=0.30,
    ...     unload_loss_control=0.05, unload_loss_variant=0.30, seed=5,
    ... )
    >>> result.winner["server"], result.winner["client"]
    ('variant', 'control')
    """
    count = check_integer("n_users_per_arm", n_users_per_arm, low=1)
    true_rates = Arms(
        check_probability("control_rate", control_rate),
        check_probability("variant_rate", variant_rate),
    )
    blocking = check_probability("tracker_blocking", tracker_blocking)
    unload = Arms(
        check_probability("unload_loss_control", unload_loss_control),
        check_probability("unload_loss_variant", unload_loss_variant),
    )
    server_miss = check_probability("server_loss", server_loss)
    level = check_number(
        "alpha", alpha, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    generator = check_seed("seed", seed)

    counts: dict[str, dict[str, dict[str, int]]] = {"visitors": {}, "purchases": {}}
    for source in SOURCES:
        counts["visitors"][source] = {}
        counts["purchases"][source] = {}
    # One stream per kind of draw, so that what really happened does not change when
    # only a loss changes (moving a blocking slider must not move the true purchases).
    buying, blocking_draws, beacon_draws, server_draws = generator.spawn(4)
    for arm in ("control", "variant"):
        purchasers = int(buying.binomial(count, getattr(true_rates, arm)))
        blocking_purchasers = int(blocking_draws.binomial(purchasers, blocking))
        blocking_others = int(blocking_draws.binomial(count - purchasers, blocking))
        beacons = int(
            beacon_draws.binomial(purchasers - blocking_purchasers, 1.0 - getattr(unload, arm))
        )
        counts["visitors"]["actual"][arm] = count
        counts["purchases"]["actual"][arm] = purchasers
        counts["visitors"]["server"][arm] = int(server_draws.binomial(count, 1.0 - server_miss))
        counts["purchases"]["server"][arm] = int(
            server_draws.binomial(purchasers, 1.0 - server_miss)
        )
        counts["visitors"]["client"][arm] = count - blocking_purchasers - blocking_others
        counts["purchases"]["client"][arm] = beacons

    visitors, purchases, rates, lifts, p_values, winners = {}, {}, {}, {}, {}, {}
    for source in SOURCES:
        seen = counts["visitors"][source]
        bought = counts["purchases"][source]
        visitors[source] = Arms(seen["control"], seen["variant"])
        purchases[source] = Arms(bought["control"], bought["variant"])
        rates[source] = Arms(
            _rate(bought["control"], seen["control"]), _rate(bought["variant"], seen["variant"])
        )
        lifts[source] = _lift(rates[source].control, rates[source].variant)
        p_values[source] = _two_proportion_p_value(
            bought["control"], seen["control"], bought["variant"], seen["variant"]
        )
        winners[source] = _winner(
            rates[source].control, rates[source].variant, p_values[source], level
        )
    return ABTestResult(
        n_users_per_arm=count,
        alpha=level,
        visitors=_frozen_mapping(visitors),
        purchases=_frozen_mapping(purchases),
        rates=_frozen_mapping(rates),
        relative_lift=_frozen_mapping(lifts),
        p_value=_frozen_mapping(p_values),
        winner=_frozen_mapping(winners),
    )


def expected_ab_readout(
    control_rate: float,
    variant_rate: float,
    *,
    unload_loss_control: float,
    unload_loss_variant: float,
    server_loss: float = 0.001,
) -> pd.DataFrame:
    """The purchase rates and lift each source reports on average, in closed form.

    The measured rate is expected purchases over expected visitors:

    - actual: the true rates;
    - server: ``rate (1 - server_loss) / (1 - server_loss) = rate``: the
      server's rare losses hit visits and purchases alike and cancel;
    - client: ``rate (1 - b)(1 - unload_loss) / (1 - b) = rate (1 - unload_loss)``:
      blocking ``b`` removes whole visitors and cancels (it only makes the
      test noisier), but the purchase beacon's unload loss stays. The client's
      lift is therefore
      ``variant_rate (1 - unload_loss_variant) / (control_rate (1 - unload_loss_control)) - 1``.

    No sampling: fast enough to re-run on every move of a slider.

    Parameters
    ----------
    control_rate, variant_rate : float
        True purchase probability per visitor in each arm.
    unload_loss_control, unload_loss_variant : float
        Probability that the purchase beacon is lost, per arm.
    server_loss : float
        Probability that the server misses one event (cancels; checked only).

    Returns
    -------
    pandas.DataFrame
        Index ``source`` (``actual``, ``server``, ``client``); columns
        ``control_rate``, ``variant_rate`` (fractions) and ``relative_lift``
        (``variant_rate / control_rate - 1``, NaN if the control rate is 0).

    Examples
    --------
    >>> readout = expected_ab_readout(
    ...     0.040, 0.044, unload_loss_control=0.05, unload_loss_variant=0.30
    ... )
    >>> readout["relative_lift"].round(4).to_dict()
    {'actual': 0.1, 'server': 0.1, 'client': -0.1895}
    """
    control = check_probability("control_rate", control_rate)
    variant = check_probability("variant_rate", variant_rate)
    kept_control = 1.0 - check_probability("unload_loss_control", unload_loss_control)
    kept_variant = 1.0 - check_probability("unload_loss_variant", unload_loss_variant)
    check_probability("server_loss", server_loss)
    control_rates = [control, control, control * kept_control]
    variant_rates = [variant, variant, variant * kept_variant]
    lifts = [_lift(c, v) for c, v in zip(control_rates, variant_rates, strict=True)]
    return pd.DataFrame(
        {"control_rate": control_rates, "variant_rate": variant_rates, "relative_lift": lifts},
        index=pd.Index(SOURCES, name="source"),
    )


# ---------------------------------------------------------------------------
# Identity: capped cookies fragment anonymous IDs
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IdentityResult:
    """Anonymous IDs a client-side tracker creates for the same people.

    Attributes
    ----------
    n_users, days, cookie_cap_days : int
        The simulation's size and the cookie cap in days.
    true_users : int
        People who visited at least once: what server logs keyed by user ID count.
    anonymous_ids : int
        Anonymous IDs the client-side tracker created: its "unique users".
    inflation : float
        ``anonymous_ids / true_users`` (NaN if nobody visited).
    ids_per_user : ndarray of int, shape (n_users,)
        Anonymous IDs per person (0 for people who never visited). Read-only.
    capped : ndarray of bool, shape (n_users,)
        True for people on a browser that caps script-set cookies. Read-only.
    """

    n_users: int
    days: int
    cookie_cap_days: int
    true_users: int
    anonymous_ids: int
    inflation: float
    ids_per_user: np.ndarray
    capped: np.ndarray

    @property
    def capped_inflation(self) -> float:
        """Anonymous IDs per visiting person on capped browsers (NaN if none visited)."""
        visited = self.capped & (self.ids_per_user > 0)
        count = int(visited.sum())
        return float(self.ids_per_user[visited].sum() / count) if count else math.nan


def _check_visit_probability(value: object, n_users: int) -> float | np.ndarray:
    if np.ndim(value) == 0:
        return check_probability("daily_visit_probability", value)
    values = check_array("daily_visit_probability", value, low=0.0, high=1.0)
    if values.size != n_users:
        raise ValueError(
            f"daily_visit_probability must be one number or one per user ({n_users}), "
            f"got {values.size} values"
        )
    return values


def simulate_identity(
    n_users: int,
    days: int,
    *,
    daily_visit_probability: float | Sequence[float],
    capped_share: float,
    cookie_cap_days: int = 7,
    seed: object,
) -> IdentityResult:
    """Count the anonymous IDs a client-side tracker assigns when cookies expire.

    Each person visits on each day with ``daily_visit_probability``. A share
    ``capped_share`` of people use a browser that caps cookies set by script
    (Safari's ITP 2.1: 7 days). The tracker re-sets its cookie at every visit,
    so the anonymous ID survives only if the gap since the previous visit is
    shorter than ``cookie_cap_days``; after a longer gap the same person gets
    a new ID. People on other browsers keep one ID.

    Parameters
    ----------
    n_users : int
        People simulated (>= 1).
    days : int
        Days observed (>= 1). ``n_users * days`` is at most 100 million.
    daily_visit_probability : float or sequence of float
        Probability of a visit on any day: one number for everyone, or one
        per person.
    capped_share : float
        Fraction of people on a capped browser.
    cookie_cap_days : int
        Lifetime of a script-set cookie on a capped browser, in days (>= 1;
        default 7, Safari ITP 2.1).
    seed : int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    IdentityResult

    References
    ----------
    Wilander, J. (2019). *Intelligent Tracking Prevention 2.1.* WebKit blog:
    client-side cookies capped at 7 days.

    Examples
    --------
    >>> result = simulate_identity(20_000, 90, daily_visit_probability=0.05,
    ...                            capped_share=1.0, seed=0)
    >>> expected = expected_anonymous_ids_per_user(90, 0.05) / (1 - 0.95**90)
    >>> abs(result.inflation - expected) < 0.05
    True
    """
    count = check_integer("n_users", n_users, low=1)
    n_days = check_integer("days", days, low=1)
    if count * n_days > _MAX_IDENTITY_USER_DAYS:
        raise ValueError(
            f"n_users x days must be at most {_MAX_IDENTITY_USER_DAYS:,}, got {count * n_days:,}"
        )
    probability = _check_visit_probability(daily_visit_probability, count)
    share = check_probability("capped_share", capped_share)
    cap = check_integer("cookie_cap_days", cookie_cap_days, low=1)
    generator = check_seed("seed", seed)

    capped = generator.random(count) < share
    threshold = np.asarray(probability, dtype=np.float32)
    if threshold.ndim:
        threshold = threshold[:, None]
    visits = generator.random((count, n_days), dtype=np.float32) < threshold

    day_type = np.int16 if n_days < 2**14 else np.int32
    day = np.arange(n_days, dtype=day_type)
    # The day of the latest visit before each day (-1 if none yet).
    latest_visit = np.maximum.accumulate(np.where(visits, day, day_type(-1)), axis=1)
    previous_visit = np.empty_like(latest_visit)
    previous_visit[:, 0] = -1
    previous_visit[:, 1:] = latest_visit[:, :-1]
    first_visit = visits & (previous_visit < 0)
    cookie_expired = visits & (previous_visit >= 0) & (day - previous_visit >= cap)

    ids_per_user = first_visit.sum(axis=1) + np.where(capped, cookie_expired.sum(axis=1), 0)
    ids_per_user = ids_per_user.astype(np.int64)
    true_users = int(np.count_nonzero(ids_per_user))
    anonymous_ids = int(ids_per_user.sum())
    return IdentityResult(
        n_users=count,
        days=n_days,
        cookie_cap_days=cap,
        true_users=true_users,
        anonymous_ids=anonymous_ids,
        inflation=anonymous_ids / true_users if true_users else math.nan,
        ids_per_user=read_only(ids_per_user),
        capped=read_only(capped),
    )


def expected_anonymous_ids_per_user(
    days: int, daily_visit_probability: float, cookie_cap_days: int = 7
) -> float:
    """Expected anonymous IDs of one person on a capped browser, in closed form.

    Derivation. Let ``q`` be the daily visit probability, ``c`` the cookie cap
    in days and ``V_t`` (``t = 0, ..., days - 1``) independent Bernoulli(q)
    visits. The person has no ID if they never visit, and otherwise one ID
    from their first visit plus one more at every visit that comes ``c`` days
    or more after the previous one. By linearity of expectation::

        E[IDs] = P(at least one visit) + sum over t of P(visit on day t starts a new ID
                                                       after an earlier visit)

    ``P(at least one visit) = 1 - (1 - q)**days``. A visit on day ``t`` starts
    a new ID after an earlier visit exactly when

    - there is a visit on day ``t`` (probability ``q``),
    - none on the ``c - 1`` days before it, ``t - c + 1, ..., t - 1`` (so the
      gap to the previous visit is at least ``c``): ``(1 - q)**(c - 1)``,
    - at least one visit on days ``0, ..., t - c`` (there is a previous visit):
      ``1 - (1 - q)**(t - c + 1)``.

    The three concern disjoint days, so they multiply; the last is impossible
    for ``t < c``. Hence::

        E[IDs] = 1 - (1 - q)**days
                 + sum_{t = c}^{days - 1} q (1 - q)**(c - 1) (1 - (1 - q)**(t - c + 1))

    The expectation counts people who never visit as 0 IDs; divide by
    ``1 - (1 - q)**days`` for IDs per visiting person.

    Parameters
    ----------
    days : int
        Days observed (>= 1).
    daily_visit_probability : float
        Probability ``q`` of a visit on any day.
    cookie_cap_days : int
        Cookie lifetime ``c`` in days (>= 1; default 7, Safari ITP 2.1).

    Returns
    -------
    float
        Expected anonymous IDs per person (visiting or not).

    Examples
    --------
    Two days, a one-day cap, a coin flip a day: no visit (0 IDs), one visit
    (1 ID, twice) or two visits (2 IDs), so 1 ID on average.

    >>> expected_anonymous_ids_per_user(2, 0.5, cookie_cap_days=1)
    1.0
    >>> expected_anonymous_ids_per_user(90, 1.0)  # a daily visitor keeps one ID
    1.0
    """
    n_days = check_integer("days", days, low=1)
    q = check_probability("daily_visit_probability", daily_visit_probability)
    cap = check_integer("cookie_cap_days", cookie_cap_days, low=1)
    miss = 1.0 - q
    at_least_one = 1.0 - miss**n_days
    earlier = np.arange(1, max(n_days - cap, 0) + 1)  # t - c + 1 for t = c, ..., days - 1
    restarts = q * miss ** (cap - 1) * float(np.sum(1.0 - miss**earlier))
    return float(at_least_one + restarts)


def expected_identity_inflation(
    days: int, daily_visit_probability: float, capped_share: float, cookie_cap_days: int = 7
) -> float:
    """Expected anonymous IDs per visiting person when a share of browsers cap cookies.

    ``(capped_share * E[IDs | capped] + (1 - capped_share) * P(visit)) / P(visit)``,
    with ``E[IDs | capped]`` from :func:`expected_anonymous_ids_per_user` and
    ``P(visit) = 1 - (1 - q)**days``. The ratio of expectations, which the
    simulated :attr:`IdentityResult.inflation` approaches for many people.

    Parameters
    ----------
    days : int
        Days observed (>= 1).
    daily_visit_probability : float
        Probability of a visit on any day.
    capped_share : float
        Fraction of people on a capped browser.
    cookie_cap_days : int
        Cookie lifetime on a capped browser, in days (>= 1; default 7).

    Returns
    -------
    float
        Inflation factor of "unique users" (1 = no inflation; NaN if ``q = 0``).

    Examples
    --------
    >>> expected_identity_inflation(90, 1.0, capped_share=0.5)
    1.0
    """
    share = check_probability("capped_share", capped_share)
    capped_ids = expected_anonymous_ids_per_user(days, daily_visit_probability, cookie_cap_days)
    visits = 1.0 - (1.0 - float(daily_visit_probability)) ** int(days)
    if visits == 0.0:
        return math.nan
    return (share * capped_ids + (1.0 - share) * visits) / visits


# ---------------------------------------------------------------------------
# A small pipeline: event log, retries, idempotent storage in SQLite
# ---------------------------------------------------------------------------

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
        From :func:`simulate_funnel`.
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
        ``step_number`` (int, 1 for the first step), ``day`` (int, from 0);
        sorted by user, then step.

    Examples
    --------
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
            "day": user_ids * n_days // checked.n_users,
        }
    )


def _check_events(events: object, columns: Sequence[str]) -> pd.DataFrame:
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
        Probability of one more delivery after each delivery, in [0, 1).
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
    >>> log = event_log(simulate_funnel(2_000, seed=0), seed=0)
    >>> delivered = deliver_with_retries(log, retry_probability=0.2, seed=0)
    >>> len(delivered) > len(log), delivered["event_id"].nunique() == len(log)
    (True, True)
    """
    frame = _check_events(events, ("event_id",))
    retry = check_number(
        "retry_probability", retry_probability, low=0.0, high=1.0, high_inclusive=False
    )
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
    """

    received: int
    stored: int
    duplicates_ignored: int


_CREATE_EVENTS_SQL = """
CREATE TABLE IF NOT EXISTS events (
    event_id    TEXT PRIMARY KEY NOT NULL,  -- idempotency key: a retry cannot add a row
    user_id     INTEGER NOT NULL,
    segment     TEXT NOT NULL,
    step        TEXT NOT NULL,
    step_number INTEGER NOT NULL
)
"""

_INSERT_EVENT_SQL = (
    "INSERT INTO events (event_id, user_id, segment, step, step_number) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING"
)


def _check_connection(connection: object) -> sqlite3.Connection:
    if not isinstance(connection, sqlite3.Connection):
        raise TypeError(
            "connection must be a sqlite3.Connection (from sqlite3.connect), "
            f"got {short_repr(connection)}"
        )
    return connection


def _rows_in_events(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def store_events(connection: sqlite3.Connection, events: pd.DataFrame) -> StoreResult:
    """Write events to SQLite once each, however often they were delivered.

    Creates the ``events`` table if it is missing, with ``event_id`` as its
    primary key, and inserts every row with ``ON CONFLICT (event_id) DO
    NOTHING``: a row whose ``event_id`` is already stored is skipped, so storing
    is *idempotent*: storing the same events twice changes nothing. Only a
    repeated key is skipped (unlike ``INSERT OR IGNORE``, which would also
    silently drop a row that breaks another constraint). The counts come from the
    table itself (rows before and after), in one transaction.

    Parameters
    ----------
    connection : sqlite3.Connection
        An open database, e.g. ``sqlite3.connect(":memory:")``.
    events : pandas.DataFrame
        Rows with the columns :data:`STORED_COLUMNS`: ``event_id``,
        ``user_id``, ``segment``, ``step`` and ``step_number`` (from
        :func:`event_log`, :func:`deliver_with_retries` or the course's
        ``tracking_events`` data set; other columns such as ``day`` or
        ``attempt`` are not stored).

    Returns
    -------
    StoreResult

    Examples
    --------
    >>> import sqlite3
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
        strict=True,
    )
    with database:
        database.execute(_CREATE_EVENTS_SQL)
        before = _rows_in_events(database)
        database.executemany(_INSERT_EVENT_SQL, rows)
        after = _rows_in_events(database)
    stored = after - before
    return StoreResult(received=len(frame), stored=stored, duplicates_ignored=len(frame) - stored)


#: The funnel in SQL: events and distinct users per segment and step.
FUNNEL_SQL = """
SELECT
    segment,
    step_number,
    step,
    COUNT(*)                AS events,
    COUNT(DISTINCT user_id) AS users
FROM events
GROUP BY segment, step_number, step
ORDER BY segment, step_number
"""

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
    keys = ["segment", "step_number", "step"]
    grouped = frame.groupby(keys, sort=False)["user_id"]
    funnel = pd.concat(
        [grouped.size().rename("events"), grouped.nunique().rename("users")], axis=1
    ).reset_index()
    funnel = funnel.sort_values(["segment", "step_number"], kind="stable")
    return _funnel_frame(funnel.reindex(columns=list(_FUNNEL_COLUMNS)))


# ---------------------------------------------------------------------------
# Benchmark: the funnel simulation against a plain loop on the same draws
# ---------------------------------------------------------------------------


def _bench_funnel_draws(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """The uniform numbers :func:`simulate_funnel` draws for ``size`` users, in its order."""
    n_steps = len(DEFAULT_STEPS)
    unload_steps = sum(step.fires_on_unload for step in DEFAULT_STEPS)
    return {
        "segment": rng.random(size, dtype=np.float32),
        "steps": rng.random((size, n_steps - 1), dtype=np.float32),
        "server": rng.random((size, n_steps), dtype=np.float32),
        "user": rng.random((2, size), dtype=np.float32),
        "network": rng.random((size, n_steps), dtype=np.float32),
        "beacon": rng.random((size, unload_steps), dtype=np.float32),
    }


_BENCH_SERVER_LOSS = 0.001


def _bench_funnel_vectorised(draws: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    from .bench import ReplayGenerator

    order = ("segment", "steps", "server", "user", "network", "beacon")
    replay = ReplayGenerator([("random", draws[name]) for name in order])
    simulation = simulate_funnel(
        draws["segment"].size, server_loss=_BENCH_SERVER_LOSS, seed=replay
    )
    return {
        name: _counts_by_segment(simulation, seen)[:-1]
        for name, seen in (
            ("actual", simulation.reached),
            ("server", simulation.server_seen),
            ("client", simulation.client_seen),
        )
    }


def _bench_funnel_loop(draws: Mapping[str, np.ndarray]) -> dict[str, list[list[int]]]:
    """:func:`simulate_funnel` and the counts of :func:`funnel_counts`, one user at a time."""
    segments, steps = DEFAULT_SEGMENTS, DEFAULT_STEPS
    f32 = np.float32
    cumulative, running = [], f32(0)
    for segment in segments:
        running = f32(running + f32(segment.share))
        cumulative.append(float(running))
    cumulative[-1] = 1.0
    rates = [[float(f32(rate)) for rate in segment.step_rates] for segment in segments]
    blocking = [float(f32(segment.tracker_blocking)) for segment in segments]
    declining = [float(f32(segment.consent_decline)) for segment in segments]
    network = [float(f32(segment.network_loss)) for segment in segments]
    unload = [float(f32(segment.unload_loss)) for segment in segments]
    server_loss = float(f32(_BENCH_SERVER_LOSS))
    unload_columns = [k for k, step in enumerate(steps) if step.fires_on_unload]
    counts = {name: [[0] * len(steps) for _ in segments] for name in ("actual", "server", "client")}
    user_draws = draws["user"].tolist()
    for user, (where, moves, server, network_draws, beacons) in enumerate(
        zip(
            draws["segment"].tolist(),
            draws["steps"].tolist(),
            draws["server"].tolist(),
            draws["network"].tolist(),
            draws["beacon"].tolist(),
            strict=True,
        )
    ):
        s = 0
        while s < len(segments) - 1 and where >= cumulative[s]:
            s += 1
        tracked = user_draws[0][user] >= blocking[s] and user_draws[1][user] >= declining[s]
        for k in range(len(steps)):
            if k and moves[k - 1] >= rates[s][k - 1]:
                break
            counts["actual"][s][k] += 1
            if server[k] >= server_loss:
                counts["server"][s][k] += 1
            seen = tracked and network_draws[k] >= network[s]
            if seen and k in unload_columns:
                seen = beacons[unload_columns.index(k)] >= unload[s]
            if seen:
                counts["client"][s][k] += 1
    return counts


def _register_benchmarks() -> None:
    from .bench import register_simulator

    register_simulator(
        "tracking: users through the funnel, server and client (simulate_funnel)",
        units="users",
        draw=_bench_funnel_draws,
        vectorised=_bench_funnel_vectorised,
        loop=_bench_funnel_loop,
        size=1_000_000,
        loop_size=50_000,
    )


_register_benchmarks()
