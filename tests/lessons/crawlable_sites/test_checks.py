"""The self-checks of lesson 06: hand-computed answers, and the mistakes learners make.

The right answers (tests/lessons/crawlable_sites/answers.py) are written the way a
learner would write them, independently of the reference functions in the check
module. What every lesson's checks must do is tested for every task in
tests/test_lesson_checks.py.
"""

from __future__ import annotations

import math
from functools import partial

import pytest

from infralab.checks import crawlable_sites as check
from tests.check_runner import printed_line
from tests.lessons.crawlable_sites.answers import (
    _depths,
    click_depth,
    days_to_coverage,
    orphan_pages,
    pages_within,
    sitemap_xml,
)

printed = partial(printed_line, check)


def test_reference_answers_match_hand_computed_values():
    expected = {name: [case.expected for case in task.cases] for name, task in check.TASKS.items()}
    # / -> /latest/1 -> /latest/2 -> /q/3 -> /q/2; /q/1 only links out; a chain's /q/6 is 5
    # clicks deep; two routes: /q/1 is 1 click, /q/2 two; the home page is 0.
    assert expected["click_depth"] == [4, None, 5, 2, 0]
    # within 2 clicks: /, /latest/1, /sitemap, /q/5, /q/4, /latest/2, /cat/python
    # the whole example site but /q/1 and /q/2 is 9 pages; the chain within 3 clicks is 6;
    # two routes within 1 click: /, /a, /q/1 (depth first finds /q/1 at 3: only 2);
    # {"/": [], "/q/1": ["/q/0"]} within 1 click: only the home page
    assert expected["pages_within"] == [7, 9, 6, 1, 3, 1]
    assert sorted(expected["orphan_pages"][0]) == ["/q/1"]
    assert sorted(expected["orphan_pages"][1]) == ["/q/0", "/q/1"]  # /q/0 is only a target
    assert sorted(expected["orphan_pages"][2]) == ["/q/1", "/q/2"]  # an island of two
    assert expected["orphan_pages"][3:] == [[], []]
    # 120,000 / 50,000 -> 3; 40,000 x 1,500 B = 60 MB -> 2; 40,000 x 1,300 B = 52.0 MB -> 1;
    # 50,000 -> 1 and 50,001 -> 2
    assert expected["sitemap_files"] == [3, 2, 1, 1, 2, 50]
    # 0.95 x 50,614 / 2,000 = 24.04 -> 25 days; only 5,101 of 50,101 reachable -> never
    assert expected["days_to_coverage"] == [25, math.inf, 1, 19, 1]
    first = expected["sitemap_xml"][0]
    assert "<loc>https://qa.example/search?a=1&amp;b=2</loc>" in first
    assert (
        first.count("<url>") == 3 and 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"' in first
    )


def _depth_first(links, page, depth=None, clicks=0, at="/"):
    depth = {} if depth is None else depth
    depth[at] = clicks
    for target in links.get(at, []):
        if target not in depth:
            _depth_first(links, page, depth, clicks + 1, target)
    return depth.get(page) if at == "/" else None


def _depth_first_within(links, k):
    depth = {}

    def visit(page, clicks):
        depth[page] = clicks
        for target in links.get(page, []):
            if target not in depth:
                visit(target, clicks + 1)

    visit("/", 0)
    return sum(1 for clicks in depth.values() if clicks <= k)


def _incoming_only(links):
    linked = {t for targets in links.values() for t in targets}
    return set(links) - linked - {"/"}


