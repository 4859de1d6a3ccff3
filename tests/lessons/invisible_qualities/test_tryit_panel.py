"""Lesson 01's try-it panel, after the whole notebook has run (as Run All leaves it).

The panel's drawing function must draw on its own figure: a later cell that reuses a
name such as ``ax`` must not send the panel's title to another chart. So the notebook's
code runs here from top to bottom first, and only then is the panel moved.
"""

import math

import matplotlib
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure

from infralab import reliability
from infralab.tryit import panels_made
from tests.notebook_constants import ROOT

NOTEBOOK = ROOT / "notebooks" / "01_invisible_qualities.ipynb"


@pytest.fixture(scope="module")
def lesson():
    """The notebook's namespace after every code cell has run, and its try-it panel."""
    namespace: dict[str, object] = {"__name__": "lesson_01"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plt, "show", lambda *args, **kwargs: plt.close("all"))
        with matplotlib.rc_context():
            for number, cell in enumerate(nbformat.read(NOTEBOOK, as_version=4).cells):
                if cell.cell_type == "code":
                    exec(compile(cell.source, f"{NOTEBOOK.name}, cell {number}", "exec"), namespace)
    plt.close("all")
    panel = next(p for p in reversed(panels_made()) if p.draw is namespace["draw_tail"])
    return namespace, panel


def _expected_title(busy_percent, servers, fanout, slo_ms=100.0, service_ms=10.0):
    utilisation = busy_percent / 100
    late = reliability.slower_than_probability(slo_ms, utilisation, servers, service_ms)
    p99 = reliability.time_in_system_quantile(0.99, utilisation, servers, service_ms)
    missed = 1 - (1 - late) ** fanout
    return (
        f"One pool's p99: {p99:.0f} ms; fan-out {fanout}: "
        f"{missed:.0%} of requests miss {slo_ms:.0f} ms"
    ), missed


def test_the_lesson_constants_are_the_ones_this_test_assumes(lesson):
    namespace, _ = lesson
    assert namespace["SLO_MS"] == 100.0 and namespace["SERVICE_MS"] == 10.0


@pytest.mark.parametrize(
    ("busy_percent", "servers", "fanout"), [(50, 2, 30), (90, 1, 5), (35, 4, 200), (70, 1, 20)]
)
def test_the_title_follows_the_controls_after_the_whole_notebook_ran(
    lesson, busy_percent, servers, fanout
):
    namespace, panel = lesson
    others_before = namespace["ax"].get_title()  # the chart a later cell called ax
    figure = panel.draw(busy_percent=busy_percent, servers=servers, fanout=fanout)
    assert isinstance(figure, Figure)
    (axes,) = figure.axes
    title, missed = _expected_title(busy_percent, servers, fanout)
    assert axes.get_title() == title
    assert namespace["ax"].get_title() == others_before
    line, dot = axes.get_lines()
    x, y = line.get_data()
    leaf_late = reliability.slower_than_probability(100.0, busy_percent / 100, servers, 10.0)
    assert np.allclose(y, 1 - (1 - leaf_late) ** np.asarray(x))
    assert list(dot.get_xdata()) == [fanout] and math.isclose(dot.get_ydata()[0], missed)


def test_moving_a_control_redraws_the_panels_own_figure(lesson):
    _, panel = lesson
    panel.forget()
    default = {name: control.value for name, control in panel.controls.items()}
    try:
        panel.controls["busy_percent"].value = 40
        panel.controls["servers"].value = 3
        figure = panel.draw(**{name: c.value for name, c in panel.controls.items()})
        assert figure.axes[0].get_title() == _expected_title(40, 3, default["fanout"])[0]
    finally:
        for name, value in default.items():
            panel.controls[name].value = value


def test_every_control_value_is_exact_on_its_steps_so_the_page_sends_nothing_back(lesson):
    # A slider's page recomputes its value as min + k * step; with float steps 0.7 comes
    # back as 0.7000000000000001, a change that redraws the panel before anyone moved it.
    _, panel = lesson
    for name, control in panel.controls.items():
        steps = (control.value - control.min) / control.step
        assert isinstance(control.value, int), name
        assert steps == int(steps) and control.min + int(steps) * control.step == control.value


def test_the_panel_figure_is_drawn_at_the_width_jupyterlab_shows_it(lesson):
    namespace, _ = lesson
    figure = namespace["draw_tail"]()
    width, height = figure.get_size_inches() * figure.dpi
    assert round(width) == 912 and height < 400  # 1366-pixel screen: 912 px of output width
