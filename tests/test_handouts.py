"""Tests for infralab.handouts: the learner and instructor editions of the HTML handouts."""

from __future__ import annotations

import base64
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from infralab.build import generate_exercises
from infralab.handouts import (
    INSTRUCTOR_EDITION,
    INSTRUCTOR_KIT,
    LEARNER_EDITION,
    build_handouts,
    external_resources,
)
from tests.course_factory import (
    FACILITATION,
    HOSTILE_HOST,
    PNG,
    TRAP,
    WIDGET_VIEW,
    hostile_notebook,
    instructor_cell,
    notebook,
    widget_output,
    write,
)
from tests.course_handouts import course_handouts, instructor_folder

SOLUTION_LINE = "return (1 - availability) * 30 * 24 * 60"
INTERACTIVE_NOTE = "Interactive control: run this notebook in JupyterLab to use it."


def solution_notebook(title: str = "Exercises: invisible qualities") -> nbformat.NotebookNode:
    task = new_code_cell(
        "def monthly_downtime(availability):\n"
        '    """Minutes of downtime in a 30-day month."""\n'
        "    ### BEGIN SOLUTION\n"
        f"    {SOLUTION_LINE}\n"
        "    ### END SOLUTION\n",
        execution_count=1,
        metadata={"tags": ["task"]},
    )
    check = new_code_cell(
        "monthly_downtime(0.999)",
        execution_count=2,
        outputs=[new_output("execute_result", data={"text/plain": "43.2"}, execution_count=2)],
    )
    return notebook(
        new_markdown_cell(f"# {title}\n\n**Time:** about 20 minutes."),
        task,
        instructor_cell(),
        check,
        new_code_cell("try_it()", execution_count=3, outputs=[widget_output()]),
    )


def lesson_notebook(title: str, minutes: int = 25) -> nbformat.NotebookNode:
    figure = new_code_cell(
        "plot_downtime()",
        execution_count=1,
        outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})],
    )
    widget = new_code_cell(
        "try_it(draw, nines=slider)", execution_count=2, outputs=[widget_output()]
    )
    return notebook(
        new_markdown_cell(
            f"# {title}\n\nA short story about a service nobody notices.\n\n"
            f"**Time:** about {minutes} minutes."
        ),
        instructor_cell(),
        widget,
        figure,
        new_markdown_cell("Read more at [the source](https://example.org/report)."),
    )


GUIDE = """# Instructor guide

Run [lesson 01](../notebooks/01_invisible.ipynb#The-story) first, then its
[solutions](../solutions/01_invisible.ipynb).

| Block | Minutes |
|---|---|
| Lesson 01 | 25 |

![The agenda](figures/agenda.png)

```python
print("ready")
```
"""


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A throw-away course: two lessons, one solution notebook and its exercise sheet, no guide."""
    write(lesson_notebook("01 · Invisible qualities"), tmp_path / "notebooks/01_invisible.ipynb")
    write(lesson_notebook("02 · Shared platform", 35), tmp_path / "notebooks/02_platform.ipynb")
    write(solution_notebook(), tmp_path / "solutions/01_invisible.ipynb")
    generate_exercises(tmp_path / "solutions", tmp_path / "exercises")
    (tmp_path / "docs").mkdir()
    return tmp_path


def add_guide(course: Path) -> Path:
    (course / "docs/figures").mkdir(parents=True, exist_ok=True)
    (course / "docs/figures/agenda.png").write_bytes(base64.b64decode(PNG))
    guide = course / "docs/instructor-guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    return guide


def handouts_of(course: Path, output: Path | None = None) -> list[Path]:
    """Both editions, side by side as the Makefile builds them: learner pages, then instructor."""
    learner = output or course / LEARNER_EDITION
    return build_handouts(
        learner, notebooks_dir=course / "notebooks", exercises_dir=course / "exercises"
    ) + build_handouts(
        learner.parent / INSTRUCTOR_EDITION,
        edition="instructor",
        notebooks_dir=course / "notebooks",
        exercises_dir=course / "exercises",
        solutions_dir=course / "solutions",
        guide_file=course / "docs/instructor-guide.md",
        docs_dir=course / "docs",
    )


def built(course: Path, name: str) -> Path:
    """A page by its name in these tests: ``instructor/x.html`` is the instructor edition's."""
    if name.startswith("instructor/"):
        return course / INSTRUCTOR_EDITION / name.removeprefix("instructor/")
    return course / LEARNER_EDITION / name


