"""Tests for infralab.plotting: the course style and the recurring figure kinds.

Each figure is checked through what it actually drew (line data, band vertices, bar
colours, label texts), not by looking at pixels.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.axis  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from infralab.plotting import (  # noqa: E402
    COLOURS,
    PALETTE,
    ProjectionFigure,
    bar_chart,
    course_style,
    format_date_axis,
    mark_date,
    mark_limit,
    plot_projection,
    use_course_style,
)

# Okabe & Ito (2008), "Color Universal Design", the published hex values.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}

HISTORY_DATES = pd.date_range("2024-01-01", periods=5, freq="MS")
HISTORY_VALUES = [10.0, 12.0, 14.0, 17.0, 20.0]
FUTURE_DATES = pd.date_range("2024-06-01", periods=4, freq="MS")
MEDIAN = [24.0, 28.0, 33.0, 39.0]
LOW = [22.0, 24.0, 27.0, 30.0]
HIGH = [26.0, 32.0, 40.0, 50.0]


@pytest.fixture(autouse=True)
def fresh_figures():
    """Each test starts from matplotlib's settings and leaves no figure open."""
    with matplotlib.rc_context():
        yield
    plt.close("all")


@pytest.fixture
def ax():
    _, axes = plt.subplots()
    return axes


# --------------------------------------------------------------------------- #
# Style and palette
# --------------------------------------------------------------------------- #


def test_palette_colours_are_the_okabe_ito_values():
    for name, hex_value in OKABE_ITO.items():
        assert COLOURS[name].upper() == hex_value
    assert set(PALETTE) <= set(OKABE_ITO.values())
    assert len(set(PALETTE)) == len(PALETTE)  # no colour twice
    assert PALETTE[:4] == ("#0072B2", "#E69F00", "#009E73", "#D55E00")


def test_use_course_style_sets_palette_and_projector_sized_fonts():
    use_course_style()
    rc = matplotlib.rcParams
    assert [to_hex(c).upper() for c in rc["axes.prop_cycle"].by_key()["color"]] == list(PALETTE)
    assert rc["font.size"] == 13.0
    assert rc["axes.titlesize"] == 14.0
    assert rc["axes.titleweight"] == "bold"
    assert rc["axes.labelsize"] == 13.0
    assert rc["legend.fontsize"] == 11.0
    assert rc["xtick.labelsize"] == 11.0
    assert rc["ytick.labelsize"] == 11.0
    assert list(rc["figure.figsize"]) == [9.0, 4.8]
    assert rc["axes.spines.top"] is False
    assert rc["axes.spines.right"] is False


def test_new_lines_take_palette_colours_in_order():
    use_course_style()
    _, axes = plt.subplots()
    lines = [axes.plot([0, 1], [i, i])[0] for i in range(3)]
    assert [to_hex(line.get_color()).upper() for line in lines] == list(PALETTE[:3])


def test_course_style_is_a_fresh_dict_each_time():
    first = course_style()
    first["font.size"] = 99
    assert course_style()["font.size"] == 13


# --------------------------------------------------------------------------- #
# plot_projection
# --------------------------------------------------------------------------- #


def test_plot_projection_draws_history_median_and_band(ax):
    returned = plot_projection(
        ax, HISTORY_DATES, HISTORY_VALUES, FUTURE_DATES, MEDIAN, LOW, HIGH, colour="#009E73"
    )
    assert returned is ax
    history, median = ax.lines
    np.testing.assert_array_equal(history.get_ydata(), HISTORY_VALUES)
    np.testing.assert_array_equal(
        mdates.date2num(history.get_xdata()), mdates.date2num(HISTORY_DATES)
    )
    assert history.get_linestyle() == "-"
    np.testing.assert_array_equal(median.get_ydata(), MEDIAN)
    np.testing.assert_array_equal(
        mdates.date2num(median.get_xdata()), mdates.date2num(FUTURE_DATES)
    )
    assert median.get_linestyle() == "--"
    assert to_hex(history.get_color()) == to_hex(median.get_color()) == "#009e73"

    (band,) = ax.collections
    assert isinstance(band, PolyCollection)
    vertices = np.concatenate([path.vertices for path in band.get_paths()])
    future_x = mdates.date2num(FUTURE_DATES)
    assert vertices[:, 0].min() == pytest.approx(future_x[0])
    assert vertices[:, 0].max() == pytest.approx(future_x[-1])
    assert vertices[:, 1].min() == min(LOW)
    assert vertices[:, 1].max() == max(HIGH)
    # Every band edge point is on the low or the high curve at its own date.
    for x, y in vertices:
        day = int(np.argmin(np.abs(future_x - x)))
        assert y in (LOW[day], HIGH[day])
    for day in range(len(FUTURE_DATES)):
        at_day = vertices[np.isclose(vertices[:, 0], future_x[day]), 1]
        assert LOW[day] in at_day and HIGH[day] in at_day

    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["observed", "projection", "80% prediction band"]


