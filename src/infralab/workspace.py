"""A learner's own workspace: personal copies of the exercise notebooks.

``exercises/`` belongs to the course: it is regenerated from ``solutions/`` and
updated with the course. Learners work in copies instead, in a folder of their
own (``my-work/`` at the top of the course by default, ignored by git).
:func:`start_workspace` copies every exercise notebook that is not there yet
and **never** replaces a file that is: run it again after a course update to
receive new exercises while every notebook you have touched stays exactly as
you left it.

To start an exercise again, delete your copy and run it once more: the
missing notebook is copied fresh.

When the course corrects an exercise sheet you already have a copy of, the
corrected sheet is put beside yours as ``<name>-updated.ipynb`` (never over
it), so you can compare the two and carry your work across. The workspace
remembers which version of each sheet your copy started from in
``.infralab-copies.json``; a copy made before that file existed is assumed to
be up to date.

A notebook in ``my-work/`` still finds the course: :func:`infralab.paths.course_root`
searches upwards from the notebook's folder, so the data sets and the
``infralab`` package work there exactly as in ``exercises/``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .files import write_if_changed
from .paths import course_root

__all__ = ["WORKSPACE_FOLDER", "WorkspaceReport", "start_workspace"]

#: Name of the default workspace folder, at the top of the course checkout.
WORKSPACE_FOLDER = "my-work"

_EXERCISES_FOLDER = "exercises"
#: The workspace's record of the sheet each copy started from: {file name: sha256}.
_COPIES_RECORD = ".infralab-copies.json"
_UPDATED_SUFFIX = "-updated"


@dataclass(frozen=True)
class WorkspaceReport:
    """What :func:`start_workspace` did.

    Attributes
    ----------
    folder : pathlib.Path
        The workspace folder (absolute).
    copied : tuple of str
        File names of the exercise notebooks copied in this run, sorted.
    skipped : tuple of str
        File names that were already in the workspace and were left exactly as
        they were, sorted.
    updated : tuple of str
        File names of corrected sheets put beside a copy that started from an
        older version (``<name>-updated.ipynb``), sorted.
    """

    folder: Path
    copied: tuple[str, ...]
    skipped: tuple[str, ...]
    updated: tuple[str, ...] = ()

    def summary(self) -> str:
        """Say what was copied and what was kept, and how to reset an exercise.

        The folder is shown relative to the current folder when it lies below it.

        Examples
        --------
        >>> report = WorkspaceReport(Path("/course/my-work"), ("05_x.ipynb",), ("03_y.ipynb",))
        >>> print(report.summary())  # doctest: +NORMALIZE_WHITESPACE
        Your workspace: /course/my-work/ (1 notebook copied, 1 kept)
          copied     05_x.ipynb
          kept your copy of 03_y.ipynb (not overwritten)
        Open the notebooks in /course/my-work/ and work there: this command never overwrites them.
        To start an exercise again, delete your copy and run `infralab start` again.
        """
        folder = _shown(self.folder)
        counts = f"{_count(len(self.copied), 'notebook')} copied, {len(self.skipped)} kept"
        lines = [f"Your workspace: {folder} ({counts})"]
        lines += [f"  copied     {name}" for name in self.copied]
        lines += [f"  kept your copy of {name} (not overwritten)" for name in self.skipped]
        lines += [
            f"  corrected  {name}: the course updated this sheet after you copied it; "
            "compare it with your copy and carry your work across"
            for name in self.updated
        ]
        lines.append(
            f"Open the notebooks in {folder} and work there: this command never overwrites them."
        )
        lines.append("To start an exercise again, delete your copy and run `infralab start` again.")
        return "\n".join(lines)


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" + ("" if number == 1 else "s")


def _shown(folder: Path) -> str:
    """``folder`` relative to the current folder when it lies below it, ending in a separator."""
    try:
        shown = folder.relative_to(Path.cwd().resolve())
    except ValueError:
        shown = folder
    return os.path.join(shown, "")


def _check_folder(name: str, value: object) -> Path:
    """``value`` as an absolute path, after checking it names a folder location."""
    if isinstance(value, bool) or not isinstance(value, str | os.PathLike):
        raise TypeError(f"{name} must be a path (str or os.PathLike), got {value!r}")
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{name} must name a folder, got an empty string")
    return Path(value).expanduser().resolve()


def _exercise_notebooks(exercises: Path) -> list[Path]:
    if not exercises.exists():
        raise FileNotFoundError(
            f"the exercises folder {exercises} does not exist; run `infralab exercises` "
            "(or `make exercises`) in the course folder to generate it"
        )
    if not exercises.is_dir():
        raise NotADirectoryError(f"the exercises folder {exercises} is not a folder")
    notebooks = sorted(path for path in exercises.glob("*.ipynb") if path.is_file())
    if not notebooks:
        raise FileNotFoundError(
            f"the exercises folder {exercises} holds no exercise notebooks (*.ipynb); run "
            "`infralab exercises` (or `make exercises`) in the course folder to generate them"
        )
    return notebooks


def _copy_new(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``, which must not exist: a file that appears meanwhile wins.

    The target is created exclusively, so nothing is ever replaced; if the copy
    is interrupted, the partial file is removed so the next run copies it again.
    """
    data = source.read_bytes()
    stream = target.open("xb")  # raises FileExistsError rather than replace a file
    try:
        with stream:
            stream.write(data)
    except BaseException:  # the file is ours and incomplete: remove it
        target.unlink(missing_ok=True)
        raise


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_record(folder: Path) -> dict[str, str]:
    """The sheet each copy started from; empty when there is no readable record."""
    try:
        record = json.loads((folder / _COPIES_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict):
        return {}
    return {key: value for key, value in record.items() if isinstance(value, str)}


def _write_record(folder: Path, record: dict[str, str]) -> None:
    """Keep the record, written whole and only when it changed."""
    text = json.dumps(record, indent=1, sort_keys=True) + "\n"
    write_if_changed(folder / _COPIES_RECORD, text.encode("utf-8"))


def _updated_name(name: str) -> str:
    stem, _, suffix = name.rpartition(".")
    return f"{stem}{_UPDATED_SUFFIX}.{suffix}"


def start_workspace(
    destination: str | os.PathLike[str] | None = None,
    *,
    exercises_dir: str | os.PathLike[str] | None = None,
) -> WorkspaceReport:
    """Copy the exercise notebooks into the learner's own folder, never overwriting a file.

    Every ``exercises/*.ipynb`` whose name is not yet in ``destination`` is
    copied there byte for byte. A file that is already there, whatever its
    content (your work, an older version, even an empty file), is left exactly as
    it is, so running this again after a course update only adds the new
    exercises. To reset one exercise, delete your copy and run it again.

    Parameters
    ----------
    destination : path-like, optional
        The workspace folder, created if needed; ``my-work/`` at the top of the
        course checkout by default (git ignores it). Notebooks find the course's
        data from any folder inside the checkout; from a folder elsewhere they
        find it through the installed course package.
    exercises_dir : path-like, optional
        Folder of exercise notebooks to copy; ``exercises/`` of the course by
        default.

    Returns
    -------
    WorkspaceReport
        The folder, the file names copied and the file names kept.

    Raises
    ------
    TypeError
        If ``destination`` or ``exercises_dir`` is not a path.
    FileNotFoundError
        If the exercises folder does not exist or holds no notebooks, or if no
        course checkout is found for a default folder.
    NotADirectoryError
        If ``destination`` or the exercises folder is a file.
    ValueError
        If ``destination`` is the exercises folder or lies inside it.

    Examples
    --------
    >>> report = start_workspace()  # doctest: +SKIP
    >>> report.copied, report.skipped  # doctest: +SKIP
    (('05_server_side_tracking.ipynb',), ('03_doomsday_clock.ipynb',))
    """
    exercises = (
        course_root() / _EXERCISES_FOLDER
        if exercises_dir is None
        else _check_folder("exercises_dir", exercises_dir)
    )
    folder = (
        course_root() / WORKSPACE_FOLDER
        if destination is None
        else _check_folder("destination", destination)
    )
    notebooks = _exercise_notebooks(exercises)
    exercises, folder = exercises.resolve(), folder.resolve()
    if folder == exercises or exercises in folder.parents:
        raise ValueError(
            f"destination must be a folder outside the exercises folder {exercises}, got {folder}"
        )
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"destination {folder} is a file, not a folder: choose another folder "
            "(`infralab start --to DIR`) or move the file away"
        )
    folder.mkdir(parents=True, exist_ok=True)
    record = _read_record(folder)
    copied, skipped, updated = [], [], []
    for source in notebooks:
        target = folder / source.name
        sheet = _digest(source.read_bytes())
        if os.path.lexists(target):
            skipped.append(source.name)
            # A copy made before the record existed is taken to be of the current sheet.
            started_from = record.setdefault(source.name, sheet)
            beside = folder / _updated_name(source.name)
            if started_from != sheet and not os.path.lexists(beside):
                try:
                    _copy_new(source, beside)
                except FileExistsError:
                    continue
                updated.append(beside.name)
            continue
        try:
            _copy_new(source, target)
        except FileExistsError:  # created between the check and the copy: it is someone's
            skipped.append(source.name)
            continue
        copied.append(source.name)
        record[source.name] = sheet
    _write_record(folder, record)
    return WorkspaceReport(
        folder=folder, copied=tuple(copied), skipped=tuple(skipped), updated=tuple(updated)
    )
