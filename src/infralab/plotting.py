"""The course's figure style and the figure kinds that recur across lessons.

Call :func:`use_course_style` once in a notebook's setup cell. Figures then use
a colour-blind-safe palette (Okabe & Ito), fonts large enough for a projector at
the back of a room, and a size that fits a laptop screen and a printed page.

Every figure in the course states its finding in the title, labels its axes
with units and is followed by one sentence saying what to look at.

A try-it panel redraws its figure at every control move; :class:`ProjectionFigure`
is the projection chart of :func:`plot_projection` made once and updated in
place, quick enough for that.

References
----------
Okabe, M. & Ito, K. (2008). *Color Universal Design: how to make figures and
presentations that are friendly to colorblind people.* https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cycler
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.colors import is_color_like
from matplotlib.figure import Figure

from .validation import _describe, check_choice, check_date, check_integer, check_number

__all__ = [
    "PALETTE",
    "COLOURS",
    "course_style",
    "use_course_style",
    "plot_projection",
    "ProjectionFigure",
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

    In IPython (a notebook's kernel) it also stores each figure's alt text with its
    output, so a screen reader reads what the figure found: the text form of a
    displayed figure (``text/plain``) becomes its title (see :func:`_figure_alt_text`)
    instead of ``<Figure size 720x384 with 1 Axes>``, and its PNG carries the same
    text as ``alt`` metadata, which the HTML handouts (and nbconvert) use.

    Examples
    --------
    >>> use_course_style()
    >>> plt.rcParams["font.size"]
    13.0
    """
    mpl.rcParams.update(course_style())
    _store_alt_text()


def _figure_alt_text(figure: Figure) -> str:
    """What a figure shows, in words for a screen reader: its title.

    The course's figures state their finding in the title, so the alt text is
    the figure's ``suptitle``, or else the titles of its axes joined with ``"; "``
    (in reading order), with line breaks as spaces. A figure without any title
    says so and points to the sentence after it.

    Examples
    --------
    >>> figure, ax = plt.subplots()
    >>> _ = ax.set_title("Storage reaches its limit\\nin March 2027")
    >>> _figure_alt_text(figure)
    'Storage reaches its limit in March 2027'
    >>> plt.close(figure)
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {_describe(figure)}")
    titles = [figure.get_suptitle()]
    if not titles[0].strip():
        titles = [
            title
            for ax in figure.axes
            for title in (ax.get_title("left"), ax.get_title(), ax.get_title("right"))
        ]
    text = "; ".join(" ".join(title.split()) for title in titles if title.strip())
    return text or "A figure without a title: the sentence after it says what it shows"


def _plain_alt_text(figure: Figure, printer, cycle: bool) -> None:
    """IPython's plain-text form of a figure: its alt text."""
    printer.text(_figure_alt_text(figure))


