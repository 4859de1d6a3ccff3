"""The machinery behind every self-check cell: cases, common mistakes, verdicts.

A check runs the learner's function on several :class:`Case` objects (some of
them hidden from the notebook), compares each answer with the expected one,
and turns the result into a :class:`Verdict` with a one-line message:

- ``correct``: every case passes;
- ``not_attempted``: the function still raises ``NotImplementedError`` (the
  untouched exercise stub);
- ``incorrect``: a wrong answer, with a targeted hint when the answers match a
  known :class:`Mistake`, otherwise one failing input with expected and got;
- ``error``: the function raised (type and message, never a traceback),
  takes the wrong parameters, ran past the time limit, or the check was
  interrupted (``Interrupted (task): ...``);
- ``not_a_function``: the check was given something that cannot be called.

:func:`evaluate` is pure: it never raises on anything the learner wrote,
swallows what the learner's function prints (to ``sys.stdout`` or straight to
file descriptors 1 and 2) and any warnings, and passes fresh copies of the
inputs to every call so a function that changes its inputs cannot spoil the
next case. Each call has a time limit (an endless loop gets an ``Error`` line
naming the case), and a ``KeyboardInterrupt`` ends the check with one
``Interrupted`` line; :mod:`infralab.checks.tasks` says how, and where the
limit cannot apply. :func:`run_check` prints the message and returns ``None``,
so a check cell shows exactly one line.

The machinery lives in two modules, re-exported here so that
``from infralab.checks.core import ...`` keeps working:
:mod:`infralab.checks.comparators` (how an answer is compared with the
expected one) and :mod:`infralab.checks.tasks` (cases, mistakes, verdicts,
tasks and the evaluation itself).

Examples
--------
>>> cases = [Case((2,), {}, 4), Case((5,), {}, 10, hidden=True)]
>>> print(evaluate(lambda x: 2 * x, cases, task="double").message)
Correct (double): right on all 2 test cases (1 of them hidden).
"""

from __future__ import annotations

from infralab.validation import short_repr

from .comparators import (
    Anything,
    Comparator,
    Day,
    Number,
    NumberArray,
    NumberMap,
    Text,
    TextSet,
    TupleOf,
    is_nothing,
    to_timestamp,
)
from .tasks import (
    STATUSES,
    Case,
    Mistake,
    Task,
    Verdict,
    evaluate,
    ready_for,
    run_check,
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
    "ready_for",
    "run_check",
    "short_repr",
    "to_timestamp",
    "with_check_sections",
]

