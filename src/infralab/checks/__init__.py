"""Friendly self-checks for the exercise notebooks.

Each lesson has a module of checks, one function per exercise task; a check
cell imports it and passes the learner's function::

    from infralab.checks import doomsday_clock as check
    check.doubling_time_days(doubling_time_days)

A check runs the function on several inputs, some hidden from the notebook,
and prints exactly one line, whatever the function does:

- ``Correct (task): right on all 6 test cases (5 of them hidden).``
- ``Not attempted yet (task): ...`` while the exercise stub still raises
  ``NotImplementedError``;
- ``Not quite (task): <hint>`` for a recognised common mistake, or one input
  with the expected answer and the function's answer;
- ``Error (task): <input> raised <type>: <message>. ...`` (never a traceback);
- ``Not a function (task): ...`` when given something that cannot be called.

A check returns ``None``, so a cell shows nothing else. Prints and warnings
of the learner's function are swallowed while it is checked, and every call
gets fresh copies of its inputs.

Lesson checks are built from :mod:`infralab.checks.core`: a
:class:`~infralab.checks.core.Task` holds :class:`~infralab.checks.core.Case`
objects (inputs and the expected answer), :class:`~infralab.checks.core.Mistake`
objects (a common wrong answer and its hint) and a comparator
(:class:`~infralab.checks.core.Number`, :class:`~infralab.checks.core.Day`,
:class:`~infralab.checks.core.Text`, :class:`~infralab.checks.core.TupleOf`...).
Check modules work out their expected answers themselves and import no lesson
module.
"""

from infralab.checks.core import (
    STATUSES,
    Anything,
    Case,
    Comparator,
    Day,
    Mistake,
    Number,
    NumberArray,
    NumberMap,
    Task,
    Text,
    TextSet,
    TupleOf,
    Verdict,
    evaluate,
    is_nothing,
    run_check,
    short_repr,
    to_timestamp,
    with_check_sections,
)

__all__ = [
    "STATUSES",
    "Anything",
    "Case",
    "Comparator",
    "Day",
    "Mistake",
    "Number",
    "NumberArray",
    "NumberMap",
    "Task",
    "Text",
    "TextSet",
    "TupleOf",
    "Verdict",
    "evaluate",
    "is_nothing",
    "run_check",
    "short_repr",
    "to_timestamp",
    "with_check_sections",
]
