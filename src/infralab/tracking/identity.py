"""Identity: capped cookies split one person into several anonymous IDs.

A client-side tracker recognises a returning visitor by an anonymous ID kept
in a cookie it sets by script. Safari's Intelligent Tracking Prevention caps
such cookies at 7 days from when they were last written (ITP 2.1, February
2019), and since Safari 13.1 (March 2020) deletes a site's other
script-writable storage after 7 days of Safari use without a user interaction
on the site. The tracker writes its cookie again at every visit, so the ID
survives only if the gap since the previous visit is shorter than the cap;
after a longer gap the same person gets a new ID and the tracker's "unique
users" grow.

Conventions of the model: the cap runs on calendar days, as it does for a
script-set cookie (storage kept elsewhere, counted in days of Safari use,
lasts longer for a person who leaves Safari unused), and a gap of exactly
``cookie_cap_days`` counts as expired. Pass ``cookie_cap_days + 1`` for the
other convention (a gap of exactly the cap keeps the ID). Not modelled:
visitors who arrive through a decorated link from a domain Safari classifies
as a tracker get a 24-hour cap instead (ITP 2.2, April 2019), which splits
them more. Server logs keyed by a user ID count each person once.
:func:`simulate_identity` draws the visits; :func:`expected_anonymous_ids_per_user`
and :func:`expected_identity_inflation` give the averages in closed form.

Derivation of the expected IDs. Let ``q`` be the daily visit probability,
``c`` the cookie cap in days and ``V_t`` (``t = 0, ..., days - 1``)
independent Bernoulli(q) visits. The person has no ID if they never visit,
and otherwise one ID from their first visit plus one more at every visit that
comes ``c`` days or more after the previous one. By linearity of expectation::

    E[IDs] = P(at least one visit) + sum over t of P(visit on day t starts a new ID
                                                   after an earlier visit)

``P(at least one visit) = 1 - (1 - q)**days``. A visit on day ``t`` starts a
new ID after an earlier visit exactly when

- there is a visit on day ``t`` (probability ``q``),
- none on the ``c - 1`` days before it, ``t - c + 1, ..., t - 1`` (so the gap
  to the previous visit is at least ``c``): ``(1 - q)**(c - 1)``,
- at least one visit on days ``0, ..., t - c`` (there is a previous visit):
  ``1 - (1 - q)**(t - c + 1)``.

The three concern disjoint days, so they multiply; the last is impossible for
``t < c``. Hence::

    E[IDs] = 1 - (1 - q)**days
             + sum_{t = c}^{days - 1} q (1 - q)**(c - 1) (1 - (1 - q)**(t - c + 1))

The expectation counts people who never visit as 0 IDs; divide by
``1 - (1 - q)**days`` for IDs per visiting person.

Probabilities are fractions in [0, 1]; durations are whole days.

References
----------
Wilander, J. (2019). *Intelligent Tracking Prevention 2.1.* WebKit blog,
February 2019: cookies set by script are capped at 7 days.

Wilander, J. (2019). *Intelligent Tracking Prevention 2.2.* WebKit blog,
April 2019: a 24-hour cap for such cookies when the visitor came through a
decorated link from a classified domain.

Wilander, J. (2020). *Full Third-Party Cookie Blocking and More.* WebKit blog,
March 2020 (Safari 13.1, iOS and iPadOS 13.4): a 7-day cap on all
script-writable storage, deleted after 7 days of Safari use without user
interaction on the site.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from infralab.validation import (
    check_array,
    check_count,
    check_integer,
    check_probability,
    check_seed,
    read_only,
)

__all__ = [
    "IdentityResult",
    "expected_anonymous_ids_per_user",
    "expected_identity_inflation",
    "simulate_identity",
]

#: Largest simulation accepted (people x days), to keep a laptop responsive.
_MAX_IDENTITY_USER_DAYS = 100_000_000
#: The longest span, in days, the expected-value formulas take: a century.
_MAX_DAYS = 36_500


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
    single_visit_ids : int
        Anonymous IDs seen on one visit only: to the tracker, new users who
        never came back.

    Examples
    --------
    >>> result = simulate_identity(1_000, 30, daily_visit_probability=1.0,
    ...                            capped_share=1.0, cookie_cap_days=1, seed=0)
    >>> result.true_users, result.anonymous_ids, result.capped_inflation
    (1000, 30000, 30.0)
    """

    n_users: int
    days: int
    cookie_cap_days: int
    true_users: int
    anonymous_ids: int
    inflation: float
    ids_per_user: np.ndarray
    capped: np.ndarray
    single_visit_ids: int = 0

    @property
    def capped_inflation(self) -> float:
        """Anonymous IDs per visiting person on capped browsers (NaN if none visited)."""
        visited = self.capped & (self.ids_per_user > 0)
        count = int(visited.sum())
        return float(self.ids_per_user[visited].sum() / count) if count else math.nan


