"""Tests for infralab.tryit: "try it" panels redraw with every control's current value."""

from __future__ import annotations

import io
import sys

import matplotlib
import matplotlib.figure

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from PIL import Image  # noqa: E402

from infralab.plotting import ProjectionFigure  # noqa: E402
from infralab.tryit import INSTRUCTION, PICTURES_KEPT, try_it  # noqa: E402


class Recorder:
    """A drawing function that remembers the keyword arguments of every call."""

    def __init__(self):
        self.calls: list[dict[str, object]] = []

    def __call__(self, **values):
        self.calls.append(values)


@pytest.fixture(autouse=True)
def no_figures_left_open():
    yield
    plt.close("all")


@pytest.fixture
def controls():
    return {
        "growth_rate": widgets.FloatSlider(value=0.01, min=0.001, max=0.05, step=0.001),
        "n_hosts": widgets.IntSlider(value=4, min=1, max=64),
        "model": widgets.Dropdown(options=["linear", "exponential"], value="linear"),
    }


def test_panel_is_a_vbox_of_the_controls_then_a_picture_and_an_output(controls):
    panel = try_it(Recorder(), **controls)
    assert isinstance(panel, widgets.VBox)
    children = list(panel.children)
    assert children[: len(controls)] == list(controls.values())
    assert isinstance(children[-2], widgets.Image)
    assert isinstance(children[-1], widgets.Output)
    assert sum(isinstance(child, widgets.Output) for child in children) == 1


def test_before_the_cell_runs_the_stored_output_is_a_plain_instruction(controls):
    panel = try_it(Recorder(), **controls)
    text = panel._repr_mimebundle_()["text/plain"]
    assert text == INSTRUCTION
    assert "VBox" not in text and "children" not in text
    assert "application/vnd.jupyter.widget-view+json" in panel._repr_mimebundle_()


def test_nothing_is_drawn_until_a_control_moves(controls):
    draw = Recorder()
    try_it(draw, **controls)
    assert draw.calls == []


def test_moving_a_control_draws_with_every_controls_current_value(controls):
    draw = Recorder()
    try_it(draw, **controls)

    controls["n_hosts"].value = 16
    assert draw.calls == [{"growth_rate": 0.01, "n_hosts": 16, "model": "linear"}]

    controls["model"].value = "exponential"
    controls["growth_rate"].value = 0.02
    assert draw.calls[1:] == [
        {"growth_rate": 0.01, "n_hosts": 16, "model": "exponential"},
        {"growth_rate": 0.02, "n_hosts": 16, "model": "exponential"},
    ]


def test_setting_a_control_to_its_current_value_does_not_redraw(controls):
    draw = Recorder()
    try_it(draw, **controls)
    controls["n_hosts"].value = 4
    assert draw.calls == []


def test_a_drawing_function_that_makes_a_figure_runs_cleanly():
    drawn = []

    def draw(rate):
        figure, axes = plt.subplots()
        axes.plot([0, 1], [0, rate])
        drawn.append(axes.lines[0].get_ydata()[-1])

    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    try_it(draw, rate=slider)
    slider.value = 2.5
    assert drawn == [2.5]


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (42, "draw must be a function, got int"),
        ("draw", "draw must be a function, got str"),
        (None, "draw must be a function, got NoneType"),
    ],
)
def test_draw_must_be_callable(draw, message):
    with pytest.raises(TypeError, match=f"^{message}$"):
        try_it(draw, rate=widgets.FloatSlider())


@pytest.mark.parametrize(
    ("control", "type_name"),
    [(0.01, "float"), ("slider", "str"), (widgets.Button(), "Button"), (widgets.HBox(), "HBox")],
)
def test_each_control_must_be_an_ipywidgets_value_control(control, type_name):
    with pytest.raises(
        TypeError, match=f"^control rate must be an ipywidgets control, got {type_name}$"
    ):
        try_it(Recorder(), n_hosts=widgets.IntSlider(), rate=control)


def test_at_least_one_control_is_needed():
    with pytest.raises(ValueError, match="^controls must name at least one control, got none$"):
        try_it(Recorder())


def _figure_drawer(calls):
    def draw(rate=1.0, label="rate"):
        calls.append(rate)
        figure, axes = plt.subplots(figsize=(4, 3), dpi=80)
        axes.plot([0, 1], [0, rate])
        axes.set(title=f"{label} {rate}", ylabel="a long label on the left")
        return figure

    return draw


