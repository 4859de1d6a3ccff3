"""Offline HTML handouts in two editions, converted from the stored notebooks.

:func:`build_handouts` (``make handouts``, ``infralab handouts``) executes
nothing: it converts the outputs stored in the notebooks with nbconvert's
``HTMLExporter`` and the course template in ``templates/handout/``.

Two editions
------------
- **Learner edition** (``handouts/``): every lesson (``notebooks/*.ipynb``) and
  every exercise sheet (``exercises/*.ipynb``), without the cells tagged
  ``instructor``. No solution is ever part of it: exercise sheets are generated
  with stubs in place of the solutions, and ``solutions/`` is not read for it.
- **Instructor edition** (``handouts/instructor/``): the instructor guide
  (``docs/instructor-guide.md`` rendered to a page; left out while that file
  does not exist), the lessons with their facilitation notes shown in a
  "Facilitation note" box, the exercise sheets as learners see them, and the
  solutions (``solutions/*.ipynb``).

Everything is found in the folders, so a new lesson needs no change here. A
lesson, its exercise sheet and its solutions belong together when their file
names start with the same number (``03_``).

Reading order
-------------
Pages are read in course order: lessons by their number (files whose name has
no ``NN_`` prefix come after, by name), each lesson followed by its exercise
sheet and then its solutions. In the instructor edition the guide comes first:
it holds the agenda. "← Previous" and "Next →" follow this order.

On every page, at the top and at the foot: "← previous / contents / next →"
links and a "related" block (the same lesson's other pages in that edition; the
instructor guide relates to every lesson and every page to the guide). Each
edition's ``index.html`` is a categorised sitemap: grouped by lesson, and
listed by kind (lessons, exercise sheets, solutions, guides), with the
estimated time a notebook states ("**Time:** about N minutes").

Offline and in print
--------------------
No page loads anything from outside its edition's folder: no require.js,
MathJax (the course writes no TeX), Mermaid or widget-manager scripts, and
every image is embedded. A widget becomes a one-line note; the static figure
the lesson shows below it stays. :func:`external_resources` lists what a page
would fetch, so a test holds every page to that promise. The print stylesheet
hides the navigation and keeps code, tables and figures within an A4 page.

Both editions rebuild incrementally: each page ends with a stamp, a hash of
everything it is made from, and is converted again only when that changes.
Stamped pages whose notebook has gone are removed; files without a stamp are
never touched.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbconvert
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from . import __version__
from .build import _WIDGET_VIEW, _folder, _read_notebook
from .coursemap import (
    INSTRUCTOR_TAG,
    _existing_folder,
    _notebooks_in,
    notebook_minutes,
    notebook_title,
)
from .files import write_if_changed
from .paths import course_root

__all__ = [
    "COURSE_TITLE",
    "INSTRUCTOR_EDITION",
    "INSTRUCTOR_GUIDE",
    "build_handouts",
    "external_resources",
]

COURSE_TITLE = "Invisible Foundations"
#: Folder of the instructor edition, inside the handout folder.
INSTRUCTOR_EDITION = "instructor"
#: The instructor guide, relative to the top of the course checkout.
INSTRUCTOR_GUIDE = "docs/instructor-guide.md"

_LOG = logging.getLogger(__name__)
_LOG.addHandler(logging.NullHandler())

_TEMPLATES = Path(__file__).parent / "templates"
_HANDOUT_TEMPLATE = "handout"
_INDEX = "index.html"
_STAMP = "<!-- infralab-handout {digest} -->"
_STAMP_PATTERN = re.compile(rb"<!-- infralab-handout ([0-9a-f]{64}) -->\s*\Z")

_JAVASCRIPT = "application/javascript"
_INTERACTIVE_NOTE = (
    '<p class="infralab-interactive-note">Interactive control: run this notebook in '
    "JupyterLab to use it.</p>"
)
_NBCONVERT_DEFAULT_ALT = 'alt="No description has been provided for this image"'
_FIGURE_ALT = 'alt="Figure: the sentence that follows it says what it shows"'


# --------------------------------------------------------------------------- #
# Pages and editions
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Kind:
    """What a page is: its name, where its pages go and where it sits within a lesson."""

    name: str  # one page of this kind, in lower case: "exercise sheet"
    plural: str  # the heading of its list on the index: "Exercise sheets"
    folder: str  # where its pages go inside an edition's folder ("" for the top)
    rank: int  # its place among a lesson's pages in the reading order

    @property
    def label(self) -> str:
        return self.name[:1].upper() + self.name[1:]


_GUIDE = _Kind("guide", "Guides", "", 0)
_LESSON = _Kind("lesson", "Lessons", "", 1)
_EXERCISE = _Kind("exercise sheet", "Exercise sheets", "exercises/", 2)
_SOLUTION = _Kind("solutions", "Solutions", "solutions/", 3)
_KINDS = (_GUIDE, _LESSON, _EXERCISE, _SOLUTION)


@dataclass(frozen=True)
class _Page:
    """One handout page: its source, where it goes and what it is called."""

    source: Path
    link: str  # path relative to the edition's folder, with forward slashes
    kind: _Kind
    title: str
    minutes: int  # estimated time the source states; 0 when it states none

    @property
    def lesson(self) -> str | None:
        """The lesson the page belongs to: the ``NN`` of an ``NN_`` file name, else its stem.

        ``None`` for a guide, which belongs to the whole course.
        """
        if self.kind == _GUIDE:
            return None
        number = re.match(r"(\d+)_", self.source.stem)
        return number.group(1) if number else self.source.stem

    @property
    def label(self) -> str:
        """The page's kind and title, as links name it: ``"Exercise sheet: Exercises · 03 ..."``."""
        return f"{self.kind.label}: {self.title}"

    @property
    def html_title(self) -> str:
        """The browser tab's title; solutions say so, their heading is the exercise sheet's."""
        return self.label if self.kind == _SOLUTION else self.title


