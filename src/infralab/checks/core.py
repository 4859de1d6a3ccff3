"""The machinery behind every self-check cell: cases, common mistakes, verdicts.

A check runs the learner's function on several :class:`Case` objects (some of
them hidden from the notebook), compares each answer with the expected one,
and turns the result into a :class:`Verdict` with a one-line message:

- ``correct``: every case passes;
- ``not_attempted``: the function still raises ``NotImplementedError`` (the
  untouched exercise stub);
- ``incorrect``: a wrong answer, with a targeted hint when the answers match a
  known :class:`Mistake`, otherwise one failing input with expected and got;
- ``error``: the function raised (type and message, never a traceback) or
  takes the wrong parameters;
- ``not_a_function``: the check was given something that cannot be called.

:func:`evaluate` is pure: it never raises on anything the learner wrote,
swallows what the learner's function prints and any warnings, and passes
fresh copies of the inputs to every call so a function that changes its
inputs cannot spoil the next case. :func:`run_check` prints the message and
returns ``None``, so a check cell shows exactly one line.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import inspect
import io
import math
import numbers
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from infralab.validation import short_repr

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

STATUSES = ("correct", "not_attempted", "incorrect", "error", "not_a_function")


# --------------------------------------------------------------------------- text helpers


def _one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) to one space."""
    return " ".join(str(text).split())


def _type_name(value: object) -> str:
    try:
        return type(value).__name__
    except Exception:
        return "object"


def _kind(value: object) -> str:
    """'a float', 'an int': the type of ``value`` with its article."""
    name = _type_name(value)
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _error_text(error_type: type[BaseException], error: BaseException) -> str:
    try:
        detail = _one_line(str(error))
    except Exception:
        detail = ""
    if len(detail) > 150:
        detail = detail[:147] + "..."
    return f"{error_type.__name__}: {detail}" if detail else error_type.__name__


# --------------------------------------------------------------------------- values


def is_nothing(value: object) -> bool:
    """True for ``None``, a float NaN, ``pd.NaT`` or a NaT ``numpy.datetime64``.

    Examples
    --------
    >>> is_nothing(None), is_nothing(float("nan")), is_nothing(0)
    (True, True, False)
    """
    try:
        if value is None or value is pd.NaT:
            return True
        if isinstance(value, float):
            return math.isnan(value)
        if isinstance(value, np.datetime64):
            return bool(np.isnat(value))
    except Exception:
        return False
    return False


def to_timestamp(value: object) -> pd.Timestamp | None:
    """Return a date-like value as a ``pd.Timestamp``, or ``None`` if it is not one.

    Accepts a ``pd.Timestamp``, ``datetime.date``/``datetime.datetime``,
    ``numpy.datetime64`` or a date string such as ``"2022-06-30"``. Numbers are
    not dates and give ``None``. Never raises.

    Examples
    --------
    >>> to_timestamp("2022-06-30")
    Timestamp('2022-06-30 00:00:00')
    >>> to_timestamp(42) is None
    True
    """
    if not isinstance(value, (pd.Timestamp, _dt.date, np.datetime64, str)):
        return None
    try:
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            return None
        return stamp
    except Exception:  # unparsable text, out-of-range dates, ...
        return None


# --------------------------------------------------------------------------- comparators


@dataclass(frozen=True)
class Comparator:
    """Decides whether an answer matches the expected one; never raises.

    Subclasses say which answers have the right *kind* (:meth:`accepts`), when
    two answers are the same (``_same``) and how to show one (``_format``).
    An expected value of ``None`` matches only "nothing" (see :func:`is_nothing`).
    """

    describe: ClassVar[str] = "a value"

    def accepts(self, got: object) -> bool:
        """True if ``got`` is the right kind of answer (a number, a date...)."""
        return True

    def __call__(self, expected: object, got: object) -> bool:
        try:
            if expected is None:
                return is_nothing(got)
            return bool(self.accepts(got) and self._same(expected, got))
        except Exception:
            return False

    def format(self, value: object) -> str:
        """Show ``value`` the way a learner would write it; never raises."""
        if value is None:
            return "None"
        try:
            return self._format(value)
        except Exception:
            return short_repr(value, 40)

    def _same(self, expected: object, got: object) -> bool:
        return bool(expected == got)

    def _format(self, value: object) -> str:
        return short_repr(value, 40)


def _is_real_number(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, numbers.Real)


