"""Every claim lesson 04 makes in a sentence or a figure title, with the notebook's own constants.

The measured PostgreSQL file is re-recorded from time to time (``make measure-scaling``),
so what the lesson says about it is chosen by the fit (:func:`infralab.scaling.compare_laws`)
and tested here two ways: on the recording, that the sentence printed matches the fit; and on
synthetic recordings of both kinds (one that falls after its peak, one that cannot be told
from Amdahl's law), that the same logic says the right thing about each.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from infralab import scaling
from tests.notebook_constants import notebook_constants

C = notebook_constants(
    "04_100x_problems.ipynb",
    "SEED", "THRESHOLD", "ENGINEERS", "QUARTERS", "TEAM", "START", "TOIL_AT_START",
    "LOAD_GROWTH", "TOIL_EXPONENT", "RUNS", "MIN_CHANCE", "TRUE_SIGMA", "TRUE_KAPPA",
    "NEAR_BEST", "FIRE_LIMIT", "ON_TIME",
)
ORG = dict(engineers=C["ENGINEERS"], quarters=C["QUARTERS"])


# --------------------------------------------------------------------------- 1. what breaks


def test_the_database_breaks_first_just_past_10x_and_five_of_six_before_100x():
    system = scaling.example_system()
    loads = scaling.breaking_load(system, C["THRESHOLD"]).sort_values()
    assert loads.index[0] == "primary database" and round(loads.iloc[0], 1) == 10.7
    assert list(loads.index[:3]) == ["primary database", "global lock", "app servers"]
    assert (loads < 100).sum() == 5 and len(loads) == 6


def test_what_scales_out_holds_flat_until_it_runs_out_of_instances():
    sweep = scaling.sweep_system(scaling.example_system(), np.geomspace(1, 100, 200))
    app = sweep[sweep.component == "app servers"]
    growing = app[app.instances < 200]
    assert growing.utilisation.max() <= 0.6 + 1e-9  # held near the 60% target
    assert app.utilisation.iloc[-1] > 1  # past 32x it climbs


def test_latency_at_10x_and_100x_by_the_mm1_formula():
    at = scaling.sweep_system(scaling.example_system(), [10, 100]).set_index(["load", "component"])
    database = at.loc[(10.0, "primary database")]
    assert database.utilisation == pytest.approx(0.75)  # 10 * 600 / 8000
    assert database.latency_ms == pytest.approx(1000 / (8000 * 0.25))  # 0.5 ms
    assert round(database.latency_ms * 8000 / 1000) == 4  # four times the bare service time
    past = at.loc[100.0]
    assert np.isinf(past.latency_ms[past.utilisation >= 1]).all()
    assert (past.utilisation >= 1).sum() == 5  # every component but the queue has no steady state


def test_the_fix_plan_costs_and_the_database_share():
    fixed, plan = scaling.example_system(), []
    while scaling.breaking_load(fixed, C["THRESHOLD"]).min() < 100:
        worst = scaling.bottleneck_order(fixed, C["THRESHOLD"])[0]
        plan.append((worst, fixed.set_index("component").loc[worst, "fix_weeks"]))
        fixed = scaling.apply_fix(fixed, worst)
    table = pd.DataFrame(plan, columns=["component", "weeks"])
    by_component = table.groupby("component").weeks.sum()
    assert len(table) == 6 and table.weeks.sum() == 483 and round(483 / 13) == 37
    assert (table.component == "primary database").sum() == 2  # sharded twice
    assert scaling.SHARDING_TEAM == 6
    assert by_component["primary database"] == 2 * 6 * 39  # a team of six, Figma's 39 weeks
    assert round(by_component["primary database"] / table.weeks.sum(), 2) == 0.97


def test_the_app_servers_fix_does_what_its_words_say():
    system = scaling.example_system().set_index("component")
    assert "4x the requests" in system.loc["app servers", "fix"]
    assert system.loc["app servers", "fix_gain"] == 4  # capacity per server times 4


def test_fix_gain_multiplies_the_breaking_load_as_the_legend_says():
    # "a fix with `fix_gain` 4 moves the breaking load four times higher"
    system = scaling.example_system()
    before = scaling.breaking_load(system, C["THRESHOLD"])
    after = scaling.breaking_load(scaling.apply_fix(system, "app servers"), C["THRESHOLD"])
    gain = system.set_index("component").loc["app servers", "fix_gain"]
    assert gain == 4 and np.isclose(after["app servers"], 4 * before["app servers"])
    assert np.allclose(after.drop("app servers"), before.drop("app servers"))


def test_the_learner_sees_never_not_the_minus_one_sentinel():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "notebooks" / "04_100x_problems.ipynb"
    shown = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            shown.append("".join(output.get("text", "")))
            shown.append("".join(output.get("data", {}).get("text/plain", "")))
            shown.append("".join(output.get("data", {}).get("text/html", "")))
    text = "\n".join(shown)
    assert "never" in text  # the summary table and the part-time sentence
    assert "quarter -1" not in text and "quarter \u22121" not in text and "-1.0" not in text
    for fix in scaling.example_system().fix:  # every fix shown in full, not cut off
        assert fix in text


# --------------------------------------------------------------------------- 2. the USL


@pytest.fixture(scope="module")
def runs():
    return scaling.load_throughput_measurement()


def _recording(throughput_of, noise, seed=0):
    """A synthetic recording shaped like the real one: 12 client counts, 3 repeats."""
    rng = np.random.default_rng(seed)
    clients = np.tile([1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64], 3)
    repeat = np.repeat([1, 2, 3], 12)
    tps = throughput_of(clients) * rng.lognormal(0, noise, clients.size)
    return pd.DataFrame({"clients": clients, "repeat": repeat, "tps": tps})


RETROGRADE = _recording(lambda n: scaling.usl_throughput(n, 900, 0.05, 0.004), 0.08)
LEVELLING = _recording(lambda n: scaling.amdahl_throughput(n, 900, 0.3), 0.4, seed=3)


def test_what_the_lesson_says_about_the_recording_matches_its_fit(runs):
    found = scaling.compare_laws(runs.clients, runs.tps)
    fit = found.usl
    assert found.kappa_detected == (fit.kappa_low > 0)
    assert fit.sigma_low <= fit.sigma <= fit.sigma_high
    assert fit.kappa_low <= fit.kappa <= fit.kappa_high and fit.kappa_low >= 0
    if found.kappa_detected:
        assert fit.peak_low <= fit.peak_clients <= fit.peak_high < math.inf
        assert "excludes 0" in found.verdict()
    else:
        assert fit.peak_high == math.inf
        assert "cannot tell the USL from Amdahl" in found.verdict()
    assert found.falls_after_peak == (found.kappa_detected
                                      and fit.peak_clients < runs.clients.max())
    medians = runs.groupby("clients").tps.median()
    assert medians.max() > medians.iloc[0]  # concurrency pays at first, on any machine


@pytest.mark.parametrize(
    ("recording", "falls"), [(RETROGRADE, True), (LEVELLING, False)],
    ids=["a recording that falls after its peak", "one that cannot be told from Amdahl"],
)
def test_the_conditional_prose_on_synthetic_recordings_of_both_kinds(recording, falls):
    found = scaling.compare_laws(recording.clients, recording.tps)
    assert found.kappa_detected is falls and found.falls_after_peak is falls
    text = found.verdict()
    if falls:
        assert "falls after its peak" in text and found.p_value < 0.2
        assert found.usl.peak_clients == pytest.approx(math.sqrt(0.95 / 0.004), rel=0.25)
        assert found.usl.peak_high < math.inf
    else:
        assert "cannot tell the USL from Amdahl" in text and "no upper limit" in text
        assert found.usl.peak_high == math.inf
        assert f"at least {found.usl.peak_low:,.0f} clients" in text


def test_a_recording_that_fits_kappa_0_exactly_prints_no_infinite_peak():
    clients = np.tile([1, 2, 4, 8, 16, 32], 3)
    found = scaling.compare_laws(clients, scaling.amdahl_throughput(clients, 500, 0.2)
                                 * np.repeat([0.9, 1.0, 1.1], 6))
    assert found.usl.kappa == 0 and not found.kappa_detected
    assert "inf" not in found.verdict()


def test_the_pooled_noise_estimate_is_not_biased_low():
    """The lesson's NOISE (pooled log-scale SD, one degree of freedom per client count)."""
    estimates = []
    for seed in range(200):
        rec = _recording(lambda n: scaling.amdahl_throughput(n, 900, 0.3), 0.43, seed=seed)
        log_tps = np.log(rec.tps)
        within = log_tps - log_tps.groupby(rec.clients).transform("mean")
        estimates.append(np.sqrt((within**2).sum() / (len(rec) - rec.clients.nunique())))
    assert np.mean(estimates) == pytest.approx(0.43, rel=0.03)


