"""The sitemap writer against the sitemaps.org protocol and its limits."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from infralab.crawl import (
    INDEX_MAX_SITEMAPS,
    NAMESPACE,
    SITEMAP_MAX_BYTES,
    SITEMAP_MAX_URLS,
    check_sitemap,
    sitemap_files_needed,
    write_sitemaps,
)

BASE = "http://127.0.0.1:8000"


def test_the_protocol_limits():
    assert SITEMAP_MAX_URLS == 50_000
    assert SITEMAP_MAX_BYTES == 52_428_800  # "50MB (52,428,800 bytes)"
    assert INDEX_MAX_SITEMAPS == 50_000
    assert NAMESPACE == "http://www.sitemaps.org/schemas/sitemap/0.9"


@pytest.mark.parametrize(
    ("n_urls", "bytes_per_url", "files"),
    [(0, 80, 1), (1, 80, 1), (50_000, 80, 1), (50_001, 80, 2), (120_000, 90, 3),
     (40_000, 1_500, 2), (1_000_000, 100, 20), (30_000, 2_000, 2)],
)  # fmt: skip
def test_files_needed_by_hand(n_urls, bytes_per_url, files):
    assert sitemap_files_needed(n_urls, bytes_per_url) == files


def test_one_file_when_within_the_limits(tmp_path):
    paths = ["/", "/a b.html", "/q?x=1&y=<2>"]
    files = write_sitemaps(paths, tmp_path, base_url=BASE + "/")
    assert files.index is None and [p.name for p in files.sitemaps] == ["sitemap.xml"]
    report = check_sitemap(files.entry_point)
    assert report.ok, report.problems
    # a space and < > are percent-encoded, & entity-escaped and read back as written
    assert report.locations == (BASE + "/", BASE + "/a%20b.html", BASE + "/q?x=1&y=%3C2%3E")
    assert b"&amp;" in files.sitemaps[0].read_bytes()
    root = ElementTree.parse(files.sitemaps[0]).getroot()
    assert root.tag == f"{{{NAMESPACE}}}urlset" and len(root) == 3
    assert files.sizes[0] == files.sitemaps[0].stat().st_size


def test_over_the_url_limit_a_second_file_and_an_index(tmp_path):
    paths = [f"/questions/{n}.html" for n in range(SITEMAP_MAX_URLS + 1)]
    files = write_sitemaps(paths, tmp_path, base_url=BASE)
    assert files.url_counts == (50_000, 1)
    assert [p.name for p in files.sitemaps] == ["sitemap-1.xml", "sitemap-2.xml"]
    index = check_sitemap(files.index)
    assert index.ok and index.kind == "sitemapindex"
    assert index.locations == (BASE + "/sitemap-1.xml", BASE + "/sitemap-2.xml")
    listed = [loc for p in files.sitemaps for loc in check_sitemap(p).locations]
    assert listed == [BASE + path for path in paths]  # every URL once, in order
    assert all(check_sitemap(p).ok for p in files.sitemaps)


def test_the_byte_limit_splits_too(tmp_path):
    paths = [f"/{'x' * 200}/{n}" for n in range(100)]
    files = write_sitemaps(paths, tmp_path, base_url=BASE, max_bytes=5_000)
    assert len(files.sitemaps) > 1 and max(files.sizes) <= 5_000
    assert sum(files.url_counts) == 100
    assert all(p.stat().st_size <= 5_000 for p in files.sitemaps)


def test_the_checker_finds_what_breaks_the_protocol(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<urlset><url><loc>x</loc></url>")
    assert "not well-formed" in check_sitemap(broken).problems[0]
    wrong = tmp_path / "wrong.xml"
    wrong.write_text(
        f'<urlset xmlns="{NAMESPACE}"><url><loc>/relative.html</loc></url>'
        f"<url><loc>http://a.example/</loc></url><url><loc>http://b.example/</loc></url>"
        "<page/></urlset>"
    )
    problems = " | ".join(check_sitemap(wrong).problems)
    assert "not an absolute" in problems and "hosts" in problems and "entry 4" in problems
    other = tmp_path / "other.xml"
    other.write_text('<urlset xmlns="http://example.com/other"></urlset>')
    assert "namespace" in check_sitemap(other).problems[0]
    big = tmp_path / "big.xml"
    entries = "".join(f"<url><loc>{BASE}/{n}</loc></url>" for n in range(SITEMAP_MAX_URLS + 1))
    big.write_text(f'<urlset xmlns="{NAMESPACE}">{entries}</urlset>')
    assert "over the limit of 50,000" in check_sitemap(big).problems[0]


def test_a_url_too_long_for_one_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="too long"):
        write_sitemaps(["/" + "x" * 2_000], tmp_path, base_url=BASE, max_bytes=1_024)


_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("<url><loc>https://a.example/</loc><lastmod>yesterday</lastmod></url>", "W3C date"),
        ("<url><loc>https://a.example/</loc><lastmod>2026-13-01</lastmod></url>", "W3C date"),
        ("<url><loc>https://a.example/</loc><priority>7</priority></url>", "0.0 to 1.0"),
        ("<url><loc>https://a.example/</loc><changefreq>sometimes</changefreq></url>",
         "is not one of"),
        ("<url><loc>https://a.example/</loc></url><url><loc>http://a.example/b</loc></url>",
         "schemes or hosts"),
        ("<url><loc>https://a.example/a b</loc></url>", "percent-encode"),
        ("<url><loc>https://a.example/café</loc></url>", "percent-encode"),
    ],
)  # fmt: skip
def test_the_checker_flags_bad_optional_fields_urls_and_hosts(tmp_path, body, fragment):
    path = tmp_path / "sitemap.xml"
    path.write_text(_HEAD + body + "</urlset>\n", encoding="utf-8")
    report = check_sitemap(path)
    assert not report.ok and any(fragment in problem for problem in report.problems), report


def test_the_checker_flags_another_encoding_and_an_index_pointing_elsewhere(tmp_path):
    latin = tmp_path / "latin.xml"
    latin.write_bytes((_HEAD.replace("UTF-8", "ISO-8859-1") + "<url><loc>https://a.example/"
                       "</loc></url></urlset>\n").encode("latin-1"))  # fmt: skip
    assert any("not UTF-8" in p for p in check_sitemap(latin).problems)
    index = tmp_path / "index.xml"
    index.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                     '"http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
                     "https://other.example/s.xml</loc></sitemap></sitemapindex>\n")  # fmt: skip
    assert check_sitemap(index).ok  # on its own, one host is consistent
    report = check_sitemap(index, base_url="https://a.example")
    assert report.problems == (
        "entry 1: 'https://other.example/s.xml' is not on https://a.example",
    )


def test_valid_optional_fields_pass(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_text(_HEAD + "<url><loc>https://a.example/</loc><lastmod>2026-11-29T21:40:00+00:00"
                    "</lastmod><changefreq>daily</changefreq><priority>0.5</priority></url>"
                    "</urlset>\n", encoding="utf-8")  # fmt: skip
    assert check_sitemap(path, base_url="https://a.example/").ok


def test_the_writer_percent_encodes_escapes_and_writes_lastmod(tmp_path):
    files = write_sitemaps(["/café", "/q?a=1&b=2"], tmp_path, base_url="https://a.example",
                           lastmod=["2026-11-28", "2026-11-29"])  # fmt: skip
    text = files.entry_point.read_text(encoding="utf-8")
    assert "<loc>https://a.example/caf%C3%A9</loc><lastmod>2026-11-28</lastmod>" in text
    assert "<loc>https://a.example/q?a=1&amp;b=2</loc><lastmod>2026-11-29</lastmod>" in text
    assert check_sitemap(files.entry_point, base_url="https://a.example").ok
    with pytest.raises(ValueError, match="lastmod"):
        write_sitemaps(["/"], tmp_path, base_url="https://a.example", lastmod="yesterday")
    with pytest.raises(ValueError, match="lastmod"):
        write_sitemaps(["/", "/a"], tmp_path, base_url="https://a.example", lastmod=["2026-11-29"])