def test_plot_projection_makes_its_own_axes_when_given_none():
    axes = plot_projection(None, HISTORY_DATES, HISTORY_VALUES, FUTURE_DATES, MEDIAN, LOW, HIGH)
    assert len(axes.lines) == 2


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("median", "median must have the same length as future_dates (4), got 3"),
        ("low", "low must have the same length as future_dates (4), got 3"),
        ("high", "high must have the same length as future_dates (4), got 3"),
    ],
)
def test_plot_projection_names_a_projection_of_the_wrong_length(ax, argument, message):
    arrays = {"median": MEDIAN, "low": LOW, "high": HIGH}
    arrays[argument] = arrays[argument][:3]
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        plot_projection(ax, HISTORY_DATES, HISTORY_VALUES, FUTURE_DATES, **arrays)


def test_plot_projection_names_history_of_the_wrong_length(ax):
    with pytest.raises(
        ValueError,
        match=r"^history_values must have the same length as history_dates \(5\), got 4$",
    ):
        plot_projection(ax, HISTORY_DATES, HISTORY_VALUES[:4], FUTURE_DATES, MEDIAN, LOW, HIGH)


def test_plot_projection_refuses_something_that_is_not_axes():
    with pytest.raises(TypeError, match=r"^ax must be a matplotlib Axes or None, got str$"):
        plot_projection("ax", HISTORY_DATES, HISTORY_VALUES, FUTURE_DATES, MEDIAN, LOW, HIGH)


# --------------------------------------------------------------------------- #
# ProjectionFigure: one chart, updated in place
# --------------------------------------------------------------------------- #

LATER_HISTORY = pd.date_range("2024-03-01", periods=6, freq="MS")
LATER_FUTURE = pd.date_range("2024-09-01", periods=3, freq="MS")


def _chart(**changes):
    use_course_style()
    arguments = {"ylabel": "peak CPU (%)", "ylim": (0, 130), "limit": 90,
                 "limit_label": "90% ceiling"} | changes  # fmt: skip
    return ProjectionFigure(**arguments)


def _update(chart, **changes):
    arguments = {"marks": [("2024-05-15", "today")], "title": "CPU grows"} | changes
    return chart.update(HISTORY_DATES, HISTORY_VALUES, FUTURE_DATES, MEDIAN, LOW, HIGH, **arguments)


def _days(values):
    return mdates.date2num(np.asarray(values, dtype="datetime64[ns]"))


def _band_vertices(chart):
    (band,) = chart.axes.collections
    return np.concatenate([path.vertices for path in band.get_paths()])


def _visible_marks(chart):
    """(x in days, label, colour) of each shown date mark, from the artists drawn."""
    lines = [line for line in chart.axes.lines if line.get_linestyle() == ":"]
    texts = [text for text in chart.axes.texts if text.xycoords == ("data", "axes fraction")]
    assert len(lines) == len(texts)
    return [
        (_days([line.get_xdata()[0]])[0], text.get_text(), to_hex(text.get_color()))
        for line, text in zip(lines, texts, strict=True)
        if line.get_visible() and text.get_visible()
    ]


def _pixels(figure):
    return np.asarray(figure.canvas.buffer_rgba()).copy()


