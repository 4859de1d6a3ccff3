"""What lesson 01's figures and sentences claim, asserted on the course's own model.

nbval compares the notebook's text outputs but not its images, so each finding a
figure states is checked here through the package functions that compute it, with the
lesson's own parameters read from its notebook (tests/notebook_constants.py).
"""

import math

import numpy as np
import pytest

from infralab import reliability
from tests.notebook_constants import notebook_constants

LESSON = notebook_constants(
    "01_invisible_qualities.ipynb",
    "SEED",
    "NINES",
    "FIVE_SERVICES",
    "REPLICA",
    "SLO",
    "WINDOW_DAYS",
    "BURN_RATE",
    "SERVICE_MS",
    "UTILISATION",
    "N_REQUESTS",
    "LOADS",
    "LEAF_MEDIAN_MS",
    "LEAF_P99_MS",
    "FANOUT",
    "SLO_MS",
    "RUNS",
    "RANGES",
    "HEAD_START",
    "RICH_FEATURE_WEIGHT",
    "DRIVERS",
    "BREAK_EVEN",
    "REAL_SERVICE_MS",
    "REAL_REQUESTS",
)
SEED = LESSON["SEED"]
SERVICE_MS = LESSON["SERVICE_MS"]
LEAF = dict(median_ms=LESSON["LEAF_MEDIAN_MS"], p99_ms=LESSON["LEAF_P99_MS"])


@pytest.fixture(scope="module")
def market():
    return reliability.simulate_market(months=36, runs=LESSON["RUNS"], seed=SEED)


# --------------------------------------------------------------------------- 1. nines


def test_each_nine_divides_the_allowance_from_over_seven_hours_to_under_half_a_minute():
    minutes = [reliability.downtime_minutes(a, 30) for a in LESSON["NINES"]]
    assert minutes[0] > 7 * 60 and minutes[-1] < 0.5
    assert minutes[1] == pytest.approx(43.2)
    assert np.allclose(np.array(minutes[:-1]) / np.array(minutes[1:]), 10)


def test_five_services_in_series_give_99_5_percent_and_216_minutes():
    chain = reliability.availability_in_series(LESSON["FIVE_SERVICES"])
    assert round(chain, 4) == 0.995
    assert round((1 - chain) * 30 * 24 * 60) == 216
    pair = reliability.availability_in_parallel([LESSON["REPLICA"]] * 2)
    assert round(pair, 4) == 0.9999


def test_the_budget_is_43_2_minutes_and_burn_rate_14_4_empties_it_in_about_two_days():
    assert reliability.error_budget_minutes(LESSON["SLO"], LESSON["WINDOW_DAYS"]) == pytest.approx(
        43.2
    )
    days = reliability.budget_exhaustion_days(LESSON["BURN_RATE"], LESSON["WINDOW_DAYS"])
    assert round(days, 2) == 2.08 and round(days * 24) == 50


# --------------------------------------------------------------------------- 2. queues


def test_a_million_requests_match_the_mean_to_about_a_percent():
    rng = np.random.default_rng(SEED)
    gaps = rng.exponential(SERVICE_MS / LESSON["UTILISATION"], LESSON["N_REQUESTS"])
    services = rng.exponential(SERVICE_MS, LESSON["N_REQUESTS"])
    total = np.concatenate([[0.0], np.cumsum(services[:-1] - gaps[1:])])
    in_system = total - np.minimum.accumulate(total) + services
    formula = reliability.mm1_time_in_system(LESSON["UTILISATION"], SERVICE_MS)
    assert formula == pytest.approx(50.0)
    assert in_system.mean() == pytest.approx(formula, rel=0.015)
    p99 = reliability.time_in_system_quantile(0.99, LESSON["UTILISATION"], 1, SERVICE_MS)
    assert 230 < p99 < 231
    assert np.quantile(in_system, 0.99) == pytest.approx(p99, rel=0.05)
    # "the mean agrees within its +- 2 SE; the p99 lands a little low, by about two SE"
    batches = in_system.reshape(20, -1)
    mean_se = batches.mean(axis=1).std(ddof=1) / np.sqrt(20)
    p99_se = np.quantile(batches, 0.99, axis=1).std(ddof=1) / np.sqrt(20)
    assert abs(in_system.mean() - formula) < 2 * mean_se
    assert -2.5 < (np.quantile(in_system, 0.99) - p99) / p99_se < -1.5


