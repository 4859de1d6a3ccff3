"""Every claim lesson 06's sentences and figures make, with the notebook's own constants."""

from __future__ import annotations

import math
import re
import tempfile

import numpy as np
import pytest

from infralab import crawl
from tests.notebook_constants import ROOT, notebook_constants

C = notebook_constants(
    "06_crawlable_sites.ipynb",
    "SEED", "N_QUESTIONS", "N_CATEGORIES", "PER_PAGE", "MAX_LISTING_PAGES", "HUB_PAGE_SIZE",
    "RELATED_LINKS", "DAILY_BUDGET", "DAYS", "SMALL_QUESTIONS", "REAL_QUESTIONS",
    "REAL_PER_PAGE", "REAL_LISTING_PAGES", "REAL_BUDGET", "TIGHT_BUDGET",
)  # fmt: skip


def _site(design, n_questions=None):
    return crawl.build_site(
        n_questions or C["N_QUESTIONS"], design, n_categories=C["N_CATEGORIES"],
        per_page=C["PER_PAGE"], max_listing_pages=C["MAX_LISTING_PAGES"],
        hub_page_size=C["HUB_PAGE_SIZE"], related_links=C["RELATED_LINKS"], seed=C["SEED"],
    )  # fmt: skip


@pytest.fixture(scope="module")
def sites():
    return {design: _site(design) for design in crawl.DESIGNS}


@pytest.fixture(scope="module")
def depths(sites):
    return {design: crawl.click_depths(site.links) for design, site in sites.items()}


def _coverage(depth, budget=None, max_depth=None, days=None):
    crawled = crawl.expected_pages_crawled(
        depth, daily_budget=budget or C["DAILY_BUDGET"], days=days or C["DAYS"],
        max_depth=max_depth,
    )  # fmt: skip
    return crawled / depth.size


def test_the_site_as_the_text_describes_it():
    assert C["N_QUESTIONS"] == 50_000 and C["N_CATEGORIES"] == 24
    assert (C["PER_PAGE"], C["MAX_LISTING_PAGES"], C["HUB_PAGE_SIZE"]) == (50, 100, 100)
    assert C["RELATED_LINKS"] == 5 and C["DAILY_BUDGET"] == 2_000 and C["DAYS"] == 30


def test_section_1_orphans_and_depths(sites, depths):
    latest = depths["latest"][sites["latest"].is_question]
    assert np.sum(latest >= 0) == C["PER_PAGE"] * C["MAX_LISTING_PAGES"] == 5_000
    assert np.sum(latest < 0) == 45_000  # "90%"
    assert latest[latest >= 0].min() == 2 and latest.max() == 27  # "from 2 to 27 clicks"
    assert np.median(latest[latest >= 0]) == 15
    for design in ("sitemap", "related"):
        question = depths[design][sites[design].is_question]
        assert set(np.unique(question)) == {2, 3, 4}  # no orphans, all within 4 clicks
        assert np.mean(question == 4) > 0.9  # "nearly every question sits at depth 4"
        assert np.sum(question == 2) == C["PER_PAGE"]  # "the 50 newest at depth 2"
    # depth 3 in the sitemap design: questions on a first hub page or on a list page at depth 2
    site = sites["sitemap"]
    pages_at_2 = np.flatnonzero(depths["sitemap"] == 2)
    hubs_at_2 = pages_at_2[site.kind[pages_at_2] == crawl.PAGE_KINDS.index("category hub")]
    lists_at_2 = pages_at_2[site.kind[pages_at_2] == crawl.PAGE_KINDS.index("latest listing")]
    assert len(hubs_at_2) == C["N_CATEGORIES"] and len(lists_at_2) == 3  # pages 2, 3 and last
    linked = np.flatnonzero(site.links[np.concatenate([hubs_at_2, lists_at_2])].sum(axis=0))
    question = depths["sitemap"][site.is_question]
    assert set(np.flatnonzero(depths["sitemap"] == 3)) & set(
        np.flatnonzero(site.is_question)
    ) <= set(linked.tolist())
    # "2,550 (5%) are at depth 3: the 100 on the first hub page of each of the 24 categories,
    # plus the 150 on the three list pages the first one links to"
    assert (
        np.sum(question == 3) == 2_550 == C["N_CATEGORIES"] * C["HUB_PAGE_SIZE"] + 3 * C["PER_PAGE"]
    )
    assert round(np.sum(question == 3) / C["N_QUESTIONS"], 2) == 0.05
    # "the related links change almost nothing here"
    related = depths["related"][sites["related"].is_question]
    assert abs(np.mean(related == 3) - np.mean(question == 3)) < 0.01