def _reading_order(page: _Page) -> tuple[int, int, int, str, int, str]:
    """Guides first, then lessons by number (unnumbered ones after, by name), kinds by rank."""
    lesson = page.lesson
    if lesson is None:
        return (0, 0, 0, "", page.kind.rank, page.source.name)
    if lesson.isdigit():
        return (1, 0, int(lesson), "", page.kind.rank, page.source.name)
    return (1, 1, 0, lesson, page.kind.rank, page.source.name)


@dataclass(frozen=True)
class _Edition:
    """The pages one audience receives, in reading order, and the folder they go to."""

    name: str  # "learner" or "instructor"
    folder: Path
    pages: tuple[_Page, ...]
    notes_shown: bool  # whether cells tagged ``instructor`` are shown (as facilitation notes)


def _guide_notebook(path: Path) -> nbformat.NotebookNode:
    """A Markdown document as a one-cell notebook, so it is rendered like every other page."""
    text = path.read_text(encoding="utf-8")
    cell = nbformat.v4.new_markdown_cell(text, id="guide")
    return nbformat.v4.new_notebook(cells=[cell], metadata={"language_info": {"name": "python"}})


def _guide_title(notebook: nbformat.NotebookNode, source: Path) -> str:
    title = notebook_title(notebook, source)
    if title == source.stem.replace("_", " "):  # no heading: name it after the file
        title = source.stem.replace("-", " ").replace("_", " ").capitalize()
    return title


def _pages_of(
    folder: Path, kind: _Kind, notebooks: dict[Path, nbformat.NotebookNode]
) -> list[_Page]:
    """A page for every notebook in ``folder``; each notebook is read once, into ``notebooks``."""
    pages = []
    for source in _notebooks_in(folder):
        if source not in notebooks:
            notebooks[source] = _read_notebook(source)
        notebook = notebooks[source]
        link = f"{kind.folder}{source.stem}.html"
        timed = kind in (_LESSON, _EXERCISE)  # solutions are reference: no time
        minutes = (notebook_minutes(notebook) or 0) if timed else 0
        pages.append(_Page(source, link, kind, notebook_title(notebook, source), minutes))
    return pages


# --------------------------------------------------------------------------- #
# Navigation, related pages and the index
# --------------------------------------------------------------------------- #


def _relative_link(from_page: str, to_page: str) -> str:
    return posixpath.relpath(to_page, start=posixpath.dirname(from_page) or ".")


def _anchor(from_page: str, to_page: str, text: str, extra: str = "") -> str:
    address = html.escape(_relative_link(from_page, to_page))
    return f'<a href="{address}"{extra}>{html.escape(text)}</a>'


def _related(page: _Page, edition: _Edition) -> list[_Page]:
    """The same lesson's other pages; a guide relates to every lesson, every page to the guide."""
    if page.kind == _GUIDE:
        return [other for other in edition.pages if other.kind == _LESSON]
    return [
        other
        for other in edition.pages
        if other != page and (other.lesson == page.lesson or other.kind == _GUIDE)
    ]


