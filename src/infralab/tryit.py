"""Interactive "try it" panels: controls that redraw a figure when moved.

A lesson defines a drawing function whose keyword arguments are the knobs, and
calls :func:`try_it` with one control per knob. The panel redraws only when a
control moves; the lesson draws the default figure in the next cell with a
plain call, so the HTML handout and a notebook opened without a kernel still
show the figure.

Examples
--------
>>> import ipywidgets as widgets
>>> def draw(rate=0.01):
...     print(f"doubling in {0.693 / rate:.0f} days")
>>> panel = try_it(draw, rate=widgets.FloatSlider(value=0.01, min=0.001, max=0.05))
>>> type(panel).__name__
'VBox'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import NamedTuple

import ipywidgets as widgets
import matplotlib.pyplot as plt

__all__ = ["Panel", "panels_made", "try_it"]


class Panel(NamedTuple):
    """A panel made by :func:`try_it`: its drawing function and its controls, by name."""

    draw: Callable[..., object]
    controls: Mapping[str, widgets.ValueWidget]


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


def try_it(draw: Callable[..., object], **controls: widgets.ValueWidget) -> widgets.VBox:
    """Return a panel of ``controls`` that calls ``draw(**values)`` whenever one moves.

    Parameters
    ----------
    draw : callable
        Draws a figure (or prints a result) from keyword arguments named like
        the controls.
    **controls : ipywidgets value widgets
        One per keyword argument of ``draw``; each control's ``value`` is
        passed on.

    Returns
    -------
    ipywidgets.VBox
        The controls above an output area. Display it as a cell's last line.

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
    output = widgets.Output()
    hint = widgets.HTML("<em>Move a control to redraw. The figure below shows the defaults.</em>")

    def redraw(_change: object = None) -> None:
        values = {name: control.value for name, control in controls.items()}
        with output:
            output.clear_output(wait=True)
            draw(**values)
            plt.show()

    for control in controls.values():
        control.observe(redraw, names="value")
    _PANELS.append(Panel(draw, dict(controls)))
    return widgets.VBox([*controls.values(), hint, output])
