"""Tests for infralab.build: exercise generation (handouts: tests/test_handouts.py)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from infralab.build import (
    CODE_STUB,
    edited_exercises,
    exercises_out_of_date,
    generate_exercises,
)
from tests.course_factory import (
    FACILITATION,
    KERNEL,
    PNG,
    WIDGET_VIEW,
    instructor_cell,
    notebook,
    write,
)


def solution_notebook() -> nbformat.NotebookNode:
    task = new_code_cell(
        "def monthly_downtime(availability):\n"
        '    """Minutes of downtime in a 30-day month."""\n'
        "    ### BEGIN SOLUTION\n"
        "    return (1 - availability) * 30 * 24 * 60\n"
        "    ### END SOLUTION\n",
        execution_count=1,
        metadata={"tags": ["task"], "nbgrader": {"solution": True}, "scrolled": True},
    )
    check = new_code_cell(
        "monthly_downtime(0.999)",
        execution_count=2,
        outputs=[new_output("execute_result", data={"text/plain": "43.2"}, execution_count=2)],
    )
    return notebook(
        new_markdown_cell("# Exercises: invisible qualities"),
        task,
        instructor_cell(),
        check,
        celltoolbar="Create Assignment",
        widgets={"application/vnd.jupyter.widget-state+json": {"state": {}}},
    )


def lesson_notebook(title: str) -> nbformat.NotebookNode:
    figure = new_code_cell(
        "plot_downtime()",
        execution_count=1,
        outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})],
    )
    widget = new_code_cell(
        "try_it(draw, nines=slider)",
        execution_count=2,
        outputs=[
            new_output(
                "display_data",
                data={
                    WIDGET_VIEW: {"model_id": "0f1e", "version_major": 2, "version_minor": 0},
                    "text/plain": "VBox(children=(IntSlider(value=3),))",
                },
            )
        ],
    )
    return notebook(
        new_markdown_cell(f"# {title}\n\nA short story about a service nobody notices."),
        instructor_cell(),
        figure,
        widget,
        new_markdown_cell("Read more at [the source](https://example.org/report)."),
    )




@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A throw-away course: two lessons, one solution notebook, no exercises yet."""
    write(lesson_notebook("01 · Invisible qualities"), tmp_path / "notebooks/01_invisible.ipynb")
    write(lesson_notebook("02 · Shared platform"), tmp_path / "notebooks/02_platform.ipynb")
    write(solution_notebook(), tmp_path / "solutions/01_invisible.ipynb")
    (tmp_path / "exercises").mkdir()
    return tmp_path


def exercises_of(course: Path) -> list[Path]:
    return generate_exercises(course / "solutions", course / "exercises")


# --------------------------------------------------------------------------- #
# Exercises
# --------------------------------------------------------------------------- #


