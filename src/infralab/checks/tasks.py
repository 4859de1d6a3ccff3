"""How a self-check runs: cases, common mistakes, verdicts and tasks.

:class:`Case` holds one input and its expected answer, :class:`Mistake` a
common wrong answer with its hint, :class:`Verdict` the outcome of a check.
:func:`evaluate` runs the learner's function on every case and never raises;
:func:`run_check` prints the verdict's one line. :class:`Task` bundles all a
check needs for one exercise task, and :func:`with_check_sections` writes the
docstring sections every check function shares. They are re-exported by
:mod:`infralab.checks.core`.

Whatever a learner's code does, a check cell shows one line:

- **It never ends.** Each call of the learner's function, and each look at
  what it returned (its ``==``, ``len()``, ``repr()``...), may take
  :data:`TIME_LIMIT_SECONDS` (10 s); past that the check stops it and names the
  case: "took longer than 10 s: is there an endless loop?". The limit is a
  ``SIGALRM`` timer (:func:`signal.setitimer`), which works where notebook code
  runs: the main thread of a Jupyter kernel (or of plain Python) on Linux and
  macOS. There is no limit on Windows (no ``SIGALRM``), outside the main
  thread, or while another real-time timer is running: that timer and its
  handler are left alone. The previous handler is put back after every check,
  and the timer is off. A single long call into C (one huge numpy operation)
  is stopped when it returns to Python; a loop that catches every exception,
  ``KeyboardInterrupt`` included (a bare ``except:``), cannot be stopped, and
  neither can code that takes the timer away from the check (a new ``SIGALRM``
  handler, ``signal.setitimer``, a blocked signal): the Interrupt button still
  ends such a check with one line.
- **It leaves something running.** A thread the learner's function started,
  or an object whose ``__del__`` raises once the garbage collector reaches it,
  can print after the check's line; the check does not follow them.
- **It is interrupted.** A ``KeyboardInterrupt`` during a check, from the
  notebook's Interrupt button or raised by the learner's code, ends the check
  with ``Interrupted (task): ...`` instead of a traceback, and the kernel goes
  on as after any cell.
- **It raises anything**, ``SystemExit`` or a learner's own ``BaseException``
  included, or returns a value whose ``__repr__``, ``__str__``, ``__eq__``,
  ``__len__``, ``__iter__``, ``__bool__``, ``__array__`` or even ``__class__``
  raises: the answer is reported, never the check.
- **It returns a one-shot iterator** (a generator, ``map``, ``filter``,
  ``iter(...)``), which comparing it would empty: it is read once, right after
  the call (its first 20 items, within the time limit), and counts as a wrong
  answer whose message shows what it gave: "returned a generator of ['a', 'b'],
  which can be read only once; return a list instead". For a function that
  ``yield``\\ s, the advice is to ``return`` the answer instead.
- **It changes what it is given.** Every value handed to learner code is a
  fresh deep copy: each call's arguments, and the expected answer its result
  is compared with. A :class:`Case` hands out a deep copy of its ``args``,
  ``kwargs`` and ``expected`` each time they are read, so the example inputs a
  sheet takes from a check module's ``EXAMPLES`` are the learner's to change.
- **It prints.** ``print`` output and warnings are swallowed, and so are writes
  to file descriptors 1 and 2 (``os.write(1, ...)``): while a check runs both
  point to :data:`os.devnull`, and they are put back when it ends, however it
  ends. In a Jupyter kernel those descriptors are ipykernel's pipes to the
  notebook; they are restored the same way.
- **It is not defined yet.** :meth:`Task.check` with no function (a check cell
  ``check.doubling_time_days()``) looks the function up by the task's name among
  the variables of the code that called it (a notebook cell's are the
  notebook's), then in IPython's user namespace. When there is none, the line
  says to run the cell that defines it first: a cell that names the function,
  ``check.doubling_time_days(doubling_time_days)``, would stop with a
  ``NameError`` before any check runs.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import itertools
import math
import os
import signal
import sys
import threading
import types
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
    "ready_for",
    "run_check",
    "with_check_sections",
]

STATUSES = ("correct", "not_attempted", "incorrect", "error", "not_a_function")

#: Seconds one call of the learner's function (or one look at its answer) may take.
TIME_LIMIT_SECONDS = 10.0

#: How many items of a one-shot iterator the check reads to show them.
_PREVIEW_ITEMS = 20

# --------------------------------------------------------------------------- text helpers


def _type_name(value: object) -> str:
    try:
        name = type(value).__name__  # type() runs none of the value's code
        return name if isinstance(name, str) else "object"
    except KeyboardInterrupt:
        raise
    except BaseException:
        return "object"


def _kind(value: object) -> str:
    """'a float', 'an int': the type of ``value`` with its article."""
    name = _type_name(value)
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _error_text(error_type: type[BaseException], error: BaseException) -> str:
    try:
        detail = _one_line(str(error))
    except KeyboardInterrupt:
        raise
    except BaseException:  # an exception that cannot be shown is still named
        detail = ""
    if len(detail) > 150:
        detail = detail[:147] + "..."
    name = _type_name(error)
    return f"{name}: {detail}" if detail else name


# --------------------------------------------------------------------------- cases, mistakes


class _Fresh:
    """A field of :class:`Case` that hands out a deep copy of its value each time it is read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, case: object, owner: type | None = None) -> object:
        if case is None:  # read on the class: the dataclass field has no default
            raise AttributeError(self.slot)
        return copy.deepcopy(case.__dict__[self.slot])

    def __set__(self, case: object, value: object) -> None:
        case.__dict__[self.slot] = value


