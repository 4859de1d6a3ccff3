"""What every lesson of the course must have, as one function: :func:`contract_problems`.

``tests/test_lesson_contract.py`` applies it to every lesson in
:data:`infralab.lessons.LESSONS` and to a stub lesson in a throw-away course, so a new
lesson is held to the whole contract by adding nothing to the tests:

- its notebook, its exercise source in ``solutions/`` and its generated sheet in
  ``exercises/`` exist, and the sheet is what ``make exercises`` would write;
- at least :data:`MIN_TASKS` checked tasks, each with a check cell in the exercise
  source, and every check prints one friendly line for hostile answers;
- facilitation notes (cells tagged ``instructor``, each one folded ``<details>`` block so
  it does not greet learners in JupyterLab, before or after Run All) and a Sources section;
- every try-it panel's stored output reads as the plain instruction, not a widget's repr;
- the minutes of its ``**Time:**`` line agree with the README's table and the
  instructor guide's;
- the handout index of the learner edition links its pages, and so does the instructor
  edition's where it was built beside it (``handouts-instructor/``), with its answer key
  when its check module has tasks;
- its tests folder holds findings and checks tests, and its model packages and data
  sets exist.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import nbformat

from infralab.build import exercises_out_of_date
from infralab.coursemap import INSTRUCTOR_TAG, notebook_minutes
from infralab.handouts import INSTRUCTOR_EDITION
from infralab.lessons import Lesson
from infralab.tryit import INSTRUCTION
from tests.course_factory import WIDGET_VIEW

#: How a facilitation note begins: a folded block, one line until an instructor opens it.
FOLDED_NOTE = "<details><summary>Facilitation notes (instructor only)</summary>"

#: Fewest checked tasks a lesson's exercise sheet may have.
MIN_TASKS = 4

#: Tests every lesson folder holds.
LESSON_TESTS = ("test_findings.py", "test_checks.py", "answers.py", "api_specs.py")

_SOURCES = re.compile(r"^#{1,4}\s+Sources\b", re.MULTILINE)


def _hostile_answers() -> dict[str, object]:
    """Answers no check may crash on: each must still give exactly one line."""

    def raises(*args, **kwargs):
        raise ZeroDivisionError("learner's bug")

    def returns_none(*args, **kwargs):
        return None

    def stub(*args, **kwargs):
        raise NotImplementedError

    return {"not a function": 42, "raises": raises, "returns None": returns_none, "stub": stub}


def _check_module(lesson: Lesson):
    return importlib.import_module(lesson.checks)


def _one_line(check, task: str, answer: object) -> str | None:
    """The problem with what ``check.<task>(answer)`` printed, or None when it is one line."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            returned = getattr(check, task)(answer)
    except BaseException as error:  # noqa: BLE001 - a check must never raise
        return f"raised {type(error).__name__}: {error}"
    lines = out.getvalue().splitlines()
    if returned is not None or err.getvalue() or len(lines) != 1 or f"({task})" not in lines[0]:
        return f"printed {out.getvalue()!r} (stderr {err.getvalue()!r}), returned {returned!r}"
    return None


def _stated_minutes(file: Path, row: str) -> int | None:
    """The minutes in the first line of ``file`` matching the pattern ``row`` (None if none)."""
    if not file.is_file():
        return None
    found = re.search(row, file.read_text(encoding="utf-8"), re.MULTILINE)
    return int(found[1]) if found else None


def _links(index: Path) -> set[str]:
    if not index.is_file():
        return set()
    return set(re.findall(r'href="([^"#]+)', index.read_text(encoding="utf-8")))


