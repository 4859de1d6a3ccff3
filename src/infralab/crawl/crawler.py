"""A crawler with a daily budget, breadth first from the home page.

The model, in four lines:

1. every page's **click depth** is the fewest clicks from the home page
   (:func:`click_depths`, a breadth-first search; pages no path reaches are
   *orphans*, depth -1);
2. the crawler follows links at most ``max_depth`` clicks deep (``None``: any
   depth): it fetches a page only if its depth is at most ``max_depth``;
3. it fetches pages in breadth-first order: shallower pages first, pages at
   the same depth in a random order;
4. it fetches at most ``daily_budget`` pages a day, and never the same page
   twice (it remembers every link it has seen).

So after ``t`` days it has fetched the first ``min(t * daily_budget, E)`` pages
of that order, ``E`` being the pages it may fetch: :func:`expected_pages_crawled`
is that count, and :func:`simulate_crawl` the crawl itself, page by page: one
breadth-first search over the sparse link matrix (``scipy.sparse.csgraph``, in C),
one sort into the crawler's order, and the days cut from it, with no Python loop
per page or per link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sparse

from infralab.validation import (
    check_array,
    check_count,
    check_integer,
    check_seed,
    read_only,
)

__all__ = [
    "CrawlResult",
    "click_depths",
    "coverage_by_depth",
    "expected_pages_crawled",
    "simulate_crawl",
]

#: The largest number of days a crawl may span.
MAX_DAYS = 3_650


def _check_links(links: object) -> sparse.csr_matrix:
    import scipy.sparse as sparse  # on first use: importing scipy.sparse loads numpy.f2py

    if not sparse.issparse(links):
        raise TypeError(
            f"links must be a scipy.sparse matrix (a site's links), got {type(links).__name__}"
        )
    if links.ndim != 2 or links.shape[0] != links.shape[1] or links.shape[0] == 0:
        raise ValueError(f"links must be a square matrix of at least one page, got {links.shape}")
    return links if sparse.isspmatrix_csr(links) else sparse.csr_matrix(links)


def _check_max_depth(max_depth: object) -> int | None:
    if max_depth is None:
        return None
    return check_integer("max_depth", max_depth, low=0)


def click_depths(links: sparse.spmatrix, start: int = 0) -> np.ndarray:
    """Fewest clicks from page ``start`` to every page; -1 for pages no path reaches.

    A breadth-first search over the link graph (``scipy.sparse.csgraph``).

    Parameters
    ----------
    links : scipy.sparse matrix
        ``links[i, j] != 0`` when page ``i`` links to page ``j``.
    start : int
        The page the clicks start from (the home page is 0).

    Returns
    -------
    ndarray of int
        One depth per page: 0 for ``start``, -1 for orphans.

    Examples
    --------
    >>> import scipy.sparse as sparse
    >>> # 0 -> 1 -> 2, 0 -> 2, and page 3 that nothing links to
    >>> links = sparse.csr_matrix(([1, 1, 1], ([0, 1, 0], [1, 2, 2])), shape=(4, 4))
    >>> click_depths(links).tolist()
    [0, 1, 1, -1]
    """
    links = _check_links(links)
    start = check_integer("start", start, low=0, high=links.shape[0] - 1)
    from scipy.sparse import csgraph

    order, predecessors = csgraph.breadth_first_order(
        links, start, directed=True, return_predecessors=True
    )
    # Breadth-first order lists the levels one after another, and each page's parent
    # comes earlier, in non-decreasing positions (a first-in, first-out queue). So
    # the next level starts at the first page whose parent is in the level just found.
    position = np.empty(links.shape[0], dtype=np.int64)
    position[order] = np.arange(order.size)
    parent_position = position[predecessors[order[1:]]]
    bounds = [0, 1]
    while bounds[-1] < order.size:
        bounds.append(1 + int(np.searchsorted(parent_position, bounds[-1], side="left")))
        if bounds[-1] <= bounds[-2]:  # never: each level holds at least one page
            raise RuntimeError("breadth-first order is not level by level")
    depth = np.full(links.shape[0], -1, dtype=np.int64)
    depth[order] = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    return depth


@dataclass(frozen=True)
class CrawlResult:
    """What a budgeted crawl fetched, and when.

    Attributes
    ----------
    day_fetched : ndarray of int
        The day (1, 2, ...) each page was fetched; 0 for pages never fetched.
    depth : ndarray of int
        Each page's click depth (-1 for orphans).
    pages_per_day : ndarray of int
        Pages fetched on each day.
    daily_budget : int
        The most pages the crawler fetches a day.
    max_depth : int or None
        The deepest click depth it fetches (None: any).
    """

    day_fetched: np.ndarray
    depth: np.ndarray
    pages_per_day: np.ndarray
    daily_budget: int
    max_depth: int | None

    @property
    def days(self) -> int:
        """How many days the crawl ran."""
        return int(self.pages_per_day.size)

    def coverage(self, pages: np.ndarray | None = None) -> np.ndarray:
        """Share of ``pages`` (a boolean mask; all pages if None) fetched by the end of each day."""
        mask = np.ones(self.day_fetched.size, bool) if pages is None else np.asarray(pages, bool)
        if mask.shape != self.day_fetched.shape or not mask.any():
            raise ValueError(
                f"pages must be a boolean mask of {self.day_fetched.size:,} pages with at least "
                "one page"
            )
        fetched = np.bincount(self.day_fetched[mask], minlength=self.days + 1)[1:]
        return np.cumsum(fetched) / mask.sum()


def simulate_crawl(
    links: sparse.spmatrix,
    *,
    daily_budget: int,
    days: int = 30,
    max_depth: int | None = None,
    start: int = 0,
    seed: int | np.random.Generator = 0,
) -> CrawlResult:
    """Crawl a link graph breadth first from ``start`` with a daily budget.

    How it is computed: one breadth-first search gives every page's click depth
    (:func:`click_depths`); the pages the crawler may fetch (reachable, at most
    ``max_depth`` clicks deep) are put in its order, by depth and, within a
    depth, in a random order fixed by ``seed``; day ``d`` fetches the
    ``daily_budget`` pages at positions ``(d - 1) * daily_budget`` to
    ``d * daily_budget - 1`` of that order. It is therefore the closed form
    :func:`expected_pages_crawled` worked out page by page (which page, which
    day), and agrees with it by construction; what checks it is an independent
    crawler that keeps a queue and follows one link at a time
    (``benchmarks/crawl.py``, compared day by day in
    ``tests/test_simulator_agreement.py``).

    Parameters
    ----------
    links : scipy.sparse matrix
        The site's links (e.g. :attr:`Site.links`).
    daily_budget : int
        Most pages fetched a day (1 to 100,000,000).
    days : int
        Days the crawl runs (1 to 3,650).
    max_depth : int or None
        Deepest click depth fetched; None for any depth.
    start : int
        The page the crawl starts from (the home page, 0).
    seed : int or numpy.random.Generator
        Orders the pages of one depth.

    Returns
    -------
    CrawlResult

    Examples
    --------
    >>> import scipy.sparse as sparse
    >>> chain = sparse.diags([1.0] * 9, 1, shape=(10, 10), format="csr")  # 0 -> 1 -> ... -> 9
    >>> result = simulate_crawl(chain, daily_budget=3, days=5)
    >>> result.pages_per_day.tolist()
    [3, 3, 3, 1, 0]
    >>> simulate_crawl(chain, daily_budget=3, days=5, max_depth=4).pages_per_day.tolist()
    [3, 2, 0, 0, 0]
    """
    links = _check_links(links)
    daily_budget = check_count("daily_budget", daily_budget, high=100_000_000)
    days = check_count("days", days, high=MAX_DAYS)
    max_depth = _check_max_depth(max_depth)
    start = check_integer("start", start, low=0, high=links.shape[0] - 1)
    rng = check_seed("seed", seed)

    shuffled = rng.permutation(links.shape[0])  # the order within a depth
    depth = click_depths(links, start)  # breadth first, in C (scipy.sparse.csgraph)
    limit = np.iinfo(np.int64).max if max_depth is None else max_depth
    eligible = (depth >= 0) & (depth <= limit)
    candidates = shuffled[eligible[shuffled]]
    # breadth-first order: by depth; within a depth, as shuffled (a stable sort of small
    # whole numbers, which numpy does in linear time)
    key = depth[candidates]
    key = key.astype(np.int16) if key.size and key.max() < 2**15 else key
    order = candidates[np.argsort(key, kind="stable")]
    order = order[: days * daily_budget]  # what fits in the budget of all the days
    day = np.arange(order.size) // daily_budget + 1  # the k-th page fetched: day k // B + 1
    day_fetched = np.zeros(links.shape[0], dtype=np.int64)
    day_fetched[order] = day
    pages_per_day = np.bincount(day, minlength=days + 1)[1:]
    return CrawlResult(
        day_fetched=read_only(day_fetched),
        depth=read_only(depth),
        pages_per_day=read_only(pages_per_day),
        daily_budget=daily_budget,
        max_depth=max_depth,
    )


def expected_pages_crawled(
    depths: np.ndarray, *, daily_budget: int, days: int, max_depth: int | None = None
) -> np.ndarray:
    """Pages a breadth-first crawler has fetched by the end of each day: ``min(t * B, E)``.

    ``E`` is the number of pages it may fetch: reachable (depth >= 0) and no
    deeper than ``max_depth``.

    Parameters
    ----------
    depths : array of int
        Click depth of every page, -1 for orphans (:func:`click_depths`).
    daily_budget, days, max_depth
        As in :func:`simulate_crawl`.

    Returns
    -------
    ndarray of int
        Cumulative pages fetched at the end of days 1, 2, ..., ``days``.

    Examples
    --------
    >>> expected_pages_crawled([0, 1, 1, 2, -1], daily_budget=2, days=3).tolist()
    [2, 4, 4]
    >>> expected_pages_crawled([0, 1, 1, 2, -1], daily_budget=2, days=3, max_depth=1).tolist()
    [2, 3, 3]
    """
    depths = _check_depths(depths)
    daily_budget = check_count("daily_budget", daily_budget, high=100_000_000)
    days = check_count("days", days, high=MAX_DAYS)
    max_depth = _check_max_depth(max_depth)
    eligible = (depths >= 0) & (depths <= (np.inf if max_depth is None else max_depth))
    return np.minimum(np.arange(1, days + 1) * daily_budget, int(eligible.sum()))


def _check_depths(depths: object) -> np.ndarray:
    values = check_array("depths", depths, low=-1)
    if not np.all(values == np.round(values)):
        raise ValueError("depths must be whole numbers (-1 for orphans)")
    return values.astype(np.int64)


def coverage_by_depth(depths: np.ndarray, fetched: np.ndarray) -> dict[int, float]:
    """Share of the pages at each click depth that were fetched; -1 stands for the orphans.

    Parameters
    ----------
    depths : array of int
        Click depth of every page (-1 for orphans).
    fetched : array of bool
        Which pages were fetched, one per page.

    Returns
    -------
    dict of int to float
        ``{depth: share fetched}``, depths in increasing order.

    Examples
    --------
    >>> coverage_by_depth([0, 1, 1, 2, -1], [True, True, False, False, False])
    {-1: 0.0, 0: 1.0, 1: 0.5, 2: 0.0}
    """
    depths = _check_depths(depths)
    if isinstance(fetched, (str, bytes)):
        raise TypeError("fetched must be an array of True/False, one per page")
    fetched = np.asarray(fetched)
    if fetched.dtype != bool or fetched.shape != depths.shape:
        raise ValueError(
            f"fetched must be an array of True/False, one per page ({depths.size}), "
            f"got dtype {fetched.dtype} and shape {fetched.shape}"
        )
    levels, index = np.unique(depths, return_inverse=True)
    shares = np.bincount(index, weights=fetched) / np.bincount(index)
    return {int(level): float(share) for level, share in zip(levels, shares, strict=True)}