@dataclass(frozen=True)
class Case:
    """One input to try and the answer expected for it.

    ``args``, ``kwargs`` and ``expected`` hand out a fresh deep copy each time
    they are read: whatever learner code does to what it is given, even the
    examples a notebook takes from a check module's ``EXAMPLES``, the case
    itself never changes.

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

    Examples
    --------
    >>> case = Case(([3, 1, 2],), {}, [1, 2, 3])
    >>> case.args[0].sort()
    >>> case.args
    ([3, 1, 2],)
    """

    args: tuple = _Fresh()  # type: ignore[assignment]
    kwargs: Mapping[str, object] = _Fresh()  # type: ignore[assignment]
    expected: object = _Fresh()
    label: str | None = field(default=None, kw_only=True)
    hidden: bool = field(default=False, kw_only=True)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._stored() == other._stored()  # type: ignore[attr-defined]

    def _stored(self) -> tuple:
        stored = self.__dict__
        return (stored["_args"], stored["_kwargs"], stored["_expected"], self.label, self.hidden)

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
    ``wrong_answer`` (the same value, or the same exception type), and the
    agreement is not a coincidence of errors: on at least one of those cases
    ``wrong_answer`` *returns* the learner's value. A mistake that only ever
    differs by raising (a missing special case that divides by zero) is
    recognised by its errors alone, but then it must be right wherever the
    learner is right: a function that raises a ``ZeroDivisionError`` at a rate
    of 0 and is right everywhere else is not blamed for a wrong formula that
    happens to raise there too.

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
class _OneShot:
    """What a one-shot iterator gave when the check read it once, right after the call."""

    kind: str
    items: tuple | None  # None when reading it failed
    more: bool = False
    yields: bool = False  # a generator function's result: `yield` where `return` was meant

    def describe(self) -> str:
        if self.items is None:
            return self.kind
        shown = short_repr(list(self.items), 40)
        if self.more and shown.endswith("]"):
            shown = shown[:-1] + ", ...]"
        return f"{self.kind} of {shown}"

    def advice(self) -> str:
        if self.yields:
            return "give back the answer with `return`, not `yield`"
        return "return a list instead: wrap it in list(...)"


@dataclass(frozen=True)
class _Outcome:
    value: object = None
    error_type: type[BaseException] | None = None
    error_text: str = ""
    one_shot: _OneShot | None = None
    timed_out: bool = False


# --------------------------------------------------------------------------- time limit


