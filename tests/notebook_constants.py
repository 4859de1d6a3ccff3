"""A lesson's named constants, read from its notebook: findings tests use the lesson's own values.

A findings test asserts what a lesson's figures and sentences claim, so it must use
the very parameters the lesson does (its seed, limits, dates). Copying them into the
test would let the two drift; :func:`notebook_constants` reads them from the notebook's
code cells instead.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

#: What a constant's expression may use.
_NAMESPACE = {"np": np, "pd": pd, "math": math, "__builtins__": {}}


def notebook_constants(notebook: str | Path, *names: str) -> dict[str, object]:
    """The values of the top-level assignments ``NAME = ...`` in ``notebook``, by name.

    ``notebook`` is a path, or a file name in ``notebooks/``. Each expression is
    evaluated with only numpy (``np``), pandas (``pd``) and ``math`` in scope, so
    only plain constants can be read, e.g. ``LIMITS = {"cpu": 90, "disk": 64 * 1024}``.

    Raises
    ------
    KeyError
        When a name is not assigned at the top level of a code cell; the message
        names the notebook.
    """
    path = Path(notebook)
    if not path.is_absolute() and path.parent == Path("."):
        path = ROOT / "notebooks" / path
    found: dict[str, object] = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for statement in ast.parse(cell.source).body:
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                continue
            target, value = statement.targets[0], statement.value
            pairs = [(target, value)]
            if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
                pairs = list(zip(target.elts, value.elts, strict=False))  # A, B = 1, 2
            for name, expression in pairs:
                if isinstance(name, ast.Name) and name.id in names:
                    code = compile(ast.Expression(expression), str(path), "eval")
                    found[name.id] = eval(code, dict(_NAMESPACE))  # noqa: S307
    missing = [name for name in names if name not in found]
    if missing:
        raise KeyError(f"{path.name} assigns no {', '.join(missing)} at the top of a code cell")
    return found
