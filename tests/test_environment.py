"""Tests for infralab.environment: the set-up check learners run in 00_start_here."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from infralab.environment import (
    MINIMUM_PYTHON,
    EnvironmentReport,
    PackageStatus,
    check_environment,
)

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
READY = "Everything the course needs is installed. You are ready."


def runtime_requirements() -> dict[str, str]:
    """{name: '>=version'} for every runtime dependency declared in pyproject.toml."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = {}
    for text in project["dependencies"]:
        name, bound = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(>=\s*[0-9.]+)?", text.strip()).groups()
        found[name] = (bound or "").replace(" ", "")
    return found


# --------------------------------------------------------------------------- #
# This install
# --------------------------------------------------------------------------- #


def test_this_install_is_ready_for_the_course():
    report = check_environment()
    assert report.ok, report.summary()
    assert report.python_ok
    assert report.problems == []
    assert report.python_version == ".".join(map(str, sys.version_info[:3]))
    assert report.summary().splitlines()[-1] == READY


def test_every_runtime_dependency_in_pyproject_is_checked():
    report = check_environment()
    checked = {package.name: package.required for package in report.packages}
    assert checked == runtime_requirements()
    for package in report.packages:
        assert package.installed == metadata.version(package.name)


def test_the_maintainers_extra_is_not_required_to_run_notebooks():
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    dev_names = {re.match(r"[A-Za-z0-9_.\-]+", text)[0]
                 for text in project["optional-dependencies"]["dev"]}
    checked = {package.name for package in check_environment().packages}
    assert dev_names.isdisjoint(checked)


def test_summary_has_one_line_per_package_under_a_header():
    report = check_environment()
    lines = report.summary().splitlines()
    assert lines[0].split() == ["package", "needs", "installed", "status"]
    assert lines[1].split() == ["python", ">=3.11", report.python_version, "ok"]
    for line, package in zip(lines[2:-1], report.packages, strict=True):
        assert line.split() == [package.name, package.required, package.installed, "ok"]


# --------------------------------------------------------------------------- #
# PackageStatus
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("required", "installed", "ok"),
    [
        (">=1.26", "2.4.6", True),
        (">=1.26", "1.26.0", True),  # exactly the minimum
        (">=1.26", "1.26", True),
        (">=2.2", "10.0.1", True),  # numeric, not alphabetical: 10 > 2
        (">=8.1", "8.1.9", True),
        (">=6.100", "6.170.17", True),
        (">=6.100", "6.99.0", False),  # numeric: 99 < 100
        (">=1.26", "1.25.2", False),
        (">=3.8", "2.2.5", False),
        (">=2.2", "2.2.0+local.build", True),  # the local label is ignored
        ("", "0.0.1", True),  # no lower bound
    ],
)
def test_package_ok_compares_numeric_versions(required, installed, ok):
    assert PackageStatus("somepackage", required, installed).ok is ok


def test_a_version_equal_to_the_minimum_but_written_shorter_is_ok():
    assert PackageStatus("numpy", ">=1.26.0", "1.26").ok


def test_an_up_to_date_package_is_ok():
    package = PackageStatus("numpy", ">=1.26", "2.4.6")
    assert package.ok
    assert package.advice == "ok"


def test_a_too_old_package_says_what_the_course_needs():
    package = PackageStatus("pandas", ">=2.2", "1.5.3")
    assert not package.ok
    assert "pandas>=2.2" in package.advice
    assert "wrong version" in package.advice


def test_a_missing_package_says_how_to_install_it():
    package = PackageStatus("scipy", ">=1.12", None)
    assert not package.ok
    assert package.advice.startswith("missing")
    assert "make setup" in package.advice


def test_package_status_is_frozen():
    package = PackageStatus("numpy", ">=1.26", "2.4.6")
    with pytest.raises(AttributeError):
        package.installed = "1.0"


# --------------------------------------------------------------------------- #
# EnvironmentReport
# --------------------------------------------------------------------------- #


def test_summary_of_a_good_machine_ends_with_the_ready_line():
    report = EnvironmentReport(
        "3.11.9", True, (PackageStatus("numpy", ">=1.26", "2.4.6"),)
    )
    assert report.ok
    assert report.problems == []
    lines = report.summary().splitlines()
    assert lines[-1] == READY
    assert lines[2].split() == ["numpy", ">=1.26", "2.4.6", "ok"]


def test_summary_of_a_machine_with_problems_lists_each_problem():
    report = EnvironmentReport(
        "3.10.4",
        False,
        (
            PackageStatus("numpy", ">=1.26", "2.4.6"),
            PackageStatus("pandas", ">=2.2", "1.5.3"),
            PackageStatus("scipy", ">=1.12", None),
        ),
    )
    assert not report.ok
    wanted = ".".join(map(str, MINIMUM_PYTHON))
    assert report.problems == [
        f"Python 3.10.4 is too old: the course needs {wanted}+",
        "pandas: " + PackageStatus("pandas", ">=2.2", "1.5.3").advice,
        "scipy: " + PackageStatus("scipy", ">=1.12", None).advice,
    ]
    summary = report.summary()
    lines = summary.splitlines()
    assert READY not in summary
    assert lines[1].split() == ["python", ">=3.11", "3.10.4", "TOO", "OLD"]
    assert lines[3].split() == ["pandas", ">=2.2", "1.5.3", "PROBLEM"]
    assert lines[4].split() == ["scipy", ">=1.12", "-", "PROBLEM"]
    fix_at = lines.index("Fix these before the workshop:")
    assert lines[fix_at + 1:] == [f"  - {problem}" for problem in report.problems]


def test_an_old_python_alone_is_a_problem():
    report = EnvironmentReport("3.9.18", False, ())
    assert not report.ok
    assert report.problems == ["Python 3.9.18 is too old: the course needs 3.11+"]


# --------------------------------------------------------------------------- #
# check_environment's argument
# --------------------------------------------------------------------------- #


def test_an_empty_distribution_name_is_refused():
    with pytest.raises(ValueError, match=r"^distribution must be a package name, got ''$"):
        check_environment("")


def test_a_distribution_that_is_not_installed_says_to_run_setup():
    with pytest.raises(RuntimeError) as caught:
        check_environment("no-such-course-package")
    message = str(caught.value)
    assert "'no-such-course-package'" in message
    assert "not installed" in message
    assert "make setup" in message


@pytest.mark.parametrize(
    ("required", "installed", "ok"),
    [(">=1.26,<3", "2.4.6", True), (">=1.26,<2", "2.4.6", False), ("==8.1.9", "8.1.9", True),
     ("!=2.0", "2.0.0", False), (">1.0", "1.0", False), ("<=3", "3.0.0", True)],
)
def test_ranges_of_versions_are_understood(required, installed, ok):
    assert PackageStatus("somepackage", required, installed).ok is ok
