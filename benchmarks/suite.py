"""Commands timed in a subprocess: the simulator benchmarks, the test suite, a fresh clone."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .notebooks import ROOT

__all__ = ["run_simulator_benchmarks", "time_fresh_setup", "time_test_suite"]


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _time_command(command: Sequence[str], folder: Path) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(list(command), cwd=folder, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done.returncode, done.stdout + done.stderr


def run_simulator_benchmarks(
    json_path: str | os.PathLike[str], root: str | os.PathLike[str] = ROOT
) -> tuple[bool, str]:
    """``python -m pytest benchmarks -n 0 --benchmark-json=json_path`` in ``root``.

    ``-n 0``: in one process, as pytest-benchmark needs (the repository's options spread
    tests over every core with pytest-xdist).

    Returns
    -------
    tuple of (bool, str)
        Whether every benchmark passed, and pytest's summary line.
    """
    command = [sys.executable, "-m", "pytest", "benchmarks", "-n", "0", "-q"]
    command.append(f"--benchmark-json={json_path}")
    _, status, output = _time_command(command, Path(root))
    return status == 0, _last_line(output).strip("= ")


def time_test_suite(root: str | os.PathLike[str] = ROOT) -> tuple[float, bool, str]:
    """Run ``python -m pytest -q -p no:cacheprovider`` in the checkout; time it.

    Returns
    -------
    tuple of (float, bool, str)
        Seconds, whether the suite passed, and pytest's summary line.
    """
    seconds, status, output = _time_command(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], Path(root)
    )
    return seconds, status == 0, _last_line(output).strip("= ")


def time_fresh_setup(root: str | os.PathLike[str] = ROOT) -> tuple[float, bool, str]:
    """``git clone`` the course into a temporary folder and run ``make test`` there; time both.

    The clone holds the last commit: changes not yet committed are not part of it.

    Returns
    -------
    tuple of (float, bool, str)
        Seconds, whether ``make test`` passed, and the last line it printed.
    """
    with tempfile.TemporaryDirectory(prefix="infralab-fresh-") as folder:
        clone = Path(folder) / "course"
        started = time.perf_counter()
        cloned = subprocess.run(
            ["git", "clone", "--quiet", str(root), str(clone)],
            capture_output=True,
            text=True,
            check=False,
        )
        if cloned.returncode:
            return time.perf_counter() - started, False, _last_line(cloned.stderr)
        _, status, output = _time_command(["make", "test", f"PYTHON={sys.executable}"], clone)
        return time.perf_counter() - started, status == 0, _last_line(output).strip("= ")
