"""Ordinary least squares of straight lines: the arithmetic under every growth model.

:func:`_line_fit` fits one line and keeps the centred days and their sum of
squares ``Sxx``, which a bootstrap refit reuses. :func:`_best_split` scores
every split of a series into two independent lines at once, from cumulative
sums: a segment's squared error is ``Syy - Sxy**2 / Sxx`` of its centred sums.
Private to the package (:mod:`~infralab.growth.fitting` and
:mod:`~infralab.growth.projection` use it).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__: list[str] = []


class _Line(NamedTuple):
    """An ordinary least-squares line and the pieces a bootstrap refit reuses."""

    intercept: float
    slope: float
    residuals: np.ndarray
    mean_day: float
    centred_days: np.ndarray  # days - mean_day
    spread: float  # Sxx = centred_days @ centred_days


def _line_fit(x: np.ndarray, y: np.ndarray) -> _Line:
    """Ordinary least squares of ``y`` on ``x``."""
    x_mean = float(x.mean())
    y_mean = y.mean()
    centred = x - x_mean
    spread = float(centred @ centred)
    slope = float(centred @ (y - y_mean) / spread)
    intercept = float(y_mean - slope * x_mean)
    residuals = y - (intercept + slope * x)
    return _Line(intercept, slope, residuals, x_mean, centred, spread)


class _CycleLine(NamedTuple):
    """A straight line plus a repeating pattern (one level per position in the cycle).

    ``intercept`` and ``slope`` describe the trend through the *average*
    position of the cycle; ``pattern[k]`` is how far position ``k`` sits above
    that trend (the pattern averages 0). A bootstrap refit moves the slope by
    ``centred_days @ R / spread`` and the trend's level at ``mean_day`` by
    ``level_weights @ R``; ``group_share[i]`` is ``1 / (points at i's position)``,
    the first term of point ``i``'s leverage.
    """

    intercept: float
    slope: float
    residuals: np.ndarray
    mean_day: float
    centred_days: np.ndarray  # days - mean day of the same position in the cycle
    spread: float
    pattern: np.ndarray  # one value per position 0 .. cycle - 1
    positions: np.ndarray  # each point's position in the cycle
    level_weights: np.ndarray
    group_share: np.ndarray


def _cycle_positions(x: np.ndarray, cycle: int) -> np.ndarray:
    """Position of each day in a cycle of ``cycle`` days (day numbers rounded to whole days)."""
    return np.rint(x).astype(np.int64) % cycle


def _cycle_line_fit(x: np.ndarray, y: np.ndarray, cycle: int) -> _CycleLine:
    """Ordinary least squares of ``y`` on ``x`` with one level per position in the cycle.

    The slope is fitted within positions (each day compared with the days at
    the same position), so a weekly pattern cannot tilt it; the trend passes
    through the average of the positions' levels.
    """
    positions = _cycle_positions(x, cycle)
    counts = np.bincount(positions, minlength=cycle).astype(float)
    present = counts > 0
    safe = np.where(present, counts, 1.0)
    mean_x = np.bincount(positions, weights=x, minlength=cycle) / safe
    mean_y = np.bincount(positions, weights=y, minlength=cycle) / safe
    centred = x - mean_x[positions]
    spread = float(centred @ centred)
    slope = float(centred @ (y - mean_y[positions]) / spread)
    levels = mean_y - slope * mean_x  # each position's own intercept
    intercept = float(levels[present].mean())
    pattern = np.where(present, levels - intercept, 0.0)
    residuals = y - (levels[positions] + slope * x)
    mean_day = float(mean_x[present].mean())
    level_weights = 1.0 / (present.sum() * counts[positions])
    return _CycleLine(
        intercept, slope, residuals, mean_day, centred, spread, pattern, positions,
        level_weights, 1.0 / counts[positions],
    )


def _residual_sd(residuals: np.ndarray) -> float:
    n = residuals.size
    return float(math.sqrt(residuals @ residuals / (n - 2))) if n > 2 else 0.0


def _best_split(x: np.ndarray, y: np.ndarray, min_points: int) -> tuple[int, float]:
    """Index where the later of two independent straight-line segments starts, and its SSE.

    Every split with at least ``min_points`` on each side is scored at once
    from cumulative sums; the split with the smallest total squared error wins
    (the earliest one when several are equal to rounding error).
    """
    x = x - x.mean()  # centring keeps the cumulative sums well conditioned
    y = y - y.mean()
    columns = np.stack([np.ones_like(x), x, y, x * x, y * y, x * y])
    sums = np.concatenate([np.zeros((6, 1)), np.cumsum(columns, axis=1)], axis=1)
    n = x.size
    split = np.arange(min_points, n - min_points + 1)
    left = sums[:, split]
    right = sums[:, -1:] - left

    def sse(part: np.ndarray) -> np.ndarray:
        count, sx, sy, sxx, syy, sxy = part
        centred_xx = sxx - sx * sx / count
        centred_xy = sxy - sx * sy / count
        centred_yy = syy - sy * sy / count
        return np.maximum(centred_yy - centred_xy**2 / centred_xx, 0.0)

    total = sse(left) + sse(right)
    # Splits within rounding error of the best count as ties; the earliest wins.
    tie = 1e-10 * float(y @ y)
    best = int(np.flatnonzero(total <= total.min() + tie)[0])
    return int(split[best]), float(total[best])
