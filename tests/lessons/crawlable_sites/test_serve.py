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


class _Answers(__import__("http.server").server.BaseHTTPRequestHandler):
    """robots.txt answers ``robots_status``; / links to /a, which redirects elsewhere."""

    robots_status = 200

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        if self.path == "/robots.txt":
            self.send_response(self.robots_status)
            self.end_headers()
            self.wfile.write(b"User-agent: *\nAllow: /\n")
        elif self.path == "/":
            self._html(b'<a href="/a">a</a> <a href="/b">b</a>')
        elif self.path == "/a":  # a redirect to another host: never followed
            self.send_response(302)
            self.send_header("Location", "http://192.0.2.1/elsewhere")
            self.end_headers()
        elif self.path == "/b":  # a redirect within the host: followed
            self.send_response(301)
            self.send_header("Location", "/c")
            self.end_headers()
        else:
            self._html(b"<p>c</p>")

    def _html(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)


def _serve(robots_status):
    import http.server

    handler = type("Handler", (_Answers,), {"robots_status": robots_status})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    return server, thread


@pytest.mark.parametrize(
    ("robots_status", "fetched"), [(200, ("/", "/b")), (404, ("/", "/b")), (503, ())]
)
def test_redirects_stay_on_the_host_and_a_failing_robots_txt_keeps_out(robots_status, fetched):
    server, thread = _serve(robots_status)
    try:
        crawl = crawl_http(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert crawl.fetched == fetched  # /b is fetched by following its redirect to /c
    if fetched:
        assert crawl.broken == ("/a",)  # the off-host redirect is not followed
    else:  # robots.txt answered 503: Google keeps out of the whole site for now
        assert crawl.blocked == ("/",) and crawl.requests == 1


def test_the_exercise_site_links_reach_23_pages_and_a_sitemap_all_63(tmp_path):
    # exercises, task 6: "links alone reach the home page, the two listing pages and the 20
    # questions on them; your sitemap hands the crawler the other 40"
    site = build_site(60, "latest", n_categories=3, per_page=10, max_listing_pages=2, seed=606)
    depths = click_depths(site.links)
    assert site.n_pages == 63 and np.sum(depths >= 0) == 1 + 2 + 20
    with serve_folder(tmp_path) as server:
        write_static_site(site, tmp_path, base_url=server.base_url)
        assert len(crawl_http(server.base_url).fetched) == 23
        assert len(crawl_http(server.base_url, use_sitemaps=True).fetched) == 63
