"""Self-checks for the exercises of lesson 02, the shared platform.

Each function below checks one exercise task. A check cell reads::

    from infralab.checks import shared_platform as check
    check.crossing_month(crossing_month)

It runs your function on several inputs, some of them hidden from the
notebook, and prints one line: correct, not attempted yet, a hint for a common
mistake, or one input where your answer differs from the expected one.

The expected answers are worked out here, independently of the course's own
:mod:`infralab.platform`, from the definition of each task:

=====================  ==============================================================
task                   expected answer
=====================  ==============================================================
crossing_month         ``P * w0 / (C * (w0 - w1))`` months, or None when ``w0 <= w1``
columns_to_pay_off     the smallest whole ``n`` with ``n * w0 > P + n * w1``, or None
inconsistency_chance   ``1 - (1 - defect_rate) ** copies``
rating_column          a column type for ratings ``1..max_stars`` that passes the
                       contracts (judged by the contract suite, one contract per hint)
platform_decision      ``"now"`` when the share of runs that break even within the
                       horizon is at least ``confidence``, else ``"later"``
=====================  ==============================================================

(``C`` capacity in team-weeks per month, ``P`` the platform's team-weeks, ``w0``
and ``w1`` team-weeks per column type without and with the platform.)

``TASKS`` maps each task name to its :class:`~infralab.checks.core.Task`
(cases, mistakes, comparison); ``EXAMPLES`` maps it to the cases that are not
hidden.
"""

from __future__ import annotations

import math

import numpy as np

from infralab.checks.core import (
    Case,
    Mistake,
    Number,
    Task,
    Text,
    ready_for,
    with_check_sections,
)

from ._shared_platform_contracts import (
    RATING_CONTRACTS,
    PassesContracts,
    RatingRequest,
    SameProblems,
)

__all__ = [
    "EXAMPLES",
    "TASKS",
    "columns_to_pay_off",
    "crossing_month",
    "inconsistency_chance",
    "platform_decision",
    "rating_column",
    "ready",
]

# --------------------------------------------------------------------------- 1. crossing month


def _crossing(capacity, platform_weeks, weeks_without, weeks_with):
    saving = weeks_without - weeks_with
    if saving <= 0:
        return None
    return platform_weeks * weeks_without / (capacity * saving)


class _MonthOrNever(Number):
    """A month within 0.006 (two decimals are fine); "never" may be None, NaN or infinity."""

    def __call__(self, expected, got):
        if expected is None:
            try:
                if type(got) in (float, np.float64) and got == math.inf:  # type(): never asks
                    return True
            except KeyboardInterrupt:
                raise
            except BaseException:
                return False
        return super().__call__(expected, got)


def _never_raises(capacity, platform_weeks, weeks_without, weeks_with):
    return platform_weeks * weeks_without / (capacity * (weeks_without - weeks_with))


# The wrong formulas below divide by zero where the platform saves nothing, as a learner's
# would without the None case; a learner who has the None case still gets their hint.


def _break_even_instead(capacity, platform_weeks, weeks_without, weeks_with):
    return math.floor(_never_raises(capacity, platform_weeks, weeks_without, weeks_with)) + 1


