"""Tests for infralab.growth.storage: bytes per row, measured in SQLite."""

from __future__ import annotations

import re

import pytest

from infralab.growth.storage import measure_bytes_per_row

from .helpers import bad


def test_measure_bytes_per_row_is_a_repeatable_real_measurement():
    first = measure_bytes_per_row(5_000, payload_bytes=200)
    assert first == measure_bytes_per_row(5_000, payload_bytes=200)
    assert first > 200  # the payload alone is 200 bytes
    larger = measure_bytes_per_row(5_000, payload_bytes=400)
    assert 180 < larger - first < 240  # roughly +payload, plus page slack
    without_index = measure_bytes_per_row(5_000, payload_bytes=200, with_index=False)
    assert 0 < first - without_index < 40


# ---------------------------------------------------------------------------
# Bad arguments name themselves
# ---------------------------------------------------------------------------

BAD_CALLS = [
    bad(measure_bytes_per_row, ValueError, "n_rows", n_rows=0),
    bad(measure_bytes_per_row, ValueError, "payload_bytes", n_rows=10, payload_bytes=-1),
    bad(measure_bytes_per_row, TypeError, "with_index", n_rows=10, with_index="yes"),
    bad(measure_bytes_per_row, ValueError, "rng", n_rows=10, rng=1.5),
]


@pytest.mark.parametrize(("function", "arguments", "error", "name"), BAD_CALLS)
def test_bad_arguments_raise_and_name_the_argument(function, arguments, error, name):
    with pytest.raises(error, match=rf"\b{re.escape(name)}\b"):
        function(**arguments)
