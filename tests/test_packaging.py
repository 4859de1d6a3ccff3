"""The three descriptions of the course environment agree, and the documented commands exist.

``pyproject.toml`` says what the course needs (lower bounds), ``constraints.txt`` pins the
exact versions the stored notebook outputs were made with, and ``environment.yml`` is the
conda route to the same environment. These tests fail as soon as one drifts from the others.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

needs_make_now = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
CONSTRAINTS = ROOT / "constraints.txt"
ENVIRONMENT = ROOT / "environment.yml"
MAKEFILE = ROOT / "Makefile"
README = ROOT / "README.md"
CI_SCRIPT = ROOT / ".ci" / "run"

#: The targets the README and the course notes send people to.
DOCUMENTED_TARGETS = [
    "setup", "setup-dev", "start", "lab", "handouts", "test", "exercises", "execute", "data",
    "bench", "canary",
]


# --------------------------------------------------------------------------- #
# Small readers (no YAML or packaging library needed)
# --------------------------------------------------------------------------- #


def normalise(name: str) -> str:
    """A package name as pip compares it: lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def version_tuple(version: str) -> tuple[int, ...]:
    """The numeric release of a version: '6.170.17' -> (6, 170, 17)."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    assert match, f"not a version: {version!r}"
    return tuple(int(part) for part in match[0].split("."))


def at_least(version: str, minimum: str) -> bool:
    """``version >= minimum``, comparing numeric parts with missing parts as zero."""
    have, need = version_tuple(version), version_tuple(minimum)
    width = max(len(have), len(need))
    return have + (0,) * (width - len(have)) >= need + (0,) * (width - len(need))


def pyproject_requirements(part: str = "both") -> dict[str, str]:
    """{normalised name: minimum version} for the runtime dependencies, the dev extra or both."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = {}
    texts = {
        "runtime": project["dependencies"],
        "dev": project["optional-dependencies"]["dev"],
    }
    texts["both"] = [*texts["runtime"], *texts["dev"]]
    for text in texts[part]:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9.]*)", text.strip())
        assert match, f"pyproject requirement {text!r} is not 'name>=version'"
        found[normalise(match[1])] = match[2]
    return found


def constraint_pins() -> dict[str, str]:
    """{normalised name: pinned version} from constraints.txt."""
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([0-9][A-Za-z0-9.+!\-]*)", line)
        assert match, f"constraints.txt line {line!r} is not an exact 'name==version' pin"
        name = normalise(match[1])
        assert name not in pins, f"{name} is pinned twice in constraints.txt"
        pins[name] = match[2]
    return pins


def environment_file() -> tuple[list[str], list[str]]:
    """The conda specs and the pip items of environment.yml's ``dependencies``.

    A deliberately tiny reader for the file's simple layout: list items under
    ``dependencies:``, with the pip items nested under ``- pip:``.
    """
    conda: list[str] = []
    pip: list[str] = []
    in_dependencies = in_pip = False
    pip_indent = 0
    for raw in ENVIRONMENT.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if indent == 0:
            in_dependencies = item == "dependencies:"
            in_pip = False
            continue
        if not in_dependencies or not item.startswith("- "):
            continue
        value = item[2:].strip()
        if in_pip and indent > pip_indent:
            pip.append(value)
            continue
        in_pip = value == "pip:"
        if in_pip:
            pip_indent = indent
        else:
            conda.append(value)
    return conda, pip


def conda_pins() -> dict[str, str]:
    """{normalised name: version or ''} for each conda spec in environment.yml."""
    conda, _ = environment_file()
    pins = {}
    for spec in conda:
        name, _, version = spec.partition("=")
        pins[normalise(name.strip())] = version.strip()
    return pins


def pip_pins() -> dict[str, str]:
    """{normalised name: version} for each ``name==version`` in environment.yml's pip section."""
    _, pip = environment_file()
    pins = {}
    for spec in pip:
        name, separator, version = spec.partition("==")
        if separator:
            pins[normalise(name.strip())] = version.strip()
    return pins


def makefile_recipe(target: str) -> list[str]:
    """The recipe lines of ``target`` in the Makefile."""
    lines = MAKEFILE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


