"""Performance benchmarks of the course: ``python -m infralab.bench`` (``make bench``).

Four promises of the course are measured, each against a target:

- **Notebooks run in seconds.** Every notebook in ``notebooks/``,
  ``solutions/`` and ``exercises/`` is run top to bottom ("Run All", kernel
  start included) exactly as the tests run it: nbclient, the ``python3``
  kernel, offline and with warnings as errors (:func:`infralab.build.guarded_ipython_dir`).
  Beside it, in the same run, a *bare kernel*: a throw-away notebook that only
  imports the course's libraries. Target: each notebook takes at most
  :data:`NOTEBOOK_RATIO_TARGET` times the bare kernel.
- **The test suite is quick.** ``python -m pytest`` in a subprocess, at most
  :data:`SUITE_SECONDS_TARGET` seconds.
- **Simulators are vectorised.** Each simulator registered with
  :func:`register_simulator` is run twice on the same random draws: its
  vectorised implementation and a plain Python loop, one unit (a path, a
  workspace, a user) at a time. Both must compute the same statistics (the
  benchmark checks); the vectorised one must process at least
  :data:`SPEEDUP_TARGET` times more units per second.
- **Try-it panels respond at once.** After a notebook has run, in the same
  kernel, every control of every :func:`infralab.tryit.try_it` panel is moved
  to another value and back; the slowest redraw must take at most
  :data:`WIDGET_UPDATE_TARGET_MS` milliseconds.

``--fresh`` also times a fresh set-up: ``git clone`` of the repository into a
temporary folder, then ``make test`` there (1 to 2 minutes). ``--write`` writes the
results, the targets and a description of the machine to
``docs/performance.md``. The command exits with 1 when a measurement could not
be made (a notebook failed, a simulator's loop disagrees with its vectorised
version); with ``--strict``, also when a target is missed.

Registering a simulator
-----------------------
A lesson module registers each simulator at its end, next to its code, and
the benchmark finds it by importing every module of the package; nothing
here names a lesson::

    from .bench import ReplayGenerator, register_simulator

    register_simulator(
        "sharding: hash workspaces to hosts",
        units="workspaces",
        draw=lambda rng, size: {...the random numbers for `size` units...},
        vectorised=lambda draws: {...statistics, computed with numpy...},
        loop=lambda draws: {...the same statistics, one unit at a time...},
        size=1_000_000,
        loop_size=20_000,
    )

``draw`` makes every random number the simulation needs; ``vectorised``
usually calls the lesson's public function with
``rng=ReplayGenerator(...)``, which hands those very numbers to it, so the
benchmark measures the code learners run.

A *queue* simulator (arrivals waiting for servers) must also pass
``reference=``: the same queue modelled in SimPy, the standard discrete-event
library, on the same draws (pre-drawn arrival and service times give the
same waits). SimPy is not a dependency yet: add it to the ``dev`` extra with
the first queue lesson.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import importlib
import json
import logging
import math
import os
import pkgutil
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .validation import check_flag, check_integer, check_number

__all__ = [
    "NOTEBOOK_FOLDERS",
    "NOTEBOOK_RATIO_TARGET",
    "SPEEDUP_TARGET",
    "SUITE_SECONDS_TARGET",
    "WIDGET_UPDATE_TARGET_MS",
    "NotebookRun",
    "PanelUpdate",
    "ReplayGenerator",
    "Simulator",
    "SimulatorResult",
    "agreement_problem",
    "discover_simulators",
    "main",
    "measure_simulator",
    "register_simulator",
    "run_notebook",
    "speedup",
    "time_panel_updates",
]

#: A notebook's Run All may take at most this many times a bare kernel's.
NOTEBOOK_RATIO_TARGET = 2.0
#: The whole test suite, in seconds.
SUITE_SECONDS_TARGET = 60.0
#: Units per second, vectorised over loop.
SPEEDUP_TARGET = 100.0
#: The slowest redraw of a try-it panel, in milliseconds.
WIDGET_UPDATE_TARGET_MS = 100.0
#: Where notebooks are found, in this order.
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")

#: Modules never imported to discover simulators: the kernel start-up script
#: would switch off the network and turn warnings into errors in this process.
_NOT_IMPORTED = frozenset({"infralab.kernel_guard"})

_TIMEOUT_SECONDS = 600


# --------------------------------------------------------------------------- #
# Simulators: vectorised against a plain loop
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Simulator:
    """A registered simulator: how to draw its random numbers and two ways to simulate.

    Attributes
    ----------
    name : str
        What is simulated, as the results table shows it.
    units : str
        What one unit is, plural ("bootstrap paths of 1,095 days", "workspaces").
    draw : callable
        ``draw(rng, size)`` returns every random number ``size`` units need
        (any object; ``rng`` is a ``numpy.random.Generator``).
    vectorised : callable
        ``vectorised(draws)`` returns the statistics, computed with numpy.
    loop : callable
        ``loop(draws)`` returns the same statistics from the same draws with a
        plain Python loop, one unit at a time.
    size : int
        Units per timed run of ``vectorised``.
    loop_size : int
        Units per timed run of ``loop`` (and of ``reference``); the two
        implementations are compared on these draws.
    reference : callable or None
        ``reference(draws)``: the same system modelled with an established
        library (SimPy for a queue), compared and timed like ``loop``.
    rel_tol, abs_tol : float
        How closely the statistics must agree.
    """

    name: str
    units: str
    draw: Callable[[np.random.Generator, int], object]
    vectorised: Callable[[object], object]
    loop: Callable[[object], object]
    size: int
    loop_size: int
    reference: Callable[[object], object] | None = None
    rel_tol: float = 1e-9
    abs_tol: float = 1e-12


_SIMULATORS: dict[str, Simulator] = {}


def register_simulator(
    name: str,
    *,
    units: str,
    draw: Callable[[np.random.Generator, int], object],
    vectorised: Callable[[object], object],
    loop: Callable[[object], object],
    size: int,
    loop_size: int | None = None,
    reference: Callable[[object], object] | None = None,
    rel_tol: float = 1e-9,
    abs_tol: float = 1e-12,
) -> Simulator:
    """Register a simulator for the benchmark; call it at the end of the lesson module.

    Parameters
    ----------
    name : str
        What is simulated; unique. Registering a name again replaces the
        earlier entry (a module imported twice registers twice).
    units : str
        What one unit is, plural, e.g. ``"workspaces"``.
    draw : callable
        ``draw(rng, size)``: every random number ``size`` units need.
    vectorised : callable
        ``vectorised(draws)``: the statistics, with numpy (usually the
        lesson's public function, given the draws through
        :class:`ReplayGenerator`).
    loop : callable
        ``loop(draws)``: the same statistics, one unit at a time in plain Python.
    size : int
        Units per timed vectorised run (>= 1).
    loop_size : int, optional
        Units per loop run (>= 1; default ``size``): a loop is slow, so it
        may run on fewer units. Rates are compared per unit.
    reference : callable, optional
        The same system modelled with an established library on the same
        draws. Required for a queue simulator: a SimPy model.
    rel_tol, abs_tol : float
        Tolerances for the agreement of the statistics (>= 0).

    Returns
    -------
    Simulator

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    Examples
    --------
    At the end of a lesson module::

        register_simulator(
            "toy: sum of squares",
            units="numbers",
            draw=lambda rng, size: rng.random(size),
            vectorised=lambda x: float((x * x).sum()),
            loop=lambda x: sum(value * value for value in x.tolist()),
            size=1_000_000,
            loop_size=100_000,
        )
    """
    for label, text in (("name", name), ("units", units)):
        if not isinstance(text, str) or not text.strip():
            raise TypeError(f"{label} must be a non-empty text, got {text!r}")
    for label, function in (("draw", draw), ("vectorised", vectorised), ("loop", loop)):
        if not callable(function):
            raise TypeError(f"{label} must be a function, got {type(function).__name__}")
    if reference is not None and not callable(reference):
        raise TypeError(f"reference must be a function or None, got {type(reference).__name__}")
    size = check_integer("size", size, low=1)
    loop_size = size if loop_size is None else check_integer("loop_size", loop_size, low=1)
    simulator = Simulator(
        name=name,
        units=units,
        draw=draw,
        vectorised=vectorised,
        loop=loop,
        size=size,
        loop_size=loop_size,
        reference=reference,
        rel_tol=check_number("rel_tol", rel_tol, low=0.0),
        abs_tol=check_number("abs_tol", abs_tol, low=0.0),
    )
    _SIMULATORS[name] = simulator
    return simulator


def discover_simulators(package: str = "infralab") -> dict[str, Simulator]:
    """Import every module of ``package`` and return the simulators registered, by name.

    ``infralab.kernel_guard`` is never imported: it is a kernel's start-up
    script and would switch off the network in this process.

    Parameters
    ----------
    package : str
        A package name.

    Returns
    -------
    dict of str to Simulator
        Every registered simulator, sorted by name.
    """
    if not isinstance(package, str):
        raise TypeError(f"package must be a package name, got {package!r}")
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=f"{package}."):
        if module.name not in _NOT_IMPORTED and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return dict(sorted(_SIMULATORS.items()))


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


@dataclass(frozen=True)
class SimulatorResult:
    """How fast a simulator ran, vectorised and as a loop.

    Attributes
    ----------
    name, units : str
        As registered.
    vectorised_per_second, loop_per_second : float
        Units per second (NaN when not measured because of a problem).
    reference_per_second : float or None
        Units per second of the reference model, if one is registered.
    problem : str or None
        Why the result cannot be trusted: the implementations disagree, or one
        raised. None when all is well.
    """

    name: str
    units: str
    vectorised_per_second: float
    loop_per_second: float
    reference_per_second: float | None = None
    problem: str | None = None

    @property
    def speedup(self) -> float:
        """Vectorised units per second over loop units per second (NaN with a problem)."""
        if math.isnan(self.vectorised_per_second) or math.isnan(self.loop_per_second):
            return math.nan
        return speedup(self.vectorised_per_second, self.loop_per_second)


def speedup(vectorised_per_second: float, loop_per_second: float) -> float:
    """How many times more units per second the vectorised code processes.

    Parameters
    ----------
    vectorised_per_second, loop_per_second : float
        Units per second of each (>= 0, finite).

    Returns
    -------
    float
        ``vectorised_per_second / loop_per_second``; ``inf`` when the loop
        processed nothing measurable (0 units per second).

    Raises
    ------
    TypeError, ValueError
        For a rate that is not a finite number >= 0; the message names it.

    Examples
    --------
    >>> speedup(2_000_000.0, 10_000.0)
    200.0
    """
    fast = check_number("vectorised_per_second", vectorised_per_second, low=0.0)
    slow = check_number("loop_per_second", loop_per_second, low=0.0)
    if slow == 0:
        return math.inf
    return fast / slow


def _best_seconds(
    function: Callable[[object], object], argument: object, repeats: int, budget: float
) -> tuple[float, object]:
    """Fastest of up to ``repeats`` runs (at least one; stop once ``budget`` seconds are spent)."""
    best, result, spent = math.inf, None, 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        result = function(argument)
        seconds = time.perf_counter() - started
        best, spent = min(best, seconds), spent + seconds
        if spent > budget:
            break
    return max(best, 1e-9), result


def _number_problem(
    where: str, expected: object, got: object, rel: float, tol: float
) -> str | None:
    try:
        wanted = np.asarray(expected, dtype=float)
        answer = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None if expected == got else f"{where}: vectorised {expected!r}, loop {got!r}"
    if wanted.shape != answer.shape:
        return f"{where}: vectorised has shape {wanted.shape}, loop {answer.shape}"
    same = (wanted == answer) | (np.isnan(wanted) & np.isnan(answer))
    finite = np.isfinite(wanted) & np.isfinite(answer)
    same |= finite & np.isclose(answer, wanted, rtol=rel, atol=tol)
    if same.all():
        return None
    flat = int(np.argmin(same.ravel()))
    index = tuple(int(i) for i in np.unravel_index(flat, wanted.shape))
    shown = f"{where}{list(index) if index else ''}".replace(", ", "][")
    return f"{shown}: vectorised {float(wanted[index])!r}, loop {float(answer[index])!r}"


def agreement_problem(
    vectorised: object,
    loop: object,
    *,
    rel_tol: float = 1e-9,
    abs_tol: float = 1e-12,
    where: str = "result",
) -> str | None:
    """Say where two sets of statistics differ, or return None when they agree.

    Mappings are compared key by key, lists and tuples item by item, numbers
    and arrays within the tolerances (NaN equals NaN; an infinity only the
    same infinity); anything else with ``==``.

    Examples
    --------
    >>> agreement_problem({"mean": [1.0, 2.0]}, {"mean": [1.0, 2.5]})
    'result.mean[1]: vectorised 2.0, loop 2.5'
    >>> agreement_problem((1.0, np.inf), [1.0 + 1e-12, np.inf]) is None
    True
    """
    rel_tol = check_number("rel_tol", rel_tol, low=0.0)
    abs_tol = check_number("abs_tol", abs_tol, low=0.0)
    if not isinstance(where, str):
        raise TypeError(f"where must be a text, got {where!r}")
    if isinstance(vectorised, Mapping) or isinstance(loop, Mapping):
        if not (isinstance(vectorised, Mapping) and isinstance(loop, Mapping)):
            kinds = f"{type(vectorised).__name__}, loop {type(loop).__name__}"
            return f"{where}: vectorised gives {kinds}"
        if set(vectorised) != set(loop):
            return f"{where}: vectorised has keys {sorted(vectorised)}, loop {sorted(loop)}"
        for key in vectorised:
            problem = agreement_problem(
                vectorised[key], loop[key], rel_tol=rel_tol, abs_tol=abs_tol, where=f"{where}.{key}"
            )
            if problem:
                return problem
        return None
    nested = (list, tuple)
    if isinstance(vectorised, nested) and any(
        isinstance(item, (Mapping, *nested)) for item in vectorised
    ):
        if not isinstance(loop, nested) or len(loop) != len(vectorised):
            return f"{where}: vectorised has {len(vectorised)} items, loop {_length_text(loop)}"
        for index, (left, right) in enumerate(zip(vectorised, loop, strict=True)):
            problem = agreement_problem(
                left, right, rel_tol=rel_tol, abs_tol=abs_tol, where=f"{where}[{index}]"
            )
            if problem:
                return problem
        return None
    return _number_problem(where, vectorised, loop, rel_tol, abs_tol)


def _length_text(value: object) -> str:
    try:
        return str(len(value))  # type: ignore[arg-type]
    except TypeError:
        return f"a {type(value).__name__}"


def measure_simulator(
    simulator: Simulator, *, seed: int = 0, repeats: int = 3, budget_seconds: float = 5.0
) -> SimulatorResult:
    """Check that a simulator's loop agrees with its vectorised code, then time both.

    Parameters
    ----------
    simulator : Simulator
        As returned by :func:`register_simulator`.
    seed : int
        Seed of the draws.
    repeats : int
        Timed runs of each implementation (the fastest counts); fewer when
        ``budget_seconds`` is spent.
    budget_seconds : float
        Time after which no further repeat of an implementation starts.

    Returns
    -------
    SimulatorResult
        With ``problem`` set (and no rates) if the loop, the reference or the
        vectorised code disagree or raise.
    """
    if not isinstance(simulator, Simulator):
        raise TypeError(f"simulator must be a Simulator, got {type(simulator).__name__}")
    repeats = check_integer("repeats", repeats, low=1)
    budget = check_number("budget_seconds", budget_seconds, low=0.0)
    generator = np.random.default_rng(check_integer("seed", seed, low=0))

    def failed(problem: str) -> SimulatorResult:
        return SimulatorResult(simulator.name, simulator.units, math.nan, math.nan, None, problem)

    stage = "draw"
    try:
        small = simulator.draw(generator, simulator.loop_size)
        stage = "vectorised"
        expected = simulator.vectorised(small)
        stage = "loop"
        loop_seconds, got = _best_seconds(simulator.loop, small, repeats, budget)
        problem = agreement_problem(
            expected, got, rel_tol=simulator.rel_tol, abs_tol=simulator.abs_tol
        )
        if problem:
            return failed(f"vectorised and loop disagree: {problem}")
        reference_rate = None
        if simulator.reference is not None:
            stage = "reference"
            reference_seconds, modelled = _best_seconds(simulator.reference, small, repeats, budget)
            problem = agreement_problem(
                expected, modelled, rel_tol=simulator.rel_tol, abs_tol=simulator.abs_tol
            )
            if problem:
                problem = problem.replace("loop", "reference")
                return failed(f"vectorised and reference disagree: {problem}")
            reference_rate = simulator.loop_size / reference_seconds
        stage = "draw"
        large = simulator.draw(generator, simulator.size)
        stage = "vectorised"
        vectorised_seconds, _ = _best_seconds(simulator.vectorised, large, repeats, budget)
    except Exception as error:  # report, and go on with the other simulators
        return failed(f"{stage} raised {type(error).__name__}: {error}")
    return SimulatorResult(
        simulator.name,
        simulator.units,
        simulator.size / vectorised_seconds,
        simulator.loop_size / loop_seconds,
        reference_rate,
        None,
    )


# --------------------------------------------------------------------------- #
# Notebooks and try-it panels
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class PanelUpdate:
    """One control of a try-it panel moved to another value and back.

    Attributes
    ----------
    panel : int
        The panel's number in the notebook (1 = the first panel made).
    draw : str
        Name of the panel's drawing function.
    control : str
        The control moved.
    milliseconds : float
        The slowest of the redraws, the first one included (NaN with a problem).
    median_milliseconds : float
        The median redraw: what moving the control usually costs.
    problem : str or None
        Why no time was taken: the redraw raised, or the control has no other value.
    """

    panel: int
    draw: str
    control: str
    milliseconds: float
    median_milliseconds: float = math.nan
    problem: str | None = None


@dataclass(frozen=True)
class NotebookRun:
    """One Run All of a notebook, kernel start included.

    Attributes
    ----------
    name : str
        ``folder/file.ipynb``, or ``"bare kernel"``.
    seconds : float
        The fastest of the runs, from starting the kernel to the end of the
        last cell (NaN with a problem).
    panel_updates : tuple of PanelUpdate
        Every control of every try-it panel the notebook made, timed after
        the first run in the same kernel.
    problem : str or None
        The cell that failed and its error.
    """

    name: str
    seconds: float
    panel_updates: tuple[PanelUpdate, ...] = ()
    problem: str | None = None


_PROBE_MARK = "infralab-bench-panels "
_PROBE = (
    "import json\n"
    "from infralab.bench import time_panel_updates\n"
    f"print({_PROBE_MARK!r} + json.dumps(time_panel_updates()))"
)


def _notebook_paths(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Every notebook of the course: ``notebooks/``, ``solutions/``, ``exercises/``, by name.

    Parameters
    ----------
    root : path-like, optional
        The course checkout; found from the current folder by default.

    Returns
    -------
    list of pathlib.Path
    """
    top = _root(root)
    return [
        path
        for folder in NOTEBOOK_FOLDERS
        for path in sorted((top / folder).glob("*.ipynb"))
        if path.is_file()
    ]


