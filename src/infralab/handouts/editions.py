"""Converting the pages of both editions: the exporter, stamps and :func:`build_handouts`."""

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

from .. import __version__
from ..build import _WIDGET_VIEW, _folder
from ..coursemap import INSTRUCTOR_TAG, _existing_folder
from ..files import write_if_changed
from ..paths import course_root
from .index import _index_html
from .inert import _POLICY_META, _clean_html
from .offline import _is_external, external_resources
from .pages import (
    _EXERCISE,
    _GUIDE,
    _INDEX,
    _KINDS,
    _LESSON,
    _SOLUTION,
    INSTRUCTOR_EDITION,
    INSTRUCTOR_GUIDE,
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
_FIGURE_ALT = 'alt="Figure: the sentence that follows it says what it shows"'


# --------------------------------------------------------------------------- #
# Converting a page
# --------------------------------------------------------------------------- #


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
    image's size must be a number, and its metadata names no file to load.
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
                _plain_image_metadata(output.get("metadata", {}))
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
    The HTML of cells and outputs is cleaned of anything that runs, and every
    page declares a content security policy that allows no script and no request.

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