# --------------------------------------------------------------------------- #
# The readers themselves, on known text
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("version", "minimum", "expected"),
    [
        ("2.4.6", "1.26", True),
        ("1.26", "1.26.0", True),
        ("8", "8.0", True),
        ("6.170.17", "6.100", True),
        ("6.99", "6.100", False),
        ("0.11.0", "0.11", True),
        ("0.10.9", "0.11", False),
    ],
)
def test_version_comparison_is_numeric(version, minimum, expected):
    assert at_least(version, minimum) is expected


def test_names_normalise_as_pip_compares_them():
    assert normalise("Jinja2") == normalise("jinja2")
    assert normalise("ipython_pygments_lexers") == "ipython-pygments-lexers"
    assert normalise("jupyter.core") == normalise("Jupyter_Core")


# --------------------------------------------------------------------------- #
# pyproject.toml <-> constraints.txt
# --------------------------------------------------------------------------- #


def test_every_dependency_is_pinned_in_constraints():
    pins = constraint_pins()
    missing = sorted(set(pyproject_requirements()) - set(pins))
    assert missing == [], f"add exact pins to constraints.txt for: {missing}"


@pytest.mark.parametrize("name", sorted(pyproject_requirements()))
def test_each_pin_satisfies_the_pyproject_lower_bound(name):
    minimum = pyproject_requirements()[name]
    pinned = constraint_pins()[name]
    assert at_least(pinned, minimum), (
        f"constraints.txt pins {name}=={pinned}, below pyproject's {name}>={minimum}"
    )


def test_constraints_do_not_pin_the_course_package_itself():
    assert "infralab" not in constraint_pins()


# --------------------------------------------------------------------------- #
# environment.yml <-> pyproject.toml and constraints.txt
# --------------------------------------------------------------------------- #


def test_environment_lists_exactly_the_runtime_packages_plus_python_and_pip():
    # Learners (and Binder) install the runtime only; maintainers add the dev extra with pip.
    expected = set(pyproject_requirements("runtime")) | {"python", "pip"}
    listed = set(conda_pins()) | set(pip_pins())
    assert listed == expected, (
        f"only in environment.yml: {sorted(listed - expected)}; "
        f"only in pyproject.toml: {sorted(expected - listed)}"
    )
    conda, _ = environment_file()
    assert len(conda) + len(pip_pins()) == len(listed), (
        "a package is listed twice in environment.yml"
    )


@pytest.mark.parametrize("name", sorted(pyproject_requirements("runtime")))
def test_environment_pin_equals_the_constraints_pin(name):
    pins = conda_pins() | pip_pins()
    assert pins[name] == constraint_pins()[name], (
        f"environment.yml has {name}={pins[name]}, "
        f"constraints.txt has {name}=={constraint_pins()[name]}"
    )


def test_environment_uses_python_3_11():
    assert conda_pins()["python"] == "3.11"


def test_environment_specs_are_name_equals_version_without_build_strings():
    conda, _ = environment_file()
    for spec in conda:
        assert spec.count("=") <= 1, f"{spec!r}: use name=version, with no build string"
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+(=[0-9][0-9.]*)?", spec), spec
    unpinned = sorted(name for name, version in conda_pins().items() if not version)
    assert unpinned == ["pip"]


def test_environment_pip_section_installs_the_course_package():
    _, pip = environment_file()
    assert pip[-1] == "-e ."
    for spec in pip[:-1]:  # packages with no conda build, pinned exactly
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][0-9.]*", spec), spec


# --------------------------------------------------------------------------- #
# The Makefile, the README and continuous integration
# --------------------------------------------------------------------------- #


def test_setup_installs_the_runtime_and_setup_dev_adds_the_dev_extra_both_pinned():
    runtime = [line for line in makefile_recipe("$(STAMP)") if "pip install" in line]
    dev = [line for line in makefile_recipe("$(DEV_STAMP)") if "pip install" in line]
    assert len(runtime) == len(dev) == 1
    assert "-c constraints.txt" in runtime[0] and "-c constraints.txt" in dev[0]
    assert runtime[0].endswith("-e .") and dev[0].endswith('-e ".[dev]"')


