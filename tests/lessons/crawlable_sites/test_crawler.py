"""Click depths and the budgeted crawl, against hand-built graphs and the closed form."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sparse
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.crawl import (
    build_site,
    click_depths,
    coverage_by_depth,
    expected_pages_crawled,
    simulate_crawl,
)


def _graph(n, edges):
    rows, cols = zip(*edges, strict=True) if edges else ((), ())
    return sparse.csr_matrix((np.ones(len(edges)), (rows, cols)), shape=(n, n))


#: 0 home; 1, 2 one click; 3 two clicks (by 1 and by 2); 4 three clicks; 5 -> 6 an island;
#: 7 links to home but nothing links to it.
HAND_BUILT = _graph(8, [(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 0), (5, 6), (6, 5), (7, 0)])


def test_depths_of_a_hand_built_graph():
    assert click_depths(HAND_BUILT).tolist() == [0, 1, 1, 2, 3, -1, -1, -1]
    assert click_depths(HAND_BUILT, start=5).tolist() == [-1, -1, -1, -1, -1, 0, 1, -1]


def test_shortest_path_wins_over_the_first_found():
    # 0 -> 1 -> 2 -> 3 and 0 -> 3: page 3 is one click away
    assert click_depths(_graph(4, [(0, 1), (1, 2), (2, 3), (0, 3)])).tolist() == [0, 1, 2, 1]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 25).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60),
        )
    )
)
def test_depths_agree_with_scipy_shortest_paths(case):
    n, edges = case
    links = _graph(n, edges)
    from scipy.sparse.csgraph import shortest_path

    expected = shortest_path(links, unweighted=True, indices=0)
    expected = np.where(np.isinf(expected), -1, expected).astype(int)
    assert click_depths(links).tolist() == expected.tolist()


def test_crawl_of_the_hand_built_graph_day_by_day():
    result = simulate_crawl(HAND_BUILT, daily_budget=2, days=4, seed=1)
    assert result.pages_per_day.tolist() == [2, 2, 1, 0]  # 5 reachable pages
    assert result.day_fetched[0] == 1
    assert result.day_fetched[3] == 2 and result.day_fetched[4] == 3
    assert result.day_fetched[5:].tolist() == [0, 0, 0]
    assert result.coverage().tolist() == pytest.approx([2 / 8, 4 / 8, 5 / 8, 5 / 8])
    capped = simulate_crawl(HAND_BUILT, daily_budget=2, days=4, max_depth=1, seed=1)
    assert capped.pages_per_day.tolist() == [2, 1, 0, 0]


@pytest.mark.parametrize("design", ["latest", "sitemap", "related"])
@pytest.mark.parametrize(("budget", "max_depth"), [(700, None), (3_000, 3), (50, 12)])
def test_simulation_equals_the_closed_form(design, budget, max_depth):
    site = build_site(20_000, design, seed=11)
    result = simulate_crawl(site.links, daily_budget=budget, days=30, max_depth=max_depth,
                            seed=2)  # fmt: skip
    expected = expected_pages_crawled(click_depths(site.links), daily_budget=budget, days=30,
                                      max_depth=max_depth)  # fmt: skip
    assert np.cumsum(result.pages_per_day).tolist() == expected.tolist()
    # breadth first: no page is fetched before a shallower one
    fetched = result.day_fetched > 0
    depths = click_depths(site.links)
    order = np.lexsort((depths[fetched], result.day_fetched[fetched]))
    assert (np.diff(depths[fetched][order]) >= 0).all()


@settings(max_examples=25, deadline=None)
@given(
    budget=st.integers(1, 400),
    extra=st.integers(1, 400),
    days=st.integers(1, 30),
    max_depth=st.none() | st.integers(0, 8),
    seed=st.integers(0, 2**16),
)
def test_coverage_never_falls_when_the_budget_grows(budget, extra, days, max_depth, seed):
    site = build_site(1_500, "related", per_page=20, max_listing_pages=10, seed=seed)
    low = simulate_crawl(site.links, daily_budget=budget, days=days, max_depth=max_depth,
                         seed=seed).coverage()  # fmt: skip
    high = simulate_crawl(site.links, daily_budget=budget + extra, days=days,
                          max_depth=max_depth, seed=seed).coverage()  # fmt: skip
    assert (high >= low).all()
    assert (np.diff(low) >= 0).all()  # and never falls over the days


def test_coverage_by_depth_by_hand():
    shares = coverage_by_depth([0, 1, 1, 2, 2, 2, -1], [1, 1, 0, 1, 0, 0, 0] == np.array(1))
    assert shares == {-1: 0.0, 0: 1.0, 1: 0.5, 2: pytest.approx(1 / 3)}


def test_coverage_of_a_subset_of_pages():
    result = simulate_crawl(HAND_BUILT, daily_budget=2, days=2, seed=1)
    mask = np.zeros(8, bool)
    mask[[3, 4]] = True
    assert result.coverage(mask).tolist() == [0.0, 0.5]
    with pytest.raises(ValueError, match="pages"):
        result.coverage(np.zeros(8, bool))