def _course_imports(folders: Sequence[Path] | None = None) -> list[str]:
    """The ``infralab`` modules the course's notebooks import, found in their code cells."""
    import ast

    import nbformat

    from .paths import course_root

    if folders is None:
        top = course_root()
        folders = [top / name for name in NOTEBOOK_FOLDERS]
    found: set[str] = set()
    for folder in folders:
        for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type != "code":
                    continue
                try:
                    tree = ast.parse(cell.source)
                except SyntaxError:  # a cell of IPython magics
                    continue
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        found |= {alias.name for alias in node.names}
                    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                        found.add(node.module)
                        found |= {f"{node.module}.{alias.name}" for alias in node.names}
    modules = []
    for name in sorted(found):
        if name.split(".")[0] == "infralab" and _find_spec_quietly(name):
            modules.append(name)
    return modules


def _find_spec_quietly(name: str) -> bool:
    """True if ``name`` is an importable module (not a function or constant of one)."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, AttributeError):
        return False


def _bare_kernel_notebook():
    """A notebook that only imports the course's libraries and applies the course style.

    Its Run All is the yardstick of every notebook's: the part no lesson can
    make faster (starting Python and the kernel, importing numpy, pandas,
    matplotlib, ipywidgets and the course's own modules that the notebooks
    import, found in their code cells).

    Returns
    -------
    nbformat.NotebookNode
    """
    from nbformat.v4 import new_code_cell, new_notebook

    course_modules = "".join(
        f"import {name}\n" for name in _course_imports() if name != "infralab"
    )
    source = (
        "import ipywidgets as widgets\n"
        "import matplotlib.pyplot as plt\n"
        "import numpy as np\n"
        "import pandas as pd\n"
        "\n"
        "import infralab\n"
        f"{course_modules}"
        "from infralab.plotting import use_course_style\n"
        "from infralab.tryit import try_it\n"
        "\n"
        "use_course_style()"
    )
    notebook = new_notebook(cells=[new_code_cell(source)])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


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

    Runs inside a notebook's kernel, after the notebook (the benchmark sends
    it as one extra cell). Each control is moved to another allowed value
    (the next option, one step, the other truth value) and back, twice; the
    slowest of the four redraws (often the first: caches are cold) and their
    median are kept.

    Returns
    -------
    list of dict
        One per control, with the fields of :class:`PanelUpdate` (JSON-ready).
    """
    from .tryit import panels_made

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
                    started = time.perf_counter()
                    setattr(control, trait, value)
                    seconds.append(time.perf_counter() - started)
                entry["milliseconds"] = 1000.0 * max(seconds)
                entry["median_milliseconds"] = 1000.0 * float(np.median(seconds))
            except Exception as error:  # the redraw raised: report it, keep timing the others
                entry["problem"] = f"{type(error).__name__}: {error}"
            results.append(entry)
    return results


