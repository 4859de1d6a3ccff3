"""Test-suite set-up shared by unit tests and notebook tests.

- Every notebook kernel started by nbval runs ``infralab/kernel_guard.py`` first:
  no network, no programs, and warnings are errors. ``make test`` runs all of pytest
  in a network namespace with only loopback where the system allows it
  (``python -m infralab.sealed``); the report header says whether this run is sealed.
- Hypothesis runs derandomised, without deadlines, so property tests are repeatable.
- Exercise notebooks are stored without outputs, so they are run in nbval's lax
  mode (every cell must run without error; outputs are not compared), while
  lessons and solutions are compared strictly with their stored outputs.
- With pytest-xdist (``-n auto --dist loadfile``), all tests of one file run on one
  worker: a notebook's cells run in order in one kernel, as nbval needs.
- Every notebook cell is marked ``kernel``, so ``make test-fast`` (``-m "not kernel
  and not browser"``) is a quick inner loop without Jupyter kernels or Chromium.
"""

import os
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import settings

from infralab import sealed
from infralab.build import guarded_ipython_dir
from tests.course_handouts import RUN_VARIABLE, run_folder

# Property tests explore the same examples on every run and never fail on a slow machine:
# CI and every maintainer see the same result.
settings.register_profile("course", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("course")

ROOT = Path(__file__).parent
_ipython_dir = guarded_ipython_dir()
os.environ["IPYTHONDIR"] = str(_ipython_dir)
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
# One id for this run, shared with pytest-xdist's workers (started after this): the course's
# handouts are built once per run under it (tests/course_handouts.py).
os.environ.setdefault(RUN_VARIABLE, uuid.uuid4().hex)


def pytest_report_header(config):
    if sealed.is_sealed():
        return "network: sealed (a network namespace with loopback alone)"
    return "network: not sealed (the kernel guard alone keeps notebooks offline)"


def pytest_itemcollected(item):
    """Mark each notebook cell ``kernel``; exercise sheets run in nbval's lax mode."""
    options = getattr(item, "options", None)
    if options is None:
        return
    path = Path(str(item.path))
    item.add_marker(pytest.mark.kernel)
    if ROOT / "exercises" in path.parents:
        options["check"] = False  # nbval lax mode for exercise notebooks


def pytest_collection_modifyitems(items):
    """Files with a browser, then files with kernels, first: the longest start first.

    With pytest-xdist's ``--dist loadfile`` files are handed to workers in this order, so
    the long ones are not left for last (the order of the tests inside a file is kept).
    """

    def weight(item) -> int:
        if item.get_closest_marker("browser"):
            return 0
        return 1 if item.get_closest_marker("kernel") else 2

    first = {}
    for item in items:
        file = str(item.path)
        first[file] = min(first.get(file, 2), weight(item))
    items.sort(key=lambda item: first[str(item.path)])


def pytest_unconfigure(config):
    shutil.rmtree(_ipython_dir, ignore_errors=True)
    if not hasattr(config, "workerinput"):  # the run itself, not one of its workers
        shutil.rmtree(run_folder(), ignore_errors=True)


@pytest.fixture
def course_root() -> Path:
    return ROOT
