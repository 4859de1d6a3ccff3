"""Tests for infralab.build: exercise generation and offline HTML handouts."""

from __future__ import annotations

import base64
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from infralab.build import (
    CODE_STUB,
    build_handouts,
    edited_exercises,
    exercises_out_of_date,
    external_resources,
    generate_exercises,
)

# A 1x1 PNG, the smallest real image output a notebook can store.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
    "2mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
FACILITATION = "Facilitation note: give the room ten minutes and ask who has seen an outage"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def notebook(*cells, **metadata) -> nbformat.NotebookNode:
    extra = {"kernelspec": KERNEL, "language_info": {"name": "python", "version": "3.11.9"}}
    return new_notebook(cells=list(cells), metadata={**extra, **metadata})


def instructor_cell() -> nbformat.NotebookNode:
    return new_markdown_cell(FACILITATION, metadata={"tags": ["instructor"]})


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


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


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


def handouts_of(course: Path, output: Path | None = None) -> list[Path]:
    return build_handouts(
        output or course / "handouts",
        notebooks_dir=course / "notebooks",
        exercises_dir=course / "exercises",
    )


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
# Handouts
# --------------------------------------------------------------------------- #


class _Text(HTMLParser):
    """Visible text and link targets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.extend(value for name, value in attrs if name == "href")

    def handle_data(self, data):
        self.text.append(data)


def parsed(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_handout_embeds_figures_and_loads_nothing_from_outside(course):
    exercises_of(course)
    pages = handouts_of(course)
    lesson = course / "handouts/01_invisible.html"
    assert lesson in pages
    page = lesson.read_text(encoding="utf-8")
    assert f'src="data:image/png;base64,{PNG}"' in page
    assert external_resources(page) == []
    assert "<script" not in page  # no require.js, MathJax, Mermaid or widget manager
    assert "https://example.org/report" in page  # links a reader may click stay
    assert WIDGET_VIEW not in page and "Interactive control" in page
    assert "<title>01 · Invisible qualities</title>" in page
    for path in pages:
        assert external_resources(path.read_text(encoding="utf-8")) == [], path


def test_images_in_markdown_are_embedded_too(course):
    (course / "notebooks/figures").mkdir()
    (course / "notebooks/figures/diagram.png").write_bytes(base64.b64decode(PNG))
    lesson = notebook(new_markdown_cell("# Diagram\n\n![The request path](figures/diagram.png)"))
    write(lesson, course / "notebooks/03_diagram.ipynb")
    handouts_of(course)
    page = (course / "handouts/03_diagram.html").read_text(encoding="utf-8")
    assert f"data:image/png;base64,{PNG}" in page
    assert "figures/diagram.png" not in page
    assert external_resources(page) == []

    (course / "notebooks/figures/diagram.png").write_bytes(base64.b64decode(PNG) + b"\0")
    handouts_of(course)  # a new picture, same notebook: the page is rebuilt
    page = (course / "handouts/03_diagram.html").read_text(encoding="utf-8")
    assert f"data:image/png;base64,{PNG}" not in page


def test_instructor_cells_do_not_reach_any_handout(course):
    exercises_of(course)
    for path in handouts_of(course):
        page = path.read_text(encoding="utf-8")
        assert FACILITATION not in page
        assert "celltag_instructor" not in page


def test_handout_has_the_print_stylesheet(course):
    handouts_of(course)
    page = (course / "handouts/02_platform.html").read_text(encoding="utf-8")
    print_rules = page[page.index("@media print {\n  nav.infralab-navigation") :]
    assert "white-space: pre-wrap" in print_rules
    assert "page-break-inside: avoid" in print_rules
    assert "max-width: 100%" in page


def test_index_lists_every_page_with_its_title(course):
    exercises_of(course)
    pages = handouts_of(course)
    index = course / "handouts/index.html"
    assert pages[0] == index
    links = parsed(index).links
    assert set(links) == {path.relative_to(index.parent).as_posix() for path in pages[1:]}
    assert pages[1:] == [
        course / "handouts/01_invisible.html",
        course / "handouts/02_platform.html",
        course / "handouts/exercises/01_invisible.html",
    ]
    text = "".join(parsed(index).text)
    assert "01 · Invisible qualities" in text
    assert "Exercises: invisible qualities" in text


def test_every_page_links_to_contents_neighbours_and_its_pair(course):
    exercises_of(course)
    handouts_of(course)
    first = parsed(course / "handouts/01_invisible.html").links
    assert {"index.html", "02_platform.html", "exercises/01_invisible.html"} <= set(first)
    sheet = parsed(course / "handouts/exercises/01_invisible.html").links
    assert {"../index.html", "../01_invisible.html"} <= set(sheet)
    for link in {*first, *sheet} - {"https://example.org/report"}:
        base = course / "handouts" / ("exercises" if link in sheet else "")
        assert (base / link.split("#")[0]).is_file() or link.startswith("#"), link


def test_handouts_are_deterministic_and_rebuild_only_what_changed(course):
    pages = handouts_of(course)
    again = handouts_of(course, course / "elsewhere")
    for built, rebuilt in zip(pages, again, strict=True):
        assert built.read_bytes() == rebuilt.read_bytes()

    old = 1_000_000_000
    for path in pages:
        os.utime(path, ns=(old, old))
    handouts_of(course)
    assert [path.stat().st_mtime_ns for path in pages] == [old] * len(pages)

    write(lesson_notebook("02 · Shared platform, revised"), course / "notebooks/02_platform.ipynb")
    handouts_of(course)
    changed = {path.name for path in pages if path.stat().st_mtime_ns != old}
    # The revised page, its neighbour (whose "Next" title changed) and the index.
    assert changed == {"02_platform.html", "01_invisible.html", "index.html"}


def test_pages_of_removed_notebooks_are_removed(course):
    handouts_of(course)
    (course / "notebooks/02_platform.ipynb").unlink()
    (course / "handouts/notes.html").write_text("<p>kept: not built here</p>", encoding="utf-8")
    handouts_of(course)
    assert not (course / "handouts/02_platform.html").exists()
    assert (course / "handouts/notes.html").exists()


def test_missing_notebooks_folder_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="notebooks folder .* does not exist"):
        build_handouts(tmp_path / "out", notebooks_dir=tmp_path / "none", exercises_dir=tmp_path)


# --------------------------------------------------------------------------- #
# external_resources
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            '<script src="http://cdn.example.org/require.js"></script>',
            ["http://cdn.example.org/require.js"],
        ),
        ('<link rel="stylesheet" href="//cdn.example.org/a.css">', ["//cdn.example.org/a.css"]),
        (
            '<link rel="icon" href="https://example.org/favicon.ico">',
            ["https://example.org/favicon.ico"],
        ),
        (
            "<style>body { background: url(https://example.org/bg.png) }</style>",
            ["https://example.org/bg.png"],
        ),
        (
            "<style>@import 'https://fonts.example.org/css';</style>",
            ["https://fonts.example.org/css"],
        ),
        (
            '<style>@import url("https://fonts.example.org/a");</style>',
            ["https://fonts.example.org/a"],
        ),
        (
            "<div style=\"background-image: url('http://example.org/x.png')\"></div>",
            ["http://example.org/x.png"],
        ),
        (
            '<img srcset="small.png 1x, https://example.org/big.png 2x">',
            ["https://example.org/big.png"],
        ),
        ('<iframe src="https://example.org/embed"></iframe>', ["https://example.org/embed"]),
        (
            '<video poster="https://example.org/p.jpg"><source src="/media/v.mp4"></video>',
            ["https://example.org/p.jpg", "/media/v.mp4"],
        ),
        (
            '<script type="module">const m = await import("https://cdn.example.org/m.mjs");</script>',
            ["https://cdn.example.org/m.mjs"],
        ),
        ('<img src="file:///home/me/figure.png">', ["file:///home/me/figure.png"]),
    ],
)
def test_external_resources_finds_what_a_page_would_fetch(page, expected):
    assert external_resources(page) == expected


@pytest.mark.parametrize(
    "page",
    [
        '<a href="https://example.org/report">the report</a>',
        '<img src="data:image/png;base64,AAAA">',
        '<img src="figures/local.png">',
        '<link rel="stylesheet" href="style.css">',
        '<a href="#section">jump</a><link rel="canonical" href="https://example.org/page">',
        "<style>.icon { background: url(data:image/svg+xml;base64,PHN2Zz4=) }</style>",
        "<p>Write url(https://example.org) in CSS to fetch a picture.</p>",
    ],
)
def test_external_resources_ignores_links_and_local_files(page):
    assert external_resources(page) == []


def test_external_resources_finds_a_script_that_loads_another_at_run_time():
    loader = (
        "<script>var tag = document.createElement('script');"
        "tag.src = 'https://cdn.example.org/embed.js'; document.body.appendChild(tag);</script>"
    )
    assert external_resources(loader) == ["https://cdn.example.org/embed.js"]
    data = '<script type="application/json">{"source": "https://example.org/data"}</script>'
    assert external_resources(data) == []


def test_the_stock_lab_template_would_fetch_scripts_that_ours_leaves_out(course):
    from nbconvert import HTMLExporter

    lesson = nbformat.read(course / "notebooks/01_invisible.ipynb", as_version=4)
    stock, _ = HTMLExporter(template_name="lab").from_notebook_node(lesson)
    fetched = " ".join(external_resources(stock)).lower()
    assert "require" in fetched and "mathjax" in fetched
    handouts_of(course)
    ours = (course / "handouts/01_invisible.html").read_text(encoding="utf-8")
    assert external_resources(ours) == []


def test_external_resources_lists_each_url_once_in_document_order():
    page = (
        '<script src="https://b.example.org/x.js"></script>'
        '<img src="https://a.example.org/y.png"><script src="https://b.example.org/x.js"></script>'
    )
    assert external_resources(page) == ["https://b.example.org/x.js", "https://a.example.org/y.png"]


def test_external_resources_rejects_bytes():
    with pytest.raises(TypeError, match="html_text must be a str, got bytes"):
        external_resources(b"<p></p>")


# --------------------------------------------------------------------------- #
# The real course
# --------------------------------------------------------------------------- #


def test_the_course_handouts_open_offline_without_instructor_notes(course_root, tmp_path):
    lessons = sorted((course_root / "notebooks").glob("*.ipynb"))
    if not lessons:
        pytest.skip("notebooks/ holds no lesson notebooks yet")
    pages = build_handouts(
        tmp_path / "handouts",
        notebooks_dir=course_root / "notebooks",
        exercises_dir=course_root / "exercises",
    )
    sources = [*lessons, *sorted((course_root / "exercises").glob("*.ipynb"))]
    assert len(pages) == len(sources) + 1

    for source, page in zip(sources, pages[1:], strict=True):
        html_text = page.read_text(encoding="utf-8")
        assert external_resources(html_text) == [], page.name
        assert "celltag_instructor" not in html_text, page.name
        visible = " ".join("".join(parsed(page).text).split())
        for cell in nbformat.read(source, as_version=4).cells:
            if "instructor" not in cell.metadata.get("tags", []):
                continue
            assert f'id="cell-id={cell.id}"' not in html_text, (page.name, cell.id)
            for line in cell.source.splitlines():
                plain = line.strip().lstrip("#->0123456789. ").strip()
                if len(plain) >= 30 and not re.search(r"[*_`\[\]<>&]", plain):
                    assert " ".join(plain.split()) not in visible, (page.name, plain)


def test_the_course_exercises_match_their_solutions(course_root):
    solutions = sorted((course_root / "solutions").glob("*.ipynb"))
    if not solutions:
        pytest.skip("solutions/ holds no solution notebooks yet")
    drifted = exercises_out_of_date(course_root / "solutions", course_root / "exercises")
    assert drifted == [], (
        f"exercises/ differs from solutions/ for {', '.join(drifted)}; run `make exercises`"
    )
