"""Shared by the tests of :mod:`infralab.growth`: synthetic series and bad-call parameters."""

from __future__ import annotations

import numpy as np
import pytest


def exponential_series(start=100.0, rate=0.01, n_days=120, noise_sd=0.0, seed=0):
    days = np.arange(float(n_days))
    noise = np.random.default_rng(seed).normal(0.0, noise_sd, n_days) if noise_sd else 0.0
    return days, start * np.exp(rate * days + noise)


def regime_change_series(seed=0, noise_sd=0.01):
    """Slow growth (0.2%/day) until day 250, then fast growth (1%/day), continuous."""
    days = np.arange(400.0)
    log_values = np.log(1000.0) + np.where(
        days < 250, 0.002 * days, 0.002 * 250 + 0.01 * (days - 250)
    )
    log_values += np.random.default_rng(seed).normal(0.0, noise_sd, days.size)
    return days, np.exp(log_values)


def bad(function, error, name, **arguments):
    """One bad call: ``function(**arguments)`` must raise ``error`` naming ``name``."""
    return pytest.param(function, arguments, error, name, id=f"{function.__name__}-{name}")


#: A short exact exponential series, the valid arguments bad calls alter.
DAYS = np.arange(10.0)
VALUES = np.exp(0.01 * DAYS)
SERIES = {"days": DAYS, "values": VALUES}
