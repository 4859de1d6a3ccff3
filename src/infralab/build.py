"""Build what learners receive: exercise notebooks and offline HTML handouts.

Two derived products, both rebuilt from a single source and never edited by
hand:

- **Exercises.** ``solutions/NN_*.ipynb`` is the source of every task. The
  learner's part of each task sits between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` lines; :func:`generate_exercises` replaces it with a stub
  that raises ``NotImplementedError`` (nbgrader's ``ClearSolutions``), clears
  every output, drops the cells tagged ``instructor`` and trims the metadata,
  and writes ``exercises/NN_*.ipynb``. :func:`exercises_out_of_date` says which
  exercise files have drifted from their solutions.
- **Handouts.** :func:`build_handouts` converts the *stored* outputs of the
  lesson and exercise notebooks to HTML (nothing is executed), without the
  ``instructor`` cells, with every image embedded and without a single file
  fetched from the network when a page opens. :func:`external_resources` lists
  what a page would fetch, so a test can hold the handouts to that promise.

Both builders are idempotent: a file whose content would not change is not
rewritten, so its modification time stays and ``make`` stays fast.
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
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbconvert
import nbformat
import pandas as pd
from nbconvert import HTMLExporter
from nbconvert.preprocessors import (
    ClearMetadataPreprocessor,
    ClearOutputPreprocessor,
    Preprocessor,
    TagRemovePreprocessor,
)

from . import __version__
from .files import write_if_changed
from .paths import course_root
from .validation import check_integer

__all__ = [
    "BEGIN_SOLUTION",
    "CODE_STUB",
    "END_SOLUTION",
    "INSTRUCTOR_TAG",
    "build_handouts",
    "course_map",
    "edited_exercises",
    "execute_notebooks",
    "exercises_out_of_date",
    "external_resources",
    "generate_exercises",
    "guarded_ipython_dir",
]

#: Cells carrying this tag are facilitation notes: they never reach learners.
INSTRUCTOR_TAG = "instructor"
#: The line that opens the learner's part of a task in a solution notebook.
BEGIN_SOLUTION = "### BEGIN SOLUTION"
#: The line that closes it.
END_SOLUTION = "### END SOLUTION"
#: What the learner finds in place of the solution.
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

COURSE_TITLE = "Invisible Foundations"

_LOG = logging.getLogger(__name__)
_LOG.addHandler(logging.NullHandler())

_TEMPLATES = Path(__file__).parent / "templates"
_HANDOUT_TEMPLATE = "handout"
_EXERCISE_FOLDER = "exercises"
_INDEX = "index.html"
_STAMP = "<!-- infralab-handout {digest} -->"
_STAMP_PATTERN = re.compile(rb"<!-- infralab-handout ([0-9a-f]{64}) -->\s*\Z")

# Cell metadata an exercise keeps: tags and the JupyterLab editing/collapse flags.
_KEPT_CELL_METADATA = frozenset({"tags", "editable", "deletable", "jupyter"})
# Notebook metadata an exercise keeps: the kernel to start and the language name.
_KEPT_NOTEBOOK_METADATA = frozenset({"kernelspec", ("language_info", "name")})

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_JAVASCRIPT = "application/javascript"
_INTERACTIVE_NOTE = (
    '<p class="infralab-interactive-note">Interactive control: run this notebook in '
    "JupyterLab to use it.</p>"
)
_NBCONVERT_DEFAULT_ALT = 'alt="No description has been provided for this image"'
_FIGURE_ALT = 'alt="Figure: the sentence that follows it says what it shows"'


# --------------------------------------------------------------------------- #
# Reading and writing notebooks
# --------------------------------------------------------------------------- #


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a version-4 notebook, giving any cell without an id a stable one.

    Ids are derived from the file name and the cell's position, so a notebook
    saved by an older tool converts the same way every time.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a readable notebook ({error})") from None
    if (
        not isinstance(data, dict)
        or data.get("nbformat") != 4
        or not isinstance(data.get("cells"), list)
    ):
        raise ValueError(f"{path} is not a Jupyter notebook in format version 4")
    data["nbformat_minor"] = max(int(data.get("nbformat_minor", 0)), 5)
    seen: set[str] = set()
    for index, cell in enumerate(data["cells"]):
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not cell_id or cell_id in seen:
            cell_id = hashlib.sha256(f"{path.stem}/{index}".encode()).hexdigest()[:12]
            cell["id"] = cell_id
        seen.add(cell_id)
    return nbformat.reads(json.dumps(data), as_version=4)


def _notebook_text(notebook: nbformat.NotebookNode, source: Path) -> str:
    """Serialise ``notebook`` exactly as ``nbformat.write`` does (trailing newline)."""
    problems: dict[str, Exception] = {}
    text = nbformat.writes(notebook, capture_validation_error=problems)
    if problems:
        problem = problems["ValidationError"]
        raise ValueError(f"{source} does not convert to a valid notebook: {problem}")
    return text if text.endswith("\n") else text + "\n"


def _notebooks_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.ipynb") if path.is_file())


def _existing_folder(folder: Path, role: str) -> Path:
    if not folder.exists():
        raise FileNotFoundError(f"the {role} folder {folder} does not exist")
    if not folder.is_dir():
        raise NotADirectoryError(f"the {role} folder {folder} is not a folder")
    return folder


def _folder(given: str | os.PathLike[str] | None, name: str) -> Path:
    return Path(given) if given is not None else course_root() / name


# --------------------------------------------------------------------------- #
# Exercises
# --------------------------------------------------------------------------- #


class _TrimMetadata(ClearMetadataPreprocessor):
    """nbconvert's metadata clean-up, applied to every cell rather than code cells only."""

    def preprocess_cell(self, cell, resources, cell_index):
        kept = self.nested_filter(cell.metadata.items(), self.preserve_cell_metadata_mask)
        cell.metadata = nbformat.from_dict(dict(kept))
        return cell, resources


