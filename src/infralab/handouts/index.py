"""The contents page of an edition: a sitemap grouped by lesson and listed by kind."""

from __future__ import annotations

import html

from .inert import _POLICY_META
from .pages import (
    _ANSWER_KEY,
    _EDITION_NOTE,
    _EXERCISE,
    _GUIDE,
    _INDEX,
    _LESSON,
    _SOLUTION,
    COURSE_TITLE,
    _anchor,
    _Edition,
    _Page,
)

__all__: list[str] = []


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
    for kind in (_LESSON, _EXERCISE, _SOLUTION, _ANSWER_KEY, _GUIDE):
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
    extras = ["the instructor's kit"] if _GUIDE in kinds else []
    extras.append("the facilitation notes inside each lesson")
    if _SOLUTION in kinds:
        extras.append("the solutions")
    if _ANSWER_KEY in kinds:
        extras.append("an answer key of common wrong answers per lesson")
    listed = ", ".join(extras[:-1]) + (" and " if len(extras) > 1 else "") + extras[-1]
    return f"{_EDITION_NOTE}\n<p>What learners receive, plus {listed}. {offline}</p>"


def _reading_order_note(edition: _Edition) -> str:
    kinds = {page.kind for page in edition.pages}
    order = "each lesson, then its exercise sheet"
    if _SOLUTION in kinds:
        order += ", then its solutions"
    if _ANSWER_KEY in kinds:
        order += ", then its answer key"
    if _GUIDE in kinds:
        order = "the guides first, then " + order
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
        f'<html lang="en">\n<head>\n{_POLICY_META}\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<style type="text/css">\n{_INDEX_STYLE}\n</style>\n'
        "</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(heading)}</h1>\n"
        f"{_introduction(edition)}\n"
        f'<nav aria-label="Contents">\n{body}\n</nav>\n'
        "</main>\n</body>\n</html>\n"
    )
