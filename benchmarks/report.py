"""The results table and ``docs/performance.md``: every measurement against its target.

The simulators' rows come from pytest-benchmark's JSON (``--benchmark-json``):
each benchmark's ``extra_info`` says which simulator and implementation it timed
and how many units one run processes, so seconds per run become units per second,
and the vectorised rate over the loop's is the speed-up.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from infralab.files import write_if_changed

from .notebooks import NotebookRun, PanelUpdate

__all__ = [
    "NOTEBOOK_RATIO_TARGET",
    "SPEEDUP_TARGET",
    "STATISTIC",
    "SUITE_SECONDS_TARGET",
    "WIDGET_UPDATE_TARGET_MS",
    "Measurement",
    "format_table",
    "machine_description",
    "notebook_rows",
    "notes_in",
    "performance_page",
    "simulator_rows",
    "speedup",
    "write_page",
]

#: A notebook's Run All may take at most this many times a bare kernel's.
NOTEBOOK_RATIO_TARGET = 2.0
#: The whole test suite, in seconds.
SUITE_SECONDS_TARGET = 60.0
#: Units per second, vectorised over loop.
SPEEDUP_TARGET = 100.0
#: The slowest redraw of a try-it panel, in milliseconds.
WIDGET_UPDATE_TARGET_MS = 100.0
#: Which of pytest-benchmark's statistics is a run's time: the fastest round, as
#: ``timeit`` advises (slower rounds measure the machine's other work, not the code).
STATISTIC = "min"

#: The hand-written section of docs/performance.md that ``--write`` keeps: why a target is
#: missed and what would meet it. It runs from this heading to the next "## " heading.
NOTES_HEADING = "## Why a target is missed"


@dataclass(frozen=True)
class Measurement:
    """One row of the results table.

    Attributes
    ----------
    section : str
        ``"notebooks"``, ``"widgets"``, ``"simulators"``, ``"suite"`` or ``"set-up"``.
    item : str
        What was measured.
    result : str
        The number, with its unit.
    target : str
        The target, in words; empty when the row has none (the bare kernel).
    status : str
        ``"met"``, ``"missed"``, ``"error"`` or ``""`` (no target).
    note : str
        Why a target was missed or what went wrong.
    """

    section: str
    item: str
    result: str
    target: str = ""
    status: str = ""
    note: str = ""


#: The order of the sections in the table.
SECTIONS = ("notebooks", "widgets", "simulators", "suite", "set-up")


def _status(met: bool) -> str:
    return "met" if met else "missed"


# --------------------------------------------------------------------------- simulators


def speedup(vectorised_per_second: float, loop_per_second: float) -> float:
    """How many times more units per second the vectorised code processes.

    ``inf`` when the loop processed nothing measurable.

    Examples
    --------
    >>> speedup(2_000_000.0, 10_000.0)
    200.0
    """
    for label, rate in (
        ("vectorised_per_second", vectorised_per_second),
        ("loop_per_second", loop_per_second),
    ):
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate >= 0:
            raise ValueError(f"{label} must be a number >= 0, got {rate!r}")
    if math.isinf(vectorised_per_second) or math.isinf(loop_per_second):
        raise ValueError("rates must be finite")
    return math.inf if loop_per_second == 0 else vectorised_per_second / loop_per_second


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


def _units_per_second(benchmark: Mapping[str, object]) -> float:
    seconds = float(benchmark["stats"][STATISTIC])
    units = int(benchmark["extra_info"]["units_per_run"])
    return units / seconds if seconds > 0 else math.inf


def simulator_rows(
    results: Mapping[str, object], expected: Iterable[str] = ()
) -> list[Measurement]:
    """One row per simulator from pytest-benchmark's JSON: units per second and the speed-up.

    Parameters
    ----------
    results : mapping
        pytest-benchmark's JSON, read: its ``benchmarks`` list, each with ``stats`` and
        the ``extra_info`` that ``benchmarks/test_simulators.py`` records
        (``simulator``, ``implementation``, ``units``, ``units_per_run``, ``problem``).
    expected : iterable of str
        Simulator names that must be there; a missing one is an error row.

    Returns
    -------
    list of Measurement
        In the order the simulators first appear (then the missing expected ones).
    """
    timed: dict[str, dict[str, Mapping[str, object]]] = {}
    for benchmark in results.get("benchmarks", []):
        info = benchmark.get("extra_info") or {}
        name, implementation = info.get("simulator"), info.get("implementation")
        if name and implementation in ("vectorised", "loop"):
            timed.setdefault(name, {})[implementation] = benchmark
    for name in expected:
        timed.setdefault(name, {})
    target = f">= {SPEEDUP_TARGET:g} x the loop"
    rows = []
    for name, pair in timed.items():
        missing = [kind for kind in ("vectorised", "loop") if kind not in pair]
        problems = [
            str(entry["extra_info"]["problem"])
            for entry in pair.values()
            if entry["extra_info"].get("problem")
        ]
        if missing or problems:
            note = "; ".join(
                problems
                + [f"no {kind} timing (its benchmark failed or did not run)" for kind in missing]
            )
            rows.append(Measurement("simulators", name, "failed", target, "error", note))
            continue
        fast, slow = _units_per_second(pair["vectorised"]), _units_per_second(pair["loop"])
        times = speedup(fast, slow)
        units = pair["vectorised"]["extra_info"].get("units", "units")
        text = f"{_rate(fast)} vs {_rate(slow)} {units}/s = {times:,.0f} x"
        rows.append(Measurement("simulators", name, text, target, _status(times >= SPEEDUP_TARGET)))
    return rows


# --------------------------------------------------------------------------- notebooks


def notebook_rows(runs: Sequence[NotebookRun], bare: NotebookRun) -> list[Measurement]:
    """Rows for the bare kernel, each notebook (seconds, ratio) and each panel's slowest control."""
    target = f"<= {NOTEBOOK_RATIO_TARGET:g} x bare kernel"
    rows = [
        Measurement(
            "notebooks",
            "Run All, bare kernel (imports only)",
            f"{bare.seconds:.2f} s" if bare.problem is None else "failed",
            status="" if bare.problem is None else "error",
            note=bare.problem or "",
        )
    ]
    for run in runs:
        if run.problem is not None or bare.problem is not None:
            note = run.problem or "no bare-kernel time to compare with"
            rows.append(
                Measurement("notebooks", f"Run All, {run.name}", "failed", target, "error", note)
            )
            continue
        ratio = run.seconds / bare.seconds
        rows.append(
            Measurement(
                "notebooks",
                f"Run All, {run.name}",
                f"{run.seconds:.2f} s = {ratio:.2f} x",
                target,
                _status(ratio <= NOTEBOOK_RATIO_TARGET),
            )
        )
    for run in runs:
        panels: dict[tuple[int, str], list[PanelUpdate]] = {}
        for update in run.panel_updates:
            panels.setdefault((update.panel, update.draw), []).append(update)
        for (number, draw), updates in panels.items():
            item = f"{run.name}, panel {number} ({draw})"
            problems = [f"{u.control}: {u.problem}" for u in updates if u.problem]
            timed = [u for u in updates if u.problem is None]
            if not timed:
                rows.append(
                    Measurement("widgets", item, "failed", "", "error", "; ".join(problems))
                )
                continue
            slowest = max(timed, key=lambda u: u.milliseconds)
            met = slowest.milliseconds <= WIDGET_UPDATE_TARGET_MS and not problems
            rows.append(
                Measurement(
                    "widgets",
                    item,
                    f"{slowest.milliseconds:.0f} ms, median {slowest.median_milliseconds:.0f} ms "
                    f"(slowest control: {slowest.control})",
                    f"<= {WIDGET_UPDATE_TARGET_MS:g} ms per update",
                    "error" if problems else _status(met),
                    "; ".join(problems),
                )
            )
    return rows


