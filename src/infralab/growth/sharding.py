"""Sharding: workspaces hashed to logical shards, logical shards laid out on hosts.

When one primary can no longer hold the data, it is split by a key (here the
workspace ID). Notion's design (Notion Engineering, 2021): every workspace
hashes to one of 480 fixed *logical* shards (Postgres schemas), and each
physical host holds a contiguous block of them (15 schemas on each of 32
databases). 480 divides evenly across 32, 40 and 48 hosts, so the fleet can
grow by moving whole shards, and only the new hosts' share of the data moves.
Hashing keys straight to ``hash % hosts`` instead moves most keys whenever the
host count changes.

Keys are hashed with the SplitMix64 mixing function (Steele, Lea & Flood,
2014), so nearby IDs land far apart and every platform agrees. Workspace sizes
follow Zipf's law: a few giant workspaces hold much of the data, which is why
hosts end up unevenly loaded however evenly the keys spread.

References
----------
Notion Engineering (2021). *Herding elephants: lessons learned from sharding
Postgres at Notion.* 480 logical shards, 15 schemas on each of 32 physical
databases, keyed by workspace ID.

Steele, G. L., Lea, D. & Flood, C. H. (2014). *Fast splittable pseudorandom
number generators.* OOPSLA 2014 (the SplitMix64 mixing function).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validation import check_choice, check_count, check_number, check_seed, read_only

__all__ = [
    "ShardingResult",
    "fraction_moved",
    "rebalance_shards",
    "simulate_sharding",
    "stable_hash",
    "zipf_sizes",
]

#: Most workspaces (or keys) simulated in one call: their arrays take about 320 MB at most,
#: to keep a laptop responsive.
_MAX_WORKSPACES = 10_000_000
#: Most logical shards, and most hosts, in one layout (a few arrays of this length).
_MAX_SHARDS = 1_000_000


def _check_shards(name: str, value: object) -> int:
    """A number of logical shards or hosts, from 1 to :data:`_MAX_SHARDS`."""
    return check_count(name, value, high=_MAX_SHARDS)


def stable_hash(keys: object) -> np.ndarray:
    """Hash integer keys to 64-bit integers, identically on every platform.

    The SplitMix64 mixing function (Steele, Lea & Flood, 2014) in numpy
    ``uint64`` arithmetic: nearby keys land far apart.

    Parameters
    ----------
    keys : array-like of int
        Keys such as workspace IDs (negative ones are taken modulo 2**64).

    Returns
    -------
    ndarray of uint64

    Examples
    --------
    >>> int(stable_hash([0])[0])
    16294208416658607535
    """
    array = np.asarray(keys)
    if array.dtype.kind not in "iu":
        raise TypeError(f"keys must be integers, got dtype {array.dtype}")
    mixed = np.atleast_1d(array).astype(np.uint64)  # a copy: the steps below work in place
    with np.errstate(over="ignore"):
        mixed += np.uint64(0x9E3779B97F4A7C15)
        mixed ^= mixed >> np.uint64(30)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(27)
        mixed *= np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
    return mixed


def zipf_sizes(n_workspaces: int, exponent: float = 1.1, *, rng: object = 0) -> np.ndarray:
    """Workspace sizes following Zipf's law, as shares of the total.

    The workspace of rank ``k`` (1 = largest) has size proportional to
    ``k ** -exponent``; the sizes are shuffled (rank is unrelated to ID) and
    scaled to **sum to 1**, so each is a share of all data. ``exponent = 0``
    makes every workspace the same size; larger exponents concentrate data in
    a few giant workspaces.

    Parameters
    ----------
    n_workspaces : int
        Number of workspaces, 1 to 10,000,000.
    exponent : float
        Zipf exponent (>= 0).
    rng : int or numpy.random.Generator
        Seed or generator for the shuffle.

    Returns
    -------
    ndarray of float, shape (n_workspaces,)

    Examples
    --------
    >>> sizes = zipf_sizes(3, exponent=1.0)
    >>> round(float(sizes.max()), 4), float(sizes.sum())
    (0.5455, 1.0)
    """
    count = check_count("n_workspaces", n_workspaces, high=_MAX_WORKSPACES)
    exponent = check_number("exponent", exponent, low=0.0)
    generator = check_seed("rng", rng)
    sizes = np.arange(1.0, count + 1.0) ** -exponent
    return generator.permutation(sizes / sizes.sum())


def _contiguous_hosts(n_logical_shards: int, n_hosts: int, name: str = "n_hosts") -> np.ndarray:
    """Host of every logical shard when each host holds a contiguous block of shards.

    Shard ``s`` lives on host ``s // (n_logical_shards // n_hosts)``; ``name``
    is the argument blamed when ``n_hosts`` does not divide the shards evenly.
    """
    if n_logical_shards % n_hosts:
        raise ValueError(
            f"{name} must divide n_logical_shards ({n_logical_shards}) evenly, got {n_hosts}"
        )
    return np.arange(n_logical_shards) // (n_logical_shards // n_hosts)


@dataclass(frozen=True, eq=False)
class ShardingResult:
    """Where workspaces landed after hashing them to logical shards on hosts.

    Attributes
    ----------
    n_logical_shards, n_hosts : int
        Logical shards (Postgres schemas, in Notion's design) and physical hosts.
    workspace_sizes : ndarray
        Size of each workspace as a share of all data (sums to 1).
    workspace_shard : ndarray of int
        The logical shard of each workspace.
    shard_host : ndarray of int
        The host of each logical shard (contiguous blocks of shards per host).
    shard_load, host_load : ndarray
        Data on each shard and on each host (shares; each sums to 1).
    """

    n_logical_shards: int
    n_hosts: int
    workspace_sizes: np.ndarray
    workspace_shard: np.ndarray
    shard_host: np.ndarray
    shard_load: np.ndarray
    host_load: np.ndarray

    @property
    def shards_per_host(self) -> int:
        """Logical shards on each host."""
        return self.n_logical_shards // self.n_hosts

    @property
    def workspace_host(self) -> np.ndarray:
        """The host of each workspace."""
        return self.shard_host[self.workspace_shard]

    @property
    def host_imbalance(self) -> float:
        """Busiest host's load over the average host's load (1 = perfectly even)."""
        return float(self.host_load.max() / self.host_load.mean())

    @property
    def hottest_shard_share(self) -> float:
        """Share of all data on the busiest logical shard."""
        return float(self.shard_load.max() / self.shard_load.sum())


def simulate_sharding(
    n_workspaces: int,
    n_logical_shards: int = 480,
    n_hosts: int = 32,
    *,
    zipf_exponent: float = 1.1,
    rng: object = 0,
) -> ShardingResult:
    """Hash Zipf-sized workspaces to logical shards laid out on physical hosts.

    Each workspace gets a random 63-bit ID; its shard is
    ``stable_hash(id) % n_logical_shards`` and shard ``s`` lives on host
    ``s // (n_logical_shards // n_hosts)``: each host holds a contiguous block
    of shards, as Notion put 15 schemas on each of 32 databases.

    Parameters
    ----------
    n_workspaces : int
        Number of workspaces, 1 to 10,000,000.
    n_logical_shards : int
        Logical shards, 1 to 1,000,000; a multiple of ``n_hosts``.
    n_hosts : int
        Physical hosts, 1 to 1,000,000.
    zipf_exponent : float
        Skew of workspace sizes (0 = all equal); see :func:`zipf_sizes`.
    rng : int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    ShardingResult

    Examples
    --------
    >>> result = simulate_sharding(10_000)
    >>> result.shards_per_host, round(float(result.host_load.sum()), 6)
    (15, 1.0)
    """
    count = check_count("n_workspaces", n_workspaces, high=_MAX_WORKSPACES)
    shards = _check_shards("n_logical_shards", n_logical_shards)
    hosts = _check_shards("n_hosts", n_hosts)
    shard_host = _contiguous_hosts(shards, hosts)
    exponent = check_number("zipf_exponent", zipf_exponent, low=0.0)
    generator = check_seed("rng", rng)
    sizes = zipf_sizes(count, exponent, rng=generator)
    workspace_ids = generator.integers(0, 2**63, size=count, dtype=np.uint64)
    workspace_shard = (stable_hash(workspace_ids) % np.uint64(shards)).astype(np.int64)
    shard_load = np.bincount(workspace_shard, weights=sizes, minlength=shards)
    host_load = np.bincount(shard_host, weights=shard_load, minlength=hosts)
    return ShardingResult(
        n_logical_shards=shards,
        n_hosts=hosts,
        workspace_sizes=read_only(sizes),
        workspace_shard=read_only(workspace_shard),
        shard_host=read_only(shard_host),
        shard_load=read_only(shard_load),
        host_load=read_only(host_load),
    )


def rebalance_shards(n_logical_shards: int, hosts_before: int, hosts_after: int) -> np.ndarray:
    """New host of every logical shard when the fleet changes size, moving as few as possible.

    Before, shard ``s`` lives on host ``s // (n_logical_shards // hosts_before)``.
    Rule: a host that remains keeps its first ``n_logical_shards // hosts_after``
    shards; the rest of its shards, and all shards of removed hosts, move, in
    shard order, to the hosts with room (lowest host number first). When
    growing, exactly ``1 - hosts_before / hosts_after`` of the shards move.

    Parameters
    ----------
    n_logical_shards : int
        Logical shards, 1 to 1,000,000; a multiple of both host counts.
    hosts_before, hosts_after : int
        Hosts before and after, 1 to 1,000,000.

    Returns
    -------
    ndarray of int, shape (n_logical_shards,)

    Examples
    --------
    >>> moved = rebalance_shards(480, 32, 40) != np.arange(480) // 15
    >>> int(moved.sum()), float(moved.mean())
    (96, 0.2)
    """
    shards = _check_shards("n_logical_shards", n_logical_shards)
    before = _check_shards("hosts_before", hosts_before)
    after = _check_shards("hosts_after", hosts_after)
    host = _contiguous_hosts(shards, before, "hosts_before")
    _contiguous_hosts(shards, after, "hosts_after")  # checks that hosts_after divides evenly
    per_before, per_after = shards // before, shards // after
    position = np.arange(shards) % per_before
    stays = (host < after) & (position < per_after)
    kept_per_host = np.bincount(host[stays], minlength=after)
    free_slots = np.repeat(np.arange(after), per_after - kept_per_host)
    new_host = host.copy()
    new_host[~stays] = free_slots
    return new_host


def fraction_moved(
    n_keys: int,
    hosts_before: int,
    hosts_after: int,
    *,
    scheme: str = "logical",
    n_logical_shards: int = 480,
    rng: object = 0,
) -> float:
    """Share of keys (workspaces) that change host when the fleet changes size.

    Parameters
    ----------
    n_keys : int
        Random keys to simulate, 1 to 10,000,000.
    hosts_before, hosts_after : int
        Hosts before and after, 1 to 1,000,000.
    scheme : {"logical", "modulo"}
        ``"modulo"``: host = hash(key) % hosts, the naive layout; growing from
        32 to 40 hosts moves 80% of keys (a key stays only when both
        remainders agree: ``gcd / max`` of the host counts stay).
        ``"logical"``: keys hash to ``n_logical_shards`` fixed logical shards
        and whole shards move between hosts by the rule of
        :func:`rebalance_shards`; growing moves ``1 - hosts_before /
        hosts_after`` of keys (20% from 32 to 40).
    n_logical_shards : int
        Logical shards, for the ``"logical"`` scheme: 1 to 1,000,000, a
        multiple of both host counts.
    rng : int or numpy.random.Generator
        Seed or generator for the keys.

    Returns
    -------
    float
        The simulated share, between 0 and 1.

    Examples
    --------
    >>> round(fraction_moved(100_000, 32, 40, scheme="modulo"), 2)
    0.8
    >>> round(fraction_moved(100_000, 32, 40, scheme="logical"), 2)
    0.2
    """
    count = check_count("n_keys", n_keys, high=_MAX_WORKSPACES)
    before = _check_shards("hosts_before", hosts_before)
    after = _check_shards("hosts_after", hosts_after)
    check_choice("scheme", scheme, ("logical", "modulo"))
    shards = _check_shards("n_logical_shards", n_logical_shards)
    generator = check_seed("rng", rng)
    hashes = stable_hash(generator.integers(0, 2**63, size=count, dtype=np.uint64))
    if scheme == "modulo":
        moved = hashes % np.uint64(before) != hashes % np.uint64(after)
        return float(moved.mean())
    old_host = _contiguous_hosts(shards, before, "hosts_before")
    new_host = rebalance_shards(shards, before, after)
    shard = (hashes % np.uint64(shards)).astype(np.int64)
    return float((old_host[shard] != new_host[shard]).mean())
