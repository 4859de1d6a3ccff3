"""What ``import infralab.growth`` pulls in, and what the package re-exports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from infralab import growth
from infralab.growth import dates, fitting, projection, sharding, storage

#: Modules a lesson's model must never load: benchmarks, test tools and their machinery.
#: (numpy and pandas import neither asyncio nor argparse, so both are checked.)
FORBIDDEN_PREFIXES = ("infralab.bench", "benchmarks", "asyncio", "argparse", "pytest")

#: The public names of the old single-module ``infralab.growth``, in its order.
PUBLIC_NAMES = [
    "DAYS_PER_MONTH",
    "MODELS",
    "GrowthFit",
    "Projection",
    "ShardingResult",
    "days_until_limit",
    "doomsday_table",
    "find_regime_change",
    "fit_growth",
    "fraction_moved",
    "measure_bytes_per_row",
    "monthly_growth_pct",
    "project_to_limit",
    "rebalance_shards",
    "simulate_sharding",
    "stable_hash",
    "start_by_date",
    "zipf_sizes",
]

MODULES = (fitting, projection, dates, storage, sharding)


@pytest.fixture(scope="module")
def loaded_modules():
    """Every module in ``sys.modules`` after ``import infralab.growth`` in a fresh interpreter."""
    script = "import infralab.growth, json, sys; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(result.stdout)


def test_importing_growth_loads_no_benchmark_or_test_machinery(loaded_modules):
    forbidden = [
        name
        for name in loaded_modules
        if any(name == prefix or name.startswith(prefix + ".") for prefix in FORBIDDEN_PREFIXES)
        or name.startswith("infralab.bench")
    ]
    assert not forbidden, f"import infralab.growth loaded {forbidden}"


def test_growth_uses_no_other_course_module_than_validation(loaded_modules):
    course = {name for name in loaded_modules if name.split(".")[0] == "infralab"}
    others = sorted(
        name
        for name in course
        if name not in {"infralab", "infralab.validation"}
        and not name.startswith("infralab.growth")
    )
    assert not others, f"import infralab.growth loaded {others}"


def test_package_exports_the_old_public_api():
    assert growth.__all__ == PUBLIC_NAMES
    assert all(not name.startswith("_") for name in growth.__all__)


def test_every_public_name_comes_from_exactly_one_module_and_is_the_same_object():
    owners = {}
    for module in MODULES:
        for name in module.__all__:
            assert name not in owners, f"{name} is exported by {owners.get(name)} too"
            owners[name] = module.__name__
            assert getattr(growth, name) is getattr(module, name)
    assert sorted(owners) == sorted(PUBLIC_NAMES)


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_functions_and_classes_live_in_the_module_that_exports_them(module):
    for name in module.__all__:
        value = getattr(module, name)
        if callable(value):
            assert value.__module__ == module.__name__, name
