"""Every lesson's model package has the same shape: found from the registry, nothing listed here.

A model package (``infralab.growth``, ``infralab.tracking``, ...) is small modules of one
concern each, re-exported by its ``__init__``. Importing it loads no benchmark or test
code and no other course module than ``infralab.validation``; each public name comes
from exactly one of its modules and is the very same object in the package.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

from infralab.lessons import LESSONS

#: Modules a lesson's model must never load: benchmarks, test tools and their machinery.
#: (numpy and pandas import neither asyncio nor argparse, so both are checked.)
FORBIDDEN = ("benchmarks", "pytest", "_pytest", "hypothesis", "asyncio", "argparse")

#: Lines of a module above which it should be split into modules of one concern.
MAX_LINES = 600

PACKAGES = sorted({f"infralab.{model}" for lesson in LESSONS for model in lesson.models})


def _modules(package_name: str) -> list:
    package = importlib.import_module(package_name)
    return [
        importlib.import_module(f"{package_name}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


@pytest.fixture(scope="module", params=PACKAGES)
def loaded(request) -> tuple[str, list[str]]:
    """(package, every module in ``sys.modules`` after importing it in a fresh interpreter)."""
    script = f"import {request.param}, json, sys; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return request.param, json.loads(result.stdout)


def test_every_lesson_names_a_model_package():
    assert PACKAGES and all(lesson.models for lesson in LESSONS)


def test_importing_a_model_loads_no_benchmark_or_test_machinery(loaded):
    package, modules = loaded
    forbidden = [
        name for name in modules if any(name == f or name.startswith(f"{f}.") for f in FORBIDDEN)
    ]
    assert not forbidden, f"import {package} loaded {forbidden}"


def test_a_model_uses_no_other_course_module_than_validation(loaded):
    package, modules = loaded
    others = sorted(
        name
        for name in modules
        if name.split(".")[0] == "infralab"
        and name not in {"infralab", "infralab.validation"}
        and name != package
        and not name.startswith(f"{package}.")
    )
    assert not others, f"import {package} loaded {others}"


@pytest.mark.parametrize("package_name", PACKAGES)
def test_each_public_name_comes_from_one_module_and_is_the_same_object(package_name):
    package = importlib.import_module(package_name)
    owners: dict[str, str] = {}
    for module in _modules(package_name):
        for name in getattr(module, "__all__", ()):
            assert name not in owners, f"{name} is exported by {owners[name]} and {module}"
            owners[name] = module.__name__
            assert getattr(package, name) is getattr(module, name), name
            value = getattr(module, name)
            if callable(value):  # defined where it is exported, so `f??` shows its module
                assert value.__module__ == module.__name__, name
    assert sorted(owners) == sorted(package.__all__)
    assert not any(name.startswith("_") for name in package.__all__)


@pytest.mark.parametrize("package_name", PACKAGES)
def test_each_module_holds_one_concern_in_at_most_600_lines(package_name):
    for module in [importlib.import_module(package_name), *_modules(package_name)]:
        with open(module.__file__, encoding="utf-8") as source:
            lines = sum(1 for _ in source)
        assert lines <= MAX_LINES, f"{module.__name__} has {lines} lines: split it by concern"
