"""A market over 36 months: a feature-first product against one that invests in quality.

Two products start on the same day with ten features each. The *feature-first*
product ships features twice as fast; the *quality-first* one spends that effort on
speed, uptime and end-to-end encryption. Each month, vectorised over many runs:

1. **Features** grow linearly; users value them with diminishing returns,
   ``feature_weight * ln(features)``.
2. **Speed.** The feature-first app's median load time grows with every feature
   (``load_seconds_per_feature``); the quality-first one stays at 1 s. Load times are
   log-normal (spread 0.6, an illustrative assumption). Engagement is cut twice: the
   share of visits slower than 3 s, of which 53% are abandoned (DoubleClick, 2016), and
   0.19% fewer searches per extra 100 ms, Google's 0.76% at +400 ms, applied only up
   to the 400 ms Google tested (Google Research, "Speed Matters", 2009).
3. **Choice.** People not using either product join at the rate of a Bass
   diffusion: ``innovation`` of them choose by utility (features plus a network effect,
   ``network_weight`` times the product's share of *engaged* users among everyone),
   and ``imitation`` times each product's engaged share join the product of the friend
   who invited them.
4. **Churn.** Every month ``base_churn`` leave; outages add ``churn_per_outage_hour``
   per hour down (outages are Poisson, lengths set by each product's availability);
   a data breach (a monthly chance per product) drives ``breach_churn`` away, or only
   ``encrypted_breach_churn`` when messages are end-to-end encrypted and the breach
   exposes no content. Leavers choose again later.

Every number except the two speed figures is an *illustrative assumption*; the lesson
shows which of them the result depends on most (:func:`market_sensitivity`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from infralab.validation import (
    check_count,
    check_number,
    check_probability,
    check_seed,
    read_only,
)

__all__ = [
    "MARKET_DEFAULTS",
    "MarketSimulation",
    "market_break_even",
    "market_sensitivity",
    "simulate_market",
]

#: Features each product starts with (illustrative assumption).
_START_FEATURES = 10.0
#: The quality-first app's median load time, and the spread of load times (illustrative).
_BASE_LOAD_SECONDS = 1.0
_LOAD_SPREAD = 0.6
#: Hours in a 30-day month.
_HOURS_PER_MONTH = 720.0

#: Every parameter of :func:`simulate_market`, its default, and its allowed range.
MARKET_DEFAULTS: dict[str, float] = {
    "people": 1_000_000.0,
    "feature_first_features_per_month": 2.0,
    "quality_first_features_per_month": 1.0,
    "feature_weight": 1.0,
    "network_weight": 2.0,
    "feature_first_availability": 0.995,
    "quality_first_availability": 0.9995,
    "outages_per_month": 1.0,
    "churn_per_outage_hour": 0.003,
    "feature_first_breach_probability": 0.02,
    "quality_first_breach_probability": 0.005,
    "breach_churn": 0.08,
    "encrypted_breach_churn": 0.01,
    "load_seconds_per_feature": 0.015,
    "quality_first_load_seconds_per_feature": 0.005,
    "abandonment_over_3s": 0.53,
    "loss_per_100ms": 0.0019,
    "base_churn": 0.02,
    "innovation": 0.01,
    "imitation": 0.3,
    "head_start": 0.0,
}

_PROBABILITIES = {
    "feature_first_availability",
    "quality_first_availability",
    "churn_per_outage_hour",
    "feature_first_breach_probability",
    "quality_first_breach_probability",
    "breach_churn",
    "encrypted_breach_churn",
    "abandonment_over_3s",
    "loss_per_100ms",
    "base_churn",
    "innovation",
    "imitation",
    "head_start",
}
_HIGH = {
    "people": 1e10,
    "feature_first_features_per_month": 1_000.0,
    "quality_first_features_per_month": 1_000.0,
    "feature_weight": 100.0,
    "network_weight": 100.0,
    "outages_per_month": 1_000.0,
    "load_seconds_per_feature": 10.0,
    "quality_first_load_seconds_per_feature": 10.0,
}


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _check_parameter(name: str, value: object) -> float:
    if name in _PROBABILITIES:
        return check_probability(name, value)
    low_inclusive = name not in {"people"}
    return check_number(name, value, low=0.0, high=_HIGH[name], low_inclusive=low_inclusive)


def _check_bound(argument: str, name: str, value: object) -> float:
    """A value of parameter ``name``, refused under the name of the ``argument`` it came in."""
    try:
        return _check_parameter(name, value)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{argument} (a value of {name}): {error}") from None


def _check_parameters(overrides: Mapping[str, object]) -> dict[str, float]:
    unknown = sorted(set(overrides) - set(MARKET_DEFAULTS))
    if unknown:
        raise TypeError(
            f"simulate_market got unknown parameter {unknown[0]!r}; known: "
            + ", ".join(MARKET_DEFAULTS)
        )
    values = {**MARKET_DEFAULTS, **overrides}
    return {name: _check_parameter(name, value) for name, value in values.items()}


@dataclass(frozen=True)
class MarketSimulation:
    """Monthly users of both products in every run of :func:`simulate_market`.

    Attributes
    ----------
    months : ndarray
        0, 1, ..., the months simulated.
    feature_first, quality_first : ndarray
        Users of each product, one row per run, one column per month (read-only).
    """

    months: np.ndarray
    feature_first: np.ndarray
    quality_first: np.ndarray

    @property
    def quality_share(self) -> np.ndarray:
        """The quality-first product's share of both products' users, per run and month."""
        total = self.feature_first + self.quality_first
        return np.divide(self.quality_first, total, out=np.full(total.shape, 0.5), where=total > 0)

    @property
    def mean_quality_share(self) -> np.ndarray:
        """The quality-first share averaged over runs, per month."""
        return self.quality_share.mean(axis=0)

    @property
    def final_quality_share(self) -> float:
        """The quality-first share in the last month, averaged over runs."""
        return float(self.mean_quality_share[-1])

    @property
    def crossover_month(self) -> int:
        """The first month from which the quality-first share stays above half (-1: never)."""
        ahead = self.mean_quality_share > 0.5
        if not ahead[-1]:
            return -1
        behind = np.flatnonzero(~ahead)
        return int(behind[-1] + 1) if behind.size else 0

    def share_band(self, band: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
        """The central ``band`` of the quality-first share over runs, per month: (low, high)."""
        width = check_number(
            "band", band, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
        )
        low, high = np.quantile(self.quality_share, [(1 - width) / 2, (1 + width) / 2], axis=0)
        return low, high


def simulate_market(
    months: int = 36, runs: int = 200, seed: object = 0, **parameters: float
) -> MarketSimulation:
    """Simulate the two products' users month by month, ``runs`` times.

    Parameters
    ----------
    months : int
        Months to simulate.
    runs : int
        Independent runs (outages and breaches are random).
    seed : int or numpy.random.Generator
        The random stream.
    **parameters : float
        Any of :data:`MARKET_DEFAULTS` (the module docstring says what each does);
        the rest keep their defaults.

    Returns
    -------
    MarketSimulation

    Examples
    --------
    >>> sim = simulate_market(runs=50, seed=1)
    >>> sim.final_quality_share > 0.5
    True
    >>> simulate_market(runs=50, seed=1, head_start=0.1).final_quality_share < 0.5
    True
    """
    months = check_count("months", months, high=1_200)
    runs = check_count("runs", runs, high=100_000)
    rng = check_seed("seed", seed)
    p = _check_parameters(parameters)
    people = p["people"]
    rates = np.array([p["feature_first_features_per_month"], p["quality_first_features_per_month"]])
    bloat = np.array([p["load_seconds_per_feature"], p["quality_first_load_seconds_per_feature"]])
    availability = np.array([p["feature_first_availability"], p["quality_first_availability"]])
    breach_chance = np.array(
        [p["feature_first_breach_probability"], p["quality_first_breach_probability"]]
    )[:, None]
    breach_loss = np.array([p["breach_churn"], p["encrypted_breach_churn"]])[:, None]
    outages = p["outages_per_month"]
    mean_outage_hours = (1 - availability) * _HOURS_PER_MONTH / max(outages, 1e-12)

    users = np.zeros((2, runs))
    users[0] = p["head_start"] * people
    history = np.empty((months + 1, 2, runs))
    history[0] = users
    # Features, load times and engagement depend only on the month: all months at once.
    features = _START_FEATURES + np.outer(np.arange(1, months + 1), rates)
    load = _BASE_LOAD_SECONDS + bloat * (features - _START_FEATURES)
    slow_visits = np.vectorize(_normal_cdf)(np.log(load / 3.0) / _LOAD_SPREAD)
    extra_ms = np.minimum(1000.0 * (load - _BASE_LOAD_SECONDS), 400.0)
    engagement = (1 - p["abandonment_over_3s"] * slow_visits) * (
        1 - p["loss_per_100ms"] * extra_ms / 100.0
    )
    feature_utility = p["feature_weight"] * np.log(features)
    for month in range(1, months + 1):
        engaged = users * engagement[month - 1][:, None]
        utility = feature_utility[month - 1][:, None] + p["network_weight"] * engaged / people
        choice = np.exp(utility - utility.max(axis=0))
        choice /= choice.sum(axis=0)
        undecided = np.maximum(people - users.sum(axis=0), 0.0)
        joining = undecided * (p["innovation"] * choice + p["imitation"] * engaged / people)
        joining *= np.minimum(1.0, undecided / np.maximum(joining.sum(axis=0), 1e-12))
        count = rng.poisson(outages, size=(2, runs))
        hours = rng.gamma(np.maximum(count, 1), 1.0) * mean_outage_hours[:, None] * (count > 0)
        breached = rng.random((2, runs)) < breach_chance
        churn = p["base_churn"] + p["churn_per_outage_hour"] * hours + breached * breach_loss
        users = users * (1 - np.minimum(churn, 1.0)) + joining
        history[month] = users
    return MarketSimulation(
        months=read_only(np.arange(months + 1)),
        feature_first=read_only(np.ascontiguousarray(history[:, 0].T)),
        quality_first=read_only(np.ascontiguousarray(history[:, 1].T)),
    )


def market_sensitivity(
    ranges: Mapping[str, tuple[float, float]],
    months: int = 36,
    runs: int = 100,
    seed: int = 0,
    **parameters: float,
) -> pd.DataFrame:
    """Return how far the final quality-first share moves as each parameter moves alone.

    Each parameter in ``ranges`` is set to its low and then its high value, the
    others kept at ``parameters`` (or their defaults), and the market simulated
    with the same seed each time (common random numbers, so the differences are
    the parameter's, not the dice's).

    Parameters
    ----------
    ranges : mapping of str to (float, float)
        Parameter name to its (low, high) values.
    months, runs, seed
        As in :func:`simulate_market`.
    **parameters : float
        The base case (defaults for the rest).

    Returns
    -------
    pandas.DataFrame
        One row per parameter, largest swing first: ``low``, ``high``,
        ``share_at_low``, ``share_at_high``, ``swing`` (high minus low share, absolute),
        and the base case's share in ``base_share``.

    Examples
    --------
    >>> table = market_sensitivity({"feature_weight": (0.5, 2.0), "base_churn": (0.01, 0.03)},
    ...                            runs=20)
    >>> list(table.columns)
    ['low', 'high', 'share_at_low', 'share_at_high', 'swing', 'base_share']
    """
    if not isinstance(ranges, Mapping) or not ranges:
        raise TypeError(f"ranges must be a dict of parameter: (low, high), got {ranges!r}")
    checked = {}
    for name, pair in ranges.items():
        if name not in MARKET_DEFAULTS:
            raise ValueError(f"ranges names an unknown parameter {name!r}")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"ranges[{name!r}] must be a (low, high) pair, got {pair!r}")
        checked[name] = (_check_parameter(name, pair[0]), _check_parameter(name, pair[1]))
    base = simulate_market(months, runs, seed, **parameters).final_quality_share
    rows = {}
    for name, (low, high) in checked.items():
        at_low = simulate_market(months, runs, seed, **{**parameters, name: low})
        at_high = simulate_market(months, runs, seed, **{**parameters, name: high})
        rows[name] = {
            "low": low,
            "high": high,
            "share_at_low": at_low.final_quality_share,
            "share_at_high": at_high.final_quality_share,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["swing"] = (table["share_at_high"] - table["share_at_low"]).abs()
    table["base_share"] = base
    return table.sort_values("swing", ascending=False)


def market_break_even(
    parameter: str,
    low: float,
    high: float,
    months: int = 36,
    runs: int = 200,
    seed: int = 0,
    *,
    steps: int = 30,
    **parameters: float,
) -> float:
    """Return the value of one parameter at which the final quality-first share is one half.

    The market is simulated with the same seed at every value tried (common random
    numbers), and the interval ``[low, high]`` is halved ``steps`` times around the
    point where the final quality-first share crosses 0.5 (bisection).

    Parameters
    ----------
    parameter : str
        A name in :data:`MARKET_DEFAULTS`.
    low, high : float
        An interval of that parameter's values with the winner different at its two ends.
    months, runs, seed
        As in :func:`simulate_market`.
    steps : int
        Halvings of the interval (30 narrow it a billion times).
    **parameters : float
        The other parameters (defaults for the rest).

    Returns
    -------
    float
        The break-even value.

    Raises
    ------
    ValueError
        If the same product wins at both ends of the interval (no break-even in it).

    Examples
    --------
    >>> value = market_break_even("head_start", 0.0, 0.05, runs=50, seed=1)
    >>> 0.0 < value < 0.05
    True
    >>> round(simulate_market(runs=50, seed=1, head_start=value).final_quality_share, 3)
    0.5
    """
    if not isinstance(parameter, str) or parameter not in MARKET_DEFAULTS:
        raise ValueError(
            f"parameter must be one of {', '.join(MARKET_DEFAULTS)}, got {parameter!r}"
        )
    if parameter in parameters:
        raise TypeError(f"{parameter!r} is the parameter searched; do not also pass it")
    low = _check_bound("low", parameter, low)
    high = _check_bound("high", parameter, high)
    if not low < high:
        raise ValueError(f"high must be > low ({low:g}), got {high!r}")
    steps = check_count("steps", steps, high=200)

    def excess(value: float) -> float:
        share = simulate_market(months, runs, seed, **{**parameters, parameter: value})
        return share.final_quality_share - 0.5

    at_low = excess(low)
    if (at_low > 0) == (excess(high) > 0):
        raise ValueError(
            f"low and high must give different winners, got low={low:g} and high={high:g}: "
            f"{'quality' if at_low > 0 else 'feature'}-first wins at both; widen the interval"
        )
    for _ in range(steps):
        middle = 0.5 * (low + high)
        if (excess(middle) > 0) == (at_low > 0):
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)
