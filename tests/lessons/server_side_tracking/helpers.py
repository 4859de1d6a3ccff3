"""Shared by the tests of :mod:`infralab.tracking`: a one-line segment and tolerances."""

from __future__ import annotations

from infralab.tracking import Segment

#: Sampling tolerance: a correct simulation lands within this many standard errors.
Z = 4.0

#: The lesson's A/B test: the variant's one-click checkout loses more purchase beacons.
LESSON_AB = {
    "control_rate": 0.040,
    "variant_rate": 0.044,
    "tracker_blocking": 0.30,
    "unload_loss_control": 0.05,
    "unload_loss_variant": 0.30,
}


def segment(
    name="Only",
    *,
    share=1.0,
    blocking=0.0,
    consent=0.0,
    network=0.0,
    unload=0.0,
    rates=(0.5, 0.5, 0.5),
):
    return Segment(
        name=name,
        device="desktop",
        browser="Chrome",
        audience="general",
        share=share,
        tracker_blocking=blocking,
        consent_decline=consent,
        network_loss=network,
        unload_loss=unload,
        step_rates=rates,
    )


def within(observed, expected, standard_error):
    """True when ``observed`` is within Z standard errors of ``expected`` (exact if SE is 0)."""
    return abs(observed - expected) <= Z * standard_error + 1e-12