CROSSING_MONTH = Task(
    name="crossing_month",
    parameters=("capacity", "platform_weeks", "weeks_without", "weeks_with"),
    summary="The month (a fraction is fine) at which the platform path catches up, or None.",
    compare=_MonthOrNever(rel_tol=1e-6, abs_tol=0.006),
    none_hint="when weeks_without <= weeks_with the platform never gets ahead; return None "
    "in that case, before dividing.",
    cases=(
        # the task's own example first: a wrong formula shows plainly on round numbers
        Case.from_reference(_crossing, 10.0, 20.0, 4.0, 2.0),
        Case.from_reference(_crossing, 17.3, 50.0, 17.4, 0.8),
        Case.from_reference(_crossing, 20.0, 0.0, 5.0, 1.0, hidden=True),
        Case.from_reference(_crossing, 10.0, 30.0, 2.0, 2.0, hidden=True),
    ),
    mistakes=(
        Mistake(
            "you returned the months spent building the platform (platform_weeks / capacity). "
            "Meanwhile the copy-per-team teams keep shipping, so the lines cross later: "
            "platform_weeks * weeks_without / (capacity * (weeks_without - weeks_with)).",
            lambda capacity, platform_weeks, weeks_without, weeks_with: platform_weeks / capacity,
        ),
        Mistake(
            "platform_weeks / (weeks_without - weeks_with) is the number of column types at "
            "which the two paths meet, not a month: capacity is missing. By hand each of those "
            "column types takes weeks_without team-weeks, and capacity team-weeks pass each "
            "month: multiply by weeks_without and divide by capacity.",
            lambda capacity, platform_weeks, weeks_without, weeks_with: (
                platform_weeks / (weeks_without - weeks_with)
            ),
        ),
        Mistake(
            "that is in team-weeks, not months: capacity is missing. Divide by capacity "
            "(the team-weeks worked each month).",
            lambda capacity, platform_weeks, weeks_without, weeks_with: (
                platform_weeks * weeks_without / (weeks_without - weeks_with)
            ),
        ),
        Mistake(
            "you used weeks_with on top of the fraction. Set the two paths equal, "
            "capacity*t/weeks_without = (capacity*t - platform_weeks)/weeks_with, and solve "
            "for t: the numerator has weeks_without.",
            lambda capacity, platform_weeks, weeks_without, weeks_with: (
                platform_weeks * weeks_with / (capacity * (weeks_without - weeks_with))
            ),
        ),
        Mistake(
            "that is the number of column types at which the paths meet, divided by capacity. "
            "Multiply by weeks_without: each of those column types takes weeks_without by hand.",
            lambda capacity, platform_weeks, weeks_without, weeks_with: (
                platform_weeks / (capacity * (weeks_without - weeks_with))
            ),
        ),
        Mistake(
            "when weeks_without <= weeks_with the platform saves nothing per column type and "
            "the lines never cross: return None in that case (check it before dividing).",
            _never_raises,
        ),
        Mistake(
            "you returned a whole month: the break-even month (the first whole month after "
            "the crossing) and the crossing month differ. Return the crossing itself, a "
            "fraction such as 3.03.",
            _break_even_instead,
        ),
    ),
)

# --------------------------------------------------------------------------- 2. columns to pay off


def _to_pay_off(platform_weeks, weeks_without, weeks_with):
    saving = weeks_without - weeks_with
    if saving <= 0:
        return None
    # the smallest whole n with n * saving > platform_weeks
    n = math.floor(platform_weeks / saving) + 1
    while n > 1 and (n - 1) * saving > platform_weeks:  # floating-point safety
        n -= 1
    return n


# As in task 1, the wrong formulas divide by zero where the answer is None.


def _to_pay_off_ceil(platform_weeks, weeks_without, weeks_with):
    return math.ceil(platform_weeks / (weeks_without - weeks_with))


def _to_pay_off_floor(platform_weeks, weeks_without, weeks_with):
    return math.floor(platform_weeks / (weeks_without - weeks_with))


def _to_pay_off_without_unique(platform_weeks, weeks_without, weeks_with):
    return math.floor(platform_weeks / weeks_without) + 1


