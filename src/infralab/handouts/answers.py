"""The answer keys of the instructor edition, made from the lessons' check modules.

For every lesson of :data:`infralab.lessons.LESSONS` whose check module has tasks, one
page lists each task in the order of its exercise sheet, and for each of the task's
common mistakes (:class:`~infralab.checks.core.Mistake`): the line the check prints when
a pair makes it, found by running the check on the mistake itself, and what to say, with
an input on which the mistaken answer differs from the right one. The pace (a minimum
target for slow pairs, stretch goals for fast ones) follows the task order: the first
tasks unlock the rest.

Nothing here is written by hand: a new mistake, a reworded hint or a new task reaches the
key at the next build of the instructor edition.
"""

from __future__ import annotations

import importlib
import math
import warnings
from pathlib import Path
from types import ModuleType

import nbformat

from ..checks.core import Case, Mistake, Task
from ..checks.tasks import _describe_call
from ..lessons import Lesson

__all__: list[str] = []

#: Share of a sheet's tasks that make the minimum target (rounded up), and the stretch goals.
_MINIMUM_SHARE = 0.4
_STRETCH_SHARE = 0.2


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _check_module(lesson: Lesson) -> tuple[ModuleType | None, str]:
    """The lesson's check module, or None and why it could not be loaded."""
    try:
        return importlib.import_module(lesson.checks), ""
    except Exception as error:  # a lesson being written: say so on its page
        return None, f"{type(error).__name__}: {_one_line(error)}"


def lesson_tasks(lesson: Lesson) -> tuple[dict[str, Task], str]:
    """The lesson's tasks in sheet order (its check module's ``TASKS``), and a load problem."""
    module, problem = _check_module(lesson)
    if module is None:
        return {}, problem
    tasks = getattr(module, "TASKS", {})
    if not isinstance(tasks, dict):
        return {}, f"{lesson.checks}.TASKS is not a dict"
    return {name: task for name, task in tasks.items() if isinstance(task, Task)}, ""


def _printed(task: Task, mistake: Mistake) -> str:
    """What the check prints for an answer that makes exactly this mistake."""
    try:
        return task.evaluate(mistake.wrong_answer).message
    except Exception as error:  # the check never raises; a broken mistake still shows
        return f"(the check could not be run on this mistake: {type(error).__name__})"


def _differs_on(task: Task, mistake: Mistake) -> tuple[Case, str] | None:
    """A case, shown ones first, where the mistake's answer is wrong, and what it gives."""
    compare = mistake.compare or task.compare
    ordered = [case for case in task.cases if not case.hidden] + [
        case for case in task.cases if case.hidden
    ]
    for case in ordered:
        with warnings.catch_warnings():  # a wrong formula may divide by zero: that is its point
            warnings.simplefilter("ignore")
            try:
                wrong = mistake.wrong_answer(*case.args, **case.kwargs)
            except Exception as error:
                return case, f"raises {type(error).__name__}"
            try:
                same = bool(compare(case.expected, wrong))
            except Exception:
                same = False
            if not same:
                return case, f"gives {_one_line(task.compare.format(wrong))}"
    return None


def _what_to_say(task: Task, mistake: Mistake) -> str:
    found = _differs_on(task, mistake)
    if found is None:
        return "Ask the pair to read the hint aloud and say which line of their function it means."
    case, wrong = found
    call = _describe_call(task.name, case).removesuffix(" (a hidden case)")
    where = " (an input the sheet does not show)" if case.hidden else ""
    right = _one_line(task.compare.format(case.expected))
    run = f"run `{call}`" if not case.label else f"run {call}"
    return (
        f"Ask the pair to {run}{where} in a new cell: the right answer is {right}, "
        f"this mistake {wrong}. Then ask which line of their function the hint points at."
    )