def test_section_2_coverage_over_thirty_days(sites, depths):
    results = {
        d: crawl.simulate_crawl(s.links, daily_budget=C["DAILY_BUDGET"], days=C["DAYS"],
                                seed=C["SEED"])
        for d, s in sites.items()
    }  # fmt: skip
    for design, result in results.items():
        assert np.cumsum(result.pages_per_day).tolist() == list(
            crawl.expected_pages_crawled(depths[design], daily_budget=C["DAILY_BUDGET"],
                                         days=C["DAYS"])
        )  # fmt: skip
    latest = results["latest"].coverage()
    assert np.sum(depths["latest"] >= 0) == 5_101
    assert np.argmax(latest == latest[-1]) + 1 == 3  # "the orange line stops on day 3"
    assert round(latest[-1], 2) == 0.10  # "stalls at 10%"
    for design in ("sitemap", "related"):
        coverage = results[design].coverage()
        assert np.argmax(coverage >= 0.95) + 1 == 25  # "reach 95% on day 25"
        assert coverage[-1] == 1.0
        assert 50_500 < sites[design].n_pages < 50_700  # "about 50,600"
    assert results["related"].coverage() == pytest.approx(results["sitemap"].coverage(), abs=1e-4)


def test_section_3_depth(sites, depths):
    at = {d: [_coverage(depths[d], max_depth=m)[-1] for m in range(1, 13)] for d in depths}
    assert round(at["latest"][4], 3) == 0.012 and round(at["sitemap"][4], 3) == 0.998  # at 5
    assert at["sitemap"][3] > 0.99  # "four clicks are enough for almost the whole site"
    # each extra click: four more list pages, about 200 questions
    latest = depths["latest"][sites["latest"].is_question]
    per_level = np.bincount(latest[latest >= 0])
    assert np.median(per_level[4:26]) == 200
    # the sitemap link removed from the home page
    reach = {}
    for design in ("sitemap", "related"):
        site = sites[design]
        links = site.links.copy()
        links[0, int(np.flatnonzero(site.urls == "/sitemap.html")[0])] = 0
        links.eliminate_zeros()
        depth = crawl.click_depths(links)
        reach[design] = np.mean(depth >= 0)
        if design == "related":
            assert np.median(depth[depth >= 0]) == 6
    assert round(reach["sitemap"], 2) == 0.10 and round(reach["related"], 2) == 0.98


def test_section_4_budget_and_the_small_site(depths):
    for budget in (500, 1_000, 2_000, 5_000, 20_000):
        assert round(_coverage(depths["latest"], budget)[-1], 2) == 0.10  # stuck at about 10%
    assert _coverage(depths["sitemap"], 2_000)[-1] == 1.0
    assert _coverage(depths["sitemap"], 1_000)[-1] < 1.0
    small = {d: crawl.click_depths(_site(d, C["SMALL_QUESTIONS"]).links) for d in crawl.DESIGNS}
    assert C["SMALL_QUESTIONS"] / C["PER_PAGE"] == 10  # "fit on 10 list pages"
    assert all((small[d] >= 0).all() for d in small) and small["latest"].max() <= 5
    # the try-it suggestions: 100 pages a day finishes the small site within a week,
    # and a 3-click limit stops every design early on the full site
    assert all(_coverage(small[d], 100, days=7)[-1] == 1.0 for d in small)
    assert all(_coverage(depths[d], max_depth=3)[-1] < 0.07 for d in depths)
    # the smallest budget reaching 95% in 30 days: about 1,600 (1,700 on the slider)
    n = depths["sitemap"].size
    assert math.ceil(0.95 * n / C["DAYS"]) == 1_603
    assert _coverage(depths["sitemap"], 1_700)[-1] >= 0.95 > _coverage(depths["sitemap"], 1_600)[-1]


def test_section_5_sitemap_files(sites):
    site = sites["related"]
    with tempfile.TemporaryDirectory() as folder:
        files = crawl.write_sitemaps(site.urls.tolist(), folder, base_url="https://qa.example")
        assert all(crawl.check_sitemap(p).ok for p in (*files.sitemaps, files.index))
    assert files.url_counts == (50_000, site.n_pages - 50_000) and files.index is not None
    per_entry = files.sizes[0] / files.url_counts[0]
    # at entries of this size the URL limit binds first; at 1,200 bytes the byte limit does
    assert crawl.sitemap_files_needed(1_000_000, per_entry) == 20
    assert crawl.sitemap_files_needed(1_000_000, 1_200) == 23