@dataclass(frozen=True)
class Number(Comparator):
    """A real number within ``rel_tol`` (relative) or ``abs_tol`` (absolute).

    Infinities match only the same infinity; NaN matches only NaN.

    Examples
    --------
    >>> Number(rel_tol=0.005)(69.66, 70.0)
    True
    >>> Number()(1.0, "1.0")
    False
    """

    rel_tol: float = 1e-6
    abs_tol: float = 1e-12
    describe: ClassVar[str] = "a number"

    def accepts(self, got: object) -> bool:
        return _is_real_number(got)

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = float(expected), float(got)
        if math.isnan(wanted) or math.isnan(answer):
            return math.isnan(wanted) and math.isnan(answer)
        if math.isinf(wanted) or math.isinf(answer):
            return wanted == answer
        return math.isclose(answer, wanted, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    def _format(self, value: object) -> str:
        digits = max(6, math.ceil(-math.log10(self.rel_tol)) + 2) if self.rel_tol > 0 else 12
        return f"{float(value):.{digits}g}"


@dataclass(frozen=True)
class NumberArray(Comparator):
    """A one-dimensional array of numbers (list, tuple, numpy array, Series).

    Examples
    --------
    >>> NumberArray()([1.0, 2.0], (1, 2))
    True
    >>> NumberArray()([1.0, 2.0], [1.0])
    False
    """

    rel_tol: float = 1e-6
    abs_tol: float = 1e-12
    describe: ClassVar[str] = "an array of numbers"

    @staticmethod
    def _as_array(value: object) -> np.ndarray | None:
        if value is None or isinstance(value, (str, bytes, Mapping)):
            return None
        try:
            array = np.asarray(value, dtype=float)
        except Exception:
            return None
        return array if array.ndim == 1 else None

    def accepts(self, got: object) -> bool:
        return self._as_array(got) is not None

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = self._as_array(expected), self._as_array(got)
        if wanted is None or answer is None or wanted.shape != answer.shape:
            return False
        return bool(np.allclose(answer, wanted, rtol=self.rel_tol, atol=self.abs_tol))

    def _format(self, value: object) -> str:
        array = self._as_array(value)
        if array is None:
            return short_repr(value, 40)
        shown = ", ".join(f"{number:.6g}" for number in array[:4])
        return f"[{shown}{', ...' if array.size > 4 else ''}] ({array.size} values)"


@dataclass(frozen=True)
class Day(Comparator):
    """A date, compared to the day.

    The answer may be a ``pd.Timestamp``, a ``datetime.date`` or ``datetime``,
    a ``numpy.datetime64`` or an ISO date string; the time of day is ignored.

    Examples
    --------
    >>> import datetime
    >>> Day()(pd.Timestamp("2021-08-04"), datetime.date(2021, 8, 4))
    True
    >>> Day()(pd.Timestamp("2021-08-04"), "2021-08-04T18:30")
    True
    """

    describe: ClassVar[str] = "a date"

    def accepts(self, got: object) -> bool:
        return to_timestamp(got) is not None

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = to_timestamp(expected), to_timestamp(got)
        if wanted is None or answer is None:
            return False
        return (wanted.year, wanted.month, wanted.day) == (answer.year, answer.month, answer.day)

    def _format(self, value: object) -> str:
        stamp = to_timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp is not None else short_repr(value, 40)


@dataclass(frozen=True)
class Text(Comparator):
    """A text, compared ignoring case and extra spaces.

    Examples
    --------
    >>> Text()("cpu", "  CPU ")
    True
    """

    describe: ClassVar[str] = "a text"

    def accepts(self, got: object) -> bool:
        return isinstance(got, str)

    def _same(self, expected: object, got: object) -> bool:
        return _one_line(str(expected)).casefold() == _one_line(str(got)).casefold()

    def _format(self, value: object) -> str:
        return short_repr(value, 40)


@dataclass(frozen=True)
class Anything(Comparator):
    """Accepts any answer; use it for a tuple item a check does not look at."""

    describe: ClassVar[str] = "anything"

    def __call__(self, expected: object, got: object) -> bool:
        return True


@dataclass(frozen=True)
class TupleOf(Comparator):
    """A tuple (a list is accepted too) compared item by item.

    Parameters
    ----------
    items : tuple of Comparator
        One comparator per position.

    Examples
    --------
    >>> pair = TupleOf((Text(), Day()))
    >>> pair(("cpu", pd.Timestamp("2024-03-03")), ["CPU", "2024-03-03"])
    True
    >>> pair((None, None), (None, None))
    True
    """

    items: tuple[Comparator, ...] = ()

    @property
    def describe(self) -> str:  # type: ignore[override]
        return f"a tuple of {len(self.items)} items ({', '.join(i.describe for i in self.items)})"

    def accepts(self, got: object) -> bool:
        if not isinstance(got, (tuple, list)) or len(got) != len(self.items):
            return False
        return all(
            is_nothing(item) or comparator.accepts(item)
            for comparator, item in zip(self.items, got, strict=True)
        )

    def _same(self, expected: object, got: object) -> bool:
        return all(
            comparator(wanted, answer)
            for comparator, wanted, answer in zip(self.items, expected, got, strict=True)
        )

    def _format(self, value: object) -> str:
        if not isinstance(value, (tuple, list)) or len(value) != len(self.items):
            return short_repr(value, 40)
        shown = ", ".join(
            comparator.format(item) for comparator, item in zip(self.items, value, strict=True)
        )
        return f"({shown})"


def _as_label_map(value: object) -> dict[str, float] | None:
    """A dict or Series of numbers as {label text: float}; None if it is not one."""
    if isinstance(value, pd.Series):
        items = list(value.items())
    elif isinstance(value, Mapping):
        items = list(value.items())
    else:
        return None
    found: dict[str, float] = {}
    for label, number in items:
        if not _is_real_number(number):
            return None
        key = _one_line(str(label)).casefold()
        if key in found:
            return None
        found[key] = float(number)
    return found


@dataclass(frozen=True)
class NumberMap(Comparator):
    """Numbers by label: a pandas Series or a dict, compared label by label.

    Labels are compared as text ignoring case, so ``{"Mobile": 0.1}`` matches a
    Series indexed ``"mobile"``; order does not matter.

    Examples
    --------
    >>> NumberMap()({"a": 1.0, "b": 2.0}, pd.Series({"b": 2.0, "a": 1.0}))
    True
    >>> NumberMap()({"a": 1.0}, {"a": 1.0, "b": 2.0})
    False
    """

    rel_tol: float = 1e-6
    abs_tol: float = 1e-12
    describe: ClassVar[str] = "numbers by label (a Series or a dict)"

    def accepts(self, got: object) -> bool:
        return _as_label_map(got) is not None

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = _as_label_map(expected), _as_label_map(got)
        if wanted is None or answer is None or wanted.keys() != answer.keys():
            return False
        number = Number(rel_tol=self.rel_tol, abs_tol=self.abs_tol)
        return all(number(wanted[key], answer[key]) for key in wanted)

    def _format(self, value: object) -> str:
        found = _as_label_map(value)
        if found is None:
            return short_repr(value, 40)
        shown = ", ".join(f"{key}: {number:.4g}" for key, number in list(found.items())[:3])
        more = ", ..." if len(found) > 3 else ""
        return f"{{{shown}{more}}} ({len(found)} labels)"


def _as_text_set(value: object) -> frozenset[str] | None:
    if isinstance(value, (str, bytes, Mapping)) or value is None:
        return None
    try:
        items = list(value)  # type: ignore[call-overload]
    except Exception:
        return None
    if not all(isinstance(item, str) for item in items):
        return None
    return frozenset(_one_line(item).casefold() for item in items)


@dataclass(frozen=True)
class TextSet(Comparator):
    """A collection of texts (list, tuple, set, Series...), order and case ignored.

    Examples
    --------
    >>> TextSet()(["purchase", "sign_up"], {"Sign_up", "purchase"})
    True
    >>> TextSet()(["purchase"], "purchase")
    False
    """

    describe: ClassVar[str] = "a list of names"

    def accepts(self, got: object) -> bool:
        return _as_text_set(got) is not None

    def _same(self, expected: object, got: object) -> bool:
        wanted, answer = _as_text_set(expected), _as_text_set(got)
        return wanted is not None and wanted == answer

    def _format(self, value: object) -> str:
        found = _as_text_set(value)
        if found is None:
            return short_repr(value, 40)
        return "[" + ", ".join(repr(item) for item in sorted(found)) + "]"


# --------------------------------------------------------------------------- cases, mistakes


@dataclass(frozen=True)
class Case:
    """One input to try and the answer expected for it.

    Parameters
    ----------
    args : tuple
        Positional arguments for the learner's function.
    kwargs : mapping
        Keyword arguments (usually empty: positional calls survive a learner
        renaming a parameter).
    expected : object
        The right answer.
    label : str, optional
        Words describing the input in a message ("three resources; CPU hits
        first"), used instead of printing the arguments (handy for tables).
    hidden : bool
        True for a case the notebook does not show.
    """

    args: tuple
    kwargs: Mapping[str, object]
    expected: object
    label: str | None = field(default=None, kw_only=True)
    hidden: bool = field(default=False, kw_only=True)

    @classmethod
    def from_reference(
        cls,
        reference: Callable[..., object],
        *args: object,
        label: str | None = None,
        hidden: bool = False,
    ) -> Case:
        """Build a case whose expected answer is ``reference(*args)``.

        Examples
        --------
        >>> Case.from_reference(lambda x: 2 * x, 3).expected
        6
        """
        expected = reference(*copy.deepcopy(args))
        return cls(tuple(args), {}, expected, label=label, hidden=hidden)


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer and the hint to give when a learner makes it.

    A learner's function is recognised as making this mistake when, on every
    case where it differs from the expected answer, it agrees with
    ``wrong_answer`` (same value, or the same exception type).

    Parameters
    ----------
    hint : str
        One sentence saying what went wrong and how to fix it.
    wrong_answer : callable
        Same signature as the task; computes what the mistake produces.
    compare : Comparator, optional
        How to compare the learner's answer with ``wrong_answer``'s (defaults
        to the task's comparator); e.g. compare only the first tuple item.
    """

    hint: str
    wrong_answer: Callable[..., object]
    compare: Comparator | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: a status (one of :data:`STATUSES`) and a one-line message."""

    status: str
    message: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        object.__setattr__(self, "message", _one_line(self.message))


@dataclass(frozen=True)
class _Outcome:
    value: object = None
    error_type: type[BaseException] | None = None
    error_text: str = ""


# --------------------------------------------------------------------------- evaluation


@contextlib.contextmanager
def _quietly() -> Iterator[None]:
    """Swallow prints, warnings and numpy floating-point complaints."""
    sink = io.StringIO()
    with (
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
        warnings.catch_warnings(),
        np.errstate(all="ignore"),
    ):
        warnings.simplefilter("ignore")
        yield


def _accepts(compare: Comparator, got: object) -> bool:
    """``compare.accepts(got)``, False when the answer breaks even that check."""
    try:
        return bool(compare.accepts(got))
    except Exception:
        return False


def _call(function: Callable[..., object], case: Case) -> _Outcome:
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(dict(case.kwargs))
    try:
        value = function(*args, **kwargs)
    except KeyboardInterrupt:  # the notebook's interrupt button still stops the cell
        raise
    except BaseException as error:  # anything else the learner raises, SystemExit included
        return _Outcome(error_type=type(error), error_text=_error_text(type(error), error))
    if inspect.iscoroutine(value):  # an `async def`: close it so no warning appears later
        value.close()
    return _Outcome(value=value)


def _show_argument(value: object) -> str:
    if isinstance(value, pd.DataFrame):
        return f"<a table of {len(value)} rows>"
    if isinstance(value, pd.Series):
        return f"<{len(value)} values>"
    if isinstance(value, pd.Timestamp):
        if value == value.normalize():
            return f"pd.Timestamp('{value.strftime('%Y-%m-%d')}')"
        return f"pd.Timestamp('{value.isoformat()}')"
    return short_repr(value, 40)


def _describe_call(task: str, case: Case) -> str:
    if case.label:
        text = f"{task} on {case.label}"
    else:
        shown = [_show_argument(value) for value in case.args]
        shown += [f"{name}={_show_argument(value)}" for name, value in case.kwargs.items()]
        text = f"{task}({', '.join(shown)})"
    return f"{text} (a hidden case)" if case.hidden else text


def _signature_problem(
    function: Callable[..., object], case: Case, task: str, parameters: Sequence[str] | None
) -> str | None:
    try:
        signature = inspect.signature(function)
    except Exception:  # some built-ins have no signature: just call them
        return None
    try:
        signature.bind(*case.args, **case.kwargs)
    except TypeError:
        count = len(case.args) + len(case.kwargs)
        wanted = f"{task}({', '.join(parameters)})" if parameters else f"{count} argument(s)"
        theirs = _one_line(str(signature))
        theirs = theirs if len(theirs) <= 60 else theirs[:57] + "..."
        return (
            f"Error ({task}): your function takes {theirs} but the check calls it as {wanted}. "
            "Keep the parameters given in the exercise."
        )
    return None


def _matches(
    mistake: Mistake,
    cases: Sequence[Case],
    outcomes: Sequence[_Outcome],
    failing: Sequence[int],
    compare: Comparator,
) -> bool:
    comparator = mistake.compare or compare
    for index in failing:
        wrong = _call(mistake.wrong_answer, cases[index])
        got = outcomes[index]
        if wrong.error_type is not None or got.error_type is not None:
            if wrong.error_type is not got.error_type:
                return False
        elif not comparator(wrong.value, got.value):
            return False
    return True


def evaluate(
    function: object,
    cases: Sequence[Case],
    mistakes: Sequence[Mistake] = (),
    compare: Comparator | None = None,
    *,
    task: str = "your function",
    parameters: Sequence[str] | None = None,
) -> Verdict:
    """Run ``function`` on every case and return a :class:`Verdict`.

    Parameters
    ----------
    function : object
        The learner's function (anything at all is handled).
    cases : sequence of Case
        Inputs and expected answers; hidden ones included.
    mistakes : sequence of Mistake
        Known wrong answers, tried in order; the first that matches gives the hint.
    compare : Comparator, optional
        How answers are compared (default :class:`Number` with its tolerances).
    task : str
        Name of the task, shown in every message.
    parameters : sequence of str, optional
        The parameter names the exercise asks for, shown when the learner's
        function takes different ones.

    Returns
    -------
    Verdict
        ``status`` is one of :data:`STATUSES`; ``message`` is one line.

    Raises
    ------
    ValueError
        If ``cases`` is empty (a mistake in the check, not the learner's).

    Examples
    --------
    >>> cases = [Case((2,), {}, 4), Case((5,), {}, 10, hidden=True)]
    >>> evaluate(lambda x: 2 * x, cases, task="double").status
    'correct'
    >>> print(evaluate(lambda x: x + 2, cases, task="double").message)
    Not quite (double): double(5) (a hidden case) should return 10, but returned 7.
    """
    cases = tuple(cases)
    if not cases:
        raise ValueError("cases must hold at least one Case, got none")
    compare = compare if compare is not None else Number()
    with _quietly():
        return _evaluate(function, cases, tuple(mistakes), compare, task, parameters)


def _evaluate(
    function: object,
    cases: tuple[Case, ...],
    mistakes: tuple[Mistake, ...],
    compare: Comparator,
    task: str,
    parameters: Sequence[str] | None,
) -> Verdict:
    if not callable(function):
        got = "None" if function is None else f"{short_repr(function, 40)} ({_kind(function)})"
        return Verdict(
            "not_a_function",
            f"Not a function ({task}): pass your function itself, its name without brackets "
            f"after it; got {got}.",
        )
    problem = _signature_problem(function, cases[0], task, parameters)
    if problem:
        return Verdict("error", problem)

    outcomes = [_call(function, case) for case in cases]
    if all(outcome.error_type is NotImplementedError for outcome in outcomes):
        return Verdict(
            "not_attempted",
            f"Not attempted yet ({task}): the function still raises NotImplementedError. "
            "Replace `raise NotImplementedError()` with your code, run that cell, "
            "then run this check again.",
        )
    failing = [
        index
        for index, (case, outcome) in enumerate(zip(cases, outcomes, strict=True))
        if outcome.error_type is not None or not compare(case.expected, outcome.value)
    ]
    if not failing:
        hidden = sum(case.hidden for case in cases)
        extra = f" ({hidden} of them hidden)" if hidden else ""
        return Verdict(
            "correct", f"Correct ({task}): right on all {len(cases)} test cases{extra}."
        )

    for mistake in mistakes:
        if _matches(mistake, cases, outcomes, failing, compare):
            return Verdict("incorrect", f"Not quite ({task}): {mistake.hint}")

    for index in failing:
        outcome = outcomes[index]
        if outcome.error_type is not None:
            return Verdict(
                "error",
                f"Error ({task}): {_describe_call(task, cases[index])} raised "
                f"{outcome.error_text}. Call your function on that input in a new cell "
                "to see where.",
            )

    if all(outcomes[index].value is None for index in failing):
        return Verdict(
            "incorrect",
            f"Not quite ({task}): your function returns None. "
            "Did you forget the `return` line?",
        )

    index = failing[0]
    case, got = cases[index], outcomes[index].value
    call = _describe_call(task, case)
    expected = compare.format(case.expected)
    if case.expected is not None and not _accepts(compare, got):
        return Verdict(
            "incorrect",
            f"Not quite ({task}): {call} should return {compare.describe} like {expected}, "
            f"but returned {short_repr(got, 40)} ({_kind(got)}).",
        )
    return Verdict(
        "incorrect",
        f"Not quite ({task}): {call} should return {expected}, but returned "
        f"{compare.format(got)}.",
    )


def run_check(
    function: object,
    cases: Sequence[Case],
    mistakes: Sequence[Mistake] = (),
    compare: Comparator | None = None,
    *,
    task: str = "your function",
    parameters: Sequence[str] | None = None,
) -> None:
    """Evaluate ``function`` and print the verdict's one-line message.

    Takes the same arguments as :func:`evaluate`. Returns ``None`` so a check
    cell displays nothing but that line, and never raises.
    """
    try:
        message = evaluate(
            function, cases, mistakes, compare, task=task, parameters=parameters
        ).message
    except Exception as error:  # a fault in the check itself: still one calm line
        message = _one_line(
            f"Check could not run ({task}): {_error_text(type(error), error)}. "
            "Please report this to the course maintainers."
        )
    _print_line(message)


def _print_line(message: str) -> None:
    try:
        print(message)
    except UnicodeEncodeError:  # a console that cannot show a character of the answer
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        print(message.encode(encoding, "backslashreplace").decode(encoding, "replace"))


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class Task:
    """Everything a check needs for one exercise task.

    Parameters
    ----------
    name : str
        The function name the exercise asks for, e.g. ``"doubling_time_days"``.
    parameters : tuple of str
        Its parameter names, in order.
    cases : tuple of Case
        Inputs with expected answers (at least one hidden).
    mistakes : tuple of Mistake
        Common wrong answers with hints, tried in order.
    compare : Comparator
        How an answer is compared with the expected one.
    summary : str
        One sentence saying what the check tests.
    """

    name: str
    parameters: tuple[str, ...]
    cases: tuple[Case, ...]
    mistakes: tuple[Mistake, ...] = ()
    compare: Comparator = field(default_factory=Number)
    summary: str = ""

    @property
    def examples(self) -> tuple[Case, ...]:
        """The cases that are not hidden."""
        return tuple(case for case in self.cases if not case.hidden)

    def evaluate(self, function: object) -> Verdict:
        """Return the :class:`Verdict` for ``function`` (see :func:`evaluate`)."""
        return evaluate(
            function,
            self.cases,
            self.mistakes,
            self.compare,
            task=self.name,
            parameters=self.parameters,
        )

    def ready(self, function: object) -> bool:
        """True if ``function`` passes this check; otherwise print why not and return False.

        For a cell that *uses* the learner's function after its check: wrap it
        in ``if check.ready(function):`` so an exercise notebook still runs top
        to bottom without an error before the task is done. Never raises.

        Examples
        --------
        >>> task = Task("double", ("x",), (Case((2,), {}, 4),))
        >>> task.ready(lambda x: 2 * x)
        True
        >>> task.ready(lambda x: x)
        Skipped until double is correct: see its check above, then run this cell again.
        False
        """
        try:
            status = self.evaluate(function).status
        except Exception:
            status = "error"
        if status == "correct":
            return True
        _print_line(
            f"Skipped until {self.name} is correct: see its check above, then run this cell "
            "again."
        )
        return False

    def check(self, function: object) -> None:
        """Print the one-line verdict for ``function`` (see :func:`run_check`)."""
        run_check(
            function,
            self.cases,
            self.mistakes,
            self.compare,
            task=self.name,
            parameters=self.parameters,
        )


_CHECK_SECTIONS = """Parameters
----------
function : callable
    Your function (its name, without brackets).

Returns
-------
None
    Prints one line."""


def with_check_sections(check: Callable[..., None]) -> Callable[..., None]:
    """Give a lesson's check function the Parameters and Returns every check shares.

    Every check cell function takes the learner's function and prints one
    line; this writes that once. The sections go before the docstring's
    Examples, if it has any, and the function itself is returned unchanged.

    Examples
    --------
    >>> @with_check_sections
    ... def double(function=None):
    ...     \"\"\"Check ``double(x)``.\"\"\"
    >>> "function : callable" in double.__doc__
    True
    """
    if not callable(check):
        raise TypeError(f"check must be a check function, got {short_repr(check, 40)}")
    doc = inspect.cleandoc(check.__doc__ or "")
    if _CHECK_SECTIONS in doc:  # applied twice: nothing to add
        return check
    head, examples_heading, examples = doc.partition("\nExamples\n")
    parts = [head.rstrip(), _CHECK_SECTIONS]
    if examples_heading:
        parts.append("Examples\n" + examples)
    check.__doc__ = "\n\n".join(parts)
    return check