def _png_size(png):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_a_redraw_replaces_the_picture_and_closes_the_figure():
    calls = []
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    panel = try_it(_figure_drawer(calls), rate=slider)
    image = panel.children[-2]
    assert image.layout.display == "none"  # nothing drawn yet: the static figure below shows
    slider.value = 2.0
    first = image.value
    assert image.layout.display is None
    assert _png_size(first) == (4 * 80, 3 * 80)  # the figure's own size and dpi, untrimmed
    slider.value = 3.0
    assert image.value != first
    assert plt.get_fignums() == []  # every figure the panel drew is closed again


def test_later_redraws_keep_the_first_layout():
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=500.0)
    positions = []

    def draw(rate):
        figure, axes = plt.subplots(figsize=(4, 3), layout="constrained")
        axes.plot([0, 1], [0, rate])
        positions.append(axes)
        return figure

    try_it(draw, rate=slider)
    slider.value = 2.0
    first = positions[-1].get_position().bounds
    slider.value = 400.0  # wider tick labels would move a freshly laid-out figure's axes
    assert positions[-1].get_position().bounds == first
    assert positions[-1].figure.get_layout_engine() is not None


def test_a_setting_already_drawn_is_shown_again_without_drawing():
    calls = []
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    panel = try_it(_figure_drawer(calls), rate=slider)
    image = panel.children[-2]
    slider.value = 2.0
    two = image.value
    slider.value = 3.0
    slider.value = 2.0
    assert calls == [2.0, 3.0]
    assert image.value == two


def test_only_the_newest_pictures_are_kept(monkeypatch):
    monkeypatch.setattr("infralab.tryit.PICTURES_KEPT", 2)
    calls = []
    slider = widgets.IntSlider(value=0, min=0, max=10)
    try_it(_figure_drawer(calls), rate=slider)
    for value in (1, 2, 3, 1):
        slider.value = value
    assert calls == [1, 2, 3, 1]  # 1 was forgotten when 3 was drawn
    assert PICTURES_KEPT == 64


def test_printed_text_is_shown_again_with_a_remembered_picture(capsys):
    slider = widgets.IntSlider(value=0, min=0, max=10)
    panel = try_it(lambda n: print(f"n is {n}"), n=slider)
    slider.value = 1
    slider.value = 2
    slider.value = 1
    shown = capsys.readouterr().out.replace("\x1b[2K\r", "")  # clear_output outside a kernel
    assert shown == "n is 1\nn is 2\nn is 1\n"
    assert panel.children[-2].layout.display == "none"  # no figure was drawn


def test_a_drawing_function_that_raises_leaves_no_figure_open():
    slider = widgets.IntSlider(value=0, min=0, max=10)

    def draw(n):
        plt.subplots()
        raise ValueError("no good")

    try_it(draw, n=slider)
    with pytest.raises(ValueError, match="no good"):  # outside a kernel nothing shows it
        slider.value = 1
    assert plt.get_fignums() == []


@pytest.mark.parametrize(
    ("descriptions", "width"),
    [(["as of", "window (days)", "buffer (days)"], "14ch"), (["n"], "7ch"), (["x" * 40], "23ch")],
)
def test_labels_get_room_for_the_longest_one(descriptions, width):
    controls = {
        f"c{i}": widgets.IntSlider(value=1, description=text) for i, text in enumerate(descriptions)
    }
    try_it(Recorder(), **controls)
    assert {c.style.description_width for c in controls.values()} == {width}


def test_a_lesson_s_own_label_width_is_kept_and_every_slider_gets_one_width():
    own = widgets.FloatSlider(description="unload loss", style={"description_width": "initial"})
    dates = widgets.SelectionSlider(options=["2020-01-01", "2020-12-31"], description="as of")
    narrow = widgets.IntSlider(description="n", layout={"width": "10em"})
    model = widgets.Dropdown(options=["a", "b"], description="model")
    try_it(Recorder(), own=own, as_of=dates, n=narrow, model=model)
    assert own.style.description_width == "initial"
    assert own.layout.width == dates.layout.width == "min(100%, 34em)"
    assert narrow.layout.width == "10em"  # a lesson's own width is kept
    assert not model.layout.width