def test_exercise_replaces_the_solution_with_the_stub_and_clears_outputs(course):
    (path,) = exercises_of(course)
    assert path == course / "exercises/01_invisible.ipynb"
    exercise = nbformat.read(path, as_version=4)
    solution = nbformat.read(course / "solutions/01_invisible.ipynb", as_version=4)

    task = exercise.cells[1]
    assert task.source == (
        "def monthly_downtime(availability):\n"
        '    """Minutes of downtime in a 30-day month."""\n'
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n"
    )
    assert CODE_STUB == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert "30 * 24 * 60" not in path.read_text(encoding="utf-8")
    for cell in exercise.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None
    # Tags survive, grading and display metadata do not; notebook metadata is trimmed.
    assert task.metadata == {"tags": ["task"]}
    assert exercise.metadata == {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    # Cell ids are the solution's own (the instructor cell is gone).
    kept = [cell.id for cell in solution.cells if "instructor" not in cell.metadata.get("tags", [])]
    assert [cell.id for cell in exercise.cells] == kept


def test_instructor_cells_do_not_reach_the_exercise(course):
    (path,) = exercises_of(course)
    text = path.read_text(encoding="utf-8")
    assert FACILITATION not in text
    assert len(nbformat.read(path, as_version=4).cells) == 3


def test_exercise_file_is_what_nbformat_write_produces(course):
    (path,) = exercises_of(course)
    exercise = nbformat.read(path, as_version=4)
    assert path.read_text(encoding="utf-8") == nbformat.writes(exercise) + "\n"


def test_regeneration_is_byte_identical_and_leaves_files_alone(course):
    (path,) = exercises_of(course)
    first = path.read_bytes()
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # an old, recognisable mtime
    assert exercises_of(course) == [path]
    assert path.read_bytes() == first
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert exercises_out_of_date(course / "solutions", course / "exercises") == []


def test_notebooks_without_cell_ids_convert_the_same_way_every_time(course):
    legacy = json.loads((course / "solutions/01_invisible.ipynb").read_text(encoding="utf-8"))
    legacy["nbformat_minor"] = 4
    for cell in legacy["cells"]:
        del cell["id"]
    (course / "solutions/01_invisible.ipynb").write_text(json.dumps(legacy), encoding="utf-8")
    (first,) = generate_exercises(course / "solutions", course / "first")
    (second,) = generate_exercises(course / "solutions", course / "second")
    assert first.read_bytes() == second.read_bytes()
    exercise = nbformat.read(first, as_version=4)
    assert exercise.nbformat_minor == 5
    assert all(re.fullmatch(r"[0-9a-f]{12}", cell.id) for cell in exercise.cells)


def test_out_of_date_names_edited_missing_and_extra_exercises(course):
    solutions, exercises = course / "solutions", course / "exercises"
    assert exercises_out_of_date(solutions, exercises) == ["01_invisible.ipynb"]  # missing
    write(solution_notebook(), solutions / "02_platform.ipynb")
    exercises_of(course)
    assert exercises_out_of_date(solutions, exercises) == []

    edited = exercises / "01_invisible.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("YOUR CODE", "MY CODE"))
    write(notebook(new_markdown_cell("# Orphan")), exercises / "09_orphan.ipynb")
    assert exercises_out_of_date(solutions, exercises) == ["01_invisible.ipynb", "09_orphan.ipynb"]

    exercises_of(course)  # repairs the unrun edit; the orphan may be a learner's own file
    assert sorted(path.name for path in exercises.glob("*.ipynb")) == [
        "01_invisible.ipynb",
        "02_platform.ipynb",
        "09_orphan.ipynb",
    ]
    assert exercises_out_of_date(solutions, exercises) == ["09_orphan.ipynb"]


def test_an_exercise_a_learner_ran_and_saved_is_never_overwritten(course):
    solutions, exercises = course / "solutions", course / "exercises"
    exercises_of(course)
    worked = exercises / "01_invisible.ipynb"
    notebook_of_learner = nbformat.read(worked, as_version=4)
    code = next(cell for cell in notebook_of_learner.cells if cell.cell_type == "code")
    code.source = code.source.replace("raise NotImplementedError()", "return 42  # my answer")
    code.execution_count = 1
    nbformat.write(notebook_of_learner, worked)
    learner_bytes = worked.read_bytes()

    assert edited_exercises(solutions, exercises) == ["01_invisible.ipynb"]
    assert worked not in generate_exercises(solutions, exercises)
    assert worked.read_bytes() == learner_bytes


def test_solution_without_markers_is_an_error_naming_the_file(course):
    write(notebook(new_code_cell("answer = 42")), course / "solutions/03_no_markers.ipynb")
    with pytest.raises(ValueError, match=r"03_no_markers\.ipynb has no solution markers"):
        exercises_of(course)
    assert list((course / "exercises").iterdir()) == []  # nothing half-written


def test_unpaired_marker_is_an_error_naming_file_and_cell(course):
    broken = notebook(
        new_markdown_cell("# Broken"),
        new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n"),
    )
    write(broken, course / "solutions/04_broken.ipynb")
    with pytest.raises(ValueError, match=r"04_broken\.ipynb, cell 2: every '### BEGIN SOLUTION'"):
        exercises_of(course)


def test_missing_solutions_folder_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="solutions folder .* does not exist"):
        generate_exercises(tmp_path / "nowhere", tmp_path / "exercises")


# --------------------------------------------------------------------------- #
# The real course
# --------------------------------------------------------------------------- #


def test_the_course_exercises_match_their_solutions(course_root):
    solutions = sorted((course_root / "solutions").glob("*.ipynb"))
    assert solutions, "solutions/ holds no solution notebooks, though the course has lessons"
    drifted = exercises_out_of_date(course_root / "solutions", course_root / "exercises")
    assert drifted == [], (
        f"exercises/ differs from solutions/ for {', '.join(drifted)}; run `make exercises`"
    )