class _TimeLimitReached(KeyboardInterrupt):
    """Raised in the learner's code when its time is up.

    A ``KeyboardInterrupt``, like the Interrupt button: an ``except Exception``
    in the learner's loop cannot swallow it, and the comparators let it through.
    """


class _Alarm:
    """The time limit of one check: a ``SIGALRM`` handler, installed while the check runs.

    Used as a context manager around the whole check; :func:`_limited` arms it
    for one step. Without ``setitimer`` (Windows), outside the main thread, or
    while another real-time timer runs, it does nothing and there is no limit.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.installed = False
        self.active = False
        self._previous: object = None

    def __enter__(self) -> _Alarm:
        try:
            usable = (
                hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread()
                and 0 < float(self.seconds) < math.inf
                and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
            )
            if usable:
                self._previous = signal.signal(signal.SIGALRM, self._ring)
                self.installed = True
        except (ValueError, TypeError, OSError):  # no signals here: no limit
            self.installed = False
        return self

    def _ring(self, signum: int, frame: object) -> None:
        if self.active:  # only while learner code runs, never in the check's own
            signal.setitimer(signal.ITIMER_REAL, 0.1)  # again, if the learner swallows it
            raise _TimeLimitReached()

    def start(self) -> None:
        if self.installed:
            self.active = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def stop(self) -> None:
        self.active = False
        if self.installed:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def __exit__(self, *exc_info: object) -> None:
        if not self.installed:
            return
        interrupted: KeyboardInterrupt | None = None
        while self.installed:
            try:
                self.stop()
                previous = self._previous if self._previous is not None else signal.SIG_DFL
                signal.signal(signal.SIGALRM, previous)  # type: ignore[arg-type]
                self.installed = False
            except KeyboardInterrupt as error:  # pressed just now: put things back first
                interrupted = error
        if interrupted is not None and exc_info[0] is None:
            raise interrupted


def _limited(
    alarm: _Alarm | None,
    action: Callable[..., object],
    args: Sequence[object] = (),
    kwargs: Mapping[str, object] | None = None,
) -> tuple[bool, object]:
    """``(True, action(*args, **kwargs))``, or ``(False, None)`` if its time ran out.

    Whatever ``action`` raises goes through; the alarm is off again either way.
    """
    kwargs = {} if kwargs is None else kwargs
    if alarm is None or not alarm.installed:
        return True, action(*args, **kwargs)
    try:
        alarm.start()
        result = action(*args, **kwargs)
        alarm.active = False  # first, before anything else can run
    except _TimeLimitReached:
        alarm.active = False
        alarm.stop()
        return False, None
    except BaseException:
        alarm.active = False
        alarm.stop()
        raise
    alarm.stop()
    return True, result


# --------------------------------------------------------------------------- silence


class _QuietDescriptors:
    """Point file descriptors 1 and 2 at ``os.devnull``; put them back on exit, always."""

    def __init__(self) -> None:
        self.saved: list[tuple[int, int]] = []

    @staticmethod
    def _flush() -> None:
        for stream in (sys.__stdout__, sys.__stderr__):
            try:
                if stream is not None:
                    stream.flush()
            except Exception:  # a closed or odd stream: nothing to flush
                pass

    def __enter__(self) -> _QuietDescriptors:
        self._flush()  # what was written before the check still shows
        try:
            null = os.open(os.devnull, os.O_WRONLY)
        except OSError:
            return self
        try:
            for descriptor in (1, 2):
                try:
                    saved = os.dup(descriptor)
                except OSError:  # not open here (a windowless Python on Windows)
                    continue
                self.saved.append((descriptor, saved))
                with contextlib.suppress(OSError):
                    os.dup2(null, descriptor)
        finally:
            os.close(null)
        return self

    def __exit__(self, *exc_info: object) -> None:
        interrupted: KeyboardInterrupt | None = None
        flushed = False
        while self.saved:
            try:
                if not flushed:
                    self._flush()  # what learner code left in Python's buffers goes nowhere
                    flushed = True
                descriptor, saved = self.saved[-1]
                with contextlib.suppress(OSError):
                    os.dup2(saved, descriptor)
                with contextlib.suppress(OSError):
                    os.close(saved)
                self.saved.pop()
            except KeyboardInterrupt as error:  # pressed just now: put things back first
                interrupted = error
        if interrupted is not None and exc_info[0] is None:
            raise interrupted


@contextlib.contextmanager
def _quietly() -> Iterator[None]:
    """Swallow prints, writes to descriptors 1 and 2, warnings and numpy complaints."""
    sink = io.StringIO()
    with (
        _QuietDescriptors(),
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
        warnings.catch_warnings(),
        np.errstate(all="ignore"),
    ):
        warnings.simplefilter("ignore")
        yield


# --------------------------------------------------------------------------- evaluation


def _accepts(compare: Comparator, got: object) -> bool:
    """``compare.accepts(got)``, False when the answer breaks even that check."""
    try:
        return bool(compare.accepts(got))
    except KeyboardInterrupt:
        raise
    except BaseException:
        return False


def _call(function: Callable[..., object], case: Case, alarm: _Alarm | None) -> _Outcome:
    args, kwargs = case.args, dict(case.kwargs)  # fresh copies: the case hands out copies
    try:
        finished, value = _limited(alarm, function, args, kwargs)
    except KeyboardInterrupt:  # the Interrupt button (or the learner's own): ends the check
        raise
    except BaseException as error:  # anything else the learner raises, SystemExit included
        return _Outcome(error_type=type(error), error_text=_error_text(type(error), error))
    if not finished:
        return _Outcome(timed_out=True)
    return _settle(value, alarm)


def _first_items(iterator: Iterator[object]) -> tuple[tuple, bool]:
    items = tuple(itertools.islice(iterator, _PREVIEW_ITEMS + 1))
    return items[:_PREVIEW_ITEMS], len(items) > _PREVIEW_ITEMS


def _settle(value: object, alarm: _Alarm | None) -> _Outcome:
    """The outcome for a returned value; a one-shot iterator is read once, here."""
    kind = type(value)  # type(), not isinstance(): a hostile __class__ is never asked
    try:
        if kind is types.CoroutineType:  # an `async def`: close it so no warning appears later
            value.close()  # type: ignore[attr-defined]
            return _Outcome(value=value)
        if not issubclass(kind, Iterator):
            return _Outcome(value=value)
        code = value.gi_code if kind is types.GeneratorType else None  # type: ignore[attr-defined]
        yields = code is not None and code.co_name != "<genexpr>"
    except KeyboardInterrupt:
        raise
    except BaseException:  # a type that breaks even issubclass: compare the value as it is
        return _Outcome(value=value)
    try:
        finished, read = _limited(alarm, _first_items, (value,))
    except KeyboardInterrupt:
        raise
    except BaseException:  # reading it raised: say what it is without its items
        finished, read = True, None
    if not finished:
        return _Outcome(timed_out=True)
    items, more = read if read is not None else (None, False)  # type: ignore[misc]
    return _Outcome(one_shot=_OneShot(_kind(value), items, more, yields))


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
    except KeyboardInterrupt:
        raise
    except BaseException:  # some built-ins have no signature: just call them
        return None
    try:
        signature.bind(*case.args, **case.kwargs)
    except TypeError:
        count = len(case.args) + len(case.kwargs)
        wanted = f"{task}({', '.join(parameters)})" if parameters else f"{count} argument(s)"
        try:
            theirs = _one_line(str(signature))  # shows default values: learner objects
        except KeyboardInterrupt:
            raise
        except BaseException:
            theirs = "other parameters"
        theirs = theirs if len(theirs) <= 60 else theirs[:57] + "..."
        return (
            f"Error ({task}): your function takes {theirs} but the check calls it as {wanted}. "
            "Keep the parameters given in the exercise."
        )
    return None


def _before_calls(
    function: object, case: Case, task: str, parameters: Sequence[str] | None
) -> Verdict | None:
    """The verdict when ``function`` cannot be called as the task asks, else None."""
    if not callable(function):
        got = "None" if function is None else f"{short_repr(function, 40)} ({_kind(function)})"
        return Verdict(
            "not_a_function",
            f"Not a function ({task}): pass your function itself, its name without brackets "
            f"after it; got {got}.",
        )
    problem = _signature_problem(function, case, task, parameters)
    return Verdict("error", problem) if problem else None


def _matches(
    mistake: Mistake,
    cases: Sequence[Case],
    outcomes: Sequence[_Outcome],
    failing: Sequence[int],
    compare: Comparator,
) -> bool:
    """True if the learner's answers are those of ``mistake`` (see :class:`Mistake`)."""
    comparator = mistake.compare or compare
    same_value = False
    for index in failing:
        wrong = _call(mistake.wrong_answer, cases[index], None)
        got = outcomes[index]
        if wrong.error_type is not None or got.error_type is not None:
            if wrong.error_type is not got.error_type:
                return False
        elif comparator(wrong.value, got.value):
            same_value = True
        else:
            return False
    if same_value:
        return True
    # Only errors agree: the mistake must then be the learner's function exactly,
    # right on every case where the learner is right.
    wrong_somewhere = set(failing)
    for index, case in enumerate(cases):
        if index in wrong_somewhere:
            continue
        wrong = _call(mistake.wrong_answer, case, None)
        if wrong.error_type is not None or not compare(case.expected, wrong.value):
            return False
    return True


