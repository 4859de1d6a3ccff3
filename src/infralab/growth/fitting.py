"""Fitting growth: a straight line through the data, or through its logarithm.

Time is measured in *days*: plain float day numbers (day 0, 1, 2, ...). Every
model is fitted by ordinary least squares on the scale where it is a straight
line:

- ``"linear"``: ``value = intercept + slope * day`` (units per day).
- ``"exponential"``: ``log(value) = intercept + slope * day``; ``slope`` is the
  continuous daily growth rate, ``exp(slope) - 1`` the daily growth rate.
- ``"piecewise"``: a regime change. Two independent exponential segments, one
  before and one from ``breakpoint_day``; only the current (later) regime is
  projected forward.

Searching for a regime change scores every split at once from cumulative sums
and keeps the best one only if it fits clearly better than one exponential, by
a BIC-style margin (Schwarz, 1978): ``n * ln(SSE_single / SSE_split) > 3 * ln(n)``,
that is three extra parameters (a second intercept, slope and the break) each
charged ``ln(n)``. Otherwise the fit is one exponential with no break.

References
----------
Schwarz, G. (1978). Estimating the dimension of a model. *Annals of
Statistics* 6(2), 461-464 (the Bayesian information criterion).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np

from ..validation import check_array, check_choice, check_integer, check_number
from ._least_squares import _best_split, _line_fit, _residual_sd

__all__ = [
    "DAYS_PER_MONTH",
    "MODELS",
    "GrowthFit",
    "days_until_limit",
    "find_regime_change",
    "fit_growth",
    "monthly_growth_pct",
]

#: The growth models :func:`fit_growth` knows.
MODELS = ("linear", "exponential", "piecewise")

#: Days in an average month (365.25 / 12 = 30.4375, rounded), to quote monthly growth.
DAYS_PER_MONTH = 30.44

#: The models fitted on the log scale.
_LOG_MODELS = ("exponential", "piecewise")

#: A searched-for break must lower the squared error by this many ln(n) (BIC-style).
_BREAK_PENALTY = 3.0

#: ln of the largest float: exp of anything above it overflows to inf.
_LOG_FLOAT_MAX = math.log(sys.float_info.max)


def _compound_monthly_pct(log_daily_factor: float) -> float:
    """``(exp(DAYS_PER_MONTH * log_daily_factor) - 1) * 100``, ``inf`` instead of overflowing."""
    exponent = DAYS_PER_MONTH * log_daily_factor
    if exponent > _LOG_FLOAT_MAX:
        return math.inf
    return math.expm1(exponent) * 100.0


@dataclass(frozen=True)
class GrowthFit:
    """A fitted growth curve.

    Attributes
    ----------
    model : str
        ``"linear"``, ``"exponential"`` or ``"piecewise"``.
    intercept : float
        Linear: the fitted value at day 0 (units). Exponential and piecewise:
        the natural log of the fitted value at day 0 (for piecewise, of the
        current regime's line).
    slope : float
        Linear: units per day. Exponential and piecewise: log-units per day,
        the continuous daily growth rate of the current regime.
    residual_sd : float
        Standard deviation of the residuals, ``sqrt(SSE / (n - 2))`` (log
        scale for exponential and piecewise; 0 when only two points were
        fitted). At least 0.
    n_points : int
        Points fitted (for piecewise: in the current regime). At least 2.
    breakpoint_day : float or None
        Piecewise: the first day of the current regime. None for the other
        models, and for a piecewise fit whose search found no regime change
        worth its extra parameters (that fit is one exponential over all
        the points).
    rate_before, intercept_before : float or None
        Piecewise with a break: log-slope (per day) and log-intercept of the
        earlier regime.
    last_day : float or None
        The last day fitted; the "last fitted value" of a linear fit is
        measured there (day 0 when None).

    Raises
    ------
    TypeError, ValueError
        For a field of the wrong type or out of range (the message names
        it): an unknown ``model``, a non-finite ``intercept`` or ``slope``, a
        negative ``residual_sd``, fewer than 2 ``n_points``, or break fields
        on a model without a break (or only some of the three).
    """

    model: str
    intercept: float
    slope: float
    residual_sd: float
    n_points: int
    breakpoint_day: float | None = None
    rate_before: float | None = None
    intercept_before: float | None = None
    last_day: float | None = None

    def __post_init__(self) -> None:
        check_choice("model", self.model, MODELS)
        checked = {
            "intercept": check_number("intercept", self.intercept),
            "slope": check_number("slope", self.slope),
            "residual_sd": check_number("residual_sd", self.residual_sd, low=0.0),
            "n_points": check_integer("n_points", self.n_points, low=2),
        }
        for name in ("breakpoint_day", "rate_before", "intercept_before", "last_day"):
            value = getattr(self, name)
            if value is not None:
                checked[name] = check_number(name, value)
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        regime = {
            "breakpoint_day": self.breakpoint_day,
            "rate_before": self.rate_before,
            "intercept_before": self.intercept_before,
        }
        given = [name for name, value in regime.items() if value is not None]
        if given and self.model != "piecewise":
            raise ValueError(
                f"{given[0]} must be None for a {self.model!r} fit (only piecewise fits "
                f"have a regime change), got {regime[given[0]]!r}"
            )
        if given and len(given) < len(regime):
            missing = next(name for name in regime if name not in given)
            raise ValueError(
                f"{missing} must be given with {', '.join(given)} (a regime change needs "
                "breakpoint_day, rate_before and intercept_before), got None"
            )

    def predict(self, days: object) -> np.ndarray:
        """Return the fitted value on ``days`` (same shape; units of the data).

        A piecewise fit uses the earlier regime for days before
        ``breakpoint_day`` and the current regime from it on. Values too
        large for a float are ``inf``.

        Examples
        --------
        >>> fit = GrowthFit("exponential", intercept=math.log(100.0), slope=0.01,
        ...                 residual_sd=0.0, n_points=10)
        >>> fit.predict([0.0, 69.3147]).round(2)
        array([100., 200.])
        """
        day_array = _as_day_array(days)
        if self.model == "linear":
            return self.intercept + self.slope * day_array
        log_value = self.intercept + self.slope * day_array
        if self.model == "piecewise" and self.breakpoint_day is not None:
            before = self.intercept_before + self.rate_before * day_array
            log_value = np.where(day_array < self.breakpoint_day, before, log_value)
        with np.errstate(over="ignore"):
            return np.exp(log_value)

    @property
    def _last_fitted_level(self) -> float:
        day = 0.0 if self.last_day is None else self.last_day
        return self.intercept + self.slope * day

    def _per_level(self, change: float) -> float:
        """``change`` over the last fitted level of a linear fit, with its sign conventions."""
        level = self._last_fitted_level
        if level > 0:
            return change / level
        if change == 0:
            return 0.0
        return math.copysign(math.inf, change)

    @property
    def daily_growth_rate(self) -> float:
        """Fractional growth per day (0.01 means 1% a day).

        Exponential and piecewise: ``exp(slope) - 1``. Linear: ``slope``
        divided by the last fitted value (``inf`` when that value is not
        positive but still rising, ``-inf`` when falling, 0 when flat).
        """
        if self.model in _LOG_MODELS:
            return math.expm1(self.slope) if self.slope <= _LOG_FLOAT_MAX else math.inf
        return self._per_level(self.slope)

    @property
    def monthly_growth_pct(self) -> float:
        """Growth per month (of :data:`DAYS_PER_MONTH` days), in percent.

        Exponential and piecewise compound the daily rate:
        ``(exp(slope * DAYS_PER_MONTH) - 1) * 100``. Linear growth does not
        compound: ``slope * DAYS_PER_MONTH / level * 100`` with ``level`` the
        last fitted value (same sign conventions as :attr:`daily_growth_rate`).

        Examples
        --------
        >>> GrowthFit("linear", 100.0, 1.0, residual_sd=0.0, n_points=2).monthly_growth_pct
        30.44
        """
        if self.model in _LOG_MODELS:
            return _compound_monthly_pct(self.slope)
        return self._per_level(self.slope * DAYS_PER_MONTH) * 100.0

    @property
    def doubling_days(self) -> float:
        """Days for the fitted value to double (``inf`` if it never does).

        Exponential and piecewise: ``ln 2 / slope``. Linear: the days for the
        last fitted value to double at a constant slope, ``level / slope``.
        """
        if self.slope <= 0:
            return math.inf
        if self.model in _LOG_MODELS:
            return math.log(2.0) / self.slope
        level = self._last_fitted_level
        return level / self.slope if level > 0 else math.inf


def _as_day_array(days: object) -> np.ndarray:
    if isinstance(days, (str, bytes)) or days is None:
        raise TypeError(f"days must be numbers, got {days!r}")
    try:
        array = np.asarray(days, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"days must be numbers, got {days!r}") from None
    if not np.isfinite(array).all():
        raise ValueError("days must hold finite numbers")
    return array


def _check_series(days: object, values: object, *, positive: bool, min_length: int = 2):
    """``days`` (strictly increasing) and ``values`` as float arrays of the same length."""
    day_array = check_array("days", days, min_length=min_length, increasing=True)
    value_array = check_array("values", values, min_length=min_length, positive=positive)
    if value_array.size != day_array.size:
        raise ValueError(
            f"values must have the same length as days ({day_array.size}), got {value_array.size}"
        )
    return day_array, value_array


def _break_pays_off(single_sse: float, split_sse: float, y: np.ndarray) -> bool:
    """Whether two segments beat one line by the BIC-style margin.

    Accept when ``n * ln(single_sse / split_sse) > 3 * ln(n)``. A single line
    that already fits to rounding error never gains a break; a split that
    fits to rounding error (and a single line that does not) always does.
    """
    n = y.size
    rounding = n * (1e-10 * max(1.0, float(np.abs(y).max()))) ** 2
    if single_sse <= rounding:
        return False
    if split_sse <= rounding:
        return True
    return n * math.log(single_sse / split_sse) > _BREAK_PENALTY * math.log(n)


def fit_growth(
    days: object,
    values: object,
    model: str = "exponential",
    *,
    breakpoint_day: float | None = None,
    min_regime_days: int = 28,
) -> GrowthFit:
    """Fit a growth model to a series by ordinary least squares.

    Parameters
    ----------
    days : array-like of float
        Day numbers, strictly increasing.
    values : array-like of float
        The resource on those days (GB, transactions per second, ...). Must be
        > 0 for the exponential and piecewise models, which fit ``log(values)``.
    model : {"exponential", "linear", "piecewise"}
        The growth model (see the module docstring).
    breakpoint_day : float, optional
        Piecewise only (another model refuses one): the first day of the
        current regime. When None, the split leaving at least
        ``min_regime_days`` points on each side with the smallest total
        squared error (the earliest on a tie) is kept if it pays off.
    min_regime_days : int
        Piecewise search only: fewest *points* (observations, not calendar
        days) in each regime; the two agree only for daily data with no
        gaps. At least 2.

    Returns
    -------
    GrowthFit
        For piecewise: the current regime's ``intercept``, ``slope``,
        ``residual_sd`` and ``n_points``, plus ``breakpoint_day``,
        ``rate_before`` and ``intercept_before``. When the search finds no
        break worth keeping: the single exponential fit over all points,
        still labelled ``model="piecewise"``, with those three None.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    Examples
    --------
    >>> days = np.arange(100.0)
    >>> fit = fit_growth(days, 50.0 * np.exp(0.02 * days))
    >>> round(fit.slope, 6), round(fit.doubling_days, 2)
    (0.02, 34.66)
    >>> fit_growth(days, 50.0 * np.exp(0.02 * days), "piecewise").breakpoint_day is None
    True
    """
    check_choice("model", model, MODELS)
    min_points = check_integer("min_regime_days", min_regime_days, low=2)
    day_array, value_array = _check_series(days, values, positive=model in _LOG_MODELS)
    if breakpoint_day is not None and model != "piecewise":
        raise ValueError(
            f"breakpoint_day must be None for a {model!r} fit (only piecewise fits have a "
            f"regime change), got {breakpoint_day!r}"
        )
    last_day = float(day_array[-1])
    # the straight line is fitted to the values (linear) or to their logs (the other models)
    line_values = np.log(value_array) if model in _LOG_MODELS else value_array
    if model in ("linear", "exponential"):  # one straight line, no regime change
        line = _line_fit(day_array, line_values)
        return GrowthFit(
            model,
            line.intercept,
            line.slope,
            _residual_sd(line.residuals),
            day_array.size,
            last_day=last_day,
        )

    # Piecewise: find (or take) the first index of the current regime.
    if breakpoint_day is None:
        if day_array.size < 2 * min_points:
            raise ValueError(
                f"values must hold at least 2 * min_regime_days = {2 * min_points} points "
                f"to search for a regime change, got {day_array.size}"
            )
        split, split_sse = _best_split(day_array, line_values, min_points)
        single = _line_fit(day_array, line_values)
        if not _break_pays_off(float(single.residuals @ single.residuals), split_sse, line_values):
            return GrowthFit(
                "piecewise",
                single.intercept,
                single.slope,
                _residual_sd(single.residuals),
                day_array.size,
                last_day=last_day,
            )
        start = float(day_array[split])
    else:
        start = check_number("breakpoint_day", breakpoint_day)
        split = int(np.searchsorted(day_array, start, side="left"))
        if split < 2 or day_array.size - split < 2:
            raise ValueError(
                f"breakpoint_day must leave at least 2 points in each regime, got {start:g} "
                f"(days run from {day_array[0]:g} to {day_array[-1]:g})"
            )
    before = _line_fit(day_array[:split], line_values[:split])
    current = _line_fit(day_array[split:], line_values[split:])
    return GrowthFit(
        "piecewise",
        current.intercept,
        current.slope,
        _residual_sd(current.residuals),
        day_array.size - split,
        breakpoint_day=start,
        rate_before=before.slope,
        intercept_before=before.intercept,
        last_day=last_day,
    )


def find_regime_change(days: object, values: object, *, min_regime_days: int = 28) -> float:
    """Return the day the current growth regime started, or NaN if there was no change.

    The ``breakpoint_day`` of ``fit_growth(days, values, "piecewise")``: the
    best single break, kept only if two regimes fit clearly better than one
    exponential.

    Parameters
    ----------
    days, values : array-like of float
        The series (days strictly increasing, values > 0).
    min_regime_days : int
        Fewest points (observations) in each regime; at least 2.

    Returns
    -------
    float
        The first day of the current regime; ``math.nan`` when one
        exponential fits as well as any split.

    Examples
    --------
    >>> days = np.arange(200.0)
    >>> log_values = np.where(days < 120, 0.001 * days, 0.12 + 0.02 * (days - 120))
    >>> find_regime_change(days, np.exp(log_values))
    120.0
    >>> find_regime_change(days, np.exp(0.01 * days))
    nan
    """
    fit = fit_growth(days, values, "piecewise", min_regime_days=min_regime_days)
    return math.nan if fit.breakpoint_day is None else fit.breakpoint_day


def _transform_limit(model: str, limit: float, name: str = "limit") -> float:
    """The limit on the scale the model is linear in (log scale for exponential fits)."""
    if model in _LOG_MODELS:
        check_number(name, limit, low=0.0, low_inclusive=False)
        return math.log(limit)
    return limit


def days_until_limit(fit: GrowthFit, limit: float, from_day: float) -> float:
    """Days from ``from_day`` until the fitted curve reaches ``limit`` (closed form).

    Linear: ``(limit - intercept) / slope - from_day``. Exponential and
    piecewise (current regime): ``(ln limit - intercept) / slope - from_day``.

    Parameters
    ----------
    fit : GrowthFit
        A fitted growth curve.
    limit : float
        The hard limit, in the units of the data (> 0 for exponential fits).
    from_day : float
        The day to count from, usually the last observed day.

    Returns
    -------
    float
        Days (>= 0): 0.0 if the fitted value at ``from_day`` has already
        reached the limit, ``math.inf`` if it never will (slope <= 0).

    Examples
    --------
    >>> fit = GrowthFit("exponential", intercept=math.log(100.0), slope=0.01,
    ...                 residual_sd=0.0, n_points=10)
    >>> round(days_until_limit(fit, limit=200.0, from_day=0.0), 2)
    69.31
    """
    if not isinstance(fit, GrowthFit):
        raise TypeError(f"fit must be a GrowthFit from fit_growth, got {type(fit).__name__}")
    limit = check_number("limit", limit)
    from_day = check_number("from_day", from_day)
    target = _transform_limit(fit.model, limit)
    if fit.intercept + fit.slope * from_day >= target:
        return 0.0
    if fit.slope <= 0:
        return math.inf
    return max((target - fit.intercept) / fit.slope - from_day, 0.0)


def monthly_growth_pct(daily_growth_rate: float) -> float:
    """Compound a daily growth rate into percent growth per month.

    ``((1 + daily) ** DAYS_PER_MONTH - 1) * 100``, computed as
    ``expm1(DAYS_PER_MONTH * log1p(daily)) * 100``; ``inf`` when that is too
    large for a float. For a fit, prefer :attr:`GrowthFit.monthly_growth_pct`,
    which does not compound linear growth.

    Parameters
    ----------
    daily_growth_rate : float
        Fractional growth per day (0.01 means 1% a day); > -1 (a value cannot
        shrink by 100% or more in a day). ``inf`` is allowed.

    Returns
    -------
    float
        Percent per month (> -100).

    Raises
    ------
    TypeError, ValueError
        If ``daily_growth_rate`` is not a number, or is NaN or <= -1.

    Examples
    --------
    >>> round(monthly_growth_pct(0.01), 1)
    35.4
    """
    daily = check_number(
        "daily_growth_rate", daily_growth_rate, low=-1.0, low_inclusive=False, allow_inf=True
    )
    return _compound_monthly_pct(math.log1p(daily))
