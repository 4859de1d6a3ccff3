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
from infralab.tryit import INSTRUCTION

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
    return new_markdown_cell(
        "<details><summary>Facilitation notes (instructor only)</summary>\n\n"
        f"{FACILITATION}\n\n</details>",
        metadata={"tags": ["instructor"]},
    )


def widget_output() -> nbformat.NotebookNode:
    """The output a try-it panel stores: a widget view with its plain-text stand-in."""
    return new_output(
        "display_data",
        data={
            WIDGET_VIEW: {"model_id": "0f1e", "version_major": 2, "version_minor": 0},
            "text/plain": INSTRUCTION,
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
            new_code_cell("try_it(draw, n=slider)", execution_count=1, outputs=[widget_output()]),
            new_markdown_cell("## Sources\n\n- A textbook."),
        ),
        root / "notebooks" / lesson.notebook,
    )
    cells = [new_markdown_cell(f"# {lesson.number} · Exercises")]
    cells.append(new_code_cell(f"from infralab.checks import {lesson.name} as check"))
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


# --------------------------------------------------------------------------- a hostile notebook

#: The function every script in :func:`hostile_notebook` calls; a browser test defines it
#: before a page opens and records each call, so any payload that runs is seen by name.
TRAP = "infralabTrap"
#: The web address every payload that would fetch something points at.
HOSTILE_HOST = "example.org"
HOSTILE_MARKDOWN = (
    f'<script>{TRAP}("script-element")</script>',
    f"<img src=\"data:image/png;base64,AAAA\" onerror=\"{TRAP}('img-onerror')\">",
    f"<a href=\"javascript:{TRAP}('javascript-link')\">a javascript: link</a>",
    f"<a href=\"jav&#x09;ascript:{TRAP}('disguised-javascript-link')\">a disguised link</a>",
    f"[a markdown javascript: link](javascript:{TRAP}('markdown-javascript-link'))",
    f'<iframe src="https://{HOSTILE_HOST}/embed"></iframe>',
    f"<iframe srcdoc=\"<script>parent.{TRAP}('iframe-srcdoc')</script>\"></iframe>",
    f"<svg onload=\"{TRAP}('svg-onload')\"><circle r=\"4\"></circle></svg>",
    f'<object data="https://{HOSTILE_HOST}/object.html"></object>',
    f'<embed src="https://{HOSTILE_HOST}/embed.swf">',
    f'<meta http-equiv="refresh" content="0; url=https://{HOSTILE_HOST}/refresh">',
    f'<base href="https://{HOSTILE_HOST}/">',
    f'<link rel="stylesheet" href="https://{HOSTILE_HOST}/sheet.css">',
    f'<p style="background-image: url(http://{HOSTILE_HOST}/style.png)">a styled paragraph</p>',
    f'<p style="cursor: url(http://{HOSTILE_HOST}/cursor.png), auto">a cursor</p>',
    f"<style>@import url(https://{HOSTILE_HOST}/import.css);"
    f" body {{ background: url(https://{HOSTILE_HOST}/background.png) }}</style>",
    f"<details open ontoggle=\"{TRAP}('details-ontoggle')\"><summary>opens itself</summary>"
    "</details>",
    f'<form action="https://{HOSTILE_HOST}/form"><button>send</button></form>',
    "<math><mtext><table><mglyph><style>"
    f"<img src=data:image/png;base64,AAAA onerror=\"{TRAP}('mutation')\">"
    "</style></mglyph></table></mtext></math>",
)
#: What the hostile notebook also holds and a handout must still show.
HOSTILE_LEGITIMATE = f"""## What stays

| metric | value |
|---|---|
| rows | 42 |

<details><summary>Show the answer</summary>

The answer is **42**.

</details>

![a dot](data:image/png;base64,{PNG})

See [lesson 01](01_invisible.ipynb) and [the report](https://{HOSTILE_HOST}/report).

```html
<script>document.title = "code, shown as text"</script>
```
"""
#: The stylesheet and table pandas writes for a data frame: legitimate HTML output.
PANDAS_TABLE = (
    "<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n"
    "        vertical-align: middle;\n    }\n</style>\n"
    '<table border="1" class="dataframe">\n  <thead>\n'
    '    <tr style="text-align: right;">\n      <th></th>\n      <th>rows</th>\n    </tr>\n'
    "  </thead>\n  <tbody>\n    <tr>\n      <th>0</th>\n      <td>42</td>\n    </tr>\n"
    "  </tbody>\n</table>\n</div>"
)


def hostile_notebook(title: str = "04 · Hostile") -> nbformat.NotebookNode:
    """A lesson whose cells try the common ways to run a script or reach the network.

    Markdown cells hold :data:`HOSTILE_MARKDOWN` (a script element, event handler
    attributes, ``javascript:`` links, frames, objects, a refresh, a base URL, a
    remote stylesheet, remote CSS in a style attribute and in a style block, a
    form, a mutation trick) beside :data:`HOSTILE_LEGITIMATE`, what a lesson
    really writes. Stored outputs hold a script in ``text/html`` and in
    ``text/markdown``, ``application/javascript``, an SVG with a script, and an
    image whose metadata smuggles an event handler and a remote file, beside a
    pandas table (:data:`PANDAS_TABLE`). A raw HTML cell holds a script too.
    """
    output_html = (
        f"<b>bold output</b><script>{TRAP}('output-script')</script>"
        f"<img src=\"data:image/png;base64,AAAA\" onerror=\"{TRAP}('output-onerror')\">"
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
        f"<script>{TRAP}('svg-output')</script><rect width=\"4\" height=\"4\"/></svg>"
    )
    outputs = [
        new_output("display_data", data={"text/html": output_html, "text/plain": "<HTML>"}),
        new_output(
            "display_data",
            data={"application/javascript": f"{TRAP}('application-javascript')"},
        ),
        new_output(
            "display_data",
            data={"text/markdown": f"**marked**\n\n<script>{TRAP}('markdown-output')</script>"},
        ),
        new_output("display_data", data={"image/svg+xml": svg, "text/plain": "<SVG>"}),
        new_output(
            "display_data",
            data={"image/png": PNG, "text/plain": "<Figure>"},
            metadata={
                "image/png": {"width": f"4 onerror={TRAP}('image-width')", "height": 4},
                "filenames": {"image/png": f"https://{HOSTILE_HOST}/figure.png"},
            },
        ),
        new_output(
            "execute_result",
            data={"text/html": PANDAS_TABLE, "text/plain": "   rows\n0    42"},
            execution_count=1,
        ),
    ]
    return notebook(
        new_markdown_cell(f"# {title}\n\n**Time:** about 5 minutes."),
        *(new_markdown_cell(payload) for payload in HOSTILE_MARKDOWN),
        new_markdown_cell(HOSTILE_LEGITIMATE),
        new_code_cell("show()", execution_count=1, outputs=outputs),
        nbformat.v4.new_raw_cell(
            f"<script>{TRAP}('raw-cell')</script>", metadata={"raw_mimetype": "text/html"}
        ),
    )