def _exercise_steps() -> list[Preprocessor]:
    try:
        from nbgrader.preprocessors import ClearSolutions
    except ImportError as error:
        raise ImportError(
            f"generating exercises needs nbgrader ({error}); install the course's "
            "maintainer tools with `pip install -e .[dev]` or `make setup`"
        ) from None
    return [
        TagRemovePreprocessor(remove_cell_tags={INSTRUCTOR_TAG}),
        ClearSolutions(
            begin_solution_delimeter=BEGIN_SOLUTION,
            end_solution_delimeter=END_SOLUTION,
            code_stub={"python": CODE_STUB},
            enforce_metadata=False,
            log=_LOG,
        ),
        ClearOutputPreprocessor(),
        _TrimMetadata(
            preserve_cell_metadata_mask=set(_KEPT_CELL_METADATA),
            preserve_nb_metadata_mask=set(_KEPT_NOTEBOOK_METADATA),
        ),
    ]


def _has_solution(notebook: nbformat.NotebookNode) -> bool:
    return any(
        BEGIN_SOLUTION in cell.source or cell.metadata.get("nbgrader", {}).get("solution", False)
        for cell in notebook.cells
    )


def _first_unbalanced_cell(notebook: nbformat.NotebookNode) -> int | None:
    """Number (from 1) of the first cell whose solution markers do not pair up."""
    for number, cell in enumerate(notebook.cells, start=1):
        open_region = False
        for line in cell.source.split("\n"):
            if BEGIN_SOLUTION in line:
                if open_region:
                    return number
                open_region = True
            elif END_SOLUTION in line:
                open_region = False
        if open_region:
            return number
    return None


