"""Interactive "try it" panels: controls that redraw a figure when moved.

A lesson defines a drawing function whose keyword arguments are the knobs, and
calls :func:`try_it` with one control per knob. The panel redraws only when a
control moves; the lesson draws the default figure in the next cell with a
plain call, so the HTML handout and a notebook opened without a kernel still
show the figure.

A redraw has to feel immediate (the course's target is 100 ms), so a panel
does three things a plain ``plt.show()`` would not:

- it shows the figure in one image control whose picture is replaced, rather
  than clearing an output area and adding a new figure to it;
- it lays the figure out once (the course style's constrained layout) and
  keeps those axes positions for every later redraw, which halves the cost of
  drawing it; the figure is saved as it is laid out, without trimming;
- it remembers the last pictures it drew, keyed by the controls' values, so
  moving back to a setting already seen costs nothing. This assumes what the
  drawing function draws depends only on its arguments; run the cell again for
  a fresh panel after changing anything else it reads.

A drawing function may also keep one figure and update it in place, which
spares building a figure, its axes, ticks and labels at every move (the bulk
of a redraw): it returns that ``matplotlib.figure.Figure``, and the panel
draws it and leaves it as it is, ready for the next move.
:class:`infralab.plotting.ProjectionFigure` is such a figure. Make it with
``matplotlib.figure.Figure()`` rather than ``plt.figure()``: pyplot does not
know it, so the notebook's inline backend never shows it as a figure of its
own after a later cell (show it on purpose with ``display(figure)``, or as a
cell's last value). A returned figure that the call opened with pyplot is
closed like any other, so a function that draws a new figure and returns it
works either way.

Text the drawing function prints (and warnings), and any error it raises,
appear under the picture. Before the cell is run (a notebook opened fresh, or
without a kernel) the cell's stored output reads as a plain instruction, not
as the panel's internal description.

Examples
--------
>>> import ipywidgets as widgets
>>> def draw(rate=0.01):
...     print(f"doubling in {0.693 / rate:.0f} days")
>>> panel = try_it(draw, rate=widgets.FloatSlider(value=0.01, min=0.001, max=0.05))
>>> type(panel).__name__
'TryItPanel'
>>> panel
Run this cell to get the interactive panel; the figure below shows the default settings.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Mapping
from typing import NamedTuple

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Panel", "TryItPanel", "panels_made", "try_it"]

#: What a try-it cell's stored output says before the cell has been run.
INSTRUCTION = (
    "Run this cell to get the interactive panel; the figure below shows the default settings."
)
#: The panel's caption before the first move, and after it (its own picture then shows).
HINT_BEFORE = "Move a control to redraw. The figure after this panel shows the defaults."
HINT_AFTER = "Your settings, drawn below. The figure after this panel still shows the defaults."
#: Fast PNG compression: a picture is sent at every move, and quickly made matters more.
_PNG_LEVEL = 1
#: How many pictures a panel remembers.
PICTURES_KEPT = 64
#: The width of every slider: room for its label, a track of useful length and a date readout.
_SLIDER_WIDTH = "min(100%, 34em)"
#: The width of the controls' labels: the longest label, in characters, within these bounds.
_LABEL_WIDTH = (6, 22)


class Panel(NamedTuple):
    """A panel made by :func:`try_it`: its drawing function and its controls, by name."""

    draw: Callable[..., object]
    controls: Mapping[str, widgets.ValueWidget]
    #: Forgets the pictures the panel remembers, so the next move draws afresh (for timing).
    forget: Callable[[], None] = lambda: None


class TryItPanel(widgets.VBox):
    """The box :func:`try_it` returns: controls, a hint, the picture and any printed text.

    It is an ordinary ``ipywidgets.VBox`` except for its text form, which is what a
    notebook shows before the cell has been run: a plain instruction.
    """

    def __repr__(self) -> str:
        return INSTRUCTION


#: The panels made in this Python process, newest last (the last 100 are kept), so a
#: tool can time a redraw in a notebook's kernel after running it (``python -m benchmarks``).
_PANELS: deque[Panel] = deque(maxlen=100)


def panels_made() -> tuple[Panel, ...]:
    """Return the panels :func:`try_it` made in this Python process, oldest first.

    Only the last 100 are remembered. Setting a control's ``value`` in a
    returned panel redraws it exactly as moving the control does.

    Returns
    -------
    tuple of Panel

    Examples
    --------
    >>> panel = try_it(print, rate=widgets.FloatSlider(value=0.01))
    >>> panels_made()[-1].controls["rate"].value
    0.01
    """
    return tuple(_PANELS)


def _key(values: Mapping[str, object]) -> Hashable:
    """The controls' values as a dictionary key (their ``repr`` when a value is unhashable)."""
    items = []
    for name, value in values.items():
        try:
            hash(value)
        except TypeError:
            value = repr(value)
        items.append((name, type(value).__name__, value))
    return tuple(items)


