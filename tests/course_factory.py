"""Small notebooks for the build, handout and command-line tests: one definition of each piece.

The test modules import these names; a throw-away course is then assembled in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook, new_output

# A 1x1 PNG, the smallest real image output a notebook can store.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
    "2mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
FACILITATION = "Facilitation note: give the room ten minutes and ask who has seen an outage"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def notebook(*cells, **metadata) -> nbformat.NotebookNode:
    """A version-4 notebook with a Python kernel and the given cells and extra metadata."""
    extra = {"kernelspec": KERNEL, "language_info": {"name": "python", "version": "3.11.9"}}
    return new_notebook(cells=list(cells), metadata={**extra, **metadata})


def instructor_cell() -> nbformat.NotebookNode:
    """A markdown cell tagged ``instructor``: a facilitation note."""
    return new_markdown_cell(FACILITATION, metadata={"tags": ["instructor"]})


def widget_output() -> nbformat.NotebookNode:
    """The output a try-it panel stores: a widget view with its plain-text stand-in."""
    return new_output(
        "display_data",
        data={
            WIDGET_VIEW: {"model_id": "0f1e", "version_major": 2, "version_minor": 0},
            "text/plain": "VBox(children=(IntSlider(value=3),))",
        },
    )


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    """Write ``nb`` to ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