def _escaped(text: str) -> str:
    """Text for a Markdown list item: no HTML, and ``*`` as itself outside code spans."""
    parts = _one_line(text).split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: nothing is a code span
        parts = ["\\`".join(parts)]
    for index in range(0, len(parts), 2):
        plain = parts[index].replace("<", "&lt;").replace(">", "&gt;")
        parts[index] = plain.replace("*", "\\*")
    return "`".join(parts)


def _pace(names: list[str]) -> str:
    count = len(names)
    minimum = max(1, math.ceil(count * _MINIMUM_SHARE))
    stretch = min(count - minimum, max(1, math.ceil(count * _STRETCH_SHARE)))
    listed = lambda first, last: ", ".join(  # noqa: E731
        f"{number} `{names[number - 1]}`" for number in range(first, last + 1)
    )
    lines = [
        "## Pace",
        "",
        "The tasks come in the order of the exercise sheet, and the first ones unlock the rest.",
        "",
        f"- **Minimum target** for a pair that is slow to start: tasks 1 to {minimum} "
        f"({listed(1, minimum)}). The rest can be homework.",
    ]
    if stretch > 0:
        first = count - stretch + 1
        lines.append(
            f"- **Stretch goals** for a pair that finishes early: tasks {first} to {count} "
            f"({listed(first, count)}), then help the pair next to them."
        )
    return "\n".join(lines)


_OTHER_LINES = """## Other lines a check prints

- **Not attempted yet**: the stub (`raise NotImplementedError()`) is still there, or the
  cell that defines the function has not been run. Run that cell, then the check.
- **Not quite** followed by one input, what was expected and what came back: a mistake
  this key does not list. Ask the pair to run that input in a new cell and compare.
- **Error**: the function raised on the input named. Run that input in a new cell to see
  the traceback; the check itself never shows one.
- **Correct**: move on; the cells after it that use the function now run too."""


def answer_key_notebook(
    lesson: Lesson, title: str, tasks: dict[str, Task]
) -> nbformat.NotebookNode:
    """The answer key of one lesson as a notebook of Markdown cells, rendered like any page."""
    names = list(tasks)
    cells = [
        f"# Answer key: {title}\n\n"
        f"Common wrong answers to the {len(names)} tasks of the exercise sheet, with the line "
        f"the check prints for each and what to say. Made from `{lesson.checks}` when these "
        "handouts were built: each line below is what the check printed when it was run on "
        "the mistake itself.",
        _pace(names),
    ]
    for number, (name, task) in enumerate(tasks.items(), start=1):
        shown = sum(not case.hidden for case in task.cases)
        hidden = len(task.cases) - shown
        parts = [
            f"## Task {number} · `{name}({', '.join(task.parameters)})`",
            "",
            _escaped(task.summary) if task.summary else "",
            "",
            f"The check tries {len(task.cases)} inputs ({hidden} of them hidden from the sheet) "
            f"and knows {len(task.mistakes)} common "
            f"{'mistake' if len(task.mistakes) == 1 else 'mistakes'}.",
            "",
        ]
        groups: dict[str, list[Mistake]] = {}
        for mistake in task.mistakes:  # one entry per line printed, in the check's order
            groups.setdefault(_printed(task, mistake), []).append(mistake)
        for printed, mistakes in groups.items():
            variants = f" ({len(mistakes)} variants give this line)" if len(mistakes) > 1 else ""
            parts.append(f"1. **The check prints:** {_escaped(printed)}{variants}")
            parts.append(f"   - **Say:** {_escaped(_what_to_say(task, mistakes[0]))}")
        if not task.mistakes:
            parts.append("No common mistake is listed for this task: its check shows one input.")
        cells.append("\n".join(part for part in parts))
    cells.append(_OTHER_LINES)
    notebook = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python"}})
    notebook.cells = [
        nbformat.v4.new_markdown_cell(source, id=f"key-{number}")
        for number, source in enumerate(cells)
    ]
    return notebook


def answer_key_source(solutions: Path, lesson: Lesson) -> Path:
    """The name an answer key page goes by (no such file exists): beside the lesson's solutions."""
    return solutions / f"{lesson.stem}.answer-key"