def _milliseconds(value: object) -> float:
    return math.nan if value is None else float(value)


def _panel_updates(outputs: Sequence[Mapping[str, object]]) -> tuple[PanelUpdate, ...]:
    text = "".join(
        str(output.get("text", "")) for output in outputs if output.get("name") == "stdout"
    )
    for line in text.splitlines():
        if line.startswith(_PROBE_MARK):
            return tuple(
                PanelUpdate(
                    int(entry["panel"]),
                    str(entry["draw"]),
                    str(entry["control"]),
                    _milliseconds(entry.get("milliseconds")),
                    _milliseconds(entry.get("median_milliseconds")),
                    entry.get("problem"),
                )
                for entry in json.loads(line[len(_PROBE_MARK) :])
            )
    errors = [output for output in outputs if output.get("output_type") == "error"]
    if errors:
        raise RuntimeError(f"{errors[0].get('ename')}: {errors[0].get('evalue')}")
    return ()


def _error_summary(error: BaseException) -> str:
    name = getattr(error, "ename", None) or type(error).__name__
    value = getattr(error, "evalue", None)
    if value is None:
        value = str(error).strip().splitlines()[-1] if str(error).strip() else ""
    return f"{name}: {value}" if value else name


class _GuardedKernels:
    """Kernels started inside this context run :mod:`infralab.kernel_guard` first."""

    def __enter__(self) -> _GuardedKernels:
        from .build import guarded_ipython_dir

        self._folder = guarded_ipython_dir()
        self._previous = os.environ.get("IPYTHONDIR")
        os.environ["IPYTHONDIR"] = str(self._folder)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._previous is None:
            os.environ.pop("IPYTHONDIR", None)
        else:
            os.environ["IPYTHONDIR"] = self._previous
        shutil.rmtree(self._folder, ignore_errors=True)


