"""The self-checks of lesson 01: hand-computed answers, and the mistakes learners make.

The right answers (tests/lessons/invisible_qualities/answers.py) are written the way a
learner would, independently of the reference functions in the check module. What
every lesson's checks must do is tested for every task in tests/test_lesson_checks.py.
"""

from __future__ import annotations

import math
from functools import partial

import pytest

from infralab.checks import invisible_qualities as check
from tests.check_runner import printed_line

printed = partial(printed_line, check)


def test_reference_answers_match_hand_computed_values():
    expected = {name: [case.expected for case in task.cases] for name, task in check.TASKS.items()}
    # 0.999 * 0.999 * 0.9995 * (1 - 0.01 ** 2)
    assert expected["chain_availability"][0] == pytest.approx(0.999 * 0.999 * 0.9995 * 0.9999)
    assert expected["chain_availability"][1] == pytest.approx(0.99 * 0.95 * 0.99)
    assert expected["chain_availability"][3] == pytest.approx(0.999999)
    assert expected["chain_availability"][4] == pytest.approx(0.75)
    # 43.2 minutes of budget, 32 used; 20.16 - 5.5; a week at 99%: 100.8; overspent by 11.8
    assert expected["budget_left_minutes"][:4] == pytest.approx([11.2, 14.66, 100.8, -11.8])
    # 1 - 4.605 * 5 / 50; an SLO of 20 ms with 5 ms requests is missed even when idle
    assert expected["utilisation_for_p99"][0] == pytest.approx(1 - math.log(100) / 10)
    assert expected["utilisation_for_p99"][3] == 0.0
    # log(0.95) / log(0.99) = 5.10 -> 5; log(0.5) / log(0.999) = 692.8 -> 692
    assert expected["largest_fanout"] == [5, 692, 2231, 0, math.inf, 0]
    assert expected["best_investment"] == [
        "fewer outages",
        "end-to-end encryption",
        "fewer outages",
        "fewer outages",
    ]


def _pair_in_series(services, replica):
    return math.prod(services) * replica * replica


def _linear(p, target):
    return int(target / p)


@pytest.mark.parametrize(
    ("name", "function", "fragment"),
    [
        ("chain_availability", _pair_in_series, "in series"),
        ("chain_availability", lambda s, r: math.prod(s), "left the redundant pair out"),
        ("chain_availability", lambda s, r: 1 - sum(1 - a for a in s) - (1 - r) ** 2, "added up"),
        ("budget_left_minutes", lambda slo, days, inc: (1 - slo) * days * 1440, "whole budget"),
        ("budget_left_minutes", lambda slo, days, inc: (1 - slo) * days * 24 - sum(inc), "hours"),
        (
            "budget_left_minutes",
            lambda slo, days, inc: max(0, (1 - slo) * days * 1440 - sum(inc)),
            "negative",
        ),
        ("utilisation_for_p99", lambda slo, s: max(0, 1 - s / slo), "*mean*"),
        ("utilisation_for_p99", lambda slo, s: 1 - math.log(100) * s / slo, "return 0"),
        ("largest_fanout", _linear, "divided the target by p"),
        (
            "largest_fanout",
            lambda p, t: 0 if p > t else math.ceil(math.log(1 - t) / math.log(1 - p)),
            "round down",
        ),
        # right answers written differently
        ("utilisation_for_p99", lambda slo, s: round(max(0, 1 - 4.6052 * s / slo), 3), None),
        (
            "largest_fanout",
            lambda p, t: (
                math.inf if p == 0 else 0 if p > t else math.floor(math.log1p(-t) / math.log1p(-p))
            ),
            None,
        ),
        ("chain_availability", lambda s, r: math.prod([*s, 1 - (1 - r) * (1 - r)]), None),
    ],
)
def test_mistakes_written_as_a_learner_would_get_their_hint(name, function, fragment):
    line = printed(name, function)
    if fragment is None:
        assert line.startswith(f"Correct ({name}): "), line
        return
    assert line.startswith(f"Not quite ({name}): "), line
    assert fragment in line, line


def test_best_investment_hints_at_the_cost():
    def ignoring_cost(share, baseline, investments):
        base = share(baseline)
        return max(investments, key=lambda n: share({**baseline, **investments[n][0]}) - base)

    line = printed("best_investment", ignoring_cost)
    assert line.startswith("Not quite (best_investment): ") and "cost" in line


def test_example_inputs_are_what_the_exercise_shows():
    (example,) = check.EXAMPLES["best_investment"]
    share, baseline, investments = example.args
    assert 0 < share(baseline) < 1
    assert set(investments) == {"faster pages", "fewer outages", "end-to-end encryption"}
    (chain,) = check.EXAMPLES["chain_availability"]
    assert chain.args == ([0.999, 0.999, 0.9995], 0.99)


