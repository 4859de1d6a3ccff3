"""Benchmarks time one process at a time: refuse to run them spread over xdist workers.

The repository's pytest options spread the test suite over every core (``-n auto``);
pytest-benchmark then switches itself off and would write no timings. Run
``python -m pytest benchmarks -n 0`` (``make bench`` does).
"""

import pytest


def pytest_configure(config):
    if config.getoption("dist", "no") != "no" or config.getoption("numprocesses", 0):
        raise pytest.UsageError(
            "benchmarks must run in one process: add -n 0 "
            "(python -m pytest benchmarks -n 0 --benchmark-json=FILE)"
        )