def _navigation(page: _Page, edition: _Edition) -> str:
    """The "← previous / contents / next →" bar at the top and foot of a page."""
    position = edition.pages.index(page)
    previous = edition.pages[position - 1] if position > 0 else None
    following = edition.pages[position + 1] if position + 1 < len(edition.pages) else None
    parts = [
        (
            _anchor(page.link, previous.link, f"\u2190 Previous: {previous.label}", ' rel="prev"')
            if previous
            else '<span class="infralab-previous"></span>'
        ),
        _anchor(page.link, _INDEX, "Contents", ' class="infralab-contents"'),
        (
            _anchor(page.link, following.link, f"Next: {following.label} \u2192", ' rel="next"')
            if following
            else '<span class="infralab-next"></span>'
        ),
    ]
    items = "\n".join(parts)
    return f'<nav class="infralab-navigation" aria-label="Course navigation">\n{items}\n</nav>'


def _related_block(page: _Page, edition: _Edition) -> str:
    related = _related(page, edition)
    if not related:
        return ""
    items = "\n".join(
        f"<li>{_anchor(page.link, other.link, other.label)}</li>" for other in related
    )
    return (
        '<aside class="infralab-related" aria-label="Related pages">\n'
        f'<span class="infralab-related-heading">Related</span>\n<ul>\n{items}\n</ul>\n</aside>'
    )


_EDITION_NOTE = (
    '<p class="infralab-edition">Instructor edition: facilitation notes and solutions '
    "included. Give learners the learner edition.</p>"
)


def _page_header(page: _Page, edition: _Edition) -> str:
    """What goes above a page's notebook: edition note, navigation, related pages."""
    note = _EDITION_NOTE if edition.notes_shown else ""
    parts = (note, _navigation(page, edition), _related_block(page, edition))
    return "\n".join(part for part in parts if part)


def _page_footer(page: _Page, edition: _Edition) -> str:
    """What goes below it: related pages, then navigation."""
    parts = (_related_block(page, edition), _navigation(page, edition))
    return "\n".join(part for part in parts if part)


def _time_text(minutes: int) -> str:
    return f"about {minutes} minutes" if minutes else ""


def _index_item(page: _Page, text: str) -> str:
    time = _time_text(page.minutes)
    extra = f' <span class="infralab-time">({time})</span>' if time else ""
    return f"<li>{_anchor(_INDEX, page.link, text)}{extra}</li>"


def _lesson_heading(lesson: str) -> str:
    return f"Lesson {lesson}" if lesson.isdigit() else lesson.replace("_", " ")


def _by_lesson(edition: _Edition) -> str:
    groups: dict[str | None, list[_Page]] = {}
    for page in edition.pages:
        groups.setdefault(page.lesson, []).append(page)
    sections = []
    for lesson, pages in groups.items():
        heading = "The whole course" if lesson is None else _lesson_heading(lesson)
        items = "\n".join(_index_item(page, page.label) for page in pages)
        sections.append(f"<h3>{html.escape(heading)}</h3>\n<ul>\n{items}\n</ul>")
    return "\n".join(sections)


def _by_kind(edition: _Edition) -> str:
    sections = []
    for kind in (_LESSON, _EXERCISE, _SOLUTION, _GUIDE):
        pages = [page for page in edition.pages if page.kind == kind]
        if not pages:
            continue
        total = _time_text(sum(page.minutes for page in pages))
        extra = f' <span class="infralab-time">({total} in all)</span>' if total else ""
        items = "\n".join(_index_item(page, page.title) for page in pages)
        sections.append(f"<h3>{kind.plural}{extra}</h3>\n<ol>\n{items}\n</ol>")
    return "\n".join(sections)


_INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
       max-width: 48em; margin: 2em auto; padding: 0 1em; color: #1a1a1a; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 1.5em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05em; margin: 1em 0 0.2em 0; }