class Page(HTMLParser):
    """Visible text, code, every link, and the links of the navigation and related blocks."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.text: list[str] = []
        self.code: list[str] = []  # text inside <pre>: code cells, printed output, code blocks
        self._pre_depth = 0
        self.links: list[str] = []
        self.navigation: list[list[tuple[str, str, str]]] = []  # (href, rel, text) per bar
        self.related: list[list[str]] = []  # hrefs per block
        self._inside: str | None = None
        self._anchor: dict[str, str] | None = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        self._pre_depth += tag == "pre"
        if tag == "nav" and "infralab-navigation" in classes:
            self._inside = "navigation"
            self.navigation.append([])
        elif tag == "aside" and "infralab-related" in classes:
            self._inside = "related"
            self.related.append([])
        elif tag == "a":
            self.links.append(values.get("href", ""))
            self._anchor = {
                "href": values.get("href", ""),
                "rel": values.get("rel", ""),
                "text": "",
            }

    def handle_endtag(self, tag):
        self._pre_depth -= tag == "pre"
        if tag in ("nav", "aside"):
            self._inside = None
        elif tag == "a" and self._anchor is not None:
            anchor, self._anchor = self._anchor, None
            if self._inside == "navigation":
                self.navigation[-1].append((anchor["href"], anchor["rel"], anchor["text"]))
            elif self._inside == "related":
                self.related[-1].append(anchor["href"])

    def handle_data(self, data):
        self.text.append(data)
        if self._pre_depth:
            self.code.append(data)
        if self._anchor is not None:
            self._anchor["text"] += data

    @property
    def visible(self) -> str:
        return " ".join("".join(self.text).split())

    @property
    def code_lines(self) -> set[str]:
        return {line.strip() for line in "".join(self.code).splitlines()}


LEARNER_PAGES = [
    "index.html",
    "01_invisible.html",
    "exercises/01_invisible.html",
    "02_platform.html",
]
INSTRUCTOR_PAGES = [
    "instructor/index.html",
    "instructor/01_invisible.html",
    "instructor/exercises/01_invisible.html",
    "instructor/solutions/01_invisible.html",
    "instructor/02_platform.html",
]
#: Every page with the instructor guide, in build order.
NAMES_WITH_GUIDE = [
    *LEARNER_PAGES,
    INSTRUCTOR_PAGES[0],
    "instructor/instructor-guide.html",
    *INSTRUCTOR_PAGES[1:],
]


# --------------------------------------------------------------------------- #
# Two editions
# --------------------------------------------------------------------------- #


def test_both_editions_are_returned_in_reading_order(course):
    pages = handouts_of(course)
    assert pages == [built(course, name) for name in LEARNER_PAGES + INSTRUCTOR_PAGES]
    assert all(path.is_file() for path in pages)


def test_learner_edition_has_no_facilitation_note_and_no_solution(course):
    handouts = course / "handouts"
    handouts_of(course)
    learner = [path for path in handouts.rglob("*.html") if INSTRUCTOR_EDITION not in path.parts]
    assert sorted(path.relative_to(handouts).as_posix() for path in learner) == sorted(
        LEARNER_PAGES
    )
    for path in learner:
        page = path.read_text(encoding="utf-8")
        assert FACILITATION not in page, path
        assert "celltag_instructor" not in page and 'class="infralab-facilitation"' not in page
        assert SOLUTION_LINE not in page and "BEGIN SOLUTION" not in page, path
        assert "Instructor edition" not in page, path
        assert not any(INSTRUCTOR_EDITION in link for link in Page(path).links), path
    assert "raise NotImplementedError()" in Page(handouts / "exercises/01_invisible.html").visible


def test_instructor_edition_frames_each_facilitation_note_and_holds_the_solutions(course):
    handouts_of(course)
    instructor = course / INSTRUCTOR_EDITION
    for name in ("01_invisible.html", "02_platform.html", "solutions/01_invisible.html"):
        page = (instructor / name).read_text(encoding="utf-8")
        box = re.search(r'<aside[^>]*class="infralab-facilitation".*?</aside>', page, re.DOTALL)
        assert box is not None, name
        assert "Facilitation note</p>" in box[0] and FACILITATION in box[0], name
        assert re.search(r"<details open(=\"\")?>", box[0]), name  # folded in Lab, open here
        assert page.count(FACILITATION) == 1, name
        assert "Instructor edition: facilitation notes and solutions included" in page
    solutions = (instructor / "solutions/01_invisible.html").read_text(encoding="utf-8")
    assert SOLUTION_LINE in Page(instructor / "solutions/01_invisible.html").visible
    assert "<title>Solutions: Exercises: invisible qualities</title>" in solutions
    sheet = Page(instructor / "exercises/01_invisible.html").visible
    assert "raise NotImplementedError()" in sheet and SOLUTION_LINE not in sheet


def test_a_new_lesson_appears_in_both_editions_without_any_change_to_the_builder(course):
    handouts_of(course)
    write(lesson_notebook("10 · Capstone"), course / "notebooks/10_capstone.ipynb")
    write(solution_notebook("Exercises: capstone"), course / "solutions/10_capstone.ipynb")
    generate_exercises(course / "solutions", course / "exercises")
    pages = handouts_of(course)
    for name in (
        "10_capstone.html",
        "exercises/10_capstone.html",
        "instructor/10_capstone.html",
        "instructor/solutions/10_capstone.html",
    ):
        assert built(course, name) in pages
    # Lesson 10 comes after lesson 02 (by number, not by text), its sheet and solutions after it.
    folder = course / INSTRUCTOR_EDITION
    instructor = [path.relative_to(folder).as_posix() for path in pages if folder in path.parents]
    assert instructor[4:] == [
        "02_platform.html",
        "10_capstone.html",
        "exercises/10_capstone.html",
        "solutions/10_capstone.html",
    ]
    assert "10_capstone.html" in Page(course / "handouts/index.html").links


def test_missing_folders_are_reported(course, tmp_path):
    with pytest.raises(FileNotFoundError, match="notebooks folder .* does not exist"):
        build_handouts(tmp_path / "out", notebooks_dir=tmp_path / "none", exercises_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="solutions folder .* does not exist"):
        build_handouts(
            tmp_path / "out",
            edition="instructor",
            notebooks_dir=course / "notebooks",
            exercises_dir=course / "exercises",
            solutions_dir=tmp_path / "none",
            guide_file=course / "docs/instructor-guide.md",
        )


# --------------------------------------------------------------------------- #
# The instructor guide
# --------------------------------------------------------------------------- #


def test_the_instructor_guide_is_rendered_with_its_links_pointed_at_pages(course):
    add_guide(course)
    pages = handouts_of(course)
    guide = course / INSTRUCTOR_EDITION / "instructor-guide.html"
    assert pages[pages.index(guide.with_name("index.html")) + 1] == guide  # it comes first
    page = guide.read_text(encoding="utf-8")
    assert "<title>Instructor guide</title>" in page
    assert "<table>" in page and "<td>Lesson 01</td>" in page
    assert f"data:image/png;base64,{PNG}" in page and "figures/agenda.png" not in page
    assert external_resources(page) == []
    links = Page(guide).links
    assert "01_invisible.html#The-story" in links and "solutions/01_invisible.html" in links
    assert not any(link.endswith(".ipynb") for link in links)
    assert "instructor-guide.html" not in "".join(Page(course / "handouts/index.html").links)


def test_the_guide_relates_to_every_lesson_and_every_page_to_the_guide(course):
    add_guide(course)
    handouts_of(course)
    instructor = course / INSTRUCTOR_EDITION
    top, bottom = Page(instructor / "instructor-guide.html").related
    assert top == bottom == ["01_invisible.html", "02_platform.html"]
    for name in INSTRUCTOR_PAGES[1:]:
        page = built(course, name)
        targets = {(page.parent / link).resolve() for link in Page(page).related[0]}
        assert (instructor / "instructor-guide.html").resolve() in targets, name


def test_without_a_guide_the_instructor_edition_is_built_without_it(course):
    add_guide(course)
    handouts_of(course)
    guide_page = course / INSTRUCTOR_EDITION / "instructor-guide.html"
    assert guide_page.is_file()
    (course / "docs/instructor-guide.md").unlink()
    pages = handouts_of(course)
    assert guide_page not in pages and not guide_page.exists()
    assert pages == [built(course, name) for name in LEARNER_PAGES + INSTRUCTOR_PAGES]
    index = (course / INSTRUCTOR_EDITION / "index.html").read_text(encoding="utf-8")
    assert "guide" not in Page(course / INSTRUCTOR_EDITION / "index.html").visible.lower()
    assert "instructor-guide" not in index


# --------------------------------------------------------------------------- #
# Navigation, related pages and the index
# --------------------------------------------------------------------------- #


def test_every_page_links_previous_contents_and_next_at_top_and_foot(course):
    pages = handouts_of(course)
    for edition in (LEARNER_PAGES, INSTRUCTOR_PAGES):
        order = [built(course, name) for name in edition]
        index, reading = order[0], order[1:]
        for position, page in enumerate(reading):
            assert page in pages
            top, bottom = Page(page).navigation
            assert top == bottom, page
            targets = {rel or text: (page.parent / href).resolve() for href, rel, text in top}
            assert targets.pop("Contents") == index.resolve()
            expected = {}
            if position > 0:
                expected["prev"] = reading[position - 1].resolve()
            if position + 1 < len(reading):
                expected["next"] = reading[position + 1].resolve()
            assert targets == expected, page
    top, _ = Page(course / "handouts/01_invisible.html").navigation
    assert top[0] == ("index.html", "", "Contents")  # the first page has no previous one
    assert top[1] == (
        "exercises/01_invisible.html",
        "next",
        "Next: Exercise sheet: Exercises: invisible qualities \u2192",
    )


def test_related_pages_are_the_same_lessons_other_pages_in_that_edition(course):
    handouts_of(course)
    handouts = course / "handouts"
    assert Page(handouts / "01_invisible.html").related == [["exercises/01_invisible.html"]] * 2
    assert Page(handouts / "exercises/01_invisible.html").related[0] == ["../01_invisible.html"]
    assert Page(handouts / "02_platform.html").related == []  # no sheet yet: no block
    assert Page(built(course, "instructor/01_invisible.html")).related[0] == [
        "exercises/01_invisible.html",
        "solutions/01_invisible.html",
    ]
    assert Page(built(course, "instructor/solutions/01_invisible.html")).related[0] == [
        "../01_invisible.html",
        "../exercises/01_invisible.html",
    ]


def test_each_index_is_a_sitemap_by_lesson_and_by_kind_with_times(course):
    add_guide(course)
    pages = handouts_of(course)
    for index in (course / "handouts/index.html", course / INSTRUCTOR_EDITION / "index.html"):
        edition = [path for path in pages if path != index and index.parent in path.parents]
        if index.parent == course / "handouts":
            edition = [path for path in edition if INSTRUCTOR_EDITION not in path.parts]
        links = Page(index).links
        expected = {path.relative_to(index.parent).as_posix() for path in edition}
        assert set(links) == expected, index
        # Each page twice: once under its lesson, once under its kind.
        assert sorted(links) == sorted(list(expected) * 2), index

    learner = Page(course / "handouts/index.html").visible
    assert "By lesson Lesson 01 Lesson: 01 · Invisible qualities (about 25 minutes)" in learner
    assert "Exercise sheet: Exercises: invisible qualities (about 20 minutes)" in learner
    assert "Lessons (about 60 minutes in all)" in learner
    assert "Exercise sheets (about 20 minutes in all)" in learner
    assert "Solutions" not in learner and "Guides" not in learner

    instructor = Page(course / INSTRUCTOR_EDITION / "index.html").visible
    assert "The whole course Guide: Instructor guide" in instructor
    assert "Solutions: Exercises: invisible qualities Lesson 02" in instructor  # no time shown
    for heading in ("Lessons", "Exercise sheets", "Solutions", "Guides"):
        assert heading in instructor


def test_links_from_one_notebook_to_another_lead_to_its_page(course):
    start = notebook(new_markdown_cell("# Start\n\nBegin with [lesson 01](01_invisible.ipynb)."))
    write(start, course / "notebooks/00_start.ipynb")
    handouts_of(course)
    assert "01_invisible.html" in Page(course / "handouts/00_start.html").links


# --------------------------------------------------------------------------- #
# Offline, widgets and print
# --------------------------------------------------------------------------- #


def test_every_page_embeds_its_figures_and_loads_nothing_from_outside(course):
    add_guide(course)
    pages = handouts_of(course)
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert external_resources(page) == [], path
        assert "<script" not in page, path  # no require.js, MathJax, Mermaid or widget manager
    lesson = (course / "handouts/01_invisible.html").read_text(encoding="utf-8")
    assert f'src="data:image/png;base64,{PNG}"' in lesson
    assert "https://example.org/report" in lesson  # links a reader may click stay
    assert "<title>01 · Invisible qualities</title>" in lesson


@pytest.mark.parametrize(
    "name",
    [
        "01_invisible.html",
        "instructor/01_invisible.html",
        "exercises/01_invisible.html",
        "instructor/solutions/01_invisible.html",
    ],
)
def test_widgets_show_their_static_fallback_in_both_editions(course, name):
    handouts_of(course)
    page = (built(course, name)).read_text(encoding="utf-8")
    assert WIDGET_VIEW not in page and "widget-state" not in page
    if "exercises" in name:  # exercise sheets are stored without outputs
        assert INTERACTIVE_NOTE not in page
        return
    assert page.count(INTERACTIVE_NOTE) == 1
    if "solutions" not in name:  # the lesson's static figure below the control stays
        assert page.index(INTERACTIVE_NOTE) < page.index(f"data:image/png;base64,{PNG}")


def test_images_in_markdown_are_embedded_and_a_new_picture_rebuilds_the_page(course):
    (course / "notebooks/figures").mkdir()
    (course / "notebooks/figures/diagram.png").write_bytes(base64.b64decode(PNG))
    lesson = notebook(new_markdown_cell("# Diagram\n\n![The request path](figures/diagram.png)"))
    write(lesson, course / "notebooks/03_diagram.ipynb")
    handouts_of(course)
    for name in ("03_diagram.html", "instructor/03_diagram.html"):
        page = (built(course, name)).read_text(encoding="utf-8")
        assert f"data:image/png;base64,{PNG}" in page and "figures/diagram.png" not in page

    (course / "notebooks/figures/diagram.png").write_bytes(base64.b64decode(PNG) + b"\0")
    handouts_of(course)  # a new picture, same notebook: the page is rebuilt
    page = (course / "handouts/03_diagram.html").read_text(encoding="utf-8")
    assert f"data:image/png;base64,{PNG}" not in page


def test_every_page_has_the_print_stylesheet(course):
    add_guide(course)
    for path in handouts_of(course):
        if path.name == "index.html":
            continue
        page = path.read_text(encoding="utf-8")
        print_rules = page[page.index("@media print {\n  nav.infralab-navigation") :]
        assert "white-space: pre-wrap" in print_rules, path
        assert "page-break-inside: avoid" in print_rules, path


# --------------------------------------------------------------------------- #
# Nothing runs: a hostile notebook, and the content security policy
# --------------------------------------------------------------------------- #

#: The one policy of every page: no script, no request; inline styles and data: images only.
POLICY = {
    "default-src": ["'none'"],
    "img-src": ["data:"],
    "style-src": ["'unsafe-inline'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}
# Elements that run, embed, submit, redirect or re-target something; none belongs in a handout.
LIVE_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
                 "form", "link", "portal"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background",
                  "poster", "cite", "srcdoc", "ping"}


class LiveMarkup(HTMLParser):
    """Everything in a page that could run a script, embed a document or reach the network."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._tag: str | None = None
        self._style: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag in LIVE_ELEMENTS:
            self.found.append(f"<{tag}>")
        equivalent = values.get("http-equiv", "content-security-policy").lower()
        if tag == "meta" and equivalent != "content-security-policy":
            self.found.append(f"<meta {values}>")
        for name, value in values.items():
            address = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and address.startswith(("javascript:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES and address.startswith("data:"):
                if not (tag == "img" and name == "src" and address.startswith("data:image/")):
                    self.found.append(f"<{tag} {name}={value[:40]!r}>")
            elif name == "style" and ("url(" in address or "\\" in address):
                self.found.append(f"<{tag} style={value!r}>")
        self._tag = tag

    def handle_data(self, data):
        if self._tag == "style":
            self._style.append(data)

    def handle_endtag(self, tag):
        if tag == "style":
            sheet = "".join(self._style).lower()
            if "url(" in sheet.replace("url(data:", "") or "@import" in sheet:
                self.found.append(f"<style>{sheet[:80]!r}")
            self._style = []
        self._tag = None


def policy_of(text: str) -> list[dict[str, list[str]]]:
    """The content security policies a page declares in a meta element, parsed."""
    policies = []
    for match in re.finditer(r"<meta\b[^>]*>", text, re.IGNORECASE):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', match[0]))
        if attributes.get("http-equiv", "").lower() == "content-security-policy":
            directives = [part.split() for part in attributes["content"].split(";")]
            policies.append({words[0]: words[1:] for words in directives if words})
    return policies


def test_live_markup_sees_each_kind_of_live_content():
    page = (
        '<script>x()</script><img src="a.png" onerror="x()"><a href=" JavaScript:x()">a</a>'
        '<a href="data:text/html,hi">d</a><iframe src="e.html"></iframe>'
        '<meta http-equiv="refresh" content="0; url=a.html"><p style="color: url(a.png)">p</p>'
        "<style>@import 'a.css';</style>"
    )
    assert len(LiveMarkup(page).found) == 8
    harmless = (
        '<meta charset="utf-8"><img src="data:image/png;base64,AAAA" alt="a">'
        '<a href="b.html">b</a><p style="text-align: right">p</p>'
        "<style>.a { background: url(data:image/png;base64,AAAA) }</style>"
    )
    assert LiveMarkup(harmless).found == []


def test_a_hostile_notebook_leaves_nothing_that_runs_or_fetches(course):
    write(hostile_notebook(), course / "notebooks/04_hostile.ipynb")
    handouts_of(course)
    for name in ("04_hostile.html", "instructor/04_hostile.html"):
        page = (built(course, name)).read_text(encoding="utf-8")
        assert LiveMarkup(page).found == [], name
        assert external_resources(page) == [], name
        tags = re.findall(r"<[a-zA-Z][^>]*>", page)  # real tags; refused markup is text
        assert [tag for tag in tags if TRAP in tag] == [], name
        assert f"{HOSTILE_HOST}/figure.png" not in page  # an image's metadata names no file


def test_what_a_hostile_notebook_shows_legitimately_stays(course):
    write(hostile_notebook(), course / "notebooks/04_hostile.ipynb")
    handouts_of(course)
    path = course / "handouts/04_hostile.html"
    page, shown = path.read_text(encoding="utf-8"), Page(path)
    assert '<h2 id="What-stays">' in page
    assert "<td>rows</td>" in page and "<td>42</td>" in page  # the markdown table
    assert "<details><summary>Show the answer</summary>" in page
    assert "The answer is <strong>42</strong>." in page
    # the answer stays inside its <details>: folded until the reader opens it
    folded = re.search(r"<details><summary>Show the answer</summary>(.*?)</details>", page, re.S)
    assert folded is not None and "The answer is <strong>42</strong>." in folded[1]
    assert f'src="data:image/png;base64,{PNG}"' in page and 'alt="a dot"' in page
    assert "01_invisible.html" in shown.links and f"https://{HOSTILE_HOST}/report" in shown.links
    assert '<script>document.title = "code, shown as text"</script>' in shown.code_lines
    # The pandas table keeps its scoped stylesheet and its header alignment.
    assert '<style scoped="">' in page and "vertical-align: middle;" in page
    assert '<table border="1" class="dataframe">' in page
    assert '<tr style="text-align: right;">' in page
    assert "<b>bold output</b>" in page and "<strong>marked</strong>" in page
    figure = re.search(r'<img\b[^>]*\bheight="4"[^>]*>', page)[0]  # the stored image output
    assert PNG in figure and "width" not in figure  # its width was no number: left out
    # What was taken out shows as text, so an author sees what the handout refused.
    assert f'<script>{TRAP}("script-element")</script>' in shown.visible
    assert "a styled paragraph" in shown.visible and "a cursor" in shown.visible


def test_every_page_declares_a_policy_that_allows_no_script_and_no_network(course):
    add_guide(course)
    for path in handouts_of(course):
        page = path.read_text(encoding="utf-8")
        assert policy_of(page) == [POLICY], path
        # Before anything the policy governs: only other meta elements come first.
        head = page[page.index("<head>") + len("<head>") :]
        first = re.search(r"<(?!meta\b)[a-z]+", head)
        assert head.index("Content-Security-Policy") < first.start(), path


# --------------------------------------------------------------------------- #
# Incremental rebuild and clean-up
# --------------------------------------------------------------------------- #


def test_handouts_are_deterministic_and_rebuild_only_what_changed(course):
    add_guide(course)
    pages = handouts_of(course)
    again = handouts_of(course, course / "elsewhere" / LEARNER_EDITION)
    for first, rebuilt in zip(pages, again, strict=True):
        assert first.read_bytes() == rebuilt.read_bytes()

    old = 1_000_000_000
    for path in pages:
        os.utime(path, ns=(old, old))
    assert handouts_of(course) == pages
    assert [path.stat().st_mtime_ns for path in pages] == [old] * len(pages)

    write(
        lesson_notebook("02 · Shared platform, revised", 35), course / "notebooks/02_platform.ipynb"
    )
    handouts_of(course)
    changed = {
        name
        for name, path in zip(NAMES_WITH_GUIDE, pages, strict=True)
        if path.stat().st_mtime_ns != old
    }
    # The revised page, its neighbour (whose "Next" title changed), pages that relate to it
    # (the guide) and the indexes.
    assert changed == {
        "02_platform.html",
        "exercises/01_invisible.html",
        "index.html",
        "instructor/02_platform.html",
        "instructor/solutions/01_invisible.html",
        "instructor/instructor-guide.html",
        "instructor/index.html",
    }


def test_pages_of_removed_sources_are_removed_and_other_files_kept(course):
    handouts_of(course)
    handouts = course / "handouts"
    (course / "notebooks/02_platform.ipynb").unlink()
    (course / "solutions/01_invisible.ipynb").unlink()
    (handouts / "notes.html").write_text("<p>kept: not built here</p>", encoding="utf-8")
    built(course, "instructor/solutions/mine.html").write_text("<p>kept</p>", encoding="utf-8")
    handouts_of(course)
    for name in ("02_platform.html", "instructor/02_platform.html"):
        assert not (handouts / name).exists()
    assert not built(course, "instructor/solutions/01_invisible.html").exists()
    assert (handouts / "notes.html").exists() and (
        built(course, "instructor/solutions/mine.html")
    ).exists()
    assert (handouts / "01_invisible.html").exists()


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
    for name in ("01_invisible.html", "instructor/01_invisible.html"):
        ours = (built(course, name)).read_text(encoding="utf-8")
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

# TeX math as MathJax (nbconvert's configuration) and pandoc read it: $$...$$, \(...\),
# \[...\], \begin{...}, and $...$ where the opening $ is followed by a non-space, the closing
# $ follows a non-space and no digit follows it (so "costs $5 and $10" is not math).
TEX_MATH = re.compile(
    r"\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\]|\\begin\{|(?<![\\$])\$(?=\S)[^$\n]*?(?<=\S)\$(?!\d)",
    re.DOTALL,
)


@pytest.mark.parametrize(
    ("text", "is_math"),
    [
        ("Little's law: $L = \\lambda W$.", True),
        ("$$\nA = \\prod_i a_i\n$$", True),
        ("inline \\(x^2\\) too", True),
        ("It costs $5 a month, or $50 a year.", False),
        ("Prices: $5 and $10", False),
        ("Escaped \\$x\\$ stays text", False),
    ],
)
def test_the_tex_detector_tells_math_from_money(text, is_math):
    assert bool(TEX_MATH.search(text)) is is_math


def test_no_handout_needs_mathjax_because_no_visible_markdown_uses_tex(course_root):
    """The pages load no MathJax: nothing a handout shows is written in TeX."""
    sources = [
        *sorted((course_root / "notebooks").glob("*.ipynb")),
        *sorted((course_root / "exercises").glob("*.ipynb")),
        *sorted((course_root / "solutions").glob("*.ipynb")),
    ]
    assert sources, "the course folder holds no notebooks: notebooks/ is missing or empty"
    found = []
    for source in sources:
        for number, cell in enumerate(nbformat.read(source, as_version=4).cells, start=1):
            if cell.cell_type == "markdown":
                found.extend((source.name, number, math) for math in TEX_MATH.findall(cell.source))
            for output in cell.get("outputs", []):
                if "text/latex" in output.get("data", {}):
                    found.append((source.name, number, "a text/latex output"))
    guide = course_root / "docs/instructor-guide.md"
    if guide.is_file():
        found.extend((guide.name, 0, math) for math in TEX_MATH.findall(guide.read_text("utf-8")))
    assert found == [], f"TeX math would need MathJax in the handouts: {found}"


def solution_lines(solution: Path) -> list[str]:
    """The lines between the solution markers of a solution notebook."""
    lines = []
    for cell in nbformat.read(solution, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and line.strip() and not line.strip().startswith("#"):
                lines.append(line.strip())
    return lines


def test_the_course_handouts_open_offline_with_notes_only_for_instructors(course_root):
    lessons = sorted((course_root / "notebooks").glob("*.ipynb"))
    assert lessons, "notebooks/ holds no lesson notebooks"
    output, pages = course_handouts()
    sheets = sorted((course_root / "exercises").glob("*.ipynb"))
    solutions = sorted((course_root / "solutions").glob("*.ipynb"))
    instructor = instructor_folder(output)
    learner = [page for page in pages if output in page.parents]
    assert len(learner) == 1 + len(lessons) + len(sheets)
    kit = [course_root / "docs/instructor-guide.md"]
    kit += [course_root / "docs" / name for name in INSTRUCTOR_KIT]
    guides = sum(path.is_file() for path in kit)
    keys = len(list((instructor / "answer-key").glob("*.html")))
    assert keys >= 1, "no answer key: no lesson's check module has tasks"
    assert len(pages) - len(learner) == (
        1 + guides + len(lessons) + len(sheets) + len(solutions) + keys
    )

    for page in pages:
        assert external_resources(page.read_text(encoding="utf-8")) == [], page

    for source in lessons + sheets:
        folder = "exercises/" if source.parent.name == "exercises" else ""
        learner_page = output / f"{folder}{source.stem}.html"
        instructor_page = instructor / f"{folder}{source.stem}.html"
        learner_html = learner_page.read_text(encoding="utf-8")
        instructor_html = instructor_page.read_text(encoding="utf-8")
        assert "celltag_instructor" not in learner_html, learner_page
        visible = Page(learner_page).visible
        for cell in nbformat.read(source, as_version=4).cells:
            if "instructor" not in cell.metadata.get("tags", []):
                continue
            assert f'id="cell-id={cell.id}"' not in learner_html, (learner_page, cell.id)
            assert f'id="cell-id={cell.id}"' in instructor_html, (instructor_page, cell.id)
            for line in cell.source.splitlines():
                plain = line.strip().lstrip("#->0123456789. ").strip()
                if len(plain) >= 30 and not re.search(r"[*_`\[\]<>&]", plain):
                    assert " ".join(plain.split()) not in visible, (learner_page, plain)
        if "instructor" in {
            tag
            for cell in nbformat.read(source, as_version=4).cells
            for tag in cell.metadata.get("tags", [])
        }:
            assert 'class="infralab-facilitation"' in instructor_html, instructor_page

    for solution in solutions:
        sheet = output / "exercises" / f"{solution.stem}.html"
        exercise = course_root / "exercises" / solution.name
        exercise_text = exercise.read_text(encoding="utf-8") if exercise.is_file() else ""
        code = Page(sheet).code_lines if sheet.is_file() else set()
        shown = Page(instructor / "solutions" / f"{solution.stem}.html").code_lines
        assert set(solution_lines(solution)) <= shown, solution.name  # the check can see code
        for line in solution_lines(solution):
            if line not in exercise_text:  # lines the stub also has are not solutions
                assert line not in code, (sheet.name, line)
    for page in learner:
        assert "BEGIN SOLUTION" not in page.read_text(encoding="utf-8"), page


#: Images from elsewhere, written the ways a browser still reads as a web address.
REMOTE_IMAGES = (
    f"![x](http://{HOSTILE_HOST}/x.png)",
    f'![y](//{HOSTILE_HOST}/y.png "t")',
    f'<img src="http&#58;//{HOSTILE_HOST}/entity.png">',
    f'<img src="&#104;ttp://{HOSTILE_HOST}/entity2.png">',
    f'<svg><foreignObject><img src="http://{HOSTILE_HOST}/svg.png"></foreignObject></svg>',
    f'<img src="\\\\{HOSTILE_HOST}\\share\\x.png">',
    f'<img src="http:\\\\{HOSTILE_HOST}/backslash.png">',
    f'<img src=" http://{HOSTILE_HOST}/space.png">',
    f'<img src="/{HOSTILE_HOST}/root.png">',
)


def test_an_image_from_elsewhere_loses_its_source_however_it_is_written(course):
    cells = [new_markdown_cell(image) for image in REMOTE_IMAGES]
    cells.append(
        new_code_cell(
            "show()",
            execution_count=1,
            outputs=[
                new_output(
                    "display_data",
                    data={
                        "text/html": f'<img src="http://{HOSTILE_HOST}/output.png">',
                        "text/markdown": f"![r](http://{HOSTILE_HOST}/markdown-output.png)",
                    },
                )
            ],
        )
    )
    write(notebook(*cells), course / "notebooks/04_images.ipynb")
    handouts_of(course)
    for name in ("04_images.html", "instructor/04_images.html"):
        page = (built(course, name)).read_text(encoding="utf-8")
        assert external_resources(page) == [], name
        sources = re.findall(r'<img\b[^>]*\bsrc="([^"]*)"', page)
        assert [source for source in sources if HOSTILE_HOST in source] == [], name


def test_a_page_that_would_still_fetch_is_refused_not_written(course, monkeypatch):
    class NoCleaning:  # stands for a hole in the cleaning: the page's last line of defence
        def clean(self, text):
            return text

    monkeypatch.setattr("infralab.handouts.inert._cleaner", NoCleaning)
    write(
        notebook(new_markdown_cell(f'<img src="http://{HOSTILE_HOST}/x.png">')),
        course / "notebooks/04_images.ipynb",
    )
    with pytest.raises(ValueError, match=r"04_images\.ipynb would fetch http://"):
        handouts_of(course)
    assert not (course / "handouts/04_images.html").exists()


def test_every_folded_answer_of_the_course_stays_folded():
    # An answer, hint or discussion in a <details> block must be inside it in the handout,
    # not after an empty block where every reader sees it.
    output, pages = course_handouts()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert html.count("<details") == html.count("</details>"), page
        empty = re.findall(r"<details>\s*<summary>([^<]*)</summary>\s*</details>", html)
        assert empty == [], (page, empty)
