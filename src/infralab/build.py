"""Build what learners receive: exercise notebooks and executed lessons.

- **Exercises.** ``solutions/NN_*.ipynb`` is the source of every task. The
  learner's part of each task sits between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` lines; :func:`generate_exercises` replaces it with a stub
  that raises ``NotImplementedError`` (nbgrader's ``ClearSolutions``), clears
  every output, drops the cells tagged ``instructor`` and trims the metadata,
  and writes ``exercises/NN_*.ipynb``. :func:`exercises_out_of_date` says which
  exercise files have drifted from their solutions.
- **Execution.** :func:`execute_notebooks` runs lessons and solutions offline
  and stores their outputs so that re-running an unchanged notebook changes
  nothing.
The HTML handouts are built from the same notebooks by :mod:`infralab.handouts`;
the course map, titles and times come from :mod:`infralab.coursemap`.
Every builder is idempotent: a file whose content would not change is not
rewritten, so its modification time stays and ``make`` stays fast.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbconvert.preprocessors import (
    ClearMetadataPreprocessor,
    ClearOutputPreprocessor,
    Preprocessor,
    TagRemovePreprocessor,
)

from .coursemap import INSTRUCTOR_TAG, _existing_folder, _notebooks_in
from .files import write_if_changed
from .paths import course_root
from .validation import check_integer

__all__ = [
    "BEGIN_SOLUTION",
    "CODE_STUB",
    "END_SOLUTION",
    "INSTRUCTOR_TAG",
    "edited_exercises",
    "execute_notebooks",
    "exercises_out_of_date",
    "generate_exercises",
    "guarded_ipython_dir",
]

#: The line that opens the learner's part of a task in a solution notebook.
BEGIN_SOLUTION = "### BEGIN SOLUTION"
#: The line that closes it.
END_SOLUTION = "### END SOLUTION"
#: What the learner finds in place of the solution.
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

_LOG = logging.getLogger(__name__)
_LOG.addHandler(logging.NullHandler())

# Cell metadata an exercise keeps: tags and the JupyterLab editing/collapse flags.
_KEPT_CELL_METADATA = frozenset({"tags", "editable", "deletable", "jupyter"})
# Notebook metadata an exercise keeps: the kernel to start and the language name.
_KEPT_NOTEBOOK_METADATA = frozenset({"kernelspec", ("language_info", "name")})

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# --------------------------------------------------------------------------- #
# Reading and writing notebooks
# --------------------------------------------------------------------------- #


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a version-4 notebook, giving any cell without an id a stable one.

    Ids are derived from the file name and the cell's position, so a notebook
    saved by an older tool converts the same way every time.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a readable notebook ({error})") from None
    if (
        not isinstance(data, dict)
        or data.get("nbformat") != 4
        or not isinstance(data.get("cells"), list)
    ):
        raise ValueError(f"{path} is not a Jupyter notebook in format version 4")
    data["nbformat_minor"] = max(int(data.get("nbformat_minor", 0)), 5)
    seen: set[str] = set()
    for index, cell in enumerate(data["cells"]):
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not cell_id or cell_id in seen:
            cell_id = hashlib.sha256(f"{path.stem}/{index}".encode()).hexdigest()[:12]
            cell["id"] = cell_id
        seen.add(cell_id)
    return nbformat.reads(json.dumps(data), as_version=4)


def _notebook_text(notebook: nbformat.NotebookNode, source: Path) -> str:
    """Serialise ``notebook`` exactly as ``nbformat.write`` does (trailing newline)."""
    problems: dict[str, Exception] = {}
    text = nbformat.writes(notebook, capture_validation_error=problems)
    if problems:
        problem = problems["ValidationError"]
        raise ValueError(f"{source} does not convert to a valid notebook: {problem}")
    return text if text.endswith("\n") else text + "\n"


def _folder(given: str | os.PathLike[str] | None, name: str) -> Path:
    return Path(given) if given is not None else course_root() / name


# --------------------------------------------------------------------------- #
# Exercises
# --------------------------------------------------------------------------- #


class _TrimMetadata(ClearMetadataPreprocessor):
    """nbconvert's metadata clean-up, applied to every cell rather than code cells only."""

    def preprocess_cell(self, cell, resources, cell_index):
        kept = self.nested_filter(cell.metadata.items(), self.preserve_cell_metadata_mask)
        cell.metadata = nbformat.from_dict(dict(kept))
        return cell, resources


