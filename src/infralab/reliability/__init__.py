"""Lesson 01's model: put numbers on reliability, speed and the market that rewards them.

Five modules, one concern each:

- :mod:`~infralab.reliability.availability`: nines to downtime, dependencies in series
  and in parallel, error budgets and burn rates;
- :mod:`~infralab.reliability.queueing`: latency against utilisation for M/M/1 and
  M/M/c queues, in closed form (mean, quantiles, Erlang C) and simulated (the Lindley
  recursion as a cumulative sum and a running minimum);
- :mod:`~infralab.reliability.measured`: the same queue run for real, worker threads
  sleeping their service times, timed;
- :mod:`~infralab.reliability.tail`: the tail at scale, ``1 - (1 - p)^n``, simulated
  fan-out requests and hedged requests;
- :mod:`~infralab.reliability.market`: a 36-month market of a feature-first and a
  quality-first product, and its sensitivity to each assumption.

Examples
--------
>>> from infralab import reliability
>>> round(reliability.downtime_minutes(0.999), 1)
43.2
"""

from .availability import (
    MINUTES_PER_DAY,
    availability_in_parallel,
    availability_in_series,
    budget_exhaustion_days,
    downtime_minutes,
    error_budget_minutes,
)
from .market import (
    MARKET_DEFAULTS,
    MarketSimulation,
    market_break_even,
    market_sensitivity,
    simulate_market,
)
from .measured import MeasuredQueue, measure_thread_pool
from .queueing import (
    REPLICATIONS,
    WARMUP_SHARE,
    QueueSimulation,
    erlang_c,
    mm1_time_in_system,
    mmc_mean_wait,
    simulate_queue,
    slower_than_probability,
    time_in_system_quantile,
)
from .tail import (
    FanoutSimulation,
    fanout_slow_probability,
    leaf_latency_quantile,
    simulate_fanout,
)

__all__ = [
    "MARKET_DEFAULTS",
    "MINUTES_PER_DAY",
    "REPLICATIONS",
    "WARMUP_SHARE",
    "FanoutSimulation",
    "MarketSimulation",
    "MeasuredQueue",
    "QueueSimulation",
    "availability_in_parallel",
    "availability_in_series",
    "budget_exhaustion_days",
    "downtime_minutes",
    "erlang_c",
    "error_budget_minutes",
    "fanout_slow_probability",
    "leaf_latency_quantile",
    "market_break_even",
    "market_sensitivity",
    "measure_thread_pool",
    "mm1_time_in_system",
    "mmc_mean_wait",
    "simulate_fanout",
    "simulate_market",
    "simulate_queue",
    "slower_than_probability",
    "time_in_system_quantile",
]
