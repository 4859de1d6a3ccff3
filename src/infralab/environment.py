"""Is this machine ready for the course? The check behind ``00_start_here``.

The list of what the course needs is read from the installed package's own
metadata (``pyproject.toml``), so it can never disagree with the install.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata

__all__ = ["MINIMUM_PYTHON", "PackageStatus", "EnvironmentReport", "check_environment"]

#: Oldest Python the course is tested on.
MINIMUM_PYTHON = (3, 11)


@dataclass(frozen=True)
class PackageStatus:
    """One package: what the course needs and what this machine has."""

    name: str
    required: str
    installed: str | None

    @property
    def ok(self) -> bool:
        if self.installed is None:
            return False
        installed = _version_key(self.installed)
        for clause in filter(None, (part.strip() for part in self.required.split(","))):
            operator, version = _CLAUSE.match(clause).groups()
            if not _COMPARE[operator](installed, _version_key(version)):
                return False
        return True

    @property
    def advice(self) -> str:
        if self.installed is None:
            return "missing: run `make setup` (or `pip install -e .`) in the course folder"
        if not self.ok:
            return f"wrong version: the course needs {self.name}{self.required}"
        return "ok"


@dataclass(frozen=True)
class EnvironmentReport:
    """Everything :func:`check_environment` found."""

    python_version: str
    python_ok: bool
    packages: tuple[PackageStatus, ...]

    @property
    def ok(self) -> bool:
        return self.python_ok and all(package.ok for package in self.packages)

    @property
    def problems(self) -> list[str]:
        found = []
        if not self.python_ok:
            wanted = ".".join(map(str, MINIMUM_PYTHON))
            found.append(f"Python {self.python_version} is too old: the course needs {wanted}+")
        found += [f"{p.name}: {p.advice}" for p in self.packages if not p.ok]
        return found

    def summary(self) -> str:
        """A short table, one package a line, then a verdict."""
        width = max([len("package"), len("python")] + [len(p.name) for p in self.packages])
        lines = [f"{'package':<{width}} {'needs':<10} {'installed':<12} status"]
        lines.append(f"{'python':<{width}} {'>=3.11':<10} {self.python_version:<12} "
                     f"{'ok' if self.python_ok else 'TOO OLD'}")
        for package in self.packages:
            lines.append(
                f"{package.name:<{width}} {package.required:<10} {package.installed or '-':<12} "
                f"{'ok' if package.ok else 'PROBLEM'}"
            )
        if self.ok:
            lines.append("Everything the course needs is installed. You are ready.")
        else:
            lines.append("Fix these before the workshop:")
            lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


def _version_key(version: str) -> tuple[int, ...]:
    """The release part of a version, padded to three numbers: '1.26' -> (1, 26, 0).

    Pre-release and local labels are ignored: '2.0rc1' -> (2, 0, 0).
    """
    release = re.match(r"\d+(?:\.\d+)*", version.strip())
    parts = [int(part) for part in release[0].split(".")] if release else []
    return tuple((parts + [0, 0, 0])[:3])


_CLAUSE = re.compile(r"^(>=|<=|==|!=|~=|>|<)\s*([0-9][0-9a-zA-Z.*+]*)$")
_COMPARE = {
    ">=": lambda have, need: have >= need,
    "<=": lambda have, need: have <= need,
    ">": lambda have, need: have > need,
    "<": lambda have, need: have < need,
    "==": lambda have, need: have == need,
    "!=": lambda have, need: have != need,
    "~=": lambda have, need: have >= need,
}
_REQUIREMENT = re.compile(
    r"^\s*([A-Za-z0-9_.\-]+)\s*((?:(?:>=|<=|==|!=|~=|>|<)\s*[0-9][0-9a-zA-Z.*+]*\s*,?\s*)*)$"
)


def _runtime_requirements(distribution: str) -> list[tuple[str, str]]:
    """(name, '>=version') for each runtime requirement; the maintainers' extra is left out."""
    try:
        texts = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        raise RuntimeError(
            f"the {distribution!r} package is not installed: run `make setup` in the course folder"
        ) from None
    found = []
    for text in texts:
        requirement, _, marker = text.partition(";")
        if "extra" in marker:  # the maintainers' extra (`dev`): not needed to run notebooks
            continue
        match = _REQUIREMENT.match(requirement)
        if match is None:
            raise RuntimeError(f"cannot read the requirement {text!r}: use 'name>=version'")
        found.append((match.group(1), match.group(2).replace(" ", "").rstrip(",")))
    return found


def check_environment(distribution: str = "infralab") -> EnvironmentReport:
    """Compare this machine with what the course needs.

    Parameters
    ----------
    distribution : str
        The installed distribution whose requirements to check.

    Returns
    -------
    EnvironmentReport
        ``report.ok`` is True when everything is there; ``report.summary()``
        is a table to print, ending with what to fix.
    """
    if not isinstance(distribution, str):
        raise TypeError(f"distribution must be a package name, got {distribution!r}")
    if not distribution:
        raise ValueError(f"distribution must be a package name, got {distribution!r}")
    packages = []
    for name, required in _runtime_requirements(distribution):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        packages.append(PackageStatus(name, required, installed))
    python = ".".join(map(str, sys.version_info[:3]))
    return EnvironmentReport(python, sys.version_info[:2] >= MINIMUM_PYTHON, tuple(packages))
