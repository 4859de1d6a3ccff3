"""``python -m benchmarks``: every measurement against its target, as a table (``make bench``).

Simulators come from pytest-benchmark's JSON: ``--json FILE`` reads one written by
``python -m pytest benchmarks -n 0 --benchmark-json=FILE`` (``make bench`` runs that first);
without it, that command runs here into a temporary file. Then, unless skipped, every
notebook's Run All against a bare kernel with its try-it redraws, and the test suite;
with ``--fresh``, a fresh clone's ``make test``. ``--write`` records everything in
``docs/performance.md``, keeping its hand-written section "Why a target is missed".

Exits with 1 when a measurement could not be made (a benchmark failed, a notebook
raised, the suite failed); with ``--strict``, also when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .notebooks import ROOT, notebook_paths, run_notebook
from .report import (
    SUITE_SECONDS_TARGET,
    Measurement,
    format_table,
    machine_description,
    notebook_rows,
    simulator_rows,
    write_page,
)
from .simulators import all_simulators
from .suite import run_simulator_benchmarks, time_fresh_setup, time_test_suite

#: The page ``--write`` writes.
PAGE = ROOT / "docs" / "performance.md"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure simulator speed-ups (from pytest-benchmark), notebook run times, "
        "try-it redraws and the test suite against the course's targets; print a table.",
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="pytest-benchmark's JSON to read (default: run `pytest benchmarks` now)",
    )
    parser.add_argument(
        "--write", action="store_true", help="write the results to docs/performance.md"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="also time git clone + make test in a temporary folder (1 to 2 minutes)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with 1 when a target is missed, not only on errors",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs of each notebook; the fastest counts (default 3)",
    )
    parser.add_argument(
        "--skip-notebooks",
        action="store_true",
        help="leave out the notebooks and their try-it panels",
    )
    parser.add_argument("--skip-suite", action="store_true", help="leave out the test suite")
    return parser


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _simulator_measurements(json_file: Path | None) -> list[Measurement]:
    expected = [simulator.name for simulator in all_simulators()]
    if json_file is not None:
        results = json.loads(json_file.read_text(encoding="utf-8"))
        return simulator_rows(results, expected)
    with tempfile.TemporaryDirectory(prefix="infralab-bench-") as folder:
        written = Path(folder) / "benchmarks.json"
        _progress("python -m pytest benchmarks -n 0 --benchmark-json=... ")
        passed, summary = run_simulator_benchmarks(written)
        results = json.loads(written.read_text(encoding="utf-8")) if written.is_file() else {}
    rows = simulator_rows(results, expected)
    if not passed:
        rows.append(Measurement("simulators", "pytest benchmarks", "failed", "", "error", summary))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    logging.getLogger("tornado.general").setLevel(logging.ERROR)  # closed-stream chatter
    if arguments.repeats < 1:
        parser.error("--repeats must be >= 1")
    if arguments.write and (arguments.skip_notebooks or arguments.skip_suite):
        parser.error("--write needs every measurement: leave out --skip-notebooks/--skip-suite")
    if arguments.json is not None and not arguments.json.is_file():
        parser.error(f"--json: no such file: {arguments.json}")
    rows: list[Measurement] = []

    if not arguments.skip_notebooks:
        _progress("bare kernel ...")
        bare = run_notebook(None, repeats=arguments.repeats, time_panels=False)
        runs = []
        for path in notebook_paths(ROOT):
            _progress(f"{path.relative_to(ROOT)} ...")
            runs.append(run_notebook(path, repeats=arguments.repeats))
        rows += notebook_rows(runs, bare)

    rows += _simulator_measurements(arguments.json)

    if not arguments.skip_suite:
        _progress("test suite ...")
        seconds, passed, summary = time_test_suite(ROOT)
        rows.append(
            Measurement(
                "suite",
                f"pytest, the whole suite ({summary})" if summary else "pytest, the whole suite",
                f"{seconds:.1f} s",
                f"<= {SUITE_SECONDS_TARGET:g} s",
                ("met" if seconds <= SUITE_SECONDS_TARGET else "missed") if passed else "error",
                "" if passed else "the suite failed",
            )
        )

    if arguments.fresh:
        _progress("fresh set-up: git clone + make test ...")
        seconds, passed, summary = time_fresh_setup(ROOT)
        rows.append(
            Measurement(
                "set-up",
                "git clone, then make test (creates .venv, installs)",
                f"{seconds:.0f} s",
                "",
                "" if passed else "error",
                "" if passed else summary,
            )
        )

    print(format_table(rows))
    if arguments.write:
        write_page(PAGE, rows, machine_description())
        _progress(f"wrote {PAGE.relative_to(ROOT)}")
    errors = [row for row in rows if row.status == "error"]
    missed = [row for row in rows if row.status == "missed"]
    return 1 if errors or (arguments.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
