"""Lesson 07, the capstone: your own scorecard, your own doomsday clock, a report to take away.

The capstone turns the course onto the learner's own team. Import everything
from here (``from infralab import capstone``); the modules hold:

- :mod:`~infralab.capstone.scorecard` — the self-assessment: :data:`QUESTIONS`
  (ten statements paraphrasing the guide's common mistakes and signs of doing it
  well, grouped by its five :data:`STEPS`), :func:`score_scorecard`,
  :func:`plot_profile`, and :func:`weak_area_pointers` with
  :func:`section_anchor` (the lesson section that addresses each weak area).
- :mod:`~infralab.capstone.metrics_csv` — :func:`read_metrics_csv`, the reader
  of a team's own metrics export, and the one-line :class:`MetricsFileError`.
- :mod:`~infralab.capstone.report` — :func:`write_report`: one self-contained
  HTML page, printable on A4, that never replaces an earlier one unasked.

The doomsday dates themselves come from lesson 03's :mod:`infralab.growth`; a
lesson package imports no other, so the notebook joins the two.
"""

from .metrics_csv import (
    DATE_FORMATS,
    MIN_PER_WEEKDAY,
    MIN_ROWS,
    MetricsFile,
    MetricsFileError,
    read_metrics_csv,
)
from .report import REPORT_NAME, write_report
from .scorecard import (
    ANSWER_SCALE,
    QUESTIONS,
    STEPS,
    WEAK_BELOW_PCT,
    Question,
    plot_profile,
    score_scorecard,
    section_anchor,
    weak_area_pointers,
)

__all__ = [
    "ANSWER_SCALE",
    "DATE_FORMATS",
    "MIN_PER_WEEKDAY",
    "MIN_ROWS",
    "QUESTIONS",
    "REPORT_NAME",
    "STEPS",
    "WEAK_BELOW_PCT",
    "MetricsFile",
    "MetricsFileError",
    "Question",
    "plot_profile",
    "read_metrics_csv",
    "score_scorecard",
    "section_anchor",
    "weak_area_pointers",
    "write_report",
]