def test_the_low_p99_is_an_unlucky_seed_not_a_bias():
    p99 = reliability.time_in_system_quantile(0.99, LESSON["UTILISATION"], 1, SERVICE_MS)
    sims = [
        reliability.simulate_queue(
            LESSON["UTILISATION"], n_requests=200_000, service_time=SERVICE_MS, seed=seed
        )
        for seed in range(30)
    ]
    errors = np.array([sim.quantile(0.99) / p99 - 1 for sim in sims])
    assert abs(errors.mean()) < 2 * errors.std(ddof=1) / np.sqrt(errors.size)
    assert (errors > 0).sum() >= 8 and (errors < 0).sum() >= 8  # above as often as below
    # the batch-means standard error is the spread over seeds
    ses = np.array([sim.standard_error(0.99) for sim in sims]) / p99
    assert ses.mean() == pytest.approx(errors.std(ddof=1), rel=0.35)


def test_the_knee_past_80_percent_and_the_dots_on_the_lines():
    p99 = {
        rho: reliability.time_in_system_quantile(0.99, rho, 1, SERVICE_MS)
        for rho in (0.5, 0.8, 0.95)
    }
    assert p99[0.8] / p99[0.5] == pytest.approx(2.5)
    assert p99[0.95] / p99[0.8] == pytest.approx(4.0)
    for rho in LESSON["LOADS"]:
        sim = reliability.simulate_queue(
            rho, n_requests=200_000, service_time=SERVICE_MS, seed=SEED
        )
        for q in (0.5, 0.99):
            closed = reliability.time_in_system_quantile(q, rho, 1, SERVICE_MS)
            assert sim.quantile(q) == pytest.approx(closed, rel=0.12), (rho, q)
            # "within about two standard errors"; the furthest is the 90% dot
            assert abs(sim.quantile(q) - closed) < 2.5 * sim.standard_error(q), (rho, q)
    far = max(
        LESSON["LOADS"],
        key=lambda rho: abs(
            reliability.simulate_queue(
                rho, n_requests=200_000, service_time=SERVICE_MS, seed=SEED
            ).quantile(0.99)
            - reliability.time_in_system_quantile(0.99, rho, 1, SERVICE_MS)
        ),
    )
    assert far == 0.9
    # the p99 is 4.6 times the mean
    assert p99[0.5] / reliability.mm1_time_in_system(0.5, SERVICE_MS) == pytest.approx(
        math.log(100)
    )


def test_a_second_server_removes_most_waiting_and_halves_the_p99_at_80_percent():
    one = reliability.mmc_mean_wait(0.8, 1, SERVICE_MS)
    same_traffic = reliability.mmc_mean_wait(0.4, 2, SERVICE_MS)
    assert same_traffic < one / 20
    p99_one = reliability.time_in_system_quantile(0.99, 0.8, 1, SERVICE_MS)
    p99_pooled = reliability.time_in_system_quantile(0.99, 0.8, 2, SERVICE_MS)
    assert p99_pooled / p99_one == pytest.approx(0.5, abs=0.05)
    for rho, c in ((0.8, 1), (0.4, 2), (0.8, 2)):
        sim = reliability.simulate_queue(
            rho, c, n_requests=200_000, service_time=SERVICE_MS, seed=SEED
        )
        formula = reliability.mmc_mean_wait(rho, c, SERVICE_MS)
        assert abs(sim.mean_wait - formula) < 2 * sim.standard_error()  # "within its +- 2 SE"


