"""Converting the pages of an edition: the exporter, stamps and :func:`build_handouts`."""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import logging
import mimetypes
import os
import re
from pathlib import Path
from urllib.parse import unquote

import nbconvert
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from .. import __version__, lessons
from ..build import _WIDGET_VIEW, _folder
from ..coursemap import INSTRUCTOR_TAG, _existing_folder, notebook_title
from ..files import write_if_changed
from ..paths import course_root
from ..validation import check_choice
from .answers import answer_key_notebook, answer_key_source, lesson_tasks
from .index import _index_html
from .inert import _POLICY_META, _clean_html
from .offline import _is_external, external_resources
from .pages import (
    _ANSWER_KEY,
    _EXERCISE,
    _GUIDE,
    _INDEX,
    _KINDS,
    _LESSON,
    _SOLUTION,
    EDITIONS,
    INSTRUCTOR_EDITION,
    INSTRUCTOR_GUIDE,
    INSTRUCTOR_KIT,
    LEARNER_EDITION,
    _Edition,
    _guide_notebook,
    _guide_title,
    _Page,
    _page_footer,
    _page_header,
    _pages_of,
    _reading_order,
    _relative_link,
)

__all__ = ["build_handouts"]

# Named after the package, as it was when the handouts were one module.
_LOG = logging.getLogger("infralab.handouts")
_LOG.addHandler(logging.NullHandler())

_PACKAGE = Path(__file__).parent
_TEMPLATES = _PACKAGE.parent / "templates"
_HANDOUT_TEMPLATE = "handout"
_STAMP = "<!-- infralab-handout {digest} -->"
_STAMP_PATTERN = re.compile(rb"<!-- infralab-handout ([0-9a-f]{64}) -->\s*\Z")

_JAVASCRIPT = "application/javascript"
_INTERACTIVE_NOTE = (
    '<p class="infralab-interactive-note">Interactive control: run this notebook in '
    "JupyterLab to use it.</p>"
)
_NBCONVERT_DEFAULT_ALT = 'alt="No description has been provided for this image"'
#: What an image says to a screen reader when its output stores no alt text (an output made
#: before the course style stored one: re-execute the notebook to give it its title).
_FALLBACK_ALT = "Figure: the sentence that follows it says what it shows"
_FIGURE_ALT = f'alt="{_FALLBACK_ALT}"'
_IMAGE_TYPES = ("image/png", "image/jpeg")


# --------------------------------------------------------------------------- #
# Converting a page
# --------------------------------------------------------------------------- #


def _alt_text(output: dict, kind: str) -> str:
    """An image output's alt text: its stored ``alt``, else its text form, else a fallback.

    :func:`infralab.plotting.use_course_style` stores a figure's title both as the
    ``alt`` of its image and as its ``text/plain``; a text form that is only a repr
    (``<Figure size 720x384 with 1 Axes>``) says nothing, and is not used.
    """
    metadata = output.get("metadata", {})
    for scope in (metadata.get(kind), metadata):
        alt = scope.get("alt") if isinstance(scope, dict) else None
        if isinstance(alt, str) and alt.strip():
            return " ".join(alt.split())
    text = output.get("data", {}).get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    text = " ".join(text.split())
    if text and not (text.startswith("<") and text.endswith(">")):
        return text
    return _FALLBACK_ALT


def _plain_image_metadata(metadata: dict) -> None:
    """Keep an image's size only when it is a number, and no file name to load it from.

    The lab template writes ``width`` and ``height`` unquoted into the ``<img>``
    tag, so text there could add an attribute (an ``onerror`` handler); a
    ``filenames`` entry would make it load a file instead of the embedded image.
    """
    metadata.pop("filenames", None)
    for scope in (metadata, *(value for value in metadata.values() if isinstance(value, dict))):
        for key in ("width", "height"):
            value = scope.get(key)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if value is not None and not number:
                del scope[key]


