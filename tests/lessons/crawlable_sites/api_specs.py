"""Public-API specs of lesson 06's model (``infralab.crawl``).

Found by ``tests/test_public_api.py`` through :data:`infralab.lessons.LESSONS`.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import scipy.sparse as sparse
from hypothesis import strategies as st

from infralab import crawl
from tests.api_specs import (
    BAD_FLAG,
    BAD_PATH,
    BAD_SEED,
    BAD_TEXT,
    SEEDS,
    Spec,
    bad_choice,
    bad_integer,
    bad_number,
    finite,
    kwargs,
)

#: Stands for a fresh, empty temporary folder (or a sitemap file in one), made by the call.
FRESH = "a fresh temporary folder"
SITEMAP = "a sitemap written in a fresh temporary folder"
NOT_LINKS = (None, 3, "links", [[0, 1], [0, 0]], sparse.csr_matrix((2, 3)))
NOT_DEPTHS = (None, "0, 1", [], [0.5, 1], [-2, 0], [[0, 1]])
NOT_A_SITE = (None, 3, "site", {"/": []})


def _in_a_folder(function, arguments):
    """Replace :data:`FRESH` and :data:`SITEMAP` by real files in a temporary folder."""
    arguments = dict(arguments)
    with tempfile.TemporaryDirectory() as folder:
        for key, value in arguments.items():
            if value is FRESH:
                arguments[key] = folder
            elif value is SITEMAP:
                files = crawl.write_sitemaps(
                    ["/", "/a.html"], folder, base_url="http://127.0.0.1:1"
                )
                arguments[key] = files.entry_point
        return function(**arguments)


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 30))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))
    rows = [a for a, _ in edges]
    cols = [b for _, b in edges]
    return sparse.csr_matrix((np.ones(len(edges)), (rows, cols)), shape=(n, n))


@st.composite
def small_sites(draw):
    return crawl.build_site(
        draw(st.integers(1, 60)), draw(st.sampled_from(crawl.DESIGNS)),
        n_categories=1, per_page=5, max_listing_pages=3, seed=draw(SEEDS),
    )  # fmt: skip


SPECS = {
    "infralab.crawl.build_site": Spec(
        kwargs(
            n_questions=st.integers(30, 400),
            design=st.sampled_from(crawl.DESIGNS),
            n_categories=st.integers(1, 30),
            per_page=st.integers(1, 60),
            max_listing_pages=st.integers(1, 20),
            hub_page_size=st.integers(1, 80),
            related_links=st.integers(0, 8),
            seed=SEEDS,
        ),
        invalid={
            "n_questions": bad_integer(1, 2_000_000),
            "design": bad_choice("latest"),
            "n_categories": (*bad_integer(1, 1_000), 10_000),
            "per_page": bad_integer(1, 10_000),
            "max_listing_pages": bad_integer(1, 1_000_000),
            "hub_page_size": bad_integer(1, 50_000),
            "related_links": bad_integer(0, 50),
            "seed": BAD_SEED,
        },
    ),
    "infralab.crawl.click_depths": Spec(
        kwargs(links=graphs(), start=st.just(0)),
        invalid={"links": NOT_LINKS, "start": (*bad_integer(0), 10**6)},
    ),
    "infralab.crawl.simulate_crawl": Spec(
        kwargs(
            links=graphs(),
            daily_budget=st.integers(1, 50),
            days=st.integers(1, 40),
            max_depth=st.none() | st.integers(0, 10),
            start=st.just(0),
            seed=SEEDS,
        ),
        invalid={
            "links": NOT_LINKS,
            "daily_budget": bad_integer(1, 100_000_000),
            "days": bad_integer(1, 3_650),
            "max_depth": ("3", 2.5, math.nan, True, -1),
            "start": (*bad_integer(0), 10**6),
            "seed": BAD_SEED,
        },
    ),
    "infralab.crawl.expected_pages_crawled": Spec(
        kwargs(
            depths=st.lists(st.integers(-1, 20), min_size=1, max_size=50),
            daily_budget=st.integers(1, 50),
            days=st.integers(1, 40),
            max_depth=st.none() | st.integers(0, 10),
        ),
        invalid={
            "depths": NOT_DEPTHS,
            "daily_budget": bad_integer(1, 100_000_000),
            "days": bad_integer(1, 3_650),
            "max_depth": ("3", 2.5, math.nan, True, -1),
        },
    ),
    "infralab.crawl.coverage_by_depth": Spec(
        st.integers(1, 30).flatmap(
            lambda n: kwargs(
                depths=st.lists(st.integers(-1, 5), min_size=n, max_size=n),
                fetched=st.lists(st.booleans(), min_size=n, max_size=n).map(np.array),
            )
        ),
        invalid={
            "depths": NOT_DEPTHS,
            "fetched": (None, "yes", [1, 0], np.zeros(100, bool)),
        },
    ),
    "infralab.crawl.sitemap_files_needed": Spec(
        kwargs(
            n_urls=st.integers(0, 10**9),
            bytes_per_url=finite(1.0, 5_000.0),
            max_urls=st.integers(1, 50_000),
            max_bytes=st.integers(1_024, 50 * 1024 * 1024),
        ),
        invalid={
            "n_urls": bad_integer(0, 10_000_000_000),
            "bytes_per_url": bad_number(0.0, 50_000.0, open_low=True),
            "max_urls": bad_integer(1, 50_000),
            "max_bytes": bad_integer(1_024, 50 * 1024 * 1024),
        },
    ),
    "infralab.crawl.write_sitemaps": Spec(
        kwargs(
            paths=st.lists(
                st.integers(0, 10**6).map(lambda i: f"/q/{i}.html"), min_size=1, max_size=30
            ),
            folder=st.just(FRESH),
            base_url=st.just("http://127.0.0.1:8000"),
            max_urls=st.integers(1, 50_000),
            max_bytes=st.integers(1_024, 50 * 1024 * 1024),
            lastmod=st.one_of(st.none(), st.sampled_from(["2026-11-29", "2026-11-29T21:40:00Z"])),
        ),  # fmt: skip
        invalid={
            "lastmod": (3, "yesterday", "2026-13-01", ["2026-11-29", "x"] * 40, b"2026-11-29"),
            "paths": (None, "/a.html", [], [3], [""]),
            "folder": (*BAD_PATH, str(Path(tempfile.gettempdir()) / "no-such-folder-here")),
            "base_url": (*BAD_TEXT, "127.0.0.1:8000", "ftp://127.0.0.1", ""),
            "max_urls": bad_integer(1, 50_000),
            "max_bytes": bad_integer(1_024, 50 * 1024 * 1024),
        },
        call=_in_a_folder,
    ),
    "infralab.crawl.check_sitemap": Spec(
        kwargs(path=st.just(SITEMAP), base_url=st.sampled_from([None, "http://127.0.0.1:8000"])),
        invalid={
            "path": (*BAD_PATH, str(Path(tempfile.gettempdir()) / "no-such-sitemap.xml")),
            "base_url": (3, True, ["http://127.0.0.1"], "127.0.0.1:8000", "ftp://127.0.0.1", ""),
        },
        call=_in_a_folder,
    ),
    "infralab.crawl.write_static_site": Spec(
        kwargs(site=small_sites(), folder=st.just(FRESH), base_url=st.none()),
        invalid={
            "site": NOT_A_SITE,
            "folder": (*BAD_PATH, str(Path(tempfile.gettempdir()) / "no-such-folder-here")),
            "base_url": (3, True, ["http://127.0.0.1"], ""),
        },
        call=_in_a_folder,
    ),
    "infralab.crawl.serve_folder": Spec(
        kwargs(folder=st.just(FRESH)),
        invalid={"folder": (*BAD_PATH, str(Path(tempfile.gettempdir()) / "no-such-folder-here"))},
        call=_in_a_folder,
    ),
    "infralab.checks.crawlable_sites.ready": Spec(
        kwargs(function=st.just(lambda *args: 1.0)),
        unchecked={"function": "any answer at all is handled: fuzzed in tests/test_check_cells.py"},
    ),
    "infralab.crawl.crawl_http": Spec(
        kwargs(
            base_url=st.just("http://127.0.0.1:9"),
            max_pages=st.integers(1, 100),
            max_depth=st.none() | st.integers(0, 5),
            use_sitemaps=st.booleans(),
        ),
        invalid={
            "base_url": (
                *BAD_TEXT,
                "",
                "http://example.com",
                "https://127.0.0.1:9",
                "http://192.0.2.1:80",
            ),
            "max_pages": bad_integer(1, 1_000_000),
            "max_depth": ("3", 2.5, math.nan, True, -1),
            "use_sitemaps": BAD_FLAG,
        },  # fmt: skip
        valid_calls="needs a running server: tests/lessons/crawlable_sites/test_serve.py",
    ),
}

RECORDS = {
    "infralab.crawl.Site": "built by build_site",
    "infralab.crawl.CrawlResult": "built by simulate_crawl",
    "infralab.crawl.SitemapFiles": "built by write_sitemaps",
    "infralab.crawl.SitemapReport": "built by check_sitemap",
    "infralab.crawl.HttpCrawl": "built by crawl_http",
    "infralab.crawl.LocalServer": "built by serve_folder, which checks its folder",
}