def _too_slow(task: str, case: Case, seconds: float) -> Verdict:
    return Verdict(
        "error",
        f"Stopped ({task}): {_describe_call(task, case)} took longer than {seconds:g} s: "
        "is there an endless loop? Make sure every loop ends, then run this check again.",
    )


def _interrupted(task: str, case: Case | None) -> str:
    try:
        where = f" at {_describe_call(task, case)}" if case is not None else ""
    except BaseException:  # pressed again while the case is shown: say less
        where = ""
    return (
        f"Interrupted ({task}): the check stopped{where} on a KeyboardInterrupt (the "
        "Interrupt button, or your code raised it). Run this check again when you are ready."
    )


def evaluate(
    function: object,
    cases: Sequence[Case],
    mistakes: Sequence[Mistake] = (),
    compare: Comparator | None = None,
    *,
    task: str = "your function",
    parameters: Sequence[str] | None = None,
    none_hint: str = "",
) -> Verdict:
    """Run ``function`` on every case and return a :class:`Verdict`.

    Each call, and each look at what it returned, has
    :data:`TIME_LIMIT_SECONDS`; a ``KeyboardInterrupt`` ends the check with an
    ``Interrupted`` verdict (see the module's notes for both).

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
    none_hint : str, optional
        What to say when the function divides by zero on a case whose answer is
        ``None`` (it did not ask first); a general sentence by default.

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
    running: list[Case | None] = [None]  # the case being run, for an interrupt's message
    seconds = TIME_LIMIT_SECONDS
    try:
        with _quietly(), _Alarm(seconds) as alarm:
            return _evaluate(
                function, cases, tuple(mistakes), compare, task, parameters, alarm, running,
                none_hint,
            )
    except _TimeLimitReached:  # time ran out outside any one step: blame the case running
        return _too_slow(task, running[0] or cases[0], seconds)
    except KeyboardInterrupt:
        return Verdict("error", _interrupted(task, running[0]))


def _evaluate(
    function: object,
    cases: tuple[Case, ...],
    mistakes: tuple[Mistake, ...],
    compare: Comparator,
    task: str,
    parameters: Sequence[str] | None,
    alarm: _Alarm,
    running: list[Case | None],
    none_hint: str = "",
) -> Verdict:
    running[0] = cases[0]
    finished, verdict = _limited(alarm, _before_calls, (function, cases[0], task, parameters))
    if not finished:
        return _too_slow(task, cases[0], alarm.seconds)
    if verdict is not None:
        return verdict  # type: ignore[return-value]

    outcomes = []
    for case in cases:
        running[0] = case
        outcome = _call(function, case, alarm)  # type: ignore[arg-type]
        if outcome.timed_out:
            return _too_slow(task, case, alarm.seconds)
        outcomes.append(outcome)
    running[0] = None
    if all(outcome.error_type is NotImplementedError for outcome in outcomes):
        return Verdict(
            "not_attempted",
            f"Not attempted yet ({task}): the function still raises NotImplementedError. "
            "Replace `raise NotImplementedError()` with your code, run that cell, "
            "then run this check again.",
        )
    failing = []
    for index, (case, outcome) in enumerate(zip(cases, outcomes, strict=True)):
        if outcome.error_type is not None or outcome.one_shot is not None:
            failing.append(index)
            continue
        finished, same = _limited(alarm, compare, (case.expected, outcome.value))
        if not finished:  # the answer's own ==, len() or iter() never ends
            return _too_slow(task, case, alarm.seconds)
        if not same:
            failing.append(index)
    if not failing:
        hidden = sum(case.hidden for case in cases)
        extra = f" ({hidden} of them hidden)" if hidden else ""
        return Verdict(
            "correct", f"Correct ({task}): right on all {len(cases)} test cases{extra}."
        )
    finished, verdict = _limited(
        alarm, _explain, (cases, outcomes, failing, mistakes, compare, task, none_hint)
    )
    if not finished:
        return _too_slow(task, cases[failing[0]], alarm.seconds)
    return verdict  # type: ignore[return-value]


def _explain(
    cases: tuple[Case, ...],
    outcomes: Sequence[_Outcome],
    failing: Sequence[int],
    mistakes: tuple[Mistake, ...],
    compare: Comparator,
    task: str,
    none_hint: str = "",
) -> Verdict:
    """The verdict for the failing cases: a one-shot iterator, a mistake, an error..."""
    for index in failing:
        shot = outcomes[index].one_shot
        if shot is not None:
            return Verdict(
                "incorrect",
                f"Not quite ({task}): {_describe_call(task, cases[index])} returned "
                f"{shot.describe()}, which can be read only once; {shot.advice()}.",
            )

    for mistake in mistakes:
        if _matches(mistake, cases, outcomes, failing, compare):
            return Verdict("incorrect", f"Not quite ({task}): {mistake.hint}")

    for index in failing:  # divided where the answer is None: it did not ask first
        outcome, case = outcomes[index], cases[index]
        if case.expected is None and outcome.error_type is ZeroDivisionError:
            advice = none_hint or "check for that case first and return None, before dividing."
            return Verdict(
                "incorrect",
                f"Not quite ({task}): {_describe_call(task, case)} raised ZeroDivisionError, "
                f"and there the answer is None: {advice}",
            )

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
    none_hint: str = "",
) -> None:
    """Evaluate ``function`` and print the verdict's one-line message.

    Takes the same arguments as :func:`evaluate`. Returns ``None`` so a check
    cell displays nothing but that line, and never raises.
    """
    try:
        message = evaluate(
            function, cases, mistakes, compare, task=task, parameters=parameters,
            none_hint=none_hint,
        ).message
    except KeyboardInterrupt:  # pressed before the learner's code even ran
        message = _interrupted(task, None)
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


# --------------------------------------------------------------------------- look-up by name


#: The folder of the check modules: a frame running code from a file here is the check's own.
_CHECKS_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")


def _in_the_checks(frame: types.FrameType) -> bool:
    return os.path.abspath(frame.f_code.co_filename).startswith(_CHECKS_FOLDER)


def _look_up(name: str) -> tuple[bool, object]:
    """``(True, value)`` of the variable ``name`` where the check was called from.

    The first caller whose code is not in :mod:`infralab.checks` is the notebook
    cell (its globals are the notebook's variables) or the code that called the check;
    its local variables are searched, then its globals, then IPython's user
    namespace. ``(False, None)`` when none of them has ``name``.
    """
    frame = inspect.currentframe()
    try:
        while frame is not None and _in_the_checks(frame):
            frame = frame.f_back
        if frame is not None:
            for namespace in (frame.f_locals, frame.f_globals):
                if name in namespace:
                    return True, namespace[name]
    finally:
        del frame  # a frame kept here would keep the whole cell alive
    shell = _ipython_shell()
    namespace = getattr(shell, "user_ns", None)
    if isinstance(namespace, Mapping) and name in namespace:
        return True, namespace[name]
    return False, None


def _ipython_shell() -> object:
    """The running IPython shell, if IPython is already in use; never imports it."""
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    try:
        return get_ipython() if callable(get_ipython) else None
    except Exception:
        return None


def _not_defined(task: str) -> str:
    return (
        f"Not attempted yet ({task}): there is no `{task}` yet. Run the cell that defines it "
        "first, then this check again."
    )


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
    none_hint : str
        What to say when the function divides by zero where the answer is ``None``
        (see :func:`evaluate`).
    """

    name: str
    parameters: tuple[str, ...]
    cases: tuple[Case, ...]
    mistakes: tuple[Mistake, ...] = ()
    compare: Comparator = field(default_factory=Number)
    summary: str = ""
    none_hint: str = ""

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
            none_hint=self.none_hint,
        )

    def ready(self, function: object = None) -> bool:
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

        Without ``function`` (or with ``None``), the function named like the task
        is looked up as :meth:`check` does.

        >>> task.ready()
        Skipped until double is written: run the cell that defines it and its check, then this cell again.
        False
        """  # noqa: E501
        if function is None:
            found, function = _look_up(self.name)
            if not found:
                _print_line(
                    f"Skipped until {self.name} is written: run the cell that defines it and its "
                    "check, then this cell again."
                )
                return False
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

    def check(self, function: object = None) -> None:
        """Print the one-line verdict for ``function`` (see :func:`run_check`).

        Without ``function`` (or with ``None``), the function named like the task
        is looked up where the check was called from: a notebook cell's variables,
        then IPython's user namespace. When there is none, one line asks for the
        cell that defines it to be run first.

        Examples
        --------
        >>> task = Task("double", ("x",), (Case((2,), {}, 4),))
        >>> task.check()
        Not attempted yet (double): there is no `double` yet. Run the cell that defines it first, then this check again.
        >>> def double(x):
        ...     return 2 * x
        >>> task.check()
        Correct (double): right on all 1 test cases.
        """  # noqa: E501
        if function is None:
            found, function = _look_up(self.name)
            if not found:
                _print_line(_not_defined(self.name))
                return
        run_check(
            function,
            self.cases,
            self.mistakes,
            self.compare,
            task=self.name,
            parameters=self.parameters,
            none_hint=self.none_hint,
        )


_CHECK_SECTIONS = """Parameters
----------
function : callable, optional
    Your function (its name, without brackets). Left out, the function named
    like the task is found among the notebook's variables.

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


