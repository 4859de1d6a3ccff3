"""What the course holds, read from its notebooks: titles, times and the course map.

A light module (the standard library and pandas only), so that ``00_start_here``
can show the course map without loading the notebook-conversion libraries that
:mod:`infralab.build` and :mod:`infralab.handouts` need. Both of those read
titles and times through the functions here, so every page, index and map
names a notebook the same way.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .paths import course_root

__all__ = ["INSTRUCTOR_TAG", "course_map", "notebook_minutes", "notebook_title"]

#: Cell tag of facilitation notes: kept out of learners' exercise sheets and handouts.
INSTRUCTOR_TAG = "instructor"

_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MINUTES = re.compile(r"\*\*Time:\*\*\s*about\s+(\d+)\s+minutes", re.IGNORECASE)


def _text(source: object) -> str:
    """A cell's source as one text (notebook files may store it as a list of lines)."""
    return "".join(source) if isinstance(source, list) else str(source)


def _learner_markdown(notebook: Mapping) -> list[str]:
    """The markdown cells a learner sees (facilitation notes left out), as texts."""
    if not isinstance(notebook, Mapping) or not isinstance(notebook.get("cells"), list):
        raise TypeError(
            "notebook must be a notebook: a mapping with a list of 'cells', "
            f"got {type(notebook).__name__}"
        )
    return [
        _text(cell.get("source", ""))
        for cell in notebook.get("cells", [])
        if cell.get("cell_type") == "markdown"
        and INSTRUCTOR_TAG not in cell.get("metadata", {}).get("tags", [])
    ]


def notebook_title(notebook: Mapping, source: str | os.PathLike[str]) -> str:
    """The notebook's first markdown heading as plain text, else its file name.

    Parameters
    ----------
    notebook : mapping
        The notebook, as read by nbformat or as the plain JSON of its file.
    source : path-like
        The notebook's file, for the fallback title.

    Returns
    -------
    str

    Examples
    --------
    >>> cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# 05 · *Count* it\\n"]}]
    >>> notebook_title({"cells": cells}, "05_tracking.ipynb")
    '05 · Count it'
    >>> notebook_title({"cells": []}, "05_server_side_tracking.ipynb")
    '05 server side tracking'
    """
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be the notebook's file path, got {source!r}")
    for text in _learner_markdown(notebook):
        heading = _HEADING.search(text)
        if heading:
            title = _MARKDOWN_LINK.sub(r"\1", heading.group(1))
            title = re.sub(r"<[^>]+>|[*`]", "", title).strip()
            if title:
                return title
    return Path(source).stem.replace("_", " ")


def notebook_minutes(notebook: Mapping) -> int | None:
    """The learner time a notebook states ("**Time:** about N minutes"), or None.

    Examples
    --------
    >>> cells = [{"cell_type": "markdown", "source": "**Time:** about 45 minutes."}]
    >>> notebook_minutes({"cells": cells})
    45
    """
    found = _MINUTES.search("\n".join(_learner_markdown(notebook)))
    return int(found.group(1)) if found else None


def _notebooks_in(folder: Path) -> list[Path]:
    """The notebooks of ``folder``, by file name."""
    return sorted(path for path in folder.glob("*.ipynb") if path.is_file())


def _existing_folder(folder: Path, role: str) -> Path:
    """``folder``, after checking it exists and is a folder (``role`` names it in errors)."""
    if not folder.exists():
        raise FileNotFoundError(f"the {role} folder {folder} does not exist")
    if not folder.is_dir():
        raise NotADirectoryError(f"the {role} folder {folder} is not a folder")
    return folder


def _read_json(path: Path) -> dict:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a readable notebook ({error})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{path} is not a Jupyter notebook")
    return notebook


def course_map(root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """List the lessons of this edition of the course, read from the notebooks themselves.

    Nothing is maintained by hand: a lesson added to ``notebooks/`` appears
    here with its title, its estimated time (the "**Time:** about N minutes"
    line of its introduction) and whether it has exercises and solutions.

    Parameters
    ----------
    root : path-like, optional
        The course checkout; found from the current folder by default.

    Returns
    -------
    pandas.DataFrame
        One row per notebook in ``notebooks/``, in file order, with columns
        ``notebook``, ``title``, ``minutes`` (0 where the notebook states no
        time), ``exercises`` and ``solutions`` (True when the matching file exists).

    Raises
    ------
    TypeError
        If ``root`` is not a path.
    FileNotFoundError, NotADirectoryError
        If the course has no ``notebooks/`` folder.
    ValueError
        If a notebook cannot be read.
    """
    if root is not None and not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path to the course folder, got {root!r}")
    top = course_root() if root is None else Path(root)
    lessons = _existing_folder(top / "notebooks", "notebooks")
    rows = []
    for path in _notebooks_in(lessons):
        notebook = _read_json(path)
        rows.append(
            {
                "notebook": path.name,
                "title": notebook_title(notebook, path),
                "minutes": notebook_minutes(notebook) or 0,
                "exercises": (top / "exercises" / path.name).is_file(),
                "solutions": (top / "solutions" / path.name).is_file(),
            }
        )
    return pd.DataFrame(rows, columns=["notebook", "title", "minutes", "exercises", "solutions"])