# --------------------------------------------------------------------------- the table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_table(rows: Sequence[Measurement]) -> str:
    """The results as a Markdown table (readable as plain text too), sections in order.

    Examples
    --------
    >>> print(format_table([Measurement("suite", "pytest", "21.0 s", "<= 60 s", "met")]))
    | what | result | target | status |
    |---|---|---|---|
    | pytest | 21.0 s | <= 60 s | met |
    """
    ordered = sorted(rows, key=lambda row: SECTIONS.index(row.section))
    lines = ["| what | result | target | status |", "|---|---|---|---|"]
    for row in ordered:
        status = row.status + (f": {row.note}" if row.note else "")
        lines.append(
            f"| {_cell(row.item)} | {_cell(row.result)} | {_cell(row.target)} | {_cell(status)} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- the machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            brand = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            return brand or platform.machine()
        except OSError:
            pass
    return platform.processor() or platform.machine() or "unknown"


def _memory_gib() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (AttributeError, ValueError, OSError):
        return None


def machine_description() -> dict[str, str]:
    """The machine the numbers were measured on: CPU, cores, RAM, OS, Python, date."""
    memory = _memory_gib()
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count() or "unknown"),
        "RAM": "unknown" if memory is None else f"{memory:.0f} GiB",
        "OS": platform.platform(terse=True),
        "Python": platform.python_version(),
        "date": _dt.date.today().isoformat(),
    }


# --------------------------------------------------------------------------- the page