async def _run_cells(notebook, folder: Path, time_panels: bool, timeout: int):
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell

    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(folder)}},
    )
    client.reset_execution_trackers()
    started = time.perf_counter()
    # The kernel's own start-up chatter (TCP without encryption...) is not a result.
    async with client.async_setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        for index, cell in enumerate(notebook.cells):
            try:
                await client.async_execute_cell(
                    cell, index, execution_count=client.code_cells_executed + 1
                )
            except Exception as error:
                raise RuntimeError(f"cell {index + 1}: {_error_summary(error)}") from None
        seconds = time.perf_counter() - started
        updates: tuple[PanelUpdate, ...] = ()
        if time_panels:
            probe = new_code_cell(_PROBE)
            notebook.cells.append(probe)
            try:
                await client.async_execute_cell(probe, len(notebook.cells) - 1)
            except Exception as error:
                raise RuntimeError(f"timing the try-it panels: {_error_summary(error)}") from None
            updates = _panel_updates(probe.outputs)
    return seconds, updates


def run_notebook(
    notebook: str | os.PathLike[str] | None = None,
    *,
    repeats: int = 1,
    time_panels: bool = True,
    timeout: int = _TIMEOUT_SECONDS,
) -> NotebookRun:
    """Run a notebook top to bottom as the tests do, and time it.

    Each run starts a fresh ``python3`` kernel with the kernel guard (offline,
    warnings are errors), in the notebook's folder, and executes every cell
    with nbclient; nothing is written back.

    Parameters
    ----------
    notebook : path-like, optional
        The notebook; the bare kernel (:func:`_bare_kernel_notebook`) when None.
    repeats : int
        Runs (>= 1); the fastest counts.
    time_panels : bool
        After the first run, in the same kernel, time every control of every
        try-it panel (:func:`time_panel_updates`).
    timeout : int
        Seconds one cell may take.

    Returns
    -------
    NotebookRun
        With ``problem`` set when a cell failed (the cell's number, from 1,
        and the error).
    """
    import nbformat

    repeats = check_integer("repeats", repeats, low=1)
    timeout = check_integer("timeout", timeout, low=1)
    time_panels = check_flag("time_panels", time_panels)
    if notebook is None:
        name, folder = "bare kernel", Path.cwd()
    elif isinstance(notebook, (str, os.PathLike)):
        path = Path(notebook)
        if not path.is_file() or path.suffix != ".ipynb":
            raise FileNotFoundError(f"notebook must be an existing .ipynb file, got {path}")
        name, folder = f"{path.parent.name}/{path.name}", path.parent.resolve()
    else:
        raise TypeError(f"notebook must be a path or None, got {type(notebook).__name__}")
    best, updates = math.inf, ()
    with _GuardedKernels():
        for run in range(repeats):
            copy = (
                _bare_kernel_notebook() if notebook is None else nbformat.read(path, as_version=4)
            )
            try:
                seconds, found = asyncio.run(
                    _run_cells(copy, folder, time_panels and run == 0, timeout)
                )
            except Exception as error:
                return NotebookRun(name, math.nan, updates, str(error) or type(error).__name__)
            best = min(best, seconds)
            updates = updates or found
    return NotebookRun(name, best, updates)


