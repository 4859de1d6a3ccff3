"""What lesson 05's figures and sentences claim, asserted on the course's own data and model.

nbval compares the notebook's text outputs but not its images, so each finding a
figure states is checked here through the package functions that compute it, with the
lesson's own parameters read from its notebook (tests/notebook_constants.py).
"""

import sqlite3

import numpy as np
import pandas as pd
import pytest

from infralab import datasets, tracking
from tests.notebook_constants import notebook_constants

LESSON = notebook_constants(
    "05_server_side_tracking.ipynb", "SEED", "CONTROL_RATE", "VARIANT_RATE",
    "UNLOAD_LOSS_CONTROL", "UNLOAD_LOSS_VARIANT", "BLOCKING", "USERS_PER_ARM",
    "MONTHLY_VISITORS", "MONTHS", "SAFARI_SHARE", "DAILY_VISITS",
)
SEED = LESSON["SEED"]
DEVELOPERS = "Desktop Firefox/Brave, developers"
IN_APP = "In-app browsers / Samsung Internet"
AB = dict(control_rate=LESSON["CONTROL_RATE"], variant_rate=LESSON["VARIANT_RATE"],
          unload_loss_control=LESSON["UNLOAD_LOSS_CONTROL"],
          unload_loss_variant=LESSON["UNLOAD_LOSS_VARIANT"])


@pytest.fixture(scope="module")
def events():
    return datasets.load_tracking_events()


@pytest.fixture(scope="module")
def server(events):
    return events[events.source == "server"]


@pytest.fixture(scope="module")
def client(events):
    return events[events.source == "client"]


def test_developers_purchases_reach_analytics_least_about_a_quarter_of_the_time():
    purchase = tracking.client_survival()["purchase"]
    assert purchase.idxmin() == DEVELOPERS
    assert purchase[DEVELOPERS] == pytest.approx(0.4 * 0.7 * 0.99 * 0.95)  # 26%
    assert purchase.idxmax() == "Android Chrome"


def test_loss_by_segment_ranges_from_a_tenth_to_three_quarters(server, client):
    distinct = server.drop_duplicates("event_id")
    loss = 1 - client.groupby("segment").size() / distinct.groupby("segment").size()
    assert 0.10 <= loss.min() <= 0.15 and 0.70 <= loss.max() <= 0.78
    assert loss.idxmax() == DEVELOPERS
    assert 1 - len(client) / len(distinct) == pytest.approx(0.25, abs=0.02)  # "about a quarter"


def test_developers_make_a_quarter_of_purchases_and_in_app_purchases_vanish(server, client):
    def shares(log):
        purchases = log[log.step == "purchase"].groupby("segment").size()
        return purchases / purchases.sum()

    real, seen = shares(server.drop_duplicates("event_id")), shares(client)
    assert real[DEVELOPERS] == pytest.approx(0.25, abs=0.02)
    assert seen[DEVELOPERS] < 0.10
    assert IN_APP in real and IN_APP not in seen
    others = real.index.difference([DEVELOPERS, IN_APP])
    assert (seen[others] > real[others]).all()  # every other segment looks bigger


def test_a_million_users_match_the_formula_and_bias_the_total_conversion():
    simulation = tracking.simulate_funnel(1_000_000, seed=SEED)
    counts = tracking.funnel_counts(simulation)
    sign_ups = counts[(counts.step == "sign_up") & (counts.segment != tracking.ALL_USERS)]
    formula = 1 - tracking.client_survival()["sign_up"]
    assert np.allclose(sign_ups.set_index("segment").client_loss, formula, atol=0.015)
    true = tracking.conversion_rates(simulation, "actual")["visit -> purchase"]
    seen = tracking.conversion_rates(simulation, "client")["visit -> purchase"]
    assert seen[tracking.ALL_USERS] / true[tracking.ALL_USERS] - 1 == pytest.approx(-0.22, abs=0.02)
    assert seen[DEVELOPERS] / true[DEVELOPERS] == pytest.approx(0.95, abs=0.05)


def test_the_client_crowns_the_control_while_the_server_picks_the_variant():
    result = tracking.simulate_ab_test(
        LESSON["USERS_PER_ARM"], tracker_blocking=LESSON["BLOCKING"], seed=SEED, **AB)
    assert result.winner == {"actual": "variant", "server": "variant", "client": "control"}
    assert result.p_value["client"] < 0.001 and result.p_value["server"] < 0.01
    expected = tracking.expected_ab_readout(**AB)
    assert expected.relative_lift["client"] == pytest.approx(0.044 * 0.7 / (0.04 * 0.95) - 1)


@pytest.mark.parametrize("blocking", [0.0, 0.3, 0.6])
def test_in_the_try_it_equal_unload_losses_keep_the_client_near_the_truth(blocking):
    result = tracking.simulate_ab_test(
        LESSON["USERS_PER_ARM"], control_rate=AB["control_rate"],
        variant_rate=AB["variant_rate"], tracker_blocking=blocking,
        unload_loss_control=0.2, unload_loss_variant=0.2, seed=SEED)
    assert result.relative_lift["client"] == pytest.approx(0.10, abs=0.06)
    assert result.winner["client"] != "control"


def test_the_wrong_call_forgoes_19200_orders_a_year():
    lost = LESSON["MONTHLY_VISITORS"] * (AB["variant_rate"] - AB["control_rate"]) * LESSON["MONTHS"]
    assert lost == pytest.approx(19_200)


def test_a_weekly_ish_safari_visitor_appears_as_about_five_people():
    identity = tracking.simulate_identity(
        100_000, 90, daily_visit_probability=LESSON["DAILY_VISITS"],
        capped_share=LESSON["SAFARI_SHARE"], seed=SEED)
    assert identity.capped_inflation == pytest.approx(4.9, abs=0.1)
    assert identity.inflation == pytest.approx(
        tracking.expected_identity_inflation(90, LESSON["DAILY_VISITS"], LESSON["SAFARI_SHARE"]),
        abs=0.01)


def test_the_identity_curve_peaks_near_one_visit_a_week_and_falls_to_one_for_daily_visitors():
    q = np.linspace(0.01, 1.0, 100)
    for window in (28, 90):
        per_person = np.array([tracking.expected_anonymous_ids_per_user(window, p)
                               / (1 - (1 - p) ** window) for p in q])
        peak_visits_per_week = 7 * q[np.argmax(per_person)]
        assert 0.7 <= peak_visits_per_week <= 1.6, window
        assert per_person[-1] == pytest.approx(1.0)
    assert per_person.max() > 5  # the 90-day curve


def test_retries_are_stored_once_and_sql_matches_pandas(server):
    connection = sqlite3.connect(":memory:")
    first = tracking.store_events(connection, server)
    assert first.stored == server.event_id.nunique()
    assert first.duplicates_ignored == server.event_id.duplicated().sum() > 0
    assert tracking.store_events(connection, server).stored == 0
    pd.testing.assert_frame_equal(tracking.funnel_from_sql(connection),
                                  tracking.funnel_from_events(server))
