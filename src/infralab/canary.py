"""The canary: run the notebooks against the newest release of every dependency.

``python -m infralab.canary`` (``make canary``) creates a throw-away virtual
environment in a temporary folder, installs the course there with the newest
releases of everything (``pip install --upgrade --upgrade-strategy eager -e
".[dev]"``, *without* ``constraints.txt``), and runs every notebook in
``notebooks/``, ``solutions/`` and ``exercises/`` with nbval in error-only mode
(``--nbval-lax``: each cell must run, outputs are not compared), warnings as
errors, the kernel guard of the test suite, and the kernel of that
environment (``--nbval-current-env``).

It prints which notebook broke, at which cell, and which library the failure
comes from: the installed distribution that owns the deepest traceback frame
inside ``site-packages``, or the module an error message names; for a warning
turned error, its category too. Then the versions installed that differ from
the pins in ``constraints.txt``. Exit status 1 if anything broke.

The course itself stays pinned: a canary failure is the to-do list for the
next deliberate upgrade. Run it monthly, before each workshop, and after a
release of numpy, pandas, matplotlib, scipy, ipywidgets, nbclient or nbval.
It needs the package index (pip); the notebooks still run offline.

Options: ``--keep`` keeps the environment and prints where it is;
``--python PATH`` builds it with another interpreter (a newer Python).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .validation import check_integer

__all__ = [
    "NOTEBOOK_FOLDERS",
    "NotebookFailure",
    "VersionChange",
    "failures_from_junit",
    "library_of_failure",
    "main",
    "normalise_name",
    "read_pins",
    "summary",
    "version_changes",
]

#: The folders whose notebooks the canary runs.
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")

_ANSI = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*[A-Za-z]")
# A traceback frame: `File "/x/site-packages/pandas/core/frame.py", line 12, in round`
# (plain Python) or `File /x/site-packages/pandas/core/frame.py:12, in DataFrame.round(...)`
# (IPython).
_FRAME = re.compile(r'File "?(?P<path>[^"\n]+?\.pyx?)"?(?:, line |:)\d+')
_PACKAGES_DIR = re.compile(r"[\\/](?:site|dist)-packages[\\/](?P<rest>.+)$")
_LAST_ERROR = re.compile(
    r"^(?P<kind>[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt))"
    r"(?::\s*(?P<message>.*))?$"
)
_NAMED_MODULE = re.compile(r"module '(?P<module>[A-Za-z_][\w.]*)'")
_CELL = re.compile(r"Cell (?P<cell>\d+)")


def normalise_name(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): lower case, runs of ``-_.`` as ``-``.

    Examples
    --------
    >>> normalise_name("Jupyter_Server.Terminals")
    'jupyter-server-terminals'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a distribution name, got {name!r}")
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(text: str) -> dict[str, str]:
    """The exact pins (``name==version``) of a constraints file, by normalised name.

    Comments, blank lines, environment markers and anything that is not an
    exact pin are skipped.

    Examples
    --------
    >>> read_pins("# pinned\\npandas==3.1.0\\nJupyter_Core==5.9.1 ; python_version >= '3.11'\\n")
    {'pandas': '3.1.0', 'jupyter-core': '5.9.1'}
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be the text of a constraints file, got {type(text).__name__}")
    pins = {}
    for line in text.splitlines():
        requirement = line.split("#", 1)[0].split(";", 1)[0].strip()
        match = re.fullmatch(
            r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s,]+)", requirement
        )
        if match:
            pins[normalise_name(match[1])] = match[2]
    return pins


@dataclass(frozen=True)
class VersionChange:
    """A distribution whose installed version differs from its pin.

    Attributes
    ----------
    name : str
        The normalised distribution name.
    pinned : str or None
        The version in ``constraints.txt``; None when it is not pinned (new).
    installed : str or None
        The version the canary installed; None when it is no longer installed.
    """

    name: str
    pinned: str | None
    installed: str | None

    def __str__(self) -> str:
        if self.pinned is None:
            return f"{self.name} {self.installed} (new: not in constraints.txt)"
        if self.installed is None:
            return f"{self.name} (pinned {self.pinned}; no longer installed)"
        return f"{self.name} {self.installed} (pinned {self.pinned})"


def version_changes(installed: Mapping[str, str], pins: Mapping[str, str]) -> list[VersionChange]:
    """Every distribution whose installed version is not its pin, by name.

    Parameters
    ----------
    installed, pins : mapping of str to str
        Distribution name to version; names are normalised before comparing.

    Returns
    -------
    list of VersionChange
        Sorted by name: changed versions, distributions installed but not
        pinned, and pinned ones no longer installed.

    Examples
    --------
    >>> [str(c) for c in version_changes({"pandas": "3.2.0", "numpy": "2.4.0"},
    ...                                  {"Pandas": "3.1.0", "numpy": "2.4.0"})]
    ['pandas 3.2.0 (pinned 3.1.0)']
    """
    now = _versions("installed", installed)
    then = _versions("pins", pins)
    return [
        VersionChange(name, then.get(name), now.get(name))
        for name in sorted(now.keys() | then.keys())
        if now.get(name) != then.get(name)
    ]