class _StaticOutputs(Preprocessor):
    """Keep only outputs that show without a kernel or a script; open facilitation notes.

    A widget view needs a live kernel (or a widget manager fetched from the
    network), so it becomes a one-line note; the lesson's static figure below it
    stays. JavaScript outputs are dropped; their other representations stay. An
    image's size must be a number, and its metadata names no file to load; its alt
    text is settled here (:func:`_alt_text`), and the template writes it.
    """

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "markdown":
            folder = Path(resources.get("metadata", {}).get("path") or ".")
            cell.source = _embed_local_images(cell.source, folder)
            # A facilitation note is folded for learners in JupyterLab; a handout that
            # shows it at all (the instructor edition) shows it open.
            if INSTRUCTOR_TAG in cell.metadata.get("tags", []) and cell.source.startswith(
                "<details>"
            ):
                cell.source = "<details open>" + cell.source[len("<details>"):]
            return cell, resources
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
                _plain_image_metadata(output.setdefault("metadata", {}))
                for kind in _IMAGE_TYPES:
                    if kind in data:
                        alt = _alt_text(output, kind)
                        if not isinstance(output["metadata"].get(kind), dict):
                            output["metadata"][kind] = {}
                        output["metadata"][kind]["alt"] = alt
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
    code = [*sorted(_PACKAGE.glob("*.py")), _PACKAGE.parent / "build.py"]
    for path in [*code, *sorted(_TEMPLATES.rglob("*"))]:
        if path.is_file():
            digest.update(path.relative_to(path.parent.parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _handout_exporter(*, notes_shown: bool, prompts: bool) -> HTMLExporter:
    """The exporter of one edition: facilitation notes shown or removed, prompts or not.

    ``sanitize_html`` sends the HTML of every cell and output through the
    ``clean_html`` filter, which is the course's allow-list (``inert.py``).
    Markdown images are embedded by :class:`_StaticOutputs`, not by the exporter's
    ``embed_images``: that parses each HTML fragment of a cell on its own, which
    closes a ``<details>`` block at its summary and shows the answer it hides.
    """
    exporter = HTMLExporter(
        template_name=_HANDOUT_TEMPLATE,
        extra_template_basedirs=[str(_TEMPLATES)],
        embed_images=False,
        sanitize_html=True,
        filters={"clean_html": _clean_html},
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


def _embed_local_images(source: str, folder: Path) -> str:
    """``source`` with each image file next to the notebook written in as a ``data:`` URI.

    Done here, on the markdown, rather than by nbconvert's ``embed_images``, which
    parses every HTML fragment of a cell on its own and so breaks ``<details>``.
    """

    def embedded(match: re.Match) -> str:
        address = match.group(1) or match.group(2)
        if _is_external(address) or address.startswith(("attachment:", "data:")):
            return match.group(0)
        path = folder / unquote(address.split("#")[0].split("?")[0])
        kind = mimetypes.guess_type(path.name)[0]
        if kind is None or not kind.startswith("image/") or not path.is_file():
            return match.group(0)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return match.group(0).replace(address, f"data:{kind};base64,{data}")

    return _MARKDOWN_IMAGE.sub(embedded, source)


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


def _build_edition(
    edition: _Edition,
    notebooks: dict[Path, nbformat.NotebookNode],
    generated: frozenset[Path] = frozenset(),
) -> list[Path]:
    """Write the pages of one edition that changed, remove its leftovers, write its index.

    ``generated`` are sources made at build time (the answer keys): their content, not a
    file, goes into their stamp.
    """
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
        if page.source in generated:
            digest.update(nbformat.writes(notebook).encode("utf-8"))
        else:
            digest.update(page.source.read_bytes())
        for image in _local_images(notebook, page.source.parent):
            digest.update(image.read_bytes())
        stamp = digest.hexdigest()
        if _stamp_of(target) == stamp:
            continue
        exporter = _handout_exporter(notes_shown=edition.notes_shown, prompts=page.kind.prompts)
        body, _ = exporter.from_notebook_node(
            notebook,
            resources={
                "metadata": {"name": page.html_title, "path": str(page.source.parent)},
                "infralab_policy": _POLICY_META,
                "infralab_header": header,
                "infralab_footer": footer,
            },
        )
        body = _links_to_pages(body.replace(_NBCONVERT_DEFAULT_ALT, _FIGURE_ALT), page, edition)
        page_text = body.rstrip("\n") + "\n" + _STAMP.format(digest=stamp) + "\n"
        fetched = external_resources(page_text)
        if fetched:  # a way around the cleaning: refuse the page rather than write it
            raise ValueError(
                f"the handout of {page.source.name} would fetch {', '.join(fetched[:3])} on "
                "opening; embed the image in the notebook or remove it"
            )
        write_if_changed(target, page_text.encode("utf-8"))

    for folder in sorted({edition.folder / kind.folder for kind in _KINDS}):
        for leftover in sorted(folder.glob("*.html")) if folder.is_dir() else []:
            if leftover not in written and _stamp_of(leftover) is not None:
                leftover.unlink()
    write_if_changed(index, _index_html(edition).encode("utf-8"))
    return written


#: Where the instructor edition used to be built: inside the learner edition's folder.
_OLD_INSTRUCTOR_FOLDER = "instructor"


def _remove_old_instructor_edition(learner: Path) -> None:
    """Take an instructor edition built inside the learner edition (``handouts/instructor/``)
    out of it, so sharing the learner edition never shares the solutions.

    Only what the builder wrote goes: stamped pages and the edition's index; any other
    file, and the folders that still hold one, stay.
    """
    old = learner / _OLD_INSTRUCTOR_FOLDER
    if not old.is_dir():
        return
    for page in sorted(old.rglob("*.html")):
        ours = _stamp_of(page) is not None or (
            page == old / _INDEX
            and "instructor edition</title>" in page.read_text(encoding="utf-8", errors="replace")
        )
        if ours:
            page.unlink()
    for folder in sorted((path for path in old.rglob("*") if path.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(old.iterdir()):
        old.rmdir()


def _guide_pages(
    guide: Path, docs: Path, notebooks: dict[Path, nbformat.NotebookNode]
) -> list[_Page]:
    """The instructor guide and the kit's pages that exist, in their reading order."""
    sources = [guide] + [docs / name for name in INSTRUCTOR_KIT]
    pages = []
    for place, source in enumerate(sources):
        if not source.is_file() or source in notebooks:
            continue
        notebooks[source] = _guide_notebook(source)
        title = _guide_title(notebooks[source], source)
        pages.append(_Page(source, f"{source.stem}.html", _GUIDE, title, 0, place))
    return pages


def _answer_key_pages(
    lesson_pages: list[_Page],
    solutions: Path,
    notebooks: dict[Path, nbformat.NotebookNode],
) -> list[_Page]:
    """An answer key for each registered lesson with a solutions notebook and checked tasks."""
    titles = {page.source.stem: page.title for page in lesson_pages}
    pages = []
    for lesson in lessons.LESSONS:
        exercises = solutions / lesson.notebook
        if not exercises.is_file():
            continue
        tasks, problem = lesson_tasks(lesson)
        if problem:
            _LOG.warning("no answer key for lesson %s: %s", lesson.stem, problem)
        if not tasks:
            continue
        source = answer_key_source(solutions, lesson)
        title = titles.get(lesson.stem) or notebook_title(notebooks[exercises], exercises)
        notebooks[source] = answer_key_notebook(lesson, title, tasks)
        pages.append(_Page(source, f"{_ANSWER_KEY.folder}{lesson.stem}.html", _ANSWER_KEY,
                           f"Answer key: {title}", 0))
    return pages


def _edition_folder(output_dir, edition: str) -> Path:
    """The edition's folder; an instructor edition may not sit inside the learner edition."""
    if edition == "learner":
        return _folder(output_dir, LEARNER_EDITION)
    folder = _folder(output_dir, INSTRUCTOR_EDITION)
    try:
        learner = (course_root() / LEARNER_EDITION).resolve()
    except FileNotFoundError:  # not inside a course checkout: no learner folder to keep apart
        return folder
    resolved = folder.resolve()
    if resolved == learner or learner in resolved.parents:
        raise ValueError(
            f"output_dir {folder} is inside the learner edition ({learner}): the instructor "
            f"edition holds the solutions; build it beside it, e.g. {INSTRUCTOR_EDITION}/"
        )
    return folder


def build_handouts(
    output_dir: str | os.PathLike[str] | None = None,
    *,
    edition: str = "learner",
    notebooks_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
    solutions_dir: str | os.PathLike[str] | None = None,
    guide_file: str | os.PathLike[str] | None = None,
    docs_dir: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Build one edition of the handouts, the learner's by default: HTML that opens offline.

    Nothing is executed: the outputs stored in the notebooks are converted with
    nbconvert's ``HTMLExporter`` and a course template extending the ``lab``
    template. Images are embedded, widgets become a one-line note, and no page
    loads a script, stylesheet, font or image from outside its edition's folder.
    The HTML of cells and outputs is cleaned of anything that runs, and every
    page declares a content security policy that allows no script and no request.
    Each figure's alt text is the one stored with its output (the course style
    stores the figure's title), so a screen reader reads its finding.

    - ``edition="learner"`` (``make handouts``), into ``handouts/``: lessons
      (``NAME.html``) and exercise sheets (``exercises/NAME.html``), without the
      cells tagged ``instructor``, and ``index.html``. ``solutions/`` and ``docs/``
      are not read. An instructor edition an older version built inside it
      (``handouts/instructor/``) is taken out.
    - ``edition="instructor"`` (``make handouts-instructor``), into
      ``handouts-instructor/``, beside the learner edition and never inside it:
      the instructor's kit (the guide, ``guide_file``, then the run sheet, room
      conventions, pre-workshop email, running a room and troubleshooting from
      ``docs_dir``, each when its file exists), the lessons with their
      facilitation notes, the exercise sheets, the solutions
      (``solutions/NAME.html``), an answer key per lesson
      (``answer-key/NAME.html``: each task's common mistakes, the line its check
      prints for each and what to say, made from the lesson's check module when
      the edition is built) and its own ``index.html``.

    The ``index.html`` lists the edition's pages grouped by lesson and by kind,
    with the time each notebook states. Pages are in course order (the guides;
    then by lesson number: the lesson, its exercise sheet, its solutions, its
    answer key) and each links to the previous and next page, the contents and
    its related pages; links in a notebook or a guide to another source of the
    edition are pointed at that source's page.

    A page is rebuilt only when its source, an image file its markdown shows,
    its title, navigation or related pages, the set of pages of its edition, or
    the builder itself changed (a content hash is stamped in a comment at the
    end of each page). Stamped pages left over from sources that no longer
    exist are removed; any other file in the folders is left alone.

    Parameters
    ----------
    output_dir : path-like, optional
        Folder to write to (created if needed); ``handouts/`` of the course for
        the learner edition, ``handouts-instructor/`` for the instructor's. The
        instructor edition may not go inside the course's ``handouts/``.
    edition : {"learner", "instructor"}
        Which edition to build.
    notebooks_dir, exercises_dir, solutions_dir : path-like, optional
        Folders of lesson, exercise and solution notebooks; ``notebooks/``,
        ``exercises/`` and ``solutions/`` of the course by default.
        ``solutions_dir`` is read for the instructor edition only.
    guide_file : path-like, optional
        The instructor guide, in Markdown; ``docs/instructor-guide.md`` of the
        course by default. When the file does not exist the instructor edition
        is built without it.
    docs_dir : path-like, optional
        The folder of the kit's other pages (:data:`INSTRUCTOR_KIT`); ``docs/``
        of the course by default. A page whose file does not exist is left out.

    Returns
    -------
    list of pathlib.Path
        The edition's ``index.html``, then its pages in reading order. Pages
        whose content would not change are left untouched, modification time
        included.

    Raises
    ------
    ValueError
        If ``edition`` is not ``"learner"`` or ``"instructor"``, if the
        instructor edition would go inside the course's learner edition, or if
        a notebook cannot be read.
    FileNotFoundError
        If a notebook folder does not exist.

    Examples
    --------
    >>> build_handouts()  # doctest: +SKIP
    [PosixPath('.../handouts/index.html'), PosixPath('.../handouts/00_start_here.html'), ...]
    >>> build_handouts(edition="instructor")  # doctest: +SKIP
    [PosixPath('.../handouts-instructor/index.html'),
     PosixPath('.../handouts-instructor/instructor-guide.html'), ...]
    """
    check_choice("edition", edition, EDITIONS)
    output = _edition_folder(output_dir, edition)
    lessons_folder = _existing_folder(_folder(notebooks_dir, "notebooks"), "notebooks")
    sheets = _existing_folder(_folder(exercises_dir, "exercises"), "exercises")

    notebooks: dict[Path, nbformat.NotebookNode] = {}
    lesson_pages = _pages_of(lessons_folder, _LESSON, notebooks)
    sheet_pages = _pages_of(sheets, _EXERCISE, notebooks)
    if edition == "learner":
        _remove_old_instructor_edition(output)
        learner = _Edition(
            name="learner",
            folder=output,
            pages=tuple(sorted(lesson_pages + sheet_pages, key=_reading_order)),
            notes_shown=False,
        )
        return _build_edition(learner, notebooks)

    solutions = _existing_folder(_folder(solutions_dir, "solutions"), "solutions")
    guide = Path(guide_file) if guide_file is not None else course_root() / INSTRUCTOR_GUIDE
    docs = Path(docs_dir) if docs_dir is not None else course_root() / "docs"
    solution_pages = _pages_of(solutions, _SOLUTION, notebooks)
    guide_pages = _guide_pages(guide, docs, notebooks)
    key_pages = _answer_key_pages(lesson_pages, solutions, notebooks)
    everything = guide_pages + lesson_pages + sheet_pages + solution_pages + key_pages
    instructor = _Edition(
        name="instructor",
        folder=output,
        pages=tuple(sorted(everything, key=_reading_order)),
        notes_shown=True,
    )
    generated = frozenset(page.source for page in key_pages)
    return _build_edition(instructor, notebooks, generated)
