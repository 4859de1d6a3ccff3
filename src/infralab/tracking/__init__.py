"""Lesson 05, server-side tracking: what a client-side tracker never sees.

Users walk through a funnel (visit, sign-up, activation, purchase). The server
logs nearly every event it handles, but honours consent like any tracker: for
a user who declined, it records only the order itself. A client-side tracker
in the browser also loses the events of users who block trackers, events that
fail on the network, and events sent as the page unloads whose beacon never
arrives. The losses differ by segment (device, browser, audience), so they
bias conversion rates, can turn an A/B test around, and capped cookies inflate
the tracker's count of unique users. A small server-side pipeline stores each
event once however often it is delivered.

Modules, one concern each:

- :mod:`~infralab.tracking.segments`: :class:`Step`, :class:`Segment`, the
  lesson's :data:`DEFAULT_STEPS` and :data:`DEFAULT_SEGMENTS` and the sources of
  their numbers.
- :mod:`~infralab.tracking.funnel`: the closed-form :func:`client_survival`,
  :func:`server_survival` (consent binds the server too),
  :func:`simulate_funnel`, and its readouts :func:`funnel_counts` and
  :func:`conversion_rates`.
- :mod:`~infralab.tracking.abtest`: :func:`simulate_ab_test` and
  :func:`expected_ab_readout`, an A/B test whose variant loses more beacons.
- :mod:`~infralab.tracking.identity`: :func:`simulate_identity` and its closed
  forms, anonymous IDs split when Safari deletes script-set cookies after 7 days.
- :mod:`~infralab.tracking.pipeline`: :func:`event_log`,
  :func:`deliver_with_retries`, :func:`store_events` in SQLite
  (:data:`CREATE_EVENTS_SQL`, :data:`INSERT_EVENT_SQL`), :data:`FUNNEL_SQL` over
  consenting users and :data:`ORDERS_SQL` for every order.

Everything public is available here, e.g. ``tracking.simulate_funnel``.
Probabilities are fractions in [0, 1]; counts are numbers of users or events.

Examples
--------
>>> from infralab import tracking
>>> survival = tracking.client_survival()
>>> round(float(survival.loc["Desktop Firefox/Brave, developers", "visit"]), 3)
0.277
"""

from __future__ import annotations

from .abtest import ABTestResult, Arms, expected_ab_readout, simulate_ab_test
from .funnel import (
    SOURCES,
    FunnelSimulation,
    client_survival,
    conversion_rates,
    funnel_counts,
    segment_table,
    server_survival,
    simulate_funnel,
)
from .identity import (
    IdentityResult,
    expected_anonymous_ids_per_user,
    expected_identity_inflation,
    simulate_identity,
)
from .pipeline import (
    CREATE_EVENTS_SQL,
    EVENT_COLUMNS,
    FUNNEL_SQL,
    INSERT_EVENT_SQL,
    ORDERS_SQL,
    STORED_COLUMNS,
    StoreResult,
    deliver_with_retries,
    event_log,
    funnel_from_events,
    funnel_from_sql,
    store_events,
)
from .segments import ALL_USERS, DEFAULT_SEGMENTS, DEFAULT_STEPS, Segment, Step

__all__ = [
    "ALL_USERS",
    "DEFAULT_SEGMENTS",
    "DEFAULT_STEPS",
    "CREATE_EVENTS_SQL",
    "EVENT_COLUMNS",
    "INSERT_EVENT_SQL",
    "ORDERS_SQL",
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
    "server_survival",
    "simulate_ab_test",
    "simulate_funnel",
    "simulate_identity",
    "store_events",
]
