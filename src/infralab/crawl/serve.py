"""A real crawl, small and offline: a static site served and crawled over loopback HTTP.

:func:`write_static_site` writes a :class:`~infralab.crawl.site.Site` as HTML
files (one per page, its links as ``<a href>``), a ``robots.txt`` that keeps
crawlers out of ``/private/``, and, given the server's address, a
``sitemap.xml`` named in ``robots.txt``. :func:`serve_folder` serves a folder
with the standard library's ``http.server`` on ``127.0.0.1`` (a free port) in
a background thread, as a context manager that always shuts the server down.
:func:`crawl_http` crawls it breadth first with ``urllib.request``,
``html.parser`` and ``urllib.robotparser``, honouring ``robots.txt``.

Nothing leaves the machine: the server listens on loopback only, and the
crawler refuses any address that is not on the server's host, redirects
included.
"""

from __future__ import annotations

import collections
import functools
import html
import http.server
import socketserver
import sys
import threading
import urllib.error
import urllib.request
import urllib.robotparser
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from infralab.validation import check_count, check_flag, check_integer, check_text

from .site import PAGE_KINDS, Site
from .sitemap import NAMESPACE, write_sitemaps

__all__ = ["HttpCrawl", "LocalServer", "crawl_http", "serve_folder", "write_static_site"]

#: What robots.txt keeps crawlers out of.
DISALLOWED = "/private/"
#: The crawler's name, sent as its User-Agent.
USER_AGENT = "infralab-crawler"
#: How often (seconds) the interpreter switches threads while a server runs (default 0.005):
#: the crawler and the server are two threads of one process and hand over at every request.
_SWITCH_INTERVAL = 0.0001


def _page_path(url: str) -> str:
    return "index.html" if url == "/" else url.lstrip("/")


def write_static_site(site: Site, folder: str | Path, *, base_url: str | None = None) -> int:
    """Write ``site`` as static HTML files in ``folder``; return how many files were written.

    Every page links to the pages :attr:`Site.links` says, plus the home page
    (a site header, which changes no click depth). The home page also links to
    ``/private/admin.html`` (kept out by ``robots.txt``) and to a deleted
    question (a broken link: 404). With ``base_url`` (the server's address), a
    ``sitemap.xml`` listing every page of the site is written too, and named
    in ``robots.txt``.

    Parameters
    ----------
    site : Site
        The site to write (:func:`~infralab.crawl.site.build_site`).
    folder : str or Path
        An existing, empty folder (a temporary one: never the course's own).
    base_url : str, optional
        The address the folder is served at, for the sitemap.

    Returns
    -------
    int
        Files written.

    Examples
    --------
    >>> import tempfile
    >>> from infralab.crawl import build_site
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_static_site(build_site(40, "latest", per_page=10, seed=1), folder)
    47
    """
    if not isinstance(site, Site):
        raise TypeError(f"site must be a Site (from build_site), got {type(site).__name__}")
    if not isinstance(folder, (str, Path)):
        raise TypeError(f"folder must be a folder's path, got {type(folder).__name__}")
    folder = Path(folder)
    if not folder.is_dir() or any(folder.iterdir()):
        raise ValueError(f"folder must be an existing, empty folder, got {str(folder)!r}")
    if base_url is not None:
        check_text("base_url", base_url)
    links = site.links
    written = 0
    folders: set[Path] = set()  # made already: one mkdir per folder, not per file
    for page, url in enumerate(site.urls.tolist()):
        targets = site.urls[links.indices[links.indptr[page] : links.indptr[page + 1]]]
        extra = ""
        if page == 0:
            extra = ('<a href="/private/admin.html">admin</a> '
                     '<a href="/questions/0.html">a deleted question</a>')  # fmt: skip
        kind = PAGE_KINDS[int(site.kind[page])]
        items = "".join(f'<li><a href="{html.escape(t)}">{html.escape(t)}</a></li>'
                        for t in targets.tolist())  # fmt: skip
        body = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{kind}: "
                f"{html.escape(url)}</title></head><body><header><a href=\"/\">Home</a> "
                f"<a href=\"#main\">skip</a></header><main id=main><h1>{kind}</h1>{extra}"
                f"<ul>{items}</ul></main></body></html>\n")  # fmt: skip
        path = folder / _page_path(url)
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_text(body, encoding="utf-8")
        written += 1
    (folder / "private").mkdir(exist_ok=True)
    (folder / "private" / "admin.html").write_text("<!doctype html><p>private</p>\n")
    robots = f"User-agent: *\nDisallow: {DISALLOWED}\n"
    written += 2
    if base_url is not None:
        files = write_sitemaps(site.urls.tolist(), folder, base_url=base_url)
        robots += f"Sitemap: {base_url.rstrip('/')}/{files.entry_point.name}\n"
        written += len(files.sitemaps) + (files.index is not None)
    (folder / "robots.txt").write_text(robots, encoding="utf-8")
    return written


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files; logs each path requested in the server's ``requests``, not to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # noqa: D102
        self.server.requests[urlsplit(self.path).path] += 1
        return super().send_head()