def _store_alt_text() -> None:
    """In IPython, show each figure's alt text as its text form and its PNG's ``alt``."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing displays figures
        return
    shell = get_ipython()
    if shell is None:
        return
    # Matplotlib loads the inline backend on the first figure, and loading it replaces every
    # formatter of Figure: load it now, so the formatters set below are the ones that stay.
    backend = mpl.rcParams["backend"]
    if isinstance(backend, str) and backend.startswith("module://matplotlib_inline"):
        importlib.import_module(backend.removeprefix("module://"))
    formatters = shell.display_formatter.formatters
    formatters["text/plain"].for_type(Figure, _plain_alt_text)
    png = formatters.get("image/png")
    if png is None:
        return
    drawn = png.lookup_by_type(Figure) if Figure in png.type_printers else None
    if drawn is None or getattr(drawn, "_infralab_alt", False):
        return

    def with_alt(figure: Figure):
        data = drawn(figure)
        if data is None:
            return None
        return data, {"alt": _figure_alt_text(figure)}

    with_alt._infralab_alt = True  # type: ignore[attr-defined]
    png.for_type(Figure, with_alt)


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
    line, _ = _limit_mark(_axes(ax), value, label, colour, label_side)
    return line


def _limit_mark(ax: plt.Axes, value: float, label: str, colour: str, label_side: str):
    """The line and label :func:`mark_limit` draws, both returned."""
    line = ax.axhline(value, color=colour, linestyle="--", linewidth=1.6)
    right = label_side == "right"
    text = ax.annotate(
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
    return line, text


def mark_date(ax: plt.Axes, when, label: str, *, colour: str = COLOURS["grey"]):
    """Draw a dotted vertical line at a date, labelled at the top."""
    stamp = check_date("when", when)
    line, _ = _date_mark(_axes(ax), stamp, label, colour)
    return line


def _date_mark(ax: plt.Axes, stamp, label: str, colour: str):
    """The line and label :func:`mark_date` draws, both returned so they can be moved."""
    line = ax.axvline(stamp, color=colour, linestyle=":", linewidth=1.6)
    text = ax.annotate(
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
    return line, text


def _move_date_mark(mark, stamp, label: str, colour: str) -> None:
    """Move a mark made by :func:`_date_mark` to another date, label and colour; show it."""
    line, text = mark
    line.set_xdata([stamp, stamp])
    line.set_color(colour)
    text.xy = (stamp, 1.0)
    text.set_text(label)
    text.set_color(colour)
    line.set_visible(True)
    text.set_visible(True)


def format_date_axis(ax: plt.Axes, *, max_ticks: int = 7) -> plt.Axes:
    """Readable date ticks that never overlap: at most ``max_ticks``, concise labels."""
    max_ticks = check_integer("max_ticks", max_ticks, low=3)
    ax = _axes(ax)
    _date_ticks(ax, mdates.AutoDateLocator(minticks=3, maxticks=max_ticks))
    return ax


def _date_ticks(ax: plt.Axes, locator: mdates.AutoDateLocator) -> None:
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


class _RememberingDateLocator(mdates.AutoDateLocator):
    """The ticks of ``AutoDateLocator``, worked out once per date range rather than per use.

    An axis asks for its ticks several times a draw; each answer walks a calendar rule.
    """

    def __call__(self):
        interval = tuple(self.axis.get_view_interval())
        if getattr(self, "_remembered", (None,))[0] != interval:
            self._remembered = interval, super().__call__()
        return self._remembered[1]


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
    history, values, future, median, low, high = _projection_arrays(
        history_dates, history_values, future_dates, median, low, high
    )
    ax.plot(history, values, color=colour, label=label)
    ax.plot(future, median, color=colour, linestyle="--", label="projection")
    ax.fill_between(future, low, high, color=colour, alpha=0.2, label=band_label)
    return format_date_axis(ax)


def _projection_arrays(history_dates, history_values, future_dates, median, low, high):
    """The six sequences of a projection chart as numpy arrays, after checking their lengths."""
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
    return (
        np.asarray(history_dates),
        np.asarray(history_values),
        arrays["future_dates"],
        arrays["median"],
        arrays["low"],
        arrays["high"],
    )


class ProjectionFigure:
    """A projection chart made once and then updated in place, for a try-it panel.

    :func:`plot_projection` draws a new chart; a panel that redraws on every
    control move would spend most of its time building the figure, its axes,
    ticks and labels again. A ``ProjectionFigure`` builds them once: observed
    history, projected median, prediction band, a dashed limit line (as
    :func:`mark_limit` draws it), date ticks (:func:`format_date_axis`) and a
    legend. :meth:`update` then replaces what changes (the data, the band, the
    dotted date marks as :func:`mark_date` draws them, the title and the date
    range) and returns the figure, for a drawing function of
    :func:`infralab.tryit.try_it` to return.

    The figure is a plain ``matplotlib.figure.Figure`` made outside pyplot:
    ``plt.show()`` and the notebook's inline backend never show it, so a panel
    that updates it leaves no copy after a later cell. To show it, make it a
    cell's last value or ``display`` it. It takes the style in force when it is
    made (call :func:`use_course_style` first).

    A redraw is quick because the chart is laid out once, when it is made (one
    full draw, a tenth of a second or so), for a one-line title and a date
    axis (room included for the year written under the axis when the range is
    a few months), and because what never changes (the y-axis and its grid,
    the limit and its label, the legend) is drawn under what does: its canvas
    copies that layer from the previous draw and draws only the rest, the same
    pixels as a full draw. Change the chart through :meth:`update`; a setting
    changed through matplotlib on a part that is kept (``axes.set_ylabel``,
    say) is drawn afresh too.

    Parameters
    ----------
    ylabel : str
        The y-axis label, with units.
    ylim : (float, float)
        The y-axis range, bottom below top.
    limit : float
        Where the hard limit's dashed line is drawn.
    limit_label : str
        The limit's label, at one end of its line (``limit_side``).
    colour : str
        The colour of the history, projection and band.
    label, band_label : str
        The legend's names for the history and the band.
    limit_side : {"left", "right"}
        Which end of the limit line carries its label.
    legend_loc : str
        Where the legend goes (a fixed place: ``"best"`` would search on every draw).
    max_ticks : int
        At most this many date ticks (:func:`format_date_axis`).

    Attributes
    ----------
    figure : Figure
    axes : Axes

    Examples
    --------
    >>> import pandas as pd
    >>> chart = ProjectionFigure(ylabel="peak CPU (%)", ylim=(0, 130), limit=90,
    ...                          limit_label="90% ceiling")
    >>> history = pd.date_range("2020-01-01", periods=3, freq="D")
    >>> future = pd.date_range("2020-01-03", periods=2, freq="D")
    >>> figure = chart.update(history, [40, 45, 50], future, [50, 55], [48, 50], [52, 60],
    ...                       marks=[("2020-01-03", "today")], title="CPU grows")
    >>> figure is chart.figure, chart.axes.get_title()
    (True, 'CPU grows')
    """

    def __init__(
        self,
        *,
        ylabel: str,
        ylim: tuple[float, float],
        limit: float,
        limit_label: str,
        colour: str = COLOURS["blue"],
        label: str = "observed",
        band_label: str = "80% prediction band",
        limit_side: str = "left",
        legend_loc: str = "upper left",
        max_ticks: int = 7,
    ) -> None:
        ylabel = _check_label("ylabel", ylabel)
        bottom, top = _check_range("ylim", ylim, check_number)
        limit = check_number("limit", limit)
        limit_label = _check_label("limit_label", limit_label)
        colour = _check_colour("colour", colour)
        label = _check_label("label", label)
        band_label = _check_label("band_label", band_label)
        check_choice("limit_side", limit_side, ("left", "right"))
        check_choice("legend_loc", legend_loc, _LEGEND_PLACES)
        max_ticks = check_integer("max_ticks", max_ticks, low=3)

        self.figure = Figure()  # not pyplot's: never shown by plt.show() or the inline backend
        # a title at a fixed height spares a layout pass over the tick labels per draw
        with mpl.rc_context({"axes.titley": 1.0}):
            self.axes = self.figure.add_subplot()
        no_dates = np.array([], dtype="datetime64[ns]")
        plot_projection(
            self.axes, no_dates, [], no_dates, [], [], [],
            label=label, colour=colour, band_label=band_label,
        )  # fmt: skip
        self._history, self._median = self.axes.lines
        (self._band,) = self.axes.collections
        _date_ticks(self.axes, _RememberingDateLocator(minticks=3, maxticks=max_ticks))
        limit_mark = _limit_mark(self.axes, limit, limit_label, COLOURS["vermillion"], limit_side)
        self.axes.set(ylabel=ylabel, ylim=(bottom, top))
        legend = self.axes.legend(loc=legend_loc)
        # What never changes is drawn first, under what does, so that a redraw can copy
        # it (_KeptLayerCanvas): the y-axis with its grid, the limit, the legend. The
        # x-axis (zorder 0.5, its grid under the band too) is the first part that moves.
        self.axes.set_axisbelow(True)
        kept = (self.axes.yaxis, *limit_mark, legend)
        for zorder, artist in zip(_KEPT_ZORDERS, kept, strict=True):
            artist.set_zorder(zorder)
        _KeptLayerCanvas(self.figure, (self.axes.patch, *kept))
        self._marks: list[tuple] = []
        self._lay_out()

    def _lay_out(self) -> None:
        """Lay the chart out once and keep that layout, so every draw puts the axes in one place.

        The placeholder title and dates take the room a one-line title and a date axis
        need, the year written under the axis included (a range of a few months). With
        one layout the canvas can keep the layer that never changes from the start, and
        the first redraw in a panel costs no more than the next.
        """
        self.axes.set_title("Xg")
        self.axes.set_xlim(np.datetime64("2020-02-01"), np.datetime64("2020-11-01"))
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")
        self.axes.set_title("")
        # Where the (empty) x-axis label went, kept: placing it measures every tick label.
        _, height = self.axes.transAxes.inverted().transform(self.axes.xaxis.label.get_position())
        self.axes.xaxis.set_label_coords(0.5, height)

    def update(
        self,
        history_dates: Sequence,
        history_values: Sequence[float],
        future_dates: Sequence,
        median: Sequence[float],
        low: Sequence[float],
        high: Sequence[float],
        *,
        marks: Sequence[tuple] = (),
        title: str = "",
        xlim: tuple | None = None,
    ) -> Figure:
        """Show another projection; return the figure.

        Parameters
        ----------
        history_dates, history_values, future_dates, median, low, high : sequences
            As for :func:`plot_projection`: the observed history, and the
            projection's median and band edges, each as long as ``future_dates``.
        marks : sequence of (date, label) or (date, label, colour)
            Dotted vertical lines, labelled at the top (grey unless a colour is
            given), the label right of the line unless it would leave the axes
            there. The number may change between updates; marks not given are
            hidden.
        title : str
            The chart's title (its finding).
        xlim : (date, date), optional
            The date range shown; from the first date given to the last when None.

        Returns
        -------
        Figure
            ``self.figure``: return it from a try-it drawing function.
        """
        history, values, future, median, low, high = _projection_arrays(
            _dates("history_dates", history_dates),
            _numbers("history_values", history_values),
            _dates("future_dates", future_dates),
            _numbers("median", median),
            _numbers("low", low),
            _numbers("high", high),
        )
        marks = _check_marks(marks)
        title = _check_label("title", title)
        if xlim is None:
            ends = [dates[[0, -1]] for dates in (history, future) if len(dates)]
            if not ends:
                raise ValueError("xlim must be given when there are no dates to show")
            xlim = (min(end[0] for end in ends), max(end[-1] for end in ends))
        left, right = _check_range("xlim", xlim, check_date)

        self._history.set_data(history, values)
        self._median.set_data(future, median)
        self._band.set_verts([_band_vertices(mdates.date2num(future), low, high)])
        for number, (stamp, label, colour) in enumerate(marks):
            if number == len(self._marks):
                self._marks.append(_date_mark(self.axes, stamp, label, colour))
            else:
                _move_date_mark(self._marks[number], stamp, label, colour)
        for mark in self._marks[len(marks) :]:
            for artist in mark:
                artist.set_visible(False)
        self.axes.title.set_text(title)
        self.axes.set_xlim(left, right)
        for _, text in self._marks[: len(marks)]:
            self._keep_inside(text)
        return self.figure

    def _keep_inside(self, text) -> None:
        """Write a date mark's label left of its line where, right of it, it would stick out."""
        text.set_horizontalalignment("left")
        text.xyann = (4, -4)
        if text.get_window_extent(self.figure.canvas.get_renderer()).x1 > self.axes.bbox.x1:
            text.set_horizontalalignment("right")
            text.xyann = (-4, -4)


