"""The course's own handouts, built once per test run for every test that reads them.

Both editions are built side by side, as ``make handouts`` and ``make handouts-instructor``
lay them out: the learner edition in ``handouts/`` and the instructor edition beside it in
``handouts-instructor/`` (:data:`instructor_folder`). Building both editions of the real
course takes seconds; the handout tests, the browser
test and the lesson contract all read the same pages, so the first of them to ask builds
them into a folder of this test run and the others (in any pytest-xdist worker) wait for
it and read it. ``conftest.py`` names the run (``INFRALAB_TEST_RUN``) and removes the
folder when the run ends. Tests that change what they build still build their own.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from infralab.handouts import INSTRUCTOR_EDITION, LEARNER_EDITION, build_handouts

try:
    import fcntl
except ImportError:  # Windows: no shared lock, so each process builds its own copy
    fcntl = None

ROOT = Path(__file__).resolve().parents[1]
RUN_VARIABLE = "INFRALAB_TEST_RUN"


def run_folder() -> Path:
    """The folder of this test run's shared handouts (its name holds the run's id)."""
    run = os.environ.get(RUN_VARIABLE) or "no-run"
    if fcntl is None:
        run += f"-{os.getpid()}"
    return Path(tempfile.gettempdir()) / f"infralab-course-handouts-{run}"


def instructor_folder(learner: Path) -> Path:
    """Where the instructor edition built beside the learner edition ``learner`` is."""
    return learner.parent / INSTRUCTOR_EDITION


def course_handouts() -> tuple[Path, list[Path]]:
    """Both editions of the course's handouts: the learner edition's folder and every page of
    both editions, the learner's first, each in build order."""
    folder = run_folder()
    folder.mkdir(parents=True, exist_ok=True)
    output, listing = folder / LEARNER_EDITION, folder / "pages.txt"
    with open(folder / "lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not listing.is_file():
                pages = build_handouts(
                    output, notebooks_dir=ROOT / "notebooks", exercises_dir=ROOT / "exercises"
                ) + build_handouts(
                    instructor_folder(output),
                    edition="instructor",
                    notebooks_dir=ROOT / "notebooks",
                    exercises_dir=ROOT / "exercises",
                    solutions_dir=ROOT / "solutions",
                    guide_file=ROOT / "docs" / "instructor-guide.md",
                    docs_dir=ROOT / "docs",
                )
                listing.write_text("\n".join(str(page) for page in pages), encoding="utf-8")
        finally:
            if fcntl is not None:
                with contextlib.suppress(OSError):
                    fcntl.flock(lock, fcntl.LOCK_UN)
    return output, [Path(line) for line in listing.read_text(encoding="utf-8").splitlines()]