def test_in_interactive_mode_a_redraw_draws_the_figure_once(monkeypatch):
    """A notebook's pyplot is interactive: each change would draw the figure again."""
    draws = []
    original = matplotlib.figure.Figure.draw

    def counted(self, renderer):
        draws.append(self)
        return original(self, renderer)

    monkeypatch.setattr(matplotlib.figure.Figure, "draw", counted)

    def draw(rate):
        figure, axes = plt.subplots()
        axes.plot([0, 1], [0, rate])
        axes.set(title="rate", xlabel="x", ylabel="y")
        axes.axhline(rate)

    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    plt.ion()
    try:
        try_it(draw, rate=slider)
        slider.value = 2.0
    finally:
        plt.ioff()
    assert len(draws) == 1


def test_the_caption_says_which_figure_shows_what():
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    panel = try_it(_figure_drawer([]), rate=slider)
    hint = panel.children[1]
    assert "shows the defaults" in hint.value and "Your settings" not in hint.value
    slider.value = 2.0
    assert "Your settings, drawn below" in hint.value


# --------------------------------------------------------------------------- a kept figure


class KeptFigure:
    """A drawing function that updates one figure made outside pyplot, and returns it."""

    def __init__(self):
        self.figure = matplotlib.figure.Figure(figsize=(4, 3), dpi=80)
        self.axes = self.figure.add_subplot()
        (self.line,) = self.axes.plot([0, 1], [0, 1])
        self.canvases = []

    def __call__(self, rate=1.0):
        self.line.set_ydata([0, rate])
        self.axes.set(ylim=(0, 5), title=f"rate {rate}")
        self.canvases.append(self.figure.canvas)
        return self.figure


def test_a_returned_figure_is_shown_and_left_open_for_the_next_move():
    draw = KeptFigure()
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    panel = try_it(draw, rate=slider)
    image = panel.children[-2]
    slider.value = 2.0
    first = image.value
    assert image.layout.display is None
    assert _png_size(first) == (4 * 80, 3 * 80)
    slider.value = 3.0
    assert image.value != first
    assert draw.axes.get_title() == "rate 3.0"  # the same figure, drawn on again
    assert draw.figure.axes == [draw.axes]
    assert plt.get_fignums() == []  # pyplot never knew it: the notebook shows it nowhere else
    slider.value = 2.0  # already drawn: the remembered picture, no call
    assert image.value == first
    assert len(draw.canvases) == 2


def test_a_returned_figure_keeps_its_canvas_across_moves():
    draw = KeptFigure()
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    try_it(draw, rate=slider)
    for value in (2.0, 3.0, 4.0):
        slider.value = value
    canvas = draw.figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    assert draw.canvases[1:] == [canvas, canvas]  # made at the first move, then kept


def test_a_returned_figure_keeps_the_first_layout():
    draw = KeptFigure()
    draw.figure.set_layout_engine("constrained")
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=500.0)
    try_it(draw, rate=slider)
    slider.value = 2.0
    first = draw.axes.get_position().bounds
    draw.axes.set_ylabel("a label that a fresh layout would make room for")
    slider.value = 400.0
    assert draw.axes.get_position().bounds == first


def test_the_returned_figure_is_shown_rather_than_the_newest():
    def draw(rate):
        kept, _ = plt.subplots(figsize=(4, 3), dpi=80)
        plt.subplots(figsize=(2, 2), dpi=80)
        return kept

    panel = try_it(draw, rate=widgets.FloatSlider(value=1.0, min=0.0, max=5.0))
    panel.children[0].value = 2.0
    assert _png_size(panel.children[-2].value) == (4 * 80, 3 * 80)
    assert plt.get_fignums() == []  # both were opened with pyplot for this call: closed


def test_a_returned_pyplot_figure_made_before_the_call_is_left_open():
    figure, axes = plt.subplots(figsize=(4, 3), dpi=80)

    def draw(rate):
        axes.set_title(f"rate {rate}")
        return figure

    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    panel = try_it(draw, rate=slider)
    slider.value = 2.0
    assert _png_size(panel.children[-2].value) == (4 * 80, 3 * 80)
    assert plt.get_fignums() == [figure.number]