def test_the_retrograde_example_peaks_where_the_formula_says():
    assert scaling.peak_concurrency(0.05, 0.002) == pytest.approx(21.8, abs=0.05)
    assert 500 / 0.05 == 10_000
    n = np.arange(1, 200)
    x = scaling.usl_throughput(n, 500, 0.05, 0.002)
    assert n[np.argmax(x)] == 22 and x[-1] < x.max()  # it falls after the peak


def test_the_noise_check_uses_the_known_parameters_stated():
    assert (C["TRUE_SIGMA"], C["TRUE_KAPPA"]) == (0.05, 0.002)


# --------------------------------------------------------------------------- 3. people


def test_the_assumptions_the_prose_states():
    a = scaling.DEFAULT_ASSUMPTIONS
    assert (a["fix_gain"], a["migration_quarters"], a["project_work"]) == (10.0, 4.0, 18.0)
    assert 6 * 1.5 / (1 + a["coordination"] * 5) * 3 >= 18  # a team of six: about 3 quarters
    assert 1 + a["coordination"] * 39 == pytest.approx(2.95)  # part time: forty as one team
    assert 1 + a["coordination"] * 5 == pytest.approx(1.25)  # the dedicated six
    drawn = scaling.draw_assumptions(20_000, seed=1)
    assert 0.1 <= drawn["load_growth"].min() < 0.11 and 0.69 < drawn["load_growth"].max() <= 0.7
    assert 3 <= drawn["fix_gain"].min() and drawn["fix_gain"].max() <= 100
    assert round(100 ** (1 / 16) - 1, 2) == 0.33  # Figma: 100x in about four years