def _exercise_text(solution: Path) -> str:
    """The exercise notebook generated from ``solution``, as the exact file text."""
    notebook = _read_notebook(solution)
    if not _has_solution(notebook):
        raise ValueError(
            f"{solution} has no solution markers: put the learner's part of each task "
            f"between a '{BEGIN_SOLUTION}' line and an '{END_SOLUTION}' line"
        )
    cell = _first_unbalanced_cell(notebook)
    if cell is not None:
        raise ValueError(
            f"{solution}, cell {cell}: every '{BEGIN_SOLUTION}' needs one matching "
            f"'{END_SOLUTION}' below it in the same cell, with no region inside another"
        )
    resources: dict[str, object] = {}
    try:
        for step in _exercise_steps():
            notebook, resources = step.preprocess(notebook, resources)
    except (RuntimeError, ValueError) as error:  # raised by nbgrader's ClearSolutions
        raise ValueError(f"{solution}: {error}") from None
    return _notebook_text(notebook, solution)


def _exercise_folders(
    solutions_dir: str | os.PathLike[str] | None,
    exercises_dir: str | os.PathLike[str] | None,
) -> tuple[Path, Path]:
    solutions = _existing_folder(_folder(solutions_dir, "solutions"), "solutions")
    exercises = _folder(exercises_dir, "exercises")
    if exercises.resolve() == solutions.resolve():
        raise ValueError(f"exercises_dir must differ from solutions_dir, got {exercises} for both")
    return solutions, exercises


def _fresh_exercises(solutions: Path, exercises: Path) -> dict[Path, str]:
    return {exercises / source.name: _exercise_text(source) for source in _notebooks_in(solutions)}


