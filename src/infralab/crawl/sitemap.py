"""XML sitemaps by the sitemaps.org protocol, split to stay within its limits.

A sitemap file is a ``<urlset>`` of ``<url><loc>...</loc></url>`` entries, UTF-8,
in the namespace :data:`NAMESPACE`. One file holds at most
:data:`SITEMAP_MAX_URLS` (50,000) URLs and :data:`SITEMAP_MAX_BYTES` (50 MB,
52,428,800 bytes) uncompressed; a bigger site splits its URLs over several
files and lists them in a *sitemap index* (a ``<sitemapindex>`` of
``<sitemap><loc>...</loc></sitemap>``), itself holding at most
:data:`INDEX_MAX_SITEMAPS` (50,000) sitemaps. These are the limits of the
protocol (sitemaps.org) and of Google Search Central's documentation.

Each ``<url>`` may also carry the optional ``<lastmod>`` (the date the page last
changed, in W3C date format: the one optional field Google says it uses, when it
is kept accurate), ``<changefreq>`` and ``<priority>`` (which Google ignores).
URLs must be entity-escaped (``&`` as ``&amp;``) and, outside ASCII, percent-encoded.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from infralab.validation import check_count, check_number, check_text

__all__ = [
    "INDEX_MAX_SITEMAPS",
    "NAMESPACE",
    "SITEMAP_MAX_BYTES",
    "SITEMAP_MAX_URLS",
    "SitemapFiles",
    "SitemapReport",
    "check_sitemap",
    "sitemap_files_needed",
    "write_sitemaps",
]

#: Most URLs in one sitemap file (sitemaps.org; Google Search Central).
SITEMAP_MAX_URLS = 50_000
#: Most bytes of one sitemap file, uncompressed: 50 MB = 52,428,800 bytes.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
#: Most sitemaps one sitemap index lists.
INDEX_MAX_SITEMAPS = 50_000
#: The protocol's XML namespace.
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"

_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_URLSET = (f'<urlset xmlns="{NAMESPACE}">\n', "</urlset>\n")
_INDEX = (f'<sitemapindex xmlns="{NAMESPACE}">\n', "</sitemapindex>\n")
_ENVELOPE_BYTES = len((_HEAD + _URLSET[0] + _URLSET[1]).encode())
#: An absolute http(s) URL: its scheme and host (with port), without ``urlsplit``'s cost.
_ABSOLUTE = re.compile(r"(https?://[^/?#\s]+)")
#: A W3C date or date-time, as <lastmod> takes (2026-11-29, 2026-11-29T21:40:00+00:00).
_W3C_DATE = re.compile(
    r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])"
    r"(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d))?)?)?"
)
#: Clean <loc> lines, one per line: absolute http(s), printable ASCII, at most 2,048 characters.
_CLEAN_LOCS = re.compile(
    r"(?:(?=[^\n]{1,2048}\n)https?://(?:(?![/?#])[\x21-\x7e])+(?:[/?#][\x21-\x7e]*)?\n)*"
)
#: The scheme and host of each clean <loc> line.
_HOSTS = re.compile(r"^(https?://[^/?#\s]+)", re.MULTILINE)
#: A character a <loc> must not hold as it is: whitespace or anything outside ASCII.
_UNENCODED = re.compile(r"[^\x21-\x7e]")
#: The values <changefreq> may take.
_CHANGEFREQ = ("always", "hourly", "daily", "weekly", "monthly", "yearly", "never")
#: Characters a URL keeps as they are; anything else (spaces, non-ASCII) is percent-encoded.
_URL_SAFE = "/:?#[]@!$&'()*+,;=%~-._"


#: A URL that percent-encoding and escaping would leave as it is (most of them: a fast path).
_PLAIN_URL = re.compile(r"[A-Za-z0-9/:?#\[\]@!$'()*+,;=%~._-]*")


def _entry(url: str, lastmod: str | None = None) -> str:
    loc = url if _PLAIN_URL.fullmatch(url) else escape(quote(url, safe=_URL_SAFE))
    extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<url><loc>{loc}</loc>{extra}</url>\n"


def _check_lastmod(lastmod: object, n_paths: int) -> list[str | None]:
    if lastmod is None:
        return [None] * n_paths
    if not isinstance(lastmod, (str, list, tuple)):
        raise TypeError(
            f"lastmod must be a date text or a list of them, got {type(lastmod).__name__}"
        )
    values = [lastmod] * n_paths if isinstance(lastmod, str) else list(lastmod)
    if len(values) != n_paths:
        raise ValueError(f"lastmod must be one date or one per path ({n_paths:,}), "
                         f"got {len(values):,}")  # fmt: skip
    for value in values:
        if not isinstance(value, str) or not _W3C_DATE.fullmatch(value):
            raise ValueError(f"lastmod must be W3C dates such as '2026-11-29', got {value!r}")
    return values


def sitemap_files_needed(
    n_urls: int, bytes_per_url: float, *, max_urls: int = SITEMAP_MAX_URLS,
    max_bytes: int = SITEMAP_MAX_BYTES,
) -> int:  # fmt: skip
    """How many sitemap files ``n_urls`` URLs need: the larger of the two limits' counts.

    ``max(ceil(n_urls / max_urls), ceil(n_urls * bytes_per_url / max_bytes))``,
    at least 1; more than one file also needs a sitemap index.

    Parameters
    ----------
    n_urls : int
        URLs to list (0 to 10,000,000,000).
    bytes_per_url : float
        Bytes one ``<url>`` entry takes in the file, > 0.
    max_urls, max_bytes : int
        The limits of one file (the protocol's by default).

    Returns
    -------
    int

    Examples
    --------
    >>> sitemap_files_needed(50_000, 100)     # exactly at the URL limit
    1
    >>> sitemap_files_needed(50_001, 100)
    2
    >>> sitemap_files_needed(40_000, 2_000)   # 80 MB of entries: the byte limit binds
    2
    """
    n_urls = check_count("n_urls", n_urls, low=0, high=10_000_000_000)
    bytes_per_url = check_number("bytes_per_url", bytes_per_url, low=0, low_inclusive=False,
                                 high=50_000)  # fmt: skip
    max_urls = check_count("max_urls", max_urls, high=SITEMAP_MAX_URLS)
    max_bytes = check_count("max_bytes", max_bytes, low=1_024, high=SITEMAP_MAX_BYTES)
    by_count = math.ceil(n_urls / max_urls)
    by_size = math.ceil(n_urls * bytes_per_url / (max_bytes - _ENVELOPE_BYTES))
    return max(1, by_count, by_size)


@dataclass(frozen=True)
class SitemapFiles:
    """The sitemap files written for a site.

    Attributes
    ----------
    sitemaps : tuple of Path
        The ``<urlset>`` files, in order.
    index : Path or None
        The sitemap index listing them; None when one file is enough.
    url_counts : tuple of int
        URLs in each sitemap file.
    sizes : tuple of int
        Bytes of each sitemap file.
    """

    sitemaps: tuple[Path, ...]
    index: Path | None
    url_counts: tuple[int, ...]
    sizes: tuple[int, ...]

    @property
    def entry_point(self) -> Path:
        """The file to name in robots.txt (``Sitemap:``): the index, or the one sitemap."""
        return self.index if self.index is not None else self.sitemaps[0]


def _absolute(name: str, url: object) -> str:
    url = check_text(name, url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an absolute http(s) URL, got {url!r}")
    return url


def write_sitemaps(
    paths: list[str],
    folder: str | Path,
    *,
    base_url: str,
    max_urls: int = SITEMAP_MAX_URLS,
    max_bytes: int = SITEMAP_MAX_BYTES,
    lastmod: str | list[str] | None = None,
) -> SitemapFiles:
    """Write the sitemap files (and an index if needed) for a site's pages.

    The URLs go into ``sitemap-1.xml``, ``sitemap-2.xml``... in order, a new
    file starting before either limit would be passed; with one file it is
    ``sitemap.xml`` and no index is written, otherwise ``sitemap_index.xml``
    lists them.

    Parameters
    ----------
    paths : list of str
        Page paths (``/questions/1.html``) or absolute URLs; at least one.
    folder : str or Path
        An existing folder, the site's root: the files are written there.
    base_url : str
        The site's address, e.g. ``http://127.0.0.1:8000``: each ``<loc>``
        is ``base_url`` joined with a path.
    max_urls, max_bytes : int
        The limits of one file (the protocol's by default; smaller to try a split).
    lastmod : str or list of str, optional
        The W3C date (``2026-11-29``) each page last changed, one for all or one
        per path: written as ``<lastmod>``. Only worth writing if it is true.

    Returns
    -------
    SitemapFiles

    Notes
    -----
    URLs are percent-encoded outside ASCII (``/café`` becomes ``/caf%C3%A9``) and
    entity-escaped (``&`` becomes ``&amp;``), as the protocol asks.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     files = write_sitemaps([f"/q/{i}.html" for i in range(5)], folder,
    ...                            base_url="http://127.0.0.1:8000", max_urls=2)
    ...     [p.name for p in files.sitemaps], files.index.name, files.url_counts
    (['sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml'], 'sitemap_index.xml', (2, 2, 1))
    """
    if isinstance(paths, (str, bytes)) or not hasattr(paths, "__iter__"):
        raise TypeError(f"paths must be a list of page paths, got {type(paths).__name__}")
    paths = list(paths)
    if not paths or not all(isinstance(path, str) and path.strip() for path in paths):
        raise ValueError("paths must be a non-empty list of page paths (texts)")
    if not isinstance(folder, (str, Path)):
        raise TypeError(f"folder must be a folder's path, got {type(folder).__name__}")
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder, got {str(folder)!r}")
    base = _absolute("base_url", base_url).rstrip("/")
    max_urls = check_count("max_urls", max_urls, high=SITEMAP_MAX_URLS)
    max_bytes = check_count("max_bytes", max_bytes, low=1_024, high=SITEMAP_MAX_BYTES)
    dates = _check_lastmod(lastmod, len(paths))

    entries = [_entry(path if "://" in path else base + "/" + path.lstrip("/"), date)
               for path, date in zip(paths, dates, strict=True)]  # fmt: skip
    chunks: list[list[str]] = [[]]
    size = _ENVELOPE_BYTES
    for entry in entries:  # one pass over the entries, to cut the files
        length = len(entry.encode())
        if _ENVELOPE_BYTES + length > max_bytes:
            raise ValueError(f"a URL is too long for a sitemap of {max_bytes:,} bytes: {entry!r}")
        if len(chunks[-1]) == max_urls or size + length > max_bytes:
            chunks.append([])
            size = _ENVELOPE_BYTES
        chunks[-1].append(entry)
        size += length
    if len(chunks) > INDEX_MAX_SITEMAPS:
        raise ValueError(f"{len(chunks):,} sitemaps are more than one index may list")
    names = ["sitemap.xml"] if len(chunks) == 1 else [
        f"sitemap-{k}.xml" for k in range(1, len(chunks) + 1)
    ]  # fmt: skip
    written, sizes = [], []
    for name, chunk in zip(names, chunks, strict=True):
        data = (_HEAD + _URLSET[0] + "".join(chunk) + _URLSET[1]).encode()
        (folder / name).write_bytes(data)
        written.append(folder / name)
        sizes.append(len(data))
    index = None
    if len(chunks) > 1:
        body = "".join(f"<sitemap><loc>{escape(quote(base + '/' + n, safe=_URL_SAFE))}</loc>"
                       "</sitemap>\n" for n in names)  # fmt: skip
        index = folder / "sitemap_index.xml"
        index.write_bytes((_HEAD + _INDEX[0] + body + _INDEX[1]).encode())
    return SitemapFiles(tuple(written), index, tuple(len(c) for c in chunks), tuple(sizes))


@dataclass(frozen=True)
class SitemapReport:
    """What :func:`check_sitemap` found in one file.

    Attributes
    ----------
    kind : str
        ``"urlset"`` (a sitemap) or ``"sitemapindex"`` (an index).
    locations : tuple of str
        Every ``<loc>``, in order.
    n_bytes : int
        The file's size.
    problems : tuple of str
        Every way the file breaks the protocol or its limits; empty when valid.
    """

    kind: str
    locations: tuple[str, ...]
    n_bytes: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the file has no problem."""
        return not self.problems


def check_sitemap(path: str | Path, *, base_url: str | None = None) -> SitemapReport:
    """Parse a sitemap or sitemap index and list how it breaks the protocol, if it does.

    Checks that the file is UTF-8 (any ``encoding=`` it declares says so),
    well-formed XML, its root is ``urlset`` or ``sitemapindex`` in the
    protocol's namespace, each entry has one absolute http(s) ``<loc>`` (at
    most 2,048 characters, no spaces, ASCII only: percent-encoded), all on one
    scheme and host (``base_url``'s, if given), the optional ``<lastmod>`` is a
    W3C date, ``<changefreq>`` one of the protocol's words and ``<priority>`` a
    number from 0.0 to 1.0, and the file is within :data:`SITEMAP_MAX_URLS`
    entries (:data:`INDEX_MAX_SITEMAPS` for an index) and
    :data:`SITEMAP_MAX_BYTES` bytes.

    Parameters
    ----------
    path : str or Path
        The sitemap or sitemap index file.
    base_url : str, optional
        The site's address (``https://qa.example``): every ``<loc>`` must be on it.

    Returns
    -------
    SitemapReport

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     files = write_sitemaps(["/", "/a.html"], folder, base_url="http://127.0.0.1:8000")
    ...     report = check_sitemap(files.entry_point)
    >>> report.kind, report.locations, report.ok
    ('urlset', ('http://127.0.0.1:8000/', 'http://127.0.0.1:8000/a.html'), True)
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file's path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing file, got {str(path)!r}")
    origin = None if base_url is None else _absolute("base_url", base_url).rstrip("/").lower()
    data = path.read_bytes()
    problems = []
    declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([^\"']+)", data)
    if declared and declared[1].decode("ascii", "replace").lower().replace("_", "-") not in (
        "utf-8",
        "utf8",
    ):
        problems.append(f"declared encoding {declared[1].decode('ascii', 'replace')}, not UTF-8")
    if len(data) > SITEMAP_MAX_BYTES:
        problems.append(f"{len(data):,} bytes, over the limit of {SITEMAP_MAX_BYTES:,}")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return SitemapReport("", (), len(data), (*problems, f"not well-formed XML: {error}"))
    tag = root.tag.rpartition("}")[2]
    if not root.tag.startswith("{" + NAMESPACE + "}"):
        problems.append(f"the root element is not in the namespace {NAMESPACE}")
    if tag not in ("urlset", "sitemapindex"):
        problems.append(f"the root element is <{tag}>, not <urlset> or <sitemapindex>")
    child = "url" if tag == "urlset" else "sitemap"
    entries = list(root)
    limit = SITEMAP_MAX_URLS if tag == "urlset" else INDEX_MAX_SITEMAPS
    if len(entries) > limit:
        problems.append(f"{len(entries):,} entries, over the limit of {limit:,}")
    locations, entry_problems = _read_entries(entries, child, origin, base_url)
    return SitemapReport(tag, tuple(locations), len(data), tuple((problems + entry_problems)[:20]))


def _read_entries(entries, child, origin, base_url):
    """Every entry's <loc>, and what is wrong with the entries; a fast path for clean files."""
    loc_tag, child_tag = f"{{{NAMESPACE}}}loc", f"{{{NAMESPACE}}}{child}"
    if all(len(entry) == 1 and entry.tag == child_tag and entry[0].tag == loc_tag
           for entry in entries):  # fmt: skip
        locations = [(entry[0].text or "").strip() for entry in entries]
        joined = "\n".join(locations) + "\n"
        if _CLEAN_LOCS.fullmatch(joined):
            hosts = {host.lower() for host in _HOSTS.findall(joined)}
            if len(hosts) <= 1 and (origin is None or hosts <= {origin}):
                return locations, []
    problems, locations, hosts = [], [], set()
    for number, entry in enumerate(entries, start=1):
        locs = entry.findall(loc_tag)
        if entry.tag != child_tag or len(locs) != 1:
            problems.append(f"entry {number} is not a <{child}> with one <loc>")
            continue
        loc = (locs[0].text or "").strip()
        absolute = _ABSOLUTE.match(loc)
        if absolute is None or len(loc) > 2_048:
            problems.append(f"entry {number}: {loc!r} is not an absolute http(s) URL")
        elif _UNENCODED.search(loc):
            problems.append(f"entry {number}: {loc!r} has spaces or non-ASCII characters; "
                            "percent-encode them")  # fmt: skip
        else:
            hosts.add(absolute[1].lower())
            if origin is not None and absolute[1].lower() != origin:
                problems.append(f"entry {number}: {loc!r} is not on {base_url}")
        if len(entry) > 1:
            problems += _optional_field_problems(entry, number)
        locations.append(loc)
    if len(hosts) > 1:
        found = ", ".join(sorted(hosts))
        problems.append(
            f"the URLs are on {len(hosts)} schemes or hosts ({found}); "
            "a sitemap lists one site's pages"
        )
    return locations, problems


def _optional_field_problems(entry: ElementTree.Element, number: int) -> list[str]:
    """What is wrong with an entry's <lastmod>, <changefreq> and <priority>, if present."""
    problems = []
    for field in entry:
        name = field.tag.rpartition("}")[2]
        value = (field.text or "").strip()
        if name == "lastmod" and not _W3C_DATE.fullmatch(value):
            problems.append(f"entry {number}: <lastmod>{value}</lastmod> is not a W3C date")
        elif name == "changefreq" and value not in _CHANGEFREQ:
            problems.append(f"entry {number}: <changefreq>{value}</changefreq> is not one of "
                            f"{', '.join(_CHANGEFREQ)}")  # fmt: skip
        elif name == "priority":
            try:
                number_ok = 0.0 <= float(value) <= 1.0
            except ValueError:
                number_ok = False
            if not number_ok:
                problems.append(f"entry {number}: <priority>{value}</priority> is not a number "
                                "from 0.0 to 1.0")  # fmt: skip
    return problems
