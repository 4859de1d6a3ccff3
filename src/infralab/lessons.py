"""The course's lessons, one entry each: the single place that maps a lesson to its files.

A lesson goes by one number and one *slug*; every other name follows from them:

=====================  ==============================================
notebook               ``notebooks/<number>_<slug>.ipynb``
exercise source        ``solutions/<number>_<slug>.ipynb``
exercise sheet         ``exercises/<number>_<slug>.ipynb`` (generated)
checks                 ``infralab.checks.<slug>``
tests                  ``tests/lessons/<slug>/``
=====================  ==============================================

and the entry names what cannot be derived: the lesson's model packages (such as
``infralab.growth``) and its data sets (``data/<name>.csv``, made by
``infralab.datasets.<name>``). The data sets, check modules, public-API specs
and lesson tests are all found from :data:`LESSONS`; adding a lesson is its new
files plus one entry here (``docs/maintaining.md`` lists the files).

Titles and times are not kept here: they are read from the notebook itself
(:mod:`infralab.coursemap`), so they cannot disagree with what learners see.

Examples
--------
>>> lesson("03").notebook
'03_doomsday_clock.ipynb'
>>> lesson("server_side_tracking").checks
'infralab.checks.server_side_tracking'
>>> sorted(name for entry in LESSONS for name in entry.datasets)
['postgres_metrics', 'tracking_events']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LESSONS", "Lesson", "lesson"]

_NUMBER = re.compile(r"\d\d")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course.

    Parameters
    ----------
    number : str
        Two digits, the lesson's place in the course (``"03"``).
    slug : str
        Lower-case words joined by ``_`` (``"doomsday_clock"``); names the
        notebook, the check module and the tests' folder.
    models : tuple of str
        The lesson's model packages under ``infralab`` (``("growth",)``).
    datasets : tuple of str
        The data sets the lesson loads (``("postgres_metrics",)``).
    """

    number: str
    slug: str
    models: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.number, str) or not _NUMBER.fullmatch(self.number):
            raise ValueError(f"number must be two digits such as '03', got {self.number!r}")
        if not isinstance(self.slug, str) or not _NAME.fullmatch(self.slug):
            raise ValueError(
                f"slug must be lower-case words joined by '_', got {self.slug!r}"
            )
        for field in ("models", "datasets"):
            names = getattr(self, field)
            if not isinstance(names, tuple) or not all(
                isinstance(name, str) and _NAME.fullmatch(name) for name in names
            ):
                raise ValueError(
                    f"{field} must be a tuple of lower-case module names, got {names!r}"
                )

    @property
    def stem(self) -> str:
        """``<number>_<slug>``: the file name of its notebooks, without ``.ipynb``."""
        return f"{self.number}_{self.slug}"

    @property
    def notebook(self) -> str:
        """The file name, the same in ``notebooks/``, ``solutions/`` and ``exercises/``."""
        return f"{self.stem}.ipynb"

    @property
    def checks(self) -> str:
        """The module of the lesson's self-checks."""
        return f"infralab.checks.{self.slug}"

    @property
    def tests(self) -> str:
        """The lesson's test folder, relative to the course root."""
        return f"tests/lessons/{self.slug}"


#: Every lesson with exercises, in course order.
LESSONS: tuple[Lesson, ...] = (
    Lesson("03", "doomsday_clock", models=("growth",), datasets=("postgres_metrics",)),
    Lesson("05", "server_side_tracking", models=("tracking",), datasets=("tracking_events",)),
)


def lesson(key: str) -> Lesson:
    """The lesson with this number (``"03"``) or slug (``"doomsday_clock"``).

    Raises
    ------
    KeyError
        When no lesson has that number or slug; the message lists those that do.
    """
    if not isinstance(key, str):
        raise TypeError(f"key must be a lesson number or slug as text, got {key!r}")
    for entry in LESSONS:
        if key in (entry.number, entry.slug, entry.stem):
            return entry
    known = ", ".join(f"{entry.number} ({entry.slug})" for entry in LESSONS)
    raise KeyError(f"key {key!r} names no lesson; the lessons are {known}")
