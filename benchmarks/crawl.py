"""Lesson 06's budgeted crawl against a plain loop on the same site and draws.

The vectorised side calls :func:`infralab.crawl.simulate_crawl`, handed the
order of pages within a depth through :class:`benchmarks.replay.ReplayGenerator`;
the loop side is a textbook breadth-first search with a queue, one link at a
time, that then spends the daily budget page by page. Both report the day each
page was fetched. ``tests/test_simulator_agreement.py`` checks that they agree;
``benchmarks/test_simulators.py`` times them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from infralab.crawl import build_site, simulate_crawl

from .replay import ReplayGenerator
from .simulators import Simulator

__all__ = ["SIMULATORS"]

#: Days crawled, and the daily budget as a share of the site's pages.
_DAYS = 30
_BUDGET_SHARE = 0.05


def _crawl_draws(rng: np.random.Generator, size: int) -> dict[str, object]:
    """A site of ``size`` questions (sitemap and related links) and the crawl's draws."""
    site = build_site(size, "related", seed=rng)
    return {
        "links": site.links,
        "shuffled": rng.permutation(site.n_pages),
        "daily_budget": max(1, int(_BUDGET_SHARE * site.n_pages)),
    }


def _crawl_vectorised(draws: Mapping[str, object]) -> np.ndarray:
    replay = ReplayGenerator([("permutation", draws["shuffled"])])
    result = simulate_crawl(
        draws["links"], daily_budget=draws["daily_budget"], days=_DAYS, seed=replay
    )
    return result.day_fetched


def _crawl_loop(draws: Mapping[str, object]) -> list[int]:
    """Breadth first, one page and one link at a time; then the budget, page by page."""
    links = draws["links"]
    indptr, indices = links.indptr.tolist(), links.indices.tolist()
    n_pages = len(draws["shuffled"])
    priority = [0] * n_pages  # each page's place in the shuffled order
    for place, page in enumerate(draws["shuffled"].tolist()):
        priority[page] = place
    seen = [False] * n_pages
    seen[0] = True
    order, level = [], [0]
    while level:
        order.extend(level)
        found = []
        for page in level:
            for k in range(indptr[page], indptr[page + 1]):
                target = indices[k]
                if not seen[target]:
                    seen[target] = True
                    found.append(target)
        level = sorted(found, key=lambda page: priority[page])
    day_fetched = [0] * n_pages
    budget = draws["daily_budget"]
    for position, page in enumerate(order):
        day = position // budget + 1
        if day > _DAYS:
            break
        day_fetched[page] = day
    return day_fetched


SIMULATORS = (
    Simulator(
        name="crawl: a budgeted breadth-first crawl of a Q&A site (simulate_crawl)",
        units="pages",
        draw=_crawl_draws,
        vectorised=_crawl_vectorised,
        loop=_crawl_loop,
        size=200_000,
        loop_size=20_000,
    ),
)