def test_firefighting_passes_half_the_time_in_quarter_8_and_is_most_of_it_by_11():
    q = np.arange(C["QUARTERS"])
    toil = np.minimum(1, C["TOIL_AT_START"] * (1 + C["LOAD_GROWTH"]) ** (q * C["TOIL_EXPONENT"]))
    assert int(np.argmax(toil > 0.5)) == 8
    assert round(toil[-1], 2) == 0.93
    assert np.allclose(toil, scaling.simulate_org("features", **ORG).toil[0])


def test_the_j_curve_and_the_part_time_plan():
    everyone = scaling.simulate_org("features", **ORG)
    team = scaling.simulate_org("dedicated", team_size=C["TEAM"], start_quarter=C["START"], **ORG)
    part = scaling.simulate_org("part_time", start_quarter=C["START"], **ORG)
    gap = np.cumsum(team.features[0] - everyone.features[0])
    payback = int(np.argmax(gap > 0))
    assert (gap[C["START"]:payback] < 0).all() and (gap[payback:] > 0).all()
    assert payback - 1 == 7  # "costs features until quarter 7"
    assert team.ship_quarter[0] == 4 and part.ship_quarter[0] == -1
    assert part.total_features[0] < everyone.total_features[0] < team.total_features[0]
    assert round(team.total_features[0] - everyone.total_features[0]) == 70
    shipped = team.ship_quarter[0]
    assert (team.incident_rate[0, shipped + 1:] < everyone.incident_rate[0, shipped + 1:]).all()
    # without charging coordination across all 40, part time ships, later and with less
    free = scaling.simulate_org("part_time", start_quarter=C["START"],
                                assumptions={"coordination": 0.0}, **ORG)
    assert free.ship_quarter[0] == 6
    assert round(free.total_features[0], 1) == 328.5 < team.total_features[0]


