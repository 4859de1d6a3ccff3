"""Lesson 06, crawlable sites: why pages go undiscovered, and how structure fixes it.

A Q&A site of tens of thousands of questions is generated as a link graph in
three designs (latest-questions pagination only; plus a categorised HTML
sitemap; plus related links on every question). A crawler with a daily budget
starts from the home page and fetches breadth first. Then the real artefacts:
a ``sitemap.xml`` by the sitemaps.org protocol, within its limits, and a small
site served over loopback HTTP and crawled with the standard library.

Modules, one concern each:

- :mod:`~infralab.crawl.site`: :func:`build_site` and :class:`Site`, the
  :data:`DESIGNS` and :data:`PAGE_KINDS`;
- :mod:`~infralab.crawl.crawler`: :func:`click_depths`, :func:`simulate_crawl`
  (:class:`CrawlResult`), its closed form :func:`expected_pages_crawled`, and
  :func:`coverage_by_depth`;
- :mod:`~infralab.crawl.sitemap`: :func:`sitemap_files_needed`,
  :func:`write_sitemaps` (:class:`SitemapFiles`) and :func:`check_sitemap`
  (:class:`SitemapReport`), with the protocol's limits;
- :mod:`~infralab.crawl.serve`: :func:`write_static_site`, :func:`serve_folder`
  (:class:`LocalServer`) and :func:`crawl_http` (:class:`HttpCrawl`).

Examples
--------
>>> from infralab import crawl
>>> site = crawl.build_site(2_000, "sitemap", seed=1)
>>> depths = crawl.click_depths(site.links)
>>> int(depths[site.is_question].max())   # every question within 4 clicks of the home page
4
"""

from __future__ import annotations

from .crawler import (
    CrawlResult,
    click_depths,
    coverage_by_depth,
    expected_pages_crawled,
    simulate_crawl,
)
from .serve import HttpCrawl, LocalServer, crawl_http, serve_folder, write_static_site
from .site import CATEGORY_NAMES, DESIGNS, PAGE_KINDS, Site, build_site
from .sitemap import (
    INDEX_MAX_SITEMAPS,
    NAMESPACE,
    SITEMAP_MAX_BYTES,
    SITEMAP_MAX_URLS,
    SitemapFiles,
    SitemapReport,
    check_sitemap,
    sitemap_files_needed,
    write_sitemaps,
)

__all__ = [
    "CATEGORY_NAMES",
    "DESIGNS",
    "INDEX_MAX_SITEMAPS",
    "NAMESPACE",
    "PAGE_KINDS",
    "SITEMAP_MAX_BYTES",
    "SITEMAP_MAX_URLS",
    "CrawlResult",
    "HttpCrawl",
    "LocalServer",
    "Site",
    "SitemapFiles",
    "SitemapReport",
    "build_site",
    "check_sitemap",
    "click_depths",
    "coverage_by_depth",
    "crawl_http",
    "expected_pages_crawled",
    "serve_folder",
    "simulate_crawl",
    "sitemap_files_needed",
    "write_sitemaps",
    "write_static_site",
]
