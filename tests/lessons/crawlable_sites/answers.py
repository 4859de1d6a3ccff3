"""Right answers to lesson 06's exercises, written the way a learner would.

They are written independently of the reference functions in
:mod:`infralab.checks.crawlable_sites`. :data:`RIGHT_ANSWERS` maps each task to
its answer; tests/test_lesson_checks.py runs it through the task's check.
"""

from __future__ import annotations

import math
from collections import deque
from xml.sax.saxutils import escape


def _depths(links):
    depth = {"/": 0}
    queue = deque(["/"])
    while queue:
        page = queue.popleft()
        for target in links.get(page, []):
            if target not in depth:
                depth[target] = depth[page] + 1
                queue.append(target)
    return depth


def click_depth(links, page):
    return _depths(links).get(page)


def pages_within(links, k):
    return sum(1 for clicks in _depths(links).values() if clicks <= k)


def orphan_pages(links):
    pages = set(links) | {target for targets in links.values() for target in targets}
    return pages - set(_depths(links))


def sitemap_files(n_urls, bytes_per_url):
    by_count = math.ceil(n_urls / 50_000)
    by_size = math.ceil(n_urls * bytes_per_url / (50 * 1024 * 1024))
    return max(1, by_count, by_size)


def days_to_coverage(reachable_pages, total_pages, daily_budget, target):
    if reachable_pages / total_pages < target:
        return math.inf
    days = 1
    while days * daily_budget < target * total_pages:
        days += 1
    return days


def sitemap_xml(urls):
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return "\n".join(lines)


RIGHT_ANSWERS = {
    "click_depth": click_depth,
    "pages_within": pages_within,
    "orphan_pages": orphan_pages,
    "sitemap_files": sitemap_files,
    "days_to_coverage": days_to_coverage,
    "sitemap_xml": sitemap_xml,
}
