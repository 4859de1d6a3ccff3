"""The capstone's take-away: one self-contained HTML page, printable on A4.

:func:`write_report` writes the learner's scorecard, dates and figures into one
HTML file: the style sheet is inline and every figure is a PNG inside the page
(a ``data:`` URL), so it opens with no network and no other file, and a
browser's *Print* lays it out on A4 paper (``@page { size: A4 }``, no figure or
table split across pages where it fits on one). It never replaces an earlier
report unless told to: when the name is taken, the next free numbered name
(``capstone_report-2.html``, ``-3``, ...: one above the highest already
there, so a deleted number is not reused) is used, and ``overwrite=True`` is
the only way to write over a file.
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..validation import check_flag, check_text, short_repr

if TYPE_CHECKING:  # matplotlib is not imported with the package
    import matplotlib.figure

__all__ = ["REPORT_NAME", "write_report"]

#: The report's file name, before any number is added.
REPORT_NAME = "capstone_report.html"

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       max-width: 180mm; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.6em 0; }
th, td { border: 1px solid #999; padding: 0.25em 0.5em; text-align: left; }
th { background: #eee; } img { max-width: 100%; height: auto; }
figure { margin: 0.8em 0; } figcaption { font-size: 0.9em; color: #333; }
section, figure, table { break-inside: avoid; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def _figure_html(figure: matplotlib.figure.Figure) -> str:
    titles = [figure.get_suptitle()] + [ax.get_title() for ax in figure.axes]
    alt = next((title for title in titles if title), "figure")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(alt)}</figcaption></figure>"
    )


def _is_figure(item: object) -> bool:
    """True for a matplotlib Figure (checked without importing matplotlib)."""
    return any(
        kind.__name__ == "Figure" and kind.__module__ == "matplotlib.figure"
        for kind in type(item).__mro__
    )


def _item_html(item: object, where: str) -> str:
    if isinstance(item, str):
        return f"<p>{html.escape(item)}</p>"
    if isinstance(item, pd.DataFrame):
        return _table_html(item)
    if _is_figure(item):
        return _figure_html(item)
    raise TypeError(
        f"{where} must be text, a DataFrame or a matplotlib Figure, got {short_repr(item)}"
    )


def _table_html(frame: pd.DataFrame) -> str:
    """A table; a ``link`` column becomes a link on the cell before it."""
    columns = [str(c) for c in frame.columns]
    links = frame["link"].tolist() if "link" in columns else None
    shown = [c for c in frame.columns if str(c) != "link"]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown)
    rows = []
    table = frame[shown].copy()
    for column in table.columns:
        if pd.api.types.is_datetime64_any_dtype(table[column]):  # 2020-07-02, not its midnight
            table[column] = table[column].astype(str).where(table[column].notna(), None)
    for number, (_, row) in enumerate(table.iterrows()):
        cells = ["" if pd.isna(value) else str(value) for value in row]
        text = [html.escape(cell) for cell in cells]
        if links is not None and text and isinstance(links[number], str) and links[number]:
            text[-1] = f'<a href="{html.escape(links[number])}">{text[-1]}</a>'
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in text) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _free_path(folder: Path, name: str) -> Path:
    """``name``, or the number after the highest one already used (a deleted one is not reused)."""
    stem, suffix = os.path.splitext(name)
    if not (folder / name).exists() and not any(folder.glob(f"{stem}-*{suffix}")):
        return folder / name
    numbers = [1]
    for taken in folder.glob(f"{stem}-*{suffix}"):
        tail = taken.name[len(stem) + 1 : len(taken.name) - len(suffix)]
        if tail.isdigit():
            numbers.append(int(tail))
    return folder / f"{stem}-{max(numbers) + 1}{suffix}"


def write_report(
    folder: str | os.PathLike[str],
    title: str,
    sections: Sequence[tuple[str, Sequence[object]]],
    *,
    file_name: str = REPORT_NAME,
    overwrite: bool = False,
) -> Path:
    """Write one self-contained HTML page and return where it went.

    Parameters
    ----------
    folder : str or path-like
        Where to write (``my-work/`` for a learner); created if missing.
    title : str
        The page's title and first heading.
    sections : sequence of (str, sequence)
        Each a heading and its items, in order: a text (a paragraph), a
        DataFrame (a table; a column named ``link`` is not shown but makes the
        cell before it a link) or a matplotlib Figure (a PNG inside the page,
        its title as alt text and caption).
    file_name : str
        The file's name, ending ``.html``.
    overwrite : bool
        False (the default) never writes over a file: a taken name gets the
        next free number. True replaces ``file_name`` if it exists.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> table = pd.DataFrame({"step": ["Doomsday clock"], "score_pct": [37.5]})
    >>> write_report(folder, "Our capstone", [("Scorecard", ["Two weak areas.", table])]).name
    'capstone_report.html'
    >>> write_report(folder, "Our capstone", [("Scorecard", [table])]).name
    'capstone_report-2.html'
    """
    if not isinstance(folder, (str, os.PathLike)) or isinstance(folder, bytes):
        raise TypeError(f"folder must be a folder path, got {short_repr(folder)}")
    title = check_text("title", title)
    file_name = check_text("file_name", file_name)
    if not file_name.endswith(".html") or "/" in file_name or "\\" in file_name:
        raise ValueError(f"file_name must be a plain name ending .html, got {file_name!r}")
    overwrite = check_flag("overwrite", overwrite)
    if isinstance(sections, (str, bytes)) or not isinstance(sections, Sequence):
        raise TypeError(f"sections must be a list of (heading, items), got {short_repr(sections)}")
    parts = []
    for number, section in enumerate(sections):
        if not (isinstance(section, (tuple, list)) and len(section) == 2):
            raise TypeError(
                f"sections[{number}] must be a (heading, items) pair, got {short_repr(section)}"
            )
        heading, items = section
        check_text(f"sections[{number}] heading", heading)
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            raise TypeError(
                f"sections[{number}] items must be a list, got {short_repr(items)}"
            )
        body = "\n".join(
            _item_html(item, f"sections[{number}] item {at}") for at, item in enumerate(items)
        )
        parts.append(f"<section><h2>{html.escape(heading)}</h2>\n{body}\n</section>")
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n<h1>{html.escape(title)}</h1>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    path = target / file_name if overwrite else _free_path(target, file_name)
    # "x" mode: a file that appeared since the name was chosen is never replaced
    with open(path, "w" if overwrite else "x", encoding="utf-8", newline="\n") as out:
        out.write(page)
    return path