def test_the_formulas_by_hand_and_the_pooled_p99_to_mean_ratio():
    mu, c = 1 / SERVICE_MS, 2
    a = 2 * 0.8
    top = a**c / math.factorial(c) * c / (c - a)
    erlang = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    assert erlang == pytest.approx(reliability.erlang_c(2, 1.6))
    assert round(erlang, 3) == 0.711
    wait = reliability.mmc_mean_wait(0.8, 2, SERVICE_MS)
    p99 = reliability.time_in_system_quantile(0.99, 0.8, 2, SERVICE_MS)
    assert round(p99 / (wait + SERVICE_MS), 1) == 4.3  # "4.3 (one server: 4.6)"
    assert mu * SERVICE_MS == 1


# --------------------------------------------------------------------------- 3. tail


def test_the_fanout_simulation_lands_on_63_percent_and_about_one_in_five():
    sim = reliability.simulate_fanout(LESSON["FANOUT"], 20_000, seed=SEED, **LEAF)
    formula = 1 - 0.99 ** LESSON["FANOUT"]
    error = math.sqrt(formula * (1 - formula) / 20_000)
    assert abs(sim.slow_share(LESSON["LEAF_P99_MS"]) - formula) < 2 * error
    assert round(formula, 2) == 0.63
    rare = reliability.simulate_fanout(2_000, 2_000, seed=SEED, **LEAF)
    share = rare.slow_share(reliability.leaf_latency_quantile(0.9999, **LEAF))
    assert 0.15 < share < 0.22  # "about 1 in 5"
    rare_formula = reliability.fanout_slow_probability(1e-4, 2_000)
    assert abs(share - rare_formula) < 2 * math.sqrt(rare_formula * (1 - rare_formula) / 2_000)
    assert sim.quantile(0.99) / LESSON["LEAF_P99_MS"] == pytest.approx(4, abs=0.5)
    # the request's p99 is the leaf's 0.99**(1/n) quantile: 40 ms at 100 leaves, 79 at 2,000
    at_100 = reliability.leaf_latency_quantile(0.99 ** (1 / LESSON["FANOUT"]), **LEAF)
    assert round(at_100) == 40 and sim.quantile(0.99) == pytest.approx(at_100, rel=0.05)
    assert round(reliability.leaf_latency_quantile(0.99 ** (1 / 2_000), **LEAF)) == 79
    # sigma = ln(p99 / median) / z_0.99, as the notebook writes it
    sigma = math.log(LESSON["LEAF_P99_MS"] / LESSON["LEAF_MEDIAN_MS"]) / 2.326
    assert LESSON["LEAF_MEDIAN_MS"] * math.exp(sigma * 2.326) == pytest.approx(
        reliability.leaf_latency_quantile(0.99, **LEAF), rel=1e-4
    )


def test_hedging_after_the_p95_cuts_the_p99_for_about_5_percent_more_calls():
    delay = reliability.leaf_latency_quantile(0.95, **LEAF)
    plain = reliability.simulate_fanout(LESSON["FANOUT"], 20_000, seed=SEED, **LEAF)
    hedged = reliability.simulate_fanout(
        LESSON["FANOUT"], 20_000, hedge_after_ms=delay, seed=SEED, **LEAF
    )
    assert round(hedged.extra_load, 2) == 0.05
    assert hedged.quantile(0.99) < plain.quantile(0.99) / 2


def test_the_try_it_defaults_one_in_twenty_two_thirds_and_seven_percent():
    one = reliability.slower_than_probability(LESSON["SLO_MS"], 0.7, 1, SERVICE_MS)
    two = reliability.slower_than_probability(LESSON["SLO_MS"], 0.7, 2, SERVICE_MS)
    assert one == pytest.approx(0.05, abs=0.002)
    assert 1 - (1 - one) ** 20 == pytest.approx(2 / 3, abs=0.03)
    assert round(1 - (1 - two) ** 20, 2) == 0.07


