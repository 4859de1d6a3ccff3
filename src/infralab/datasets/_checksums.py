"""Checksums of the data files: the manifest, and the check a lesson's loader makes.

``data/MANIFEST.sha256`` lists the SHA-256 checksum of every file in ``data/``, in
the format ``sha256sum -c`` reads. The same three pieces serve everyone who reads
or writes it: :func:`sha256_hex` hashes, :func:`manifest_text` writes the manifest
and :func:`read_manifest` reads it back. :func:`infralab.datasets.verify` (and so
``infralab data --check``) uses them, and so does :func:`note_if_changed`, which a
loader calls before reading one of the course's own files.

A learner who edits a course file, on purpose or by a slip in a spreadsheet, gets
numbers that no longer match the lesson's text. :func:`note_if_changed` says so,
once, and says how to get the course's file back; the lesson still runs on the
edited file. Each file is hashed once per process and state: the result is kept
under the file's path, modification time, size and inode, so loading it again
costs one ``stat``.

Why a note printed to standard error rather than a warning: the test kernels turn
every warning into an error, as ``python -W error`` and pytest's
``filterwarnings = error`` do, so a warning would stop the lesson the learner is
meant to finish; Python also shows a warning once per line of code and lets
filters hide it. A line on standard error is never an exception, shows in red
under the notebook cell that loaded the file, and with the data intact nothing
at all is printed, so the notebooks' stored outputs stay exactly as they are.

Examples
--------
>>> sha256_hex(b"")[:16]
'e3b0c44298fc1c14'
>>> manifest_text({"b.csv": b"2", "a.csv": b"1"}).splitlines()[0][-7:]
'  a.csv'
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from infralab.paths import data_dir

#: Checksum manifest in ``data/``, in the format ``sha256sum -c`` reads.
MANIFEST_NAME = "MANIFEST.sha256"

#: How to get the course's files back, as every note says it.
_RESTORE = "run `make data` (or `git checkout data/`) in the course folder"

#: What each course file's state was found to be: (path, mtime, size, inode) -> note or None.
_CHECKED: dict[tuple[str, int, int, int], str | None] = {}


def sha256_hex(data: bytes) -> str:
    """The SHA-256 checksum of ``data``, as 64 hexadecimal digits."""
    return hashlib.sha256(data).hexdigest()


def manifest_text(contents: Mapping[str, bytes]) -> str:
    """The manifest of ``contents`` (file name to bytes): one ``<sha256>  <file>`` line each."""
    return "".join(f"{sha256_hex(data)}  {file}\n" for file, data in sorted(contents.items()))


def read_manifest(path: Path) -> tuple[dict[str, str], list[str]]:
    """The manifest's entries (file name to SHA-256) and a sentence per malformed line."""
    entries: dict[str, str] = {}
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line)  # text or binary mode
        digest, file = (match[1], match[2]) if match else (line, "")
        if len(digest) != 64 or not file:
            problems.append(f"{MANIFEST_NAME} line {number} is not '<sha256>  <file>': {line!r}")
            continue
        entries[file] = digest.lower()
    return entries, problems


def _course_file(path: Path, file_name: str) -> Path | None:
    """``path`` when it is the course's own ``data/<file_name>``; None for any other file."""
    try:
        course_file = data_dir() / file_name
        return course_file if path.resolve() == course_file.resolve() else None
    except (FileNotFoundError, OSError):  # no course checkout around: not a course file
        return None


def _changed_note(course_file: Path) -> str | None:
    """What is wrong with a course file by its manifest, as the note says it; None if nothing."""
    shown = f"data/{course_file.name}"
    manifest_path = course_file.with_name(MANIFEST_NAME)
    consequence = "so the numbers may not match the lesson's text"
    try:
        manifest, _ = read_manifest(manifest_path)
    except (OSError, UnicodeDecodeError):
        return (
            f"Note: {shown} cannot be checked: data/{MANIFEST_NAME} is missing or unreadable, "
            f"{consequence}. To get the course's files back, {_RESTORE}."
        )
    if course_file.name not in manifest:
        return (
            f"Note: {shown} cannot be checked: data/{MANIFEST_NAME} does not list it, "
            f"{consequence}. To get the course's files back, {_RESTORE}."
        )
    if manifest[course_file.name] == sha256_hex(course_file.read_bytes()):
        return None
    return (
        f"Note: {shown} has changed: its checksum differs from the one in "
        f"data/{MANIFEST_NAME}, so the numbers below will not match the lesson's text. "
        f"To get the course's file back, {_RESTORE}, then load it again."
    )


def note_if_changed(path: Path, file_name: str) -> None:
    """Print one note to standard error if ``path`` is a course data file that has changed.

    Does nothing for any file but the course's own ``data/<file_name>`` (a
    learner's own file, a copy elsewhere), and nothing for a course file that
    matches ``data/MANIFEST.sha256``. A changed file, or one the manifest cannot
    vouch for, gets one note per state of the file: loading it again says nothing
    more until it changes again. See the module docstring for why this is a note
    and not a warning.

    Parameters
    ----------
    path : pathlib.Path
        The file about to be loaded.
    file_name : str
        The course file it would be: the data set's file name.
    """
    course_file = _course_file(path, file_name)
    if course_file is None:
        return
    try:
        status = os.stat(course_file)
    except OSError:  # missing: the loader says so
        return
    key = (str(course_file), status.st_mtime_ns, status.st_size, status.st_ino)
    if key in _CHECKED:
        return
    _CHECKED[key] = note = _changed_note(course_file)
    if note:
        print(note, file=sys.stderr)
