"""An A/B test whose variant loses more unload beacons: the client crowns the wrong arm.

A variant such as a one-click checkout that redirects straight to the payment
page sends its purchase event as the page unloads, where beacons get lost; a
control whose confirmation page stays on screen loses few. Read out from the
server, the test shows the true lift; read out from the client-side tracker,
the variant's purchases shrink and the lift can turn negative.

- :func:`simulate_ab_test` draws one test and reads it out per source, with a
  pooled two-proportion z test (two-sided p-value from :func:`math.erfc`, no
  SciPy) to call a winner.
- :func:`expected_ab_readout` gives the average readout in closed form. The
  measured rate is expected purchases over expected visitors. The server's
  rare losses hit visits and purchases alike and cancel. The server reads the
  test over consenting visitors only (a visit is a behavioural event), and
  consent, the same in both arms and independent of buying, cancels too: it
  only makes the test noisier. Blocking ``b``
  removes whole visitors and cancels too (it only makes the test noisier),
  but the purchase beacon's unload loss stays::

      client rate = rate (1 - b)(1 - unload_loss) / (1 - b) = rate (1 - unload_loss)
      client lift = variant_rate (1 - unload_loss_variant)
                    / (control_rate (1 - unload_loss_control)) - 1

Probabilities are fractions in [0, 1]; counts are numbers of visitors or
purchases.

References
----------
Volument (2019): of 5,130,741 page views, 3,217,740 unload beacons arrived
(about 37% lost): the scale of the unload losses the lesson gives each arm.
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from infralab.validation import check_integer, check_number, check_probability, check_seed

from .funnel import SOURCES

__all__ = [
    "ABTestResult",
    "Arms",
    "expected_ab_readout",
    "simulate_ab_test",
]


@dataclass(frozen=True)
class Arms:
    """One number for each arm of an A/B test.

    Examples
    --------
    >>> Arms(control=0.040, variant=0.044)
    Arms(control=0.04, variant=0.044)
    """

    control: float
    variant: float


def _frozen_mapping(values: dict) -> Mapping:
    return types.MappingProxyType(dict(values))


@dataclass(frozen=True)
class ABTestResult:
    """What an A/B test on purchases looks like to each source.

    Every mapping is keyed by source: ``"actual"`` (what really happened),
    ``"server"`` and ``"client"``.

    Attributes
    ----------
    n_users_per_arm : int
        Users randomised into each arm.
    alpha : float
        Significance level used to call a winner.
    visitors : mapping of str to Arms
        Visitors each source counted (actual: every user). Server visitors
        are the consenting ones; client visitors also exclude users who block
        the tracker.
    purchases : mapping of str to Arms
        Purchases each source counted.
    rates : mapping of str to Arms
        Purchases / visitors as each source measures it (NaN with no visitor).
    relative_lift : mapping of str to float
        ``variant rate / control rate - 1`` per source (NaN if the control
        rate is 0 or missing).
    p_value : mapping of str to float
        Two-sided p-value of a pooled two-proportion z test per source.
    winner : mapping of str to str
        ``"variant"``, ``"control"`` or ``"no clear winner"`` (p-value not
        below ``alpha``).
    """

    n_users_per_arm: int
    alpha: float
    visitors: Mapping[str, Arms]
    purchases: Mapping[str, Arms]
    rates: Mapping[str, Arms]
    relative_lift: Mapping[str, float]
    p_value: Mapping[str, float]
    winner: Mapping[str, str]

    def table(self) -> pd.DataFrame:
        """The readout as a table: one row per source.

        Returns
        -------
        pandas.DataFrame
            Index ``source``; columns ``control_visitors``, ``variant_visitors``,
            ``control_purchases``, ``variant_purchases``, ``control_rate``,
            ``variant_rate``, ``relative_lift``, ``p_value``, ``winner``.

        Examples
        --------
        >>> result = simulate_ab_test(
        ...     50_000, control_rate=0.040, variant_rate=0.044, tracker_blocking=0.30,
        ...     unload_loss_control=0.05, unload_loss_variant=0.30, seed=5,
        ... )
        >>> result.table()["winner"].to_dict()
        {'actual': 'variant', 'server': 'variant', 'client': 'control'}
        """
        rows = {
            source: {
                "control_visitors": self.visitors[source].control,
                "variant_visitors": self.visitors[source].variant,
                "control_purchases": self.purchases[source].control,
                "variant_purchases": self.purchases[source].variant,
                "control_rate": self.rates[source].control,
                "variant_rate": self.rates[source].variant,
                "relative_lift": self.relative_lift[source],
                "p_value": self.p_value[source],
                "winner": self.winner[source],
            }
            for source in SOURCES
        }
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "source"
        return table


def _rate(numerator: int, denominator: int) -> float:
    """``numerator / denominator``, NaN without a denominator."""
    return numerator / denominator if denominator else math.nan


def _lift(control: float, variant: float) -> float:
    """``variant / control - 1``, NaN if the control rate is 0 or either rate is NaN."""
    if not control or math.isnan(control) or math.isnan(variant):
        return math.nan
    return variant / control - 1.0


def _two_proportion_p_value(
    control_successes: int, control_trials: int, variant_successes: int, variant_trials: int
) -> float:
    """Two-sided p-value of the pooled two-proportion z test (NaN without trials).

    Examples
    --------
    >>> round(_two_proportion_p_value(200, 1000, 250, 1000), 4)  # z = 2.6774
    0.0074
    """
    if control_trials == 0 or variant_trials == 0:
        return math.nan
    control = control_successes / control_trials
    variant = variant_successes / variant_trials
    pooled = (control_successes + variant_successes) / (control_trials + variant_trials)
    pooled = min(max(pooled, 0.0), 1.0)
    variance = pooled * (1.0 - pooled) * (1.0 / control_trials + 1.0 / variant_trials)
    if variance == 0.0:
        return 1.0 if control == variant else 0.0
    z = (variant - control) / math.sqrt(variance)
    # Two-sided normal tail: 2 * (1 - Phi(|z|)) = erfc(|z| / sqrt 2), exact in the stdlib.
    return math.erfc(abs(z) / math.sqrt(2.0))


def _winner(control_rate: float, variant_rate: float, p_value: float, alpha: float) -> str:
    """The arm with the higher rate if the p-value is below ``alpha``, else no winner."""
    if math.isnan(p_value) or p_value >= alpha or control_rate == variant_rate:
        return "no clear winner"
    return "variant" if variant_rate > control_rate else "control"


def simulate_ab_test(
    n_users_per_arm: int,
    *,
    control_rate: float,
    variant_rate: float,
    tracker_blocking: float,
    unload_loss_control: float,
    unload_loss_variant: float,
    consent_decline: float = 0.0,
    server_loss: float = 0.001,
    alpha: float = 0.05,
    seed: object,
) -> ABTestResult:
    """Run an A/B test on purchases and read it out from each source.

    Each arm gets ``n_users_per_arm`` visitors; each visitor buys with the
    arm's true rate. A visitor declines consent with ``consent_decline``; the
    server reads the test over consenting visitors only (their visits and
    purchases, each lost with ``server_loss``), as analytics that needs
    consent must. The client-side tracker loses every event of a declining
    or blocking user (``tracker_blocking``, the same in both arms), and the
    purchase event, which fires as the page unloads, also loses its beacon
    with the arm's unload loss.

    Counts are drawn from nested binomial distributions (purchasers, then
    declining and then blocking purchasers and non-purchasers, then surviving
    beacons),
    which is exactly the distribution of simulating every user, in constant
    time.

    Parameters
    ----------
    n_users_per_arm : int
        Visitors in each arm (>= 1).
    control_rate, variant_rate : float
        True purchase probability per visitor in each arm.
    tracker_blocking : float
        Probability a visitor blocks the client-side tracker (per visitor).
    unload_loss_control, unload_loss_variant : float
        Probability that the purchase beacon is lost, per arm.
    consent_decline : float
        Probability a visitor declines consent (default 0): neither source
        may analyse their visit or purchase.
    server_loss : float
        Probability that the server misses one event (default 0.001,
        illustrative).
    alpha : float
        Significance level for calling a winner, in (0, 1) (default 0.05).
    seed : int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    ABTestResult

    Examples
    --------
    >>> result = simulate_ab_test(
    ...     50_000, control_rate=0.040, variant_rate=0.044, tracker_blocking=0.30,
    ...     unload_loss_control=0.05, unload_loss_variant=0.30, seed=5,
    ... )
    >>> result.winner["server"], result.winner["client"]
    ('variant', 'control')
    """
    count = check_integer("n_users_per_arm", n_users_per_arm, low=1)
    true_rates = Arms(
        check_probability("control_rate", control_rate),
        check_probability("variant_rate", variant_rate),
    )
    blocking = check_probability("tracker_blocking", tracker_blocking)
    unload = Arms(
        check_probability("unload_loss_control", unload_loss_control),
        check_probability("unload_loss_variant", unload_loss_variant),
    )
    declining = check_probability("consent_decline", consent_decline)
    server_miss = check_probability("server_loss", server_loss)
    level = check_number(
        "alpha", alpha, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    generator = check_seed("seed", seed)

    counts: dict[str, dict[str, dict[str, int]]] = {"visitors": {}, "purchases": {}}
    for source in SOURCES:
        counts["visitors"][source] = {}
        counts["purchases"][source] = {}
    # One stream per kind of draw, so that what really happened does not change when
    # only a loss changes (moving a blocking slider must not move the true purchases).
    buying, blocking_draws, beacon_draws, server_draws, consent_draws = generator.spawn(5)
    for arm in ("control", "variant"):
        purchasers = int(buying.binomial(count, getattr(true_rates, arm)))
        consenting_purchasers = purchasers - int(consent_draws.binomial(purchasers, declining))
        consenting = consenting_purchasers + (
            count - purchasers - int(consent_draws.binomial(count - purchasers, declining))
        )
        blocking_purchasers = int(blocking_draws.binomial(consenting_purchasers, blocking))
        blocking_others = int(
            blocking_draws.binomial(consenting - consenting_purchasers, blocking)
        )
        beacons = int(
            beacon_draws.binomial(
                consenting_purchasers - blocking_purchasers, 1.0 - getattr(unload, arm)
            )
        )
        counts["visitors"]["actual"][arm] = count
        counts["purchases"]["actual"][arm] = purchasers
        counts["visitors"]["server"][arm] = int(
            server_draws.binomial(consenting, 1.0 - server_miss)
        )
        counts["purchases"]["server"][arm] = int(
            server_draws.binomial(consenting_purchasers, 1.0 - server_miss)
        )
        counts["visitors"]["client"][arm] = consenting - blocking_purchasers - blocking_others
        counts["purchases"]["client"][arm] = beacons

    # The readout per source: rates, lift, a pooled two-proportion z test, the winner.
    visitors, purchases, rates, lifts, p_values, winners = {}, {}, {}, {}, {}, {}
    for source in SOURCES:
        seen = counts["visitors"][source]
        bought = counts["purchases"][source]
        visitors[source] = Arms(seen["control"], seen["variant"])
        purchases[source] = Arms(bought["control"], bought["variant"])
        rates[source] = Arms(
            _rate(bought["control"], seen["control"]), _rate(bought["variant"], seen["variant"])
        )
        lifts[source] = _lift(rates[source].control, rates[source].variant)
        p_values[source] = _two_proportion_p_value(
            bought["control"], seen["control"], bought["variant"], seen["variant"]
        )
        winners[source] = _winner(
            rates[source].control, rates[source].variant, p_values[source], level
        )
    return ABTestResult(
        n_users_per_arm=count,
        alpha=level,
        visitors=_frozen_mapping(visitors),
        purchases=_frozen_mapping(purchases),
        rates=_frozen_mapping(rates),
        relative_lift=_frozen_mapping(lifts),
        p_value=_frozen_mapping(p_values),
        winner=_frozen_mapping(winners),
    )


def expected_ab_readout(
    control_rate: float,
    variant_rate: float,
    *,
    unload_loss_control: float,
    unload_loss_variant: float,
    server_loss: float = 0.001,
) -> pd.DataFrame:
    """The purchase rates and lift each source reports on average, in closed form.

    Actual and server: the true rates (the server's losses, and consent,
    which it honours like the client, cancel). Client:
    each arm's rate times ``1 - unload_loss`` of that arm (blocking cancels;
    the derivation is in the module docstring). No sampling: fast enough to
    re-run on every move of a slider.

    Parameters
    ----------
    control_rate, variant_rate : float
        True purchase probability per visitor in each arm.
    unload_loss_control, unload_loss_variant : float
        Probability that the purchase beacon is lost, per arm.
    server_loss : float
        Probability that the server misses one event (cancels; checked only).

    Returns
    -------
    pandas.DataFrame
        Index ``source`` (``actual``, ``server``, ``client``); columns
        ``control_rate``, ``variant_rate`` (fractions) and ``relative_lift``
        (``variant_rate / control_rate - 1``, NaN if the control rate is 0).

    Examples
    --------
    >>> readout = expected_ab_readout(
    ...     0.040, 0.044, unload_loss_control=0.05, unload_loss_variant=0.30
    ... )
    >>> readout["relative_lift"].round(4).to_dict()
    {'actual': 0.1, 'server': 0.1, 'client': -0.1895}
    """
    control = check_probability("control_rate", control_rate)
    variant = check_probability("variant_rate", variant_rate)
    kept_control = 1.0 - check_probability("unload_loss_control", unload_loss_control)
    kept_variant = 1.0 - check_probability("unload_loss_variant", unload_loss_variant)
    check_probability("server_loss", server_loss)

    control_rates = [control, control, control * kept_control]
    variant_rates = [variant, variant, variant * kept_variant]
    lifts = [_lift(c, v) for c, v in zip(control_rates, variant_rates, strict=True)]
    return pd.DataFrame(
        {"control_rate": control_rates, "variant_rate": variant_rates, "relative_lift": lifts},
        index=pd.Index(SOURCES, name="source"),
    )