def _versions(label: str, mapping: object) -> dict[str, str]:
    """``mapping`` as {normalised name: version text}, checked."""
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{label} must map names to versions, got {type(mapping).__name__}")
    versions = {}
    for name, version in mapping.items():
        if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
            raise TypeError(
                f"{label} must map names to versions (texts), got {name!r}: {version!r}"
            )
        versions[normalise_name(name)] = version
    return versions


def _owners(owners: object) -> Mapping[str, Sequence[str] | str]:
    if owners is None:
        return {}
    if not isinstance(owners, Mapping):
        raise TypeError(
            f"owners must map package names to distributions, got {type(owners).__name__}"
        )
    return owners


@dataclass(frozen=True)
class NotebookFailure:
    """One notebook cell that failed in the canary run.

    Attributes
    ----------
    notebook : str
        The notebook, relative to the course folder (``notebooks/03_doomsday_clock.ipynb``).
    cell : int or None
        The code cell that failed, counting code cells from 1 (nbval's ``Cell N``
        counts from 0); None when the failure was not in a cell.
    source : str
        The first line of the failing cell's code.
    error : str
        The last line of the traceback: ``FutureWarning: ...``, ``AttributeError: ...``.
    library : str or None
        The distribution the failure comes from (``pandas``); None when the
        traceback points at the notebook's own code only.
    warning : str or None
        The warning category when a warning was turned into an error.
    """

    notebook: str
    cell: int | None
    source: str
    error: str
    library: str | None
    warning: str | None = None


def _plain(text: str) -> str:
    return _ANSI.sub("", text).replace("\r", "")


def _last_error_line(lines: Sequence[str]) -> tuple[str, str, str]:
    """The traceback's final ``Kind: message`` line as (line, kind, message)."""
    for line in reversed(lines):
        match = _LAST_ERROR.match(line.strip())
        if match:
            return line.strip(), match["kind"], match["message"] or ""
    fallback = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return fallback, "", ""


