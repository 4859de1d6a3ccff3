"""Lesson 03, the doomsday clock: when does a growing database hit a wall, and when must work start?

A single database primary grows until one resource (storage, CPU, connections,
transaction IDs) reaches a hard limit. This package fits that growth, projects
it to the limit with a prediction band, and turns the projected *doomsday
date* into a *start-by date* for the project that removes the limit (for
example, sharding). It also simulates sharding itself: workspaces hashed to
logical shards on physical hosts, and the share of data that moves when hosts
are added.

Time is measured in *days* (plain float day numbers); only the dates module
deals in calendar dates. Import everything from here
(``from infralab import growth``); the modules hold:

- :mod:`~infralab.growth.fitting` — :func:`fit_growth` (linear, exponential or
  piecewise growth), :class:`GrowthFit`, :func:`find_regime_change`,
  :func:`days_until_limit`, :func:`monthly_growth_pct`.
- :mod:`~infralab.growth.projection` — :func:`project_to_limit` and its
  :class:`Projection`: a block-bootstrap band around the trend and the day it
  crosses the limit, for a resource that grows itself, grows above a
  ``baseline`` (transaction-ID age) or is a ``running_total`` (storage), with
  or without a weekly cycle (``cycle_days``).
- :mod:`~infralab.growth.sawtooth` — transaction-ID age as a vacuum sawtooth:
  :func:`sawtooth_top`, :func:`ids_per_pass` and :func:`project_sawtooth`, which
  forecasts it from its two causes (IDs per day, and the size a vacuum pass works
  through).
- :mod:`~infralab.growth.dates` — :func:`doomsday_table` and
  :func:`start_by_date`, in calendar dates.
- :mod:`~infralab.growth.storage` — :func:`measure_bytes_per_row`, measured in SQLite.
- :mod:`~infralab.growth.postgres` — :func:`measure_postgres_bytes_per_row` in a real,
  throw-away PostgreSQL (:func:`embedded_postgres`) and :func:`load_postgres_measurement`.
- :mod:`~infralab.growth.server_limits` — :func:`postgres_limits` of your own server,
  read-only, and its :class:`PostgresLimits`.
- :mod:`~infralab.growth.sharding` — :func:`stable_hash`, :func:`zipf_sizes`,
  :func:`simulate_sharding` and its :class:`ShardingResult`,
  :func:`rebalance_shards`, :func:`fraction_moved`.

The private :mod:`~infralab.growth._least_squares` holds the straight-line
arithmetic that fitting and projection share (with a cycle fitted alongside
the line), and :mod:`~infralab.growth._shapes` turns a resource into the
quantity that grows and a trend back into the resource. Each module's docstring explains
its method and lists its references.
"""

from .dates import doomsday_table, start_by_date
from .fitting import (
    DAYS_PER_MONTH,
    MODELS,
    GrowthFit,
    days_until_limit,
    find_regime_change,
    fit_growth,
    monthly_growth_pct,
)
from .postgres import (
    POSTGRES_MEASUREMENT_FILE,
    embedded_postgres,
    load_postgres_measurement,
    measure_postgres_bytes_per_row,
)
from .projection import Projection, project_to_limit
from .sawtooth import (
    FREEZE_MAX_AGE_MILLIONS,
    FREEZE_MIN_AGE_MILLIONS,
    ids_per_pass,
    project_sawtooth,
    sawtooth_top,
)
from .server_limits import PostgresLimits, postgres_limits
from .sharding import (
    ShardingResult,
    fraction_moved,
    rebalance_shards,
    simulate_sharding,
    stable_hash,
    zipf_sizes,
)
from .storage import measure_bytes_per_row

__all__ = [
    "DAYS_PER_MONTH",
    "FREEZE_MAX_AGE_MILLIONS",
    "FREEZE_MIN_AGE_MILLIONS",
    "MODELS",
    "POSTGRES_MEASUREMENT_FILE",
    "GrowthFit",
    "PostgresLimits",
    "Projection",
    "ShardingResult",
    "days_until_limit",
    "doomsday_table",
    "embedded_postgres",
    "find_regime_change",
    "fit_growth",
    "fraction_moved",
    "ids_per_pass",
    "load_postgres_measurement",
    "measure_bytes_per_row",
    "measure_postgres_bytes_per_row",
    "monthly_growth_pct",
    "postgres_limits",
    "project_sawtooth",
    "project_to_limit",
    "rebalance_shards",
    "sawtooth_top",
    "simulate_sharding",
    "stable_hash",
    "start_by_date",
    "zipf_sizes",
]