@pytest.mark.parametrize(
    ("name", "function", "fragment"),
    [
        ("click_depth", lambda links, page: None if click_depth(links, page) is None
         else click_depth(links, page) + 1, "counted pages"),
        ("click_depth", lambda links, page: -1 if click_depth(links, page) is None
         else click_depth(links, page), "return None"),
        ("click_depth", _depth_first, "depth first"),
        ("pages_within", lambda links, k: pages_within(links, k - 1) if k else 0, "<= k"),
        ("orphan_pages", _incoming_only, "link only to each other"),
        ("sitemap_files", lambda n, b: max(1, math.ceil(n / 50_000)), "two limits"),
        ("sitemap_files", lambda n, b: max(1, n // 50_000, math.ceil(n * b / 52_428_800)),
         "round up"),
        ("sitemap_files", lambda n, b: max(1, math.ceil(n / 50_000), math.ceil(n * b / 50e6)),
         "52,428,800"),
        ("days_to_coverage", lambda r, t, b, g: math.ceil(g * t / b), "math.inf"),
        ("days_to_coverage", lambda r, t, b, g: math.inf if r < g * t else g * t / b,
         "whole days"),
        # wrong answers named in review: each must fail, with the right hint
        ("pages_within", _depth_first_within, "depth first"),
        ("pages_within", lambda links, k: sum(1 for p, d in _depths(links).items()
                                              if d <= k and p in links), "only the keys"),
        ("orphan_pages", lambda links: set(links) - set(_depths(links)), "link target"),
        ("orphan_pages", lambda links: {p.upper() for p in orphan_pages(links)}, ""),
        ("orphan_pages", lambda links: sorted(orphan_pages(links)) * 2, ""),
        ("sitemap_files", lambda n, b: max(1, math.ceil(n / 50_001),
                                           math.ceil(n * b / 52_428_800)), "50,001"),
        ("days_to_coverage", lambda r, t, b, g: None if r < g * t else math.ceil(g * t / b),
         "not None"),
        ("days_to_coverage", lambda r, t, b, g: math.inf if r < g * t
         else math.ceil(g * t / b) + 1, "one day too many"),
        ("days_to_coverage", lambda r, t, b, g: math.inf if r < g * t
         else math.floor(g * t / b) + 1, "floor + 1"),
        ("click_depth", lambda links, page: math.nan if click_depth(links, page) is None
         else click_depth(links, page), "not NaN"),
        ("click_depth", lambda links, page: math.inf if click_depth(links, page) is None
         else click_depth(links, page), "math.inf"),
        ("sitemap_xml", lambda urls: sitemap_xml(urls).replace("&amp;", "&"), "&amp;"),
        ("sitemap_xml", lambda urls: sitemap_xml(urls).replace(
            ' xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"', ""), "namespace"),
        ("sitemap_xml", lambda urls: sitemap_xml(list(reversed(urls))), ""),
        # right answers written differently
        ("days_to_coverage", lambda r, t, b, g: float("inf") if r / t < g else -(-g * t // b),
         None),
        ("orphan_pages", lambda links: sorted(orphan_pages(links)), None),
        ("sitemap_files",
         lambda n, b: float(max(1, -(-n // 50_000), math.ceil(n * b / 2**20 / 50))), None),
        ("sitemap_xml", lambda urls: sitemap_xml(urls).encode("utf-8"), None),
    ],
)  # fmt: skip
def test_mistakes_written_as_a_learner_would_get_their_hint(name, function, fragment):
    line = printed(name, function)
    if fragment is None:
        assert line.startswith(f"Correct ({name}): "), line
        return
    assert line.startswith(f"Not quite ({name}): "), line
    assert fragment in line, line


def test_the_example_site_is_what_the_sheet_shows():
    (example,) = check.EXAMPLES["click_depth"]
    links, page = example.args
    assert links["/"] == ["/latest/1", "/sitemap"] and page == "/q/2"
    links["/"].append("/q/1")  # a learner changing the example cannot spoil the check
    assert check.EXAMPLES["click_depth"][0].args[0]["/"] == ["/latest/1", "/sitemap"]


def test_ready_lets_the_last_cell_run_only_once_the_function_is_correct(capsys):
    assert check.ready(days_to_coverage) is True
    assert capsys.readouterr().out == ""

    def days_to_coverage_stub(reachable_pages, total_pages, daily_budget, target):
        raise NotImplementedError()

    days_to_coverage_stub.__name__ = "days_to_coverage"
    assert check.ready(days_to_coverage_stub) is False
    assert "Skipped until days_to_coverage is correct" in capsys.readouterr().out
