"""Tests for infralab.plotting: the course style and the recurring figure kinds.

Each figure is checked through what it actually drew (line data, band vertices, bar
colours, label texts), not by looking at pixels.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from infralab.plotting import (  # noqa: E402
    COLOURS,
    PALETTE,
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