# --------------------------------------------------------------------------- #
# The test suite and a fresh set-up
# --------------------------------------------------------------------------- #


def _root(root: str | os.PathLike[str] | None) -> Path:
    from .paths import course_root

    if root is None:
        return course_root()
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path, got {root!r}")
    return Path(root)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _time_command(command: Sequence[str], folder: Path) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(list(command), cwd=folder, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done.returncode, done.stdout + done.stderr


def _time_test_suite(root: str | os.PathLike[str] | None = None) -> tuple[float, bool, str]:
    """Run ``python -m pytest -q -p no:cacheprovider`` in the course folder; time it.

    Returns
    -------
    tuple of (float, bool, str)
        Seconds, whether the suite passed, and pytest's summary line.
    """
    seconds, status, output = _time_command(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], _root(root)
    )
    return seconds, status == 0, _last_line(output).strip("= ")


def _time_fresh_setup(root: str | os.PathLike[str] | None = None) -> tuple[float, bool, str]:
    """``git clone`` the course into a temporary folder and run ``make test`` there; time both.

    The clone holds the last commit: changes not yet committed are not part of it.

    Returns
    -------
    tuple of (float, bool, str)
        Seconds, whether ``make test`` passed, and the last line it printed.
    """
    top = _root(root)
    with tempfile.TemporaryDirectory(prefix="infralab-fresh-") as folder:
        clone = Path(folder) / "course"
        started = time.perf_counter()
        cloned = subprocess.run(
            ["git", "clone", "--quiet", str(top), str(clone)],
            capture_output=True,
            text=True,
            check=False,
        )
        if cloned.returncode:
            return time.perf_counter() - started, False, _last_line(cloned.stderr)
        _, status, output = _time_command(["make", "test", f"PYTHON={sys.executable}"], clone)
        return time.perf_counter() - started, status == 0, _last_line(output).strip("= ")


