"""Lesson 07's notebook as a learner sees it: the scorecard's table and the try-it panel's figure.

nbval compares the stored text but not how it looks; here the notebook's code runs
from top to bottom (as Run All leaves it) and what a screen shows is measured: every
statement in full in a left-aligned table, and a panel figure low enough to fit under
its controls whose labels, legend and data never overlap, whatever the controls say.
"""

from __future__ import annotations

import contextlib
import io
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from infralab import capstone  # noqa: E402
from tests.notebook_constants import ROOT  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "07_capstone.ipynb"

#: The panel's picture, in pixels: under four controls and a line of text it must fit a
#: laptop's notebook area (about 640 pixels high at 1366 x 768) with room to spare.
MAX_PANEL_PIXELS = (720, 300)


@pytest.fixture(scope="module")
def lesson():
    """The notebook's namespace after every code cell has run."""
    namespace: dict[str, object] = {"__name__": "lesson_07"}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(NOTEBOOK.parent)
        patch.setattr(plt, "show", lambda *args, **kwargs: plt.close("all"))
        with matplotlib.rc_context(), contextlib.redirect_stdout(io.StringIO()):
            for number, cell in enumerate(nbformat.read(NOTEBOOK, as_version=4).cells):
                if cell.cell_type == "code":
                    exec(compile(cell.source, f"{NOTEBOOK.name}, cell {number}", "exec"), namespace)
            for resource in namespace["LIMITS"]:  # each chart made in the course's style
                namespace["draw_clock"](resource)
    plt.close("all")
    return namespace


def test_the_scorecard_table_shows_every_statement_in_full_left_aligned():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    (cell,) = [c for c in cells if c.cell_type == "code" and "capstone.QUESTIONS" in c.source
               and "display(" in c.source]
    (table,) = [
        o["data"]["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {})]
    lines = table.splitlines()
    assert lines[1] == "|:--|:--|:--|:--|"  # every column left-aligned
    assert len(lines) == 2 + len(capstone.QUESTIONS)
    for line, question in zip(lines[2:], capstone.QUESTIONS, strict=True):
        assert line == f"| {question.step} | {question.kind} | `{question.id}` | {question.text} |"
        assert "|" not in question.text and "..." not in line and "…" not in line


def _ink(text, renderer) -> Bbox:
    """Where a label's letters are: its box without the blank lines it starts with."""
    box = text.get_window_extent(renderer)
    label = text.get_text()
    blank = len(label) - len(label.lstrip("\n"))
    line = box.height / (label.count("\n") + 1)
    return Bbox.from_extents(box.x0, box.y0, box.x1, box.y1 - blank * line)


def _overlap(a: Bbox, b: Bbox) -> bool:
    """Whether two boxes share more than an edge (text boxes of adjacent lines touch)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1


def _points_in(box: Bbox, points: np.ndarray) -> bool:
    inside = (points[:, 0] > box.x0) & (points[:, 0] < box.x1)
    return bool((inside & (points[:, 1] > box.y0) & (points[:, 1] < box.y1)).any())


SETTINGS = list(itertools.product(
    ["cpu_peak", "storage", "connections"], [30, 90, 150], [30, 270, 540], [0, 60, 180]))


@pytest.mark.parametrize(("resource", "window", "lead", "buffer"), SETTINGS)
def test_the_panels_labels_legend_and_data_never_overlap(lesson, resource, window, lead, buffer):
    figure = lesson["draw_clock"](resource, window, lead, buffer)
    width, height = figure.get_size_inches() * figure.dpi
    assert (width, height) <= MAX_PANEL_PIXELS and height <= MAX_PANEL_PIXELS[1]
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (ax,) = figure.axes
    labels = {t.get_text().strip(): _ink(t, renderer) for t in ax.texts if t.get_visible()}
    assert {"limit", "today", "earliest crossing", "start by"} <= set(labels)
    legend = ax.get_legend().get_window_extent(renderer)
    shown = ("observed", "projection")
    data = [line.get_xydata() for line in ax.lines if line.get_label() in shown]
    data.append(ax.collections[0].get_paths()[0].vertices)  # the band's outline
    data = [ax.transData.transform(points) for points in data]
    band = ax.collections[0].get_paths()[0].transformed(ax.transData)
    boxes = {**labels, "legend": legend}
    for (one, a), (other, b) in itertools.combinations(boxes.items(), 2):
        assert not _overlap(a, b), f"{one!r} overlaps {other!r}"
    for name, box in boxes.items():
        assert not any(_points_in(box, points) for points in data), f"data runs through {name!r}"
        corners = [(box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1)]
        assert not band.contains_points(corners).any(), f"the band covers {name!r}"
        assert figure.bbox.contains(box.x0, box.y0) and figure.bbox.contains(box.x1, box.y1)
