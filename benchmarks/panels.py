"""Time the redraws of try-it panels; runs inside a notebook's kernel.

:mod:`benchmarks.notebooks` sends one extra cell after a notebook's last one, in
the same kernel, that imports this module and prints :func:`time_panel_updates`
as JSON. It imports nothing but the standard library until it is called.
"""

from __future__ import annotations

import math
import statistics
import time

__all__ = ["time_panel_updates"]


def _another_value(control: object) -> tuple[str, object]:
    """How to move ``control`` to another allowed value: ``(trait, value)``, or ``("", None)``."""
    value = getattr(control, "value", None)
    options = getattr(control, "options", None)
    index = getattr(control, "index", None)
    if options is not None and isinstance(index, int):
        count = len(options)
        return ("index", (index + 1) % count) if count > 1 else ("", None)
    if isinstance(value, bool):
        return "value", not value
    step = getattr(control, "step", None)
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if isinstance(value, (int, float)) and step and low is not None and high is not None:
        base = getattr(control, "base", None)  # a log slider's value is base ** exponent
        candidates = (
            (value * base**step, value / base**step) if base else (value + step, value - step)
        )
        for candidate in candidates:
            if low <= (math.log(candidate, base) if base else candidate) <= high:
                return "value", type(value)(candidate)
        return "", None
    if isinstance(value, tuple) and len(value) == 2 and step and low is not None:
        shifted = (value[0] + step, value[1] + step)
        if shifted[1] <= high:
            return "value", shifted
        shifted = (value[0] - step, value[1] - step)
        return ("value", shifted) if shifted[0] >= low else ("", None)
    if isinstance(value, str):
        return "value", value + " "
    return "", None


def time_panel_updates() -> list[dict[str, object]]:
    """Move every control of every try-it panel made in this process, and time the redraws.

    Each control is moved to another allowed value (the next option, one step, the
    other truth value) and back, twice; the slowest of the four redraws (often the
    first: caches are cold) and their median are kept. The pictures a panel
    remembers are forgotten before each move, so every redraw is drawn afresh.

    Returns
    -------
    list of dict
        One per control: ``panel`` (1 = the first panel made), ``draw`` (the drawing
        function's name), ``control``, ``milliseconds`` (the slowest redraw; NaN with a
        problem), ``median_milliseconds`` and ``problem`` (None, or why no time was taken).
    """
    from infralab.tryit import panels_made

    results: list[dict[str, object]] = []
    for number, panel in enumerate(panels_made(), start=1):
        draw = getattr(panel.draw, "__name__", type(panel.draw).__name__)
        for name, control in panel.controls.items():
            trait, moved = _another_value(control)
            entry = {
                "panel": number,
                "draw": draw,
                "control": name,
                "milliseconds": math.nan,
                "median_milliseconds": math.nan,
                "problem": None,
            }
            if not trait:
                entry["problem"] = f"no other value to try for a {type(control).__name__}"
                results.append(entry)
                continue
            original = getattr(control, trait)
            seconds = []
            try:
                for value in (moved, original, moved, original):
                    panel.forget()  # time a full redraw, not a picture the panel remembers
                    started = time.perf_counter()
                    setattr(control, trait, value)
                    seconds.append(time.perf_counter() - started)
                entry["milliseconds"] = 1000.0 * max(seconds)
                entry["median_milliseconds"] = 1000.0 * statistics.median(seconds)
            except Exception as error:  # the redraw raised: report it, keep timing the others
                entry["problem"] = f"{type(error).__name__}: {error}"
            results.append(entry)
    return results
