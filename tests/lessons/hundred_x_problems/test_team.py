"""Tests for infralab.scaling.team: hand-computed quarters, the J-curve, where it does not pay."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infralab import scaling


def test_toil_by_hand_with_nobody_on_the_project():
    out = scaling.simulate_org("features", engineers=40, quarters=12)
    q = np.arange(12)
    toil = np.minimum(1, 0.1 * 1.5 ** (0.5 * q))
    assert np.allclose(out.toil[0], toil)
    assert np.allclose(out.features[0], 40 * (1 - toil))
    assert np.allclose(out.incident_rate[0], 6 * toil / 0.1)
    assert out.ship_quarter[0] == -1


def test_a_dedicated_team_ships_when_its_work_is_done_and_returns_for_the_rest():
    # 6 people * 1.5 / (1 + 0.05 * 5) = 7.2 engineer-quarters a quarter; 18 / 7.2 = 2.5 quarters
    out = scaling.simulate_org("dedicated", engineers=40, team_size=6, start_quarter=2)
    assert out.ship_quarter[0] == 4
    toil = np.minimum(1, 0.1 * 1.5 ** (0.5 * np.arange(12)))
    expected = 40 * (1 - toil)
    expected[2:4] = (40 - 9) * (1 - toil[2:4])  # the team's 9 engineers' worth is away
    expected[4] = (40 - 9 * 0.5) * (1 - toil[4])  # back for half the shipping quarter
    # then a quarter of the traffic a quarter moves to an architecture carrying 10x the load
    q = np.arange(12)
    moved = np.clip((q - 4) / 4, 0, 1)
    old = 1 - moved + moved / 10
    relieved = np.minimum(1, 0.1 * np.exp(0.5 * np.maximum(q * math.log(1.5)
                                                           + np.log(old), 0)))
    expected[5:] = 40 * (1 - relieved[5:])
    assert moved[5] == 0.25 and moved[8] == 1.0
    assert np.allclose(out.features[0], expected)


def test_the_j_curve_dips_then_pays_back():
    everyone = scaling.simulate_org("features")
    team = scaling.simulate_org("dedicated", team_size=6, start_quarter=2)
    gap = np.cumsum(team.features[0] - everyone.features[0])
    assert (gap[:2] == 0).all()
    assert gap[2] < 0 and gap.min() < 0
    assert gap[-1] > 0
    turn = int(np.argmax(gap > 0))
    assert (gap[turn:] > 0).all()  # once paid back, it stays ahead


def test_part_time_does_not_ship_within_the_horizon_and_ships_fewer_features():
    part = scaling.simulate_org("part_time", start_quarter=2)
    team = scaling.simulate_org("dedicated", start_quarter=2)
    assert part.ship_quarter[0] == -1
    assert part.total_features[0] < team.total_features[0]
    # with no switching cost and no coordination it would ship
    eased = scaling.simulate_org("part_time", start_quarter=0, switching_cost=0.0,
                                 part_time_share=0.5, assumptions={"coordination": 0.0})
    assert eased.ship_quarter[0] >= 0


def test_best_team_size_is_interior_and_latest_start_by_hand():
    size, totals = scaling.best_team_size(range(1, 21))
    assert 1 < size < 20
    assert totals[size - 1] == totals.max()
    # toil passes 50% at quarter 8 (0.1 * 1.5 ** 4 = 0.506); a team of 6 needs 3 quarters,
    # so it must start by quarter 5 to ship by the end of quarter 7
    latest, shares = scaling.latest_start_quarter(6)
    assert latest == 5 and shares.tolist() == [1.0] * 6 + [0.0] * 6
    assert scaling.latest_start_quarter(6, firefighting_limit=0.12)[0] == -1


def test_latest_start_over_draws_is_the_last_start_in_time_often_enough():
    drawn = {"load_growth": np.array([0.5, 0.5, 0.05, 0.5]),
             "project_work": np.array([18.0, 30.0, 18.0, 60.0])}
    # deadlines: quarter 7 (toil passes 50% at 8) in runs 0, 1, 3; the whole horizon in run 2.
    # Quarters needed at 7.2 a quarter: 3, 5, 3 and 9.
    latest, shares = scaling.latest_start_quarter(6, assumptions=drawn, runs=4, chance=0.75)
    needed = np.array([3, 5, 3, 9])
    deadline = np.array([7, 7, 11, 7])
    by_hand = [np.mean(start + needed - 1 <= deadline) for start in range(12)]
    assert shares.tolist() == by_hand
    assert latest == 3  # start 3: runs 0, 1, 2 in time (3 of 4); start 4: run 1 is late
    assert scaling.latest_start_quarter(6, assumptions=drawn, runs=4, chance=1.0)[0] == -1


def test_the_flat_top_of_team_size_and_the_deciding_assumptions():
    size, totals = scaling.best_team_size(range(1, 21))
    near = np.flatnonzero(totals >= 0.98 * totals.max()) + 1
    assert near.min() <= 6 and near.max() >= 12  # flat: a wide band of sizes within 2%
    # part time ships once coordination is not charged across all 40
    assert scaling.simulate_org("part_time", start_quarter=2).ship_quarter[0] == -1
    free = scaling.simulate_org("part_time", start_quarter=2, assumptions={"coordination": 0.0})
    assert free.ship_quarter[0] >= 0
    # a smaller fix_gain buys less
    gains = [scaling.simulate_org("dedicated", assumptions={"fix_gain": g}).total_features[0]
             for g in (2.0, 10.0, 100.0)]
    assert gains == sorted(gains)


def test_it_does_not_pay_with_slow_growth_or_a_short_horizon():
    def gap(**settings):
        a = scaling.simulate_org("features", **settings).total_features[0]
        b = scaling.simulate_org("dedicated", team_size=6, start_quarter=2, **settings)
        return b.total_features[0] - a

    assert gap() > 0
    assert gap(assumptions={"load_growth": 0.10}) < 0
    assert gap(quarters=4) < 0


def test_monte_carlo_runs_each_draw_like_a_single_run():
    drawn = scaling.draw_assumptions(50, seed=2)
    many = scaling.simulate_org("dedicated", assumptions=drawn, runs=50)
    for run in (0, 17, 49):
        one = scaling.simulate_org("dedicated", assumptions={k: float(v[run])
                                                             for k, v in drawn.items()})
        assert np.allclose(many.features[run], one.features[0])
        assert many.ship_quarter[run] == one.ship_quarter[0]


def test_incident_counts_are_poisson_around_the_rate():
    out = scaling.simulate_org("features", runs=4_000)
    counts = out.incidents(seed=1)
    assert counts.dtype.kind == "i"
    assert np.allclose(counts.mean(axis=0), out.incident_rate[0], rtol=0.05)
    assert np.array_equal(counts, out.incidents(seed=1))


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (dict(strategy="everyone"), "strategy"),
        (dict(strategy="dedicated", team_size=41), "team_size"),
        (dict(strategy="dedicated", start_quarter=12), "start_quarter"),
        (dict(strategy="dedicated", engineers=0), "engineers"),
        (dict(strategy="part_time", part_time_share=1.5), "part_time_share"),
        (dict(strategy="dedicated", assumptions={"load_growth": -0.5}), "load_growth"),
        (dict(strategy="dedicated", assumptions={"speed": 1.0}), "assumptions"),
        (dict(strategy="dedicated", assumptions={"project_work": [1.0, 2.0]}, runs=3),
         "project_work"),
    ],
)
def test_bad_arguments_are_named(arguments, fragment):
    with pytest.raises(ValueError, match=fragment):
        scaling.simulate_org(**arguments)