_PAGE_INTRO = """\
# Performance

Generated by `python -m benchmarks --write` (`make bench` prints the same table without
writing it); edit `benchmarks/`, not this page, except the section "Why a target is
missed", which is written by hand and kept by `--write`. The numbers are from one run on the
machine described at the end; rerun the benchmark after changing a lesson, a simulator or a
dependency, and commit this page with the change.

## Targets

{targets}

How each is measured:

- **Notebooks** run as the tests run them: nbclient, the `python3` kernel, started with
  `infralab/kernel_guard.py` (offline, warnings are errors), in the notebook's folder. The
  time runs from starting the kernel to the end of the last cell, the fastest of
  `--repeats` runs. The *bare kernel* is a throw-away notebook that only imports numpy, pandas,
  matplotlib (with the course style), ipywidgets and the course package, measured in the same
  run, so the ratio depends little on the machine's speed.
- **Simulators** each have a plain-loop baseline in `benchmarks/` (one module per lesson
  module, listed in `benchmarks/simulators.py`). `pytest benchmarks` times both with
  pytest-benchmark on the same random numbers, drawn before the clock starts: the vectorised
  code on many units, the loop on fewer; pytest-benchmark chooses the number of rounds and the
  fastest round counts. The loop's statistics must equal the vectorised ones (checked there and
  in the normal test suite, `tests/test_simulator_agreement.py`); the speed-up compares units
  per second.
- **Try-it panels**: after a notebook's run, in the same kernel, every control of every panel
  made by `infralab.tryit.try_it` is moved to another value (the next option, one step) and
  back, twice. The slowest of those redraws counts against the target (the first is often the
  slowest: caches are cold); the table also shows the median redraw of that control.
- **Test suite**: `python -m pytest -q -p no:cacheprovider` in a subprocess.
- **Fresh set-up** (`--fresh`, no target): `git clone` of the last commit into a temporary
  folder, then `make test` there, which creates `.venv` and installs everything first.
"""

_PAGE_CANARY = """\
## The canary: newest releases of every dependency

`make canary` (`python -m infralab.canary`) installs the course in a throw-away virtual
environment with the newest release of every dependency (ignoring `constraints.txt`), runs
every notebook in nbval's error-only mode with warnings as errors and the kernel guard, and
says which notebook broke, at which cell, and which library the failure comes from, with the
versions that differ from the pins. It needs the package index, not the notebooks' network.

Run it:

- **monthly**, to hear about deprecations while they are still warnings;
- **before each workshop**, in case learners install without the constraints (conda users,
  an old Binder image, a `pip install` by hand);
- **after a release** of numpy, pandas, matplotlib, scipy, ipywidgets, nbclient or nbval.

A failure does not break the course, which stays pinned: it is the to-do list for the next
deliberate upgrade (`docs/maintaining.md`, "Upgrading a library").
"""


def _targets_table() -> str:
    targets = [
        (
            "Run All of each notebook in `notebooks/`, `solutions/`, `exercises/`",
            f"<= {NOTEBOOK_RATIO_TARGET:g} x a bare kernel",
            "a learner waits for the kernel anyway; a lesson may at most double that",
        ),
        (
            "the whole test suite, `python -m pytest`",
            f"<= {SUITE_SECONDS_TARGET:g} s",
            "maintainers run it after every edit",
        ),
        (
            "each simulator in `benchmarks/`: vectorised vs a plain Python loop on the same draws",
            f">= {SPEEDUP_TARGET:g} x the units per second",
            "the course teaches vectorised numpy; a loop per event or user is what it replaces",
        ),
        (
            "each control of each try-it panel: one redraw",
            f"<= {WIDGET_UPDATE_TARGET_MS:g} ms",
            "feels instant when a slider moves",
        ),
    ]
    lines = ["| what | target | why |", "|---|---|---|"]
    lines += [f"| {what} | {target} | {why} |" for what, target, why in targets]
    return "\n".join(lines)


def notes_in(page_text: str) -> str:
    """The hand-written notes section of an existing page ("" when there is none)."""
    start = page_text.find(f"\n{NOTES_HEADING}\n")
    if start < 0:
        return ""
    end = page_text.find("\n## ", start + 1)
    return page_text[start + 1 : end if end >= 0 else len(page_text)].rstrip() + "\n"


def performance_page(
    rows: Sequence[Measurement], machine: Mapping[str, str], notes: str = ""
) -> str:
    """The text of ``docs/performance.md``: targets, how they are measured, results, machine.

    ``notes``, the page's hand-written section (see :func:`notes_in`), follows the results.
    """
    missed = [row for row in rows if row.status in ("missed", "error")]
    verdict = (
        "Every target is met."
        if not missed
        else f"{len(missed)} of {sum(bool(row.status) for row in rows)} targets missed or not "
        "measured (see the status column)."
    )
    intro = _PAGE_INTRO.format(targets=_targets_table())
    machine_lines = "\n".join(f"- **{key}**: {value}" for key, value in machine.items())
    return (
        f"{intro}\n## Results\n\n{verdict}\n\n{format_table(rows)}\n\n"
        f"{notes + chr(10) if notes else ''}"
        f"## Machine\n\n{machine_lines}\n\n{_PAGE_CANARY}"
    )


def write_page(
    path: str | os.PathLike[str], rows: Sequence[Measurement], machine: Mapping[str, str]
) -> bool:
    """Write the page to ``path``, keeping the notes section of the page already there.

    Returns
    -------
    bool
        Whether the file changed.
    """
    page = Path(path)
    notes = notes_in(page.read_text(encoding="utf-8")) if page.is_file() else ""
    return write_if_changed(page, performance_page(rows, machine, notes).encode("utf-8"))
