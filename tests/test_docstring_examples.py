"""Every docstring example in the package runs and shows what it says.

Examples teach (``f?`` in Jupyter shows them), so a wrong one misleads a learner. Every
module of ``infralab`` is found by walking the package, so a new module is covered by
adding nothing here. ``infralab.kernel_guard`` is never imported: it is a kernel's
start-up script and would switch the network off in this process.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import tempfile

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import infralab  # noqa: E402
from infralab.lessons import LESSONS  # noqa: E402

NOT_IMPORTED = {"infralab.kernel_guard"}
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(infralab.__path__, prefix="infralab.")
    if info.name not in NOT_IMPORTED and not info.name.endswith("__main__")
)


def test_every_module_is_found():
    assert {"infralab.validation", "infralab.lessons", "infralab.checks.core"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name, tmp_path, monkeypatch):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    here = os.getcwd()
    os.chdir(tmp_path)  # an example that writes a file writes it here
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # and its temporary folders
    try:
        for test in finder.find(module, name, globs=dict(vars(module))):
            runner.run(test)
    finally:
        os.chdir(here)
        plt.close("all")
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples in {name} fail"


def _teaching_modules() -> list[str]:
    """Modules whose docstrings must show examples: the check machinery, and every lesson's
    check module and model modules (a learner reads them with ``f?``)."""
    names = ["infralab.checks.core"]
    for lesson in LESSONS:
        names.append(lesson.checks)
        for model in lesson.models:
            package = importlib.import_module(f"infralab.{model}")
            names += [
                f"{package.__name__}.{info.name}"
                for info in pkgutil.iter_modules(package.__path__)
                if not info.name.startswith("_")
            ]
    return names


@pytest.mark.parametrize("name", _teaching_modules())
def test_lesson_and_check_modules_teach_by_example(name):
    module = importlib.import_module(name)
    found = doctest.DocTestFinder(exclude_empty=True).find(module, name)
    assert sum(len(test.examples) for test in found) > 0, f"{name} has no docstring example"