# --------------------------------------------------------------------------- #
# The results table and the page
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Measurement:
    """One row of the results table.

    Attributes
    ----------
    section : str
        ``"notebooks"``, ``"simulators"``, ``"widgets"``, ``"suite"`` or ``"set-up"``.
    item : str
        What was measured.
    result : str
        The number, with its unit.
    target : str
        The target, in words; empty when the row has none (the bare kernel).
    status : str
        ``"met"``, ``"missed"``, ``"error"`` or ``""`` (no target).
    note : str
        Why a target was missed or what went wrong.
    """

    section: str
    item: str
    result: str
    target: str = ""
    status: str = ""
    note: str = ""


def _status(met: bool) -> str:
    return "met" if met else "missed"


def _notebook_rows(runs: Sequence[NotebookRun], bare: NotebookRun) -> list[_Measurement]:
    """Rows for the bare kernel, each notebook (seconds, ratio) and each panel's slowest control."""
    target = f"<= {NOTEBOOK_RATIO_TARGET:g} x bare kernel"
    rows = [
        _Measurement(
            "notebooks",
            "Run All, bare kernel (imports only)",
            f"{bare.seconds:.2f} s" if bare.problem is None else "failed",
            status="" if bare.problem is None else "error",
            note=bare.problem or "",
        )
    ]
    for run in runs:
        if run.problem is not None or bare.problem is not None:
            rows.append(
                _Measurement(
                    "notebooks",
                    f"Run All, {run.name}",
                    "failed",
                    target,
                    "error",
                    run.problem or "no bare-kernel time to compare with",
                )
            )
            continue
        ratio = run.seconds / bare.seconds
        rows.append(
            _Measurement(
                "notebooks",
                f"Run All, {run.name}",
                f"{run.seconds:.2f} s = {ratio:.2f} x",
                target,
                _status(ratio <= NOTEBOOK_RATIO_TARGET),
            )
        )
    for run in runs:
        panels: dict[tuple[int, str], list[PanelUpdate]] = {}
        for update in run.panel_updates:
            panels.setdefault((update.panel, update.draw), []).append(update)
        for (number, draw), updates in panels.items():
            item = f"{run.name}, panel {number} ({draw})"
            problems = [f"{u.control}: {u.problem}" for u in updates if u.problem]
            timed = [u for u in updates if u.problem is None]
            if not timed:
                note = "; ".join(problems)
                rows.append(_Measurement("widgets", item, "failed", "", "error", note))
                continue
            slowest = max(timed, key=lambda u: u.milliseconds)
            met = slowest.milliseconds <= WIDGET_UPDATE_TARGET_MS and not problems
            rows.append(
                _Measurement(
                    "widgets",
                    item,
                    f"{slowest.milliseconds:.0f} ms, median {slowest.median_milliseconds:.0f} ms "
                    f"(slowest control: {slowest.control})",
                    f"<= {WIDGET_UPDATE_TARGET_MS:g} ms per update",
                    "error" if problems else _status(met),
                    "; ".join(problems),
                )
            )
    return rows


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