class _KeptLayerCanvas(FigureCanvasAgg):
    """An Agg canvas that copies the bottom layer of a one-axes chart, which does not change.

    Matplotlib draws an axes' artists in order of their ``zorder``. The bottom
    layer is what it draws before the first artist that is not one of
    ``keepable`` (artists that do not depend on the x-range: they are not
    redrawn when only that moves). This canvas draws in full once, keeps a copy
    of the pixels of that layer, and from then on draws only the artists above
    it, over the copy: the same pixels as a full draw, for a fraction of the
    text. The copy is made again when what it holds may differ: another size or
    resolution, another axes position or y-range, another bottom layer, a
    property of one of its artists set since (:func:`_changed`), or another
    figure background. A figure with more than one axes, or artists of its
    own, is always drawn in full, and so is a figure being saved.
    """

    def __init__(self, figure: Figure, keepable) -> None:
        super().__init__(figure)
        self._keepable = {id(artist) for artist in keepable}
        self._kept = None
        self._key = None
        self._renderers: dict[tuple, RendererAgg] = {}

    def get_renderer(self) -> RendererAgg:
        """The renderer for the figure's size, one per size: saving it trimmed, at another
        size, leaves the usual one, and the text measures matplotlib keeps per renderer."""
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if key not in self._renderers:
            while len(self._renderers) >= _RENDERERS_KEPT:
                del self._renderers[next(iter(self._renderers))]
            self._renderers[key] = RendererAgg(width, height, self.figure.dpi)
        self.renderer = self._renderers[key]
        return self.renderer

    def draw(self) -> None:
        figure = self.figure
        if len(figure.axes) != 1 or len(figure.get_children()) != 2 or self.is_saving():
            super().draw()  # the figure draws more than its patch and one axes: draw it all
            return
        (ax,) = figure.axes
        order = _draw_order(ax)
        first = next((i for i, a in enumerate(order) if id(a) not in self._keepable), len(order))
        kept, redrawn = order[:first], order[first:]
        if self._kept is None or self._key != self._state(ax, kept) or _changed(kept):
            for artist in redrawn:
                artist.set_animated(True)  # Axes.draw leaves animated artists out
            try:
                super().draw()
            finally:
                for artist in redrawn:
                    artist.set_animated(False)
            _mark_drawn(kept)
            self._kept = self.copy_from_bbox(figure.bbox)
            self._key = self._state(ax, kept)
        else:
            self.renderer = self.get_renderer()
            self.restore_region(self._kept)
        for artist in redrawn:
            artist.draw(self.renderer)

    def _state(self, ax, kept) -> tuple:
        """What the kept layer depends on besides its artists' own properties."""
        patch = self.figure.patch  # saving a trimmed figure moves it there and back: compare
        return (
            self.get_width_height(physical=True),
            self.figure.dpi,
            ax.get_position().bounds,
            ax.get_ylim(),
            tuple(map(id, kept)),
            patch.get_visible(),
            patch.get_facecolor(),
            patch.get_edgecolor(),
            patch.get_linewidth(),
        )


