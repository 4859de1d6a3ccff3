"""Small notebooks for the build, handout and command-line tests: one definition of each piece.

The test modules import these names; a throw-away course is then assembled in ``tmp_path``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from infralab.build import generate_exercises
from infralab.lessons import Lesson

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


# --------------------------------------------------------------------------- a stub lesson

#: A lesson the real course does not have, for tests that add one to a throw-away course.
STUB_LESSON = Lesson("01", "toy_lesson")
STUB_TASKS = ("double", "triple", "square", "halve")
STUB_MINUTES = 30

_STUB_CHECKS = '''"""Checks of the stub lesson: four tasks on one number."""
from infralab.checks.core import Case, Task

_ANSWERS = {"double": 2, "triple": 3, "square": None, "halve": 0.5}


def _task(name):
    factor = _ANSWERS[name]
    expected = (lambda x: x * x) if factor is None else (lambda x: x * factor)
    cases = tuple(Case((x,), {}, expected(x), hidden=x != 2) for x in (2, 3, 10))
    return Task(name, ("x",), cases)


TASKS = {name: _task(name) for name in _ANSWERS}


def _checker(name):
    def check(function=None):
        TASKS[name].check(function)

    check.__name__ = name
    return check


double, triple, square, halve = (_checker(name) for name in _ANSWERS)
'''


def stub_lesson(root: Path) -> Lesson:
    """Write everything :data:`STUB_LESSON` needs into the course at ``root``; return it.

    The lesson notebook, its exercise source and generated sheet, a row in the README's
    and the instructor guide's tables, its tests folder, and its check module (imported as
    ``infralab.checks.toy_lesson`` by the caller: see :func:`stub_check_module`).
    """
    lesson = STUB_LESSON
    write(
        notebook(
            new_markdown_cell(
                f"# {lesson.number} · A toy lesson\n\n**Time:** about {STUB_MINUTES} minutes."
            ),
            instructor_cell(),
            new_markdown_cell("## Sources\n\n- A textbook."),
        ),
        root / "notebooks" / lesson.notebook,
    )
    cells = [new_markdown_cell(f"# {lesson.number} · Exercises")]
    cells.append(new_code_cell(f"from infralab.checks import {lesson.slug} as check"))
    for task in STUB_TASKS:
        cells.append(
            new_code_cell(
                f"def {task}(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"
            )
        )
        cells.append(new_code_cell(f"check.{task}({task})"))
    write(notebook(*cells), root / "solutions" / lesson.notebook)
    generate_exercises(root / "solutions", root / "exercises")
    (root / "README.md").write_text(
        "| notebook | what you do | time |\n|---|---|---|\n"
        f"| `{lesson.stem}` | a toy | {STUB_MINUTES} min |\n",
        encoding="utf-8",
    )
    guide = root / "docs" / "instructor-guide.md"
    guide.parent.mkdir(parents=True, exist_ok=True)
    guide.write_text(
        "# Instructor guide\n\n| notebook | time | point | exercises |\n|---|---|---|---|\n"
        f"| `{lesson.stem}` | about {STUB_MINUTES} min | a toy | four tasks |\n",
        encoding="utf-8",
    )
    tests = root / lesson.tests
    tests.mkdir(parents=True, exist_ok=True)
    for name in ("__init__.py", "test_findings.py", "test_checks.py", "answers.py", "api_specs.py"):
        (tests / name).write_text('"""Stub."""\n', encoding="utf-8")
    (root / "stub_checks.py").write_text(_STUB_CHECKS, encoding="utf-8")
    return lesson


def stub_check_module(root: Path) -> ModuleType:
    """The stub lesson's check module, loaded from the file :func:`stub_lesson` wrote."""
    spec = importlib.util.spec_from_file_location(STUB_LESSON.checks, root / "stub_checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