class _Server(http.server.HTTPServer):
    def server_bind(self) -> None:  # no reverse DNS look-up of the address
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class LocalServer:
    """A folder served on ``127.0.0.1`` in a background thread, while the ``with`` block runs.

    Attributes
    ----------
    folder : Path
        The folder served.
    requests : collections.Counter
        How many times each path was requested.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.requests: collections.Counter[str] = collections.Counter()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._interval = sys.getswitchinterval()

    @property
    def base_url(self) -> str:
        """The server's address, e.g. ``http://127.0.0.1:40123``."""
        if self._server is None:
            raise RuntimeError("the server is not running: use it in a `with` block")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalServer:
        handler = functools.partial(_QuietHandler, directory=str(self.folder))
        server = _Server(("127.0.0.1", 0), handler)
        server.requests = self.requests
        self._server = server
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(_SWITCH_INTERVAL)
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        server, self._server = self._server, None
        try:
            if server is not None:
                server.shutdown()
                server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
        finally:
            sys.setswitchinterval(self._interval)

    @property
    def running(self) -> bool:
        """True while the server thread is alive."""
        return self._thread is not None and self._thread.is_alive()


def serve_folder(folder: str | Path) -> LocalServer:
    """Serve ``folder`` over HTTP on ``127.0.0.1`` (a free port) inside a ``with`` block.

    The server starts when the block begins and is shut down when it ends,
    also when the block raises.

    Examples
    --------
    >>> import tempfile, urllib.request
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "index.html").write_text("<p>hello</p>")
    ...     with serve_folder(folder) as server:
    ...         opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    ...         text = opener.open(server.base_url + "/", timeout=5).read()
    >>> text, server.running
    (b'<p>hello</p>', False)
    """
    if not isinstance(folder, (str, Path)):
        raise TypeError(f"folder must be a folder's path, got {type(folder).__name__}")
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder, got {str(folder)!r}")
    return LocalServer(folder)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


@dataclass(frozen=True)
class HttpCrawl:
    """What a real crawl fetched.

    Attributes
    ----------
    fetched : tuple of str
        Paths fetched with status 200, in order.
    depths : tuple of int
        Each fetched path's click depth as the crawler found it (-1: found only
        in the sitemap).
    broken : tuple of str
        Paths that answered with an error (404...) or redirected off the host; each
        cost one fetch.
    blocked : tuple of str
        Paths linked but not fetched because robots.txt disallows them.
    requests : int
        HTTP requests made, robots.txt and sitemaps included.
    """

    fetched: tuple[str, ...]
    depths: tuple[int, ...]
    broken: tuple[str, ...]
    blocked: tuple[str, ...]
    requests: int


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the crawled host; any other answers as the 3xx itself."""

    def __init__(self, host: str) -> None:
        self.host = host

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        if urlsplit(newurl).netloc != self.host:
            return None  # urllib then raises the 3xx as an HTTPError: not followed
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(host: str) -> urllib.request.OpenerDirector:
    """No proxy, and redirects only within ``host``."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _SameHostRedirects(host))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener


def _read_robots(opener, base_url: str) -> urllib.robotparser.RobotFileParser:
    """robots.txt as Google reads it: a 4xx means no rules, a 5xx (or no answer) keep out."""
    robots = urllib.robotparser.RobotFileParser(base_url + "/robots.txt")
    status, _, text = _get(opener, base_url + "/robots.txt")
    if status == 200:
        robots.parse(text.decode("utf-8", "replace").splitlines())
    elif 400 <= status < 500:
        robots.allow_all = True
    else:  # the server is failing: crawl nothing for now
        robots.disallow_all = True
    return robots