def _draw_order(ax: plt.Axes) -> list:
    """The artists ``Axes.draw`` draws, in its order (its ``zorder`` sort, the patch first)."""
    artists = ax.get_children()
    artists.remove(ax.patch)
    frame = ax.axison and ax.get_frame_on()
    if not frame:
        artists = [a for a in artists if a not in ax.spines.values()]
    if not ax.axison:
        artists = [a for a in artists if a not in (ax.xaxis, ax.yaxis)]
    artists.sort(key=lambda artist: artist.zorder)
    return [ax.patch, *artists] if frame else artists


def _changed(artists) -> bool:
    """Whether a property of one of ``artists`` was set since they were drawn.

    Only the artists themselves are asked, not their parts: matplotlib sets the
    parts of an axis (its ticks) or of a legend (its frame) afresh at every draw.
    A setter such as ``set_ylabel``, ``set_text`` or ``set_ydata`` marks the artist.
    """
    return any(artist.stale for artist in artists)


def _mark_drawn(artists) -> None:
    for artist in artists:
        artist.stale = False


#: Where a legend may go: matplotlib's names ("best" searches for room at every draw).
_LEGEND_PLACES = (
    "upper left", "upper right", "lower left", "lower right", "upper center", "lower center",
    "center left", "center right", "center", "right", "best",
)  # fmt: skip
#: How many renderers (one per picture size) a ProjectionFigure's canvas keeps.
_RENDERERS_KEPT = 3
#: The zorders of the y-axis, the limit's line and label, and the legend of a ProjectionFigure.
_KEPT_ZORDERS = (0.41, 0.42, 0.43, 0.44)


