"""A system of components under growing load: what breaks first, second and third.

A *system* is a table, one row per component (load balancer, app servers, cache,
primary database, queue, a global lock...), with:

===========================  =====================================================
column                       meaning
===========================  =====================================================
``component``                its name
``demand_per_1x``            requests per second it must serve at today's load (1x)
``capacity_per_instance``    requests per second one instance serves at 100% busy
``max_instances``            how many instances it can have: 1 for what does not
                             scale out (a primary database, a global lock)
``fix``                      the change that lifts its ceiling (words)
``fix_weeks``                engineer-weeks that change costs
``fix_gain``                 how many times more it serves after the change
===========================  =====================================================

At load ``L`` (a multiple of today's), a component that scales out runs as many
instances as keep it at ``target`` utilisation, up to ``max_instances``; its
utilisation is then ``L * demand / (instances * capacity)``. It *breaks* at the
load where its utilisation passes ``threshold`` with every instance it may have::

    breaking_load = threshold * capacity_per_instance * max_instances / demand_per_1x

(the knee of a queue: past about 80% busy, waits grow fast). Each instance's
latency is that of an M/M/1 queue, ``1 / (capacity * (1 - utilisation))``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..validation import check_array, check_number, short_repr

__all__ = [
    "SHARDING_TEAM",
    "SYSTEM_COLUMNS",
    "apply_fix",
    "bottleneck_order",
    "breaking_load",
    "example_system",
    "sweep_system",
    "what_breaks_at",
]

#: People on the database's sharding project in :func:`example_system` (an assumption);
#: it takes them Figma's reported nine months (39 weeks) of calendar time.
SHARDING_TEAM = 6

#: The columns a system table must have.
SYSTEM_COLUMNS = (
    "component",
    "demand_per_1x",
    "capacity_per_instance",
    "max_instances",
    "fix",
    "fix_weeks",
    "fix_gain",
)


def example_system() -> pd.DataFrame:
    """The lesson's web product today: six components, all illustrative assumptions.

    At 1x it serves 2,000 requests per second; each request makes three cache
    reads, 0.3 database queries (cache misses and writes), 0.15 queue messages and
    0.03 passes through a global lock (an ID allocator). Sharding costs a team of
    six for 39 weeks (234 engineer-weeks), following Figma's reported nine months
    of calendar time for its horizontal sharding; the team's size and every other
    number are illustrative assumptions.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`SYSTEM_COLUMNS`.

    Examples
    --------
    >>> example_system()["component"].tolist()
    ['load balancer', 'app servers', 'cache', 'primary database', 'queue', 'global lock']
    """
    return pd.DataFrame(
        {
            "component": ["load balancer", "app servers", "cache", "primary database",
                          "queue", "global lock"],
            "demand_per_1x": [2_000.0, 2_000.0, 6_000.0, 600.0, 300.0, 60.0],
            "capacity_per_instance": [50_000.0, 400.0, 100_000.0, 8_000.0, 20_000.0, 2_000.0],
            "max_instances": [4, 200, 3, 1, 8, 1],
            "fix": [
                "more balancers behind DNS",
                "a connection pooler (PgBouncer): each server stops holding idle database "
                "connections and serves 4x the requests",
                "more cache nodes",
                "shard the database (horizontal partitioning)",
                "more partitions",
                "split the lock per tenant (partitioned counters)",
            ],
            "fix_weeks": [2.0, 4.0, 1.0, SHARDING_TEAM * 39.0, 2.0, 8.0],
            "fix_gain": [4.0, 4.0, 4.0, 8.0, 4.0, 32.0],
        }
    )


def _check_system(system: object) -> pd.DataFrame:
    if not isinstance(system, pd.DataFrame):
        raise TypeError(f"system must be a pandas DataFrame, got {short_repr(system)}")
    missing = [name for name in SYSTEM_COLUMNS[:4] if name not in system.columns]
    if missing:
        raise ValueError(f"system is missing the column(s) {missing}")
    if system.empty:
        raise ValueError("system must have at least one component, got an empty table")
    if system["component"].duplicated().any():
        raise ValueError("system's component names must be unique")
    table = system.reset_index(drop=True).copy()
    for column, low in (("demand_per_1x", 0.0), ("capacity_per_instance", 0.0),
                        ("max_instances", 1.0)):
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        strict = column != "max_instances"
        bad = ~np.isfinite(values) | ((values <= low) if strict else (values < low))
        if bad.any():
            where = int(np.argmax(bad))
            raise ValueError(
                f"system's {column} must be {'>' if strict else '>='} {low:g} for every "
                f"component, got "
                f"{short_repr(table[column].iloc[where])} for {table['component'].iloc[where]!r}"
            )
        table[column] = values
    return table


def breaking_load(system: pd.DataFrame, threshold: float = 0.8) -> pd.Series:
    """The load multiple at which each component passes ``threshold`` utilisation.

    ``threshold * capacity_per_instance * max_instances / demand_per_1x``.

    Parameters
    ----------
    system : pandas.DataFrame
        A system table (see the module docstring).
    threshold : float
        Utilisation counted as broken, in (0, 1].

    Returns
    -------
    pandas.Series
        Load multiples, indexed by component name.

    Raises
    ------
    ValueError
        If a capacity or demand is not > 0, or ``threshold`` is out of range.

    Examples
    --------
    >>> float(breaking_load(example_system()).round(1)["primary database"])
    10.7
    """
    table = _check_system(system)
    limit = check_number("threshold", threshold, low=0.0, high=1.0, low_inclusive=False)
    loads = limit * table["capacity_per_instance"] * table["max_instances"]
    return pd.Series(
        (loads / table["demand_per_1x"]).to_numpy(), index=table["component"].to_numpy(),
        name="breaking_load",
    )


def bottleneck_order(system: pd.DataFrame, threshold: float = 0.8) -> list[str]:
    """The components in the order they break as load grows (first = first to break).

    Ties keep the table's order.

    Examples
    --------
    >>> bottleneck_order(example_system())[:3]
    ['primary database', 'global lock', 'app servers']
    """
    loads = breaking_load(system, threshold)
    order = np.argsort(loads.to_numpy(), kind="stable")
    return [str(name) for name in loads.index[order]]


def sweep_system(
    system: pd.DataFrame, loads: object, *, target: float = 0.6
) -> pd.DataFrame:
    """Utilisation, instances and latency of every component at every load multiple.

    Parameters
    ----------
    system : pandas.DataFrame
        A system table (see the module docstring).
    loads : array-like
        Load multiples of today's (1 = today), each > 0.
    target : float
        The utilisation a component that scales out is kept at, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per (load, component): ``load``, ``component``, ``instances``,
        ``utilisation`` (may exceed 1: more offered than it can serve) and
        ``latency_ms`` (M/M/1 time in system; ``inf`` at or past 100%).

    Examples
    --------
    >>> sweep = sweep_system(example_system(), [1, 10])
    >>> float(sweep.set_index(["load", "component"]).loc[(10.0, "primary database"),
    ...                                                 "utilisation"])
    0.75
    """
    table = _check_system(system)
    load = check_array("loads", loads, positive=True)
    aim = check_number("target", target, low=0.0, high=1.0, low_inclusive=False,
                       high_inclusive=False)
    demand = np.outer(load, table["demand_per_1x"].to_numpy())  # (loads, components)
    capacity = table["capacity_per_instance"].to_numpy()
    wanted = np.ceil(demand / (aim * capacity))
    instances = np.clip(wanted, 1, table["max_instances"].to_numpy())
    utilisation = demand / (instances * capacity)
    with np.errstate(divide="ignore"):
        latency = np.where(utilisation < 1, 1000.0 / (capacity * (1 - utilisation)), np.inf)
    return pd.DataFrame(
        {
            "load": np.repeat(load, len(table)),
            "component": np.tile(table["component"].to_numpy(), len(load)),
            "instances": instances.ravel().astype(int),
            "utilisation": utilisation.ravel(),
            "latency_ms": latency.ravel(),
        }
    )


def what_breaks_at(
    system: pd.DataFrame, loads: object = (10, 100), *, threshold: float = 0.8
) -> pd.DataFrame:
    """For each load multiple, the components past ``threshold``, and each one's fix.

    Returns
    -------
    pandas.DataFrame
        One row per component: ``component``, ``breaks_at`` (load multiple), one
        column ``"<load>x"`` per load holding ``"breaks"`` or ``"ok"``, then
        ``fix``, ``fix_weeks`` and ``fix_gain`` when the system has them; in the
        order the components break.

    Examples
    --------
    >>> table = what_breaks_at(example_system())
    >>> table.loc[table["10x"] == "breaks", "component"].tolist()
    []
    >>> table.loc[table["100x"] == "breaks", "component"].tolist()[:2]
    ['primary database', 'global lock']
    """
    at = breaking_load(system, threshold)
    multiples = check_array("loads", loads, positive=True)
    order = bottleneck_order(system, threshold)
    table = _check_system(system).set_index("component").loc[order]
    result = pd.DataFrame({"component": order, "breaks_at": at.loc[order].to_numpy()})
    for multiple in multiples:
        result[f"{multiple:g}x"] = np.where(result["breaks_at"] <= multiple, "breaks", "ok")
    for column in ("fix", "fix_weeks", "fix_gain"):
        if column in table.columns:
            result[column] = table[column].to_numpy()
    return result


def apply_fix(system: pd.DataFrame, component: str) -> pd.DataFrame:
    """The system after ``component``'s fix: its capacity times its ``fix_gain``.

    Examples
    --------
    >>> fixed = apply_fix(example_system(), "primary database")
    >>> bottleneck_order(fixed)[0]
    'global lock'
    """
    table = _check_system(system)
    if "fix_gain" not in table.columns:
        raise ValueError("system has no fix_gain column to apply")
    names = table["component"].tolist()
    if not isinstance(component, str) or component not in names:
        raise ValueError(f"component must be one of {names}; got {short_repr(component)}")
    gain = check_number("fix_gain", table.loc[names.index(component), "fix_gain"], low=1.0)
    table.loc[names.index(component), "capacity_per_instance"] *= gain
    return table
