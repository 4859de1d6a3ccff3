"""The take-away report: one self-contained page, never written over unasked, opened in Chromium.

The browser test opens a report in headless Chromium (the system's ``chromium``,
driven by Python playwright, as tests/test_handouts_browser.py does), in an offline
context that refuses every request that is not a ``file://`` URL, laid out for print
at the width of an A4 page: no request leaves the file, every figure loads, nothing is
wider than the paper and the console stays quiet.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from infralab import capstone  # noqa: E402
from tests.test_handouts_browser import (  # noqa: E402
    BROWSER_ARGUMENTS,
    browser_problem,
    chromium_executable,
    give_up,
    offline_context,
)


def sections():
    card = {question.id: 2 for question in capstone.QUESTIONS}
    scores = capstone.score_scorecard(card)
    profile = capstone.plot_profile(scores).figure
    pointers = capstone.weak_area_pointers(scores)[
        ["step", "statement", "lesson", "section", "link"]]
    dates = pd.DataFrame({"resource": ["cpu_peak"], "start_by": [pd.Timestamp("2020-07-02")]})
    figure, axes = plt.subplots(3, 1, figsize=(8, 8.1), sharex=True)  # as the notebook's
    for ax, name in zip(axes, ["cpu_peak", "storage", "connections"], strict=True):
        ax.plot([0, 1], [0, 1])
        ax.set_title(f"{name}: start by 02 Jul 2020")
    figure.suptitle("cpu_peak's fix must start first: by 02 Jul 2020")
    return [
        ("Scorecard", ["Ten statements <b>from</b> the guide.", scores, profile]),
        ("Where to look next", [pointers]),
        ("Doomsday and start-by dates", [dates, figure]),
    ]


def test_the_page_holds_everything_and_needs_nothing_else(tmp_path):
    path = capstone.write_report(tmp_path, "Capstone: <our team>", sections())
    plt.close("all")
    page = path.read_text(encoding="utf-8")
    assert path.name == "capstone_report.html"
    assert "<title>Capstone: &lt;our team&gt;</title>" in page
    assert "Ten statements &lt;b&gt;from&lt;/b&gt; the guide." in page  # text is escaped
    assert "@page { size: A4" in page and "<script" not in page
    sources = re.findall(r'src="([^"]*)"', page)
    assert sources and all(source.startswith("data:image/png;base64,") for source in sources)
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', page)  # the pointers keep their links
    # all 2s: only "100x problems" (two signs) is weak, and both its statements point to 04 §3
    assert len(links) == 2 and links[0][0].startswith("../notebooks/04_100x_problems.ipynb#3-")
    assert links[0][1] == "3 · People: who works on the 100x problem, and when"
    assert "<th>link</th>" not in page
    assert re.search(r'alt="Weakest area: [^"]+"', page)
    assert "Server-side tracking" in page and "2020-07-02" in page


def test_an_earlier_report_is_never_written_over_unasked(tmp_path):
    first = capstone.write_report(tmp_path, "First", [("A", ["one"])])
    second = capstone.write_report(tmp_path, "Second", [("A", ["two"])])
    third = capstone.write_report(tmp_path, "Third", [("A", ["three"])])
    assert [p.name for p in (first, second, third)] == [
        "capstone_report.html", "capstone_report-2.html", "capstone_report-3.html"]
    assert "one" in first.read_text(encoding="utf-8")
    replaced = capstone.write_report(tmp_path, "Fourth", [("A", ["four"])], overwrite=True)
    assert replaced == first and "four" in first.read_text(encoding="utf-8")
    assert "two" in second.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "capstone_report-2.html", "capstone_report-3.html", "capstone_report.html"]


def test_a_deleted_number_is_not_reused(tmp_path):
    for text in ("one", "two", "three"):
        capstone.write_report(tmp_path, text, [("A", [text])])
    (tmp_path / "capstone_report-2.html").unlink()
    assert capstone.write_report(tmp_path, "four", [("A", ["four"])]).name == (
        "capstone_report-4.html")
    (tmp_path / "capstone_report.html").unlink()
    assert capstone.write_report(tmp_path, "five", [("A", ["five"])]).name == (
        "capstone_report-5.html")


def test_the_folder_is_made_when_missing(tmp_path):
    path = capstone.write_report(tmp_path / "my-work", "T", [], file_name="mine.html")
    assert path == tmp_path / "my-work" / "mine.html" and path.is_file()


@pytest.mark.parametrize(
    ("option", "value"),
    [("title", ""), ("file_name", "report.txt"), ("file_name", "../x.html"), ("overwrite", 1),
     ("sections", [("A", [3])]), ("sections", "text")],
)
def test_bad_arguments_are_refused_by_name(tmp_path, option, value):
    arguments = {"folder": tmp_path, "title": "T", "sections": [], option: value}
    with pytest.raises((TypeError, ValueError), match=option):
        capstone.write_report(**arguments)
    assert list(tmp_path.iterdir()) == []


_MEASURE = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("table, img, figure, section")]
    .filter((e) => e.getBoundingClientRect().right > width + 1).map((e) => e.tagName);
  const images = [...document.images].map((i) => [i.complete && i.naturalWidth > 0, i.alt,
    i.getBoundingClientRect().width / i.naturalWidth]);
  const headings = [...document.querySelectorAll("h2")].map((h) => h.textContent);
  return {pageWidth: document.documentElement.scrollWidth, width, wide, images,
          title: document.title, headings};
}
"""


@pytest.mark.browser
def test_the_report_opens_offline_in_chromium_with_no_request_and_fits_a4(tmp_path):
    problem = browser_problem()
    if problem is not None:
        give_up(problem)
    from playwright.sync_api import sync_playwright

    path = capstone.write_report(tmp_path, "Capstone: our team", sections())
    plt.close("all")
    requests, refused, console = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=BROWSER_ARGUMENTS
        )
        try:
            context = offline_context(browser, refused)
            tab = context.new_page()
            tab.on("request", lambda request: requests.append(request.url))
            tab.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            tab.on("pageerror", lambda error: console.append(f"error: {error}"))
            tab.emulate_media(media="print")
            tab.goto(path.as_uri(), wait_until="load")
            found = tab.evaluate(_MEASURE)
            pdf = tab.pdf(format="A4")
        finally:
            browser.close()
    external = [url for url in requests if not url.startswith(("file://", "data:"))]
    assert external == [] and refused == []
    assert console == []
    assert found["title"] == "Capstone: our team"
    assert found["headings"] == ["Scorecard", "Where to look next", "Doomsday and start-by dates"]
    assert len(found["images"]) == 2
    alts = [alt for _, alt, _ in found["images"]]
    assert alts[0].startswith("Weakest area:") and alts[1].startswith("cpu_peak's fix")
    assert all(loaded for loaded, _, _ in found["images"])
    # the dates figure prints at 80% of its size or more (its tick labels stay readable)
    assert found["images"][1][2] >= 0.8
    assert found["pageWidth"] <= found["width"] and found["wide"] == []
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 4, pages  # printed on a few A4 sheets