def _exercise_steps() -> list[Preprocessor]:
    try:
        from nbgrader.preprocessors import ClearSolutions
    except ImportError as error:
        raise ImportError(
            f"generating exercises needs nbgrader ({error}); install the course's "
            "maintainer tools with `pip install -e .[dev]` or `make setup`"
        ) from None
    return [
        TagRemovePreprocessor(remove_cell_tags={INSTRUCTOR_TAG}),
        ClearSolutions(
            begin_solution_delimeter=BEGIN_SOLUTION,
            end_solution_delimeter=END_SOLUTION,
            code_stub={"python": CODE_STUB},
            enforce_metadata=False,
            log=_LOG,
        ),
        ClearOutputPreprocessor(),
        _TrimMetadata(
            preserve_cell_metadata_mask=set(_KEPT_CELL_METADATA),
            preserve_nb_metadata_mask=set(_KEPT_NOTEBOOK_METADATA),
        ),
    ]


def _has_solution(notebook: nbformat.NotebookNode) -> bool:
    return any(
        BEGIN_SOLUTION in cell.source or cell.metadata.get("nbgrader", {}).get("solution", False)
        for cell in notebook.cells
    )


def _first_unbalanced_cell(notebook: nbformat.NotebookNode) -> int | None:
    """Number (from 1) of the first cell whose solution markers do not pair up."""
    for number, cell in enumerate(notebook.cells, start=1):
        open_region = False
        for line in cell.source.split("\n"):
            if BEGIN_SOLUTION in line:
                if open_region:
                    return number
                open_region = True
            elif END_SOLUTION in line:
                open_region = False
        if open_region:
            return number
    return None


def _exercise_text(solution: Path) -> str:
    """The exercise notebook generated from ``solution``, as the exact file text."""
    notebook = _read_notebook(solution)
    if not _has_solution(notebook):
        raise ValueError(
            f"{solution} has no solution markers: put the learner's part of each task "
            f"between a '{BEGIN_SOLUTION}' line and an '{END_SOLUTION}' line"
        )
    cell = _first_unbalanced_cell(notebook)
    if cell is not None:
        raise ValueError(
            f"{solution}, cell {cell}: every '{BEGIN_SOLUTION}' needs one matching "
            f"'{END_SOLUTION}' below it in the same cell, with no region inside another"
        )
    resources: dict[str, object] = {}
    try:
        for step in _exercise_steps():
            notebook, resources = step.preprocess(notebook, resources)
    except (RuntimeError, ValueError) as error:  # raised by nbgrader's ClearSolutions
        raise ValueError(f"{solution}: {error}") from None
    return _notebook_text(notebook, solution)


def _exercise_folders(
    solutions_dir: str | os.PathLike[str] | None,
    exercises_dir: str | os.PathLike[str] | None,
) -> tuple[Path, Path]:
    solutions = _existing_folder(_folder(solutions_dir, "solutions"), "solutions")
    exercises = _folder(exercises_dir, "exercises")
    if exercises.resolve() == solutions.resolve():
        raise ValueError(f"exercises_dir must differ from solutions_dir, got {exercises} for both")
    return solutions, exercises


def _fresh_exercises(solutions: Path, exercises: Path) -> dict[Path, str]:
    return {exercises / source.name: _exercise_text(source) for source in _notebooks_in(solutions)}


