"""Tests for the learner's workspace (infralab.workspace.start_workspace).

The promise under test: exercise notebooks are copied into the learner's folder, and a file
that is already there is never overwritten, whatever it holds, across re-runs and course
updates; the copies still find the course's package and data.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from infralab import workspace
from infralab.build import execute_notebooks
from infralab.lessons import LESSONS
from infralab.paths import course_root
from infralab.workspace import WORKSPACE_FOLDER, WorkspaceReport, start_workspace

ROOT = Path(__file__).resolve().parents[1]


def exercise(title: str, code: str = "def answer():\n    raise NotImplementedError()") -> str:
    """The text of a small exercise notebook."""
    notebook = new_notebook(cells=[new_markdown_cell(f"# {title}"), new_code_cell(code)])
    return nbformat.writes(notebook) + "\n"


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away course checkout with two exercise notebooks."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "exercises").mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'course'\n", encoding="utf-8")
    (root / "exercises/01_invisible.ipynb").write_text(exercise("Exercises 01"), encoding="utf-8")
    (root / "exercises/03_doomsday.ipynb").write_text(exercise("Exercises 03"), encoding="utf-8")
    monkeypatch.setenv("INFRALAB_ROOT", str(root))
    return root


def test_first_run_copies_every_exercise_byte_for_byte(course):
    report = start_workspace()
    mine = course / WORKSPACE_FOLDER
    assert report == WorkspaceReport(mine, ("01_invisible.ipynb", "03_doomsday.ipynb"), ())
    for name in report.copied:
        assert (mine / name).read_bytes() == (course / "exercises" / name).read_bytes()


def test_an_edited_copy_survives_a_second_run_and_a_course_update(course):
    start_workspace()
    mine = course / WORKSPACE_FOLDER
    learners_version = exercise("Exercises 03", "def answer():\n    return 42").encode("utf-8")
    (mine / "03_doomsday.ipynb").write_bytes(learners_version)

    again = start_workspace()
    assert again.copied == () and again.skipped == ("01_invisible.ipynb", "03_doomsday.ipynb")

    # The course moves on: exercise 03 changes and a new exercise arrives.
    (course / "exercises/03_doomsday.ipynb").write_text(exercise("Exercises 03, v2"), "utf-8")
    (course / "exercises/05_tracking.ipynb").write_text(exercise("Exercises 05"), "utf-8")
    updated = start_workspace()

    assert updated.copied == ("05_tracking.ipynb",)
    assert updated.skipped == ("01_invisible.ipynb", "03_doomsday.ipynb")
    assert (mine / "03_doomsday.ipynb").read_bytes() == learners_version
    assert (mine / "05_tracking.ipynb").read_bytes() == (
        course / "exercises/05_tracking.ipynb"
    ).read_bytes()
    summary = updated.summary()
    assert "kept your copy of 03_doomsday.ipynb (not overwritten)" in summary
    assert "copied     05_tracking.ipynb" in summary


def test_a_sheet_the_course_corrected_arrives_beside_the_copy_never_over_it(course):
    start_workspace()
    mine = course / WORKSPACE_FOLDER
    learners_version = exercise("Exercises 03", "def answer():\n    return 42").encode("utf-8")
    (mine / "03_doomsday.ipynb").write_bytes(learners_version)
    corrected = exercise("Exercises 03, corrected")
    (course / "exercises/03_doomsday.ipynb").write_text(corrected, "utf-8")

    report = start_workspace()
    assert report.updated == ("03_doomsday-updated.ipynb",)
    assert (mine / "03_doomsday.ipynb").read_bytes() == learners_version
    assert (mine / "03_doomsday-updated.ipynb").read_text("utf-8") == corrected
    assert "corrected  03_doomsday-updated.ipynb" in report.summary()

    # Once it is there it is the learner's too: a later correction does not replace it.
    (mine / "03_doomsday-updated.ipynb").write_text("my notes", "utf-8")
    (course / "exercises/03_doomsday.ipynb").write_text(exercise("Exercises 03, v3"), "utf-8")
    again = start_workspace()
    assert again.updated == () and again.copied == ()
    assert (mine / "03_doomsday-updated.ipynb").read_text("utf-8") == "my notes"
    assert (mine / "03_doomsday.ipynb").read_bytes() == learners_version


def test_a_copy_made_before_the_record_is_taken_to_be_current(course):
    mine = course / WORKSPACE_FOLDER
    mine.mkdir()
    (mine / "03_doomsday.ipynb").write_text("an older copy", "utf-8")
    assert start_workspace().updated == ()
    (course / "exercises/03_doomsday.ipynb").write_text(exercise("Exercises 03, v2"), "utf-8")
    assert start_workspace().updated == ("03_doomsday-updated.ipynb",)


@pytest.mark.parametrize("record", [b"", b"not json", b"[1, 2]"])
def test_an_unreadable_record_is_made_again_and_nothing_is_lost(course, record):
    mine = course / WORKSPACE_FOLDER
    mine.mkdir()
    (mine / ".infralab-copies.json").write_bytes(record)
    report = start_workspace()
    assert report.copied == ("01_invisible.ipynb", "03_doomsday.ipynb")
    assert set(workspace._read_record(mine)) == set(report.copied)


def test_a_second_run_touches_no_file(course):
    first = start_workspace()
    mine = first.folder
    before = {path.name: path.stat().st_mtime_ns for path in mine.iterdir()}
    second = start_workspace()
    assert second.copied == () and second.skipped == first.copied
    assert {path.name: path.stat().st_mtime_ns for path in mine.iterdir()} == before


@pytest.mark.parametrize("content", [b"", b"not a notebook", b"{}"])
def test_any_file_already_there_is_kept_whatever_it_holds(course, content):
    mine = course / WORKSPACE_FOLDER
    mine.mkdir()
    (mine / "01_invisible.ipynb").write_bytes(content)
    report = start_workspace()
    assert report.copied == ("03_doomsday.ipynb",) and report.skipped == ("01_invisible.ipynb",)
    assert (mine / "01_invisible.ipynb").read_bytes() == content


def test_a_folder_with_an_exercise_name_is_left_alone(course):
    mine = course / WORKSPACE_FOLDER
    (mine / "01_invisible.ipynb").mkdir(parents=True)
    report = start_workspace()
    assert report.skipped == ("01_invisible.ipynb",)
    assert (mine / "01_invisible.ipynb").is_dir()


def test_a_file_that_appears_during_the_copy_is_not_overwritten(course, monkeypatch):
    # The existence check says "missing", yet the file is there when the copy starts: the
    # exclusive create refuses, so even this race cannot overwrite the learner's file.
    mine = course / WORKSPACE_FOLDER
    mine.mkdir()
    (mine / "03_doomsday.ipynb").write_bytes(b"mine")
    monkeypatch.setattr(workspace.os.path, "lexists", lambda path: False)
    report = start_workspace()
    assert report.copied == ("01_invisible.ipynb",) and report.skipped == ("03_doomsday.ipynb",)
    assert (mine / "03_doomsday.ipynb").read_bytes() == b"mine"


def test_a_copy_that_fails_midway_leaves_no_partial_file(course, monkeypatch):
    # A full disk mid-copy must not leave half a notebook that later runs would "keep".
    real_open = Path.open

    class FullDisk:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *error):
            self.stream.close()

        def write(self, data):
            self.stream.write(data[:10])
            raise OSError(28, "No space left on device")

    def open_with_full_disk(path, mode="r", *args, **kwargs):
        stream = real_open(path, mode, *args, **kwargs)
        return FullDisk(stream) if mode == "xb" else stream

    monkeypatch.setattr(Path, "open", open_with_full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        start_workspace()
    monkeypatch.setattr(Path, "open", real_open)
    assert list((course / WORKSPACE_FOLDER).iterdir()) == []
    assert start_workspace().copied == ("01_invisible.ipynb", "03_doomsday.ipynb")


def test_deleting_a_copy_and_running_again_resets_that_exercise(course):
    start_workspace()
    mine = course / WORKSPACE_FOLDER
    (mine / "01_invisible.ipynb").write_text("my messy attempt", encoding="utf-8")
    (mine / "03_doomsday.ipynb").write_text("my good attempt", encoding="utf-8")
    (mine / "01_invisible.ipynb").unlink()
    report = start_workspace()
    assert report.copied == ("01_invisible.ipynb",) and report.skipped == ("03_doomsday.ipynb",)
    assert (mine / "01_invisible.ipynb").read_bytes() == (
        course / "exercises/01_invisible.ipynb"
    ).read_bytes()
    assert (mine / "03_doomsday.ipynb").read_text(encoding="utf-8") == "my good attempt"
    assert "delete your copy and run `infralab start` again" in report.summary()


def test_only_notebooks_are_copied(course, tmp_path):
    (course / "exercises/README.md").write_text("notes", encoding="utf-8")
    (course / "exercises/old.ipynb").mkdir()  # a folder, not a notebook
    report = start_workspace(tmp_path / "elsewhere")
    assert report.copied == ("01_invisible.ipynb", "03_doomsday.ipynb")
    shown = sorted(path.name for path in report.folder.iterdir() if not path.name.startswith("."))
    assert shown == list(report.copied)


def test_destination_and_exercises_folder_can_be_chosen(tmp_path):
    exercises = tmp_path / "sheets"
    exercises.mkdir()
    (exercises / "07_capstone.ipynb").write_text(exercise("Capstone"), encoding="utf-8")
    report = start_workspace(str(tmp_path / "a" / "b"), exercises_dir=exercises)
    assert report.folder == (tmp_path / "a" / "b").resolve()
    assert report.copied == ("07_capstone.ipynb",)


def test_summary_counts_and_shows_the_folder_relative_to_the_current_one(course, monkeypatch):
    monkeypatch.chdir(course)
    text = start_workspace().summary()
    assert text.splitlines()[0] == (
        f"Your workspace: {os.path.join(WORKSPACE_FOLDER, '')} (2 notebooks copied, 0 kept)"
    )
    assert start_workspace().summary().splitlines()[0].endswith("(0 notebooks copied, 2 kept)")


def test_a_missing_exercises_folder_is_a_clear_error(course):
    shutil.rmtree(course / "exercises")
    with pytest.raises(FileNotFoundError, match="exercises folder .* does not exist.*infralab "):
        start_workspace()
    assert not (course / WORKSPACE_FOLDER).exists()  # nothing created on failure


def test_an_empty_exercises_folder_is_a_clear_error(tmp_path):
    (tmp_path / "exercises").mkdir()
    with pytest.raises(FileNotFoundError, match=r"holds no exercise notebooks \(\*\.ipynb\)"):
        start_workspace(tmp_path / "mine", exercises_dir=tmp_path / "exercises")


def test_an_exercises_path_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "exercises").write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match="is not a folder"):
        start_workspace(tmp_path / "mine", exercises_dir=tmp_path / "exercises")


def test_a_destination_that_is_a_file_is_a_clear_error(course, tmp_path):
    target = tmp_path / "my-notes.txt"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match=f"destination {target} is a file, not a folder"):
        start_workspace(target)
    assert target.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("inside", ["", "mine"])
def test_the_exercises_folder_itself_is_refused_as_destination(course, inside):
    with pytest.raises(ValueError, match="destination must be a folder outside the exercises"):
        start_workspace(course / "exercises" / inside)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"destination": 42}, TypeError, "destination must be a path .*, got 42"),
        ({"destination": "  "}, ValueError, "destination must name a folder, got an empty"),
        ({"exercises_dir": ["exercises"]}, TypeError, "exercises_dir must be a path"),
        ({"exercises_dir": True}, TypeError, "exercises_dir must be a path .*, got True"),
    ],
)
def test_wrong_arguments_are_named(course, arguments, error, message):
    with pytest.raises(error, match=message):
        start_workspace(**arguments)


def test_the_default_workspace_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"/{WORKSPACE_FOLDER}/" in ignored


def test_a_notebook_in_the_default_workspace_finds_this_course(monkeypatch):
    monkeypatch.delenv("INFRALAB_ROOT", raising=False)
    assert course_root(ROOT / WORKSPACE_FOLDER) == ROOT


@pytest.mark.kernel
def test_copied_exercises_find_the_course_from_a_folder_outside_it(tmp_path, monkeypatch):
    # A kernel starts in the notebook's folder. From outside the checkout, the course is
    # found through the installed package. nbval has already run every exercise sheet in
    # exercises/; here one probe kernel, started in the copied workspace, imports what the
    # sheets import and finds every data file unchanged (no sheet runs twice).
    monkeypatch.delenv("INFRALAB_ROOT", raising=False)
    report = start_workspace(tmp_path / "workspace", exercises_dir=ROOT / "exercises")
    assert report.copied and not report.skipped
    imports = "".join(f"import {lesson.checks}\n" for lesson in LESSONS)
    source = f"{imports}from infralab import datasets\nprint(datasets.verify())"
    probe = new_notebook(
        cells=[new_code_cell(source)],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(probe, report.folder / "probe.ipynb")
    execute_notebooks([report.folder / "probe.ipynb"], timeout=120)
    output = nbformat.read(report.folder / "probe.ipynb", as_version=4).cells[0].outputs[0]
    assert output.text == "[]\n"  # every data file found, and unchanged