def _get(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str, bytes]:
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, "", b""


def _sitemap_urls(opener, url: str, host: str) -> tuple[list[str], int]:
    """Every <loc> of a sitemap (following an index one level); requests made."""
    import xml.etree.ElementTree as ElementTree

    status, _, data = _get(opener, url)
    if status != 200:
        return [], 1
    root = ElementTree.fromstring(data)
    locs = [(e.text or "").strip() for e in root.iter(f"{{{NAMESPACE}}}loc")]
    if root.tag == f"{{{NAMESPACE}}}sitemapindex":
        found, requests = [], 1
        for loc in locs:
            if urlsplit(loc).netloc == host:
                more, made = _sitemap_urls(opener, loc, host)
                found += more
                requests += made
        return found, requests
    return [loc for loc in locs if urlsplit(loc).netloc == host], 1


def crawl_http(
    base_url: str,
    *,
    max_pages: int = 10_000,
    max_depth: int | None = None,
    use_sitemaps: bool = False,
) -> HttpCrawl:
    """Crawl a site on this machine breadth first from its home page, honouring robots.txt.

    The crawler reads ``/robots.txt`` (``urllib.robotparser``; as Google does,
    a 4xx answer means no rules and a 5xx means keep out of the whole site for
    now), then fetches pages in breadth-first order (``urllib.request``, no
    proxy, redirects followed only within the host), finds their links
    (``html.parser``), drops the ``#fragment`` and every link to another host,
    and skips what robots.txt disallows. With ``use_sitemaps``, once no
    link is left to follow, it fetches the pages listed in the sitemaps that
    robots.txt names and that it has not seen. Every page fetch, broken ones
    included, counts against ``max_pages``.

    Parameters
    ----------
    base_url : str
        ``http://127.0.0.1:<port>`` or ``http://localhost:<port>``: loopback only.
    max_pages : int
        Most pages fetched (1 to 1,000,000).
    max_depth : int or None
        Deepest click depth followed; None for any.
    use_sitemaps : bool
        Also fetch the pages the sitemaps list.

    Returns
    -------
    HttpCrawl
    """
    base_url = check_text("base_url", base_url).rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"base_url must be an http address on this machine, got {base_url!r}")
    max_pages = check_count("max_pages", max_pages, high=1_000_000)
    if max_depth is not None:
        max_depth = check_integer("max_depth", max_depth, low=0)
    use_sitemaps = check_flag("use_sitemaps", use_sitemaps)
    host = parts.netloc
    opener = _opener(host)
    robots = _read_robots(opener, base_url)
    requests = 1
    queue: deque[tuple[str, int]] = deque([(base_url + "/", 0)])
    seen = {base_url + "/"}
    fetched, depths, broken, blocked = [], [], [], []
    sitemaps_read = not use_sitemaps
    while len(fetched) + len(broken) < max_pages:
        if not queue:
            if sitemaps_read:
                break
            sitemaps_read = True
            for sitemap in robots.site_maps() or []:
                if urlsplit(sitemap).netloc == host:
                    urls, made = _sitemap_urls(opener, sitemap, host)
                    requests += made
                    fresh = [u for u in dict.fromkeys(urls) if u not in seen]
                    seen.update(fresh)
                    queue.extend((u, -1) for u in fresh)
            continue
        url, depth = queue.popleft()
        path = urlsplit(url).path or "/"
        if not robots.can_fetch(USER_AGENT, url):
            blocked.append(path)
            continue
        status, content_type, body = _get(opener, url)
        requests += 1
        if status != 200:
            broken.append(path)
            continue
        fetched.append(path)
        depths.append(depth)
        if content_type != "text/html" or (max_depth is not None and 0 <= max_depth <= depth):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        for href in parser.hrefs:
            link = urldefrag(urljoin(url, href))[0]
            if urlsplit(link).netloc == host and link not in seen:
                seen.add(link)
                queue.append((link, depth + 1 if depth >= 0 else -1))
    return HttpCrawl(tuple(fetched), tuple(depths), tuple(broken), tuple(blocked), requests)