li { margin: 0.3em 0; }
.infralab-time { color: #555; font-size: 0.95em; }
.infralab-edition { border-left: 4px solid #E69F00; background: #fff8e6; padding: 0.5em 0.8em; }
a { color: #0072B2; }
@media print { a { color: inherit; text-decoration: none; } }
""".strip()


def _introduction(edition: _Edition) -> str:
    """What the edition holds and how its pages are ordered."""
    offline = "Every page opens without an internet connection and prints cleanly."
    if not edition.notes_shown:
        return f"<p>Handouts of the lessons and exercise sheets. {offline}</p>"
    kinds = {page.kind for page in edition.pages}
    extras = ["the instructor guide"] if _GUIDE in kinds else []
    extras.append("the facilitation notes inside each lesson")
    if _SOLUTION in kinds:
        extras.append("the solutions")
    listed = ", ".join(extras[:-1]) + (" and " if len(extras) > 1 else "") + extras[-1]
    return f"{_EDITION_NOTE}\n<p>What learners receive, plus {listed}. {offline}</p>"


def _reading_order_note(edition: _Edition) -> str:
    kinds = {page.kind for page in edition.pages}
    order = "each lesson, then its exercise sheet"
    if _SOLUTION in kinds:
        order += ", then its solutions"
    if _GUIDE in kinds:
        order = "the guide first, then " + order
    return (
        f"<p>Pages follow the course: {order}. "
        '"Next \u2192" at the top and foot of every page leads through them in that order.</p>'
    )


def _index_html(edition: _Edition) -> str:
    """The edition's contents page: every page grouped by lesson, then listed by kind."""
    if edition.pages:
        body = (
            f"{_reading_order_note(edition)}\n"
            f'<h2 id="by-lesson">By lesson</h2>\n{_by_lesson(edition)}\n'
            f'<h2 id="by-kind">By kind</h2>\n{_by_kind(edition)}'
        )
    else:
        body = "<p>No notebooks to show yet.</p>"
    heading = COURSE_TITLE + (": instructor edition" if edition.notes_shown else "")
    title = heading if edition.notes_shown else f"{COURSE_TITLE}: handouts"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<style type="text/css">\n{_INDEX_STYLE}\n</style>\n'
        "</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(heading)}</h1>\n"
        f"{_introduction(edition)}\n"
        f'<nav aria-label="Contents">\n{body}\n</nav>\n'
        "</main>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- #
# Converting a page
# --------------------------------------------------------------------------- #


class _StaticOutputs(Preprocessor):
    """Keep only outputs that show without a kernel or a script.

    A widget view needs a live kernel (or a widget manager fetched from the
    network), so it becomes a one-line note; the lesson's static figure below it
    stays. JavaScript outputs are dropped; their other representations stay.
    """

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code":
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is None:
                kept.append(output)
            elif _WIDGET_VIEW in data:
                kept.append(
                    nbformat.v4.new_output("display_data", data={"text/html": _INTERACTIVE_NOTE})
                )
            else:
                data.pop(_JAVASCRIPT, None)
                if data:
                    kept.append(output)
        cell.outputs = kept
        return cell, resources


@functools.cache
def _builder_fingerprint() -> str:
    """Changes whenever the builder, its template or the converting libraries change."""
    digest = hashlib.sha256()
    for part in (__version__, nbconvert.__version__, nbformat.__version__):
        digest.update(part.encode() + b"\0")
    code = [Path(__file__), Path(__file__).with_name("build.py")]
    for path in [*code, *sorted(_TEMPLATES.rglob("*"))]:
        if path.is_file():
            digest.update(path.relative_to(path.parent.parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _handout_exporter(*, notes_shown: bool, prompts: bool) -> HTMLExporter:
    """The exporter of one edition: facilitation notes shown or removed, prompts or not."""
    exporter = HTMLExporter(
        template_name=_HANDOUT_TEMPLATE,
        extra_template_basedirs=[str(_TEMPLATES)],
        embed_images=True,
        theme="light",
        exclude_input_prompt=not prompts,
        exclude_output_prompt=not prompts,
        log=_LOG,
    )
    if not notes_shown:
        exporter.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={INSTRUCTOR_TAG}), enabled=True
        )
    exporter.register_preprocessor(_StaticOutputs(), enabled=True)
    return exporter


_ANCHOR_HREF = re.compile(r"""(<a\b[^>]*?\bhref=")([^"]*)(")""", re.IGNORECASE)


def _links_to_pages(body: str, page: _Page, edition: _Edition) -> str:
    """Point links to the edition's notebooks (``../notebooks/03_x.ipynb``) at their pages."""
    targets = {other.source.resolve(): other.link for other in edition.pages}

    def replace(match: re.Match[str]) -> str:
        address = html.unescape(match[2])
        if not address or address.startswith("#") or _is_external(address):
            return match[0]
        path, hash_sign, fragment = address.partition("#")
        target = targets.get((page.source.parent / unquote(path)).resolve())
        if target is None:
            return match[0]
        new = _relative_link(page.link, target) + hash_sign + fragment
        return match[1] + html.escape(new) + match[3]

    return _ANCHOR_HREF.sub(replace, body)


def _link_map(edition: _Edition) -> str:
    """Which source becomes which page: a page's links depend on it."""
    return json.dumps(sorted((str(page.source.resolve()), page.link) for page in edition.pages))


_MARKDOWN_IMAGE = re.compile(
    r"""!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)"""
)


def _local_images(notebook: nbformat.NotebookNode, folder: Path) -> list[Path]:
    """Image files next to the notebook that its markdown shows (they are embedded)."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for match in _MARKDOWN_IMAGE.finditer(cell.source):
                address = match.group(1) or match.group(2)
                if not _is_external(address) and not address.startswith("attachment:"):
                    found.append(folder / address.split("#")[0].split("?")[0])
    return [path for path in found if path.is_file()]


def _stamp_of(path: Path) -> str | None:
    """The build stamp at the end of a handout page, if there is one."""
    try:
        with path.open("rb") as stream:
            stream.seek(max(path.stat().st_size - 200, 0))
            tail = stream.read()
    except OSError:
        return None
    found = _STAMP_PATTERN.search(tail)
    return found.group(1).decode() if found else None


def _build_edition(edition: _Edition, notebooks: dict[Path, nbformat.NotebookNode]) -> list[Path]:
    """Write the pages of one edition that changed, remove its leftovers, write its index."""
    index = edition.folder / _INDEX
    written = [index]
    link_map = _link_map(edition)
    for page in edition.pages:
        target = edition.folder / page.link
        written.append(target)
        notebook = notebooks[page.source]
        header, footer = _page_header(page, edition), _page_footer(page, edition)
        digest = hashlib.sha256()
        parts = (_builder_fingerprint(), edition.name, page.kind.name, page.html_title)
        for part in (*parts, header, footer, link_map):
            digest.update(part.encode() + b"\0")
        digest.update(page.source.read_bytes())
        for image in _local_images(notebook, page.source.parent):
            digest.update(image.read_bytes())
        stamp = digest.hexdigest()
        if _stamp_of(target) == stamp:
            continue
        exporter = _handout_exporter(notes_shown=edition.notes_shown, prompts=page.kind != _GUIDE)
        body, _ = exporter.from_notebook_node(
            notebook,
            resources={
                "metadata": {"name": page.html_title, "path": str(page.source.parent)},
                "infralab_header": header,
                "infralab_footer": footer,
            },
        )
        body = _links_to_pages(body.replace(_NBCONVERT_DEFAULT_ALT, _FIGURE_ALT), page, edition)
        page_text = body.rstrip("\n") + "\n" + _STAMP.format(digest=stamp) + "\n"
        write_if_changed(target, page_text.encode("utf-8"))

    for folder in sorted({edition.folder / kind.folder for kind in _KINDS}):
        for leftover in sorted(folder.glob("*.html")) if folder.is_dir() else []:
            if leftover not in written and _stamp_of(leftover) is not None:
                leftover.unlink()
    write_if_changed(index, _index_html(edition).encode("utf-8"))
    return written


def build_handouts(
    output_dir: str | os.PathLike[str] | None = None,
    *,
    notebooks_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
    solutions_dir: str | os.PathLike[str] | None = None,
    guide_file: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Build the learner and the instructor edition of the handouts: HTML that opens offline.

    Nothing is executed: the outputs stored in the notebooks are converted with
    nbconvert's ``HTMLExporter`` and a course template extending the ``lab``
    template. Images are embedded, widgets become a one-line note, and no page
    loads a script, stylesheet, font or image from outside its edition's folder.

    - **Learner edition**, in ``output_dir``: lessons (``NAME.html``) and
      exercise sheets (``exercises/NAME.html``), without the cells tagged
      ``instructor``, and ``index.html``.
    - **Instructor edition**, in ``output_dir/instructor``: the instructor guide
      (``instructor-guide.html``, when ``guide_file`` exists), the lessons with
      their facilitation notes, the exercise sheets, the solutions
      (``solutions/NAME.html``) and its own ``index.html``.

    Each ``index.html`` lists its edition's pages grouped by lesson and by kind,
    with the time each notebook states. Pages are in course order (the guide;
    then by lesson number: the lesson, its exercise sheet, its solutions) and
    each links to the previous and next page, the contents and its related
    pages; links in a notebook or the guide to another notebook of the edition
    are pointed at that notebook's page.

    A page is rebuilt only when its source, an image file its markdown shows,
    its title, navigation or related pages, the set of pages of its edition, or
    the builder itself changed (a content hash is stamped in a comment at the
    end of each page). Stamped pages left over from sources that no longer
    exist are removed; any other file in the folders is left alone.

    Parameters
    ----------
    output_dir : path-like, optional
        Folder to write to (created if needed); ``handouts/`` of the course by
        default.
    notebooks_dir, exercises_dir, solutions_dir : path-like, optional
        Folders of lesson, exercise and solution notebooks; ``notebooks/``,
        ``exercises/`` and ``solutions/`` of the course by default.
    guide_file : path-like, optional
        The instructor guide, in Markdown; ``docs/instructor-guide.md`` of the
        course by default. When the file does not exist the instructor edition
        is built without it.

    Returns
    -------
    list of pathlib.Path
        Every page of both editions: the learner ``index.html``, the learner
        pages in reading order, the instructor ``index.html``, the instructor
        pages in reading order. Pages whose content would not change are left
        untouched, modification time included.

    Raises
    ------
    FileNotFoundError
        If a notebook folder does not exist.
    ValueError
        If a notebook cannot be read.

    Examples
    --------
    >>> build_handouts()  # doctest: +SKIP
    [PosixPath('.../handouts/index.html'), PosixPath('.../handouts/00_start_here.html'), ...,
     PosixPath('.../handouts/instructor/index.html'), ...]
    """
    lessons = _existing_folder(_folder(notebooks_dir, "notebooks"), "notebooks")
    sheets = _existing_folder(_folder(exercises_dir, "exercises"), "exercises")
    solutions = _existing_folder(_folder(solutions_dir, "solutions"), "solutions")
    guide = Path(guide_file) if guide_file is not None else course_root() / INSTRUCTOR_GUIDE
    output = _folder(output_dir, "handouts")

    notebooks: dict[Path, nbformat.NotebookNode] = {}
    lesson_pages = _pages_of(lessons, _LESSON, notebooks)
    sheet_pages = _pages_of(sheets, _EXERCISE, notebooks)
    solution_pages = _pages_of(solutions, _SOLUTION, notebooks)
    guide_pages = []
    if guide.is_file():
        notebooks[guide] = _guide_notebook(guide)
        title = _guide_title(notebooks[guide], guide)
        guide_pages.append(_Page(guide, f"{guide.stem}.html", _GUIDE, title, 0))

    learner = _Edition(
        name="learner",
        folder=output,
        pages=tuple(sorted(lesson_pages + sheet_pages, key=_reading_order)),
        notes_shown=False,
    )
    everything = guide_pages + lesson_pages + sheet_pages + solution_pages
    instructor = _Edition(
        name="instructor",
        folder=output / INSTRUCTOR_EDITION,
        pages=tuple(sorted(everything, key=_reading_order)),
        notes_shown=True,
    )
    return _build_edition(learner, notebooks) + _build_edition(instructor, notebooks)


# --------------------------------------------------------------------------- #
# What a page loads
# --------------------------------------------------------------------------- #

_LOADING_LINK_RELATIONS = frozenset(
    {
        "stylesheet",
        "icon",
        "shortcut",
        "apple-touch-icon",
        "apple-touch-icon-precomposed",
        "mask-icon",
        "manifest",
        "preload",
        "modulepreload",
        "prefetch",
        "prerender",
        "preconnect",
        "dns-prefetch",
        "import",
    }
)
# Attributes whose value is fetched, on any element (src: script, img, iframe,
# source, video, audio, embed, track, input; poster: video; data: object).
_LOADING_ATTRIBUTES = frozenset({"src", "poster", "background"})
# SVG elements that fetch their href.
_SVG_LOADING_ELEMENTS = frozenset({"image", "use", "feimage", "script"})
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SCRIPT_IMPORT = re.compile(
    r"""\bimport\s*\(\s*["'`]([^"'`]+)["'`]"""  # import("https://...")
    r"""|\bimport\b[^;'"`]*?\bfrom\s*["']([^"']+)["']"""  # import x from "https://..."
    r"""|\bimport\s*["']([^"']+)["']"""  # import "https://..."
    r"""|\bimportScripts\s*\(\s*["']([^"']+)["']"""
    r"""|["'`]((?:https?:)?//[^"'`\s]+)["'`]"""  # any web address written in the script
)
# Script types a browser runs; other types (JSON data, templates) are only text.
_RUNNABLE_SCRIPT_TYPES = frozenset(
    {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
)


def _is_external(url: str) -> bool:
    """True if fetching ``url`` would leave the folder the page sits in."""
    url = url.strip()
    if not url or url.startswith("#") or url.lower().startswith("data:"):
        return False
    if url.startswith(("/", "\\")):  # "//host/..." or the web server's root
        return True
    return bool(urlsplit(url).scheme)


def _first_groups(matches: Iterable[re.Match[str]]) -> list[str]:
    return [next(group for group in match.groups() if group is not None) for match in matches]


class _ResourceFinder(HTMLParser):
    """Collect every URL an HTML page would fetch while it opens."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._raw_text_tag: str | None = None
        self._raw_text: list[str] = []
        self._runnable = False

    def _css(self, text: str) -> None:
        self.urls.extend(_first_groups(_CSS_URL.finditer(text)))
        self.urls.extend(_first_groups(_CSS_IMPORT.finditer(text)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in _LOADING_ATTRIBUTES & values.keys():
            self.urls.append(values[name])
        if "srcset" in values:
            candidates = values["srcset"].split(",")
            self.urls.extend(part.split()[0] for part in candidates if part.split())
        if tag == "object" and "data" in values:
            self.urls.append(values["data"])
        if tag == "link" and "href" in values:
            relations = set(values.get("rel", "").lower().split())
            if relations & _LOADING_LINK_RELATIONS:
                self.urls.append(values["href"])
        if tag in _SVG_LOADING_ELEMENTS:
            self.urls.extend(values[name] for name in ("href", "xlink:href") if name in values)
        if "style" in values:
            self._css(values["style"])
        if tag in ("style", "script"):
            self._raw_text_tag = tag
            self._raw_text = []
            self._runnable = values.get("type", "").strip().lower() in _RUNNABLE_SCRIPT_TYPES

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("style", "script"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._raw_text_tag is not None:
            self._raw_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._raw_text_tag:
            return
        text = "".join(self._raw_text)
        if tag == "style":
            self._css(text)
        elif self._runnable:
            found = _first_groups(_SCRIPT_IMPORT.finditer(text))
            # XML namespace and DTD names (www.w3.org) identify, they are not fetched.
            self.urls.extend(url for url in found if urlsplit(url).hostname != "www.w3.org")
        self._raw_text_tag = None
        self._raw_text = []


def external_resources(html_text: str) -> list[str]:
    """List every URL outside the page's folder that a page would fetch on opening.

    Counted: ``src`` (script, img, iframe, source, video, audio, embed, track),
    ``srcset``, ``poster``, ``<object data>``, ``<link href>`` with a loading
    relation (stylesheet, icon, preload, preconnect, ...), SVG ``href``, CSS
    ``url()`` and ``@import`` in ``<style>`` blocks and ``style`` attributes,
    and, in inline scripts, module imports and any web address written as a
    string (a script that builds a ``<script src>`` at run time, such as the
    Jupyter widget manager loader). Not counted: links a reader may click
    (``<a href>``), relative paths, ``data:`` URLs and ``#fragments``. A URL
    with a scheme (``https:``, ``file:``), a protocol-relative URL (``//host``)
    and a path from the server root (``/static``) are all outside.

    Parameters
    ----------
    html_text : str
        The page's HTML.

    Returns
    -------
    list of str
        The external URLs in document order, each once; empty for a page that
        opens offline.

    Examples
    --------
    >>> external_resources('<script src="https://example.org/a.js"></script>'
    ...                    '<a href="https://example.org">source</a>'
    ...                    '<img src="data:image/png;base64,AAAA">')
    ['https://example.org/a.js']
    """
    if not isinstance(html_text, str):
        raise TypeError(f"html_text must be a str, got {type(html_text).__name__}")
    finder = _ResourceFinder()
    finder.feed(html_text)
    finder.close()
    if finder._raw_text_tag is not None:  # an unclosed <style> or <script> at the end
        finder.handle_endtag(finder._raw_text_tag)
    return list(dict.fromkeys(url.strip() for url in finder.urls if _is_external(url)))