@pytest.mark.parametrize("returned", [42, "a figure", None, [1, 2]])
def test_a_returned_value_that_is_not_a_figure_is_ignored(returned):
    def draw(rate):
        figure, axes = plt.subplots(figsize=(4, 3), dpi=80)
        axes.plot([0, 1], [0, rate])
        return returned

    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    panel = try_it(draw, rate=slider)
    slider.value = 2.0
    assert _png_size(panel.children[-2].value) == (4 * 80, 3 * 80)  # the figure it opened
    assert plt.get_fignums() == []


def test_an_axes_returned_without_a_figure_opened_shows_no_picture():
    axes = matplotlib.figure.Figure().add_subplot()
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    panel = try_it(lambda rate: axes, rate=slider)
    slider.value = 2.0
    assert panel.children[-2].layout.display == "none"


def test_a_kept_figure_stays_usable_after_a_drawing_function_raises():
    draw = KeptFigure()

    def failing(rate):
        draw(rate)
        raise ValueError("no good")

    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    try_it(failing, rate=slider)
    with pytest.raises(ValueError, match="no good"):
        slider.value = 2.0
    assert draw.axes.get_title() == "rate 2.0"
    assert plt.get_fignums() == []


def test_a_projection_figure_in_a_panel_is_updated_in_place():
    chart = ProjectionFigure(ylabel="CPU (%)", ylim=(0, 100), limit=90, limit_label="ceiling")
    history = pd.date_range("2024-01-01", periods=30, freq="D")
    future = pd.date_range("2024-01-31", periods=10, freq="D")

    def draw(level=50):
        values = [level] * 10
        return chart.update(history, [level] * 30, future, values, values, values,
                            marks=[("2024-01-30", "today")], title=f"CPU at {level}%")  # fmt: skip

    slider = widgets.IntSlider(value=50, min=0, max=100)
    panel = try_it(draw, level=slider)
    image = panel.children[-2]
    pictures = []
    for level in (60, 70):
        slider.value = level
        pictures.append(image.value)
    assert pictures[0] != pictures[1]
    assert _png_size(pictures[1]) == tuple(int(v) for v in chart.figure.bbox.size)
    assert chart.axes.get_title() == "CPU at 70%"
    assert plt.get_fignums() == []


def test_the_picture_is_a_png_of_exactly_the_pixels_drawn():
    draw = KeptFigure()
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=5.0)
    panel = try_it(draw, rate=slider)
    slider.value = 2.0
    with Image.open(io.BytesIO(panel.children[-2].value)) as picture:
        assert picture.format == "PNG" and picture.mode == "RGBA"
        shown = np.asarray(picture)
    np.testing.assert_array_equal(shown, np.asarray(draw.figure.canvas.buffer_rgba()))


def test_text_written_to_stderr_is_shown_under_the_picture_and_old_text_cleared(capsys):
    """A warning in a notebook is written to stderr: it shows under the picture too."""

    def draw(n):
        if n == 1:
            print("UserWarning: n is one", file=sys.stderr)
        elif n == 2:
            print("n is two")

    slider = widgets.IntSlider(value=0, min=0, max=10)
    panel = try_it(draw, n=slider)
    output = panel.children[-1]
    cleared = []
    original = output.clear_output
    output.clear_output = lambda *args, **kwargs: (cleared.append(slider.value),
                                                   original(*args, **kwargs))  # fmt: skip
    for value in (1, 3, 4, 2, 5):
        slider.value = value
    captured = capsys.readouterr()
    shown = captured.out.replace("\x1b[2K\r", "")
    assert shown == "UserWarning: n is one\nn is two\n" and not captured.err
    assert cleared == [1, 3, 2, 5]  # 4: nothing to show, nothing left to clear


def test_each_returned_figure_keeps_its_own_layout():
    # A panel that switches between two kept charts (one per resource, say) lays each out
    # for its own labels: the second is not forced into the first one's margins.
    narrow, wide = KeptFigure(), KeptFigure()
    for chart in (narrow, wide):
        chart.figure.set_layout_engine("constrained")
    wide.axes.set_ylabel("a long label\nover two lines")
    wide.axes.set_yticks([0, 80_000], ["0", "80000"])

    def draw(which="narrow"):
        return (narrow if which == "narrow" else wide)(rate=1.0)

    chooser = widgets.Dropdown(options=["narrow", "wide"], value="narrow")
    try_it(draw, which=chooser)
    chooser.value = "wide"
    chooser.value = "narrow"
    assert wide.axes.get_position().x0 > narrow.axes.get_position().x0