def test_section_5_the_real_crawl():
    assert C["REAL_QUESTIONS"] == 1_200
    assert C["REAL_PER_PAGE"] * C["REAL_LISTING_PAGES"] == 200  # "only the 200 newest listed"
    assert (C["REAL_BUDGET"], C["TIGHT_BUDGET"]) == (300, 150)
    site = crawl.build_site(C["REAL_QUESTIONS"], "latest", n_categories=8,
                            per_page=C["REAL_PER_PAGE"], max_listing_pages=C["REAL_LISTING_PAGES"],
                            seed=C["SEED"])  # fmt: skip
    with tempfile.TemporaryDirectory() as folder, crawl.serve_folder(folder) as server:
        crawl.write_static_site(site, folder, base_url=server.base_url)
        real = crawl.crawl_http(server.base_url, max_pages=C["REAL_BUDGET"], use_sitemaps=True)
        tight = crawl.crawl_http(server.base_url, max_pages=C["TIGHT_BUDGET"])
    assert not server.running
    depth = crawl.click_depths(site.links)
    assert np.sum(depth < 0) == 1_000
    reachable = int(np.sum(depth >= 0))
    assert reachable == 211 < C["REAL_BUDGET"]  # "more than the links reach"
    by_link = [p for p, d in zip(real.fetched, real.depths, strict=True) if d >= 0]
    assert set(by_link) == set(site.urls[depth >= 0].tolist())  # every reachable page
    assert real.broken == ("/questions/0.html",) and real.blocked == ("/private/admin.html",)
    # the budget: reachable pages, one broken link, then orphans from the sitemap
    assert len(real.fetched) - len(by_link) == C["REAL_BUDGET"] - 1 - len(by_link) == 88

    # a budget of 150 runs out partway through depth 4: the 404 (at depth 1) costs the real
    # crawl one page there, and nothing anywhere else
    def counts(mask):
        return np.bincount(depth[mask & (depth >= 0)], minlength=depth.max() + 1)

    simulated = crawl.simulate_crawl(site.links, daily_budget=C["TIGHT_BUDGET"], days=1,
                                     seed=C["SEED"])  # fmt: skip
    sim = counts(simulated.day_fetched > 0)
    got = counts(np.isin(site.urls, tight.fetched))
    assert tight.broken == ("/questions/0.html",) and len(tight.fetched) == C["TIGHT_BUDGET"] - 1
    assert np.flatnonzero(sim != got).tolist() == [4]
    assert (sim[4], got[4], counts(depth >= 0)[4]) == (61, 60, 82)
    assert site.urls[np.isin(site.urls, tight.fetched)].size == C["TIGHT_BUDGET"] - 1


#: The words the prose may use for each course colour a figure uses (vermillion looks orange).
_COLOUR_WORDS = {
    "vermillion": {"orange", "vermillion"}, "blue": {"blue"}, "green": {"green"},
    "grey": {"grey"}, "orange": {"orange"}, "sky": {"sky", "light blue"},
    "purple": {"purple", "pink"}, "yellow": {"yellow"}, "black": {"black"},
}  # fmt: skip
_ANY_COLOUR = re.compile(
    r"\b(red|orange|vermillion|blue|green|grey|gray|purple|pink|yellow|black)\b"
)


def test_colours_named_in_the_prose_are_the_figures_colours():
    import nbformat

    notebook = nbformat.read(ROOT / "notebooks" / "06_crawlable_sites.ipynb", as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    used = set(re.findall(r'COLOURS\["(\w+)"\]', code))
    assert used >= {"vermillion", "blue", "green"}
    allowed = set().union(*(_COLOUR_WORDS[name] for name in used))
    named = set(_ANY_COLOUR.findall(prose))
    assert named and named <= allowed, f"colours named but not drawn: {named - allowed}"


def test_the_try_it_panel_defaults(depths):
    """The figure after the panel: its title's day-30 shares at the default settings."""
    shares = {d: _coverage(depths[d])[-1] for d in crawl.DESIGNS}
    assert [f"{shares[d]:.0%}" for d in crawl.DESIGNS] == ["10%", "100%", "100%"]
