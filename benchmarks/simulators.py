"""Every simulator of the course with its plain-loop baseline, and how to compare them.

A baseline module, ``benchmarks/<model>.py`` for a lesson's model package
``infralab.<model>`` (``benchmarks/growth.py``, ``benchmarks/tracking.py``), exports
``SIMULATORS``, a tuple of :class:`Simulator` records. The modules are found from
the lessons' registry, :data:`infralab.lessons.LESSONS`, so a new lesson's
baseline needs no entry here (``tests/test_benchmarks.py`` fails when a module
with ``SIMULATORS`` is not named after a lesson's model, and so is not found).

``benchmarks/test_simulators.py`` times every simulator with pytest-benchmark;
``tests/test_simulator_agreement.py`` checks, in the normal test suite, that each
vectorised simulator and its loop compute the same statistics.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from infralab.lessons import LESSONS

__all__ = ["Simulator", "all_simulators", "assert_agree", "baseline_modules"]

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Simulator:
    """A simulator, vectorised and as a plain loop, on the same random draws.

    Attributes
    ----------
    name : str
        What is simulated, as the results table shows it; unique.
    units : str
        What one unit is, plural ("paths of 1,095 days", "workspaces").
    draw : callable
        ``draw(rng, size)``: every random number ``size`` units need (any object;
        ``rng`` is a ``numpy.random.Generator``).
    vectorised : callable
        ``vectorised(draws)``: the statistics, with numpy (usually the lesson's public
        function, handed the draws through :class:`benchmarks.replay.ReplayGenerator`).
    loop : callable
        ``loop(draws)``: the same statistics, one unit at a time in plain Python.
    size : int
        Units per timed run of ``vectorised``.
    loop_size : int
        Units per timed run of ``loop`` (a loop is slow; rates are compared per unit).
    rel_tol, abs_tol : float
        How closely the statistics of the two must agree.
    """

    name: str
    units: str
    draw: Callable[[np.random.Generator, int], object]
    vectorised: Callable[[object], object]
    loop: Callable[[object], object]
    size: int
    loop_size: int
    rel_tol: float = 1e-9
    abs_tol: float = 1e-12

    def __post_init__(self) -> None:
        for label in ("name", "units"):
            text = getattr(self, label)
            if not isinstance(text, str) or not text.strip():
                raise TypeError(f"{label} must be a non-empty text, got {text!r}")
        for label in ("draw", "vectorised", "loop"):
            if not callable(getattr(self, label)):
                raise TypeError(f"{label} must be a function, got {getattr(self, label)!r}")
        for label in ("size", "loop_size"):
            value = getattr(self, label)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{label} must be a whole number >= 1, got {value!r}")
        for label in ("rel_tol", "abs_tol"):
            value = getattr(self, label)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ValueError(f"{label} must be a number >= 0, got {value!r}")


def baseline_modules() -> list[str]:
    """``benchmarks.<model>`` for every lesson's model that has one, in course order."""
    models = dict.fromkeys(model for lesson in LESSONS for model in lesson.models)
    return [f"benchmarks.{model}" for model in models if (_HERE / f"{model}.py").is_file()]


def all_simulators() -> tuple[Simulator, ...]:
    """The ``SIMULATORS`` of every baseline module (:func:`baseline_modules`), in order.

    Raises
    ------
    ValueError
        If two simulators share a name.
    """
    found: list[Simulator] = []
    for module in baseline_modules():
        found.extend(importlib.import_module(module).SIMULATORS)
    names = [simulator.name for simulator in found]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"simulator names must be unique; repeated: {twice}")
    return tuple(found)


def assert_agree(
    vectorised: object, loop: object, *, rel_tol: float = 1e-9, abs_tol: float = 1e-12
) -> None:
    """Raise ``AssertionError`` unless the loop's statistics equal the vectorised ones.

    Both are a mapping of statistic name to numbers (an array, a list, nested lists)
    or a single such value. Values are compared with ``numpy.testing.assert_allclose``
    (NaN equals NaN, an infinity only the same infinity); the message's first line
    names the statistic, the rest is numpy's (where, by how much).

    Examples
    --------
    >>> assert_agree({"mean": [1.0, float("inf")]}, {"mean": (1.0 + 1e-12, float("inf"))})
    >>> assert_agree({"mean": 1.0}, {"median": 1.0})
    Traceback (most recent call last):
    ...
    AssertionError: different statistics: vectorised ['mean'], loop ['median']
    """
    if isinstance(vectorised, Mapping) or isinstance(loop, Mapping):
        if not (isinstance(vectorised, Mapping) and isinstance(loop, Mapping)):
            raise AssertionError(
                f"vectorised gives a {type(vectorised).__name__}, loop a {type(loop).__name__}"
            )
        if set(vectorised) != set(loop):
            raise AssertionError(
                f"different statistics: vectorised {sorted(vectorised)}, loop {sorted(loop)}"
            )
        pairs = [(f"statistic {key!r}", vectorised[key], loop[key]) for key in vectorised]
    else:
        pairs = [("the result", vectorised, loop)]
    for where, expected, got in pairs:
        try:
            np.testing.assert_allclose(
                np.asarray(got, dtype=float),
                np.asarray(expected, dtype=float),
                rtol=rel_tol,
                atol=abs_tol,
            )
        except AssertionError as error:
            raise AssertionError(
                f"{where}: the loop (ACTUAL) differs from the vectorised code (DESIRED)\n"
                f"{str(error).strip()}"
            ) from None