# --------------------------------------------------------------------------- answers the review ran


def _exact_fanout(p, t):
    return 0 if p > t else math.floor(math.log(1 - t) / math.log(1 - p) + 1e-12)


def _floor_three_decimals(slo, s):
    return math.floor(max(0.0, 1 - math.log(100) * s / slo) * 1000) / 1000


def _grid_search(slo, s):
    best = 0.0
    for step in range(1000):
        rho = step / 1000
        if math.log(100) * s / (1 - rho) <= slo:
            best = rho
    return best


def _mutating(share, baseline, investments):
    today = share(baseline)
    gains = {}
    for name, (changes, cost) in investments.items():
        baseline.update(changes)
        gains[name] = (share(baseline) - today) / cost
    return max(gains, key=gains.get)


def _gain_times_cost(share, baseline, investments):
    today = share(baseline)
    return max(
        investments,
        key=lambda n: (share({**baseline, **investments[n][0]}) - today) * investments[n][1],
    )


def _ignoring_cost_ties_last(share, baseline, investments):
    today, best, best_gain = share(baseline), None, -math.inf
    for name, (changes, _cost) in investments.items():
        gain = share({**baseline, **changes}) - today
        if gain >= best_gain:
            best, best_gain = name, gain
    return best


def _share_per_cost(share, baseline, investments):
    return max(
        investments, key=lambda n: share({**baseline, **investments[n][0]}) / investments[n][1]
    )


def _relative_share_per_cost(share, baseline, investments):
    today = share(baseline)
    return max(
        investments,
        key=lambda n: share({**baseline, **investments[n][0]}) / today / investments[n][1],
    )


@pytest.mark.parametrize(
    ("name", "function", "fragment"),
    [
        # accepted: every correct form the task text allows
        ("utilisation_for_p99", _floor_three_decimals, None),
        ("utilisation_for_p99", _grid_search, None),
        ("utilisation_for_p99", lambda slo, s: round(max(0, 1 - math.log(100) * s / slo), 3), None),
        (
            "largest_fanout",
            lambda p, t: math.inf if p == 0 else _exact_fanout(p, t),
            None,
        ),
        # rounding and format
        ("chain_availability", lambda s, r: round(math.prod(s) * (1 - (1 - r) ** 2), 4), "rounded"),
        ("chain_availability", lambda s, r: round(math.prod(s) * (1 - (1 - r) ** 2), 6), "rounded"),
        (
            "chain_availability",
            lambda s, r: round(100 * math.prod(s) * (1 - (1 - r) ** 2), 2),
            "percentage",
        ),
        (
            "budget_left_minutes",
            lambda slo, days, inc: round((1 - slo) * days * 1440 - sum(inc), 1),
            "rounded",
        ),
        (
            "budget_left_minutes",
            lambda slo, days, inc: sum(inc) - (1 - slo) * days * 1440,
            "sign is reversed",
        ),
        (
            "utilisation_for_p99",
            lambda slo, s: None if math.log(100) * s > slo else 1 - math.log(100) * s / slo,
            "return 0",
        ),
        ("utilisation_for_p99", lambda slo, s: max(0, 1 - math.log10(100) * s / slo), "log10"),
        # the fan-out's off-by-one answers and p = 0
        (
            "largest_fanout",
            lambda p, t: math.inf if p == 0 else _exact_fanout(p, t) + 1,
            "one leaf too many",
        ),
        (
            "largest_fanout",
            lambda p, t: math.inf if p == 0 else 0 if p > t else _exact_fanout(p, t) - 1,
            "one leaf too few",
        ),
        ("largest_fanout", _exact_fanout, "math.inf"),
        # the investment
        ("best_investment", _mutating, "piled up"),
        ("best_investment", _ignoring_cost_ties_last, "not the most per unit of cost"),
        ("best_investment", _gain_times_cost, "*least* share per unit of cost"),
        ("best_investment", _share_per_cost, "cheapest"),
        ("best_investment", _relative_share_per_cost, "cheapest"),
    ],
)
def test_the_answers_the_review_ran_get_the_right_line(name, function, fragment):
    line = printed(name, function)
    if fragment is None:
        assert line.startswith(f"Correct ({name}): "), line
        return
    assert line.startswith(f"Not quite ({name}): "), line
    assert fragment in line, line


def test_the_example_investments_have_no_tie_in_raw_gain():
    (example,) = check.EXAMPLES["best_investment"]
    share, baseline, investments = example.args
    today = share(baseline)
    gains = sorted(share({**baseline, **changes}) - today for changes, _ in investments.values())
    assert min(b - a for a, b in zip(gains, gains[1:], strict=False)) > 0.005
