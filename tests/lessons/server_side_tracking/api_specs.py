"""Public-API specs of lesson 05's model (``infralab.tracking``) and its data set.

Found by ``tests/test_public_api.py`` through :data:`infralab.lessons.LESSONS`.
"""

from __future__ import annotations

import math
import sqlite3

import pandas as pd
from hypothesis import strategies as st

from infralab import tracking
from tests.api_specs import (
    BAD_FLAG,
    BAD_PATH,
    BAD_SEED,
    BAD_TEXT,
    SEEDS,
    Spec,
    bad_choice,
    bad_integer,
    bad_number,
    finite,
    kwargs,
)

PROBABILITY = finite(0.0, 1.0)
BAD_PROBABILITY = bad_number(0.0, 1.0)
NOT_SEGMENTS = (None, [], "Desktop Chrome", [3], tracking.DEFAULT_SEGMENTS[:1])
NOT_STEPS = (None, [], "visit", [3])
FRESH = "a fresh in-memory SQLite database"


@st.composite
def simulations(draw, max_users=600):
    return tracking.simulate_funnel(draw(st.integers(1, max_users)), seed=draw(SEEDS))


@st.composite
def event_logs(draw):
    return tracking.event_log(draw(simulations(200)), source="server", days=7, seed=draw(SEEDS))


def _with_database(function, arguments):
    """Replace :data:`FRESH` by an in-memory database (holding events for funnel_from_sql)."""
    arguments = dict(arguments)
    stored = arguments.pop("stored_events", None)
    if arguments.get("connection") != FRESH:
        return function(**arguments)
    connection = sqlite3.connect(":memory:")
    try:
        if stored is not None:
            tracking.store_events(connection, stored)
        arguments["connection"] = connection
        return function(**arguments)
    finally:
        connection.close()


SEGMENT_FIELDS = {
    "name": st.just("Desktop Chrome"),
    "device": st.just("desktop"),
    "browser": st.just("Chrome"),
    "audience": st.just("general"),
    "share": finite(0.01, 1.0),
    "tracker_blocking": PROBABILITY,
    "consent_decline": PROBABILITY,
    "network_loss": PROBABILITY,
    "unload_loss": PROBABILITY,
    "step_rates": st.tuples(PROBABILITY, PROBABILITY, PROBABILITY),
}