def _check_visit_probability(value: object, n_users: int) -> float | np.ndarray:
    """One probability, or an array of one probability per person."""
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
    ``capped_share`` of people use a browser that expires cookies set by
    script 7 days after they were last written (Safari's ITP, since February
    2019). The tracker re-sets its cookie at every visit,
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
        Lifetime of a script-set cookie on a capped browser, in days since the
        last visit (>= 1; default 7, Safari's ITP). A gap of exactly this many
        days counts as expired.
    seed : int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    IdentityResult

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

    # An ID is seen once when the visit that starts it is also its last: the person's
    # next visit starts a new ID or never comes. Walk the visits as one flat list.
    person, visit_day = np.nonzero(visits)  # by person, then day
    new_person = np.ones(person.size + 1, dtype=bool)
    new_person[1:-1] = person[1:] != person[:-1]
    gap_expires = np.ones(person.size + 1, dtype=bool)
    gap_expires[1:-1] = capped[person[1:]] & (np.diff(visit_day) >= cap)
    starts_id = new_person[:-1] | gap_expires[:-1]
    ends_id = new_person[1:] | gap_expires[1:]
    single_visit_ids = int(np.count_nonzero(starts_id & ends_id))

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
        single_visit_ids=single_visit_ids,
    )


def expected_anonymous_ids_per_user(
    days: int, daily_visit_probability: float, cookie_cap_days: int = 7
) -> float:
    """Expected anonymous IDs of one person on a capped browser, in closed form.

    With ``q`` the daily visit probability and ``c`` the cap (derivation in the
    module docstring)::

        E[IDs] = 1 - (1 - q)**days
                 + sum_{t = c}^{days - 1} q (1 - q)**(c - 1) (1 - (1 - q)**(t - c + 1))

    the chance of any visit (the first ID) plus, for each day, the chance that
    a visit then comes ``c`` days or more after an earlier one (a new ID).

    Parameters
    ----------
    days : int
        Days observed, from 1 to 36,500.
    daily_visit_probability : float
        Probability ``q`` of a visit on any day.
    cookie_cap_days : int
        Cookie lifetime ``c`` in days (1 to 36,500; default 7, Safari's ITP); a
        gap of exactly ``c`` days counts as expired.

    Returns
    -------
    float
        Expected anonymous IDs per person, visiting or not (divide by
        ``1 - (1 - q)**days`` for IDs per visiting person).

    Examples
    --------
    Two days, a one-day cap, a coin flip a day: no visit (0 IDs), one visit
    (1 ID, twice) or two visits (2 IDs), so 1 ID on average.

    >>> expected_anonymous_ids_per_user(2, 0.5, cookie_cap_days=1)
    1.0
    >>> expected_anonymous_ids_per_user(90, 1.0)  # a daily visitor keeps one ID
    1.0
    """
    n_days = check_count("days", days, high=_MAX_DAYS)
    q = check_probability("daily_visit_probability", daily_visit_probability)
    cap = check_count("cookie_cap_days", cookie_cap_days, high=_MAX_DAYS)

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
        Days observed, from 1 to 36,500.
    daily_visit_probability : float
        Probability ``q`` of a visit on any day.
    capped_share : float
        Fraction of people on a capped browser.
    cookie_cap_days : int
        Cookie lifetime on a capped browser, in days (1 to 36,500; default 7).

    Returns
    -------
    float
        Inflation factor of "unique users" (1 = no inflation; NaN if ``q = 0``).

    Examples
    --------
    >>> expected_identity_inflation(90, 1.0, capped_share=0.5)
    1.0
    >>> round(expected_identity_inflation(90, 0.10, capped_share=0.34), 3)  # weekly visitors
    2.337
    """
    share = check_probability("capped_share", capped_share)
    n_days = check_count("days", days, high=_MAX_DAYS)
    q = check_probability("daily_visit_probability", daily_visit_probability)
    cap = check_count("cookie_cap_days", cookie_cap_days, high=_MAX_DAYS)

    capped_ids = expected_anonymous_ids_per_user(n_days, q, cap)
    visits = 1.0 - (1.0 - q) ** n_days
    if visits == 0.0:
        return math.nan
    return (share * capped_ids + (1.0 - share) * visits) / visits
