"""Lesson 04's model: what breaks at 10x and 100x, the Universal Scalability Law, the team.

- :mod:`~infralab.scaling.components`: a system of components swept from 1x to 100x
  load; the first, second and third thing to break, and what each fix costs and buys.
- :mod:`~infralab.scaling.usl`: the Universal Scalability Law and Amdahl's law, and a
  bounded fit of either to measured throughput, with profile-likelihood intervals,
  and what one recording can say about which law it follows.
- :mod:`~infralab.scaling.measure`: throughput of a real PostgreSQL against clients,
  measured with pgbench, and the recorded measurement read back, checked.
- :mod:`~infralab.scaling.team`: an organisation over quarters, staffing the 100x
  project three ways; the J-curve, the best team size and the latest start.
"""

from .components import (
    SHARDING_TEAM,
    SYSTEM_COLUMNS,
    apply_fix,
    bottleneck_order,
    breaking_load,
    example_system,
    sweep_system,
    what_breaks_at,
)
from .measure import (
    THROUGHPUT_MEASUREMENT_FILE,
    load_throughput_measurement,
    measure_throughput,
)
from .team import (
    DEFAULT_ASSUMPTIONS,
    STRATEGIES,
    OrgOutcome,
    best_team_size,
    draw_assumptions,
    latest_start_quarter,
    simulate_org,
)
from .usl import (
    LawComparison,
    UslFit,
    amdahl_throughput,
    compare_laws,
    fit_usl,
    peak_concurrency,
    usl_throughput,
)

__all__ = [
    "DEFAULT_ASSUMPTIONS",
    "LawComparison",
    "OrgOutcome",
    "SHARDING_TEAM",
    "STRATEGIES",
    "SYSTEM_COLUMNS",
    "THROUGHPUT_MEASUREMENT_FILE",
    "UslFit",
    "amdahl_throughput",
    "apply_fix",
    "best_team_size",
    "compare_laws",
    "bottleneck_order",
    "breaking_load",
    "draw_assumptions",
    "example_system",
    "fit_usl",
    "latest_start_quarter",
    "load_throughput_measurement",
    "measure_throughput",
    "peak_concurrency",
    "simulate_org",
    "sweep_system",
    "usl_throughput",
    "what_breaks_at",
]
