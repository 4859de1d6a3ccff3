"""Run a lesson's check cell the way a notebook does and capture what it prints."""

from __future__ import annotations

import contextlib
import io
from types import ModuleType


def run_check_cell(module: ModuleType, name: str, function: object) -> tuple[object, str, str]:
    """Call ``module.<name>(function)``; return (returned value, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        returned = getattr(module, name)(function)
    return returned, out.getvalue(), err.getvalue()
