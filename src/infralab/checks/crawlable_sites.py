"""Self-checks for the exercises of lesson 06, crawlable sites.

Each function below checks one exercise task. A check cell reads::

    from infralab.checks import crawlable_sites as check
    check.click_depth(click_depth)

It runs your function on several inputs, some of them hidden from the
notebook, and prints one line: correct, not attempted yet, a hint for a common
mistake, or one input where your answer differs from the expected one.

A site is given as a dict from each page's path to the list of paths it
links to, e.g. ``{"/": ["/latest/1"], "/latest/1": ["/q/1", "/q/2"]}``; the
home page is ``"/"``. The expected answers are worked out here, independently
of the course's own :mod:`infralab.crawl`:

================  ===============================================================
task              expected answer
================  ===============================================================
click_depth       fewest clicks from ``"/"`` to ``page`` (breadth first); None if
                  no path reaches it
pages_within      pages whose click depth is at most ``k``, the home page included
orphan_pages      the site's pages (keys and link targets) no path from ``"/"``
                  reaches, in any order
sitemap_files     ``max(ceil(n / 50,000), ceil(n * bytes / 52,428,800))``, at
                  least 1
days_to_coverage  the fewest whole days ``t`` with ``min(t * budget, reachable) /
                  total >= target``; ``math.inf`` if that never happens
sitemap_xml       the text of a ``sitemap.xml`` listing ``urls`` in order: a
                  ``<urlset>`` in the protocol's namespace, one ``<url><loc>``
                  each, ``&`` and ``<`` escaped (compared as parsed XML)
================  ===============================================================

``TASKS`` maps each task name to its :class:`~infralab.checks.core.Task`
(cases, mistakes, comparison); ``EXAMPLES`` maps it to the cases that are not
hidden.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ElementTree
from collections import deque
from dataclasses import dataclass
from typing import ClassVar
from xml.sax.saxutils import escape

from infralab.checks.core import (
    Case,
    Comparator,
    Mistake,
    Number,
    Task,
    ready_for,
    with_check_sections,
)

__all__ = [
    "EXAMPLES",
    "TASKS",
    "click_depth",
    "days_to_coverage",
    "orphan_pages",
    "pages_within",
    "ready",
    "sitemap_files",
    "sitemap_xml",
]

# --------------------------------------------------------------------------- the example sites

#: A small Q&A site: latest-questions pagination, one question listed nowhere.
_SMALL_SITE = {
    "/": ["/latest/1", "/sitemap"],
    "/latest/1": ["/q/5", "/q/4", "/latest/2"],
    "/latest/2": ["/q/3", "/latest/1"],
    "/sitemap": ["/cat/python"],
    "/cat/python": ["/q/5", "/q/3"],
    "/q/5": ["/"],
    "/q/4": ["/"],
    "/q/3": ["/q/2"],
    "/q/2": [],
    "/q/1": ["/q/2"],
}

#: A chain of pagination, and two old questions that link only to each other.
_CHAIN_AND_ISLAND = {
    "/": ["/latest/1"],
    "/latest/1": ["/latest/2", "/q/9"],
    "/latest/2": ["/latest/3", "/q/8"],
    "/latest/3": ["/latest/4", "/q/7"],
    "/latest/4": ["/q/6"],
    "/q/6": ["/latest/1"],
    "/q/2": ["/q/1"],
    "/q/1": ["/q/2"],
}

#: A depth-first search finds /q/1 through the long way first.
_TWO_ROUTES = {
    "/": ["/a", "/q/1"],
    "/a": ["/b"],
    "/b": ["/q/1", "/q/2"],
    "/q/1": ["/q/2"],
}

#: Only the home page.
_HOME_ONLY = {"/": []}

#: A page that is only a link target: the site's pages are keys *and* link targets.
_TARGET_ONLY = {"/": [], "/q/1": ["/q/0"]}


@dataclass(frozen=True)
class _Clicks(Number):
    """A whole number of clicks; for an orphan only ``None`` (not NaN) is right."""

    def __call__(self, expected: object, got: object) -> bool:
        if expected is None:
            return got is None
        return super().__call__(expected, got)


@dataclass(frozen=True)
class _Paths(Comparator):
    """A set of URL paths, in any order, compared exactly: paths are case-sensitive.

    A list or tuple must not name a page twice.
    """

    describe: ClassVar[str] = "a set (or list) of paths"

    def accepts(self, got: object) -> bool:
        if isinstance(got, (str, bytes, dict)) or not isinstance(
            got, (set, frozenset, list, tuple)
        ):
            return False
        return all(isinstance(item, str) for item in got) and len(set(got)) == len(got)

    def _same(self, expected: object, got: object) -> bool:
        return set(expected) == set(got)

    def _format(self, value: object) -> str:
        return "{" + ", ".join(repr(item) for item in sorted(value)) + "}" if value else "set()"


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


def _depth_first(links):
    """Depth of each page along the first path a depth-first search takes (a mistake)."""
    depth = {}

    def visit(page, clicks):
        depth[page] = clicks
        for target in links.get(page, []):
            if target not in depth:
                visit(target, clicks + 1)

    visit("/", 0)
    return depth


def _all_pages(links):
    pages = set(links)
    for targets in links.values():
        pages.update(targets)
    return pages


# --------------------------------------------------------------------------- 1. click depth


def _click_depth(links, page, *, extra=0, missing=None, search=_depths):
    depth = search(links)
    return depth[page] + extra if page in depth else missing


CLICK_DEPTH = Task(
    name="click_depth",
    parameters=("links", "page"),
    summary="The fewest clicks from the home page to a page; None when no path reaches it.",
    compare=_Clicks(rel_tol=0, abs_tol=1e-9),
    cases=(
        Case.from_reference(_click_depth, _SMALL_SITE, "/q/2", label="the example site, /q/2"),
        Case.from_reference(
            _click_depth, _SMALL_SITE, "/q/1", label="the example site, /q/1", hidden=True
        ),
        Case.from_reference(
            _click_depth, _CHAIN_AND_ISLAND, "/q/6", label="a pagination chain, /q/6", hidden=True
        ),
        Case.from_reference(
            _click_depth, _TWO_ROUTES, "/q/2", label="a site with two routes, /q/2", hidden=True
        ),
        Case.from_reference(
            _click_depth, _HOME_ONLY, "/", label="a site of one page, /", hidden=True
        ),
    ),
    mistakes=(
        Mistake(
            "you counted pages on the path rather than clicks: the home page is 0 clicks "
            "from itself, a page it links to is 1.",
            lambda links, page: _click_depth(links, page, extra=1),
        ),
        Mistake(
            "return None for a page no path reaches (an orphan), not -1 or 0.",
            lambda links, page: _click_depth(links, page, missing=-1),
        ),
        Mistake(
            "return None for a page no path reaches (an orphan): it has no click depth, "
            "not an infinite one (math.inf) or NaN.",
            lambda links, page: _click_depth(links, page, missing=math.inf),
        ),
        Mistake(
            "return None for a page no path reaches (an orphan), not NaN.",
            lambda links, page: _click_depth(links, page, missing=math.nan),
            compare=Number(rel_tol=0, abs_tol=1e-9),
        ),
        Mistake(
            "you searched depth first, which finds *a* path, not the shortest. Use a queue "
            "(collections.deque): visit all pages 1 click away, then all 2 clicks away...",
            lambda links, page: _click_depth(links, page, search=_depth_first),
        ),
    ),
)

# --------------------------------------------------------------------------- 2. within k clicks


def _within(links, k, *, strict=False, home=True, search=_depths, keys_only=False):
    depth = search(links)
    if keys_only:
        depth = {page: clicks for page, clicks in depth.items() if page in links}
    count = sum(d < k if strict else d <= k for d in depth.values())
    return count if home else count - 1


PAGES_WITHIN = Task(
    name="pages_within",
    parameters=("links", "k"),
    summary="How many pages are at most k clicks from the home page, the home page included.",
    compare=Number(rel_tol=0, abs_tol=1e-9),
    cases=(
        Case.from_reference(_within, _SMALL_SITE, 2, label="the example site, k = 2"),
        Case.from_reference(
            _within, _SMALL_SITE, 10, label="the example site, k = 10", hidden=True
        ),  # fmt: skip
        Case.from_reference(
            _within, _CHAIN_AND_ISLAND, 3, label="a pagination chain, k = 3", hidden=True
        ),
        Case.from_reference(
            _within, _HOME_ONLY, 0, label="a site of one page, k = 0", hidden=True
        ),  # fmt: skip
        Case.from_reference(
            _within, _TWO_ROUTES, 1, label="a site with two routes, k = 1", hidden=True
        ),
        Case.from_reference(
            _within,
            _TARGET_ONLY,
            1,
            label="a page that is only a link target, k = 1",
            hidden=True,
        ),  # fmt: skip
    ),
    mistakes=(
        Mistake(
            "you searched depth first, which can find a page the long way round and count "
            "it too deep. Use a queue (collections.deque): all pages 1 click away, then 2...",
            lambda links, k: _within(links, k, search=_depth_first),
        ),
        Mistake(
            "a page that only appears as a link target (not a key of links) is a page too: "
            "count every page the search reaches, not only the keys.",
            lambda links, k: _within(links, k, keys_only=True),
        ),
        Mistake(
            "count pages at most k clicks away (<= k), not fewer than k.",
            lambda links, k: _within(links, k, strict=True),
        ),
        Mistake(
            "the home page counts too: it is 0 clicks away.",
            lambda links, k: _within(links, k, home=False),
        ),
        Mistake(
            "a page the home page cannot reach is not within k clicks, however small the "
            "site: count only pages a breadth-first search from '/' finds.",
            lambda links, k: len(_all_pages(links)),
        ),
    ),
)

# --------------------------------------------------------------------------- 3. orphans


def _orphans(links):
    return sorted(_all_pages(links) - set(_depths(links)))


def _keys_only_orphans(links):
    return sorted(set(links) - set(_depths(links)))


def _never_linked(links):
    linked = {target for targets in links.values() for target in targets}
    return sorted(_all_pages(links) - linked - {"/"})


ORPHAN_PAGES = Task(
    name="orphan_pages",
    parameters=("links",),
    summary="The pages (keys and link targets) no path from the home page reaches.",
    compare=_Paths(),
    cases=(
        Case.from_reference(_orphans, _SMALL_SITE, label="the example site"),
        Case.from_reference(
            _orphans, _TARGET_ONLY, label="a page that is only a link target", hidden=True
        ),
        Case.from_reference(
            _orphans,
            _CHAIN_AND_ISLAND,
            label="a chain and two questions linking each other",
            hidden=True,
        ),
        Case.from_reference(_orphans, _TWO_ROUTES, label="a site without orphans", hidden=True),
        Case.from_reference(_orphans, _HOME_ONLY, label="a site of one page", hidden=True),
    ),
    mistakes=(
        Mistake(
            "a page that only appears as a link target (not a key of links) is a page too: "
            "the site's pages are the keys and every page they link to.",
            _keys_only_orphans,
        ),
        Mistake(
            "you listed the pages nothing links to. Two old pages that link only to each "
            "other are orphans too: list every page a breadth-first search from '/' does "
            "not reach.",
            _never_linked,
        ),
        Mistake(
            "you listed the pages the home page reaches; the task asks for the others.",
            lambda links: sorted(_depths(links)),
        ),
    ),
)

# --------------------------------------------------------------------------- 4. sitemap files

_MAX_URLS = 50_000
_MAX_BYTES = 50 * 1024 * 1024


def _files(n_urls, bytes_per_url, *, max_bytes=_MAX_BYTES, by_size=True, ceil=math.ceil,
           max_urls=_MAX_URLS):  # fmt: skip
    count = ceil(n_urls / max_urls)
    if by_size:
        count = max(count, ceil(n_urls * bytes_per_url / max_bytes))
    return max(1, count)


SITEMAP_FILES = Task(
    name="sitemap_files",
    parameters=("n_urls", "bytes_per_url"),
    summary="Sitemap files needed: at most 50,000 URLs and 50 MB (52,428,800 bytes) each.",
    compare=Number(rel_tol=0, abs_tol=1e-9),
    cases=(
        Case.from_reference(_files, 120_000, 90),
        Case.from_reference(_files, 40_000, 1_500, hidden=True),
        Case.from_reference(_files, 40_000, 1_300, hidden=True),
        Case.from_reference(_files, 50_000, 100, hidden=True),
        Case.from_reference(_files, 50_001, 100, hidden=True),
        Case.from_reference(_files, 2_500_000, 120, hidden=True),
    ),
    mistakes=(
        Mistake(
            "a file has two limits: 50,000 URLs and 50 MB. Long URLs hit the size limit "
            "first: take the larger of the two counts.",
            lambda n_urls, bytes_per_url: _files(n_urls, bytes_per_url, by_size=False),
        ),
        Mistake(
            "a file holds at most 50,000 URLs: 50,001 URLs need two files.",
            lambda n_urls, bytes_per_url: _files(n_urls, bytes_per_url, max_urls=50_001),
        ),
        Mistake(
            "round up, not down: 50,001 URLs need two files (math.ceil).",
            lambda n_urls, bytes_per_url: _files(
                n_urls, bytes_per_url, ceil=lambda x: int(math.floor(x))
            ),
        ),
        Mistake(
            "50 MB in the protocol is 50 × 1,024 × 1,024 = 52,428,800 bytes, not 50,000,000.",
            lambda n_urls, bytes_per_url: _files(n_urls, bytes_per_url, max_bytes=50_000_000),
        ),
    ),
)

# --------------------------------------------------------------------------- 5. days to coverage


def _days(reachable_pages, total_pages, daily_budget, target, *, cap=True, whole=True,
          never=math.inf, extra=0):  # fmt: skip
    if cap and reachable_pages < target * total_pages:
        return never
    days = target * total_pages / daily_budget
    return math.ceil(days - 1e-9) + extra if whole else days


DAYS_TO_COVERAGE = Task(
    name="days_to_coverage",
    parameters=("reachable_pages", "total_pages", "daily_budget", "target"),
    summary="Whole days until a breadth-first crawler has fetched the target share of the "
    "pages; math.inf when the reachable pages are too few.",
    compare=Number(rel_tol=0, abs_tol=1e-9),
    cases=(
        Case.from_reference(_days, 50_614, 50_614, 2_000, 0.95),
        Case.from_reference(_days, 5_101, 50_101, 2_000, 0.95, hidden=True),
        Case.from_reference(_days, 10_000, 10_000, 100_000, 0.95, hidden=True),
        Case.from_reference(_days, 9_500, 10_000, 500, 0.95, hidden=True),
        Case.from_reference(_days, 1, 1, 1, 1.0, hidden=True),
    ),
    mistakes=(
        Mistake(
            "more days cannot find pages no link reaches: when reachable_pages is below "
            "target × total_pages, return math.inf.",
            lambda r, t, b, g: _days(r, t, b, g, cap=False),
        ),
        Mistake(
            "round up to whole days (math.ceil): the crawler fetches a day's budget at a time.",
            lambda r, t, b, g: _days(r, t, b, g, whole=False),
        ),
        Mistake(
            "round up, not down: on the last day the crawler must reach the target.",
            lambda r, t, b, g: math.inf if r < g * t else math.floor(g * t / b),
        ),
        Mistake(
            "when the target is never reached, return math.inf (a number larger than any "
            "day), not None.",
            lambda r, t, b, g: _days(r, t, b, g, never=None),
        ),
        Mistake(
            "when target × total_pages is an exact multiple of the budget, the target is "
            "reached on that very day: use math.ceil, not floor + 1.",
            lambda r, t, b, g: math.inf if r < g * t else math.floor(g * t / b) + 1,
        ),
        Mistake(
            "one day too many: after t days the crawler has fetched t × daily_budget pages, "
            "so the answer is ceil(target × total_pages / daily_budget).",
            lambda r, t, b, g: _days(r, t, b, g, extra=1),
        ),
    ),
)

# --------------------------------------------------------------------------- 6. sitemap.xml

_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _sitemap_xml(urls, *, escaped=True, namespace=_NAMESPACE):
    quote = escape if escaped else str
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    entries = "".join(f"<url><loc>{quote(url)}</loc></url>\n" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset{xmlns}>\n{entries}</urlset>\n'


def _locations(text):
    """The ``<loc>`` texts of a sitemap, or None if it is not one."""
    root = ElementTree.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    if root.tag != f"{{{_NAMESPACE}}}urlset":
        return None
    found = []
    for entry in root:
        locs = entry.findall(f"{{{_NAMESPACE}}}loc")
        if entry.tag != f"{{{_NAMESPACE}}}url" or len(locs) != 1:
            return None
        found.append((locs[0].text or "").strip())
    return found


@dataclass(frozen=True)
class _Broken(Comparator):
    """Matches an answer broken the way ``flaw`` says: ``"xml"`` (not well-formed XML) or
    ``"namespace"`` (a ``<urlset>`` outside the protocol's namespace)."""

    flaw: str = "xml"

    def _same(self, expected: object, got: object) -> bool:
        data = got.encode("utf-8") if isinstance(got, str) else got
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError:
            return self.flaw == "xml"
        return self.flaw == "namespace" and root.tag == "urlset"


@dataclass(frozen=True)
class _SitemapText(Comparator):
    """The text of a sitemap, compared as parsed XML: the same ``<loc>`` URLs, in order."""

    describe: ClassVar[str] = "a text (the XML of a sitemap)"

    def accepts(self, got: object) -> bool:
        return isinstance(got, (str, bytes))

    def _same(self, expected: object, got: object) -> bool:
        wanted = _locations(expected)
        return wanted is not None and _locations(got) == wanted

    def _format(self, value: object) -> str:
        try:
            locations = _locations(value)
        except ElementTree.ParseError as error:
            return f"text that is not well-formed XML ({error})"
        if locations is None:
            return "XML that is not a <urlset> of <url><loc> in the sitemap namespace"
        return "a sitemap of " + ", ".join(locations)


_THREE_URLS = (["https://qa.example/", "https://qa.example/questions/17.html",
                "https://qa.example/search?a=1&b=2"],)  # fmt: skip

SITEMAP_XML = Task(
    name="sitemap_xml",
    parameters=("urls",),
    summary="The text of a sitemap.xml listing the URLs in order, by the sitemaps.org protocol.",
    compare=_SitemapText(),
    cases=(
        Case.from_reference(_sitemap_xml, *_THREE_URLS, label="three URLs, one with ?a=1&b=2"),
        Case.from_reference(
            _sitemap_xml,
            ["https://qa.example/tags/c++?sort=new&page=2"],
            label="one URL with & and +",
            hidden=True,
        ),
        Case.from_reference(
            _sitemap_xml,
            ["https://qa.example/", "https://qa.example/search?q=x&sort=new&p=3"],
            label="a URL with two &",
            hidden=True,
        ),
        Case.from_reference(
            _sitemap_xml,
            [f"https://qa.example/questions/{n}.html" for n in range(5, 0, -1)],
            label="five questions, newest first (keep the order)",
            hidden=True,
        ),
    ),  # fmt: skip
    mistakes=(
        Mistake(
            "a bare & (or <) inside <loc> is not well-formed XML: escape it as &amp; "
            "(xml.sax.saxutils.escape does it).",
            lambda urls: _sitemap_xml(urls, escaped=False),
            compare=_Broken("xml"),
        ),
        Mistake(
            f'the root must be <urlset xmlns="{_NAMESPACE}">: without the namespace, '
            "crawlers do not read it as a sitemap.",
            lambda urls: _sitemap_xml(urls, namespace=""),
            compare=_Broken("namespace"),
        ),
    ),
)

# --------------------------------------------------------------------------- the checks

TASKS = {
    task.name: task
    for task in (
        CLICK_DEPTH, PAGES_WITHIN, ORPHAN_PAGES, SITEMAP_FILES, DAYS_TO_COVERAGE, SITEMAP_XML
    )
}  # fmt: skip
EXAMPLES = {name: task.examples for name, task in TASKS.items()}


def ready(function: object) -> bool:
    """Whether your function passes its task's check (e.g. ``check.ready("click_depth")``).

    See :func:`infralab.checks.tasks.ready_for`.
    """
    return ready_for(TASKS, function)


@with_check_sections
def click_depth(function: object = None) -> None:
    """Check ``click_depth(links, page)``.

    ``links`` maps each page's path to the paths it links to; the home page is
    ``"/"``. The answer is the fewest clicks from ``"/"`` to ``page``, or None
    when no path reaches it. Five cases, four hidden, including a page a
    depth-first search reaches the long way and a site of one page.
    Recognises: counting pages rather than clicks, -1, ``math.inf`` or NaN
    for an orphan, a depth-first search.
    """
    CLICK_DEPTH.check(function)


@with_check_sections
def pages_within(function: object = None) -> None:
    """Check ``pages_within(links, k)``.

    The answer is how many pages are at most ``k`` clicks from ``"/"``, the
    home page included. Six cases, five hidden, one a depth-first search gets
    wrong and one with a page that is only a link target. Recognises: a
    depth-first search, counting only the keys of ``links``, ``< k`` instead of
    ``<= k``, leaving out the home page, counting every page of the site.
    """
    PAGES_WITHIN.check(function)


@with_check_sections
def orphan_pages(function: object = None) -> None:
    """Check ``orphan_pages(links)``.

    The site's pages are the keys of ``links`` and every page they link to.
    The answer is those no path from ``"/"`` reaches, in any order (a list or
    a set; paths are case-sensitive, and a list names each page once). Five
    cases, four hidden, one with two old pages linking only to each other and
    one with a page that is only a link target. Recognises: listing only the
    pages nothing links to, listing the reachable pages, looking only at the
    keys of ``links``.
    """
    ORPHAN_PAGES.check(function)


@with_check_sections
def sitemap_files(function: object = None) -> None:
    """Check ``sitemap_files(n_urls, bytes_per_url)``.

    The answer is ``max(ceil(n_urls / 50,000), ceil(n_urls * bytes_per_url /
    52,428,800))``, at least 1 (ignore the few bytes of the file's own
    header). Six cases, five hidden, one of 50,001 URLs. Recognises: the URL
    limit alone, rounding down, 50 MB taken as 50,000,000 bytes, a limit of
    50,001 URLs.

    Examples
    --------
    >>> import math
    >>> sitemap_files(lambda n, b: max(1, math.ceil(n / 50_000), math.ceil(n * b / 52_428_800)))
    Correct (sitemap_files): right on all 6 test cases (5 of them hidden).
    """
    SITEMAP_FILES.check(function)


@with_check_sections
def days_to_coverage(function: object = None) -> None:
    """Check ``days_to_coverage(reachable_pages, total_pages, daily_budget, target)``.

    A breadth-first crawler fetches ``daily_budget`` pages a day until it has
    fetched every reachable page. The answer is the fewest whole days after
    which it has fetched at least ``target`` (a fraction) of ``total_pages``,
    or ``math.inf`` when the reachable pages are too few. Five cases, four
    hidden. Recognises: no cap by the reachable pages, a fraction of a day,
    rounding down, None for "never", one day too many, ``floor + 1``.
    """
    DAYS_TO_COVERAGE.check(function)


@with_check_sections
def sitemap_xml(function: object = None) -> None:
    """Check ``sitemap_xml(urls)``.

    ``urls`` is a list of absolute URLs. The answer is the text of a
    ``sitemap.xml`` listing them in order: ``<urlset>`` in the namespace
    ``http://www.sitemaps.org/schemas/sitemap/0.9``, one
    ``<url><loc>...</loc></url>`` per URL, ``&``, ``<`` and ``>`` escaped. It is
    compared as parsed XML, so spacing and the ``<?xml ...?>`` line are up to
    you. Four cases, three hidden. Recognises: an unescaped ``&``, a missing
    namespace.
    """
    SITEMAP_XML.check(function)
