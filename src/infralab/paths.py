"""Where the course's folders are.

The course is used from a checkout of its repository, so every folder is found
relative to the checkout's top level: the nearest folder, from the current
working directory upwards, that holds ``pyproject.toml`` and ``notebooks/``.
Set the environment variable ``INFRALAB_ROOT`` to point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["course_root", "data_dir"]

_PACKAGE_CHECKOUT = Path(__file__).resolve().parents[2]


def _is_course_root(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir()


def course_root(start: str | os.PathLike[str] | None = None) -> Path:
    """Return the top-level folder of the course checkout.

    Parameters
    ----------
    start : path-like, optional
        Folder to search upwards from; the current working directory by default.

    Raises
    ------
    TypeError
        If ``start`` is neither None nor a path.
    FileNotFoundError
        If no course checkout is found; the message says how to fix it.
    """
    override = os.environ.get("INFRALAB_ROOT")
    if override:
        folder = Path(override).expanduser().resolve()
        if not _is_course_root(folder):
            raise FileNotFoundError(
                f"INFRALAB_ROOT={override!r} is not a course checkout "
                "(it needs pyproject.toml and notebooks/)"
            )
        return folder
    if start is not None and (isinstance(start, bool) or not isinstance(start, (str, os.PathLike))):
        raise TypeError(f"start must be a path (str or os.PathLike) or None, got {start!r}")
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_course_root(folder):
            return folder
    if _is_course_root(_PACKAGE_CHECKOUT):
        return _PACKAGE_CHECKOUT
    raise FileNotFoundError(
        f"no course checkout found above {here}; run from inside the repository "
        "or set INFRALAB_ROOT to its top-level folder"
    )


def data_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """Return the course's ``data/`` folder."""
    return course_root(start) / "data"
