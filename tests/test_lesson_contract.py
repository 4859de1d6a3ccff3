"""Every lesson keeps the contract of ``tests/lesson_contract.py``; a new one needs no edit here.

The lessons come from :data:`infralab.lessons.LESSONS`. A stub lesson added to a
throw-away course shows the contract, the course map and the handouts all pick a
lesson up from its files and its registry entry alone, and that the contract can fail.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from infralab import lessons
from infralab.coursemap import course_map
from infralab.handouts import build_handouts
from infralab.lessons import LESSONS
from infralab.tryit import INSTRUCTION
from tests.course_factory import STUB_MINUTES, stub_check_module, stub_lesson
from tests.course_handouts import course_handouts
from tests.lesson_contract import contract_problems

ROOT = Path(__file__).resolve().parents[1]


def built_handouts(root: Path, folder: Path) -> Path:
    """Both editions of the handouts of the course at ``root``, built into ``folder``."""
    build_handouts(
        folder,
        notebooks_dir=root / "notebooks",
        exercises_dir=root / "exercises",
        solutions_dir=root / "solutions",
        guide_file=root / "docs" / "instructor-guide.md",
    )
    return folder


@pytest.fixture(scope="module")
def handouts() -> Path:
    """The course's handouts, built once for the whole test run."""
    return course_handouts()[0]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_every_lesson_keeps_the_contract(lesson, handouts):
    problems = contract_problems(ROOT, lesson, handouts)
    assert problems == [], "\n".join(problems)


def test_every_lesson_notebook_with_exercises_is_in_the_registry():
    registered = {lesson.notebook for lesson in LESSONS}
    with_exercises = {path.name for path in (ROOT / "solutions").glob("*.ipynb")}
    assert with_exercises == registered, "add the lesson to LESSONS in src/infralab/lessons.py"
    for lesson in LESSONS:
        assert (ROOT / lesson.tests / "__init__.py").is_file(), lesson.tests


def test_lessons_are_in_course_order_with_unique_numbers_and_slugs():
    numbers = [lesson.number for lesson in LESSONS]
    assert numbers == sorted(set(numbers))
    assert len({lesson.slug for lesson in LESSONS}) == len(LESSONS)


@pytest.fixture
def stub_course(tmp_path, monkeypatch):
    """A throw-away course with one stub lesson, registered as a real one would be."""
    lesson = stub_lesson(tmp_path)
    monkeypatch.setitem(sys.modules, lesson.checks, stub_check_module(tmp_path))
    monkeypatch.setattr(lessons, "LESSONS", (*LESSONS, lesson))
    return tmp_path, lesson


def test_a_stub_lesson_is_picked_up_by_the_contract_the_map_and_the_handouts(stub_course):
    root, lesson = stub_course
    folder = built_handouts(root, root / "handouts")
    assert contract_problems(root, lesson, folder) == []
    row = course_map(root).set_index("notebook").loc[lesson.notebook]
    assert row.minutes == STUB_MINUTES and row.exercises and row.solutions
    assert lesson in lessons.LESSONS


def test_the_contract_names_what_a_lesson_lacks(stub_course):
    root, lesson = stub_course
    notebook = root / "notebooks" / lesson.notebook
    text = notebook.read_text(encoding="utf-8")
    notebook.write_text(
        text.replace("## Sources", "## Reading")
        .replace("about 30 minutes", "about 35 minutes")
        .replace("<details><summary>Facilitation notes", "<p>Facilitation notes")
        .replace(INSTRUCTION, "VBox(children=(IntSlider(value=3),))"),
        encoding="utf-8",
    )
    (root / lesson.tests / "test_findings.py").unlink()
    solution = root / "solutions" / lesson.notebook
    solution.write_text(
        re.sub(r"check\.halve\(halve\)", "halve(2)", solution.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    problems = "\n".join(contract_problems(root, lesson))
    for expected in (
        "has no Sources section",
        "README.md's table gives 01_toy_lesson 30 minutes; its notebook says 35",
        "docs/instructor-guide.md's table gives 01_toy_lesson 30 minutes",
        "test_findings.py is missing",
        "has no check cell for halve",
        "differs from its solutions",
        "(instructor) is not folded",
        "not the try-it instruction",
    ):
        assert expected in problems, problems
