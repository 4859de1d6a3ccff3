"""How a self-check runs: cases, common mistakes, verdicts and tasks.

:class:`Case` holds one input and its expected answer, :class:`Mistake` a
common wrong answer with its hint, :class:`Verdict` the outcome of a check.
:func:`evaluate` runs the learner's function on every case and never raises;
:func:`run_check` prints the verdict's one line. :class:`Task` bundles all a
check needs for one exercise task, and :func:`with_check_sections` writes the
docstring sections every check function shares. They are re-exported by
:mod:`infralab.checks.core`.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from infralab.validation import short_repr

from .comparators import Comparator, Number, _one_line

__all__ = [
    "STATUSES",
    "Case",
    "Mistake",
    "Task",
    "Verdict",
    "evaluate",
    "run_check",
    "with_check_sections",
]

STATUSES = ("correct", "not_attempted", "incorrect", "error", "not_a_function")

# --------------------------------------------------------------------------- text helpers


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
