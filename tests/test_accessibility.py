"""Every handout page of both editions meets WCAG 2.1 A and AA, as axe-core checks it.

axe-core comes with the ``axe-playwright-python`` package (its wheel ships ``axe.min.js``,
so nothing is fetched) and runs in the same headless Chromium as the handout browser test
(``tests/test_handouts_browser.py``), offline. A page made to fail (grey prompts on white,
an image without alt text) shows the check sees what it must.

The figures' alt text is tested here too, without a browser: the course style stores each
figure's title with its output (``infralab.plotting.use_course_style``), and the handouts
write it as the image's ``alt``.

Without playwright, axe-playwright-python or Chromium the browser tests are skipped with the
reason, unless ``INFRALAB_REQUIRE_BROWSER=1`` is set (CI sets it once Chromium is installed).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from infralab import plotting
from infralab.handouts import build_handouts
from tests.course_factory import PNG, notebook, write
from tests.course_handouts import course_handouts
from tests.test_handouts_browser import (
    BROWSER_ARGUMENTS,
    browser_problem,
    chromium_executable,
    give_up,
)

#: The WCAG 2.1 A and AA rules of axe-core.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}


def violations_of(pages: list[Path]) -> dict[Path, list[str]]:
    """Each page's WCAG 2.1 A/AA violations, one line per element: rule, element, summary."""
    problem = browser_problem()
    if problem is None:
        try:
            from axe_playwright_python.sync_playwright import Axe
        except ImportError as error:
            problem = f"axe-playwright-python is not installed ({error})"
    if problem is not None:
        give_up(problem)
    from playwright.sync_api import sync_playwright

    axe, found = Axe(), {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=BROWSER_ARGUMENTS
        )
        try:
            context = browser.new_context(offline=True)
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file://") else route.abort()
                ),
            )
            tab = context.new_page()
            for page in pages:
                tab.goto(page.as_uri(), wait_until="load")
                response = axe.run(tab, options=AXE_OPTIONS).response
                found[page] = [
                    f"{rule['id']}: {node['target']} {' '.join(node['failureSummary'].split())}"
                    for rule in response["violations"]
                    for node in rule["nodes"]
                ]
        finally:
            browser.close()
    return found


@pytest.mark.browser
def test_every_page_of_both_editions_meets_wcag_2_1_aa():
    output, pages = course_handouts()
    found = violations_of(pages)
    assert list(found) == pages  # every page was checked
    problems = {page: lines for page, lines in found.items() if lines}
    shown = {
        page.relative_to(output.parent).as_posix(): lines[:5] for page, lines in problems.items()
    }
    count = sum(len(lines) for lines in problems.values())
    assert problems == {}, f"{count} WCAG 2.1 A/AA violations: {shown}"


@pytest.mark.browser
def test_the_check_sees_low_contrast_and_an_image_without_alt(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Broken</title>'
        '</head><body><main><p style="color: #b0b0b0; background: #ffffff">In [1]:</p>'
        f'<img src="data:image/png;base64,{PNG}"></main></body></html>\n',
        encoding="utf-8",
    )
    rules = {line.split(":")[0] for line in violations_of([page])[page]}
    assert rules == {"color-contrast", "image-alt"}


# --------------------------------------------------------------------------- #
# Alt text: stored with the output, written by the handouts
# --------------------------------------------------------------------------- #


def test_a_figures_alt_text_is_its_title_or_its_axes_titles():
    figure, (left, right) = plt.subplots(1, 2)
    try:
        assert plotting._figure_alt_text(figure).startswith("A figure without a title")
        left.set_title("CPU runs out\nin May 2027")
        right.set_title("Connections first", loc="left")
        assert plotting._figure_alt_text(figure) == "CPU runs out in May 2027; Connections first"
        figure.suptitle("Transaction IDs run out first, three months before CPU")
        assert plotting._figure_alt_text(figure) == (
            "Transaction IDs run out first, three months before CPU"
        )
    finally:
        plt.close(figure)
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure"):
        plotting._figure_alt_text("a title")


class FakeFormatter:
    """The part of an IPython formatter the course style uses."""

    def __init__(self, printer=None):
        self.type_printers = {} if printer is None else {plt.Figure: printer}

    def for_type(self, kind, printer):
        self.type_printers[kind] = printer

    def lookup_by_type(self, kind):
        return self.type_printers[kind]


def test_in_ipython_the_course_style_stores_the_alt_text_with_each_figure(monkeypatch):
    formatters = {"text/plain": FakeFormatter(), "image/png": FakeFormatter(lambda f: "UE5H")}
    shell = SimpleNamespace(display_formatter=SimpleNamespace(formatters=formatters))
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    monkeypatch.setitem(plt.rcParams, "backend", "agg")
    plotting.use_course_style()
    plotting.use_course_style()  # a second call wraps the PNG formatter once, not twice
    figure, ax = plt.subplots()
    try:
        ax.set_title("Storage reaches its limit in March 2027")
        data, metadata = formatters["image/png"].type_printers[plt.Figure](figure)
        assert data == "UE5H"
        assert metadata == {"alt": "Storage reaches its limit in March 2027"}
        printed = []
        text = formatters["text/plain"].type_printers[plt.Figure]
        text(figure, SimpleNamespace(text=printed.append), False)
        assert printed == ["Storage reaches its limit in March 2027"]
    finally:
        plt.close(figure)


def figure_output(text: str, metadata: dict | None = None):
    return new_output(
        "display_data", data={"image/png": PNG, "text/plain": text}, metadata=metadata or {}
    )


def test_the_handouts_write_each_figures_stored_alt_text(tmp_path):
    outputs = [
        figure_output("CPU runs out in May", {"image/png": {"alt": "Stored: CPU runs out"}}),
        figure_output("Connections run out first"),  # stored by the course style as text
        figure_output("<Figure size 720x384 with 1 Axes>"),  # made before: a fallback
        figure_output('A "quoted" <b>title</b>'),
    ]
    cells = [new_markdown_cell("# Figures")] + [
        new_code_cell("plot()", execution_count=number, outputs=[output])
        for number, output in enumerate(outputs, start=1)
    ]
    write(notebook(*cells), tmp_path / "notebooks/01_figures.ipynb")
    (tmp_path / "exercises").mkdir()
    page = build_handouts(
        tmp_path / "handouts",
        notebooks_dir=tmp_path / "notebooks",
        exercises_dir=tmp_path / "exercises",
    )[1].read_text(encoding="utf-8")
    alts = [alt for _, alt in re.findall(r"""<img\b[^>]*?\balt=(["'])(.*?)\1""", page)]
    assert alts == [
        "Stored: CPU runs out",
        "Connections run out first",
        "Figure: the sentence that follows it says what it shows",
        'A "quoted" &lt;b&gt;title&lt;/b&gt;',
    ]