def generate_exercises(
    solutions_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Generate the learner's exercise notebooks from the solution notebooks.

    Each ``solutions/NAME.ipynb`` becomes ``exercises/NAME.ipynb``: every region
    between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is replaced by
    :data:`CODE_STUB` (indented like the markers), outputs and execution counts
    are cleared, cells tagged ``instructor`` are removed, cell ids are kept, and
    metadata is trimmed to the kernel and language name.

    A learner's work is never lost: an exercise notebook that holds outputs (it
    has been run and saved) is left as it is, and so is any notebook in the
    exercise folder that has no solution. Use :func:`edited_exercises` to list
    the ones that were kept.

    Parameters
    ----------
    solutions_dir : path-like, optional
        Folder of solution notebooks; ``solutions/`` of the course by default.
    exercises_dir : path-like, optional
        Folder to write to (created if needed); ``exercises/`` of the course by
        default.

    Returns
    -------
    list of pathlib.Path
        Every exercise notebook that is now up to date, in name order. Files
        whose content would not change are left untouched, modification time
        included; edited ones are left out of the list.

    Raises
    ------
    FileNotFoundError
        If the solutions folder does not exist.
    ValueError
        If a solution notebook has no solution markers or unpaired ones (the
        message names the file and cell); nothing is written in that case.

    Examples
    --------
    >>> generate_exercises()  # doctest: +SKIP
    [PosixPath('.../exercises/01_invisible_qualities.ipynb'), ...]
    """
    solutions, exercises = _exercise_folders(solutions_dir, exercises_dir)
    fresh = _fresh_exercises(solutions, exercises)  # every file converts before any is written
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in fresh.items():
        if path.is_file() and path.read_bytes() != text.encode("utf-8") and _looks_edited(path):
            continue
        write_if_changed(path, text.encode("utf-8"))
        written.append(path)
    return written


def _looks_edited(path: Path) -> bool:
    """True when an exercise notebook has been run and saved: generated ones have no outputs."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # unreadable: treat as someone's work, never overwrite it
        return True
    return any(
        cell.get("outputs") or cell.get("execution_count") is not None
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


def edited_exercises(
    solutions_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Name the out-of-date exercise notebooks that :func:`generate_exercises` will not overwrite.

    These hold outputs, so someone has worked in them. Move such a file away (or
    delete it) to get the regenerated version.
    """
    solutions, exercises = _exercise_folders(solutions_dir, exercises_dir)
    return sorted(
        name
        for name in exercises_out_of_date(solutions, exercises)
        if (exercises / name).is_file() and _looks_edited(exercises / name)
    )


def exercises_out_of_date(
    solutions_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Name the exercise notebooks that differ from a fresh generation.

    Nothing is written. An exercise is out of date when its bytes differ from
    what :func:`generate_exercises` would write, when it is missing, or when it
    has no solution notebook.

    Parameters
    ----------
    solutions_dir, exercises_dir : path-like, optional
        As in :func:`generate_exercises`.

    Returns
    -------
    list of str
        File names (``"01_invisible_qualities.ipynb"``), sorted; empty when the
        exercises are up to date.

    Raises
    ------
    FileNotFoundError
        If the solutions folder does not exist.
    ValueError
        If a solution notebook cannot be converted (see :func:`generate_exercises`).
    """
    solutions, exercises = _exercise_folders(solutions_dir, exercises_dir)
    fresh = _fresh_exercises(solutions, exercises)
    drifted = {
        path.name
        for path, text in fresh.items()
        if not path.is_file() or path.read_bytes() != text.encode("utf-8")
    }
    if exercises.is_dir():
        drifted.update(path.name for path in _notebooks_in(exercises) if path not in fresh)
    return sorted(drifted)


# --------------------------------------------------------------------------- #
# Executing lessons and solutions
# --------------------------------------------------------------------------- #


_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _with_stable_widget_ids(notebook: nbformat.NotebookNode, name: str) -> None:
    """Keep only the widget models the stored views use, under ids derived from ``name``.

    Models are numbered in a fixed order — the views in cell order, then every
    model each one refers to, depth first — so the same notebook gets the same
    ids on every run. Models no view refers to are dropped: which of those the
    kernel has reported when a run ends varies from run to run.
    """
    widgets = notebook.metadata.get("widgets", {}).get(_WIDGET_STATE, {})
    state = widgets.get("state", {})
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in order or model_id not in state:
            return
        order.append(model_id)
        text = json.dumps(state[model_id], sort_keys=True)
        for reference in re.findall(r"IPY_MODEL_([0-9a-f]{32})", text):
            visit(reference)

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(_WIDGET_VIEW)
            if view:
                visit(view.get("model_id", ""))
    if not order:
        notebook.metadata.pop("widgets", None)
        return
    stable = {
        model_id: hashlib.sha256(f"{name}:{number}".encode()).hexdigest()[:32]
        for number, model_id in enumerate(order)
    }

    def rename(text: str) -> str:
        return re.sub(r"[0-9a-f]{32}", lambda found: stable.get(found[0], found[0]), text)

    widgets["state"] = {
        stable[model_id]: json.loads(rename(json.dumps(state[model_id]))) for model_id in order
    }
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(_WIDGET_VIEW)
            if view and view.get("model_id") in stable:
                view["model_id"] = stable[view["model_id"]]


def _merge_streams(notebook: nbformat.NotebookNode) -> None:
    """Join consecutive printed outputs of a cell, however the kernel happened to split them.

    Also drops execution timings left by earlier runs: they would change every time.
    """
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        merged: list[nbformat.NotebookNode] = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and output.output_type == "stream"
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged


def guarded_ipython_dir() -> Path:
    """Return a fresh IPython folder whose startup script is :mod:`infralab.kernel_guard`.

    A kernel started with ``IPYTHONDIR`` set to it refuses to reach the network or
    start programs and turns every warning into an error. The caller removes the
    folder when done.
    """
    folder = Path(tempfile.mkdtemp(prefix="infralab-ipython-"))
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    guard = Path(__file__).with_name("kernel_guard.py")
    (startup / "00-kernel-guard.py").write_text(guard.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _kernel_manager_class(socket_folder: Path) -> type:
    """The kernel manager for :func:`execute_notebooks`: sealed kernels where the system allows.

    Each kernel then starts in its own network namespace with only loopback
    (:mod:`infralab.sealed`) and talks to this process over Unix sockets in
    ``socket_folder``, which cross namespaces. Inside a sealed process already
    (``make test``), or where no namespace can be made, kernels start as usual:
    the namespace around them, or the guard alone, keeps them offline.
    """
    from jupyter_client.manager import KernelManager
    from traitlets import CaselessStrEnum, default

    from . import sealed

    prefix = None if sealed.is_sealed() else sealed.seal_prefix()
    if prefix is None:
        return KernelManager

    class SealedKernelManager(KernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _socket_path(self) -> str:
            # An absolute path: the kernel runs in the notebook's folder, this process may not.
            return str(socket_folder / f"kernel-{os.urandom(6).hex()}")

        def format_kernel_cmd(self, extra_arguments=None):
            return [*prefix, *super().format_kernel_cmd(extra_arguments)]

    return SealedKernelManager


def execute_notebooks(
    notebooks: Sequence[str | os.PathLike[str]] | None = None, *, timeout: int = 600
) -> list[tuple[Path, float]]:
    """Run notebooks top to bottom and store their outputs in place.

    By default every notebook in ``notebooks/`` and ``solutions/``; exercise
    notebooks are generated without outputs and never executed. Kernels run
    with :func:`guarded_ipython_dir` (offline, warnings as errors), each in a
    network namespace with only loopback where the system allows it
    (:mod:`infralab.sealed`). Widget state
    is stored, so a saved notebook shows its controls before it is run, but the
    random widget model ids are replaced by ids derived from the file name and
    execution timings are not recorded: re-running an unchanged notebook
    changes nothing.

    Parameters
    ----------
    notebooks : sequence of path-like, optional
        The notebooks to run.
    timeout : int
        Seconds one cell may take.

    Returns
    -------
    list of (Path, float)
        Each notebook and how many seconds it took.

    Raises
    ------
    FileNotFoundError
        If a named notebook does not exist.
    nbclient.exceptions.CellExecutionError
        If a cell fails; nothing is written for that notebook.
    """
    from nbclient import NotebookClient

    timeout = check_integer("timeout", timeout, low=1)
    if notebooks is None:
        root = course_root()
        paths = _notebooks_in(root / "notebooks") + _notebooks_in(root / "solutions")
    else:
        paths = [Path(path) for path in notebooks]
    for path in paths:
        if not path.is_file() or path.suffix != ".ipynb":
            raise FileNotFoundError(f"no notebook at {path}")
        if path.parent.name == "exercises":
            raise ValueError(f"notebooks must not include exercises: {path} is stored empty")
    ipython_dir = guarded_ipython_dir()
    kernel_manager_class = _kernel_manager_class(ipython_dir)
    previous = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    done = []
    try:
        for path in paths:
            notebook = _read_notebook(path)
            started = time.perf_counter()
            client = NotebookClient(
                notebook,
                timeout=timeout,
                kernel_name="python3",
                kernel_manager_class=kernel_manager_class,
                record_timing=False,
                resources={"metadata": {"path": str(path.parent.resolve())}},
            )
            client.execute()
            _with_stable_widget_ids(notebook, path.name)
            _merge_streams(notebook)
            write_if_changed(path, _notebook_text(notebook, path).encode("utf-8"))
            done.append((path, time.perf_counter() - started))
    finally:
        if previous is None:
            os.environ.pop("IPYTHONDIR", None)
        else:
            os.environ["IPYTHONDIR"] = previous
        shutil.rmtree(ipython_dir, ignore_errors=True)
    return done