def _simulator_rows(results: Sequence[SimulatorResult]) -> list[_Measurement]:
    """One row per simulator: units per second, vectorised and loop, and the speed-up."""
    rows = []
    for result in results:
        target = f">= {SPEEDUP_TARGET:g} x the loop"
        if result.problem is not None:
            rows.append(
                _Measurement("simulators", result.name, "failed", target, "error", result.problem)
            )
            continue
        text = (
            f"{_rate(result.vectorised_per_second)} vs {_rate(result.loop_per_second)} "
            f"{result.units}/s = {result.speedup:,.0f} x"
        )
        if result.reference_per_second is not None:
            text += f" (reference model: {_rate(result.reference_per_second)}/s)"
        rows.append(
            _Measurement(
                "simulators", result.name, text, target, _status(result.speedup >= SPEEDUP_TARGET)
            )
        )
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _format_table(rows: Sequence[_Measurement]) -> str:
    """The results as a Markdown table (readable as plain text too).

    Examples
    --------
    >>> print(_format_table([_Measurement("suite", "pytest", "21.0 s", "<= 60 s", "met")]))
    | what | result | target | status |
    |---|---|---|---|
    | pytest | 21.0 s | <= 60 s | met |
    """
    lines = ["| what | result | target | status |", "|---|---|---|---|"]
    for row in rows:
        status = row.status + (f": {row.note}" if row.note else "")
        lines.append(
            f"| {_cell(row.item)} | {_cell(row.result)} | {_cell(row.target)} | {_cell(status)} |"
        )
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            return (
                subprocess.run(
                    ["sysctl", "-n", "machdep.cpu.brand_string"],
                    capture_output=True,
                    text=True,
                    check=False,
                ).stdout.strip()
                or platform.machine()
            )
        except OSError:
            pass
    return platform.processor() or platform.machine() or "unknown"


def _memory_gib() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (AttributeError, ValueError, OSError):
        return None


def _machine_description() -> dict[str, str]:
    """The machine the numbers were measured on: CPU, cores, RAM, OS, Python, date.

    Returns
    -------
    dict of str to str
    """
    memory = _memory_gib()
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count() or "unknown"),
        "RAM": "unknown" if memory is None else f"{memory:.0f} GiB",
        "OS": platform.platform(terse=True),
        "Python": platform.python_version(),
        "date": _dt.date.today().isoformat(),
    }


_PAGE_INTRO = """\
# Performance

Generated by `python -m infralab.bench --write` (`make bench` prints the same table without
writing it); edit `src/infralab/bench.py`, not this page, except the section "Why a target is
missed", which is written by hand and kept by `--write`. The numbers are from one run on the
machine described at the end; rerun the benchmark after changing a lesson, a simulator or a
dependency, and commit this page with the change.

## Targets

{targets}

How each is measured:

- **Notebooks** run as the tests run them: nbclient, the `python3` kernel, started with
  `infralab/kernel_guard.py` (offline, warnings are errors), in the notebook's folder. The
  time runs from starting the kernel to the end of the last cell, the fastest of
  `--repeats` runs. The *bare kernel* is a throw-away notebook that only imports numpy, pandas,
  matplotlib (with the course style), ipywidgets and the course package, measured in the same
  run, so the ratio depends little on the machine's speed.
- **Simulators** register themselves with `infralab.bench.register_simulator` at the end of
  their lesson module (the benchmark imports every module of the package to find them). The
  benchmark draws the random numbers once, checks that the vectorised code and the loop compute
  the same statistics from them, then times both (fastest of `--repeats` runs). A queue
  simulator must also register a SimPy model of the same queue (`reference=`), compared and
  timed the same way.
- **Try-it panels**: after a notebook's run, in the same kernel, every control of every panel
  made by `infralab.tryit.try_it` is moved to another value (the next option, one step) and
  back, twice. The slowest of those redraws counts against the target (the first is often the
  slowest: caches are cold); the table also shows the median redraw of that control.
- **Test suite**: `python -m pytest -q -p no:cacheprovider` in a subprocess.
- **Fresh set-up** (`--fresh`, no target): `git clone` of the last commit into a temporary
  folder, then `make test` there, which creates `.venv` and installs everything first.
"""

_PAGE_CANARY = """\
## The canary: newest releases of every dependency

`make canary` (`python -m infralab.canary`) installs the course in a throw-away virtual
environment with the newest release of every dependency (ignoring `constraints.txt`), runs
every notebook in nbval's error-only mode with warnings as errors and the kernel guard, and
says which notebook broke, at which cell, and which library the failure comes from, with the
versions that differ from the pins. It needs the package index, not the notebooks' network.

Run it:

- **monthly**, to hear about deprecations while they are still warnings;
- **before each workshop**, in case learners install without the constraints (conda users,
  an old Binder image, a `pip install` by hand);
- **after a release** of numpy, pandas, matplotlib, scipy, ipywidgets, nbclient or nbval.

A failure does not break the course, which stays pinned: it is the to-do list for the next
deliberate upgrade (`docs/maintaining.md`, "Upgrading a library").
"""


def _targets_table() -> str:
    targets = [
        (
            "Run All of each notebook in `notebooks/`, `solutions/`, `exercises/`",
            f"<= {NOTEBOOK_RATIO_TARGET:g} x a bare kernel",
            "a learner waits for the kernel anyway; a lesson may at most double that",
        ),
        (
            "the whole test suite, `python -m pytest`",
            f"<= {SUITE_SECONDS_TARGET:g} s",
            "maintainers run it after every edit",
        ),
        (
            "each registered simulator: vectorised vs a plain Python loop on the same draws",
            f">= {SPEEDUP_TARGET:g} x the units per second",
            "the course teaches vectorised numpy; a loop per event or user is what it replaces",
        ),
        (
            "each control of each try-it panel: one redraw",
            f"<= {WIDGET_UPDATE_TARGET_MS:g} ms",
            "feels instant when a slider moves",
        ),
    ]
    lines = ["| what | target | why |", "|---|---|---|"]
    lines += [f"| {what} | {target} | {why} |" for what, target, why in targets]
    return "\n".join(lines)


#: The hand-written section of docs/performance.md that ``--write`` keeps: why a target is
#: missed and what would meet it. It runs from this heading to the next "## " heading.
_NOTES_HEADING = "## Why a target is missed"