TRACKING = {
    "infralab.tracking.Step": Spec(
        kwargs(
            name=st.text(min_size=1, max_size=10).filter(str.strip),
            fires_on_unload=st.booleans(),
            strictly_necessary=st.booleans(),
        ),
        invalid={
            "name": (*BAD_TEXT, ""),
            "fires_on_unload": BAD_FLAG,
            "strictly_necessary": BAD_FLAG,
        },
    ),
    "infralab.tracking.Segment": Spec(
        kwargs(**SEGMENT_FIELDS),
        invalid={
            "name": (*BAD_TEXT, ""),
            "device": (*BAD_TEXT, ""),
            "browser": (*BAD_TEXT, ""),
            "audience": (*BAD_TEXT, ""),
            "share": bad_number(0.0, 1.0, open_low=True),
            "tracker_blocking": BAD_PROBABILITY,
            "consent_decline": BAD_PROBABILITY,
            "network_loss": BAD_PROBABILITY,
            "unload_loss": BAD_PROBABILITY,
            "step_rates": (None, "0.5", 0.5, [1.5, 0.5, 0.5], [math.nan, 0.5, 0.5]),
        },
    ),
    "infralab.tracking.segment_table": Spec(
        kwargs(),
        invalid={"segments": NOT_SEGMENTS, "steps": NOT_STEPS},
    ),
    "infralab.tracking.client_survival": Spec(
        kwargs(),
        invalid={"segments": NOT_SEGMENTS, "steps": NOT_STEPS},
    ),
    "infralab.tracking.server_survival": Spec(
        kwargs(),
        invalid={"segments": NOT_SEGMENTS, "steps": NOT_STEPS},
    ),
    "infralab.tracking.simulate_funnel": Spec(
        kwargs(n_users=st.integers(1, 2000), server_loss=PROBABILITY, seed=SEEDS),
        invalid={
            "n_users": bad_integer(1, 20_000_000),
            "segments": NOT_SEGMENTS,
            "steps": NOT_STEPS,
            "server_loss": BAD_PROBABILITY,
            "seed": BAD_SEED,
        },
    ),
    "infralab.tracking.funnel_counts": Spec(
        kwargs(simulation=simulations()),
        invalid={"simulation": (None, "simulation", 3, pd.DataFrame())},
        non_finite="NaN share missed where no event happened (0 / 0), as documented",
    ),
    "infralab.tracking.conversion_rates": Spec(
        kwargs(
            simulation=simulations(),
            source=st.sampled_from(tracking.SOURCES),
            consented_only=st.booleans(),
        ),
        invalid={
            "simulation": (None, "simulation", 3, pd.DataFrame()),
            "source": bad_choice("server"),
            "consented_only": BAD_FLAG,
        },
        non_finite="NaN where a segment had no users reaching a step (0 / 0), as documented",
    ),
    "infralab.tracking.event_log": Spec(
        kwargs(
            simulation=simulations(),
            source=st.sampled_from(tracking.SOURCES),
            days=st.integers(1, 60),
            seed=SEEDS,
        ),
        invalid={
            "simulation": (None, "simulation", 3),
            "source": bad_choice("server"),
            "days": bad_integer(1),
            "seed": BAD_SEED,
        },
    ),
    "infralab.tracking.deliver_with_retries": Spec(
        kwargs(events=event_logs(), retry_probability=finite(0.0, 0.9), seed=SEEDS),
        invalid={
            "events": (None, "log", 3, pd.DataFrame({"x": [1]})),
            "retry_probability": bad_number(0.0, 1.0, open_high=True),
            "seed": BAD_SEED,
        },
    ),
    "infralab.tracking.store_events": Spec(
        kwargs(connection=st.just(FRESH), events=event_logs()),
        invalid={
            "connection": (None, ":memory:", 3),
            "events": (None, "log", 3, pd.DataFrame({"x": [1]})),
        },
        call=_with_database,
    ),
    "infralab.tracking.funnel_from_sql": Spec(
        kwargs(connection=st.just(FRESH), stored_events=event_logs()),
        invalid={"connection": (None, ":memory:", 3)},
        call=_with_database,
    ),
    "infralab.tracking.funnel_from_events": Spec(
        kwargs(events=event_logs(), deduplicate=st.booleans()),
        invalid={
            "events": (None, "log", 3, pd.DataFrame({"x": [1]})),
            "deduplicate": BAD_FLAG,
        },
    ),
    "infralab.tracking.simulate_ab_test": Spec(
        kwargs(
            n_users_per_arm=st.integers(1, 3000),
            control_rate=PROBABILITY,
            variant_rate=PROBABILITY,
            tracker_blocking=PROBABILITY,
            unload_loss_control=PROBABILITY,
            unload_loss_variant=PROBABILITY,
            consent_decline=PROBABILITY,
            server_loss=PROBABILITY,
            alpha=finite(0.001, 0.5),
            seed=SEEDS,
        ),
        invalid={
            "n_users_per_arm": bad_integer(1),
            "control_rate": BAD_PROBABILITY,
            "variant_rate": BAD_PROBABILITY,
            "tracker_blocking": BAD_PROBABILITY,
            "unload_loss_control": BAD_PROBABILITY,
            "unload_loss_variant": BAD_PROBABILITY,
            "consent_decline": BAD_PROBABILITY,
            "server_loss": BAD_PROBABILITY,
            "alpha": bad_number(0.0, 1.0, open_low=True, open_high=True),
            "seed": BAD_SEED,
        },
        non_finite="NaN rates, lift and p-value without visitors or with a control rate of 0, "
        "as documented",
    ),
    "infralab.tracking.expected_ab_readout": Spec(
        kwargs(
            control_rate=PROBABILITY,
            variant_rate=PROBABILITY,
            unload_loss_control=PROBABILITY,
            unload_loss_variant=PROBABILITY,
            server_loss=PROBABILITY,
        ),
        invalid={
            "control_rate": BAD_PROBABILITY,
            "variant_rate": BAD_PROBABILITY,
            "unload_loss_control": BAD_PROBABILITY,
            "unload_loss_variant": BAD_PROBABILITY,
            "server_loss": BAD_PROBABILITY,
        },
        non_finite="NaN lift when the control rate is 0, as documented",
    ),
    "infralab.tracking.simulate_identity": Spec(
        kwargs(
            n_users=st.integers(1, 300),
            days=st.integers(1, 60),
            daily_visit_probability=PROBABILITY,
            capped_share=PROBABILITY,
            cookie_cap_days=st.integers(1, 30),
            seed=SEEDS,
        ),
        invalid={
            "n_users": bad_integer(1),
            "days": bad_integer(1),
            "daily_visit_probability": (None, "0.5", True, math.nan, -0.1, 1.1, [0.5, 2.0]),
            "capped_share": BAD_PROBABILITY,
            "cookie_cap_days": bad_integer(1),
            "seed": BAD_SEED,
        },
        non_finite="NaN inflation when nobody visited, as documented",
    ),
    "infralab.tracking.expected_anonymous_ids_per_user": Spec(
        kwargs(
            days=st.integers(1, 400),
            daily_visit_probability=PROBABILITY,
            cookie_cap_days=st.integers(1, 30),
        ),
        invalid={
            "days": bad_integer(1),
            "daily_visit_probability": BAD_PROBABILITY,
            "cookie_cap_days": bad_integer(1),
        },
    ),
    "infralab.tracking.expected_identity_inflation": Spec(
        kwargs(
            days=st.integers(1, 400),
            daily_visit_probability=PROBABILITY,
            capped_share=PROBABILITY,
            cookie_cap_days=st.integers(1, 30),
        ),
        invalid={
            "days": bad_integer(1),
            "daily_visit_probability": BAD_PROBABILITY,
            "capped_share": BAD_PROBABILITY,
            "cookie_cap_days": bad_integer(1),
        },
        non_finite="NaN when daily_visit_probability is 0: nobody visits (documented)",
    ),
    "infralab.datasets.tracking_events.load_tracking_events": Spec(
        kwargs(),
        invalid={"path": BAD_PATH},
        valid_calls="reads data/: checked in tests/test_datasets.py",
    ),
    "infralab.datasets.tracking_events.simulate_tracking_events": Spec(
        kwargs(visitors=st.integers(1, 500), seed=SEEDS),
        invalid={"visitors": bad_integer(1), "seed": BAD_SEED},
    ),
}


#: Plain result records: frozen dataclasses or named tuples the package builds from checked
#: values, with no behaviour that takes arguments. Calling them directly is not an interface.

SPECS = TRACKING

RECORDS = {
    "infralab.tracking.ABTestResult": "built by simulate_ab_test",
    "infralab.tracking.Arms": "built by simulate_ab_test",
    "infralab.tracking.FunnelSimulation": "built by simulate_funnel, which it checks",
    "infralab.tracking.IdentityResult": "built by simulate_identity",
    "infralab.tracking.StoreResult": "built by store_events",
}
