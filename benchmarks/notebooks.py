"""Run All of every notebook against a bare kernel, and try-it panel redraws.

What no benchmarking library does for us: each notebook in ``notebooks/``,
``solutions/`` and ``exercises/`` is run top to bottom exactly as the tests run it
(nbclient, the ``python3`` kernel, offline and with warnings as errors through
:func:`infralab.build.guarded_ipython_dir`), kernel start included. Beside it, in
the same run, a *bare kernel*: a throw-away notebook that only imports the
course's libraries. After a notebook's first run, in the same kernel, one extra
cell moves every control of every try-it panel and times the redraws
(:mod:`benchmarks.panels`).
"""

from __future__ import annotations

import ast
import asyncio
import json
import math
import os
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from infralab.validation import check_flag, check_integer

__all__ = [
    "NOTEBOOK_FOLDERS",
    "ROOT",
    "NotebookRun",
    "PanelUpdate",
    "bare_kernel_notebook",
    "course_imports",
    "notebook_paths",
    "run_notebook",
]

#: The top of the checkout.
ROOT = Path(__file__).resolve().parents[1]
#: Where notebooks are found, in this order.
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")

_TIMEOUT_SECONDS = 600


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
        The fastest of the runs, from starting the kernel to the end of the last
        cell (NaN with a problem).
    panel_updates : tuple of PanelUpdate
        Every control of every try-it panel the notebook made, timed after the
        first run in the same kernel.
    problem : str or None
        The cell that failed and its error.
    """

    name: str
    seconds: float
    panel_updates: tuple[PanelUpdate, ...] = ()
    problem: str | None = None


_PROBE_MARK = "infralab-bench-panels "
_PROBE = (
    "import json, sys\n"
    f"sys.path.insert(0, {str(ROOT)!r})\n"
    "from benchmarks.panels import time_panel_updates\n"
    f"print({_PROBE_MARK!r} + json.dumps(time_panel_updates()))"
)


def notebook_paths(root: str | os.PathLike[str] = ROOT) -> list[Path]:
    """Every notebook of the course: ``notebooks/``, ``solutions/``, ``exercises/``, by name."""
    top = Path(root)
    return [
        path
        for folder in NOTEBOOK_FOLDERS
        for path in sorted((top / folder).glob("*.ipynb"))
        if path.is_file()
    ]


def course_imports(folders: Sequence[Path] | None = None) -> list[str]:
    """The ``infralab`` modules the notebooks in ``folders`` import, found in their code cells.

    Names imported from a module that are not modules themselves (a function, a
    constant) are left out, and so are cells that are not Python (IPython magics).
    """
    import nbformat

    if folders is None:
        folders = [ROOT / name for name in NOTEBOOK_FOLDERS]
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
    return [name for name in sorted(found) if name.split(".")[0] == "infralab" and _is_module(name)]


def _is_module(name: str) -> bool:
    """True if ``name`` is an importable module (not a function or constant of one)."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, AttributeError):
        return False


def bare_kernel_notebook():
    """A notebook that only imports the course's libraries and applies the course style.

    Its Run All is the yardstick of every notebook's: the part no lesson can make
    faster (starting Python and the kernel, importing numpy, pandas, matplotlib,
    ipywidgets and the course's own modules that the notebooks import).

    Returns
    -------
    nbformat.NotebookNode
    """
    from nbformat.v4 import new_code_cell, new_notebook

    course_modules = "".join(f"import {name}\n" for name in course_imports() if name != "infralab")
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


def _milliseconds(value: object) -> float:
    return math.nan if value is None else float(value)


def _panel_updates(outputs: Sequence[Mapping[str, object]]) -> tuple[PanelUpdate, ...]:
    """The probe cell's results, read back from its outputs."""
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
    """``Name: message`` of a cell's error (nbclient's ``ename``/``evalue`` when there)."""
    name = getattr(error, "ename", None) or type(error).__name__
    value = getattr(error, "evalue", None)
    if value is None:
        value = str(error).strip().splitlines()[-1] if str(error).strip() else ""
    return f"{name}: {value}" if value else name


class _GuardedKernels:
    """Kernels started inside this context run :mod:`infralab.kernel_guard` first."""

    def __enter__(self) -> _GuardedKernels:
        from infralab.build import guarded_ipython_dir

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
    warnings are errors), in the notebook's folder, and executes every cell with
    nbclient; nothing is written back.

    Parameters
    ----------
    notebook : path-like, optional
        The notebook; the bare kernel (:func:`bare_kernel_notebook`) when None.
    repeats : int
        Runs (>= 1); the fastest counts.
    time_panels : bool
        After the first run, in the same kernel, time every control of every
        try-it panel (:func:`benchmarks.panels.time_panel_updates`).
    timeout : int
        Seconds one cell may take.

    Returns
    -------
    NotebookRun
        With ``problem`` set when a cell failed (the cell's number, from 1, and the error).
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
            copy = bare_kernel_notebook() if notebook is None else nbformat.read(path, as_version=4)
            try:
                seconds, found = asyncio.run(
                    _run_cells(copy, folder, time_panels and run == 0, timeout)
                )
            except Exception as error:
                return NotebookRun(name, math.nan, updates, str(error) or type(error).__name__)
            best = min(best, seconds)
            updates = updates or found
    return NotebookRun(name, best, updates)
