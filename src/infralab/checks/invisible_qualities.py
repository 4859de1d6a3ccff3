"""Self-checks for the exercises of lesson 01, invisible qualities.

Each function below checks one exercise task. A check cell reads::

    from infralab.checks import invisible_qualities as check
    check.chain_availability()

It runs your function on several inputs, some of them hidden from the notebook,
and prints one line: correct, not attempted yet, a hint for a common mistake, or
one input where your answer differs from the expected one.

The expected answers are worked out here, independently of the course's own
:mod:`infralab.reliability`, from the definition of each task:

=====================  ==============================================================
task                   expected answer
=====================  ==============================================================
chain_availability     ``prod(services) * (1 - (1 - replica) ** 2)``
budget_left_minutes    ``(1 - slo) * window_days * 1440 - sum(incident_minutes)``
                       (negative when the budget is overspent)
utilisation_for_p99    ``max(0, 1 - ln(100) * service_ms / slo_ms)``: an M/M/1 server's
                       p99 time in system is ``ln(100) * S / (1 - rho)``
largest_fanout         the largest ``n`` with ``1 - (1 - p) ** n <= max_slow_share``
                       (0 when even one leaf is too many, ``math.inf`` when ``p`` is 0)
best_investment        the name with the largest share gained per unit of cost
=====================  ==============================================================

``TASKS`` maps each task name to its :class:`~infralab.checks.core.Task`;
``EXAMPLES`` maps it to the cases that are not hidden.
"""

from __future__ import annotations

import math

from infralab.checks.core import (
    Case,
    Mistake,
    Number,
    Task,
    Text,
    ready_for,
    with_check_sections,
)

__all__ = [
    "EXAMPLES",
    "TASKS",
    "best_investment",
    "budget_left_minutes",
    "chain_availability",
    "largest_fanout",
    "ready",
    "utilisation_for_p99",
]

# --------------------------------------------------------------------------- 1. a chain


def _product(values) -> float:
    result = 1.0
    for value in values:
        result *= value
    return result


def _chain(services, replica):
    return _product(services) * (1 - (1 - replica) ** 2)


CHAIN_AVAILABILITY = Task(
    name="chain_availability",
    parameters=("services", "replica"),
    summary="Availability of services in series followed by a redundant pair of replicas.",
    compare=Number(rel_tol=1e-7, abs_tol=1e-9),
    cases=(
        Case.from_reference(_chain, [0.999, 0.999, 0.9995], 0.99),
        Case.from_reference(_chain, [0.99, 0.95], 0.9, hidden=True),
        Case.from_reference(_chain, [0.999] * 5, 0.999, hidden=True),
        Case.from_reference(_chain, [], 0.999, label="no other services, one pair", hidden=True),
        Case.from_reference(_chain, [1.0], 0.5, hidden=True),
    ),
    mistakes=(
        Mistake(
            "you put the two replicas in series (multiplied by replica twice). A redundant "
            "pair is down only when both replicas are: its availability is 1 - (1 - replica)**2.",
            lambda services, replica: _product(services) * replica**2,
        ),
        Mistake(
            "you counted the pair as a single replica. Two replicas, either of which will do, "
            "are down only when both are: 1 - (1 - replica)**2.",
            lambda services, replica: _product(services) * replica,
        ),
        Mistake(
            "you left the redundant pair out. Multiply the services' availabilities by the "
            "pair's, 1 - (1 - replica)**2.",
            lambda services, replica: _product(services),
        ),
        Mistake(
            "you added up the downtimes (1 - sum of unavailabilities). That is only an "
            "approximation; in series, availabilities multiply.",
            lambda services, replica: 1 - sum(1 - a for a in services) - (1 - replica) ** 2,
        ),
        Mistake(
            "you returned a percentage. Return a fraction between 0 and 1 (0.997, not 99.7).",
            lambda services, replica: 100 * _chain(services, replica),
            compare=Number(rel_tol=0, abs_tol=0.006),
        ),
        Mistake(
            "your answer is right but rounded. Return the value as computed, without round(): "
            "the check compares more digits than the example shows.",
            lambda services, replica: round(_chain(services, replica), 4),
            compare=Number(rel_tol=0, abs_tol=5.1e-5),
        ),
    ),
)

