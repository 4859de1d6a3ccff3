"""The Universal Scalability Law and Amdahl's law, and fitting them to measured throughput.

Gunther's Universal Scalability Law gives the throughput of ``N`` concurrent
clients (or nodes, or threads)::

    X(N) = lam * N / (1 + sigma * (N - 1) + kappa * N * (N - 1))

``lam`` is the throughput of one client alone; ``sigma`` (contention) is the
share of the work that queues for something shared and runs one at a time;
``kappa`` (coherency) is the cost of every pair of clients keeping each other in
step, which grows as ``N**2``. With ``kappa > 0`` throughput peaks at::

    N* = sqrt((1 - sigma) / kappa)

and then *falls*: adding clients makes the system slower. Amdahl's law is the
special case ``kappa = 0``: throughput levels off at ``lam / sigma`` and never falls.

:func:`fit_usl` fits either law with :func:`scipy.optimize.curve_fit`, bounded
(``lam > 0``, ``0 <= sigma <= 1``, ``0 <= kappa <= 1``), on the logarithm of
throughput (noise proportional to throughput, so every client count weighs the
same and one slow run cannot drag the curve). It reports each parameter's
standard error from the fit's covariance, and *profile-likelihood* intervals for
``sigma``, ``kappa`` and ``N*``: every ``(sigma, kappa)`` whose best fit (``lam``
re-fitted) is not significantly worse than the best one, by the F-test of one
parameter at the interval's probability. Unlike "estimate ± z * error", such an
interval respects the bounds: when ``kappa = 0`` fits about as well as the best
``kappa``, the interval for ``kappa`` starts at 0 and the one for ``N*`` has no
upper end (``inf``), which is what the data then says.

:func:`compare_laws` fits both laws to one recording and says, from the fit,
whether it can tell them apart (``kappa``'s interval excludes 0; the
extra-sum-of-squares F-test) and whether throughput falls after its peak within
the measured range.

References
----------
N. J. Gunther, *Guerrilla Capacity Planning*, Springer, 2007, chapters 4-6.
G. M. Amdahl, "Validity of the single processor approach to achieving large
scale computing capabilities", AFIPS 1967.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..validation import check_array, check_choice, check_number, check_probability

__all__ = [
    "LawComparison",
    "UslFit",
    "amdahl_throughput",
    "compare_laws",
    "fit_usl",
    "peak_concurrency",
    "usl_throughput",
]


def usl_throughput(clients: object, lam: float, sigma: float, kappa: float) -> np.ndarray:
    """Throughput at each number of clients by the Universal Scalability Law.

    ``lam * N / (1 + sigma * (N - 1) + kappa * N * (N - 1))``.

    Parameters
    ----------
    clients : array-like
        Numbers of clients, each > 0.
    lam : float
        Throughput of one client, > 0.
    sigma, kappa : float
        Contention and coherency, each in [0, 1].

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> usl_throughput([1, 2, 10], lam=100, sigma=0.1, kappa=0.0).round(1)
    array([100. , 181.8, 526.3])
    """
    n = check_array("clients", clients, positive=True)
    one = check_number("lam", lam, low=0.0, low_inclusive=False)
    contention = check_probability("sigma", sigma)
    coherency = check_probability("kappa", kappa)
    return one * n / (1 + contention * (n - 1) + coherency * n * (n - 1))


def amdahl_throughput(clients: object, lam: float, sigma: float) -> np.ndarray:
    """Throughput by Amdahl's law: the USL with ``kappa = 0``; it levels off at ``lam / sigma``.

    Examples
    --------
    >>> float(amdahl_throughput([10_000], lam=100, sigma=0.1)[0].round())
    999.0
    """
    return usl_throughput(clients, lam, sigma, 0.0)


def peak_concurrency(sigma: float, kappa: float) -> float:
    """The number of clients where USL throughput peaks, ``sqrt((1 - sigma) / kappa)``.

    ``inf`` when ``kappa`` is 0 (Amdahl: no peak, throughput only levels off).

    Examples
    --------
    >>> round(peak_concurrency(0.05, 0.002), 1)
    21.8
    >>> peak_concurrency(0.1, 0.0)
    inf
    """
    contention = check_probability("sigma", sigma)
    coherency = check_probability("kappa", kappa)
    if coherency == 0:
        return float("inf")
    return float(np.sqrt((1 - contention) / coherency))


@dataclass(frozen=True)
class UslFit:
    """A fitted USL (or Amdahl) curve with its uncertainty.

    Attributes
    ----------
    model : str
        ``"usl"`` or ``"amdahl"``.
    lam, sigma, kappa : float
        Fitted parameters (``kappa`` is 0 for Amdahl).
    lam_error, sigma_error, kappa_error : float
        Standard errors from the fit's covariance (0 for a parameter held fixed;
        ``inf`` when the covariance is undefined). Near a bound they mislead:
        use the intervals.
    sigma_low, sigma_high, kappa_low, kappa_high : float
        Profile-likelihood ``band`` intervals, within the bounds [0, 1].
    peak_clients : float
        ``N*`` of the fitted parameters (``inf`` for Amdahl or ``kappa = 0``).
    peak_low, peak_high : float
        The profile-likelihood ``band`` interval of ``N*``; ``peak_high`` is
        ``inf`` when ``kappa = 0`` is inside ``kappa``'s interval.
    peak_throughput : float
        Throughput at ``N*`` (for Amdahl, or ``kappa = 0``, the ceiling ``lam / sigma``).
    relative_rmse : float
        Root mean square of ``log(measured / fitted)``: about the typical
        relative miss (0.1 = about 10%).
    rss : float
        Sum of squares of ``log(measured / fitted)``.
    runs : int
        Number of runs fitted.
    band : float
        The probability the intervals are for.
    """

    model: str
    lam: float
    sigma: float
    kappa: float
    lam_error: float
    sigma_error: float
    kappa_error: float
    sigma_low: float
    sigma_high: float
    kappa_low: float
    kappa_high: float
    peak_clients: float
    peak_low: float
    peak_high: float
    peak_throughput: float
    relative_rmse: float
    rss: float
    runs: int
    band: float

    def interval(self, name: str) -> tuple[float, float]:
        """The ``band`` interval of ``name``: ``"sigma"``, ``"kappa"`` or ``"peak_clients"``.

        Examples
        --------
        >>> n = np.array([1, 2, 4, 8, 16, 32])
        >>> low, high = fit_usl(n, usl_throughput(n, 500, 0.05, 0.002)).interval("kappa")
        >>> round(low, 6), round(high, 6)
        (0.002, 0.002)
        """
        which = check_choice("name", name, ("sigma", "kappa", "peak_clients"))
        if which == "peak_clients":
            return self.peak_low, self.peak_high
        return getattr(self, f"{which}_low"), getattr(self, f"{which}_high")

    @property
    def kappa_detected(self) -> bool:
        """Whether ``kappa``'s interval excludes 0: the data shows a coherency cost."""
        return self.kappa_low > 0


