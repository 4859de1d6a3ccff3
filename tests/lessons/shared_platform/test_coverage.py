"""Lesson 02's break-even band holds the share of runs it states; "never" is as likely as stated.

The band is the narrowest stretch of whole months holding at least 80% of the
simulated runs; it reports how many it really holds (``coverage``). Checked
here against a much larger sample from the same cost distribution (another
seed): the share of those runs inside the band must match the stated coverage,
and the chance of "never" must match fresh projects.
"""

import numpy as np

from infralab import platform
from tests.lessons.shared_platform.test_findings import COSTS, LESSON, _runs


def _inside(band, months):
    months = np.where(np.isnan(months), np.inf, months)
    return float(np.mean((months >= band.low) & (months <= band.high)))


def test_the_bands_hold_what_they_say_in_a_large_fresh_sample():
    runs = _runs()
    for n in (LESSON["ROADMAP"], LESSON["SHORT_ROADMAP"]):
        band = platform.break_even_band(runs[n].months, level=0.8)
        fresh = platform.simulate_break_even(2_000_000, column_types=n, seed=777, **COSTS)
        truth = _inside(band, fresh.months)
        # 20,000 runs: one standard error of a share near 0.85 is 0.25 points
        assert abs(truth - band.coverage) < 0.01, (n, truth, band.coverage)
        assert truth >= 0.79, (n, truth)


def test_the_chance_of_never_is_what_fresh_projects_show():
    trials, stated, never = 400, [], 0
    for seed in range(trials):
        runs = platform.simulate_break_even(2_000, column_types=LESSON["SHORT_ROADMAP"],
                                            seed=seed, **COSTS)
        stated.append(runs.share_never)
        fresh = platform.simulate_break_even(1, column_types=LESSON["SHORT_ROADMAP"],
                                             seed=20_000 + seed, **COSTS)
        never += np.isnan(fresh.months[0])
    # one standard error of the observed share: sqrt(0.19 * 0.81 / 400) = 2.0 points
    assert abs(never / trials - np.mean(stated)) < 0.06, (never, np.mean(stated))