def test_projection_figure_is_made_once_outside_pyplot_with_its_fixed_parts():
    chart = _chart(colour=COLOURS["green"])
    assert isinstance(chart.figure, Figure)
    assert plt.get_fignums() == []  # plt.show() and the inline backend never show it
    assert isinstance(chart.figure.canvas, FigureCanvasAgg)
    assert chart.figure.axes == [chart.axes]
    assert chart.axes.get_ylabel() == "peak CPU (%)"
    assert chart.axes.get_ylim() == (0, 130)
    limit = next(line for line in chart.axes.lines if line.get_linestyle() == "--"
                 and list(line.get_ydata()) == [90.0, 90.0])  # fmt: skip
    assert to_hex(limit.get_color()) == COLOURS["vermillion"].lower()
    (label,) = chart.axes.texts
    assert label.get_text() == "90% ceiling" and label.xy == (0.0, 90) and label.get_ha() == "left"
    legend = [text.get_text() for text in chart.axes.get_legend().get_texts()]
    assert legend == ["observed", "projection", "80% prediction band"]
    history, median = chart.axes.lines[:2]
    assert to_hex(history.get_color()) == to_hex(median.get_color()) == COLOURS["green"].lower()


def test_projection_figure_is_laid_out_once_when_made():
    chart = _chart()
    position = chart.axes.get_position().bounds
    _update(chart, title="A much longer title than the one it was laid out with")
    chart.figure.canvas.draw()
    assert chart.axes.get_position().bounds == position
    margins = position[0], position[1], 1 - position[0] - position[2], 1 - position[1] - position[3]
    assert all(0.02 < margin < 0.2 for margin in margins)  # room for the labels, no more


def test_projection_figure_update_shows_the_data_it_is_given():
    chart = _chart()
    returned = _update(chart)
    assert returned is chart.figure
    history, median = chart.axes.lines[:2]
    np.testing.assert_array_equal(history.get_ydata(), HISTORY_VALUES)
    np.testing.assert_array_equal(_days(history.get_xdata()), _days(HISTORY_DATES))
    np.testing.assert_array_equal(median.get_ydata(), MEDIAN)
    np.testing.assert_array_equal(_days(median.get_xdata()), _days(FUTURE_DATES))
    assert median.get_linestyle() == "--"
    vertices = _band_vertices(chart)
    assert vertices[:, 0].min() == pytest.approx(_days(FUTURE_DATES)[0])
    assert vertices[:, 0].max() == pytest.approx(_days(FUTURE_DATES)[-1])
    assert vertices[:, 1].min() == min(LOW) and vertices[:, 1].max() == max(HIGH)
    assert chart.axes.get_title() == "CPU grows"
    # no xlim given: from the first date shown to the last
    shown = _days(HISTORY_DATES)[0], _days(FUTURE_DATES)[-1]
    assert chart.axes.get_xlim() == pytest.approx(shown)


def test_projection_figure_band_has_the_outline_fill_between_draws():
    chart = _chart()
    _update(chart)
    _, reference = plt.subplots()
    expected = reference.fill_between(FUTURE_DATES, LOW, HIGH).get_paths()[0].vertices
    np.testing.assert_allclose(_band_vertices(chart), expected)


