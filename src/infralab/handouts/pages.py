"""The page model of the handouts: kinds, pages, editions, reading order and navigation.

Every page has a kind (guide, lesson, exercise sheet, solutions), a link inside
its edition's folder and a place in the reading order; the navigation bar and
the "related" block of a page are worked out here from its edition.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..build import _read_notebook
from ..coursemap import _notebooks_in, notebook_minutes, notebook_title

__all__ = [
    "COURSE_TITLE",
    "EDITIONS",
    "INSTRUCTOR_EDITION",
    "INSTRUCTOR_GUIDE",
    "INSTRUCTOR_KIT",
    "LEARNER_EDITION",
]

COURSE_TITLE = "Invisible Foundations"
#: The two editions, learner first: :func:`~infralab.handouts.build_handouts` builds one a call.
EDITIONS = ("learner", "instructor")
#: Folder of the learner edition, at the top of the course checkout.
LEARNER_EDITION = "handouts"
#: Folder of the instructor edition, at the top of the course checkout: beside the learner
#: edition, never inside it, so sharing ``handouts/`` never shares the solutions.
INSTRUCTOR_EDITION = "handouts-instructor"
#: The instructor guide, relative to the top of the course checkout.
INSTRUCTOR_GUIDE = "docs/instructor-guide.md"
#: The rest of the instructor's kit, in ``docs/``, in reading order after the guide.
INSTRUCTOR_KIT = (
    "run-sheet.md",
    "room-conventions.md",
    "pre-workshop-email.md",
    "running-a-room.md",
    "troubleshooting.md",
)

_INDEX = "index.html"


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
    prompts: bool = True  # whether its code cells show In [n]: prompts (notebooks do)

    @property
    def label(self) -> str:
        return self.name[:1].upper() + self.name[1:]


_GUIDE = _Kind("guide", "Guides", "", 0, prompts=False)
_LESSON = _Kind("lesson", "Lessons", "", 1)
_EXERCISE = _Kind("exercise sheet", "Exercise sheets", "exercises/", 2)
_SOLUTION = _Kind("solutions", "Solutions", "solutions/", 3)
_ANSWER_KEY = _Kind("answer key", "Answer keys", "answer-key/", 4, prompts=False)
_KINDS = (_GUIDE, _LESSON, _EXERCISE, _SOLUTION, _ANSWER_KEY)


@dataclass(frozen=True)
class _Page:
    """One handout page: its source, where it goes and what it is called."""

    source: Path
    link: str  # path relative to the edition's folder, with forward slashes
    kind: _Kind
    title: str
    minutes: int  # estimated time the source states; 0 when it states none
    place: int = 0  # a guide's place among the guides (the instructor guide first)

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
    """Guides first (in their places), then lessons by number (unnumbered ones after, by
    name), a lesson's kinds by rank."""
    lesson = page.lesson
    if lesson is None:
        return (0, 0, page.place, "", page.kind.rank, page.source.name)
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
# Navigation and related pages
# --------------------------------------------------------------------------- #


def _relative_link(from_page: str, to_page: str) -> str:
    return posixpath.relpath(to_page, start=posixpath.dirname(from_page) or ".")


def _anchor(from_page: str, to_page: str, text: str, extra: str = "") -> str:
    address = html.escape(_relative_link(from_page, to_page))
    return f'<a href="{address}"{extra}>{html.escape(text)}</a>'


def _related(page: _Page, edition: _Edition) -> list[_Page]:
    """The same lesson's other pages; a guide relates to the other guides and every lesson,
    every page to the guides."""
    if page.kind == _GUIDE:
        return [
            other
            for other in edition.pages
            if other != page and other.kind in (_GUIDE, _LESSON)
        ]
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