def makefile_prerequisites(target: str) -> list[str]:
    """What ``target`` depends on in the Makefile."""
    text = MAKEFILE.read_text(encoding="utf-8")
    line = re.search(rf"^{re.escape(target)}:([^#\n]*)", text, re.M)
    assert line, f"the Makefile has no {target} target"
    return line[1].split()


@pytest.mark.parametrize("target", ["start", "lab", "handouts"])
def test_what_learners_run_installs_only_the_runtime(target):
    assert makefile_prerequisites(target) == ["setup"]


@pytest.mark.parametrize("target", ["test", "test-fast", "lint", "exercises", "execute", "bench"])
def test_what_maintainers_run_adds_the_dev_extra(target):
    assert makefile_prerequisites(target) == ["setup-dev"]


def test_the_makefile_asks_for_the_python_pyproject_requires():
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    minimum = re.fullmatch(r">=\s*([0-9.]+)", project["requires-python"])
    made = re.search(r"^PYTHON_MIN\s*:=\s*(\S+)", MAKEFILE.read_text(encoding="utf-8"), re.M)
    assert minimum and made and made[1] == minimum[1]


@needs_make_now
def test_make_setup_refuses_a_python_that_is_too_old_and_says_what_to_do(tmp_path):
    old = tmp_path / "python-old"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.9.2" && exit 0\nexit 1\n')
    old.chmod(0o755)
    result = subprocess.run(
        ["make", "--no-print-directory", "setup", f"VENV={tmp_path / 'venv'}", f"PYTHON={old}"],
        cwd=ROOT, capture_output=True, text=True, timeout=20, check=False,
    )
    assert result.returncode != 0
    assert "Python 3.9.2" in result.stdout and "PYTHON=" in result.stdout
    assert not (tmp_path / "venv").exists()


@needs_make_now
def test_make_setup_makes_again_a_venv_made_by_a_python_that_is_too_old(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    old = venv / "bin" / "python"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.9.2" && exit 0\nexit 1\n')
    old.chmod(0o755)
    # Here PYTHON is too old as well, so make stops after removing the old venv.
    result = subprocess.run(
        ["make", "--no-print-directory", "setup", f"VENV={venv}", f"PYTHON={old}"],
        cwd=ROOT, capture_output=True, text=True, timeout=20, check=False,
    )
    assert "made by Python 3.9.2, older than 3.11: making it again" in result.stdout
    assert not venv.exists()


def test_make_test_runs_lint_and_the_whole_pytest_suite():
    recipe = makefile_recipe("test")
    lint = r"ruff check src tests notebooks solutions benchmarks$"
    assert any(re.search(lint, line) for line in recipe)
    assert any(re.search(r"python -m pytest$", line) for line in recipe)


def test_readme_quick_start_gives_make_test_as_the_test_command():
    assert README.is_file(), "README.md is missing: its quick start names the test command"
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^#+\s*Quick start.*?(?=^#+\s|\Z)", text, re.IGNORECASE | re.M | re.S)
    assert match, "README.md needs a 'Quick start' section"
    assert "make test" in match[0]


def test_continuous_integration_runs_make_test():
    commands = [
        line.strip()
        for line in CI_SCRIPT.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1] == "make test"
    assert os.access(CI_SCRIPT, os.X_OK), ".ci/run must be executable"


@pytest.mark.parametrize("target", DOCUMENTED_TARGETS)
def test_documented_target_exists_with_help_text(target):
    text = MAKEFILE.read_text(encoding="utf-8")
    assert re.search(rf"^{target}:[^\n]*## \S", text, re.M), (
        f"the Makefile needs a '{target}: ...  ## what it does' line so `make help` lists it"
    )
    phony = re.search(r"^\.PHONY:(.*)$", text, re.M)
    assert phony and target in phony[1].split()


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_make_help_lists_every_documented_target():
    result = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT, capture_output=True, text=True, timeout=20, check=True,
    )
    listed = re.findall(r"^\s*make (\S+)", result.stdout, re.M)
    assert set(DOCUMENTED_TARGETS) <= set(listed)


@needs_make
@pytest.mark.parametrize("target", DOCUMENTED_TARGETS)
def test_make_dry_run_knows_the_target(target):
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", target],
        cwd=ROOT, capture_output=True, text=True, timeout=20, check=False,
    )
    assert result.returncode == 0, result.stderr
