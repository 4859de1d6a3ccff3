"""The course's figure style and the figure kinds that recur across lessons.

Call :func:`use_course_style` once in a notebook's setup cell. Figures then use
a colour-blind-safe palette (Okabe & Ito), fonts large enough for a projector at
the back of a room, and a size that fits a laptop screen and a printed page.

Every figure in the course states its finding in the title, labels its axes
with units and is followed by one sentence saying what to look at.

References
----------
Okabe, M. & Ito, K. (2008). *Color Universal Design: how to make figures and
presentations that are friendly to colorblind people.* https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cycler

from .validation import check_choice, check_date, check_integer, check_number

__all__ = [
    "PALETTE",
    "COLOURS",
    "course_style",
    "use_course_style",
    "plot_projection",
    "mark_limit",
    "mark_date",
    "bar_chart",
    "format_date_axis",
]

#: Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
COLOURS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#777777",
}

#: The order lines are drawn in: strong contrasts first.
PALETTE = (
    COLOURS["blue"],
    COLOURS["orange"],
    COLOURS["green"],
    COLOURS["vermillion"],
    COLOURS["purple"],
    COLOURS["sky"],
    COLOURS["black"],
)


def course_style() -> dict[str, object]:
    """Return the matplotlib settings the course uses (a plain dict of rcParams)."""
    return {
        "axes.prop_cycle": cycler(color=list(PALETTE)),
        "figure.figsize": (9.0, 4.8),
        "figure.dpi": 80,
        "savefig.dpi": 80,
        "figure.constrained_layout.use": True,
        "font.size": 13,
        "axes.titlesize": 14,
        "axes.titleweight": "bold",
        "axes.labelsize": 13,
        "legend.fontsize": 11,
        "legend.frameon": False,
        "xtick.labelsize": 11,
        "ytick.labelsize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "lines.linewidth": 2.2,
        "date.autoformatter.month": "%b %Y",
        "svg.hashsalt": "infralab",
    }


def use_course_style() -> None:
    """Apply :func:`course_style` to every figure drawn from now on.

    Examples
    --------
    >>> use_course_style()
    >>> plt.rcParams["font.size"]
    13.0
    """
    mpl.rcParams.update(course_style())


def _axes(ax: plt.Axes | None) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots()
    elif not isinstance(ax, mpl.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def mark_limit(
    ax: plt.Axes,
    value: float,
    label: str,
    *,
    colour: str = COLOURS["vermillion"],
    label_side: str = "right",
):
    """Draw a dashed horizontal line for a hard limit, labelled at one end (``label_side``)."""
    value = check_number("value", value)
    check_choice("label_side", label_side, ("left", "right"))
    ax = _axes(ax)
    line = ax.axhline(value, color=colour, linestyle="--", linewidth=1.6)
    right = label_side == "right"
    ax.annotate(
        label,
        xy=(1.0 if right else 0.0, value),
        xycoords=("axes fraction", "data"),
        xytext=(-4 if right else 4, 4),
        textcoords="offset points",
        ha="right" if right else "left",
        va="bottom",
        color=colour,
        fontsize=11,
    )
    return line


def mark_date(ax: plt.Axes, when, label: str, *, colour: str = COLOURS["grey"]):
    """Draw a dotted vertical line at a date, labelled at the top."""
    stamp = check_date("when", when)
    ax = _axes(ax)
    line = ax.axvline(stamp, color=colour, linestyle=":", linewidth=1.6)
    ax.annotate(
        label,
        xy=(stamp, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        color=colour,
        fontsize=11,
    )
    return line


def format_date_axis(ax: plt.Axes, *, max_ticks: int = 7) -> plt.Axes:
    """Readable date ticks that never overlap: at most ``max_ticks``, concise labels."""
    max_ticks = check_integer("max_ticks", max_ticks, low=3)
    ax = _axes(ax)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=max_ticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return ax


def plot_projection(
    ax: plt.Axes | None,
    history_dates: Sequence,
    history_values: Sequence[float],
    future_dates: Sequence,
    median: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    *,
    label: str = "observed",
    colour: str = COLOURS["blue"],
    band_label: str = "80% prediction band",
) -> plt.Axes:
    """Plot observed history, a projected median and its prediction band.

    Parameters
    ----------
    ax : Axes or None
        Where to draw; a new figure when None.
    history_dates, history_values : sequences
        What was observed.
    future_dates, median, low, high : sequences
        The projection: its median path and the band's lower and upper edges,
        all the same length as ``future_dates``.

    Returns
    -------
    Axes
    """
    ax = _axes(ax)
    arrays = {
        "future_dates": np.asarray(future_dates),
        "median": np.asarray(median, dtype=float),
        "low": np.asarray(low, dtype=float),
        "high": np.asarray(high, dtype=float),
    }
    length = len(arrays["future_dates"])
    for name, values in arrays.items():
        if len(values) != length:
            raise ValueError(
                f"{name} must have the same length as future_dates ({length}), got {len(values)}"
            )
    if len(history_dates) != len(history_values):
        raise ValueError(
            f"history_values must have the same length as history_dates "
            f"({len(history_dates)}), got {len(history_values)}"
        )
    # Plain numpy arrays: matplotlib reads datetime64 at once, but first turns a pandas
    # date column into Python objects to check its type (tens of milliseconds a call).
    history = np.asarray(history_dates)
    ax.plot(history, np.asarray(history_values), color=colour, label=label)
    future = arrays["future_dates"]
    ax.plot(future, arrays["median"], color=colour, linestyle="--", label="projection")
    ax.fill_between(
        future, arrays["low"], arrays["high"], color=colour, alpha=0.2, label=band_label
    )
    return format_date_axis(ax)


def bar_chart(
    ax: plt.Axes | None,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    highlight: int | None = None,
    horizontal: bool = True,
    value_format: str = "{:,.0f}",
) -> plt.Axes:
    """Bars with their values written on them; one bar may be highlighted.

    Parameters
    ----------
    labels, values : sequences of the same length
    highlight : int, optional
        Position of the bar to draw in the accent colour (the finding).
    horizontal : bool
        Horizontal bars read better with long labels.
    value_format : str
        Format for the numbers written beside the bars.
    """
    ax = _axes(ax)
    values = np.asarray(values, dtype=float)
    if len(labels) != len(values):
        raise ValueError(
            f"values must have the same length as labels ({len(labels)}), got {len(values)}"
        )
    colours = [COLOURS["grey"]] * len(values)
    if highlight is not None:
        highlight = check_integer("highlight", highlight)
        if not 0 <= highlight < len(values):
            raise ValueError(
                f"highlight must be a bar position in 0..{len(values) - 1}, got {highlight}"
            )
        colours[highlight] = COLOURS["vermillion"]
    positions = np.arange(len(values))
    if horizontal:
        bars = ax.barh(positions, values, color=colours)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
    else:
        bars = ax.bar(positions, values, color=colours)
        ax.set_xticks(positions, labels)
        ax.grid(axis="x", visible=False)
    ax.bar_label(bars, labels=[value_format.format(v) for v in values], padding=3, fontsize=11)
    return ax