def generate_exercises(
    solutions_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Generate the learner's exercise notebooks from the solution notebooks.

    Each ``solutions/NAME.ipynb`` becomes ``exercises/NAME.ipynb``: every region
    between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is replaced by
    :data:`CODE_STUB` (indented like the markers), outputs and execution counts
    are cleared, cells tagged ``instructor`` are removed, cell ids are kept, and
    metadata is trimmed to the kernel and language name.

    A learner's work is never lost: an exercise notebook that holds outputs (it
    has been run and saved) is left as it is, and so is any notebook in the
    exercise folder that has no solution. Use :func:`edited_exercises` to list
    the ones that were kept.

    Parameters
    ----------
    solutions_dir : path-like, optional
        Folder of solution notebooks; ``solutions/`` of the course by default.
    exercises_dir : path-like, optional
        Folder to write to (created if needed); ``exercises/`` of the course by
        default.

    Returns
    -------
    list of pathlib.Path
        Every exercise notebook that is now up to date, in name order. Files
        whose content would not change are left untouched, modification time
        included; edited ones are left out of the list.

    Raises
    ------
    FileNotFoundError
        If the solutions folder does not exist.
    ValueError
        If a solution notebook has no solution markers or unpaired ones (the
        message names the file and cell); nothing is written in that case.

    Examples
    --------
    >>> generate_exercises()  # doctest: +SKIP
    [PosixPath('.../exercises/01_invisible_qualities.ipynb'), ...]
    """
    solutions, exercises = _exercise_folders(solutions_dir, exercises_dir)
    fresh = _fresh_exercises(solutions, exercises)  # every file converts before any is written
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in fresh.items():
        if path.is_file() and path.read_bytes() != text.encode("utf-8") and _looks_edited(path):
            continue
        write_if_changed(path, text.encode("utf-8"))
        written.append(path)
    return written


def _looks_edited(path: Path) -> bool:
    """True when an exercise notebook has been run and saved: generated ones have no outputs."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # unreadable: treat as someone's work, never overwrite it
        return True
    return any(
        cell.get("outputs") or cell.get("execution_count") is not None
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


def edited_exercises(
    solutions_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Name the out-of-date exercise notebooks that :func:`generate_exercises` will not overwrite.

    These hold outputs, so someone has worked in them. Move such a file away (or
    delete it) to get the regenerated version.
    """
    solutions, exercises = _exercise_folders(solutions_dir, exercises_dir)
    return sorted(
        name
        for name in exercises_out_of_date(solutions, exercises)
        if (exercises / name).is_file() and _looks_edited(exercises / name)
    )


def exercises_out_of_date(
    solutions_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Name the exercise notebooks that differ from a fresh generation.

    Nothing is written. An exercise is out of date when its bytes differ from
    what :func:`generate_exercises` would write, when it is missing, or when it
    has no solution notebook.

    Parameters
    ----------
    solutions_dir, exercises_dir : path-like, optional
        As in :func:`generate_exercises`.

    Returns
    -------
    list of str
        File names (``"01_invisible_qualities.ipynb"``), sorted; empty when the
        exercises are up to date.

    Raises
    ------
    FileNotFoundError
        If the solutions folder does not exist.
    ValueError
        If a solution notebook cannot be converted (see :func:`generate_exercises`).
    """
    solutions, exercises = _exercise_folders(solutions_dir, exercises_dir)
    fresh = _fresh_exercises(solutions, exercises)
    drifted = {
        path.name
        for path, text in fresh.items()
        if not path.is_file() or path.read_bytes() != text.encode("utf-8")
    }
    if exercises.is_dir():
        drifted.update(path.name for path in _notebooks_in(exercises) if path not in fresh)
    return sorted(drifted)


# --------------------------------------------------------------------------- #
# Handouts
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Page:
    """One handout page: its notebook, where it goes and what it is called."""

    source: Path
    link: str  # path relative to the handout folder, with forward slashes
    kind: str  # "lesson" or "exercise"
    title: str

    @property
    def pairing_key(self) -> str:
        number = re.match(r"(\d+)_", self.source.stem)
        return number.group(1) if number else self.source.stem


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
    for path in [Path(__file__), *sorted(_TEMPLATES.rglob("*"))]:
        if path.is_file():
            digest.update(path.relative_to(path.parent.parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _handout_exporter() -> HTMLExporter:
    exporter = HTMLExporter(
        template_name=_HANDOUT_TEMPLATE,
        extra_template_basedirs=[str(_TEMPLATES)],
        embed_images=True,
        theme="light",
        log=_LOG,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={INSTRUCTOR_TAG}), enabled=True
    )
    exporter.register_preprocessor(_StaticOutputs(), enabled=True)
    return exporter


_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _title(notebook: nbformat.NotebookNode, source: Path) -> str:
    """The notebook's first markdown heading as plain text, else its file name."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown" or INSTRUCTOR_TAG in cell.metadata.get("tags", []):
            continue
        heading = _HEADING.search(cell.source)
        if heading:
            text = _MARKDOWN_LINK.sub(r"\1", heading.group(1))
            text = re.sub(r"<[^>]+>|[*`]", "", text).strip()
            if text:
                return text
    return source.stem.replace("_", " ")


def _relative_link(from_page: str, to_page: str) -> str:
    return posixpath.relpath(to_page, start=posixpath.dirname(from_page) or ".")


def _navigation(page: _Page, pages: Sequence[_Page]) -> str:
    """The "Contents / previous / next / related" bar at the top and foot of a page."""
    same_kind = [other for other in pages if other.kind == page.kind]
    position = same_kind.index(page)
    links = [("Contents", _INDEX, "")]
    if position > 0:
        previous = same_kind[position - 1]
        links.append((f"\u2190 Previous: {previous.title}", previous.link, "prev"))
    if position + 1 < len(same_kind):
        following = same_kind[position + 1]
        links.append((f"Next: {following.title} \u2192", following.link, "next"))
    label = "Exercise sheet" if page.kind == "lesson" else "Lesson"
    links.extend(
        (f"{label}: {other.title}", other.link, "")
        for other in pages
        if other.kind != page.kind and other.pairing_key == page.pairing_key
    )
    anchors = "\n".join(
        f'<a href="{html.escape(_relative_link(page.link, target))}"'
        + (f' rel="{relation}"' if relation else "")
        + f">{html.escape(text)}</a>"
        for text, target, relation in links
    )
    return f'<nav class="infralab-navigation" aria-label="Course navigation">\n{anchors}\n</nav>'


_KIND_NAMES = {"lesson": "lesson", "exercise": "exercise sheet"}

_INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
       max-width: 48em; margin: 2em auto; padding: 0 1em; color: #1a1a1a; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 1.5em; border-bottom: 1px solid #ddd; }
li { margin: 0.3em 0; }
.related { color: #555; font-size: 0.95em; }
a { color: #0072B2; }
@media print { a { color: inherit; text-decoration: none; } }
""".strip()


def _index_html(pages: Sequence[_Page]) -> str:
    def item(page: _Page) -> str:
        related = [
            f'<a href="{html.escape(other.link)}">{_KIND_NAMES[other.kind]}</a>'
            for other in pages
            if other.kind != page.kind and other.pairing_key == page.pairing_key
        ]
        extra = f' <span class="related">({", ".join(related)})</span>' if related else ""
        return f'<li><a href="{html.escape(page.link)}">{html.escape(page.title)}</a>{extra}</li>'

    sections = []
    for kind, heading in (("lesson", "Lessons"), ("exercise", "Exercise sheets")):
        chosen = [page for page in pages if page.kind == kind]
        if chosen:
            items = "\n".join(item(page) for page in chosen)
            sections.append(f"<h2>{heading}</h2>\n<ol>\n{items}\n</ol>")
    if not sections:
        sections.append("<p>No notebooks to show yet.</p>")
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{COURSE_TITLE}: handouts</title>\n"
        f'<style type="text/css">\n{_INDEX_STYLE}\n</style>\n'
        "</head>\n<body>\n<main>\n"
        f"<h1>{COURSE_TITLE}</h1>\n"
        "<p>Handouts of the lessons and exercise sheets. Every page opens without an "
        "internet connection and prints cleanly.</p>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


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


def build_handouts(
    output_dir: str | os.PathLike[str] | None = None,
    *,
    notebooks_dir: str | os.PathLike[str] | None = None,
    exercises_dir: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Convert the lessons and exercise sheets to HTML pages that open offline.

    Nothing is executed: the outputs stored in the notebooks are converted with
    nbconvert's ``HTMLExporter`` and a course template extending the ``lab``
    template. Cells tagged ``instructor`` are removed, images are embedded,
    widgets become a one-line note, and no page loads a script, stylesheet,
    font or image from outside the handout folder. Lessons go to
    ``NAME.html``, exercise sheets to ``exercises/NAME.html``, and
    ``index.html`` lists them all; every page links to the contents, its
    neighbours and its lesson or exercise sheet.

    A page is rebuilt only when its notebook, an image file its markdown shows,
    its title or navigation, or the builder itself changed (a content hash is
    stamped in a comment at the end of each page). Pages left over from
    notebooks that no longer exist are removed.

    Parameters
    ----------
    output_dir : path-like, optional
        Folder to write to (created if needed); ``handouts/`` of the course by
        default.
    notebooks_dir, exercises_dir : path-like, optional
        Folders of lesson and exercise notebooks; ``notebooks/`` and
        ``exercises/`` of the course by default.

    Returns
    -------
    list of pathlib.Path
        ``index.html`` first, then every lesson page and every exercise page.

    Raises
    ------
    FileNotFoundError
        If a notebook folder does not exist.
    ValueError
        If a notebook cannot be read.

    Examples
    --------
    >>> build_handouts()  # doctest: +SKIP
    [PosixPath('.../handouts/index.html'), PosixPath('.../handouts/00_start_here.html'), ...]
    """
    lessons = _existing_folder(_folder(notebooks_dir, "notebooks"), "notebooks")
    sheets = _existing_folder(_folder(exercises_dir, "exercises"), "exercises")
    output = _folder(output_dir, "handouts")

    notebooks: dict[_Page, nbformat.NotebookNode] = {}
    sources = (("lesson", lessons, ""), ("exercise", sheets, _EXERCISE_FOLDER + "/"))
    for kind, folder, prefix in sources:
        for source in _notebooks_in(folder):
            notebook = _read_notebook(source)
            page = _Page(source, f"{prefix}{source.stem}.html", kind, _title(notebook, source))
            notebooks[page] = notebook
    pages = list(notebooks)

    exporter: HTMLExporter | None = None
    outputs = [output / _INDEX]
    for page in pages:
        target = output / page.link
        outputs.append(target)
        navigation = _navigation(page, pages)
        digest = hashlib.sha256()
        for part in (_builder_fingerprint(), page.kind, page.title, navigation):
            digest.update(part.encode() + b"\0")
        digest.update(page.source.read_bytes())
        for image in _local_images(notebooks[page], page.source.parent):
            digest.update(image.read_bytes())
        stamp = digest.hexdigest()
        if _stamp_of(target) == stamp:
            continue
        if exporter is None:
            exporter = _handout_exporter()
        body, _ = exporter.from_notebook_node(
            notebooks[page],
            resources={
                "metadata": {"name": page.title, "path": str(page.source.parent)},
                "infralab_navigation": navigation,
            },
        )
        body = body.replace(_NBCONVERT_DEFAULT_ALT, _FIGURE_ALT)
        page_text = body.rstrip("\n") + "\n" + _STAMP.format(digest=stamp) + "\n"
        write_if_changed(target, page_text.encode("utf-8"))

    for folder in (output, output / _EXERCISE_FOLDER):
        for leftover in sorted(folder.glob("*.html")) if folder.is_dir() else []:
            if leftover not in outputs and _stamp_of(leftover) is not None:
                leftover.unlink()
    write_if_changed(output / _INDEX, _index_html(pages).encode("utf-8"))
    return outputs


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


# --------------------------------------------------------------------------- #
# Executing lessons and solutions
# --------------------------------------------------------------------------- #


_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _with_stable_widget_ids(notebook: nbformat.NotebookNode, name: str) -> None:
    """Keep only the widget models the stored views use, under ids derived from ``name``.

    Models are numbered in a fixed order — the views in cell order, then every
    model each one refers to, depth first — so the same notebook gets the same
    ids on every run. Models no view refers to are dropped: which of those the
    kernel has reported when a run ends varies from run to run.
    """
    widgets = notebook.metadata.get("widgets", {}).get(_WIDGET_STATE, {})
    state = widgets.get("state", {})
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in order or model_id not in state:
            return
        order.append(model_id)
        text = json.dumps(state[model_id], sort_keys=True)
        for reference in re.findall(r"IPY_MODEL_([0-9a-f]{32})", text):
            visit(reference)

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(_WIDGET_VIEW)
            if view:
                visit(view.get("model_id", ""))
    if not order:
        notebook.metadata.pop("widgets", None)
        return
    stable = {
        model_id: hashlib.sha256(f"{name}:{number}".encode()).hexdigest()[:32]
        for number, model_id in enumerate(order)
    }

    def rename(text: str) -> str:
        return re.sub(r"[0-9a-f]{32}", lambda found: stable.get(found[0], found[0]), text)

    widgets["state"] = {
        stable[model_id]: json.loads(rename(json.dumps(state[model_id]))) for model_id in order
    }
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(_WIDGET_VIEW)
            if view and view.get("model_id") in stable:
                view["model_id"] = stable[view["model_id"]]


def _merge_streams(notebook: nbformat.NotebookNode) -> None:
    """Join consecutive printed outputs of a cell, however the kernel happened to split them.

    Also drops execution timings left by earlier runs: they would change every time.
    """
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        merged: list[nbformat.NotebookNode] = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and output.output_type == "stream"
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged


def guarded_ipython_dir() -> Path:
    """Return a fresh IPython folder whose startup script is :mod:`infralab.kernel_guard`.

    A kernel started with ``IPYTHONDIR`` set to it cannot reach the network and
    turns every warning into an error. The caller removes the folder when done.
    """
    folder = Path(tempfile.mkdtemp(prefix="infralab-ipython-"))
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    guard = Path(__file__).with_name("kernel_guard.py")
    (startup / "00-kernel-guard.py").write_text(guard.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def execute_notebooks(
    notebooks: Sequence[str | os.PathLike[str]] | None = None, *, timeout: int = 600
) -> list[tuple[Path, float]]:
    """Run notebooks top to bottom and store their outputs in place.

    By default every notebook in ``notebooks/`` and ``solutions/``; exercise
    notebooks are generated without outputs and never executed. Kernels run
    with :func:`guarded_ipython_dir`: offline, warnings as errors. Widget state
    is stored, so a saved notebook shows its controls before it is run, but the
    random widget model ids are replaced by ids derived from the file name and
    execution timings are not recorded: re-running an unchanged notebook
    changes nothing.

    Parameters
    ----------
    notebooks : sequence of path-like, optional
        The notebooks to run.
    timeout : int
        Seconds one cell may take.

    Returns
    -------
    list of (Path, float)
        Each notebook and how many seconds it took.

    Raises
    ------
    FileNotFoundError
        If a named notebook does not exist.
    nbclient.exceptions.CellExecutionError
        If a cell fails; nothing is written for that notebook.
    """
    from nbclient import NotebookClient

    timeout = check_integer("timeout", timeout, low=1)
    if notebooks is None:
        root = course_root()
        paths = _notebooks_in(root / "notebooks") + _notebooks_in(root / "solutions")
    else:
        paths = [Path(path) for path in notebooks]
    for path in paths:
        if not path.is_file() or path.suffix != ".ipynb":
            raise FileNotFoundError(f"no notebook at {path}")
        if path.parent.name == "exercises":
            raise ValueError(f"notebooks must not include exercises: {path} is stored empty")
    ipython_dir = guarded_ipython_dir()
    previous = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    done = []
    try:
        for path in paths:
            notebook = _read_notebook(path)
            started = time.perf_counter()
            client = NotebookClient(
                notebook,
                timeout=timeout,
                kernel_name="python3",
                record_timing=False,
                resources={"metadata": {"path": str(path.parent.resolve())}},
            )
            client.execute()
            _with_stable_widget_ids(notebook, path.name)
            _merge_streams(notebook)
            write_if_changed(path, _notebook_text(notebook, path).encode("utf-8"))
            done.append((path, time.perf_counter() - started))
    finally:
        if previous is None:
            os.environ.pop("IPYTHONDIR", None)
        else:
            os.environ["IPYTHONDIR"] = previous
        shutil.rmtree(ipython_dir, ignore_errors=True)
    return done


# --------------------------------------------------------------------------- #
# The course map
# --------------------------------------------------------------------------- #

_MINUTES = re.compile(r"\*\*Time:\*\*\s*about\s+(\d+)\s+minutes", re.IGNORECASE)


def course_map(root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """List the lessons of this edition of the course, read from the notebooks themselves.

    Nothing is maintained by hand: a lesson added to ``notebooks/`` appears
    here with its title, its estimated time (the "**Time:** about N minutes"
    line of its introduction) and whether it has exercises and solutions.

    Parameters
    ----------
    root : path-like, optional
        The course checkout; found from the current folder by default.

    Returns
    -------
    pandas.DataFrame
        One row per notebook in ``notebooks/``, in file order, with columns
        ``notebook``, ``title``, ``minutes`` (0 where the notebook states no
        time), ``exercises`` and ``solutions`` (True when the matching file exists).
    """
    top = course_root() if root is None else Path(root)
    lessons = _existing_folder(top / "notebooks", "notebooks")
    rows = []
    for path in _notebooks_in(lessons):
        notebook = _read_notebook(path)
        text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        minutes = _MINUTES.search(text)
        rows.append(
            {
                "notebook": path.name,
                "title": _title(notebook, path),
                "minutes": int(minutes.group(1)) if minutes else 0,
                "exercises": (top / "exercises" / path.name).is_file(),
                "solutions": (top / "solutions" / path.name).is_file(),
            }
        )
    return pd.DataFrame(rows, columns=["notebook", "title", "minutes", "exercises", "solutions"])