def ready_for(tasks: Mapping[str, Task], function: object) -> bool:
    """A check module's ``ready``: whether a learner's function passes its task's check.

    Cells that use a learner's function after its check start with
    ``if check.ready("task_name"):``, so a sheet runs top to bottom before anything
    is written. ``function`` is the task's name (the function is then found by that
    name, so a cell run before the function's cell skips rather than fails) or the
    function itself (its name says the task). Prints one line and returns False when
    no task of ``tasks`` goes by that name; otherwise :meth:`Task.ready`.

    Parameters
    ----------
    tasks : mapping of str to Task
        The check module's tasks, by name.
    function : str or callable
        The task's name, or the learner's function.

    Returns
    -------
    bool

    Examples
    --------
    >>> ready_for({}, lambda: None)
    Skipped: this cell needs one of your exercise functions, by its name.
    False
    """
    if isinstance(function, str):
        task, function = tasks.get(function), None
    else:
        try:  # a hostile object's name may raise anything, or not be text
            name = getattr(function, "__name__", "")
        except BaseException:  # noqa: BLE001 - one calm line, whatever the object does
            name = ""
        task = tasks.get(name) if isinstance(name, str) else None
    if task is None:
        print("Skipped: this cell needs one of your exercise functions, by its name.")
        return False
    return task.ready(function)
