"""Every claim lesson 04 makes in a sentence or a figure title, with the notebook's own constants.

The measured PostgreSQL file is re-recorded from time to time (``make measure-scaling``),
so the claims about it are read from the file and asserted as relations that any honest
recording keeps (the USL fits at least as well as Amdahl, the interval holds the estimate),
never as the numbers of one recording.
"""

from __future__ import annotations

import numpy as np
import pytest

from infralab import scaling
from tests.notebook_constants import notebook_constants

C = notebook_constants(
    "04_100x_problems.ipynb",
    "SEED", "THRESHOLD", "ENGINEERS", "QUARTERS", "TEAM", "START", "TOIL_AT_START",
    "LOAD_GROWTH", "TOIL_EXPONENT", "RUNS", "MIN_CHANCE", "TRUE_SIGMA", "TRUE_KAPPA",
)
ORG = dict(engineers=C["ENGINEERS"], quarters=C["QUARTERS"])


# --------------------------------------------------------------------------- 1. what breaks


def test_the_database_breaks_first_just_past_10x_and_five_of_six_before_100x():
    system = scaling.example_system()
    loads = scaling.breaking_load(system, C["THRESHOLD"]).sort_values()
    assert loads.index[0] == "primary database" and 10 < loads.iloc[0] < 12
    assert list(loads.index[:3]) == ["primary database", "global lock", "app servers"]
    assert (loads < 100).sum() == 5 and len(loads) == 6


def test_what_scales_out_holds_flat_until_it_runs_out_of_instances():
    sweep = scaling.sweep_system(scaling.example_system(), np.geomspace(1, 100, 200))
    app = sweep[sweep.component == "app servers"]
    growing = app[app.instances < 200]
    assert growing.utilisation.max() <= 0.6 + 1e-9  # held near the 60% target
    assert app.utilisation.iloc[-1] > 1  # past 32x it climbs


def test_fixing_in_order_reaches_100x_and_the_database_is_the_biggest_cost():
    fixed, weeks = scaling.example_system(), []
    while scaling.breaking_load(fixed, C["THRESHOLD"]).min() < 100:
        worst = scaling.bottleneck_order(fixed, C["THRESHOLD"])[0]
        weeks.append((worst, fixed.set_index("component").loc[worst, "fix_weeks"]))
        fixed = scaling.apply_fix(fixed, worst)
    assert weeks[0][0] == "primary database"
    assert weeks[0][1] == max(w for _, w in weeks)
    assert weeks[0][1] == 39  # Figma's reported nine months, in weeks


# --------------------------------------------------------------------------- 2. the USL


@pytest.fixture(scope="module")
def runs():
    return scaling.load_throughput_measurement()


def test_the_usl_fits_the_recording_at_least_as_well_as_amdahl(runs):
    fit = scaling.fit_usl(runs.clients, runs.tps, seed=C["SEED"])
    amdahl = scaling.fit_usl(runs.clients, runs.tps, model="amdahl", seed=C["SEED"])
    assert fit.relative_rmse <= amdahl.relative_rmse + 1e-9
    assert 0 <= fit.sigma <= 1 and 0 <= fit.kappa <= 1
    low, high = fit.interval("sigma")
    assert low <= fit.sigma <= high
    assert fit.peak_low <= fit.peak_clients <= fit.peak_high or fit.kappa == 0


def test_more_clients_help_at_first_on_the_recording(runs):
    medians = runs.groupby("clients").tps.median()
    assert medians.max() > 1.5 * medians.iloc[0]  # concurrency pays at first
    assert medians.idxmax() > runs.cores.iloc[0]  # and beyond the machine's core count


def test_the_retrograde_example_peaks_where_the_formula_says():
    assert scaling.peak_concurrency(0.05, 0.002) == pytest.approx(21.8, abs=0.05)
    assert 500 / 0.05 == 10_000
    n = np.arange(1, 200)
    x = scaling.usl_throughput(n, 500, 0.05, 0.002)
    assert n[np.argmax(x)] == 22 and x[-1] < x.max()  # it falls after the peak


def test_the_noise_check_uses_the_known_parameters_stated():
    assert (C["TRUE_SIGMA"], C["TRUE_KAPPA"]) == (0.05, 0.002)


# --------------------------------------------------------------------------- 3. people


def test_firefighting_passes_half_the_time_in_quarter_8_and_is_most_of_it_by_11():
    q = np.arange(C["QUARTERS"])
    toil = np.minimum(1, C["TOIL_AT_START"] * (1 + C["LOAD_GROWTH"]) ** (q * C["TOIL_EXPONENT"]))
    assert int(np.argmax(toil > 0.5)) == 8
    assert toil[-1] > 0.9
    assert np.allclose(toil, scaling.simulate_org("features", **ORG).toil[0])


def test_the_j_curve_and_part_time_never_shipping():
    everyone = scaling.simulate_org("features", **ORG)
    team = scaling.simulate_org("dedicated", team_size=C["TEAM"], start_quarter=C["START"], **ORG)
    part = scaling.simulate_org("part_time", start_quarter=C["START"], **ORG)
    gap = np.cumsum(team.features[0] - everyone.features[0])
    payback = int(np.argmax(gap > 0))
    assert (gap[C["START"]:payback] < 0).all() and (gap[payback:] > 0).all()
    assert part.ship_quarter[0] == -1
    assert part.total_features[0] < everyone.total_features[0] < team.total_features[0]
    # incidents fall once the project ships
    shipped = team.ship_quarter[0]
    assert (team.incident_rate[0, shipped + 1:] < everyone.incident_rate[0, shipped + 1:]).all()


def test_best_size_is_interior_and_larger_teams_lose_to_coordination():
    size, totals = scaling.best_team_size(range(1, 21), start_quarter=C["START"], **ORG)
    assert 1 < size < 20
    assert totals[-1] < totals.max()
    assert scaling.latest_start_quarter(C["TEAM"], **ORG) == 5


def test_monte_carlo_plans_fade_with_a_later_start_and_a_safe_pick_exists():
    drawn = scaling.draw_assumptions(C["RUNS"], seed=C["SEED"])
    kwargs = dict(assumptions=drawn, runs=C["RUNS"], **ORG)
    base = scaling.simulate_org("features", **kwargs).total_features
    for size in (2, 4, 6, 8, 12):
        chances = [np.mean(scaling.simulate_org("dedicated", team_size=size, start_quarter=start,
                                                **kwargs).total_features > base)
                   for start in (0, 2, 4, 6)]
        assert chances == sorted(chances, reverse=True)
    assert max(chances) >= C["MIN_CHANCE"]


def test_where_the_dedicated_team_does_not_pay_off():
    def payoff(**changes):
        settings = ORG | changes
        a = scaling.simulate_org("features", **settings).total_features[0]
        b = scaling.simulate_org("dedicated", team_size=C["TEAM"], start_quarter=C["START"],
                                 **settings).total_features[0]
        return b - a

    assert payoff() > 0
    assert payoff(assumptions={"load_growth": 0.10}) < 0
    assert payoff(quarters=4) < 0
    assert payoff(assumptions={"project_work": 36.0}) > 0  # a bigger project still pays, later
    assert payoff(engineers=12) > 0  # the small organisation still gains in this model
