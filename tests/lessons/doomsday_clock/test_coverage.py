"""Section 3's coverage check of lesson 03, over 300 regenerated data sets.

Kept apart from the other findings (tests/lessons/doomsday_clock/test_findings.py) so
that pytest-xdist can run this, the slowest of them (about 10 s), beside the rest. The
lesson's settings are read from its notebook, as there.
"""

import numpy as np
import pytest

from infralab import datasets, growth
from tests.lessons.doomsday_clock.test_findings import FORECAST, LIMITS, SHAPES


@pytest.fixture(scope="module")
def truth():
    return datasets.trend_crossings(LIMITS)


def test_bands_cover_the_truth_as_the_lesson_says(truth):
    """The coverage check of section 3, over 300 regenerated data sets.

    Every resource's 80% band holds the truth about 80% of the time (300 runs: one
    standard deviation is 2.3 points; the seeds are fixed, so the test is too) and its median
    forecast is within days of it; a plain exponential of a running total or of a
    vacuum sawtooth almost never does; blocks of 14 days narrow the bands.
    """
    runs = 300
    hits = {resource: 0 for resource in LIMITS}
    plain_hits = {resource: 0 for resource in ("xid_age_millions", "storage_gib")}
    block_hits = 0
    errors = {resource: [] for resource in LIMITS}
    for run in range(runs):
        data = datasets.simulate_postgres_metrics(seed=run)
        fitted = growth.doomsday_table(data, LIMITS, n_simulations=300, rng=run,
                                       **SHAPES).set_index("resource")
        for resource in LIMITS:
            within = fitted.earliest[resource] <= truth[resource] <= fitted.latest[resource]
            hits[resource] += within
            errors[resource].append((fitted.doomsday[resource] - truth[resource]).days)
        if run < 100:
            plain = growth.doomsday_table(data, {r: LIMITS[r] for r in plain_hits},
                                          n_simulations=300, rng=run, **FORECAST)
            for row in plain.itertuples():
                plain_hits[row.resource] += row.earliest <= truth[row.resource] <= row.latest
            blocks = growth.doomsday_table(data, {"cpu_peak_pct": 90}, n_simulations=300, rng=run,
                                           **{**FORECAST, "block_days": 14}).iloc[0]
            block_hits += blocks.earliest <= truth["cpu_peak_pct"] <= blocks.latest
    for resource in LIMITS:
        assert 0.74 <= hits[resource] / runs <= 0.88, (resource, hits[resource])
        assert abs(np.median(errors[resource])) <= 3, resource
    assert all(count <= 10 for count in plain_hits.values()), plain_hits
    assert block_hits < hits["cpu_peak_pct"] / 3  # fewer of 100 than of 300 / 3