def _fit_labels(controls: Mapping[str, widgets.ValueWidget]) -> None:
    """Give every label room for the longest one, and every slider one width, so none is cut."""
    longest = max((len(getattr(c, "description", "") or "") for c in controls.values()), default=0)
    low, high = _LABEL_WIDTH
    width = f"{min(max(longest, low), high) + 1}ch"
    for control in controls.values():
        style = getattr(control, "style", None)
        if style is not None and hasattr(style, "description_width"):
            if style.description_width in ("", None):  # leave a lesson's own choice alone
                style.description_width = width
        if type(control).__name__.endswith("Slider") and not control.layout.width:
            # the default width leaves a short track after a wide label, and clips a date
            control.layout.width = _SLIDER_WIDTH


_Drawn = tuple[bytes | None, str]  # a picture (None: no figure) and the text printed


def _png(pixels: np.ndarray) -> bytes:
    """RGBA pixels (rows of ``height x width x 4`` bytes) as a PNG file.

    Written here rather than by Pillow, which tries five row filters on every
    row to find the one that compresses best: a chart is mostly runs of one
    colour, which compress as well unfiltered, in a third of the time.
    """
    height, width, _ = pixels.shape
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # each row: filter 0, its bytes
    rows[:, 1:] = pixels.reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    image = zlib.compress(rows.tobytes(), _PNG_LEVEL)
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in ((b"IHDR", header), (b"IDAT", image), (b"IEND", b""))
    )


class _Picture:
    """Draws figures into PNG bytes, keeping the first layout and the recent pictures."""

    def __init__(self) -> None:
        self.positions: list | None = None
        self.size: tuple[float, float] | None = None
        self.kept: dict[int, tuple] = {}  # a returned figure's own first layout, by figure
        self.pictures: OrderedDict[Hashable, _Drawn] = OrderedDict()

    def render(self, figure: Figure, *, keep_canvas: bool = False) -> bytes:
        """The figure as PNG bytes, laid out as the first figure this panel rendered.

        With ``keep_canvas`` (a figure the drawing function returned and will draw
        on again) an Agg canvas it already has is drawn on, so its renderer, and
        the text layouts matplotlib remembers per renderer, serve every redraw;
        such a figure keeps its own first layout (a panel may switch between
        several, each laid out for its own labels).
        """
        size = tuple(figure.get_size_inches())
        size_and_positions = (
            self.kept.get(id(figure)) if keep_canvas else (self.size, self.positions)
        )
        if size_and_positions is not None and size_and_positions[1] is not None:
            first_size, positions = size_and_positions
            if size == first_size and len(figure.axes) == len(positions):
                figure.set_layout_engine("none")
                for axes, position in zip(figure.axes, positions, strict=True):
                    axes.set_position(position)
        own = figure.canvas
        if keep_canvas and isinstance(own, FigureCanvasAgg):
            canvas = own
        else:
            canvas = FigureCanvasAgg(figure)  # one pass: no layout pass, no trimming pass
        try:
            canvas.draw()
            pixels = np.asarray(canvas.buffer_rgba())
        finally:
            if keep_canvas and canvas is not own and getattr(own, "manager", None) is not None:
                figure.set_canvas(own)  # a figure in a window of its own keeps its window
        png = _png(pixels)
        layout = [axes.get_position() for axes in figure.axes]
        if keep_canvas:
            self.kept.setdefault(id(figure), (size, layout))
        elif self.positions is None:
            self.positions, self.size = layout, size
        return png

    def draw(self, draw: Callable[..., object], values: Mapping[str, object]) -> _Drawn:
        """Call ``draw(**values)``; return its figure as PNG bytes and the text it wrote.

        The figure is the one ``draw`` returns, or else the newest it opened with
        pyplot. Every figure it opened with pyplot is closed again; a figure it
        returns but did not open with pyplot is left as it is, for its next call.
        """
        open_before = set(plt.get_fignums())
        printed = io.StringIO()
        try:
            # a title at a fixed height spares a layout pass over the tick labels per redraw
            with (
                contextlib.redirect_stdout(printed),
                contextlib.redirect_stderr(printed),  # a warning too
                plt.rc_context({"axes.titley": 1.0}),
            ):
                returned = draw(**values)
            new = [number for number in plt.get_fignums() if number not in open_before]
            if isinstance(returned, Figure):
                # a figure opened for this call alone is drawn and closed like any other
                opened = getattr(returned.canvas.manager, "num", None) in new
                png = self.render(returned, keep_canvas=not opened)
            else:
                png = self.render(plt.figure(new[-1])) if new else None
        finally:
            for number in plt.get_fignums():
                if number not in open_before:
                    plt.close(number)
        return png, printed.getvalue()

    def remember(self, key: Hashable, drawn: _Drawn) -> None:
        self.pictures[key] = drawn
        self.pictures.move_to_end(key)
        while len(self.pictures) > PICTURES_KEPT:
            self.pictures.popitem(last=False)