def _band_vertices(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The outline of the band between ``low`` and ``high``, as ``fill_between`` draws it."""
    count = len(x)
    if count == 0:
        return np.empty((0, 2))
    vertices = np.empty((2 * count + 2, 2))
    vertices[0] = x[0], high[0]
    vertices[1 : count + 1, 0], vertices[1 : count + 1, 1] = x, low
    vertices[count + 1] = x[-1], high[-1]
    vertices[count + 2 :, 0], vertices[count + 2 :, 1] = x[::-1], high[::-1]
    return vertices


def _dates(name: str, values: object) -> np.ndarray:
    """``values`` as a one-dimensional datetime64 array, or an error naming ``name``."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a sequence of dates, got {_describe(values)}")
    try:
        dates = np.asarray(values)
        if not np.issubdtype(dates.dtype, np.datetime64):
            dates = dates.astype("datetime64[ns]")
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of dates, got {_describe(values)}") from None
    if dates.ndim != 1:
        raise ValueError(f"{name} must be one sequence of dates, got {dates.ndim} dimensions")
    return dates


def _numbers(name: str, values: object) -> np.ndarray:
    """``values`` as a one-dimensional float array, or an error naming ``name``."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a sequence of numbers, got {_describe(values)}")
    try:
        numbers = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers, got {_describe(values)}") from None
    if numbers.ndim != 1:
        raise ValueError(f"{name} must be one sequence of numbers, got {numbers.ndim} dimensions")
    return numbers


def _check_label(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, got {_describe(value)}")
    return value


def _check_colour(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a colour like '#0072B2', got {_describe(value)}")
    if not is_color_like(value):
        raise ValueError(f"{name} must be a colour like '#0072B2', got {_describe(value)}")
    return value


def _check_range(name: str, value: object, check) -> tuple:
    """A (low, high) pair, each checked by ``check(name, ...)``, with low before high."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high), got {_describe(value)}")
    low, high = check(name, value[0]), check(name, value[1])
    if not low < high:
        raise ValueError(f"{name} must go from low to high, got {_describe(value)}")
    return low, high


def _check_marks(marks: object) -> list[tuple]:
    """``marks`` as (Timestamp, label, colour) triples, grey where no colour is given."""
    if isinstance(marks, (str, bytes)) or not isinstance(marks, Sequence):
        raise TypeError(f"marks must be a sequence of (date, label) pairs, got {_describe(marks)}")
    checked = []
    for mark in marks:
        if not isinstance(mark, (tuple, list)) or len(mark) not in (2, 3):
            raise TypeError(
                f"marks must hold (date, label) or (date, label, colour), got {_describe(mark)}"
            )
        stamp = check_date("marks", mark[0])
        label = _check_label("marks", mark[1])
        colour = _check_colour("marks", mark[2]) if len(mark) == 3 else COLOURS["grey"]
        checked.append((stamp, label, colour))
    return checked


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
