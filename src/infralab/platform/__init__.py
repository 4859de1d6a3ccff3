"""Lesson 02's model: when a shared platform pays off, and a small platform to extend.

- :mod:`~infralab.platform.velocity`: column types shipped per month with and
  without a platform, the break-even month and roadmap size, defects that grow
  with the number of copies, and a Monte Carlo over uncertain costs.
- :mod:`~infralab.platform.columns`: what a column type is
  (:class:`ColumnType`) and the :class:`Registry` that holds them.
- :mod:`~infralab.platform.capabilities`: filter, sort, permissions and
  export (CSV and .xlsx), written once for every column type.
- :mod:`~infralab.platform.contracts`: the contract suite every column must pass.
- :mod:`~infralab.platform.per_team`: the same date column written by three
  teams, each with its own copy of every capability.

Examples
--------
>>> from infralab import platform
>>> rating = platform.ColumnType("rating", to_text=str, from_text=int, examples=(1, 2, 3))
>>> platform.failed_contracts(platform.run_contracts(platform.SharedColumn(rating)))
[]
"""

from .capabilities import Board, SharedColumn, read_export
from .columns import DATE, NUMBER, STATUS, TEXT, ColumnType, Registry, standard_registry
from .contracts import CONTRACTS, failed_contracts, run_contracts
from .per_team import TEAM_COLUMNS, DeadlineColumn, LaunchColumn, TimelineColumn, lines_of_code
from .velocity import (
    BreakEvenBand,
    BreakEvenRuns,
    break_even_band,
    break_even_month,
    columns_to_pay_off,
    cumulative_columns,
    inconsistency_chance,
    simulate_break_even,
)

__all__ = [
    "CONTRACTS",
    "DATE",
    "NUMBER",
    "STATUS",
    "TEAM_COLUMNS",
    "TEXT",
    "Board",
    "BreakEvenBand",
    "BreakEvenRuns",
    "ColumnType",
    "DeadlineColumn",
    "LaunchColumn",
    "Registry",
    "SharedColumn",
    "TimelineColumn",
    "break_even_band",
    "break_even_month",
    "columns_to_pay_off",
    "cumulative_columns",
    "failed_contracts",
    "inconsistency_chance",
    "lines_of_code",
    "read_export",
    "run_contracts",
    "simulate_break_even",
    "standard_registry",
]