def try_it(draw: Callable[..., object], **controls: widgets.ValueWidget) -> TryItPanel:
    """Return a panel of ``controls`` that calls ``draw(**values)`` whenever one moves.

    Parameters
    ----------
    draw : callable
        Draws a figure (or prints a result) from keyword arguments named like
        the controls. If it returns a ``matplotlib.figure.Figure``, that figure
        is shown and left open, to be updated and returned again at the next
        move (make it with ``matplotlib.figure.Figure()``, outside pyplot, so
        the notebook does not also show it after a later cell). Otherwise the
        newest figure it opened with pyplot is shown; any other value it
        returns is ignored. Every figure it opened with pyplot is closed.
    **controls : ipywidgets value widgets
        One per keyword argument of ``draw``; each control's ``value`` is
        passed on. Labels are widened to fit the longest one unless a control
        sets its own ``style.description_width``.

    Returns
    -------
    TryItPanel
        An ``ipywidgets.VBox``: the controls, a hint, the picture and an output
        area for printed text. Display it as a cell's last line.

    Raises
    ------
    TypeError
        If ``draw`` is not callable or a control has no ``value``.
    ValueError
        If no control is given.
    """
    if not callable(draw):
        raise TypeError(f"draw must be a function, got {type(draw).__name__}")
    if not controls:
        raise ValueError("controls must name at least one control, got none")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(
                f"control {name} must be an ipywidgets control, got {type(control).__name__}"
            )
    _fit_labels(controls)
    output = widgets.Output()
    # At its own pixel size, capped at the cell's width, like an inline figure: the panel is a
    # flex column, which would otherwise stretch the picture (and its text) to the full width.
    image = widgets.Image(
        format="png",
        layout=widgets.Layout(display="none", max_width="100%", align_self="flex-start"),
    )
    hint = widgets.HTML(f"<em>{HINT_BEFORE}</em>")
    picture = _Picture()

    def show(png: bytes | None) -> None:
        if png is None:
            image.layout.display = "none"
        else:
            image.value = png
            image.layout.display = None

    # Whether the area under the picture shows anything. Writing to it costs a few
    # milliseconds in a kernel (it waits for the output streams), so it is left alone
    # while there is nothing to show and nothing to clear.
    written = False

    def redraw(_change: object = None) -> None:
        nonlocal written
        values = {name: control.value for name, control in controls.items()}
        key = _key(values)
        png, text = None, ""
        try:
            if key in picture.pictures:
                png, text = picture.pictures[key]
                picture.pictures.move_to_end(key)
            else:
                png, text = picture.draw(draw, values)
                picture.remember(key, (png, text))
        except BaseException:
            with output:  # in a notebook the error is shown here, under the picture
                output.clear_output(wait=True)
                written = True
                raise
        else:
            if text or written:
                with output:
                    output.clear_output(wait=True)
                    print(text, end="")
                written = bool(text)
        show(png)
        hint.value = f"<em>{HINT_AFTER}</em>"

    for control in controls.values():
        control.observe(redraw, names="value")
    _PANELS.append(Panel(draw, dict(controls), picture.pictures.clear))
    return TryItPanel([*controls.values(), hint, image, output])
