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
# A worker tier that scales out but is capped at 10 breaks long before the single database.
_CAPPED = _system([
    ("database", 100, 1_000, 1), ("workers", 1_000, 50, 10), ("lock", 10, 500, 1),
])


def _only_single(system, threshold):
    """The mistake of looking only at the components that cannot scale out."""
    single = system[system["max_instances"] == 1]
    if single.empty:
        return _first(system, threshold)
    return _first(single.reset_index(drop=True), threshold)

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
        Case.from_reference(_first, _CAPPED, 0.8, hidden=True),
    ),
    mistakes=(
        Mistake(
            "you looked only at the components that cannot scale out: a tier that scales out "
            "breaks too, once every instance it may have is full.",
            _only_single,
        ),
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
        Mistake("don't round: return the full value (the task's 'about 21.8' is rounded for "
                "reading; the check compares to 6 significant digits).",
                lambda sigma, kappa: math.inf if kappa == 0 else round(_peak(sigma, kappa), 1)),
        Mistake("don't round to whole clients: return the full value of "
                "sqrt((1 - sigma) / kappa).",
                lambda sigma, kappa: math.inf if kappa == 0 else round(_peak(sigma, kappa))),
        Mistake("you swapped sigma and kappa: N* = sqrt((1 - sigma) / kappa), kappa below.",
                lambda sigma, kappa: math.inf if kappa == 0 else math.sqrt((1 - kappa) / sigma)),
        Mistake("you forgot the square root: N* = sqrt((1 - sigma) / kappa).",
                lambda sigma, kappa: math.inf if kappa == 0 else (1 - sigma) / kappa),
        Mistake("you forgot the square root, N* = sqrt((1 - sigma) / kappa), and with "
                "kappa = 0 there is no peak: return math.inf.",
                lambda sigma, kappa: (1 - sigma) / kappa),
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


class _PairOrArray(TupleOf):
    """A pair as a tuple, a list or a NumPy array of two numbers (what curve_fit returns)."""

    @staticmethod
    def _as_pair(got):
        if isinstance(got, np.ndarray) and got.shape == (2,) and got.dtype.kind in "iuf":
            return tuple(float(v) for v in got)
        return got

    def accepts(self, got):
        return super().accepts(self._as_pair(got))

    def _same(self, expected, got):
        return super()._same(expected, self._as_pair(got))


def _amdahl_sigma(table):
    """sigma of Amdahl's law fitted to a table with a 1-client row (kappa held at 0)."""
    n = table["clients"].to_numpy(dtype=float)
    x = table["throughput"].to_numpy(dtype=float)
    lam = x[n == 1][0]
    (sigma,), *_ = np.linalg.lstsq((n - 1)[:, None], n * lam / x - 1, rcond=None)
    return (float(sigma), 0.0)


_FIT = _PairOrArray((Number(rel_tol=0.02, abs_tol=0.003), Number(rel_tol=0.05, abs_tol=2e-5)))

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
            "your sigma and kappa are both 0: the fit could not reach the data. Fit lam too "
            "(one client's throughput, about the first row's), not a fixed value.",
            lambda table: (0.0, 0.0),
            compare=_PairOrArray((Number(rel_tol=0, abs_tol=1e-6),
                                  Number(rel_tol=0, abs_tol=1e-9))),
        ),
        Mistake(
            "your kappa is 0 where the throughput falls: that is Amdahl's law. Fit all three "
            "parameters, lam, sigma and kappa, of the USL.",
            _amdahl_sigma,
            compare=_PairOrArray((Number(rel_tol=0.5, abs_tol=0.02),
                                  Number(rel_tol=0, abs_tol=1e-9))),
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
        Case.from_reference(_quarters, 41.0, 20, 0.2, 1.2, hidden=True),
        Case.from_reference(_quarters, 13.0, 5, 0.1, 1.0, hidden=True),
    ),
    mistakes=(  # round before floor: where round is wrong, floor agrees with it
        Mistake("round up, not to the nearest: a project that needs 8.2 quarters ships at the "
                "end of the ninth (math.ceil, not round).",
                lambda w, k, c, m: round(w / (k * m / (1 + c * (k - 1))))),
        Mistake("round up: a project that needs 2.5 quarters ships at the end of the third.",
                lambda w, k, c, m: math.floor(w / (k * m / (1 + c * (k - 1))))),
        Mistake("int(x) + 1 is one too many when the work fills whole quarters exactly (9 "
                "engineer-quarters at 9 a quarter is 1 quarter): use math.ceil.",
                lambda w, k, c, m: int(w / (k * m / (1 + c * (k - 1)))) + 1),
        Mistake("one quarter too many: math.ceil already counts the quarter the project "
                "ships in.", lambda w, k, c, m: _quarters(w, k, c, m) + 1),
        Mistake("one quarter too few: a project that needs 2.5 quarters ships at the end of "
                "the third, and math.ceil gives 3.", lambda w, k, c, m: _quarters(w, k, c, m) - 1),
        Mistake("you left out the coordination overhead: a team of k gets "
                "k * m / (1 + c * (k - 1)) people's worth of work done a quarter.",
                lambda w, k, c, m: math.ceil(w / (k * m) - 1e-9)),
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
# The most features among the safe plans come from a later start.
_LATER = _options([(6, 0, 300.0, 0.85), (8, 2, 320.0, 0.82), (4, 0, 280.0, 0.95)])
# Features times chance picks a different plan from both the right one and the safest.
_WEIGHED = _options([(3, 0, 200.0, 0.99), (6, 1, 400.0, 0.9), (10, 1, 420.0, 0.8)])


def _earliest(options, min_chance):
    allowed = options[options["chance_better"] >= min_chance]
    if allowed.empty:
        return (None, None)
    first = allowed[allowed["start_quarter"] == allowed["start_quarter"].min()]
    best = first.loc[first["mean_features"].idxmax()]
    return (int(best["team_size"]), int(best["start_quarter"]))


def _weighted(options, min_chance):
    allowed = options[options["chance_better"] >= min_chance]
    if allowed.empty:
        return (None, None)
    best = allowed.loc[(allowed["mean_features"] * allowed["chance_better"]).idxmax()]
    return (int(best["team_size"]), int(best["start_quarter"]))


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
        Case.from_reference(_choose, _LATER, 0.8, hidden=True),
        Case.from_reference(_choose, _WEIGHED, 0.8, hidden=True),
    ),
    mistakes=(
        Mistake("you ignored min_chance: first keep the plans whose chance_better is at least "
                "min_chance, then take the most features among them.", _ignore_chance),
        Mistake("'at least' includes min_chance itself: use >=, not >.", _strictly_above),
        Mistake("you chose the safest plan; choose the most features among the safe-enough "
                "plans.", _safest),
        Mistake("you weighted features by their chance: min_chance already settles safety, "
                "so among the plans that pass it compare mean_features alone.", _weighted),
        Mistake("you preferred the earliest start: among the safe-enough plans take the most "
                "features, whatever the start quarter.", _earliest),
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
    / demand_per_1x``. Five cases, four hidden (a sharded system, a search
    service, a single component, a capped worker tier). Recognises: only the
    components that cannot scale out, forgetting ``max_instances``, the last to
    break.

    Examples
    --------
    >>> def first(system, threshold):
    ...     at = threshold * system.capacity_per_instance * system.max_instances
    ...     return system.component[(at / system.demand_per_1x).idxmin()]
    >>> first_to_break(first)
    Correct (first_to_break): right on all 5 test cases (4 of them hidden).
    """
    FIRST_TO_BREAK.check(function)


@with_check_sections
def peak_clients(function: object = None) -> None:
    """Check ``peak_clients(sigma, kappa)``.

    The answer is ``sqrt((1 - sigma) / kappa)``, and ``math.inf`` when ``kappa`` is
    0. Four cases, three hidden. Recognises: a rounded answer, ``sigma`` and
    ``kappa`` swapped, no square root (with or without the ``kappa = 0`` case),
    ``sigma`` for ``1 - sigma``, ``sigma`` dropped, a division by zero at
    ``kappa = 0``.

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
    2% or 0.003 for ``sigma`` and 5% or 0.00002 for ``kappa``, as a tuple, a list
    or a NumPy array. Four cases, three hidden, one of them with ``kappa = 0``
    (Amdahl). Recognises: the two swapped, ``lam`` held fixed, Amdahl's law.
    """
    FIT_USL_TABLE.check(function)


@with_check_sections
def quarters_needed(function: object = None) -> None:
    """Check ``quarters_needed(project_work, team_size, coordination, multiplier)``.

    The answer is the whole number of quarters
    ``ceil(project_work / (k * m / (1 + c * (k - 1))))``. Six cases, five hidden,
    none on a rounding edge (a plain ``math.ceil`` passes). Recognises: rounding
    down, rounding to the nearest, ``int(x) + 1``, one quarter too many or too
    few, no coordination overhead, a fraction of quarters.
    """
    QUARTERS_NEEDED.check(function)


@with_check_sections
def choose_team(function: object = None) -> None:
    """Check ``choose_team(options, min_chance)``.

    ``options`` has columns ``team_size``, ``start_quarter``, ``mean_features``
    and ``chance_better``. The answer is ``(team_size, start_quarter)`` of the row
    with the most ``mean_features`` among those with ``chance_better >=
    min_chance``, or ``(None, None)``. Six cases, five hidden. Recognises:
    ignoring ``min_chance``, ``>`` for ``>=``, the safest plan, features
    weighted by chance, the earliest start first.
    """
    CHOOSE_TEAM.check(function)