def test_projection_figure_update_replaces_what_it_showed():
    chart = _chart()
    _update(chart, marks=[("2024-05-15", "today"), ("2024-11-01", "limit", COLOURS["vermillion"])])
    chart.update(LATER_HISTORY, [1, 2, 3, 4, 5, 6], LATER_FUTURE, [7, 8, 9], [6, 7, 8],
                 [8, 9, 10], marks=[("2024-08-31", "today")], title="Later",
                 xlim=("2024-01-01", "2025-06-30"))  # fmt: skip
    history, median = chart.axes.lines[:2]
    np.testing.assert_array_equal(history.get_ydata(), [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(_days(history.get_xdata()), _days(LATER_HISTORY))
    np.testing.assert_array_equal(median.get_ydata(), [7, 8, 9])
    vertices = _band_vertices(chart)
    assert (vertices[:, 1].min(), vertices[:, 1].max()) == (6, 10)
    assert vertices[:, 0].max() == pytest.approx(_days(LATER_FUTURE)[-1])
    assert chart.axes.get_title() == "Later"
    assert chart.axes.get_xlim() == pytest.approx(tuple(_days(["2024-01-01", "2025-06-30"])))
    # the second mark is hidden, not removed; the first moved and was relabelled
    assert _visible_marks(chart) == [(_days(["2024-08-31"])[0], "today", COLOURS["grey"].lower())]
    assert len(chart.axes.collections) == 1
    lines, texts = len(chart.axes.lines), len(chart.axes.texts)
    for _ in range(3):
        _update(chart, marks=[("2024-05-15", "today"), ("2024-10-01", "earliest")])
    assert (len(chart.axes.lines), len(chart.axes.texts)) == (lines, texts)  # nothing piles up


def test_projection_figure_marks_sit_at_their_dates_with_their_labels_and_colours():
    chart = _chart()
    earliest = (pd.Timestamp("2024-11-01"), "earliest\nat 90%", COLOURS["vermillion"])
    _update(chart, marks=[("2024-05-15", "today"), earliest])
    assert _visible_marks(chart) == [
        (_days(["2024-05-15"])[0], "today", COLOURS["grey"].lower()),
        (_days(["2024-11-01"])[0], "earliest\nat 90%", COLOURS["vermillion"].lower()),
    ]
    _update(chart, marks=[])
    assert _visible_marks(chart) == []


def test_projection_figure_writes_a_mark_label_near_the_right_edge_left_of_its_line():
    chart = _chart()
    _update(chart, marks=[("2024-02-01", "today"), ("2024-09-20", "earliest\nat 90%")],
            xlim=("2024-01-01", "2024-10-01"))  # fmt: skip
    today, earliest = (text for text in chart.axes.texts if text.get_text() != "90% ceiling")
    assert (today.get_horizontalalignment(), today.xyann) == ("left", (4, -4))
    assert (earliest.get_horizontalalignment(), earliest.xyann) == ("right", (-4, -4))
    renderer = chart.figure.canvas.get_renderer()
    assert earliest.get_window_extent(renderer).x1 <= chart.axes.bbox.x1
    _update(chart, marks=[("2024-02-01", "today"), ("2024-05-01", "earliest")])
    assert earliest.get_horizontalalignment() == "left"  # room again: back right of its line


def test_projection_figure_redraw_draws_the_same_pixels_as_a_full_draw():
    """What the canvas keeps from draw to draw must never show in the picture."""
    chart = _chart()
    canvas = chart.figure.canvas
    steps = [
        lambda: _update(chart),
        lambda: _update(chart, marks=[("2024-05-15", "today"), ("2024-08-01", "b", "#009E73")]),
        lambda: chart.update(LATER_HISTORY, [1] * 6, LATER_FUTURE, [7] * 3, [6] * 3, [8] * 3),
        lambda: chart.axes.set_ylabel("another label"),  # a part that is kept, changed
        lambda: chart.figure.savefig(io.BytesIO(), format="png", bbox_inches="tight"),
        lambda: _update(chart, title="After saving"),
        lambda: chart.figure.set_dpi(100),
        lambda: chart.axes.axvspan(pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-01"),
                                   color="#F0E442", zorder=0.1),  # fmt: skip
        lambda: _update(chart, xlim=("2023-12-01", "2024-12-31")),  # the span moves
    ]
    for step in steps:
        step()
        canvas.draw()
        redrawn = _pixels(chart.figure)
        FigureCanvasAgg.draw(canvas)  # a plain full draw
        np.testing.assert_array_equal(redrawn, _pixels(chart.figure))


def test_projection_figure_redraw_copies_the_y_axis_rather_than_drawing_it(monkeypatch):
    chart = _chart()
    _update(chart)
    drawn = []
    original = matplotlib.axis.YAxis.draw

    def counted(self, renderer):
        drawn.append(self)
        return original(self, renderer)

    monkeypatch.setattr(matplotlib.axis.YAxis, "draw", counted)
    for title in ("one", "two", "three"):
        _update(chart, title=title)
        chart.figure.canvas.draw()
    assert drawn == []
    chart.axes.set_ylabel("changed")
    chart.figure.canvas.draw()
    assert drawn == [chart.axes.yaxis]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"ylabel": 3}, TypeError, "ylabel must be text, got 3"),
        ({"ylim": 130}, TypeError, "ylim must be a pair (low, high), got 130"),
        ({"ylim": (130, 0)}, ValueError, "ylim must go from low to high, got (130, 0)"),
        ({"ylim": (0, "130")}, TypeError, "ylim must be a number, got '130'"),
        ({"limit": None}, TypeError, "limit must be a number, got None"),
        ({"limit_label": None}, TypeError, "limit_label must be text, got None"),
        ({"colour": "not a colour"}, ValueError,
         "colour must be a colour like '#0072B2', got 'not a colour'"),
        ({"limit_side": "middle"}, ValueError, "limit_side must be one of 'left', 'right'"),
        ({"max_ticks": 2}, ValueError, "max_ticks must be >= 3, got 2"),
    ],
)  # fmt: skip
def test_projection_figure_names_a_bad_setting(changes, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}"):
        _chart(**changes)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"median": MEDIAN[:3]}, ValueError,
         "median must have the same length as future_dates (4), got 3"),
        ({"history_values": HISTORY_VALUES[:4]}, ValueError,
         "history_values must have the same length as history_dates (5), got 4"),
        ({"history_values": ["a"] * 5}, TypeError,
         "history_values must be a sequence of numbers, got ['a', 'a', 'a', 'a', 'a']"),
        ({"low": None}, TypeError, "low must be a sequence of numbers, got None"),
        ({"future_dates": "2024-06-01"}, TypeError,
         "future_dates must be a sequence of dates, got '2024-06-01'"),
        ({"history_dates": ["soon"] * 5}, TypeError, "history_dates must be a sequence of dates"),
        ({"marks": "today"}, TypeError, "marks must be a sequence of (date, label) pairs"),
        ({"marks": [("2024-05-15",)]}, TypeError,
         "marks must hold (date, label) or (date, label, colour), got ('2024-05-15',)"),
        ({"marks": [("someday", "today")]}, ValueError, "marks must be a date"),
        ({"marks": [("2024-05-15", "today", "nope")]}, ValueError,
         "marks must be a colour like '#0072B2', got 'nope'"),
        ({"title": None}, TypeError, "title must be text, got None"),
        ({"xlim": ("2025-01-01", "2024-01-01")}, ValueError, "xlim must go from low to high"),
        ({"xlim": ("2024-01-01",)}, TypeError, "xlim must be a pair (low, high)"),
    ],
)  # fmt: skip
def test_projection_figure_update_names_bad_input(arguments, error, message):
    chart = _chart()
    data = {"history_dates": HISTORY_DATES, "history_values": HISTORY_VALUES,
            "future_dates": FUTURE_DATES, "median": MEDIAN, "low": LOW, "high": HIGH}  # fmt: skip
    with pytest.raises(error, match=f"^{re.escape(message)}"):
        chart.update(**(data | arguments))