def _notes_in(page_text: str) -> str:
    """The hand-written notes section of an existing page ("" when there is none)."""
    start = page_text.find(f"\n{_NOTES_HEADING}\n")
    if start < 0:
        return ""
    end = page_text.find("\n## ", start + 1)
    return page_text[start + 1 : end if end >= 0 else len(page_text)].rstrip() + "\n"


def _performance_page(
    rows: Sequence[_Measurement], machine: Mapping[str, str], notes: str = ""
) -> str:
    """The text of ``docs/performance.md``: targets, how they are measured, results, machine.

    ``notes``, the page's hand-written section (see :func:`_notes_in`), follows the results.
    """
    missed = [row for row in rows if row.status in ("missed", "error")]
    verdict = (
        "Every target is met."
        if not missed
        else f"{len(missed)} of {sum(bool(row.status) for row in rows)} targets missed or not "
        "measured (see the status column)."
    )
    intro = _PAGE_INTRO.format(targets=_targets_table())
    machine_lines = "\n".join(f"- **{key}**: {value}" for key, value in machine.items())
    return (
        f"{intro}\n## Results\n\n{verdict}\n\n{_format_table(rows)}\n\n"
        f"{notes + chr(10) if notes else ''}"
        f"## Machine\n\n{machine_lines}\n\n{_PAGE_CANARY}"
    )


# --------------------------------------------------------------------------- #
# The command
# --------------------------------------------------------------------------- #


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m infralab.bench",
        description="Measure notebook run times, simulator speed, try-it redraws and the test "
        "suite against the course's targets; print a table.",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="also time git clone + make test in a temporary folder (1 to 2 minutes)",
    )
    parser.add_argument(
        "--write", action="store_true", help="write the results to docs/performance.md"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with 1 when a target is missed, not only on errors",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs of each notebook and simulator; the fastest counts (default 3)",
    )
    parser.add_argument(
        "--only",
        choices=("notebooks", "simulators", "suite"),
        help="measure one part only (notebooks include the try-it panels)",
    )
    return parser


def _check_argv(argv: object) -> list[str] | None:
    """``argv`` checked: None (the command line) or a sequence of texts."""
    if argv is None:
        return None
    if isinstance(argv, (str, bytes)) or not isinstance(argv, Sequence):
        raise TypeError(f"argv must be a list of command-line words, got {argv!r}")
    if not all(isinstance(word, str) for word in argv):
        raise TypeError(f"argv must hold texts only, got {argv!r}")
    return list(argv)


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (the ``python -m infralab.bench`` command); return the exit status."""
    arguments = _parser().parse_args(_check_argv(argv))
    logging.getLogger("tornado.general").setLevel(logging.ERROR)  # closed-stream chatter
    if arguments.repeats < 1:
        _parser().error("--repeats must be >= 1")
    if arguments.write and arguments.only:
        _parser().error("--write needs every measurement: leave out --only")
    root = _root(None)
    wanted = {arguments.only} if arguments.only else {"notebooks", "simulators", "suite"}
    rows: list[_Measurement] = []

    if "notebooks" in wanted:
        _progress("bare kernel ...")
        bare = run_notebook(None, repeats=arguments.repeats, time_panels=False)
        runs = []
        for path in _notebook_paths(root):
            _progress(f"{path.relative_to(root)} ...")
            runs.append(run_notebook(path, repeats=arguments.repeats))
        rows += _notebook_rows(runs, bare)

    if "simulators" in wanted:
        results = []
        for simulator in discover_simulators().values():
            _progress(f"simulator {simulator.name} ...")
            results.append(measure_simulator(simulator, repeats=arguments.repeats))
        rows += _simulator_rows(results)

    if "suite" in wanted:
        _progress("test suite ...")
        seconds, passed, summary = _time_test_suite(root)
        rows.append(
            _Measurement(
                "suite",
                f"pytest, the whole suite ({summary})" if summary else "pytest, the whole suite",
                f"{seconds:.1f} s",
                f"<= {SUITE_SECONDS_TARGET:g} s",
                _status(seconds <= SUITE_SECONDS_TARGET) if passed else "error",
                "" if passed else "the suite failed",
            )
        )

    if arguments.fresh:
        _progress("fresh set-up: git clone + make test ...")
        seconds, passed, summary = _time_fresh_setup(root)
        rows.append(
            _Measurement(
                "set-up",
                "git clone, then make test (creates .venv, installs)",
                f"{seconds:.0f} s",
                "",
                "" if passed else "error",
                "" if passed else summary,
            )
        )

    # Sections in a fixed order; rows within a section as measured.
    order = ["notebooks", "widgets", "simulators", "suite", "set-up"]
    rows.sort(key=lambda row: order.index(row.section))
    print(_format_table(rows))
    if arguments.write:
        page = root / "docs" / "performance.md"
        from .files import write_if_changed

        notes = _notes_in(page.read_text(encoding="utf-8")) if page.is_file() else ""
        text = _performance_page(rows, _machine_description(), notes)
        write_if_changed(page, text.encode("utf-8"))
        _progress(f"wrote {page.relative_to(root)}")
    errors = [row for row in rows if row.status == "error"]
    missed = [row for row in rows if row.status == "missed"]
    return 1 if errors or (arguments.strict and missed) else 0


if __name__ == "__main__":
    # Run the imported module, not this __main__ copy: lesson modules register their
    # simulators in ``infralab.bench``.
    from infralab.bench import main as _main

    sys.exit(_main())