def library_of_failure(
    text: str, owners: Mapping[str, Sequence[str] | str] | None = None
) -> str | None:
    """The installed library a traceback's failure comes from, or None for the notebook's code.

    The deepest frame whose file sits in a ``site-packages`` (or
    ``dist-packages``) folder decides; its top-level package is mapped to the
    distribution that installs it (``owners``, as
    ``importlib.metadata.packages_distributions()`` gives it). With no such
    frame, a module named in the error message (``module 'matplotlib.cm' has no
    attribute ...``) decides.

    Parameters
    ----------
    text : str
        The traceback, with or without terminal colours.
    owners : mapping, optional
        Top-level package to distribution name(s); the package name itself
        when it is missing.

    Returns
    -------
    str or None

    Examples
    --------
    >>> library_of_failure('File "/v/lib/python3.11/site-packages/PIL/Image.py", line 9, in open\\n'
    ...                    "OSError: cannot identify image file", {"PIL": ["pillow"]})
    'pillow'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a traceback, got {type(text).__name__}")
    owners = _owners(owners)
    lines = _plain(text).splitlines()
    top = None
    for match in _FRAME.finditer("\n".join(lines)):
        inside = _PACKAGES_DIR.search(match["path"])
        if inside:
            top = re.split(r"[\\/]", inside["rest"])[0].removesuffix(".py").removesuffix(".pyx")
    if top is None:
        _, _, message = _last_error_line(lines)
        named = _NAMED_MODULE.search(message)
        if not named:
            return None
        top = named["module"].split(".")[0]
        if top in ("__main__", "builtins"):
            return None
    owner = owners.get(top)
    if isinstance(owner, str):
        return normalise_name(owner)
    return normalise_name(owner[0]) if owner else normalise_name(top)


def _notebook_name(classname: str, notebooks: Sequence[str]) -> str:
    for name in notebooks:
        if name.replace("/", ".") == classname or name == classname:
            return name
    stem = classname.removesuffix(".ipynb")
    return stem.replace(".", "/") + ".ipynb" if classname.endswith(".ipynb") else classname


def _failing_source(lines: Sequence[str]) -> str:
    for number, line in enumerate(lines):
        if line.strip() == "Input:":
            following = [text for text in lines[number + 1 :] if text.strip()]
            return following[0].strip() if following else ""
    return ""


def failures_from_junit(
    xml_text: str,
    owners: Mapping[str, Sequence[str] | str] | None = None,
    notebooks: Sequence[str] = (),
) -> list[NotebookFailure]:
    """Read the failed cells of an nbval run from pytest's JUnit XML report.

    Parameters
    ----------
    xml_text : str
        The report (``pytest --junitxml``).
    owners : mapping, optional
        Top-level package to distribution, as in :func:`library_of_failure`.
    notebooks : sequence of str
        The notebooks run, relative to the course folder, to name them exactly
        (the report writes ``notebooks.03_doomsday_clock.ipynb``).

    Returns
    -------
    list of NotebookFailure
        In report order; empty for a clean run.
    """
    if not isinstance(xml_text, str):
        raise TypeError(f"xml_text must be a JUnit XML report, got {type(xml_text).__name__}")
    owners = _owners(owners)
    if (
        isinstance(notebooks, str)
        or not isinstance(notebooks, Sequence)
        or not all(isinstance(name, str) for name in notebooks)
    ):
        raise TypeError(f"notebooks must be a sequence of notebook paths, got {notebooks!r}")
    try:
        root = ElementTree.fromstring(xml_text)
    except ElementTree.ParseError as error:
        raise ValueError(f"xml_text must be a JUnit XML report: {error}") from None
    failures = []
    for case in root.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        text = _plain(problem.text or problem.get("message", ""))
        lines = text.splitlines()
        error, kind, _ = _last_error_line(lines)
        cell = _CELL.fullmatch(case.get("name", ""))
        failures.append(
            NotebookFailure(
                notebook=_notebook_name(case.get("classname", ""), notebooks),
                cell=int(cell["cell"]) + 1 if cell else None,
                source=_failing_source(lines),
                error=error,
                library=library_of_failure(text, owners),
                warning=kind if kind.endswith("Warning") else None,
            )
        )
    return failures


def summary(
    failures: Sequence[NotebookFailure],
    changes: Sequence[VersionChange],
    *,
    notebooks_run: int,
    cells_run: int | None = None,
    python: str = "",
) -> str:
    """The canary's report: what broke, where and why, then the versions that moved.

    Parameters
    ----------
    failures : sequence of NotebookFailure
        From :func:`failures_from_junit`.
    changes : sequence of VersionChange
        From :func:`version_changes`.
    notebooks_run : int
        Notebooks the run found (>= 0).
    cells_run : int, optional
        Cells nbval ran (>= 0), when known: a run of no cell is no evidence.
    python : str
        The Python version of the throw-away environment.

    Returns
    -------
    str
        Several lines, for printing.

    Examples
    --------
    >>> print(summary([], [], notebooks_run=4, cells_run=96, python="3.11.7"))
    Canary (Python 3.11.7): newest release of every dependency, 4 notebooks, 96 cells.
    All 4 notebooks ran without an error or a warning.
    Every installed version equals its pin in constraints.txt.
    """
    for label, items, kind in (
        ("failures", failures, NotebookFailure),
        ("changes", changes, VersionChange),
    ):
        if not isinstance(items, Sequence) or not all(isinstance(i, kind) for i in items):
            raise TypeError(f"{label} must be a sequence of {kind.__name__}, got {items!r}")
    notebooks_run = check_integer("notebooks_run", notebooks_run, low=0)
    if cells_run is not None:
        cells_run = check_integer("cells_run", cells_run, low=0)
    if not isinstance(python, str):
        raise TypeError(f"python must be a version text such as '3.11.7', got {python!r}")
    installed = {change.name: change for change in changes}
    lines = [
        f"Canary{f' (Python {python})' if python else ''}: newest release of every dependency, "
        f"{notebooks_run} notebooks{'' if cells_run is None else f', {cells_run} cells'}."
    ]
    if not failures and cells_run == 0:
        lines.append("BROKEN: no cell ran, so nothing was checked.")
    elif not failures:
        lines.append(f"All {notebooks_run} notebooks ran without an error or a warning.")
    else:
        broken = len({failure.notebook for failure in failures})
        lines.append(f"BROKEN: {len(failures)} cell(s) in {broken} notebook(s).")
        for failure in failures:
            where = (
                f"{failure.notebook}, code cell {failure.cell}"
                if failure.cell
                else (failure.notebook)
            )
            if failure.library is None:
                source = "the notebook's own code"
            else:
                change = installed.get(failure.library)
                version = f" {change}" if change else f" {failure.library}"
                source = f"library:{version}"
            kind = f"{failure.warning} turned error; " if failure.warning else ""
            lines.append(f"  {where}: {kind}{source}")
            if failure.source:
                lines.append(f"      cell starts: {failure.source}")
            error = failure.error if len(failure.error) <= 200 else failure.error[:197] + "..."
            lines.append(f"      {error}")
    moved = [change for change in changes if change.pinned is not None]
    if moved or any(change.pinned is None for change in changes):
        lines.append(f"Installed versions that differ from constraints.txt ({len(changes)}):")
        lines += [f"  {change}" for change in changes]
    else:
        lines.append("Every installed version equals its pin in constraints.txt.")
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# Running it
# --------------------------------------------------------------------------- #

_INSPECT = (
    "import importlib.metadata as m, json\n"
    "versions = {d.metadata['Name']: d.version for d in m.distributions() if d.metadata['Name']}\n"
    "print(json.dumps({'versions': versions, 'owners': m.packages_distributions()}))\n"
)


#: Installed but not dependencies of the course: the course itself and what every
#: environment starts with (``pip freeze`` leaves these out of constraints.txt too).
_NOT_DEPENDENCIES = frozenset({"infralab", "pip", "setuptools", "wheel", "distribute"})


def _cells_in(xml_text: str) -> int:
    try:
        return sum(1 for _ in ElementTree.fromstring(xml_text).iter("testcase"))
    except ElementTree.ParseError:
        return 0


def _venv_python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _step(title: str, command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    print(f"canary: {title} ...", file=sys.stderr, flush=True)
    return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False)


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _run(root: Path, python: str, keep: bool) -> int:
    """Build the throw-away environment, run the notebooks, print the summary; the exit status."""
    folder = Path(tempfile.mkdtemp(prefix="infralab-canary-"))
    try:
        environment = folder / "venv"
        made = _step(
            "creating a virtual environment", [python, "-m", "venv", str(environment)], root
        )
        if made.returncode:
            print(f"canary: could not create the environment:\n{_tail(made.stderr)}")
            return 1
        interpreter = str(_venv_python(environment))
        install = [
            interpreter,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--upgrade",
            "--upgrade-strategy",
            "eager",
            "-e",
            f"{root}[dev]",
        ]
        installed = _step("installing the newest release of every dependency", install, root)
        if installed.returncode:
            print(
                "canary: BROKEN: the newest releases do not install together:\n"
                f"{_tail(installed.stdout + installed.stderr)}"
            )
            return 1
        inspected = json.loads(
            _step("reading versions", [interpreter, "-c", _INSPECT], root).stdout
        )
        notebooks = [
            path.relative_to(root).as_posix()
            for name in NOTEBOOK_FOLDERS
            for path in sorted((root / name).glob("*.ipynb"))
        ]
        report = folder / "results.xml"
        pytest = [
            interpreter,
            "-m",
            "pytest",
            "-q",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            "--nbval-lax",
            "--nbval-current-env",
            f"--junitxml={report}",
            *[name for name in NOTEBOOK_FOLDERS if (root / name).is_dir()],
        ]
        ran = _step(f"running {len(notebooks)} notebooks (nbval, error-only)", pytest, root)
        xml_text = report.read_text(encoding="utf-8") if report.is_file() else "<testsuites/>"
        failures = failures_from_junit(xml_text, inspected["owners"], notebooks)
        cells_run = _cells_in(xml_text)
        if ran.returncode and not failures:
            failures = [
                NotebookFailure("(pytest)", None, "", _last_line(ran.stdout + ran.stderr), None)
            ]
        pins = read_pins((root / "constraints.txt").read_text(encoding="utf-8"))
        versions = {
            name: version
            for name, version in inspected["versions"].items()
            if normalise_name(name) not in _NOT_DEPENDENCIES
        }
        python_version = subprocess.run(
            [interpreter, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        print(
            summary(
                failures,
                version_changes(versions, pins),
                notebooks_run=len(notebooks),
                cells_run=cells_run,
                python=python_version,
            )
        )
        return 1 if failures or not cells_run else 0
    finally:
        if keep:
            print(f"canary: the environment is kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "pytest failed"


def main(argv: Sequence[str] | None = None) -> int:
    """The ``python -m infralab.canary`` command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m infralab.canary",
        description="Install the course with the newest release of every dependency in a "
        "throw-away environment and run every notebook; say what broke.",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the throw-away environment (its folder is printed)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter to build the environment with (default: this one)",
    )
    if argv is not None and (
        isinstance(argv, (str, bytes))
        or not isinstance(argv, Sequence)
        or not all(isinstance(word, str) for word in argv)
    ):
        raise TypeError(f"argv must be a list of command-line words, got {argv!r}")
    arguments = parser.parse_args(argv)
    from .paths import course_root

    return _run(course_root(), arguments.python, arguments.keep)


if __name__ == "__main__":
    sys.exit(main())
