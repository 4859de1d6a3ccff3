"""The course's lessons, one entry each: the single place that maps a lesson to its files.

A lesson goes by one number and one *slug*; every other name follows from them:

=====================  ==============================================
notebook               ``notebooks/<number>_<slug>.ipynb``
exercise source        ``solutions/<number>_<slug>.ipynb``
exercise sheet         ``exercises/<number>_<slug>.ipynb`` (generated)
checks                 ``infralab.checks.<module>``
tests                  ``tests/lessons/<module>/``
=====================  ==============================================

where ``<module>`` is the slug itself, unless the slug is not a Python name
(``100x_problems`` starts with a digit): then the entry names it.

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
>>> lesson("04").checks
'infralab.checks.hundred_x_problems'
>>> sorted(name for entry in LESSONS for name in entry.datasets)
['postgres_metrics', 'tracking_events']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LESSONS", "Lesson", "lesson"]

_NUMBER = re.compile(r"\d\d")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course.

    Parameters
    ----------
    number : str
        Two digits, the lesson's place in the course (``"03"``).
    slug : str
        Lower-case words joined by ``_`` (``"doomsday_clock"``); names the
        notebook and, when it is a Python name, the check module and the
        tests' folder.
    models : tuple of str
        The lesson's model packages under ``infralab`` (``("growth",)``).
    datasets : tuple of str
        The data sets the lesson loads (``("postgres_metrics",)``).
    module : str, optional
        The name of the check module and the tests' folder, needed only when the
        slug is not a Python name (``"hundred_x_problems"`` for ``"100x_problems"``).
    """

    number: str
    slug: str
    models: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    module: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.number, str) or not _NUMBER.fullmatch(self.number):
            raise ValueError(f"number must be two digits such as '03', got {self.number!r}")
        if not isinstance(self.slug, str) or not _SLUG.fullmatch(self.slug):
            raise ValueError(
                f"slug must be lower-case words joined by '_', got {self.slug!r}"
            )
        if not isinstance(self.module, str) or (
            self.module and not _NAME.fullmatch(self.module)
        ):
            raise ValueError(
                f"module must be a lower-case Python name such as 'doomsday_clock', "
                f"got {self.module!r}"
            )
        if not self.module and not _NAME.fullmatch(self.slug):
            raise ValueError(
                f"slug {self.slug!r} is not a Python name (it starts with a digit): "
                "give the lesson a module name too, e.g. module='hundred_x_problems'"
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
    def name(self) -> str:
        """The lesson as a Python name: its check module's and tests folder's."""
        return self.module or self.slug

    @property
    def checks(self) -> str:
        """The module of the lesson's self-checks."""
        return f"infralab.checks.{self.name}"

    @property
    def tests(self) -> str:
        """The lesson's test folder, relative to the course root."""
        return f"tests/lessons/{self.name}"


#: Every lesson with exercises, in course order.
LESSONS: tuple[Lesson, ...] = (
    Lesson("01", "invisible_qualities", models=("reliability",)),
    Lesson("02", "shared_platform", models=("platform",)),
    Lesson("03", "doomsday_clock", models=("growth",), datasets=("postgres_metrics",)),
    Lesson("04", "100x_problems", models=("scaling",), module="hundred_x_problems"),
    Lesson("05", "server_side_tracking", models=("tracking",), datasets=("tracking_events",)),
    Lesson("06", "crawlable_sites", models=("crawl",)),
    Lesson("07", "capstone", models=("capstone",)),
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
        if key in (entry.number, entry.slug, entry.stem, entry.name):
            return entry
    known = ", ".join(f"{entry.number} ({entry.slug})" for entry in LESSONS)
    raise KeyError(f"key {key!r} names no lesson; the lessons are {known}")
