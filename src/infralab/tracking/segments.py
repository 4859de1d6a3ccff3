"""The funnel's steps and the user segments of lesson 05, with the lesson's numbers.

Users walk through a funnel of :class:`Step` objects (visit, sign-up,
activation, purchase). Every step a user reaches is one *event*, recorded by

- the **server**, which handles the request anyway and writes it to its own
  log, missing it only rarely (a crashed worker, a dropped log line). Consent
  binds the server too: for a user who declined it, the server records only
  the steps that are *strictly necessary* to serve them (the order itself),
  never their behavioural events (:attr:`Step.strictly_necessary`);
- a **client-side tracker**, a script in the browser that sends it to an
  analytics service. The event survives only if (1) the user does not block
  trackers, (2) the user accepted the consent banner (both per *user*: a
  blocking or declining user loses every event), (3) the request did not fail
  on the network (per event) and (4), for a step whose event is sent while the
  page unloads (a form submit that navigates away, a redirect to a payment
  page), the unload beacon arrived (per event).

A :class:`Segment` is a group of users sharing a device, a browser and an
audience, with its own probability for each of those four losses and its own
step-to-step conversion rates. :data:`DEFAULT_STEPS` and
:data:`DEFAULT_SEGMENTS` are the lesson's funnel; each number in
:data:`DEFAULT_SEGMENTS` carries its source, or says it is an illustrative
assumption. ``infralab.datasets.tracking_events`` repeats these numbers (a
data-set module may not import a lesson module); a test keeps the two equal.

Probabilities are fractions in [0, 1].

References
----------
GWI (Q1 2024), reported by Backlinko: about 31.5% of internet users aged 16-64
use an ad blocker. AudienceProject survey, reported: 41% in the US, 36% in the
UK, 48% in Germany.

Blockmetry (2016), reported: ads were blocked on 32.4% of page views, analytics
on 5.2%. Blocking ads and blocking analytics are different things.

One site (2015), reported: about 30% of desktop traffic blocked against 1% on
mobile.

PostHog documentation on reverse proxies: a proxy typically increases event
capture by 10-30%, depending on the audience.

Volument (2019): of 5,130,741 page views, 3,217,740 unload beacons arrived
(about 37% lost); about 3% were lost on the latest Chrome for Mac.

Sahlin, R.: the beacon transport recorded 5-10% fewer hits than the image
method, the losses concentrated in Samsung Internet and in-app browsers. That
compares two ways of sending, not an unload loss; it says *where* beacons get
lost, not how many, so no unload loss below is taken from it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from infralab.validation import (
    check_flag,
    check_number,
    check_probability,
    check_text,
    short_repr,
)

__all__ = [
    "ALL_USERS",
    "DEFAULT_SEGMENTS",
    "DEFAULT_STEPS",
    "Segment",
    "Step",
]

#: The name of the total row in funnel tables; no segment may take it.
ALL_USERS = "All users"

#: Shares of segments must add up to 1 within this tolerance.
_SHARE_TOLERANCE = 1e-9


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
    strictly_necessary : bool
        True when the server must record the step to serve the user whatever
        their consent (an order it has to fulfil and bill). False (default) for
        a behavioural event, which the server records only for users who
        consented.

    Examples
    --------
    >>> Step("purchase", fires_on_unload=True, strictly_necessary=True)
    Step(name='purchase', fires_on_unload=True, strictly_necessary=True)
    >>> Step("visit", fires_on_unload=False).strictly_necessary
    False
    """

    name: str
    fires_on_unload: bool
    strictly_necessary: bool = False

    def __post_init__(self) -> None:
        check_text("name", self.name)
        flag = check_flag("fires_on_unload", self.fires_on_unload)
        object.__setattr__(self, "fires_on_unload", flag)
        necessary = check_flag("strictly_necessary", self.strictly_necessary)
        object.__setattr__(self, "strictly_necessary", necessary)


#: The lesson's funnel. Sign-up is a form submit that navigates away and purchase
#: redirects to the payment page, so both events are sent as the page unloads. The
#: purchase is the order itself, which the server records whatever the user's consent;
#: the other three are behavioural events, recorded only for users who consented.
DEFAULT_STEPS: tuple[Step, ...] = (
    Step("visit", fires_on_unload=False),
    Step("sign_up", fires_on_unload=True),
    Step("activate", fires_on_unload=False),
    Step("purchase", fires_on_unload=True, strictly_necessary=True),
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

    Examples
    --------
    >>> android = DEFAULT_SEGMENTS[4]
    >>> android.name, android.tracker_blocking, android.step_rates
    ('Android Chrome', 0.01, (0.05, 0.4, 0.2))
    >>> round(android.conversion, 4)  # visit -> purchase: 0.05 * 0.40 * 0.20
    0.004
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
        # Illustrative assumption, between Blockmetry's 5.2% of page views with
        # analytics blocked and the 10-30% more events PostHog reports from a proxy
        # (10-30% more captured means about 9-23% of events blocked).
        tracker_blocking=0.15,
        consent_decline=0.10,  # illustrative assumption
        network_loss=0.01,  # illustrative assumption
        unload_loss=0.05,  # illustrative, near Volument's cited ~3% on the latest Chrome for Mac
        step_rates=(0.08, 0.50, 0.25),  # illustrative assumption: 1% visit -> purchase
    ),
    Segment(
        name="Desktop Firefox/Brave, developers",
        device="desktop",
        browser="Firefox or Brave",
        audience="developers",
        share=0.08,  # illustrative assumption
        # Uncited illustrative assumption: a technical, privacy-minded audience blocking
        # far more than any published figure (no source measures this segment).
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
        # Illustrative assumption: above Volument's 37% overall. Sahlin reports that
        # beacon losses concentrate in these browsers, but measured no unload loss.
        unload_loss=0.45,
        step_rates=(0.03, 0.30, 0.15),  # illustrative: arrivals from social apps convert worst
    ),
)


def _check_steps(steps: object) -> tuple[Step, ...]:
    """``steps`` as a non-empty tuple of :class:`Step` with unique names."""
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
    """``segments`` as a tuple of :class:`Segment` that fits ``steps``.

    Names unique and not :data:`ALL_USERS`, shares adding up to 1, one step
    rate per step after the first.
    """
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
