"""The real crawl over loopback HTTP: it finds exactly the pages the graph reaches."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from infralab.crawl import (
    build_site,
    click_depths,
    crawl_http,
    serve_folder,
    simulate_crawl,
    write_static_site,
)


@pytest.fixture(scope="module")
def small_site():
    return build_site(300, "latest", n_categories=3, per_page=20, max_listing_pages=5, seed=8)


def test_the_crawl_finds_exactly_the_reachable_pages(small_site, tmp_path):
    depths = click_depths(small_site.links)
    with serve_folder(tmp_path) as server:
        write_static_site(small_site, tmp_path, base_url=server.base_url)
        crawl = crawl_http(server.base_url)
    reachable = dict(zip(small_site.urls[depths >= 0].tolist(), depths[depths >= 0].tolist(),
                         strict=True))  # fmt: skip
    assert dict(zip(crawl.fetched, crawl.depths, strict=True)) == reachable
    assert len(crawl.fetched) == len(set(crawl.fetched)) == 1 + 5 + 100
    # robots.txt honoured: the private page is linked and on disk, but never requested
    assert crawl.blocked == ("/private/admin.html",)
    assert "/private/admin.html" not in server.requests
    assert crawl.broken == ("/questions/0.html",)
    # orphans: never requested at all
    orphans = set(small_site.urls[depths < 0].tolist())
    assert len(orphans) == 200 and not orphans & set(server.requests)
    assert not server.running


def test_sitemaps_find_the_orphans(small_site, tmp_path):
    with serve_folder(tmp_path) as server:
        write_static_site(small_site, tmp_path, base_url=server.base_url)
        crawl = crawl_http(server.base_url, use_sitemaps=True)
    assert set(crawl.fetched) == set(small_site.urls.tolist())
    depths = click_depths(small_site.links)
    found_in_sitemap = {p for p, d in zip(crawl.fetched, crawl.depths, strict=True) if d == -1}
    assert found_in_sitemap == set(small_site.urls[depths < 0].tolist())
    assert server.requests["/sitemap.xml"] == 1 and server.requests["/robots.txt"] == 1


def test_budget_and_depth_limit_the_real_crawl_like_the_simulation(small_site, tmp_path):
    depths = click_depths(small_site.links)
    with serve_folder(tmp_path) as server:
        write_static_site(small_site, tmp_path)
        capped = crawl_http(server.base_url, max_depth=2)
        budget = crawl_http(server.base_url, max_pages=50)
    assert set(capped.fetched) == set(small_site.urls[(depths >= 0) & (depths <= 2)].tolist())
    assert len(budget.fetched) + len(budget.broken) == 50
    assert list(budget.depths) == sorted(budget.depths)  # breadth first
    simulated = simulate_crawl(small_site.links, daily_budget=50, days=1, seed=0)
    sim_counts = np.bincount(depths[simulated.day_fetched > 0])
    real_counts = np.bincount(budget.depths)
    # the same pages per depth, but the broken link cost the real crawl one page at the end
    assert real_counts[:-1].tolist() == sim_counts[:-1].tolist()
    assert real_counts[-1] == sim_counts[-1] - 1


def test_the_server_shuts_down_even_when_the_block_raises(tmp_path):
    threads = threading.active_count()
    with pytest.raises(RuntimeError, match="on purpose"), serve_folder(tmp_path) as server:
        assert server.running
        raise RuntimeError("on purpose")
    assert not server.running and threading.active_count() == threads
    with pytest.raises(RuntimeError, match="not running"):
        server.base_url  # noqa: B018


def test_only_loopback_addresses_are_crawled():
    with pytest.raises(ValueError, match="base_url"):
        crawl_http("http://192.0.2.1:80")


def test_a_folder_with_files_is_not_written_over(tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(ValueError, match="empty"):
        write_static_site(build_site(10, "latest", n_categories=1), tmp_path)
    assert np.array_equal(sorted(p.name for p in tmp_path.iterdir()), ["mine.txt"])
