"""Right answers to lesson 05's exercises, written the way a learner would.

They are written independently of the reference functions in
:mod:`infralab.checks.server_side_tracking`. :data:`RIGHT_ANSWERS` maps each task
to its answer; tests/test_lesson_checks.py runs it through the task's check.
"""

from __future__ import annotations

import numpy as np


def client_side_loss(server_count, client_count):
    return (server_count - client_count) / server_count


def loss_by_segment(events):
    server = events.query("source == 'server'").drop_duplicates("event_id")
    client = events.query("source == 'client'")
    kept = client.groupby("segment").size() / server.groupby("segment").size()
    return 1 - kept.fillna(0)


def events_per_step(deliveries):
    counts = {}
    for step, rows in deliveries.groupby("step"):
        counts[step] = rows["event_id"].nunique()
    return counts


def corrected_funnel(client_counts, survival):
    estimate = {}
    for step in client_counts.columns:
        estimate[step] = sum(client_counts[step] / survival[step])
    return estimate


def events_to_move_server_side(counts, max_loss):
    loss = 1 - counts["client_count"] / counts["server_count"]
    worst = loss.groupby(counts["event"]).max()
    return list(worst[worst > max_loss].index)


def ab_readout_error(control_rate, variant_rate, survival_control, survival_variant):
    measured = (variant_rate * survival_variant) / (control_rate * survival_control)
    return measured - variant_rate / control_rate


def anonymous_ids(visit_days, cookie_cap_days):
    days = np.sort(np.asarray(visit_days))
    if days.size == 0:
        return 0
    return 1 + int(np.count_nonzero(np.diff(days) >= cookie_cap_days))


RIGHT_ANSWERS = {
    "client_side_loss": client_side_loss,
    "ab_readout_error": ab_readout_error,
    "loss_by_segment": loss_by_segment,
    "events_per_step": events_per_step,
    "corrected_funnel": corrected_funnel,
    "events_to_move_server_side": events_to_move_server_side,
    "anonymous_ids": anonymous_ids,
}