def _usl(n, lam, sigma, kappa):
    return lam * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))


def _amdahl(n, lam, sigma):
    return lam * n / (1 + sigma * (n - 1))


def _grid_rss(counts, weights, means, within, sigmas, kappas):
    """Sum of squares of log residuals, ``lam`` re-fitted, at every (sigma, kappa) of a grid.

    With ``y = log(x) - log(n)`` and ``D = 1 + sigma (n - 1) + kappa n (n - 1)`` the
    residual is ``y + log D - log lam``; the best ``log lam`` is the weighted mean,
    so only each distinct client count's mean ``y`` and its count of runs are needed.
    """
    shape = np.log1p(sigmas[:, None, None] * (counts - 1)
                     + kappas[None, :, None] * counts * (counts - 1))
    level = means + shape  # (sigmas, kappas, counts)
    centre = (level * weights).sum(axis=2, keepdims=True) / weights.sum()
    return within + ((level - centre) ** 2 * weights).sum(axis=2)


def _profile(n, y, best, best_rss, kind, level):
    """Profile-likelihood intervals of sigma, kappa and N* (see the module docstring)."""
    from scipy.special import stdtrit  # loaded with scipy.optimize already

    counts, index = np.unique(n, return_inverse=True)
    weights = np.bincount(index).astype(float)
    means = np.bincount(index, weights=y) / weights
    within = float(np.sum((y - means[index]) ** 2))
    free = n.size - (3 if kind == "usl" else 2)
    t = float(stdtrit(free, 0.5 + level / 2))
    sigma, kappa = best

    def inside(sigmas, kappas):
        rss = _grid_rss(counts, weights, means, within, sigmas, kappas)
        floor = min(best_rss, float(rss.min()))
        cut = floor * (1 + t * t / free) + 1e-12 * max(floor, 1e-300)
        return np.nonzero(rss <= cut)

    sigmas = np.linspace(0.0, 1.0, 101)
    kappas = np.concatenate([[0.0], np.geomspace(1e-9, 1.0, 181)]) if kind == "usl" else (
        np.zeros(1))
    rows, cols = inside(sigmas, kappas)
    low_s = min(sigmas[max(rows.min() - 1, 0)] if rows.size else 1.0, sigma)
    high_s = max(sigmas[min(rows.max() + 1, 100)] if rows.size else 0.0, sigma)
    fine_s = np.unique(np.concatenate([np.linspace(low_s, high_s, 161), [sigma]]))
    if kind == "usl":
        positive = np.concatenate([kappas[cols][kappas[cols] > 0], [kappa] if kappa else []])
        fine_k = np.geomspace(max(positive.min() / 1.13, 1e-12), min(positive.max() * 1.13, 1.0),
                              161) if positive.size else np.zeros(0)
        with_zero = kappa == 0 or (cols.size and kappas[cols].min() <= 1e-9)
        fine_k = np.unique(np.concatenate([[0.0] if with_zero else [], fine_k, [kappa]]))
    else:
        fine_k = np.zeros(1)
    rows, cols = inside(fine_s, fine_k)
    s_in = np.concatenate([fine_s[rows], [sigma]])
    k_in = np.concatenate([fine_k[cols], [kappa]])
    with np.errstate(divide="ignore"):
        peaks = np.where(k_in > 0, np.sqrt((1 - s_in) / np.where(k_in > 0, k_in, 1.0)), np.inf)
    return ((float(s_in.min()), float(s_in.max())), (float(k_in.min()), float(k_in.max())),
            (float(peaks.min()), float(peaks.max())))