# --------------------------------------------------------------------------- 2. the budget left


def _budget_left(slo, window_days, incident_minutes):
    return (1 - slo) * window_days * 24 * 60 - sum(incident_minutes)


BUDGET_LEFT = Task(
    name="budget_left_minutes",
    parameters=("slo", "window_days", "incident_minutes"),
    summary="Error budget minutes left in the window after the incidents so far "
    "(negative when overspent).",
    compare=Number(rel_tol=1e-6, abs_tol=1e-6),
    cases=(
        Case.from_reference(_budget_left, 0.999, 30, [12, 20]),
        Case.from_reference(_budget_left, 0.9995, 28, [5.5], hidden=True),
        Case.from_reference(_budget_left, 0.99, 7, [], label="no incidents yet", hidden=True),
        Case.from_reference(
            _budget_left, 0.999, 30, [30, 25], label="an overspent budget", hidden=True
        ),
        Case.from_reference(_budget_left, 0.9999, 90, (3, 1, 2.5), hidden=True),
    ),
    mistakes=(
        Mistake(
            "you returned the whole budget. Subtract the minutes the incidents used: "
            "sum(incident_minutes).",
            lambda slo, window_days, incident_minutes: (1 - slo) * window_days * 1440,
        ),
        Mistake(
            "you returned the minutes spent. The task asks for what is left: the budget "
            "minus the incidents.",
            lambda slo, window_days, incident_minutes: sum(incident_minutes),
        ),
        Mistake(
            "the budget came out in hours: a day has 24 * 60 = 1,440 minutes.",
            lambda slo, window_days, incident_minutes: (
                (1 - slo) * window_days * 24 - sum(incident_minutes)
            ),
        ),
        Mistake(
            "use window_days, not always 30: the budget grows with the window.",
            lambda slo, window_days, incident_minutes: (
                (1 - slo) * 30 * 1440 - sum(incident_minutes)
            ),
        ),
        Mistake(
            "the sign is reversed: return the budget minus the minutes used, so that what is "
            "left is positive and an overspent budget negative.",
            lambda slo, window_days, incident_minutes: (
                -_budget_left(slo, window_days, incident_minutes)
            ),
        ),
        Mistake(
            "your answer is right but rounded. Return the value as computed, without round().",
            lambda slo, window_days, incident_minutes: round(
                _budget_left(slo, window_days, incident_minutes), 1
            ),
            compare=Number(rel_tol=0, abs_tol=0.051),
        ),
        Mistake(
            "an overspent budget should come out negative (it says by how much): do not "
            "stop at zero.",
            lambda slo, window_days, incident_minutes: max(
                0.0, _budget_left(slo, window_days, incident_minutes)
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- 3. utilisation


_LN100 = math.log(100)


def _utilisation_for_p99(slo_ms, service_ms, *, factor=_LN100, clip=True):
    rho = 1 - factor * service_ms / slo_ms
    return max(0.0, rho) if clip else rho


def _none_when_impossible(slo_ms, service_ms):
    rho = _utilisation_for_p99(slo_ms, service_ms, clip=False)
    return rho if rho >= 0 else None


UTILISATION_FOR_P99 = Task(
    name="utilisation_for_p99",
    parameters=("slo_ms", "service_ms"),
    summary="The highest utilisation at which one M/M/1 server's p99 time in system "
    "meets the SLO (0 if none does); three decimals are enough.",
    compare=Number(rel_tol=0, abs_tol=1e-3 + 1e-9),
    cases=(
        Case.from_reference(_utilisation_for_p99, 50, 5),
        Case.from_reference(_utilisation_for_p99, 200, 10, hidden=True),
        Case.from_reference(_utilisation_for_p99, 1000, 1, hidden=True),
        Case.from_reference(
            _utilisation_for_p99, 20, 5, label="an SLO even an idle server misses", hidden=True
        ),
    ),
    mistakes=(
        Mistake(
            "you kept the *mean* time in system, S / (1 - rho), within the SLO. The p99 is "
            "ln(100) = 4.6 times the mean for this queue: 1 - ln(100) * S / SLO.",
            lambda slo_ms, service_ms: _utilisation_for_p99(slo_ms, service_ms, factor=1.0),
        ),
        Mistake(
            "the p99 of an exponential time is -ln(1 - 0.99) = ln(100) = 4.6 times its mean, "
            "not 100 times.",
            lambda slo_ms, service_ms: _utilisation_for_p99(slo_ms, service_ms, factor=100.0),
        ),
        Mistake(
            "math.log10(100) is 2, not ln(100): the p99 of an exponential time is "
            "-ln(1 - 0.99) = math.log(100) = 4.6 times its mean (math.log is the natural log).",
            lambda slo_ms, service_ms: _utilisation_for_p99(slo_ms, service_ms, factor=2.0),
        ),
        Mistake(
            "when even an idle server misses the SLO the formula goes negative: no "
            "utilisation works, so return 0.",
            lambda slo_ms, service_ms: _utilisation_for_p99(slo_ms, service_ms, clip=False),
        ),
        Mistake(
            "when even an idle server misses the SLO your function returns None: return 0 "
            "there (no utilisation meets the SLO).",
            _none_when_impossible,
        ),
        Mistake(
            "you returned a percentage. Return a fraction between 0 and 1 (0.54, not 54).",
            lambda slo_ms, service_ms: 100 * _utilisation_for_p99(slo_ms, service_ms),
        ),
    ),
)

# --------------------------------------------------------------------------- 4. fan-out


def _largest_fanout(
    leaf_slow_probability, max_slow_share, *, rounding=math.floor, shift=0, never_slow=True
):
    if leaf_slow_probability == 0 and never_slow:
        return math.inf
    if leaf_slow_probability > max_slow_share:
        return max(0, shift)  # one too many: 1; one too few: still 0
    exact = math.log(1 - max_slow_share) / math.log(1 - leaf_slow_probability)
    whole = int(rounding(exact + 1e-9)) if rounding is math.floor else int(rounding(exact))
    return whole + shift


def _linear_fanout(leaf_slow_probability, max_slow_share):
    return int(max_slow_share / leaf_slow_probability + 1e-9)


LARGEST_FANOUT = Task(
    name="largest_fanout",
    parameters=("leaf_slow_probability", "max_slow_share"),
    summary="The largest fan-out whose share of slow requests stays within max_slow_share.",
    compare=Number(rel_tol=0, abs_tol=1e-9),
    cases=(
        Case.from_reference(_largest_fanout, 0.01, 0.05),
        Case.from_reference(_largest_fanout, 0.001, 0.5, hidden=True),
        Case.from_reference(_largest_fanout, 0.0001, 0.2, hidden=True),
        Case.from_reference(
            _largest_fanout, 0.1, 0.05, label="a leaf slower than the target allows", hidden=True
        ),
        Case.from_reference(
            _largest_fanout, 0.0, 0.05, label="leaves that are never slow", hidden=True
        ),
        Case.from_reference(
            _largest_fanout, 0.01, 0.0, label="no slow request allowed at all", hidden=True
        ),
    ),
    mistakes=(
        Mistake(
            "you divided the target by p (n * p <= target). That linear rule is only right for "
            "tiny shares; solve 1 - (1 - p)**n <= target: n = log(1 - target) / log(1 - p), "
            "rounded down.",
            _linear_fanout,
        ),
        Mistake(
            "round down (math.floor), not up or to the nearest: any fan-out above "
            "log(1 - target) / log(1 - p) breaks the target.",
            lambda p, target: _largest_fanout(p, target, rounding=math.ceil, never_slow=False),
        ),
        Mistake(
            "your answers are one leaf too many: that fan-out already breaks the target. Did "
            "you count the first fan-out that fails, or reverse the inequality? The answer is "
            "floor(log(1 - target) / log(1 - p)).",
            lambda p, target: _largest_fanout(p, target, shift=1, never_slow=False),
        ),
        Mistake(
            "your answers are one leaf too few: the fan-out floor(log(1 - target) / log(1 - p)) "
            "itself still meets the target (at most, not below).",
            lambda p, target: _largest_fanout(p, target, shift=-1, never_slow=False),
        ),
        Mistake(
            "when leaf_slow_probability is 0 no leaf is ever slow and any fan-out is safe: "
            "return math.inf there (log(1 - 0) is 0, so the formula divides by zero).",
            lambda p, target: _largest_fanout(p, target, never_slow=False),
        ),
    ),
)

# --------------------------------------------------------------------------- 5. decide


def _gain_per_cost(share, baseline, investments):
    base = share(dict(baseline))
    return {
        name: (share({**baseline, **changes}) - base) / cost
        for name, (changes, cost) in investments.items()
    }


def _best(share, baseline, investments):
    gains = _gain_per_cost(share, baseline, investments)
    return max(gains, key=gains.get)


def _best_ignoring_cost(share, baseline, investments):
    base = share(dict(baseline))
    gains = {
        name: share({**baseline, **changes}) - base for name, (changes, cost) in investments.items()
    }
    return max(gains, key=gains.get)


def _worst(share, baseline, investments):
    gains = _gain_per_cost(share, baseline, investments)
    return min(gains, key=gains.get)


def _cheapest(share, baseline, investments):
    return min(investments, key=lambda name: investments[name][1])


def _piled_up(share, baseline, investments):
    """Changes applied to ``baseline`` itself, so each investment inherits the ones before."""
    base = share(dict(baseline))
    current = dict(baseline)
    gains = {}
    for name, (changes, cost) in investments.items():
        current.update(changes)
        gains[name] = (share(dict(current)) - base) / cost
    return max(gains, key=gains.get)


def _toy_share(weights):
    """A share of users that rises with each quality and falls with the rival's features."""

    def share(parameters):
        score = sum(weight * parameters[name] for name, weight in weights.items())
        return 1 / (1 + math.exp(-score))

    return share


_SHARE = _toy_share({"speed": 0.30, "uptime": 0.50, "privacy": 0.20, "rival_features": -0.10})
_BASE = {"speed": 1.0, "uptime": 1.0, "privacy": 1.0, "rival_features": 5.0}
_INVESTMENTS = {
    "faster pages": ({"speed": 3.0}, 4.0),
    "fewer outages": ({"uptime": 2.0}, 3.0),
    "end-to-end encryption": ({"privacy": 3.8}, 5.0),
}
_SHARE_B = _toy_share({"speed": 0.05, "uptime": 0.10, "privacy": 0.60, "rival_features": -0.10})
_INVESTMENTS_B = {
    "faster pages": ({"speed": 4.0}, 1.0),
    "fewer outages": ({"uptime": 1.5}, 1.0),
    "end-to-end encryption": ({"privacy": 2.0}, 2.0),
    "catch up on features": ({"rival_features": 3.0, "speed": 0.5}, 6.0),
}

BEST_INVESTMENT = Task(
    name="best_investment",
    parameters=("share", "baseline", "investments"),
    summary="The investment that gains the most share per unit of cost.",
    compare=Text(),
    cases=(
        Case.from_reference(
            _best, _SHARE, _BASE, _INVESTMENTS, label="the example: three investments"
        ),
        Case.from_reference(
            _best,
            _SHARE_B,
            _BASE,
            _INVESTMENTS_B,
            label="a market that cares about privacy, four investments",
            hidden=True,
        ),
        Case.from_reference(
            _best,
            _SHARE,
            _BASE,
            {"fewer outages": ({"uptime": 1.2}, 2.0)},
            label="a single investment",
            hidden=True,
        ),
        Case.from_reference(
            _best,
            _SHARE,
            _BASE,
            {
                "fewer outages": ({"uptime": 3.0}, 2.0),
                "faster pages": ({"speed": 1.5}, 2.0),
            },
            label="two investments of equal cost, the first much stronger",
            hidden=True,
        ),
    ),
    mistakes=(
        Mistake(
            "the name you returned gains the most share, but not the most per unit of cost: "
            "divide each gain by its cost (the budget is the constraint).",
            _best_ignoring_cost,
        ),
        Mistake(
            "the changes piled up: each investment was scored with the ones before it still "
            "applied. Do not change baseline; build a new dict for each, {**baseline, **changes}.",
            _piled_up,
        ),
        Mistake(
            "the name you returned gains the *least* share per unit of cost. Take the largest "
            "(max, not min), and check that you divide the gain by the cost.",
            _worst,
        ),
        Mistake(
            "the name you returned is the cheapest investment, not the one that gains the most "
            "per cost. Did you divide the share itself by the cost? Subtract the share today "
            "first: (share({**baseline, **changes}) - share(baseline)) / cost.",
            _cheapest,
        ),
    ),
)

# --------------------------------------------------------------------------- the checks

TASKS = {
    task.name: task
    for task in (
        CHAIN_AVAILABILITY,
        BUDGET_LEFT,
        UTILISATION_FOR_P99,
        LARGEST_FANOUT,
        BEST_INVESTMENT,
    )
}
EXAMPLES = {name: task.examples for name, task in TASKS.items()}


def ready(function: object) -> bool:
    """Whether your function passes its task's check (e.g. ``check.ready("largest_fanout")``).

    See :func:`infralab.checks.tasks.ready_for`.
    """
    return ready_for(TASKS, function)


@with_check_sections
def chain_availability(function: object = None) -> None:
    """Check ``chain_availability(services, replica)``.

    ``services`` is a list of availabilities in series (possibly empty); after them
    comes a pair of replicas, each with availability ``replica``, either of which
    will do. The answer is ``prod(services) * (1 - (1 - replica) ** 2)``, not rounded.
    Five cases, four hidden. Recognises: the pair in series, the pair as one replica,
    the pair left out, added downtimes, a percentage, a rounded answer.

    Examples
    --------
    >>> chain_availability(lambda services, replica: math.prod(services) * (1 - (1 - replica) ** 2))
    Correct (chain_availability): right on all 5 test cases (4 of them hidden).
    """
    CHAIN_AVAILABILITY.check(function)


@with_check_sections
def budget_left_minutes(function: object = None) -> None:
    """Check ``budget_left_minutes(slo, window_days, incident_minutes)``.

    The answer is ``(1 - slo) * window_days * 1440 - sum(incident_minutes)``,
    negative when the budget is overspent, not rounded. Five cases, four hidden,
    including no incidents and an overspent budget. Recognises: the whole budget, the
    minutes spent, hours instead of minutes, always 30 days, a reversed sign, a
    rounded answer, stopping at zero.
    """
    BUDGET_LEFT.check(function)


@with_check_sections
def utilisation_for_p99(function: object = None) -> None:
    """Check ``utilisation_for_p99(slo_ms, service_ms)``.

    The answer is ``max(0, 1 - ln(100) * service_ms / slo_ms)`` (three decimals are
    enough: within 0.001 is accepted). Four cases, three hidden, one where no
    utilisation meets the SLO. Recognises: the mean instead of the p99, a factor of
    100 or log10(100) instead of ln(100), a negative utilisation or None, a percentage.

    Examples
    --------
    >>> utilisation_for_p99(lambda slo_ms, service_ms: max(0, 1 - 4.605 * service_ms / slo_ms))
    Correct (utilisation_for_p99): right on all 4 test cases (3 of them hidden).
    """
    UTILISATION_FOR_P99.check(function)


@with_check_sections
def largest_fanout(function: object = None) -> None:
    """Check ``largest_fanout(leaf_slow_probability, max_slow_share)``.

    The answer is the largest whole ``n`` with ``1 - (1 - p) ** n <= max_slow_share``:
    ``floor(log(1 - max_slow_share) / log(1 - p))``, 0 when ``p`` alone is over
    the target, and ``math.inf`` when ``p`` is 0. Six cases, five hidden. Recognises:
    ``target / p``, rounding up or to the nearest, one leaf too many or too few, and
    dividing by zero at ``p = 0``.
    """
    LARGEST_FANOUT.check(function)


@with_check_sections
def best_investment(function: object = None) -> None:
    """Check ``best_investment(share, baseline, investments)``.

    ``share(parameters)`` returns a market share for a dict of parameters;
    ``baseline`` is such a dict; ``investments`` maps a name to
    ``(changes, cost)``, where ``changes`` is a dict of parameters to override.
    The answer is the name with the largest
    ``(share({**baseline, **changes}) - share(baseline)) / cost``. Four cases, three
    hidden. Recognises: ignoring the cost, the smallest gain, changes piled onto
    ``baseline``, the cheapest.
    """
    BEST_INVESTMENT.check(function)
