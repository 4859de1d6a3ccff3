"""Self-checks for the exercises of lesson 04, 100x problems.

Each function below checks one exercise task. A check cell reads::

    from infralab.checks import hundred_x_problems as check
    check.first_to_break(first_to_break)

It runs your function on several inputs, some of them hidden from the
notebook, and prints one line: correct, not attempted yet, a hint for a common
mistake, or one input where your answer differs from the expected one.

The expected answers are worked out here, independently of the course's own
:mod:`infralab.scaling`, from the definition of each task:

===================  ================================================================
task                 expected answer
===================  ================================================================
first_to_break       the component with the lowest
                     ``threshold * capacity_per_instance * max_instances /
                     demand_per_1x`` (the first in the table on a tie)
peak_clients         ``sqrt((1 - sigma) / kappa)``; ``inf`` when ``kappa == 0``
fit_usl_table        ``(sigma, kappa)`` of the table, made without noise from known
                     values: any correct bounded fit recovers them
quarters_needed      ``ceil(project_work / (k * m / (1 + c * (k - 1))))``
choose_team          ``(team_size, start_quarter)`` of the row with the most
                     ``mean_features`` among rows with ``chance_better >=
                     min_chance``; ``(None, None)`` when no row qualifies
===================  ================================================================

``TASKS`` maps each task name to its :class:`~infralab.checks.core.Task`
(cases, mistakes, comparison); ``EXAMPLES`` maps it to the cases that are not
hidden.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from infralab.checks.core import (
    Anything,
    Case,
    Mistake,
    Number,
    Task,
    Text,
    TupleOf,
    ready_for,
    with_check_sections,
)

__all__ = [
    "EXAMPLES",
    "TASKS",
    "choose_team",
    "first_to_break",
    "fit_usl_table",
    "peak_clients",
    "quarters_needed",
    "ready",
]

# --------------------------------------------------------------------------- 1. first to break


def _system(rows: list[tuple[str, float, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["component", "demand_per_1x", "capacity_per_instance", "max_instances"]
    )


def _breaks_at(system: pd.DataFrame, threshold: float) -> list[float]:
    return [
        threshold * capacity * most / demand
        for demand, capacity, most in zip(
            system["demand_per_1x"], system["capacity_per_instance"], system["max_instances"],
            strict=True,
        )
    ]


def _first(system, threshold):
    loads = _breaks_at(system, threshold)
    return str(system["component"].iloc[loads.index(min(loads))])


def _ignoring_instances(system, threshold):
    loads = [threshold * c / d for d, c in
             zip(system["demand_per_1x"], system["capacity_per_instance"], strict=True)]
    return str(system["component"].iloc[loads.index(min(loads))])


def _last(system, threshold):
    loads = _breaks_at(system, threshold)
    return str(system["component"].iloc[loads.index(max(loads))])


_WEB = _system([
    ("load balancer", 2_000, 50_000, 4), ("app servers", 2_000, 400, 200),
    ("cache", 6_000, 100_000, 3), ("primary database", 600, 8_000, 1),
    ("queue", 300, 20_000, 8), ("global lock", 60, 2_000, 1),
])
# After sharding the database 8 ways: the lock is next.
_SHARDED = _WEB.assign(capacity_per_instance=[50_000, 400, 100_000, 64_000, 20_000, 2_000])
# A search service: the single indexer breaks first although the query nodes are busier.
_SEARCH = _system([
    ("query nodes", 5_000, 600, 100), ("indexer", 200, 1_500, 1), ("object store", 800, 1e6, 1),
])
_ONE = _system([("only component", 10, 100, 1)])

FIRST_TO_BREAK = Task(
    name="first_to_break",
    parameters=("system", "threshold"),
    summary="The component that passes the threshold utilisation at the lowest load multiple.",
    compare=Text(),
    cases=(
        Case.from_reference(_first, _WEB, 0.8),
        Case.from_reference(_first, _SHARDED, 0.8, hidden=True),
        Case.from_reference(_first, _SEARCH, 0.8, hidden=True),
        Case.from_reference(_first, _ONE, 0.5, hidden=True),
    ),
    mistakes=(
        Mistake(
            "you left out max_instances: a component that scales out breaks only when every "
            "instance it may have is full (threshold * capacity * max_instances / demand).",
            _ignoring_instances,
        ),
        Mistake(
            "you returned the component that breaks last. The first to break has the "
            "lowest breaking load.",
            _last,
        ),
    ),
)

# --------------------------------------------------------------------------- 2. peak clients


def _peak(sigma, kappa):
    return math.inf if kappa == 0 else math.sqrt((1 - sigma) / kappa)


PEAK_CLIENTS = Task(
    name="peak_clients",
    parameters=("sigma", "kappa"),
    summary="N* = sqrt((1 - sigma) / kappa), infinite when kappa is 0.",
    compare=Number(rel_tol=1e-6),
    cases=(
        Case.from_reference(_peak, 0.05, 0.002),
        Case.from_reference(_peak, 0.3, 0.0005, hidden=True),
        Case.from_reference(_peak, 0.0, 0.01, hidden=True),
        Case.from_reference(_peak, 0.2, 0.0, hidden=True),
    ),
    mistakes=(
        Mistake("you forgot the square root: N* = sqrt((1 - sigma) / kappa).",
                lambda sigma, kappa: math.inf if kappa == 0 else (1 - sigma) / kappa),
        Mistake("you used sigma where 1 - sigma belongs: N* = sqrt((1 - sigma) / kappa).",
                lambda sigma, kappa: math.inf if kappa == 0 else math.sqrt(sigma / kappa)),
        Mistake("you dropped sigma: N* = sqrt((1 - sigma) / kappa), not sqrt(1 / kappa).",
                lambda sigma, kappa: math.inf if kappa == 0 else math.sqrt(1 / kappa)),
        Mistake("with kappa = 0 there is no peak (Amdahl's law): return math.inf.",
                lambda sigma, kappa: math.sqrt((1 - sigma) / kappa)),
    ),
)

# --------------------------------------------------------------------------- 3. fit the USL


def _usl_table(lam, sigma, kappa, clients):
    n = np.asarray(clients, dtype=float)
    return pd.DataFrame({
        "clients": np.asarray(clients),
        "throughput": lam * n / (1 + sigma * (n - 1) + kappa * n * (n - 1)),
    })


_TABLES = (
    ((480.0, 0.08, 0.0015), (1, 2, 4, 8, 16, 24, 32, 48)),
    ((1_000.0, 0.02, 0.0004), (1, 2, 4, 8, 16, 32, 64, 128)),
    ((250.0, 0.3, 0.01), (1, 2, 3, 4, 6, 8, 12)),
    ((800.0, 0.1, 0.0), (1, 2, 4, 8, 16, 32)),  # Amdahl: no coherency cost
)

def _exact(table):
    """(sigma, kappa) of a noise-free table with a 1-client row, by linear least squares.

    With ``lam = X(1)``: ``n * lam / X(n) - 1 = sigma * (n - 1) + kappa * n * (n - 1)``.
    """
    n = table["clients"].to_numpy(dtype=float)
    x = table["throughput"].to_numpy(dtype=float)
    lam = x[n == 1][0]
    design = np.column_stack([n - 1, n * (n - 1)])
    (sigma, kappa), *_ = np.linalg.lstsq(design, n * lam / x - 1, rcond=None)
    return (float(sigma), float(max(kappa, 0.0)))


_FIT = TupleOf((Number(rel_tol=0.02, abs_tol=0.003), Number(rel_tol=0.05, abs_tol=2e-5)))

FIT_USL_TABLE = Task(
    name="fit_usl_table",
    parameters=("table",),
    summary="(sigma, kappa) fitted to a table of clients and throughput.",
    compare=_FIT,
    cases=tuple(
        Case.from_reference(_exact, _usl_table(*truth, clients), hidden=number > 0)
        for number, (truth, clients) in enumerate(_TABLES)
    ),
    mistakes=(
        Mistake(
            "you returned (kappa, sigma): return sigma (contention) first, then kappa.",
            lambda table: _exact(table)[::-1],
        ),
        Mistake(
            "your kappa is 0 where the throughput falls: that is Amdahl's law. Fit all three "
            "parameters, lam, sigma and kappa, of the USL.",
            lambda table: (0.0, 0.0),
            compare=TupleOf((Anything(), Number(rel_tol=0, abs_tol=1e-9))),
        ),
    ),
)

# --------------------------------------------------------------------------- 4. quarters needed


def _quarters(project_work, team_size, coordination, multiplier):
    per_quarter = team_size * multiplier / (1 + coordination * (team_size - 1))
    return math.ceil(project_work / per_quarter - 1e-9)


QUARTERS_NEEDED = Task(
    name="quarters_needed",
    parameters=("project_work", "team_size", "coordination", "multiplier"),
    summary="Whole quarters a dedicated team of k needs, with coordination overhead.",
    compare=Number(rel_tol=0, abs_tol=0),
    cases=(
        Case.from_reference(_quarters, 18.0, 6, 0.05, 1.5),
        Case.from_reference(_quarters, 18.0, 12, 0.05, 1.5, hidden=True),
        Case.from_reference(_quarters, 30.0, 4, 0.1, 1.0, hidden=True),
        Case.from_reference(_quarters, 9.0, 6, 0.0, 1.5, hidden=True),  # exactly one quarter
        Case.from_reference(_quarters, 40.0, 20, 0.2, 1.2, hidden=True),
    ),
    mistakes=(
        Mistake("you left out the coordination overhead: a team of k gets "
                "k * m / (1 + c * (k - 1)) people's worth of work done a quarter.",
                lambda w, k, c, m: math.ceil(w / (k * m) - 1e-9)),
        Mistake("round up: a project that needs 2.5 quarters ships at the end of the third.",
                lambda w, k, c, m: math.floor(w / (k * m / (1 + c * (k - 1))))),
        Mistake("you returned a fraction of quarters: round up to whole quarters (math.ceil).",
                lambda w, k, c, m: w / (k * m / (1 + c * (k - 1)))),
    ),
)

# --------------------------------------------------------------------------- 5. choose the team


def _choose(options, min_chance):
    allowed = options[options["chance_better"] >= min_chance]
    if allowed.empty:
        return (None, None)
    best = allowed.loc[allowed["mean_features"].idxmax()]
    return (int(best["team_size"]), int(best["start_quarter"]))


def _options(rows):
    return pd.DataFrame(
        rows, columns=["team_size", "start_quarter", "mean_features", "chance_better"]
    )


_PLANS = _options([
    (4, 1, 390.0, 0.97), (6, 1, 398.0, 0.95), (8, 1, 402.0, 0.85), (12, 1, 404.0, 0.70),
    (6, 3, 385.0, 0.90), (8, 3, 389.0, 0.80),
])
_TIE_AT_LIMIT = _options([(5, 0, 300.0, 0.8), (10, 0, 320.0, 0.79), (3, 2, 280.0, 0.95)])
_NONE_SAFE = _options([(6, 4, 290.0, 0.40), (10, 4, 295.0, 0.55)])
_SINGLE = _options([(2, 0, 150.0, 1.0)])


def _ignore_chance(options, min_chance):
    best = options.loc[options["mean_features"].idxmax()]
    return (int(best["team_size"]), int(best["start_quarter"]))


def _strictly_above(options, min_chance):
    allowed = options[options["chance_better"] > min_chance]
    if allowed.empty:
        return (None, None)
    best = allowed.loc[allowed["mean_features"].idxmax()]
    return (int(best["team_size"]), int(best["start_quarter"]))


def _safest(options, min_chance):
    best = options.loc[options["chance_better"].idxmax()]
    return (int(best["team_size"]), int(best["start_quarter"]))


_PAIR = TupleOf((Number(rel_tol=0, abs_tol=0), Number(rel_tol=0, abs_tol=0)))

CHOOSE_TEAM = Task(
    name="choose_team",
    parameters=("options", "min_chance"),
    summary="The plan with the most features among those likely enough to beat doing nothing.",
    compare=_PAIR,
    cases=(
        Case.from_reference(_choose, _PLANS, 0.8),
        Case.from_reference(_choose, _PLANS, 0.9, hidden=True),
        Case.from_reference(_choose, _TIE_AT_LIMIT, 0.8, hidden=True),
        Case.from_reference(_choose, _NONE_SAFE, 0.8, hidden=True),
        Case.from_reference(_choose, _SINGLE, 0.5, hidden=True),
    ),
    mistakes=(
        Mistake("you ignored min_chance: first keep the plans whose chance_better is at least "
                "min_chance, then take the most features among them.", _ignore_chance),
        Mistake("'at least' includes min_chance itself: use >=, not >.", _strictly_above),
        Mistake("you chose the safest plan; choose the most features among the safe-enough "
                "plans.", _safest),
    ),
)

# --------------------------------------------------------------------------- the checks

TASKS = {
    task.name: task
    for task in (FIRST_TO_BREAK, PEAK_CLIENTS, FIT_USL_TABLE, QUARTERS_NEEDED, CHOOSE_TEAM)
}
EXAMPLES = {name: task.examples for name, task in TASKS.items()}


def ready(function: object) -> bool:
    """Whether your function passes its task's check (e.g. ``check.ready("peak_clients")``).

    See :func:`infralab.checks.tasks.ready_for`.
    """
    return ready_for(TASKS, function)


@with_check_sections
def first_to_break(function: object = None) -> None:
    """Check ``first_to_break(system, threshold)``.

    ``system`` has columns ``component``, ``demand_per_1x``,
    ``capacity_per_instance`` and ``max_instances``. The answer is the name of the
    component with the lowest ``threshold * capacity_per_instance * max_instances
    / demand_per_1x``. Four cases, three hidden (a sharded system, a search
    service, a single component). Recognises: forgetting ``max_instances``, the
    last to break.

    Examples
    --------
    >>> def first(system, threshold):
    ...     at = threshold * system.capacity_per_instance * system.max_instances
    ...     return system.component[(at / system.demand_per_1x).idxmin()]
    >>> first_to_break(first)
    Correct (first_to_break): right on all 4 test cases (3 of them hidden).
    """
    FIRST_TO_BREAK.check(function)


@with_check_sections
def peak_clients(function: object = None) -> None:
    """Check ``peak_clients(sigma, kappa)``.

    The answer is ``sqrt((1 - sigma) / kappa)``, and ``math.inf`` when ``kappa`` is
    0. Four cases, three hidden. Recognises: no square root, ``sigma`` for
    ``1 - sigma``, ``sigma`` dropped, a division by zero at ``kappa = 0``.

    Examples
    --------
    >>> import math
    >>> peak_clients(lambda s, k: math.sqrt((1 - s) / k) if k else math.inf)
    Correct (peak_clients): right on all 4 test cases (3 of them hidden).
    """
    PEAK_CLIENTS.check(function)


@with_check_sections
def fit_usl_table(function: object = None) -> None:
    """Check ``fit_usl_table(table)``.

    ``table`` has columns ``clients`` and ``throughput``, made without noise from
    known ``lam``, ``sigma`` and ``kappa``. The answer is ``(sigma, kappa)``: within
    2% or 0.003 for ``sigma`` and 5% or 0.00002 for ``kappa``. Four cases, three
    hidden, one of them with ``kappa = 0`` (Amdahl). Recognises: the two swapped.
    """
    FIT_USL_TABLE.check(function)


@with_check_sections
def quarters_needed(function: object = None) -> None:
    """Check ``quarters_needed(project_work, team_size, coordination, multiplier)``.

    The answer is the whole number of quarters
    ``ceil(project_work / (k * m / (1 + c * (k - 1))))``. Five cases, four hidden.
    Recognises: no coordination overhead, rounding down, a fraction of quarters.
    """
    QUARTERS_NEEDED.check(function)


@with_check_sections
def choose_team(function: object = None) -> None:
    """Check ``choose_team(options, min_chance)``.

    ``options`` has columns ``team_size``, ``start_quarter``, ``mean_features``
    and ``chance_better``. The answer is ``(team_size, start_quarter)`` of the row
    with the most ``mean_features`` among those with ``chance_better >=
    min_chance``, or ``(None, None)``. Five cases, four hidden. Recognises:
    ignoring ``min_chance``, ``>`` for ``>=``, the safest plan.
    """
    CHOOSE_TEAM.check(function)