def _busiest(servers, fanout, missed):
    from scipy.optimize import brentq

    leaf = 1 - (1 - missed) ** (1 / fanout)
    return brentq(
        lambda r: (
            reliability.slower_than_probability(LESSON["SLO_MS"], r, servers, SERVICE_MS) - leaf
        ),
        0.01,
        0.99,
    )


def test_the_answer_to_the_try_it_question_38_and_67_percent_and_44_for_seven_percent():
    assert round(_busiest(1, 50, 0.1), 2) == 0.38
    assert round(_busiest(2, 50, 0.1), 2) == 0.67
    two = reliability.slower_than_probability(LESSON["SLO_MS"], 0.7, 2, SERVICE_MS)
    assert round(_busiest(1, 20, 1 - (1 - two) ** 20), 2) == 0.44


# --------------------------------------------------------------------------- 4. market


def test_month_36_engagement_from_the_cited_figures():
    features = 10 + np.array([2.0, 1.0]) * 36
    assert features[0] / features[1] == pytest.approx(1.78, abs=0.01)  # "almost twice"
    load = 1.0 + np.array([0.015, 0.005]) * (features - 10)
    over_3s = 1 - 0.5 * np.array([math.erfc(-math.log(3 / s) / 0.6 / math.sqrt(2)) for s in load])
    assert 0.25 < over_3s[0] < 0.3  # "more than a quarter"
    kept = (1 - 0.53 * over_3s) * (1 - 0.0019 * np.minimum(1000 * (load - 1), 400) / 100)
    assert kept[0] == pytest.approx(0.85, abs=0.01)
    assert kept[1] - kept[0] > 0.1  # "noticeably less"


def test_the_market_parameters_are_the_ones_the_lesson_states():
    stated = {
        "feature_first_features_per_month": 2.0,
        "quality_first_features_per_month": 1.0,
        "load_seconds_per_feature": 0.015,
        "quality_first_load_seconds_per_feature": 0.005,
        "feature_first_availability": 0.995,
        "quality_first_availability": 0.9995,
        "people": 1_000_000,
        "abandonment_over_3s": 0.53,
        "loss_per_100ms": 0.0019,
        "innovation": 0.01,
        "network_weight": 2.0,
        "imitation": 0.3,
        "base_churn": 0.02,
        "churn_per_outage_hour": 0.003,
        "breach_churn": 0.08,
        "encrypted_breach_churn": 0.01,
        "feature_first_breach_probability": 0.02,
        "quality_first_breach_probability": 0.005,
        "head_start": 0.0,
        "feature_weight": 1.0,
    }
    assert stated == {name: reliability.MARKET_DEFAULTS[name] for name in stated}
    assert 0.0076 / 4 == pytest.approx(reliability.MARKET_DEFAULTS["loss_per_100ms"])


def test_feature_first_leads_early_and_quality_first_wins_by_month_36(market):
    assert market.mean_quality_share[12] < 0.5
    assert market.crossover_month == 22
    assert 0.52 < market.final_quality_share < 0.6
    low, high = market.share_band(0.8)
    assert 0.5 < low[-1] < market.final_quality_share < high[-1]


def _drivers():
    return {
        label: reliability.simulate_market(
            months=36, runs=LESSON["RUNS"], seed=SEED, **changes
        ).final_quality_share
        for label, changes in LESSON["DRIVERS"].items()
    }


