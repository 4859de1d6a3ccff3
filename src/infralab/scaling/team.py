"""People: who works on the 100x problem, and what that costs and buys, quarter by quarter.

An organisation of ``engineers`` people ships features while the product's load
grows by ``load_growth`` per quarter. Firefighting (incidents and toil) takes a
share of everyone's time that grows with the load the current architecture
carries::

    toil(t) = min(1, toil_at_start * (load(t) * old(t)) ** toil_exponent)
    load(t) = (1 + load_growth) ** t
    old(t)  = 1 - moved(t) + moved(t) / fix_gain

where ``moved`` is the share of the traffic on the new architecture: 0 until the
100x project ships, then rising by ``1 / migration_quarters`` a quarter to 1 (the
migration's long tail: Slack went from 45% to 99% of its queries on Vitess in
thirteen months). The new architecture carries ``fix_gain`` times the load for the
same toil; toil never drops below ``toil_at_start``. The tail's work is left to
the owning teams and not charged to anyone: an optimistic simplification. The
project needs ``project_work`` engineer-quarters of focused work. Three ways to staff it:

- ``"features"``: nobody works on it; everyone ships features and fights fires.
- ``"part_time"``: from ``start_quarter`` everyone gives ``part_time_share`` of
  their time to it and loses ``switching_cost`` of that share to context switches;
  the project is also slowed by coordination among everyone (below).
- ``"dedicated"``: from ``start_quarter`` the ``team_size`` strongest engineers
  (each ``strongest_multiplier`` times an average engineer's output, so the
  features lose that much) work on nothing else and are shielded from
  firefighting; they return to features when it ships.

A team of ``k`` gets ``k / (1 + coordination * (k - 1))`` people's worth of work
done (communication paths grow with the team: Brooks). Each quarter's feature
output is the feature capacity times ``1 - toil``; incidents are Poisson with mean
``incidents_at_start * toil / toil_at_start``. The model has no randomness of its
own: the Monte Carlo draws the uncertain assumptions
(:func:`draw_assumptions`), and :meth:`OrgOutcome.incidents` draws incident
counts, each with its seed. The project ships (first production traffic) at the
end of the quarter in which its cumulative work reaches ``project_work`` (a
dedicated team spends the rest of that quarter on features); the migration
starts the next quarter.

Two assumptions decide the comparisons more than the others, and the Monte Carlo
draws both: ``coordination`` (applied to everyone under ``"part_time"``, it is
what keeps that plan from shipping; at 0 it ships) and ``fix_gain`` (how much
relief the project buys at all).

Every number is an illustrative assumption except the project's length to first
production, set so that a team of six needs about three quarters (18
engineer-quarters), in line with the reported timelines of Slack's move to Vitess
(seven months from whiteboard to first production traffic) and Figma's horizontal
sharding (about nine months); the migration tail of four quarters follows Slack's
thirteen months from 45% to 99%.
:func:`simulate_org` runs many organisations at once (vectorised over runs and
quarters), each with its own draw of the uncertain assumptions
(:func:`draw_assumptions`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validation import check_choice, check_count, check_number, check_seed, short_repr

__all__ = [
    "DEFAULT_ASSUMPTIONS",
    "OrgOutcome",
    "STRATEGIES",
    "best_team_size",
    "draw_assumptions",
    "latest_start_quarter",
    "simulate_org",
]

#: The ways to staff the 100x project.
STRATEGIES = ("features", "part_time", "dedicated")

#: Central values of the uncertain assumptions (all illustrative, see the module docstring).
DEFAULT_ASSUMPTIONS: dict[str, float] = {
    "load_growth": 0.5,  # load x1.5 a quarter: 100x in about 11 quarters (hypergrowth)
    "toil_at_start": 0.10,  # a tenth of everyone's time on fires today
    "toil_exponent": 0.5,  # toil grows as the square root of load
    "project_work": 18.0,  # engineer-quarters: a team of six, about three quarters
    "coordination": 0.05,  # each extra team member costs 5% of everyone's output
    "strongest_multiplier": 1.5,  # the strongest engineers get 1.5x done
    "fix_gain": 10.0,  # the new architecture carries 10x the load for the same toil
    "migration_quarters": 4.0,  # quarters from first production to all traffic moved
    "incidents_at_start": 6.0,  # incidents a quarter today
}

#: How :func:`draw_assumptions` spreads each uncertain one: (distribution, a, b).
_SPREAD = {
    "load_growth": ("uniform", 0.1, 0.7),
    "coordination": ("uniform", 0.02, 0.1),
    "fix_gain": ("loguniform", 3.0, 100.0),
    "migration_quarters": ("uniform", 2.0, 6.0),
    "toil_exponent": ("uniform", 0.35, 0.65),
    "project_work": ("lognormal", np.log(18.0), 0.4),  # overruns are common
    "strongest_multiplier": ("uniform", 1.2, 1.8),
}


def draw_assumptions(runs: int, seed: object = 0) -> dict[str, np.ndarray]:
    """Draw ``runs`` sets of the uncertain assumptions (the others at their central value).

    ``load_growth`` uniform on 0.1 to 0.7 a quarter (1.5x to 8.4x a year: from
    steady growth to hypergrowth; Figma's reported 100x in about four years is
    about 0.33), ``coordination`` uniform on 0.02 to 0.1, ``fix_gain``
    log-uniform on 3 to 100, ``migration_quarters`` uniform on 2 to 6,
    ``toil_exponent`` uniform on 0.35 to 0.65, ``project_work`` lognormal around
    18 engineer-quarters (log-sd 0.4: one in six projects needs 1.5x the median or
    more) and ``strongest_multiplier`` uniform on 1.2 to 1.8.

    Examples
    --------
    >>> drawn = draw_assumptions(1_000, seed=1)
    >>> sorted(drawn) == sorted(DEFAULT_ASSUMPTIONS)
    True
    >>> bool(0.1 <= drawn["load_growth"].min() and drawn["load_growth"].max() <= 0.7)
    True
    """
    count = check_count("runs", runs, high=1_000_000)
    rng = check_seed("seed", seed)
    drawn = {name: np.full(count, value) for name, value in DEFAULT_ASSUMPTIONS.items()}
    for name, (kind, a, b) in _SPREAD.items():
        if kind == "uniform":
            drawn[name] = rng.uniform(a, b, count)
        elif kind == "loguniform":
            drawn[name] = np.exp(rng.uniform(np.log(a), np.log(b), count))
        else:
            drawn[name] = rng.lognormal(a, b, count)
    return drawn


@dataclass(frozen=True)
class OrgOutcome:
    """Quarter-by-quarter results of :func:`simulate_org`, one row per run.

    Attributes
    ----------
    features : numpy.ndarray
        Feature work shipped each quarter, in engineer-quarters, shape (runs, quarters).
    incident_rate : numpy.ndarray
        Expected incidents each quarter, same shape (:meth:`incidents` draws counts).
    toil : numpy.ndarray
        Share of the feature engineers' time lost to firefighting, same shape.
    ship_quarter : numpy.ndarray
        Quarter (0-based) at whose end the project shipped; ``-1`` if it did not.
    """

    features: np.ndarray
    incident_rate: np.ndarray
    toil: np.ndarray
    ship_quarter: np.ndarray

    def incidents(self, seed: object = 0) -> np.ndarray:
        """Incident counts each quarter: Poisson draws around :attr:`incident_rate`.

        Examples
        --------
        >>> counts = simulate_org("features", runs=2_000).incidents(seed=1)
        >>> bool(abs(counts[:, 0].mean() - 6.0) < 0.3)
        True
        """
        return check_seed("seed", seed).poisson(self.incident_rate)

    @property
    def total_features(self) -> np.ndarray:
        """Feature work over all quarters, per run."""
        return self.features.sum(axis=1)


def _assumption(assumptions: dict, name: str, runs: int, low: float, high: float | None):
    given = assumptions.get(name, DEFAULT_ASSUMPTIONS[name])
    try:
        if isinstance(given, (str, bytes, bool, np.bool_)):
            raise TypeError
        value = np.asarray(given, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"assumptions[{name!r}] must be a number or one number per run, got "
                         f"{short_repr(given)}") from None
    if value.ndim > 1 or (value.ndim == 1 and value.size not in (1, runs)):
        raise ValueError(f"assumptions[{name!r}] must be a number or one value per run "
                         f"({runs}), got shape {value.shape}")
    if not np.all(np.isfinite(value)) or np.any(value < low) or (
            high is not None and np.any(value > high)):
        rule = f"from {low:g} to {high:g}" if high is not None else f">= {low:g}"
        raise ValueError(f"assumptions[{name!r}] must be {rule}, got {short_repr(value)}")
    return np.broadcast_to(value, (runs,))


_LIMITS = {
    "load_growth": (0.0, 10.0), "toil_at_start": (1e-6, 1.0), "toil_exponent": (0.0, 5.0),
    "project_work": (1e-6, 1e6), "coordination": (0.0, 1.0),
    "strongest_multiplier": (1.0, 10.0), "fix_gain": (1.0, 1e9),
    "migration_quarters": (1.0, 400.0), "incidents_at_start": (0.0, 1e6),
}


def simulate_org(
    strategy: str,
    *,
    engineers: int = 40,
    team_size: int = 6,
    start_quarter: int = 2,
    quarters: int = 12,
    part_time_share: float = 0.2,
    switching_cost: float = 0.3,
    assumptions: dict | None = None,
    runs: int = 1,
) -> OrgOutcome:
    """Simulate an organisation of ``engineers`` over ``quarters`` under one staffing strategy.

    Parameters
    ----------
    strategy : {"features", "part_time", "dedicated"}
        Who works on the 100x project (see the module docstring).
    engineers : int
        People in the organisation, 1 to 100,000.
    team_size : int
        The dedicated team, 1 to ``engineers`` (used by ``"dedicated"``).
    start_quarter : int
        Quarter (0-based) the project starts, 0 to ``quarters - 1``.
    quarters : int
        Quarters simulated, 1 to 400.
    part_time_share : float
        Share of everyone's time on the project under ``"part_time"``, in [0, 1].
    switching_cost : float
        Share of that time lost to context switching, in [0, 1].
    assumptions : dict, optional
        Values of :data:`DEFAULT_ASSUMPTIONS` to replace: a number, or one value
        per run (e.g. from :func:`draw_assumptions`).
    runs : int
        Organisations simulated at once, 1 to 1,000,000.

    Returns
    -------
    OrgOutcome

    Examples
    --------
    >>> everyone = simulate_org("features")
    >>> team = simulate_org("dedicated", team_size=6, start_quarter=1)
    >>> int(team.ship_quarter[0])
    3
    >>> bool(team.total_features[0] > everyone.total_features[0])
    True
    """
    plan = check_choice("strategy", strategy, STRATEGIES)
    people = check_count("engineers", engineers, high=100_000)
    span = check_count("quarters", quarters, high=400)
    team = check_count("team_size", team_size, high=people)
    start = check_count("start_quarter", start_quarter, low=0, high=span - 1)
    share = check_number("part_time_share", part_time_share, low=0.0, high=1.0)
    lost = check_number("switching_cost", switching_cost, low=0.0, high=1.0)
    count = check_count("runs", runs, high=1_000_000)
    given = {} if assumptions is None else assumptions
    if not isinstance(given, dict) or not set(given) <= set(DEFAULT_ASSUMPTIONS):
        raise ValueError(f"assumptions must be a dict with keys among "
                         f"{sorted(DEFAULT_ASSUMPTIONS)}, got {short_repr(given)}")
    a = {name: _assumption(given, name, count, *_LIMITS[name]) for name in DEFAULT_ASSUMPTIONS}

    strong = a["strongest_multiplier"][:, None]
    capacity = float(people)  # the whole org's output, in average engineers
    quarter = np.arange(span)[None, :]
    growth = np.log1p(a["load_growth"])[:, None] * quarter  # log of load
    start_toil, exponent = a["toil_at_start"][:, None], a["toil_exponent"][:, None]

    def toil_at(log_load):
        """min(1, toil_at_start * load ** toil_exponent), in place on ``log_load``."""
        np.multiply(log_load, exponent, out=log_load)
        np.exp(log_load, out=log_load)
        np.multiply(log_load, start_toil, out=log_load)
        return np.minimum(log_load, 1.0, out=log_load)

    work = a["project_work"][:, None]
    never = np.full(count, -1)
    if plan == "dedicated":
        on_project = team * strong / (1 + a["coordination"][:, None] * (team - 1))
        needed = np.maximum(np.ceil(work / on_project - 1e-9), 1.0)[:, 0]  # quarters of work
        ship = start + needed.astype(int) - 1
        shipped = np.where(ship < span, ship, never)
        # the share of each quarter the team still needs: it returns to features after
        fraction = np.clip(work / on_project - (quarter - start), 0.0, 1.0)
        fraction[:, :start] = 0.0
        feature_capacity = np.maximum(capacity - team * strong * fraction, 0.0)
    elif plan == "part_time":
        before = toil_at(growth.copy())  # toil with no fix
        on_project = capacity * share * (1 - lost) / (1 + a["coordination"][:, None] * (people - 1))
        progress = np.where(quarter >= start, on_project * (1 - before), 0.0)
        finished = np.cumsum(progress, axis=1) >= work * (1 - 1e-12)
        shipped = np.where(finished.any(axis=1), np.argmax(finished, axis=1), never)
        working = (quarter >= start) & ((shipped < 0)[:, None] | (quarter <= shipped[:, None]))
        feature_capacity = np.where(working, capacity * (1 - share), capacity)
    else:
        shipped, feature_capacity = never, capacity
    if (shipped >= 0).any():  # after it ships, traffic moves to the new architecture over the tail
        since = quarter - np.where(shipped >= 0, shipped, span)[:, None]  # never: never moves
        moved = np.clip(since / a["migration_quarters"][:, None], 0.0, 1.0)
        # the load the old architecture's toil sees: 1 - moved + moved / fix_gain of it
        np.multiply(moved, 1 / a["fix_gain"][:, None] - 1, out=moved)
        log_load = np.log1p(moved, out=moved)
        np.add(log_load, growth, out=log_load)
        toil = toil_at(np.maximum(log_load, 0.0, out=log_load))
    else:
        toil = toil_at(growth)
    features = np.multiply(feature_capacity, 1 - toil)
    return OrgOutcome(
        features=features,
        incident_rate=a["incidents_at_start"][:, None] / a["toil_at_start"][:, None] * toil,
        toil=toil,
        ship_quarter=shipped,
    )

def best_team_size(
    sizes: object = tuple(range(1, 21)),
    *,
    start_quarter: int = 2,
    engineers: int = 40,
    quarters: int = 12,
    assumptions: dict | None = None,
    runs: int = 1,
) -> tuple[int, np.ndarray]:
    """The dedicated team size that ships the most features over the horizon, on average.

    Returns
    -------
    (int, numpy.ndarray)
        The best size, and the mean total feature work of each size in ``sizes``.

    Examples
    --------
    >>> size, totals = best_team_size(range(1, 13))
    >>> size
    9
    """
    people = check_count("engineers", engineers, high=100_000)
    if isinstance(sizes, (str, bytes)):
        raise TypeError(f"sizes must be whole numbers, got {short_repr(sizes)}")
    try:
        options = [check_count("sizes", size, high=people) for size in sizes]
    except TypeError:
        raise TypeError(f"sizes must be a sequence of whole numbers, got {short_repr(sizes)}") \
            from None
    if not options:
        raise ValueError("sizes must hold at least one team size")
    totals = np.array([
        simulate_org("dedicated", engineers=engineers, team_size=size,
                     start_quarter=start_quarter, quarters=quarters, assumptions=assumptions,
                     runs=runs).total_features.mean()
        for size in options
    ])
    return options[int(np.argmax(totals))], totals


def latest_start_quarter(
    team_size: int = 6,
    *,
    engineers: int = 40,
    quarters: int = 12,
    firefighting_limit: float = 0.5,
    chance: float = 0.8,
    assumptions: dict | None = None,
    runs: int = 1,
) -> tuple[int, np.ndarray]:
    """The last start quarter whose project ships in time with at least ``chance``.

    In each run, firefighting "eats the roadmap" in the first quarter whose toil
    (without the project) exceeds ``firefighting_limit``; the project is in time
    if it has shipped by the end of the quarter before (a run whose toil never
    passes the limit has the whole horizon). For each start quarter, the share
    of the ``runs`` in time; the latest start is the last one whose share is at
    least ``chance``, ``-1`` if even starting now is not.

    Parameters
    ----------
    team_size : int
        The dedicated team, 1 to ``engineers``.
    engineers, quarters : int
        As for :func:`simulate_org`.
    firefighting_limit : float
        Share of the time on fires that counts as eating the roadmap, in (0, 1].
    chance : float
        Required share of runs in time, in (0, 1].
    assumptions : dict, optional
        As for :func:`simulate_org`, e.g. from :func:`draw_assumptions`.
    runs : int
        Runs, 1 to 1,000,000.

    Returns
    -------
    (int, numpy.ndarray)
        The latest start, and the share in time for each start quarter 0 to
        ``quarters - 1``.

    Examples
    --------
    >>> latest, shares = latest_start_quarter(6)
    >>> latest, shares[:7].tolist()
    (5, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0])
    """
    limit = check_number("firefighting_limit", firefighting_limit, low=0.0, high=1.0,
                         low_inclusive=False)
    wanted = check_number("chance", chance, low=0.0, high=1.0, low_inclusive=False)
    settings = dict(engineers=engineers, quarters=quarters, assumptions=assumptions, runs=runs)
    baseline = simulate_org("features", **settings)
    over = baseline.toil > limit
    deadline = np.where(over.any(axis=1), np.argmax(over, axis=1) - 1, quarters - 1)
    shares = np.array([
        np.mean((lambda ship: (ship >= 0) & (ship <= deadline))(
            simulate_org("dedicated", team_size=team_size, start_quarter=start,
                         **settings).ship_quarter))
        for start in range(quarters)
    ])
    good = np.flatnonzero(shares >= wanted)
    return (int(good[-1]) if good.size else -1), shares
