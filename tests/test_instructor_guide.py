"""The instructor guide's agendas add up, leave room to breathe, and give each lesson its time.

Every agenda table (``| start | minutes | what |``) is checked: each row starts when the one
before ends, no stretch between breaks is longer than 90 minutes, a lesson block gives the
lesson the minutes its notebook states plus the live exercises its section timings list, and
each lesson's section-timing table adds up to the lesson's minutes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from infralab.coursemap import notebook_minutes
from infralab.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]


def _minutes_of(notebook: Path) -> int | None:
    return notebook_minutes(json.loads(notebook.read_text("utf-8")))


GUIDE = ROOT / "docs" / "instructor-guide.md"
LONGEST_STRETCH = 90


def _minutes_of_clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def agendas() -> dict[str, list[tuple[int, int, str]]]:
    """{heading: [(start, minutes, what), ...]} for every agenda table of the guide."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    heading = ""
    rows: list[tuple[int, int, str]] | None = None
    for line in GUIDE.read_text("utf-8").splitlines():
        if line.startswith("#") or line.startswith("**"):
            heading = line.strip("#* ").strip()
        if line.startswith("| start | minutes | what |"):
            rows = found.setdefault(heading, [])
            continue
        row = re.fullmatch(r"\| (\d+:\d\d) \| (\d+) \| (.+) \|", line)
        if rows is not None and row:
            rows.append((_minutes_of_clock(row[1]), int(row[2]), row[3]))
        elif rows is not None and not line.startswith("|---"):
            rows = None
    return found


AGENDAS = agendas()


def test_the_guide_has_every_agenda():
    assert len(AGENDAS) >= 8, sorted(AGENDAS)


@pytest.mark.parametrize("name", sorted(AGENDAS))
def test_each_row_starts_when_the_one_before_ends(name):
    rows = AGENDAS[name]
    for (start, minutes, what), (following, _, _) in zip(rows, rows[1:], strict=False):
        assert start + minutes == following, f"{name}: {what!r} does not end when the next starts"


@pytest.mark.parametrize("name", sorted(AGENDAS))
def test_no_stretch_without_a_break_is_longer_than_90_minutes(name):
    stretch = 0
    for _, minutes, what in AGENDAS[name]:
        if re.match(r"(Break|Lunch)\b", what):
            stretch = 0
            continue
        stretch += minutes
        assert stretch <= LONGEST_STRETCH, f"{name}: {stretch} minutes without a break at {what!r}"


def test_ninety_minute_agendas_take_ninety_minutes():
    for name, rows in AGENDAS.items():
        if name.startswith("Option"):
            start, minutes, _ = rows[-1]
            assert start + minutes == 90, name


def test_every_agenda_starts_by_launching_and_opening_my_work():
    for name, rows in AGENDAS.items():
        if name.startswith("Day 2"):
            continue
        assert any("Launch" in what and "my-work/" in what for _, _, what in rows[:3]), name


def _live_minutes(number: str) -> int:
    text = GUIDE.read_text("utf-8")
    section = re.search(rf"^### {number} · .*?\((\d+) minutes, plus (\d+) for live", text, re.M)
    assert section, f"the guide has no section timings for lesson {number}"
    return int(section[2])


@pytest.mark.parametrize("name", sorted(AGENDAS))
def test_a_lesson_block_gives_the_lesson_its_minutes_and_its_live_exercises(name):
    for _, minutes, what in AGENDAS[name]:
        block = re.match(r"(\d\d) lesson \((\d+) minutes\), with its live exercises", what)
        if block:
            number, stated = block[1], int(block[2])
            notebook = ROOT / "notebooks" / next(
                lesson.notebook for lesson in LESSONS if lesson.number == number
            )
            assert stated == _minutes_of(notebook), f"{name}: {what!r}"
            assert minutes == stated + _live_minutes(number), f"{name}: {what!r}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_each_lessons_section_timings_add_up_to_its_minutes(lesson):
    text = GUIDE.read_text("utf-8")
    section = re.search(rf"^### {lesson.number} · [^\n]*\n(.*?)(?=^### |^## )", text, re.M | re.S)
    assert section, f"the guide has no section timings for lesson {lesson.number}"
    ends = [int(end) for _, end in re.findall(r"^\| (\d+)–(\d+) \|", section[1], re.M)]
    starts = [int(start) for start, _ in re.findall(r"^\| (\d+)–(\d+) \|", section[1], re.M)]
    assert starts and starts[0] == 0, lesson.stem
    assert starts[1:] == ends[:-1], f"{lesson.stem}: the timings leave a gap or overlap"
    assert ends[-1] == _minutes_of(ROOT / "notebooks" / lesson.notebook), lesson.stem
