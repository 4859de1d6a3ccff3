"""How a resource grows: a value, a baseline plus growth, a running total, a weekly cycle.

The projection fits a straight line (on the log scale for the log models) to
*the quantity that grows*, which is not always the resource itself:

- transaction-ID age sits on the 200-million autovacuum baseline, and only the
  amount above it grows: the model fits ``values - baseline``;
- storage is a running total: what is *added* each day grows, and the total
  adds it up from the last observed value, so a trend of additions
  ``a * exp(b * s)`` reaches the limit when its integral
  ``a * (exp(b * t) - 1) / b`` equals the room left.

A weekly cycle (``cycle_days``) is fitted alongside the line in
:mod:`~infralab.growth._least_squares`; this module checks its argument.
Private to the package (:mod:`~infralab.growth.projection` and
:mod:`~infralab.growth.dates` use it).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..validation import check_integer, check_number
from ._least_squares import _cycle_positions
from .fitting import _LOG_MODELS, _transform_limit

__all__: list[str] = []


class _Shape(NamedTuple):
    """How the resource relates to the quantity the model fits.

    ``baseline``: the model fits ``values - baseline`` (transaction-ID age
    grows above the autovacuum baseline). ``running_total``: the model fits
    the daily additions, and the resource is their running total from
    ``anchor``, the last observed value (storage).
    """

    baseline: float = 0.0
    running_total: bool = False
    anchor: float = 0.0


def _check_cycle(cycle_days: object) -> int | None:
    """``cycle_days``, checked: None, or a whole number of days from 2 to 366."""
    if cycle_days is None:
        return None
    return check_integer("cycle_days", cycle_days, low=2, high=366)


def _check_cycle_points(days: np.ndarray, cycle: int | None) -> None:
    """Refuse a cycle with fewer than two fitted points at each of its positions."""
    if cycle is None:
        return
    counts = np.bincount(_cycle_positions(days, cycle), minlength=cycle)
    if counts.min() < 2:
        raise ValueError(
            f"cycle_days = {cycle} needs at least 2 fitted points at each of its {cycle} "
            f"positions (two whole cycles in the window), got {int(counts.min())} at one; "
            "use a longer window_days or cycle_days=None"
        )


def _check_shape(baseline: object, running_total: object) -> tuple[float, bool]:
    """``baseline`` and ``running_total``, checked (a running total has no baseline)."""
    baseline = check_number("baseline", baseline)
    if not isinstance(running_total, (bool, np.bool_)):
        raise TypeError(f"running_total must be True or False, got {running_total!r}")
    if running_total and baseline != 0:
        raise ValueError(
            f"baseline must be 0 for a running total (its additions are fitted), got {baseline:g}"
        )
    return baseline, bool(running_total)


def _quantity_to_fit(
    days: np.ndarray, values: np.ndarray, baseline: float, running_total: bool, *, model: str,
    name: str = "values",
) -> tuple[np.ndarray, np.ndarray, _Shape]:
    """The days and the quantity that grows: values above the baseline, or daily additions.

    Daily additions are the rise from one point to the next divided by the
    days between them, dated at the later point. The log models need the
    quantity to be positive; the message says which day breaks that.
    """
    shape = _Shape(baseline, running_total, float(values[-1]))
    if running_total:
        quantity = np.diff(values) / np.diff(days)
        days = days[1:]
    else:
        quantity = values - baseline
    if model in _LOG_MODELS and not (quantity > 0).all():
        bad = int(np.flatnonzero(~(quantity > 0))[0])
        if running_total:
            raise ValueError(
                f"{name} must rise from each point to the next for a running total with the "
                f"{model} model (it fits the log of the daily additions), got a fall or no "
                f"change at day {days[bad]:g}; use model='linear', or running_total=False"
            )
        raise ValueError(
            f"{name} must be above baseline = {baseline:g} for the {model} model (it fits "
            f"the log of values - baseline), got {values[bad]:g} at day {days[bad]:g}"
        )
    return days, quantity, shape


def _crossings(
    model: str, shape: _Shape, limit: float, level_now: np.ndarray, slopes: np.ndarray
) -> np.ndarray:
    """Days until each trend brings the resource to ``limit`` (0 if there, inf if never).

    ``level_now`` and ``slopes`` describe the fitted quantity at the last
    fitted day, on the model's scale (logs for the log models). For a running
    total, the additions at ``s`` days ahead are ``a * exp(b * s)`` (log
    models) or ``a + b * s`` (linear), and the total reaches the limit when
    their integral equals ``remaining = limit - anchor``:
    ``t = log1p(b * remaining / a) / b``, or ``t = 2 * remaining / (a + sqrt(a**2 +
    2 * b * remaining))``.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if not shape.running_total:
            target = _transform_limit(model, limit - shape.baseline)
            return np.where(
                level_now >= target,
                0.0,
                np.where(slopes > 0, (target - level_now) / slopes, np.inf),
            )
        remaining = limit - shape.anchor
        if remaining <= 0:
            return np.zeros_like(slopes)
        if model in _LOG_MODELS:
            added = np.exp(level_now)
            ratio = slopes * remaining / added
            flat = np.abs(ratio) < 1e-12
            crossing = np.where(flat, remaining / added, np.log1p(ratio) / slopes)
            return np.where(flat | (ratio > -1.0), crossing, np.inf)
        discriminant = level_now**2 + 2.0 * slopes * remaining
        denominator = level_now + np.sqrt(np.maximum(discriminant, 0.0))
        ok = (discriminant >= 0) & (denominator > 0)
        return np.where(ok, 2.0 * remaining / denominator, np.inf)


def _trend_values(
    model: str, shape: _Shape, level_now: float, slope: float, ahead: np.ndarray
) -> np.ndarray:
    """The resource's trend ``ahead`` days after the last fitted day (units of the data)."""
    with np.errstate(over="ignore"):
        if shape.running_total:
            if model in _LOG_MODELS:
                added = math.exp(level_now)
                growth = ahead if abs(slope) < 1e-12 else np.expm1(slope * ahead) / slope
                return shape.anchor + added * growth
            return shape.anchor + level_now * ahead + slope * ahead**2 / 2.0
        line = level_now + slope * ahead
        return shape.baseline + (np.exp(line) if model in _LOG_MODELS else line)