def contract_problems(root: Path, lesson: Lesson, handouts: Path | None = None) -> list[str]:
    """Every way ``lesson`` falls short of the contract in the course at ``root`` ([] = none).

    ``handouts`` is a folder where the learner edition of this course's handouts was
    built; the instructor edition is checked too when it was built beside it
    (``handouts-instructor/`` next to ``handouts``). When None, no handout index is checked.
    """
    problems: list[str] = []
    paths = {folder: root / folder / lesson.notebook for folder in ("notebooks", "solutions")}
    paths["exercises"] = root / "exercises" / lesson.notebook
    for folder, path in paths.items():
        if not path.is_file():
            problems.append(f"{folder}/{lesson.notebook} is missing")
    if problems:
        return problems

    if lesson.notebook in exercises_out_of_date(root / "solutions", root / "exercises"):
        problems.append(f"exercises/{lesson.notebook} differs from its solutions: make exercises")

    # checked tasks, each with a check cell, each friendly on hostile answers
    try:
        check = _check_module(lesson)
    except ImportError as error:
        problems.append(f"{lesson.checks} cannot be imported: {error}")
    else:
        tasks = sorted(getattr(check, "TASKS", {}))
        if len(tasks) < MIN_TASKS:
            problems.append(f"{lesson.checks} has {len(tasks)} tasks, fewer than {MIN_TASKS}")
        solution = nbformat.read(paths["solutions"], as_version=4)
        code = "\n".join(cell.source for cell in solution.cells if cell.cell_type == "code")
        for task in tasks:
            if not re.search(rf"\bcheck\.{task}\(", code):
                problems.append(f"solutions/{lesson.notebook} has no check cell for {task}")
            for label, answer in _hostile_answers().items():
                problem = _one_line(check, task, answer)
                if problem:
                    problems.append(f"check {task} on an answer that {label}: {problem}")

    # facilitation notes and sources
    lesson_notebook = nbformat.read(paths["notebooks"], as_version=4)
    tags = [tag for cell in lesson_notebook.cells for tag in cell.metadata.get("tags", [])]
    if INSTRUCTOR_TAG not in tags:
        problems.append(f"notebooks/{lesson.notebook} has no cell tagged {INSTRUCTOR_TAG!r}")
    for folder in ("notebooks", "solutions"):
        cells = nbformat.read(paths[folder], as_version=4).cells
        for number, cell in enumerate(cells, start=1):
            text = cell.source.strip()
            if INSTRUCTOR_TAG in cell.metadata.get("tags", []) and not (
                text.startswith(FOLDED_NOTE) and text.endswith("</details>")
            ):
                problems.append(
                    f"{folder}/{lesson.notebook} cell {number} (instructor) is not folded: "
                    f"begin it with {FOLDED_NOTE} and end it with </details>"
                )
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data and data.get("text/plain") != INSTRUCTION:
                    problems.append(
                        f"{folder}/{lesson.notebook} cell {number}: a widget's stored output "
                        f"reads {data.get('text/plain')!r}, not the try-it instruction"
                    )
    markdown = "\n".join(c.source for c in lesson_notebook.cells if c.cell_type == "markdown")
    if not _SOURCES.search(markdown):
        problems.append(f"notebooks/{lesson.notebook} has no Sources section")

    # one time for the lesson, wherever it is stated
    minutes = notebook_minutes(lesson_notebook)
    if minutes is None:
        problems.append(f"notebooks/{lesson.notebook} has no '**Time:** about N minutes' line")
    name = re.escape(lesson.stem)
    for where, stated in (
        (
            "README.md's table",
            _stated_minutes(root / "README.md", rf"^\|\s*`{name}`\s*\|.*\|\s*(\d+)\s*min\s*\|\s*$"),
        ),
        (
            "docs/instructor-guide.md's table",
            _stated_minutes(
                root / "docs" / "instructor-guide.md", rf"^\|\s*`{name}`\s*\|\s*about (\d+) min"
            ),
        ),
    ):
        if stated != minutes:
            problems.append(
                f"{where} gives {lesson.stem} {stated} minutes; its notebook says {minutes}"
            )

    # the handout indexes link every page of the lesson
    if handouts is not None:
        editions = [("learner", handouts, (f"{lesson.stem}.html", f"exercises/{lesson.stem}.html"))]
        instructor = handouts.parent / INSTRUCTOR_EDITION
        if (instructor / "index.html").is_file():
            pages = (f"{lesson.stem}.html", f"solutions/{lesson.stem}.html")
            try:
                tasks = getattr(importlib.import_module(lesson.checks), "TASKS", {})
            except Exception:  # reported above, with the checks
                tasks = {}
            if tasks:
                pages += (f"answer-key/{lesson.stem}.html",)
            editions.append(("instructor", instructor, pages))
        for edition, folder, pages in editions:
            links = _links(folder / "index.html")
            for page in pages:
                if page not in links:
                    problems.append(f"the {edition} handout index does not link {page}")

    # tests, models and data
    folder = root / lesson.tests
    for name in LESSON_TESTS:
        if not (folder / name).is_file():
            problems.append(f"{lesson.tests}/{name} is missing")
    for model in lesson.models:
        if importlib.util.find_spec(f"infralab.{model}") is None:
            problems.append(f"model package infralab.{model} does not exist")
    for dataset in lesson.datasets:
        if not (root / "data" / f"{dataset}.csv").is_file():
            problems.append(f"data/{dataset}.csv is missing: make data")
    return problems
