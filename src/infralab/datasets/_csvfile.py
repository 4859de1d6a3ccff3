"""Reading a CSV file's cells together with the line of the file each one is on.

A message about a cell must point where a learner will look: the line of the
file as an editor numbers it, the header being line 1. Blank lines count, and
so does every line of a quoted cell that spans lines (``"first\\nsecond"``), so
the line of a cell is not its row's position plus 2. :func:`read_cells` parses
the file with :mod:`csv`; when a message needs a line, :meth:`Cells.line_of`
parses the text again with the same reader, which counts the lines it consumes,
to find the line each record starts on, then counts the line breaks inside the
cells before the one named. Loading a good file never pays for the counting.

Text must be UTF-8 (a byte order mark is allowed). A byte that is not is
named by its line and column, not by its offset in the file.

Examples
--------
>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "notes.csv"
>>> _ = path.write_text('day,note\\n\\n1,"two\\nlines"\\n2,ok\\n')
>>> cells = read_cells(path)
>>> cells.frame["note"].tolist()
['two\\nlines', 'ok']
>>> cells.line_of(1, "note")
5
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: A line break as :mod:`csv` and editors count them.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: A byte that was not UTF-8, as the ``surrogateescape`` error handler keeps it.
_UNDECODED = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Cells:
    """A CSV file's header and text cells, and where in the file each cell is.

    Attributes
    ----------
    header : list of str
        The header's cells, in file order (names may repeat).
    frame : pandas.DataFrame
        One column per header cell, in file order, holding the text of each cell.
    text : str
        The file's text, parsed again only to find lines.
    source : str
        The name messages use for the file.
    """

    header: list[str]
    frame: pd.DataFrame
    text: str
    source: str

    @functools.cached_property
    def starts(self) -> list[int]:
        """For each row of :attr:`frame`, the line of the file its record starts on."""
        return [start for start, _ in _records(self.text, self.source)][1:]

    def line_of(self, position: int, column: str) -> int:
        """The line of the file (the header is line 1) the cell at ``position, column`` is on."""
        index = self.header.index(column)
        before = self.frame.iloc[position, :index]
        return self.starts[position] + sum(_line_breaks(str(cell)) for cell in before)


def _line_breaks(text: str) -> int:
    return len(_LINE_BREAK.findall(text))


def _is_blank(record: list[str]) -> bool:
    """A blank line, or a line of spaces: skipped, as pandas skips it."""
    return not record or (len(record) == 1 and not record[0].strip())


def _reader(text: str) -> Iterator[list[str]]:
    """The CSV reader every parse of a file uses, so that all agree record for record."""
    return csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True)


def _records(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """Each record that is not blank, with the line of the file it starts on."""
    reader = _reader(text)
    start = 1
    try:
        for record in reader:
            if not _is_blank(record):
                yield start, record
            start = reader.line_num + 1
    except csv.Error as error:
        if "end of data" in str(error):  # the file ended inside a quoted cell
            raise ValueError(
                f"{source} line {start}: a quoted cell starts on this line and is never closed; "
                'add the closing double quote (a quote inside a cell is written "")'
            ) from None
        raise ValueError(f"{source} line {start}: not valid CSV ({error})") from None


def _undecoded_cell(text: str, source: str) -> str | None:
    """Where the first byte that was not UTF-8 sits: ``"line 17, column cpu_peak_pct"``."""
    header: list[str] = []
    try:
        for start, record in _records(text, source):
            for index, cell in enumerate(record):
                found = _UNDECODED.search(cell)
                if found is None:
                    continue
                breaks = sum(_line_breaks(before) for before in record[:index])
                line = start + breaks + _line_breaks(cell[: found.start()])
                if not header:
                    return f"line {line}, in the header"
                if index < len(header):
                    return f"line {line}, column {_UNDECODED.sub('?', header[index])}"
                return f"line {line}, cell {index + 1}"
            header = header or record
    except ValueError:  # not CSV either: the caller counts lines in the bytes
        return None
    return None


def _decode(data: bytes, source: str) -> str:
    """``data`` as UTF-8 text, or a ValueError naming the line and column of a bad byte."""
    data = data.removeprefix(codecs.BOM_UTF8)  # as a spreadsheet's "CSV UTF-8" starts
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
    where = _undecoded_cell(data.decode("utf-8", "surrogateescape"), source)
    if where is None:
        where = "line " + str(data.count(b"\n", 0, offset) + 1)
    raise ValueError(
        f"{source} {where}: byte 0x{data[offset]:02x} is not UTF-8 text; save the file as "
        "UTF-8 (in a spreadsheet: CSV UTF-8)"
    )


def read_cells(path: Path, source: str | None = None) -> Cells:
    """Read a CSV file's header and cells as text, with the line each record starts on.

    Blank lines and lines of spaces are skipped. Spaces after a comma are
    dropped, as ``pandas.read_csv(skipinitialspace=True)`` drops them.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file, in UTF-8.
    source : str, optional
        Name used in messages; the file's name by default.

    Returns
    -------
    Cells

    Raises
    ------
    ValueError
        If a byte is not UTF-8, a quoted cell is never closed, or a record has
        more or fewer cells than the header; the message names the file and the
        line (the header is line 1).
    """
    source = path.name if source is None else source
    text = _decode(path.read_bytes(), source)
    try:
        records = list(filter(None, _reader(text)))  # without blank lines, at C speed
    except csv.Error as error:
        for _ in _records(text, source):  # parse again counting lines: raises naming the line
            pass
        raise ValueError(f"{source}: not valid CSV ({error})") from None
    if 1 in set(map(len, records)):  # lines of spaces are blank too
        records = [record for record in records if not _is_blank(record)]
    if not records:  # an empty file: no columns at all
        return Cells(header=[], frame=pd.DataFrame(), text=text, source=source)
    header, rows = records[0], records[1:]
    cells = Cells(header=header, frame=pd.DataFrame(), text=text, source=source)
    if set(map(len, rows)) - {len(header)}:
        position = next(index for index, row in enumerate(rows) if len(row) != len(header))
        raise ValueError(
            f"{source} line {cells.starts[position]}: {len(rows[position])} cells, but the "
            f"header line names {len(header)} columns ({', '.join(header)}); a cell that "
            "holds a comma must be in double quotes"
        )
    columns = zip(*rows, strict=True) if rows else ([] for _ in header)
    frame = pd.DataFrame(
        {index: pd.Series(column, dtype=str) for index, column in enumerate(columns)}
    )
    frame.columns = header
    return Cells(header=header, frame=frame, text=text, source=source)
