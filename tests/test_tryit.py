"""Tests for infralab.tryit: "try it" panels redraw with every control's current value."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from infralab.tryit import try_it  # noqa: E402


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


def test_panel_is_a_vbox_of_the_controls_then_an_output(controls):
    panel = try_it(Recorder(), **controls)
    assert isinstance(panel, widgets.VBox)
    children = list(panel.children)
    assert children[: len(controls)] == list(controls.values())
    assert isinstance(children[-1], widgets.Output)
    assert sum(isinstance(child, widgets.Output) for child in children) == 1


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
