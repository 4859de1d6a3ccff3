"""The generated Q&A site: its pages, links and click depths, counted by hand."""

from __future__ import annotations

import numpy as np
import pytest

from infralab.crawl import DESIGNS, PAGE_KINDS, build_site, click_depths


def _links_of(site, url):
    page = int(np.flatnonzero(site.urls == url)[0])
    return set(site.urls[site.links[page].indices].tolist())


def test_latest_design_by_hand():
    # 12 questions, 4 a page, at most 2 listing pages: the 4 oldest are listed nowhere
    site = build_site(12, "latest", n_categories=2, per_page=4, max_listing_pages=2, seed=3)
    assert site.n_pages == 1 + 2 + 12
    assert _links_of(site, "/") == {"/latest/1.html"}
    assert _links_of(site, "/latest/1.html") == {
        "/latest/2.html",
        *(f"/questions/{n}.html" for n in (12, 11, 10, 9)),
    }
    assert _links_of(site, "/latest/2.html") == {
        "/latest/1.html",
        *(f"/questions/{n}.html" for n in (8, 7, 6, 5)),
    }
    depths = click_depths(site.links)
    by_url = dict(zip(site.urls.tolist(), depths.tolist(), strict=True))
    assert by_url["/questions/12.html"] == 2
    assert by_url["/questions/5.html"] == 3
    assert [by_url[f"/questions/{n}.html"] for n in (1, 2, 3, 4)] == [-1] * 4  # orphans
    assert site.links[site.is_question].nnz == 0  # questions link nowhere in this design


def test_sitemap_design_puts_every_question_within_four_clicks():
    site = build_site(5_000, "sitemap", n_categories=10, hub_page_size=100, seed=4)
    depths = click_depths(site.links)
    question = depths[site.is_question]
    assert question.min() >= 2 and question.max() == 4
    assert (depths >= 0).all()  # no orphans
    hubs = site.kind == PAGE_KINDS.index("category hub")
    assert depths[hubs].min() == 2 and depths[hubs].max() == 3
    # each hub page lists at most hub_page_size questions, each question on exactly one hub
    from_hubs = site.links[hubs][:, site.is_question]
    assert from_hubs.sum(axis=0).min() == 1 and from_hubs.sum(axis=0).max() == 1
    assert from_hubs.sum(axis=1).max() == 100


def test_related_links_stay_in_the_category_and_never_point_home_to_self():
    site = build_site(3_000, "related", n_categories=6, related_links=4, seed=5)
    questions = np.flatnonzero(site.is_question)
    rows = site.links[questions][:, questions].tocoo()
    source, target = questions[rows.row], questions[rows.col]
    assert (site.category[source] == site.category[target]).all()
    assert (source != target).all()
    per_question = np.bincount(rows.row, minlength=questions.size)
    assert per_question.max() <= 4 and per_question.mean() > 3.9  # duplicates are rare


def test_designs_only_add_links():
    sizes = [build_site(2_000, design, seed=6).links.nnz for design in DESIGNS]
    assert sizes == sorted(sizes) and len(set(sizes)) == 3


def test_same_seed_same_site_and_categories_follow_zipf():
    first, again = build_site(20_000, seed=7), build_site(20_000, seed=7)
    assert (first.links != again.links).nnz == 0
    counts = np.bincount(first.category[first.is_question])
    expected = 20_000 / np.arange(1, 25) / (1 / np.arange(1, 25)).sum()
    assert (np.abs(counts - expected) < 4 * np.sqrt(expected)).all()  # within 4 binomial sd


def test_a_category_larger_than_the_questions_is_refused():
    with pytest.raises(ValueError, match="n_categories"):
        build_site(5, n_categories=6)