def test_projection_figure_needs_a_range_when_there_are_no_dates():
    chart = _chart()
    no_dates = np.array([], dtype="datetime64[ns]")
    with pytest.raises(ValueError, match="^xlim must be given when there are no dates to show$"):
        chart.update(no_dates, [], no_dates, [], [], [])
    chart.update(no_dates, [], no_dates, [], [], [], xlim=("2024-01-01", "2024-12-31"))
    assert len(_band_vertices(chart)) == 0


# --------------------------------------------------------------------------- #
# bar_chart
# --------------------------------------------------------------------------- #


def test_bar_chart_writes_values_and_highlights_one_bar(ax):
    bar_chart(ax, ["web", "database", "cache"], [1200, 30.4, 7], highlight=1)
    assert [text.get_text() for text in ax.texts] == ["1,200", "30", "7"]
    colours = [to_hex(patch.get_facecolor()) for patch in ax.patches]
    assert colours == [COLOURS["grey"].lower(), COLOURS["vermillion"].lower(),
                       COLOURS["grey"].lower()]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["web", "database", "cache"]
    assert [patch.get_width() for patch in ax.patches] == [1200, 30.4, 7]
    assert ax.yaxis_inverted()  # first label on top, read like a table


def test_vertical_bar_chart_with_custom_format_and_no_highlight(ax):
    bar_chart(ax, ["a", "b"], [0.25, 0.5], horizontal=False, value_format="{:.0%}")
    assert [text.get_text() for text in ax.texts] == ["25%", "50%"]
    assert [patch.get_height() for patch in ax.patches] == [0.25, 0.5]
    assert {to_hex(patch.get_facecolor()) for patch in ax.patches} == {COLOURS["grey"].lower()}
    assert [label.get_text() for label in ax.get_xticklabels()] == ["a", "b"]


