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
same and one slow run cannot drag the curve), and reports each parameter's
standard error from the fit's covariance and an interval for ``N*`` from draws of
``(sigma, kappa)`` with that covariance.

References
----------
N. J. Gunther, *Guerrilla Capacity Planning*, Springer, 2007, chapters 4-6.
G. M. Amdahl, "Validity of the single processor approach to achieving large
scale computing capabilities", AFIPS 1967.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..validation import check_array, check_choice, check_number, check_probability, check_seed

__all__ = [
    "UslFit",
    "amdahl_throughput",
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
        Standard errors from the fit's covariance (0 for a parameter held fixed).
    peak_clients : float
        ``N*`` of the fitted parameters (``inf`` for Amdahl).
    peak_low, peak_high : float
        The central ``band`` interval of ``N*`` over draws of ``(sigma, kappa)``.
    peak_throughput : float
        Throughput at ``N*`` (for Amdahl, the ceiling ``lam / sigma``).
    relative_rmse : float
        Root mean square of ``log(measured / fitted)``: about the typical
        relative miss (0.1 = about 10%).
    band : float
        The probability the ``N*`` interval is for.
    """

    model: str
    lam: float
    sigma: float
    kappa: float
    lam_error: float
    sigma_error: float
    kappa_error: float
    peak_clients: float
    peak_low: float
    peak_high: float
    peak_throughput: float
    relative_rmse: float
    band: float

    def interval(self, name: str, band: float | None = None) -> tuple[float, float]:
        """A normal ``band`` interval for ``name`` (lam, sigma or kappa): estimate ± z·error."""
        check_choice("name", name, ("lam", "sigma", "kappa"))
        level = self.band if band is None else check_number(
            "band", band, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
        z = NormalDist().inv_cdf(0.5 + level / 2)
        value, error = getattr(self, name), getattr(self, f"{name}_error")
        return value - z * error, value + z * error


def _usl(n, lam, sigma, kappa):
    return lam * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))


def _amdahl(n, lam, sigma):
    return lam * n / (1 + sigma * (n - 1))


def fit_usl(
    clients: object,
    throughput: object,
    *,
    model: str = "usl",
    band: float = 0.8,
    draws: int = 4_000,
    seed: object = 0,
) -> UslFit:
    """Fit the Universal Scalability Law (or Amdahl's law) to measured throughput.

    Bounded least squares (:func:`scipy.optimize.curve_fit`, ``method="trf"``)
    on ``log(throughput)``, with ``lam > 0`` and ``sigma``, ``kappa`` in
    [0, 1]. Repeated runs at the same client count are simply several points.

    Parameters
    ----------
    clients : array-like
        Number of clients of each run, each > 0; at least 3 distinct values.
    throughput : array-like
        Measured throughput of each run (same length), each > 0.
    model : {"usl", "amdahl"}
        The law to fit.
    band : float
        Probability of the interval for ``N*``, in (0, 1).
    draws : int
        Draws of ``(sigma, kappa)`` from the fit's covariance for that interval.
    seed : int or numpy.random.Generator
        For those draws.

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
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not (
            100 <= draws <= 1_000_000):
        raise ValueError(f"draws must be a whole number from 100 to 1,000,000, got {draws!r}")
    rng = check_seed("seed", seed)

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
    fitted = function(n, *parameters)
    rmse = float(np.sqrt(np.mean(np.log(x / fitted) ** 2)))
    if kind == "amdahl" or kappa == 0:
        peak = low = high = float("inf")
        top = lam / sigma if sigma > 0 else float("inf")
    elif not np.all(np.isfinite(covariance)):
        peak = float(np.sqrt((1 - sigma) / kappa))
        top = float(_usl(peak, lam, sigma, kappa))
        low, high = 0.0, float("inf")
    else:
        peak = float(np.sqrt((1 - sigma) / kappa))
        top = float(_usl(peak, lam, sigma, kappa))
        sample = rng.multivariate_normal(parameters[1:], covariance[1:, 1:], size=draws)
        sample = np.clip(sample, [0.0, 1e-12], [1.0, 1.0])
        peaks = np.sqrt((1 - sample[:, 0]) / sample[:, 1])
        low, high = (float(v) for v in np.quantile(peaks, [0.5 - level / 2, 0.5 + level / 2]))
    return UslFit(
        model=kind, lam=lam, sigma=sigma, kappa=kappa,
        lam_error=float(errors[0]), sigma_error=float(errors[1]),
        kappa_error=float(errors[2]) if kind == "usl" else 0.0,
        peak_clients=peak, peak_low=low, peak_high=high, peak_throughput=top,
        relative_rmse=rmse, band=level,
    )
