"""The course map and the titles and times every page uses, read from the notebooks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from infralab.coursemap import course_map, notebook_minutes, notebook_title
from infralab.lessons import LESSONS


def _notebook(path, *cells):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                "cells": list(cells)}), encoding="utf-8")


def _markdown(text, *tags):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": text}


def test_the_map_lists_every_lesson_with_title_time_exercises_and_solutions(tmp_path):
    _notebook(tmp_path / "notebooks/00_start.ipynb", _markdown(["# Start ", "here\n"]),
              _markdown("**Time:** about 10 minutes."))
    _notebook(tmp_path / "notebooks/05_track.ipynb",
              _markdown("**Time:** about 99 minutes.", "instructor"),  # not what learners see
              _markdown("## 05 · [Count](x.md) it\n\n**Time:** about 45 minutes."))
    _notebook(tmp_path / "exercises/05_track.ipynb")
    table = course_map(tmp_path)
    assert table.to_dict("records") == [
        {"notebook": "00_start.ipynb", "title": "Start here", "minutes": 10,
         "exercises": False, "solutions": False},
        {"notebook": "05_track.ipynb", "title": "05 · Count it", "minutes": 45,
         "exercises": True, "solutions": False},
    ]


def test_the_real_course_map_matches_the_lesson_files():
    table = course_map()
    assert list(table.notebook) == ["00_start_here.ipynb"] + [
        lesson.notebook for lesson in LESSONS
    ]
    assert (table.minutes > 0).all() and table.exercises[1:].all()


def test_titles_fall_back_to_the_file_name_and_skip_facilitation_notes():
    notes = _markdown("# Facilitation notes", "instructor")
    assert notebook_title({"cells": [notes]}, "07_capstone.ipynb") == "07 capstone"
    assert notebook_minutes({"cells": [notes]}) is None


def test_bad_input_is_named(tmp_path):
    with pytest.raises(TypeError, match="root must be a path"):
        course_map(3)
    with pytest.raises(FileNotFoundError, match="notebooks folder"):
        course_map(tmp_path)
    (tmp_path / "notebooks").write_text("")
    with pytest.raises(NotADirectoryError):
        course_map(tmp_path)
    bad = tmp_path / "other"
    (bad / "notebooks").mkdir(parents=True)
    (bad / "notebooks/01_x.ipynb").write_text("{not json")
    with pytest.raises(ValueError, match="not a readable notebook"):
        course_map(bad)
    with pytest.raises(TypeError, match="notebook must be a notebook"):
        notebook_minutes(["# x"])
    with pytest.raises(TypeError, match="source must be"):
        notebook_title({"cells": []}, None)


def test_the_start_page_can_show_the_map_without_the_conversion_libraries():
    code = ("import sys, infralab.coursemap as m; m.course_map(); "
            "print(sorted(n for n in ('nbformat', 'nbconvert', 'nbclient') if n in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