def fit_usl(
    clients: object,
    throughput: object,
    *,
    model: str = "usl",
    band: float = 0.8,
) -> UslFit:
    """Fit the Universal Scalability Law (or Amdahl's law) to measured throughput.

    Bounded least squares (:func:`scipy.optimize.curve_fit`, ``method="trf"``)
    on ``log(throughput)``, with ``lam > 0`` and ``sigma``, ``kappa`` in
    [0, 1]. Repeated runs at the same client count are simply several points.
    The intervals are profile-likelihood intervals (see the module docstring),
    found on a grid of ``(sigma, kappa)``: exact to about half a percent.

    Parameters
    ----------
    clients : array-like
        Number of clients of each run, each > 0; at least 3 distinct values.
    throughput : array-like
        Measured throughput of each run (same length), each > 0.
    model : {"usl", "amdahl"}
        The law to fit.
    band : float
        Probability of the intervals, in (0, 1).

    Returns
    -------
    UslFit

    Raises
    ------
    ValueError
        If the arrays differ in length, hold fewer than 3 distinct client
        counts or no more runs than the fit has parameters, or hold a value
        that is not > 0 (the message names the argument).

    Examples
    --------
    >>> n = np.array([1, 2, 4, 8, 16, 32])
    >>> fit = fit_usl(n, usl_throughput(n, 500, 0.05, 0.002))
    >>> round(fit.sigma, 3), round(fit.kappa, 4), round(fit.peak_clients, 1)
    (0.05, 0.002, 21.8)
    """
    n = check_array("clients", clients, positive=True)
    x = check_array("throughput", throughput, positive=True)
    if n.size != x.size:
        raise ValueError(f"throughput must have one value per entry of clients: {x.size} "
                         f"values for {n.size} entries")
    if np.unique(n).size < 3:
        raise ValueError(f"clients must hold at least 3 distinct client counts, got "
                         f"{np.unique(n).size}")
    kind = check_choice("model", model, ("usl", "amdahl"))
    level = check_number("band", band, low=0.0, high=1.0, low_inclusive=False,
                         high_inclusive=False)

    one = float(np.median(x[n == n.min()]) / n.min())
    if kind == "usl":
        function, start = _usl, (one, 0.05, 0.001)
        bounds = ([1e-12, 0.0, 0.0], [np.inf, 1.0, 1.0])
    else:
        function, start = _amdahl, (one, 0.05)
        bounds = ([1e-12, 0.0], [np.inf, 1.0])
    from scipy import optimize  # imported here: it loads argparse, which the model avoids

    if n.size <= len(start):
        raise ValueError(f"clients must hold more runs than the {len(start)} parameters of the "
                         f"{kind} fit, got {n.size}")
    with warnings.catch_warnings():
        # degenerate data (a flat line, a perfect fit) leaves the covariance undefined: the
        # errors are then infinite, which the result shows, rather than a warning
        warnings.simplefilter("ignore", optimize.OptimizeWarning)
        parameters, covariance = optimize.curve_fit(
            lambda n, *p: np.log(function(n, *p)), n, np.log(x), p0=start, bounds=bounds,
            method="trf", maxfev=20_000,
        )
    if not np.all(np.isfinite(covariance)):
        covariance = np.full_like(covariance, np.inf)
    errors = np.sqrt(np.clip(np.diag(covariance), 0, None))
    lam, sigma = float(parameters[0]), float(parameters[1])
    kappa = float(parameters[2]) if kind == "usl" else 0.0
    if kappa < 1e-12:  # at its bound, up to the optimiser's rounding
        kappa = 0.0
        if kind == "usl":
            parameters = np.array([lam, sigma, 0.0])
    residuals = np.log(x / function(n, *parameters))
    rss = float(np.sum(residuals**2))
    (s_low, s_high), (k_low, k_high), (p_low, p_high) = _profile(
        n, np.log(x) - np.log(n), (sigma, kappa), rss, kind, level)
    if kappa == 0:
        peak = float("inf")
        top = lam / sigma if sigma > 0 else float("inf")
    else:
        peak = float(np.sqrt((1 - sigma) / kappa))
        top = float(_usl(peak, lam, sigma, kappa))
    return UslFit(
        model=kind, lam=lam, sigma=sigma, kappa=kappa,
        lam_error=float(errors[0]), sigma_error=float(errors[1]),
        kappa_error=float(errors[2]) if kind == "usl" else 0.0,
        sigma_low=s_low, sigma_high=s_high, kappa_low=k_low, kappa_high=k_high,
        peak_clients=peak, peak_low=p_low, peak_high=p_high, peak_throughput=top,
        relative_rmse=float(np.sqrt(rss / n.size)), rss=rss, runs=int(n.size), band=level,
    )