def test_what_drives_the_win_outages_then_speed_privacy_about_a_point():
    shares = list(_drivers().values())
    base, outages, speed, privacy, network, word_of_mouth = shares
    points = {
        "outages": base - outages,
        "speed": base - speed,
        "privacy": base - privacy,
        "network": base - network,
        "word of mouth": base - word_of_mouth,
    }
    assert outages < 0.5  # "without it, feature-first wins"
    assert points["outages"] > points["speed"] > points["privacy"] > 0  # "speed comes second"
    assert 0.005 < points["privacy"] < 0.015  # "about a point"
    assert abs(points["network"]) < 0.003  # "does almost nothing"
    assert points["word of mouth"] > points["outages"]  # "the compounding comes from word of mouth"
    # the switches do what their labels say
    labels = list(LESSON["DRIVERS"])
    assert LESSON["DRIVERS"][labels[3]] == {
        "quality_first_breach_probability": reliability.MARKET_DEFAULTS[
            "feature_first_breach_probability"
        ],
        "encrypted_breach_churn": reliability.MARKET_DEFAULTS["breach_churn"],
    }


def test_the_tornado_is_led_by_the_head_start_and_four_bars_flip_the_winner():
    table = reliability.market_sensitivity(LESSON["RANGES"], months=36, runs=100, seed=SEED)
    assert table.index[0] == "head_start"
    flips = table[(table.share_at_low < 0.5) | (table.share_at_high < 0.5)].index
    assert set(flips) == {
        "head_start",
        "churn_per_outage_hour",
        "feature_first_availability",
        "feature_weight",
    }
    # "the cited figures move the result far less than the illustrative 15 ms per feature"
    assert table.loc["load_seconds_per_feature", "swing"] > 3 * max(
        table.loc["abandonment_over_3s", "swing"], table.loc["loss_per_100ms", "swing"]
    )
    # the privacy levers are among the shortest bars
    assert table.loc["encrypted_breach_churn", "swing"] < 0.01


def test_the_break_even_values_a_tiny_head_start_and_the_rivals_outage_hours():
    even = {
        name: reliability.market_break_even(
            name, low, high, months=36, runs=LESSON["RUNS"], seed=SEED, steps=8
        )
        for name, (low, high) in LESSON["BREAK_EVEN"].items()
    }
    assert even["head_start"] < 0.005  # "the lead needed is tiny": under half a percent
    hours = (1 - even["feature_first_availability"]) * 30 * 24
    assert 1.0 < hours < 2.0
    assert even["churn_per_outage_hour"] < reliability.MARKET_DEFAULTS["churn_per_outage_hour"] / 2
    assert 1.0 < even["feature_weight"] < 2.0
    for name, value in even.items():
        share = reliability.simulate_market(
            months=36, runs=LESSON["RUNS"], seed=SEED, **{name: value}
        ).final_quality_share
        assert share == pytest.approx(0.5, abs=0.002), name


def test_the_quality_first_teams_best_investment_is_more_features():
    def share(changes):
        return reliability.simulate_market(runs=50, seed=1, **changes).final_quality_share

    today = share({})
    per_cost = {
        "features": (share({"quality_first_features_per_month": 1.5}) - today) / 4.0,
        "availability": (share({"quality_first_availability": 0.9999}) - today) / 2.0,
        "breaches": (share({"quality_first_breach_probability": 0.001}) - today) / 2.0,
    }
    assert max(per_cost, key=per_cost.get) == "features"


def test_the_honest_cases_where_feature_first_wins():
    for changes in (
        {"head_start": LESSON["HEAD_START"]},
        {"feature_weight": LESSON["RICH_FEATURE_WEIGHT"]},
        {"churn_per_outage_hour": 0.0},
    ):
        other = reliability.simulate_market(months=36, runs=LESSON["RUNS"], seed=SEED, **changes)
        assert other.final_quality_share < 0.5, changes


# --------------------------------------------------------------------------- questions


def test_the_answers_to_check_your_understanding():
    six = 0.9995**6
    assert round(six, 4) == 0.997 and round((1 - six) * 43_200, -1) == 130
    assert (1 - 0.8) / (1 - 0.88) == pytest.approx(1.7, abs=0.05)
    assert round(1 - 0.995**40, 2) == 0.18
