"""A numpy ``Generator`` that replays random numbers drawn beforehand.

A baseline module draws every random number a simulation needs once, then hands
the same numbers to the lesson's public function (through :class:`ReplayGenerator`)
and to its plain-loop twin, so both simulate exactly the same units.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["ReplayGenerator"]


class ReplayGenerator(np.random.Generator):
    """A numpy ``Generator`` that hands out random numbers drawn beforehand, in order.

    Give a simulator's public function the draws a benchmark made, so that its
    vectorised code and a loop see the very same numbers. Each call must ask
    for the next recorded draw by method and shape; anything else raises
    ``RuntimeError``, so a simulator whose draws changed is noticed.

    Parameters
    ----------
    draws : sequence of (str, ndarray)
        ``("integers", array)``, ``("random", array)``, ``("normal", array)``,
        ``("standard_normal", array)``, ``("exponential", array)`` or
        ``("permutation", order)``, in the order the function asks for them.
        ``permutation(x)`` returns ``x[order]`` (or ``order`` itself for an int).

    Examples
    --------
    >>> replay = ReplayGenerator([("integers", np.array([3, 1]))])
    >>> replay.integers(0, 5, size=2)
    array([3, 1])
    """

    _METHODS = frozenset(
        {"integers", "random", "normal", "standard_normal", "exponential", "permutation"}
    )

    def __init__(self, draws: Sequence[tuple[str, np.ndarray]]) -> None:
        super().__init__(np.random.PCG64(0))
        if isinstance(draws, (str, bytes)) or not isinstance(draws, Sequence):
            raise TypeError(f"draws must be a list of (method, values) pairs, got {draws!r}")
        self._draws = []
        for draw in draws:
            if not isinstance(draw, tuple) or len(draw) != 2:
                raise TypeError(f"draws must hold (method, values) pairs, got {draw!r}")
            if draw[0] not in self._METHODS:
                raise ValueError(
                    f"draws must name one of {', '.join(sorted(self._METHODS))}; got {draw[0]!r}"
                )
            self._draws.append(draw)

    def _next(self, method: str, size: object) -> np.ndarray:
        if not self._draws:
            raise RuntimeError(f"{method}(size={size}) asked for, but no recorded draw is left")
        recorded, values = self._draws.pop(0)
        values = np.asarray(values)
        wanted = () if size is None else tuple(np.atleast_1d(size).tolist())
        if recorded != method or (size is not None and values.shape != wanted):
            raise RuntimeError(
                f"{method}(size={size}) asked for, but the next recorded draw is "
                f"{recorded} of shape {values.shape}"
            )
        return values

    def integers(self, low, high=None, size=None, dtype=np.int64, endpoint=False):  # noqa: D102
        return self._next("integers", size)

    def random(self, size=None, dtype=np.float64, out=None):  # noqa: D102
        return self._next("random", size)

    def normal(self, loc=0.0, scale=1.0, size=None):  # noqa: D102
        return self._next("normal", size)

    def standard_normal(self, size=None, dtype=np.float64, out=None):  # noqa: D102
        return self._next("standard_normal", size)

    def exponential(self, scale=1.0, size=None):  # noqa: D102
        return self._next("exponential", size)

    def permutation(self, x, axis=0):  # noqa: D102
        length = x if isinstance(x, (int, np.integer)) else len(x)
        order = self._next("permutation", (length,))
        return order if isinstance(x, (int, np.integer)) else np.asarray(x)[order]