@dataclass(frozen=True)
class LawComparison:
    """What one recording can say: the USL against Amdahl's law, and whether it falls.

    Attributes
    ----------
    usl, amdahl : UslFit
        The two fits.
    f_statistic, p_value : float
        The extra-sum-of-squares F-test of ``kappa = 0``: a small ``p_value``
        (below ``1 - band``) means the USL fits better than chance alone explains.
    kappa_detected : bool
        ``kappa``'s interval excludes 0.
    falls_after_peak : bool
        ``kappa`` is detected and the fitted ``N*`` lies inside the measured
        range of clients: the data shows throughput falling past its peak.
    largest_clients : float
        The largest client count measured.
    """

    usl: UslFit
    amdahl: UslFit
    f_statistic: float
    p_value: float
    kappa_detected: bool
    falls_after_peak: bool
    largest_clients: float

    def verdict(self) -> str:
        """One or two sentences on what the recording shows, chosen by the fit.

        Examples
        --------
        >>> n = np.repeat([1, 2, 4, 8, 16, 32, 64], 2)
        >>> print(compare_laws(n, usl_throughput(n, 500, 0.05, 0.002)).verdict())
        ... # doctest: +NORMALIZE_WHITESPACE
        kappa's 80% interval excludes 0: the recording shows a coherency cost, and
        throughput falls after its peak near 22 clients, inside the 64 measured.
        """
        fit, band = self.usl, f"{self.usl.band:.0%}"
        if not self.kappa_detected:
            return (f"kappa's {band} interval includes 0: this recording cannot tell the USL "
                    f"from Amdahl's law (F-test p = {self.p_value:.2f}), so it shows "
                    f"contention but no measurable coherency cost; N* is at least "
                    f"{fit.peak_low:,.0f} clients, with no upper limit.")
        if self.falls_after_peak:
            return (f"kappa's {band} interval excludes 0: the recording shows a coherency "
                    f"cost, and throughput falls after its peak near {fit.peak_clients:,.0f} "
                    f"clients, inside the {self.largest_clients:,.0f} measured.")
        return (f"kappa's {band} interval excludes 0: the recording shows a coherency cost, "
                f"but its peak (N* near {fit.peak_clients:,.0f}) lies beyond the "
                f"{self.largest_clients:,.0f} clients measured, so no fall is seen.")


def compare_laws(clients: object, throughput: object, *, band: float = 0.8) -> LawComparison:
    """Fit the USL and Amdahl's law to one recording and say which the data supports.

    Parameters
    ----------
    clients, throughput : array-like
        As for :func:`fit_usl`.
    band : float
        Probability of the intervals, in (0, 1).

    Returns
    -------
    LawComparison

    Examples
    --------
    >>> n = np.repeat([1, 2, 4, 8, 16, 32], 2)
    >>> same = compare_laws(n, amdahl_throughput(n, 500, 0.1) * np.tile([0.9, 1.1], 6))
    >>> same.kappa_detected, same.falls_after_peak
    (False, False)
    """
    usl = fit_usl(clients, throughput, model="usl", band=band)
    amdahl = fit_usl(clients, throughput, model="amdahl", band=band)
    from scipy.special import fdtrc  # loaded with scipy.optimize already

    free = usl.runs - 3
    extra = max(amdahl.rss - usl.rss, 0.0)
    statistic = extra / (usl.rss / free) if usl.rss > 0 else float("inf")
    p_value = float(fdtrc(1, free, statistic)) if np.isfinite(statistic) else 0.0
    largest = float(np.max(check_array("clients", clients, positive=True)))
    detected = usl.kappa_detected
    return LawComparison(
        usl=usl, amdahl=amdahl, f_statistic=float(statistic), p_value=p_value,
        kappa_detected=detected, falls_after_peak=bool(detected and usl.peak_clients < largest),
        largest_clients=largest,
    )