@pytest.mark.parametrize(
    ("labels", "values", "highlight", "message"),
    [
        (["a", "b"], [1, 2, 3], None, r"^values must have the same length as labels \(2\), got 3$"),
        (["a", "b"], [1, 2], 2, r"^highlight must be a bar position in 0\.\.1, got 2$"),
        (["a", "b"], [1, 2], -1, r"^highlight must be a bar position in 0\.\.1, got -1$"),
    ],
)
def test_bar_chart_refuses_mismatches(ax, labels, values, highlight, message):
    with pytest.raises(ValueError, match=message):
        bar_chart(ax, labels, values, highlight=highlight)


# --------------------------------------------------------------------------- #
# mark_limit, mark_date, format_date_axis
# --------------------------------------------------------------------------- #


def test_mark_limit_draws_a_dashed_horizontal_line_at_the_value(ax):
    ax.plot([0, 10], [0, 100])
    line = mark_limit(ax, 80, "disk full")
    assert list(line.get_ydata()) == [80.0, 80.0]
    assert list(line.get_xdata()) == [0, 1]  # the whole width, in axes fraction
    assert line.get_linestyle() == "--"
    assert to_hex(line.get_color()) == COLOURS["vermillion"].lower()
    (label,) = ax.texts
    assert label.get_text() == "disk full"
    assert label.xy == (1.0, 80.0)


def test_mark_limit_names_a_bad_value(ax):
    with pytest.raises(TypeError, match=r"^value must be a number, got '80'$"):
        mark_limit(ax, "80", "disk full")
    with pytest.raises(ValueError, match=r"^value must be a number, got NaN$"):
        mark_limit(ax, float("nan"), "disk full")


def test_mark_date_draws_a_dotted_vertical_line_at_the_date(ax):
    ax.plot(HISTORY_DATES, HISTORY_VALUES)
    line = mark_date(ax, "2024-03-15", "migration")
    x = mdates.date2num(pd.Timestamp("2024-03-15"))
    assert [mdates.date2num(value) for value in line.get_xdata()] == [x, x]
    assert line.get_linestyle() == ":"
    assert ax.texts[0].get_text() == "migration"


@pytest.mark.parametrize("max_ticks", [4, 5, 7])
def test_format_date_axis_keeps_a_three_year_range_readable(ax, max_ticks):
    days = pd.date_range("2021-01-01", "2023-12-31", freq="D")
    ax.plot(days, np.arange(len(days)))
    assert format_date_axis(ax, max_ticks=max_ticks) is ax
    ax.figure.canvas.draw()
    low, high = ax.get_xlim()
    ticks = ax.get_xticks()
    visible = ticks[(ticks >= low) & (ticks <= high)]
    assert 2 <= len(visible) <= max_ticks
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert all(labels) and len(set(labels)) == len(labels)


def test_plotting_arguments_are_validated():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="when must be a date"):
        mark_date(ax, "not a date", "label")
    with pytest.raises(TypeError, match="highlight must be a whole number"):
        bar_chart(ax, ["a", "b"], [1, 2], highlight="1")
    with pytest.raises(ValueError, match="max_ticks must be >= 3, got 2"):
        format_date_axis(ax, max_ticks=2)
    plt.close(fig)


def test_mark_limit_can_label_the_left_end():
    fig, ax = plt.subplots()
    mark_limit(ax, 90, "ceiling", label_side="left")
    (label,) = ax.texts
    assert label.get_text() == "ceiling" and label.xy == (0.0, 90) and label.get_ha() == "left"
    with pytest.raises(ValueError, match="label_side must be one of 'left', 'right'"):
        mark_limit(ax, 90, "ceiling", label_side="middle")
    plt.close(fig)