def test_the_top_of_the_team_size_curve_is_flat():
    sizes = np.arange(1, 21)
    best, totals = scaling.best_team_size(sizes, start_quarter=C["START"], **ORG)
    flat = sizes[totals >= C["NEAR_BEST"] * totals.max()]
    assert (best, int(flat.min()), int(flat.max())) == (9, 5, 18)
    everyone = scaling.simulate_org("features", **ORG).total_features[0]
    assert round(totals.max() - everyone) == 77


@pytest.fixture(scope="module")
def monte_carlo():
    drawn = scaling.draw_assumptions(C["RUNS"], seed=C["SEED"])
    kwargs = dict(assumptions=drawn, runs=C["RUNS"], **ORG)
    base = scaling.simulate_org("features", **kwargs).total_features
    return drawn, kwargs, base


def test_monte_carlo_plans_fade_with_a_later_start_and_the_pick(monte_carlo):
    drawn, kwargs, base = monte_carlo
    rows = []
    for size in (2, 4, 6, 8, 12):
        outs = [scaling.simulate_org("dedicated", team_size=size, start_quarter=start, **kwargs)
                for start in (0, 2, 4, 6)]
        chances = [np.mean(out.total_features > base) for out in outs]
        assert chances == sorted(chances, reverse=True)
        rows += [(size, start, out.total_features.mean(), chance)
                 for start, out, chance in zip((0, 2, 4, 6), outs, chances, strict=True)]
    options = pd.DataFrame(rows, columns=["size", "start", "mean", "chance"])
    pick = options[options.chance >= C["MIN_CHANCE"]].sort_values("mean").iloc[-1]
    assert (pick["size"], pick.start) == (8, 0)
    assert round(pick["mean"] - base.mean()) == 54 and f"{pick.chance:.1%}" == "87.5%"
    chosen = scaling.simulate_org("dedicated", team_size=8, start_quarter=0, **kwargs)
    slow = drawn["load_growth"] < 0.25
    better = chosen.total_features > base
    assert round(better[~slow].mean(), 2) == 0.97 and round(better[slow].mean(), 2) == 0.61


def test_the_latest_start_over_the_monte_carlo(monte_carlo):
    drawn, _, _ = monte_carlo
    latest, shares = scaling.latest_start_quarter(
        C["TEAM"], firefighting_limit=C["FIRE_LIMIT"], chance=C["ON_TIME"], assumptions=drawn,
        runs=C["RUNS"], **ORG)
    assert latest == 4 and round(shares[4], 2) == 0.86 and round(shares[5], 2) == 0.74
    assert (np.diff(shares) <= 0).all()


def test_where_the_dedicated_team_does_not_pay_off():
    def payoff(**changes):
        settings = ORG | changes
        a = scaling.simulate_org("features", **settings).total_features[0]
        b = scaling.simulate_org("dedicated", team_size=C["TEAM"], start_quarter=C["START"],
                                 **settings).total_features[0]
        return b - a

    central = payoff()
    assert central > 0
    assert 0 < payoff(assumptions={"load_growth": 0.33}) < central
    assert abs(payoff(assumptions={"load_growth": 0.15})) < 1  # about breaks even
    assert payoff(assumptions={"load_growth": 0.10}) < 0
    assert 0 < payoff(assumptions={"fix_gain": 2.0}) < central  # little headroom, little relief
    assert payoff(assumptions={"fix_gain": 100.0}) > central
    assert payoff(assumptions={"migration_quarters": 1.0}) > central  # the tail costs relief
    assert payoff(quarters=4) < 0
    assert payoff(assumptions={"project_work": 36.0}) > 0  # a bigger project still pays, later
    assert payoff(engineers=12) > 0  # the small organisation still gains in this model
