"""Lesson 02's break-even band and its chance of "never" hold against fresh projects.

The band is the 10th to 90th percentile of the simulated break-even months. The
"truth" of each trial is one more project drawn from the same cost distribution,
with another seed. Over many seeds it must land inside the band at least 80% of the
time; months are whole numbers, so the band (bounds included) holds somewhat more.
With the short roadmap the band's top is "never" (more than 10% of runs never break
even), so it holds every project by construction; what is checked there instead is
the stated chance of "never".
"""

import numpy as np

from infralab import platform
from tests.lessons.shared_platform.test_findings import COSTS, LESSON


def _fresh(column_types, seed):
    return platform.simulate_break_even(1, column_types=column_types, seed=seed, **COSTS).months[0]


def test_the_80_percent_band_covers_a_fresh_project():
    trials, hits, below, above = 400, 0, 0, 0
    for seed in range(trials):
        runs = platform.simulate_break_even(2_000, column_types=LESSON["ROADMAP"], seed=seed,
                                            **COSTS)
        band = platform.break_even_band(runs.months, level=0.8)
        month = _fresh(LESSON["ROADMAP"], 10_000 + seed)
        month = np.inf if np.isnan(month) else month
        hits += band.low <= month <= band.high
        below += month < band.low
        above += month > band.high
    # 400 trials: one standard deviation of a share near 0.85 is 1.8 points.
    assert 0.78 <= hits / trials <= 0.95, hits
    assert below / trials <= 0.12 and above / trials <= 0.12, (below, above)


def test_the_chance_of_never_is_what_fresh_projects_show():
    trials, stated, never = 400, [], 0
    for seed in range(trials):
        runs = platform.simulate_break_even(2_000, column_types=LESSON["SHORT_ROADMAP"],
                                            seed=seed, **COSTS)
        stated.append(runs.share_never)
        never += np.isnan(_fresh(LESSON["SHORT_ROADMAP"], 20_000 + seed))
    # one standard error of the observed share: sqrt(0.26 * 0.74 / 400) = 2.2 points
    assert abs(never / trials - np.mean(stated)) < 0.066, (never, np.mean(stated))
