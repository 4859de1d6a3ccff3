"""Availability arithmetic: nines, dependencies in series and in parallel, error budgets.

A service that is up a fraction ``a`` of the time is down ``1 - a`` of it. Three
rules cover most of what a team has to reason about:

- **Nines to downtime.** Allowed downtime = ``(1 - a) x the window``: 99.9% over
  30 days is 43.2 minutes (the SRE Workbook's example).
- **Series.** A request that needs every one of several independent services
  succeeds only when all are up: the availabilities multiply, so five services at
  99.9% give about 99.5%.
- **Parallel.** A redundant group of independent replicas is down only when all
  of them are: its unavailabilities multiply, ``1 - prod(1 - a_i)``.

An *error budget* is the downtime an SLO allows over its window; the *burn rate*
is how many times faster than "exactly on budget" it is being spent. At burn rate
``b`` a window of ``T`` days' budget is gone in ``T / b`` days: 14.4 empties a
30-day budget in about two days (SRE Workbook, "Alerting on SLOs").

Independence is an assumption: replicas that share a power supply, a deploy or a
bad config fail together, and then parallel redundancy buys much less.
"""

from __future__ import annotations

import numpy as np

from infralab.validation import check_array, check_number, check_probability

__all__ = [
    "MINUTES_PER_DAY",
    "availability_in_parallel",
    "availability_in_series",
    "budget_exhaustion_days",
    "downtime_minutes",
    "error_budget_minutes",
]

#: Minutes in one day.
MINUTES_PER_DAY = 24 * 60

#: The longest window accepted, in days (a century).
_MAX_WINDOW_DAYS = 36_500.0


def downtime_minutes(availability: float, window_days: float = 30.0) -> float:
    """Return the minutes a service may be down in ``window_days`` at ``availability``.

    Parameters
    ----------
    availability : float
        The fraction of time the service is up, from 0 to 1 (0.999, not 99.9).
    window_days : float
        The length of the window in days (30 for a month, 365 for a year).

    Returns
    -------
    float
        ``(1 - availability) * window_days * 1,440`` minutes.

    Examples
    --------
    >>> round(downtime_minutes(0.999), 1)
    43.2
    >>> round(downtime_minutes(0.9999, window_days=365), 1)
    52.6
    """
    availability = check_probability("availability", availability)
    window_days = check_number("window_days", window_days, low=0.0, high=_MAX_WINDOW_DAYS)
    return (1.0 - availability) * window_days * MINUTES_PER_DAY


def availability_in_series(availabilities: object) -> float:
    """Return the availability of a request that needs every one of independent services.

    Parameters
    ----------
    availabilities : sequence of float
        Each service's availability, from 0 to 1.

    Returns
    -------
    float
        The product of the availabilities.

    Examples
    --------
    >>> round(availability_in_series([0.999] * 5), 4)
    0.995
    """
    values = check_array("availabilities", availabilities, low=0.0, high=1.0)
    return float(np.prod(values))


def availability_in_parallel(availabilities: object) -> float:
    """Return the availability of a group of independent replicas, any one of which suffices.

    Parameters
    ----------
    availabilities : sequence of float
        Each replica's availability, from 0 to 1.

    Returns
    -------
    float
        ``1 - prod(1 - a)``: the group is down only when every replica is.

    Examples
    --------
    >>> round(availability_in_parallel([0.99, 0.99]), 6)
    0.9999
    """
    values = check_array("availabilities", availabilities, low=0.0, high=1.0)
    return float(1.0 - np.prod(1.0 - values))


def error_budget_minutes(slo: float, window_days: float = 30.0) -> float:
    """Return the error budget of an availability SLO over its window, in minutes.

    The same arithmetic as :func:`downtime_minutes`, named for the SLO a team
    promises rather than the availability it measures.

    Examples
    --------
    >>> round(error_budget_minutes(0.999, 30), 1)
    43.2
    """
    slo = check_probability("slo", slo)
    window_days = check_number("window_days", window_days, low=0.0, high=_MAX_WINDOW_DAYS)
    return (1.0 - slo) * window_days * MINUTES_PER_DAY


def budget_exhaustion_days(burn_rate: float, window_days: float = 30.0) -> float:
    """Return the days until a full error budget is gone at a constant ``burn_rate``.

    A burn rate of 1 spends the budget exactly over the window; ``b`` spends it
    ``b`` times faster, in ``window_days / b`` days.

    Examples
    --------
    >>> round(budget_exhaustion_days(14.4), 2)
    2.08
    """
    burn_rate = check_number("burn_rate", burn_rate, low=0.0, low_inclusive=False, high=1e9)
    window_days = check_number("window_days", window_days, low=0.0, high=_MAX_WINDOW_DAYS)
    return window_days / burn_rate