COLUMNS_TO_PAY_OFF = Task(
    name="columns_to_pay_off",
    parameters=("platform_weeks", "weeks_without", "weeks_with"),
    summary="The fewest column types for which the platform is strictly cheaper, or None.",
    compare=Number(rel_tol=0, abs_tol=1e-9),
    none_hint="when weeks_without <= weeks_with a column type costs no less on the "
    "platform, so it never pays off; return None in that case, before dividing.",
    cases=(
        Case.from_reference(_to_pay_off, 50.0, 17.4, 0.8),
        Case.from_reference(_to_pay_off, 30.0, 12.0, 2.0, hidden=True),
        Case.from_reference(_to_pay_off, 50.0, 2.4, 0.8, hidden=True),
        Case.from_reference(_to_pay_off, 30.0, 2.0, 2.0, hidden=True),
        Case.from_reference(_to_pay_off, 0.0, 5.0, 1.0, hidden=True),
    ),
    mistakes=(
        Mistake(
            "at exactly platform_weeks / (weeks_without - weeks_with) column types the two "
            "cost the same: the platform pays off from the next whole one "
            "(floor(...) + 1, not ceil(...)).",
            _to_pay_off_ceil,
        ),
        Mistake(
            "rounding platform_weeks / (weeks_without - weeks_with) down (or to the nearest) "
            "gives the largest roadmap that does not pay off: at that many column types the "
            "platform saves at most what it cost. Add 1: floor(...) + 1.",
            _to_pay_off_floor,
        ),
        Mistake(
            "on the platform each column type still costs weeks_with: divide platform_weeks "
            "by the saving per column type, weeks_without - weeks_with.",
            _to_pay_off_without_unique,
        ),
        Mistake(
            "return a whole number of column types (floor(...) + 1), not the fraction.",
            lambda platform_weeks, weeks_without, weeks_with: (
                platform_weeks / (weeks_without - weeks_with)
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- 3. inconsistency


def _chance(copies, defect_rate):
    return 1 - (1 - defect_rate) ** copies


INCONSISTENCY_CHANCE = Task(
    name="inconsistency_chance",
    parameters=("copies", "defect_rate"),
    summary="The chance that at least one of the copies of a capability deviates.",
    compare=Number(rel_tol=1e-6, abs_tol=6e-4),  # three decimals are fine
    cases=(
        Case.from_reference(_chance, 30, 0.05),
        Case.from_reference(_chance, 1, 0.05, hidden=True),
        Case.from_reference(_chance, 0, 0.2, hidden=True),
        Case.from_reference(_chance, 6, 0.5, hidden=True),
    ),
    mistakes=(
        Mistake(
            "you added the rates (copies * defect_rate): that can pass 100%. The chance that "
            "every copy is right is (1 - defect_rate) ** copies; the answer is 1 minus that.",
            lambda copies, defect_rate: copies * defect_rate,
        ),
        Mistake(
            "min(1, copies * defect_rate) caps the sum of the rates, but it is still a sum: "
            "the chance that every copy is right is (1 - defect_rate) ** copies; the answer "
            "is 1 minus that.",
            lambda copies, defect_rate: min(1.0, copies * defect_rate),
        ),
        Mistake(
            "that is a percentage; return the chance as a share from 0 to 1 (drop the * 100).",
            lambda copies, defect_rate: 100 * (1 - (1 - defect_rate) ** copies),
        ),
        Mistake(
            "(1 - defect_rate) ** copies is the chance that every copy is right; "
            "return 1 minus it.",
            lambda copies, defect_rate: (1 - defect_rate) ** copies,
        ),
        Mistake(
            "defect_rate ** copies is the chance that *every* copy deviates. At least one "
            "deviating is 1 - (1 - defect_rate) ** copies.",
            lambda copies, defect_rate: defect_rate**copies,
        ),
    ),
)

# --------------------------------------------------------------------------- 4. rating column


class _Column:
    """A column type built by the check (duck-typed like ``platform.ColumnType``)."""

    def __init__(self, name, to_text, from_text, examples, sort_key=None):
        self.name, self.to_text, self.from_text = name, to_text, from_text
        self.examples, self.sort_key = tuple(examples), sort_key or (lambda value: value)

    def __repr__(self):
        return f"ColumnType({self.name!r})"


def _rating_parser(max_stars, *, checked=True):
    def from_text(text):
        stars = int(text)
        if checked and not 1 <= stars <= max_stars:
            raise ValueError(f"a rating is 1 to {max_stars} stars, got {text!r}")
        return stars

    return from_text


def _right_rating(max_stars):
    return _Column("rating", str, _rating_parser(max_stars), range(1, max_stars + 1))


def _rating_as_number(max_stars):
    return _Column("rating", lambda stars: stars, _rating_parser(max_stars),
                   range(1, max_stars + 1))


def _rating_as_stars(max_stars):
    return _Column("rating", lambda stars: "★" * stars, _rating_parser(max_stars),
                   range(1, max_stars + 1))


def _rating_as_formula(max_stars):
    parse = _rating_parser(max_stars)
    return _Column("rating", lambda stars: f"={stars}", lambda text: parse(text.lstrip("=")),
                   range(1, max_stars + 1))


def _rating_sorted_as_text(max_stars):
    return _Column("rating", str, _rating_parser(max_stars), range(1, max_stars + 1), sort_key=str)


def _rating_unchecked(max_stars):
    return _Column("rating", str, _rating_parser(max_stars, checked=False),
                   range(1, max_stars + 1))


def _contract_mistake(contract, hint, wrong_answer):
    return Mistake(f"the contract {contract} fails: {hint}", wrong_answer,
                   compare=SameProblems())


RATING_COLUMN = Task(
    name="rating_column",
    parameters=("max_stars",),
    summary="A rating column type (1 to max_stars) that passes every contract.",
    compare=PassesContracts(),
    cases=(
        Case((5,), {}, RatingRequest(5)),
        Case((10,), {}, RatingRequest(10), hidden=True),
        Case((3,), {}, RatingRequest(3), hidden=True),
    ),
    mistakes=(
        _contract_mistake(
            "export_is_text",
            "to_text(1) returns the number 1, not text; a spreadsheet cell is text. "
            "Use to_text=str.",
            _rating_as_number,
        ),
        _contract_mistake(
            "round_trip",
            "to_text writes stars (rating 1 exports as '★'), which from_text cannot read back. "
            "Make from_text undo to_text: to_text=str and int(text).",
            _rating_as_stars,
        ),
        _contract_mistake(
            "spreadsheet_round_trip",
            "rating 1 exports as '=1', which a spreadsheet reads as a formula, so it does not "
            "come back as written. Export the plain number, str(stars).",
            _rating_as_formula,
        ),
        _contract_mistake(
            "sort_order",
            "with sort_key=str the ratings sort as text, so 10 comes before 2. Sort by the "
            "number itself: leave sort_key out (it defaults to the value).",
            _rating_sorted_as_text,
        ),
        _contract_mistake(
            "refuses_bad_text",
            "from_text('0') gives 0 instead of raising ValueError: it reads any whole number. "
            "Raise ValueError unless 1 <= stars <= max_stars.",
            _rating_unchecked,
        ),
    ),
)

# --------------------------------------------------------------------------- 5. decision


def _decide(break_even_months, horizon_months, confidence):
    months = np.asarray(break_even_months, dtype=float)
    within = np.sum(~np.isnan(months) & (months <= horizon_months))
    return "now" if within / months.size >= confidence else "later"


def _decide_ignoring_never(break_even_months, horizon_months, confidence):
    months = np.asarray(break_even_months, dtype=float)
    months = months[~np.isnan(months)]
    if months.size == 0:
        return "later"
    return "now" if np.mean(months <= horizon_months) >= confidence else "later"


def _decide_by_median(break_even_months, horizon_months, confidence):
    months = np.asarray(break_even_months, dtype=float)
    if np.isnan(months).all():
        return "later"
    return "now" if np.nanmedian(months) <= horizon_months else "later"


def _decide_never_counts(break_even_months, horizon_months, confidence):
    months = np.asarray(break_even_months, dtype=float)
    return "now" if np.mean(~(months > horizon_months)) >= confidence else "later"


def _decide_before_horizon(break_even_months, horizon_months, confidence):
    months = np.asarray(break_even_months, dtype=float)
    within = np.sum(~np.isnan(months) & (months < horizon_months))
    return "now" if within / months.size >= confidence else "later"


def _decide_strictly(break_even_months, horizon_months, confidence):
    months = np.asarray(break_even_months, dtype=float)
    within = np.sum(~np.isnan(months) & (months <= horizon_months))
    return "now" if within / months.size > confidence else "later"


_NAN = float("nan")
_RUNS = [3.0, 4.0, 4.0, 5.0, _NAN, 6.0, 4.0, 20.0, 4.0, 5.0]

PLATFORM_DECISION = Task(
    name="platform_decision",
    parameters=("break_even_months", "horizon_months", "confidence"),
    summary="'now' when enough Monte Carlo runs break even within the horizon, else 'later'.",
    compare=Text(),
    cases=(
        Case.from_reference(_decide, _RUNS, 12, 0.8),
        Case.from_reference(_decide, _RUNS, 12, 0.9, hidden=True),
        Case.from_reference(_decide, [_NAN] * 6, 24, 0.5, hidden=True),
        Case.from_reference(_decide, [5.0] * 6 + [_NAN] * 4, 12, 0.8, hidden=True),
        Case.from_reference(_decide, [2.0] * 7 + [_NAN] * 3, 6, 0.6, hidden=True),
        Case.from_reference(_decide, [12.0] * 7 + [3.0, 4.0, _NAN], 12, 0.9, hidden=True),
    ),
    mistakes=(
        Mistake(
            "a run with no break-even (NaN) is a run where the platform never pays off within "
            "the horizon: count it in the total, as a 'no'.",
            _decide_ignoring_never,
        ),
        Mistake(
            "the median break-even month hides the runs that never break even. Decide by the "
            "share of all runs with a month <= horizon_months, against confidence.",
            _decide_by_median,
        ),
        Mistake(
            "your count takes the runs that never break even (NaN) as breaking even: "
            "not (NaN > horizon) is True. Count months <= horizon_months, where NaN gives False.",
            _decide_never_counts,
        ),
        Mistake(
            "a run that breaks even in month horizon_months itself is within the horizon: "
            "count months <= horizon_months, not <.",
            _decide_before_horizon,
        ),
        Mistake(
            "a share exactly equal to confidence is enough: build now when share >= confidence.",
            _decide_strictly,
        ),
        Mistake(
            "the answers are the wrong way round: 'now' when the share is at least confidence.",
            lambda break_even_months, horizon_months, confidence: (
                "later" if _decide(break_even_months, horizon_months, confidence) == "now"
                else "now"
            ),
        ),
    ),
)

# --------------------------------------------------------------------------- the checks

TASKS = {
    task.name: task
    for task in (
        CROSSING_MONTH,
        COLUMNS_TO_PAY_OFF,
        INCONSISTENCY_CHANCE,
        RATING_COLUMN,
        PLATFORM_DECISION,
    )
}
EXAMPLES = {name: task.examples for name, task in TASKS.items()}

#: The contracts the rating column is judged by, with what each asks.
CONTRACTS = dict(RATING_CONTRACTS)


def ready(function: object) -> bool:
    """Whether your function passes its task's check (e.g. ``check.ready("rating_column")``).

    See :func:`infralab.checks.tasks.ready_for`.
    """
    return ready_for(TASKS, function)


@with_check_sections
def crossing_month(function: object = None) -> None:
    """Check ``crossing_month(capacity, platform_weeks, weeks_without, weeks_with)``.

    The answer is ``platform_weeks * weeks_without / (capacity * (weeks_without -
    weeks_with))`` months (two decimals are enough), or None when
    ``weeks_without <= weeks_with`` (NaN or infinity are accepted too). Four
    cases, two hidden, including a free platform and one that saves nothing;
    the task's own example (10, 20, 4, 2 gives month 4.0) comes first.
    Recognises: the platform's own build time, a missing ``capacity`` (the
    column types where the paths meet, or team-weeks instead of months),
    ``weeks_with`` in the numerator, a missing factor ``weeks_without``,
    dividing by zero instead of None, the whole break-even month instead of the
    crossing. Any other function that divides by zero where the answer is None
    is told to return None there.

    Examples
    --------
    >>> crossing_month(lambda c, p, w0, w1: p * w0 / (c * (w0 - w1)) if w0 > w1 else None)
    Correct (crossing_month): right on all 4 test cases (2 of them hidden).
    >>> crossing_month(lambda c, p, w0, w1: p / (w0 - w1))  # doctest: +ELLIPSIS
    Not quite (crossing_month): platform_weeks / (weeks_without - weeks_with) is the number ...
    """
    CROSSING_MONTH.check(function)


@with_check_sections
def columns_to_pay_off(function: object = None) -> None:
    """Check ``columns_to_pay_off(platform_weeks, weeks_without, weeks_with)``.

    The answer is the smallest whole ``n`` with ``n * weeks_without >
    platform_weeks + n * weeks_with``, or None when the platform saves nothing
    per column type. Five cases, four hidden, including a tie. Recognises:
    ``ceil`` at a tie, rounding down (or to the nearest) without the + 1,
    forgetting that columns still cost ``weeks_with``, the fraction instead of
    a whole number. A function that divides by zero where the answer is None
    is told to return None there.

    Examples
    --------
    >>> columns_to_pay_off(lambda p, w0, w1: int(p * w1 // (w0 - w1)))  # doctest: +ELLIPSIS
    Not quite (columns_to_pay_off): columns_to_pay_off(30.0, 2.0, 2.0) (a hidden case) raised ...
    """
    COLUMNS_TO_PAY_OFF.check(function)


@with_check_sections
def inconsistency_chance(function: object = None) -> None:
    """Check ``inconsistency_chance(copies, defect_rate)``.

    The answer is ``1 - (1 - defect_rate) ** copies`` (three decimals are
    enough). Four cases, three hidden, including no copies. Recognises: adding
    the rates (capped at 1 or not), a percentage, the chance all copies are
    right, the chance all are wrong.

    Examples
    --------
    >>> inconsistency_chance(lambda copies, defect_rate: 1 - (1 - defect_rate) ** copies)
    Correct (inconsistency_chance): right on all 4 test cases (3 of them hidden).
    """
    INCONSISTENCY_CHANCE.check(function)


@with_check_sections
def rating_column(function: object = None) -> None:
    """Check ``rating_column(max_stars)``: a column type judged by the contract suite.

    Your column type for ratings ``1..max_stars`` must pass every contract in
    :data:`CONTRACTS` (export is text, round trip, spreadsheet round trip through
    a real CSV and .xlsx, sort order with the examples in that order, refusing
    bad text). Three cases, two hidden (10 stars, 3 stars). The line names the
    first failed contract, the rating or text that failed it and how to fix
    it, then how many more contracts fail.
    """
    RATING_COLUMN.check(function)


@with_check_sections
def platform_decision(function: object = None) -> None:
    """Check ``platform_decision(break_even_months, horizon_months, confidence)``.

    ``break_even_months`` holds one month per Monte Carlo run, NaN where the
    platform never breaks even. The answer is ``"now"`` when the share of all
    runs with a month ``<= horizon_months`` is at least ``confidence``, else
    ``"later"`` (any case). Six cases, five hidden, one with runs in the
    horizon's own month. Recognises: ignoring the runs that never break even,
    counting them as breaking even, ``<`` instead of ``<=`` for the horizon,
    deciding by the median, ``>`` instead of ``>=``, the answers swapped.

    Examples
    --------
    >>> import numpy as np
    >>> platform_decision(lambda months, horizon, confidence: "now"
    ...     if np.mean(np.nan_to_num(months, nan=np.inf) <= horizon) >= confidence else "later")
    Correct (platform_decision): right on all 6 test cases (5 of them hidden).
    """
    PLATFORM_DECISION.check(function)
