"""What every public-API spec is made of: :class:`Spec` and the invalid values by kind.

``tests/test_public_api.py`` holds the specs of the shared modules and finds each
lesson's in ``tests/lessons/<slug>/api_specs.py`` (``SPECS`` and ``RECORDS``), through
:data:`infralab.lessons.LESSONS`; both build them from what is here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# --------------------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Spec:
    """How to call one public function with valid and with invalid arguments.

    Attributes
    ----------
    valid : strategy of dict
        Keyword arguments that are valid together.
    invalid : mapping of str to sequence
        Per parameter, values that must be refused whatever the other arguments.
    unchecked : mapping of str to str
        Parameters that take any value by design, with the reason.
    names : mapping of str to str
        The text an error about a parameter must contain, when it is not the
        parameter's own name (a validation helper names its ``name`` argument).
    call : callable, optional
        ``call(function, kwargs)``, when a plain ``function(**kwargs)`` will not do.
    non_finite : str
        Why a NaN, infinity or NaT in the result is legitimate ("" = never).
    valid_calls : str
        Why valid calls are not made here ("" = they are).
    gaps : mapping of str to str
        Known bugs: parameters whose invalid values slip through, and how.
    """

    valid: st.SearchStrategy
    invalid: Mapping[str, Sequence[object]] = field(default_factory=dict)
    unchecked: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    call: Callable[[Callable, dict], object] | None = None
    non_finite: str = ""
    valid_calls: str = ""
    gaps: Mapping[str, str] = field(default_factory=dict)


# Invalid values, by kind of parameter.
NOT_A_NUMBER = (None, "1.5", True, [1.0], math.nan)


def bad_number(low=None, high=None, *, open_low=False, open_high=False, inf=False, none=True):
    values = [value for value in NOT_A_NUMBER if none or value is not None]
    if not inf:
        values += [math.inf, -math.inf]
    if low is not None:
        values.append(low if open_low else low - max(1.0, abs(low)))
    if high is not None:
        values.append(high if open_high else high + max(1.0, abs(high)))
    return tuple(values)


def bad_integer(low=None, high=None):
    values = [None, "3", 2.5, math.nan, math.inf, True, [3]]
    if low is not None:
        values.append(low - 1)
    if high is not None:
        values.append(high + 1)
    return tuple(values)


def bad_choice(*options):
    return (None, 3, "no such option", True, [options[0]], options[0].upper() + "!")


BAD_SEED = (-1, 1.5, "0", None, True, math.nan)
BAD_FLAG = (None, 1, "yes", 0.0)
BAD_TEXT = (None, 3, True, ["text"])
BAD_PATH = (3, 2.5, True, ["folder"], b"folder")
BAD_DATE = (None, 20200101, "not a date", "today", pd.NaT, pd.Timestamp("2020-01-01", tz="UTC"))
BAD_ARRAY = (None, "1, 2, 3", [], [math.nan, 1.0, 2.0], [[1.0, 2.0], [3.0, 4.0]], [True, False])
BAD_FUNCTION = (None, 3, "draw", [print])

SEEDS = st.integers(0, 2**32 - 1)
NEVER_WRITTEN = str(Path(__file__).with_name("never-written-by-the-fuzz.txt"))

# Why a known gap slips through, by kind.
PATH_GAP = "a non-path reaches pathlib, whose TypeError does not name the argument"
PLOT_GAP = "passed to matplotlib unchecked: None or a number is drawn or fails without the name"
RECORD_GAP = "a frozen dataclass that checks none (or only some) of its fields"
SEQUENCE_GAP = "not checked: None or a wrong type fails later without the argument's name"
DATES = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))


def finite(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def kwargs(**strategies):
    return st.fixed_dictionaries(strategies)


def _close_figures(function: Callable, arguments: dict) -> object:
    try:
        return function(**arguments)
    finally:
        plt.close("all")

