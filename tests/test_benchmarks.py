"""Tests for the pieces of ``benchmarks/`` that are ours, not pytest-benchmark's.

The replay generator, the simulator records and their agreement check, the report
built from pytest-benchmark's JSON, the performance page, the try-it redraw probe
and the notebook runner. Correctness only: nothing here asserts how fast anything
is (``make bench`` measures). Agreement of the real simulators with their loops is
``tests/test_simulator_agreement.py``.
"""

from __future__ import annotations

import ast
import doctest
import json
import math
from pathlib import Path

import ipywidgets as widgets
import matplotlib
import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from infralab.lessons import LESSONS

matplotlib.use("Agg")

import benchmarks  # noqa: E402
from benchmarks import __main__ as command  # noqa: E402
from benchmarks import notebooks, panels, replay, report, simulators, suite  # noqa: E402
from benchmarks import test_simulators as timed  # noqa: E402
from benchmarks.notebooks import NotebookRun, PanelUpdate  # noqa: E402
from benchmarks.replay import ReplayGenerator  # noqa: E402
from benchmarks.report import Measurement  # noqa: E402
from benchmarks.simulators import Simulator, all_simulators, assert_agree  # noqa: E402
from infralab import tryit  # noqa: E402
from infralab.tryit import try_it  # noqa: E402

BENCHMARKS = Path(benchmarks.__file__).parent


def _squares(loop=None, **change) -> Simulator:
    """A toy simulator: the sum of squares and the largest of some random numbers."""
    fields = {
        "name": "toy: sum of squares",
        "units": "numbers",
        "draw": lambda rng, size: rng.random(size),
        "vectorised": lambda x: {"total": float((x * x).sum()), "largest": float(x.max())},
        "loop": loop
        or (lambda x: {"total": sum(v * v for v in x.tolist()), "largest": max(x.tolist())}),
        "size": 1000,
        "loop_size": 100,
    }
    return Simulator(**(fields | change))


# --------------------------------------------------------------------------- replay


def test_replay_generator_hands_out_the_draws_in_order_and_checks_them():
    order = np.array([2, 0, 1])
    replayed = ReplayGenerator([("permutation", order), ("integers", np.arange(4).reshape(2, 2))])
    assert isinstance(replayed, np.random.Generator)
    assert replayed.permutation(np.array([10.0, 20.0, 30.0])).tolist() == [30.0, 10.0, 20.0]
    assert replayed.integers(0, 9, size=(2, 2)).tolist() == [[0, 1], [2, 3]]
    with pytest.raises(RuntimeError, match="no recorded draw is left"):
        replayed.random(3)
    wrong = ReplayGenerator([("integers", np.arange(3))])
    with pytest.raises(RuntimeError, match="next recorded draw is integers of shape"):
        wrong.normal(size=3)
    with pytest.raises(RuntimeError, match="integers"):
        ReplayGenerator([("integers", np.arange(3))]).integers(0, 5, size=4)
    assert ReplayGenerator([("permutation", order)]).permutation(3).tolist() == [2, 0, 1]
    with pytest.raises(ValueError, match="draws must name one of"):
        ReplayGenerator([("choice", order)])
    with pytest.raises(TypeError, match="draws must be a list of"):
        ReplayGenerator("integers")


# --------------------------------------------------------------------------- simulators


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"name": ""}, TypeError, "name must be a non-empty text"),
        ({"units": None}, TypeError, "units must be a non-empty text"),
        ({"draw": 3}, TypeError, "draw must be a function"),
        ({"loop": None, "vectorised": None}, TypeError, "vectorised must be a function"),
        ({"size": 0}, ValueError, "size must be a whole number >= 1, got 0"),
        ({"size": 2.5}, ValueError, "size must be a whole number"),
        ({"loop_size": True}, ValueError, "loop_size must be a whole number"),
        ({"rel_tol": math.nan}, ValueError, "rel_tol must be a number >= 0, got nan"),
        ({"abs_tol": -1.0}, ValueError, "abs_tol must be a number >= 0"),
    ],
)
def test_a_bad_simulator_record_names_the_field(change, error, message):
    with pytest.raises(error, match=message):
        _squares(**change)


def test_every_module_with_simulators_is_collected():
    defining = set()
    for path in BENCHMARKS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Name) and t.id == "SIMULATORS" for t in targets):
                defining.add(f"benchmarks.{path.stem}")
    # test_simulators.py re-exports the collection; it is not a baseline module.
    assert defining - {"benchmarks.test_simulators"} == set(simulators.baseline_modules())
    # In course order, one per lesson model that has a simulator.
    models = [model for lesson in LESSONS for model in lesson.models]
    modules = simulators.baseline_modules()
    assert {"benchmarks.growth", "benchmarks.tracking"} <= set(modules)
    assert modules == sorted(modules, key=lambda name: models.index(name.split(".")[1]))
    found = all_simulators()
    assert len(found) == len({s.name for s in found}) >= 3
    assert all(isinstance(s, Simulator) and s.loop_size <= s.size for s in found)


def test_a_name_used_twice_is_refused(monkeypatch):
    monkeypatch.setattr(simulators, "baseline_modules", lambda: ["benchmarks.growth"] * 2)
    with pytest.raises(ValueError, match="simulator names must be unique; repeated: .*growth"):
        all_simulators()


def test_agreement_within_the_tolerances_and_nan_and_infinity():
    assert_agree({"a": [1.0, math.inf, math.nan]}, {"a": (1.0, math.inf, math.nan)})
    assert_agree([1.0, 2.0], np.array([1.0, 2.0 + 1e-12]))
    assert_agree({"n": np.array([[3, 4]], dtype=np.int64)}, {"n": [[3, 4]]})
    assert_agree({"x": 1.0}, {"x": 1.05}, rel_tol=0.1)


@pytest.mark.parametrize(
    ("vectorised", "loop", "first_line"),
    [
        ({"a": 1.0}, {"b": 1.0}, "different statistics: vectorised ['a'], loop ['b']"),
        ({"a": 1.0}, [1.0], "vectorised gives a dict, loop a list"),
        (
            {"mean": [1.0, 2.0]},
            {"mean": [1.0, 2.5]},
            "statistic 'mean': the loop (ACTUAL) differs from the vectorised code (DESIRED)",
        ),
        ([math.inf], [-math.inf], "the result: the loop (ACTUAL) differs"),
        ({"n": np.zeros(3)}, {"n": np.zeros(4)}, "statistic 'n': the loop (ACTUAL) differs"),
    ],
)
def test_disagreement_names_the_statistic(vectorised, loop, first_line):
    with pytest.raises(AssertionError) as raised:
        assert_agree(vectorised, loop)
    assert str(raised.value).splitlines()[0].startswith(first_line)


def test_the_mismatch_says_where_and_by_how_much():
    with pytest.raises(AssertionError, match=r"(?s)Mismatch at index.*\[1\]: 2.5 \(ACTUAL\)"):
        assert_agree({"mean": [1.0, 2.0]}, {"mean": [1.0, 2.5]})


def test_growth_statistics_are_the_ones_the_lesson_reads():
    found = {s.name.split(" (")[0]: s for s in all_simulators()}
    projection = found["growth: bootstrap projection to a limit"]
    stats = projection.vectorised(projection.draw(np.random.default_rng(0), 50))
    assert set(stats) == {"crossing_days", "first_touch_days", "median", "low", "high"}
    assert stats["crossing_days"].shape == (50,) and stats["median"].shape == (1095,)
    # 0.5% a day from about 617 to a limit of 2,000: ln(2000 / 617) / 0.005 = 235 days.
    assert 200 < np.median(stats["crossing_days"]) < 270
    assert np.all(stats["low"] <= stats["median"]) and np.all(stats["median"] <= stats["high"])
    sharding = found["growth: workspaces hashed to shards and hosts"]
    stats = sharding.loop(sharding.draw(np.random.default_rng(0), 500))
    assert math.isclose(sum(stats["host_load"]), 1.0) and len(stats["shard_load"]) == 480
    funnel = found["tracking: users through the funnel, server and client"]
    counts = funnel.loop(funnel.draw(np.random.default_rng(0), 1000))
    actual = np.array(counts["actual"])
    assert actual[:, 0].sum() == 1000  # everyone lands on the first step
    assert np.all(np.array(counts["server"]) <= actual)
    assert np.all(np.diff(actual, axis=1) <= 0)  # a funnel only narrows


class FakeBenchmark:
    """pytest-benchmark's fixture, reduced to what benchmarks/test_simulators.py uses."""

    def __init__(self):
        self.group, self.extra_info, self.calls = None, {}, 0

    def __call__(self, function, *args):
        self.calls += 1
        return function(*args)


def test_the_timed_tests_record_what_a_run_processes():
    toy, bench = _squares(), FakeBenchmark()
    timed.test_vectorised(bench, toy)
    assert bench.group == "toy: sum of squares" and bench.calls == 1
    assert bench.extra_info == {
        "simulator": "toy: sum of squares",
        "implementation": "vectorised",
        "units": "numbers",
        "units_per_run": 1000,
    }
    bench = FakeBenchmark()
    timed.test_loop(bench, toy)
    assert bench.extra_info["units_per_run"] == 100 and "problem" not in bench.extra_info


def test_a_loop_that_disagrees_fails_its_benchmark_and_says_why():
    bench = FakeBenchmark()
    wrong = _squares(loop=lambda x: {"total": 0.0, "largest": float(x.max())})
    with pytest.raises(AssertionError):
        timed.test_loop(bench, wrong)
    assert bench.extra_info["problem"] == (
        "statistic 'total': the loop (ACTUAL) differs from the vectorised code (DESIRED)"
    )


# --------------------------------------------------------------------------- the report


def _entry(name, implementation, units_per_run, seconds, units="paths", **extra):
    info = {
        "simulator": name,
        "implementation": implementation,
        "units": units,
        "units_per_run": units_per_run,
        **extra,
    }
    stats = {"min": seconds, "median": 1.5 * seconds, "mean": 2 * seconds, "rounds": 5}
    return {
        "group": name,
        "name": f"test_{implementation}[{name}]",
        "extra_info": info,
        "stats": stats,
    }


def _fake_json() -> dict:
    """pytest-benchmark's JSON, reduced to the fields the report reads."""
    return {
        "machine_info": {"python_version": "3.11.7"},
        "benchmarks": [
            # 1,000,000 users in 10 ms against 50,000 users in 0.5 s: 1e8 vs 1e5 a second.
            _entry("fast", "vectorised", 1_000_000, 0.010, units="users"),
            _entry("fast", "loop", 50_000, 0.5, units="users"),
            # 2,000 paths in 40 ms against 200 paths in 80 ms: 50,000 vs 2,500 a second.
            _entry("slow", "vectorised", 2000, 0.040),
            _entry("slow", "loop", 200, 0.080),
            _entry("wrong", "vectorised", 10, 0.001),
            _entry("wrong", "loop", 10, 0.1, problem="statistic 'total': the loop differs"),
            _entry("half", "loop", 10, 0.1),
            {"name": "test_something_else", "extra_info": {}, "stats": {"min": 1.0}},
        ],
    }


def test_speedup_arithmetic():
    assert report.speedup(2_000_000.0, 10_000.0) == 200.0
    assert report.speedup(5.0, 0.0) == math.inf
    with pytest.raises(ValueError, match="vectorised_per_second must be a number >= 0"):
        report.speedup(-1.0, 3.0)
    with pytest.raises(ValueError, match="loop_per_second must be a number >= 0, got nan"):
        report.speedup(1.0, math.nan)
    with pytest.raises(ValueError, match="rates must be finite"):
        report.speedup(math.inf, 1.0)


def test_simulator_rows_turn_seconds_per_run_into_a_speedup():
    rows = report.simulator_rows(_fake_json(), expected=["fast", "missing"])
    by_item = {row.item: row for row in rows}
    assert [row.item for row in rows] == ["fast", "slow", "wrong", "half", "missing"]
    fast, slow = by_item["fast"], by_item["slow"]
    assert fast.result == "100,000,000 vs 100,000 users/s = 1,000 x"
    assert (fast.target, fast.status) == (">= 100 x the loop", "met")
    assert slow.result == "50,000 vs 2,500 paths/s = 20 x" and slow.status == "missed"
    wrong = by_item["wrong"]
    assert (wrong.result, wrong.status) == ("failed", "error")
    assert wrong.note == "statistic 'total': the loop differs"
    assert by_item["half"].note == "no vectorised timing (its benchmark failed or did not run)"
    assert by_item["missing"].note == (
        "no vectorised timing (its benchmark failed or did not run); "
        "no loop timing (its benchmark failed or did not run)"
    )
    assert report.simulator_rows({}) == []


def test_notebook_rows_give_seconds_ratio_and_the_slowest_control():
    bare = NotebookRun("bare kernel", 2.0)
    updates = (
        PanelUpdate(1, "draw_clock", "as_of", 40.0, 35.0),
        PanelUpdate(1, "draw_clock", "model", 180.0, 95.0),
        PanelUpdate(2, "show", "rate", 5.0, 4.0),
        PanelUpdate(3, "broken", "x", math.nan, math.nan, "ValueError: no"),
    )
    runs = [
        NotebookRun("notebooks/a.ipynb", 3.0, updates),
        NotebookRun("notebooks/b.ipynb", 4.5),
        NotebookRun("exercises/c.ipynb", math.nan, problem="cell 3: ValueError: bad"),
    ]
    rows = report.notebook_rows(runs, bare)
    by_item = {row.item: row for row in rows}
    assert by_item["Run All, bare kernel (imports only)"].result == "2.00 s"
    assert by_item["Run All, notebooks/a.ipynb"].result == "3.00 s = 1.50 x"
    assert by_item["Run All, notebooks/a.ipynb"].status == "met"
    assert by_item["Run All, notebooks/b.ipynb"].status == "missed"  # 2.25 x
    failed = by_item["Run All, exercises/c.ipynb"]
    assert (failed.status, failed.note) == ("error", "cell 3: ValueError: bad")
    slow = by_item["notebooks/a.ipynb, panel 1 (draw_clock)"]
    assert slow.result == "180 ms, median 95 ms (slowest control: model)"
    assert slow.status == "missed"
    assert by_item["notebooks/a.ipynb, panel 2 (show)"].status == "met"
    broken = by_item["notebooks/a.ipynb, panel 3 (broken)"]
    assert (broken.status, broken.note) == ("error", "x: ValueError: no")
    no_bare = report.notebook_rows(runs[:1], NotebookRun("bare kernel", math.nan, problem="boom"))
    assert [row.note for row in no_bare[:2]] == ["boom", "no bare-kernel time to compare with"]


def test_the_table_puts_sections_in_order_and_escapes_pipes():
    rows = [
        Measurement("suite", "pytest", "21.0 s", "<= 60 s", "met"),
        Measurement("simulators", "toy | pipes", "failed", ">= 100 x", "error", "loop\nraised"),
        Measurement("notebooks", "bare kernel", "0.90 s"),
    ]
    assert report.format_table(rows).splitlines()[2:] == [
        "| bare kernel | 0.90 s |  |  |",
        "| toy \\| pipes | failed | >= 100 x | error: loop raised |",
        "| pytest | 21.0 s | <= 60 s | met |",
    ]


def test_the_page_holds_targets_results_machine_and_the_canary():
    rows = [
        Measurement("suite", "pytest", "21.0 s", "<= 60 s", "met"),
        Measurement("simulators", "toy", "failed", ">= 100 x", "error", "loop raised"),
    ]
    machine = report.machine_description()
    assert set(machine) == {"CPU", "cores", "RAM", "OS", "Python", "date"}
    page = report.performance_page(rows, machine)
    assert page.startswith("# Performance\n\nGenerated by `python -m benchmarks --write`")
    assert "| pytest | 21.0 s | <= 60 s | met |" in page
    assert "1 of 2 targets missed or not measured (see the status column)" in page
    assert f"- **Python**: {machine['Python']}" in page
    assert "## The canary" in page and "before each workshop" in page
    assert "<= 2 x a bare kernel" in page and "<= 100 ms" in page and ">= 100 x" in page
    assert "infralab.bench" not in page
    assert "Every target is met." in report.performance_page(rows[:1], machine)


def test_writing_the_page_keeps_the_hand_written_notes(tmp_path):
    notes = "## Why a target is missed\n\n- lesson 03: many projections.\n"
    page = tmp_path / "performance.md"
    old = report.performance_page([Measurement("suite", "pytest", "99.0 s")], {"CPU": "x"}, notes)
    page.write_text(old, encoding="utf-8")
    rows = [Measurement("suite", "pytest", "21.0 s", "<= 60 s", "met")]
    assert report.write_page(page, rows, {"CPU": "y"}) is True
    text = page.read_text(encoding="utf-8")
    assert report.notes_in(text) == notes
    assert "| pytest | 21.0 s |" in text and "99.0 s" not in text and "**CPU**: y" in text
    assert text.index("## Results") < text.index(notes) < text.index("## Machine")
    assert report.write_page(page, rows, {"CPU": "y"}) is False  # unchanged: not rewritten
    fresh = tmp_path / "new.md"
    report.write_page(fresh, rows, {"CPU": "y"})
    assert report.notes_in(fresh.read_text(encoding="utf-8")) == ""


def test_the_real_page_keeps_its_notes_section():
    page = Path(benchmarks.__file__).parents[1] / "docs" / "performance.md"
    notes = report.notes_in(page.read_text(encoding="utf-8"))
    assert notes.startswith("## Why a target is missed\n") and "Growth simulators" in notes


# --------------------------------------------------------------------------- the command


@pytest.fixture
def fake_json(tmp_path, monkeypatch):
    """A pytest-benchmark JSON of two simulators, which are all there are."""
    data = _fake_json()
    data["benchmarks"] = data["benchmarks"][:4]
    path = tmp_path / "benchmarks.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(command, "all_simulators", lambda: [_squares(name="fast")])
    return path


def test_the_command_reads_the_json_and_prints_the_table(fake_json, capsys):
    quick = ["--json", str(fake_json), "--skip-notebooks", "--skip-suite"]
    assert command.main(quick) == 0
    table = capsys.readouterr().out
    assert table.startswith("| what | result | target | status |\n")
    assert "| fast | 100,000,000 vs 100,000 users/s = 1,000 x | >= 100 x the loop | met |" in table
    assert "= 20 x | >= 100 x the loop | missed |" in table
    assert command.main([*quick, "--strict"]) == 1  # "slow" misses its target


def test_the_command_exits_1_on_an_error(fake_json, monkeypatch, capsys):
    monkeypatch.setattr(command, "all_simulators", lambda: [_squares(name="gone")])
    assert command.main(["--json", str(fake_json), "--skip-notebooks", "--skip-suite"]) == 1
    assert "| gone | failed |" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["--write", "--skip-suite"],
        ["--repeats", "0"],
        ["--json", "no-such-file.json", "--skip-notebooks", "--skip-suite"],
    ],
)
def test_the_command_refuses_a_partial_page_and_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        command.main(argv)
    assert stopped.value.code == 2


def test_the_last_line_of_a_command_is_its_summary():
    assert suite._last_line("a\n\n== 6 passed in 9.67s ==\n\n") == "== 6 passed in 9.67s =="
    assert suite._last_line("") == ""


# --------------------------------------------------------------------------- try-it panels


class Recorder:
    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail

    def __call__(self, **values):
        self.calls.append(values)
        if self.fail:
            raise ValueError("cannot draw that")


@pytest.mark.parametrize(
    ("control", "trait", "moved"),
    [
        (widgets.IntSlider(value=4, min=1, max=64), "value", 5),
        (widgets.IntSlider(value=64, min=1, max=64), "value", 63),
        (widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.25), "value", 0.75),
        (widgets.Dropdown(options=["linear", "exponential"], value="exponential"), "index", 0),
        (widgets.SelectionSlider(options=["a", "b", "c"], value="a"), "index", 1),
        (widgets.Checkbox(value=True), "value", False),
        (widgets.IntRangeSlider(value=(2, 5), min=0, max=5), "value", (1, 4)),
        (widgets.Text(value="abc"), "value", "abc "),
        (widgets.Dropdown(options=["only"]), "", None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, widgets.Widget) else None,
)
def test_another_value_is_allowed_and_different(control, trait, moved):
    assert panels._another_value(control) == (trait, moved)


def test_a_log_slider_moves_one_step_of_its_exponent():
    slider = widgets.FloatLogSlider(value=100.0, base=10, min=0, max=4, step=1)
    trait, moved = panels._another_value(slider)
    assert trait == "value" and math.isclose(moved, 1000.0)


def test_time_panel_updates_moves_each_control_there_and_back():
    tryit._PANELS.clear()
    draw, failing = Recorder(), Recorder(fail=True)
    try_it(
        draw,
        n=widgets.IntSlider(value=3, min=1, max=10),
        model=widgets.Dropdown(options=["a", "b"]),
    )
    try_it(failing, rate=widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.5))
    try:
        results = panels.time_panel_updates()
    finally:
        tryit._PANELS.clear()
    assert [(r["panel"], r["draw"], r["control"]) for r in results] == [
        (1, "Recorder", "n"),
        (1, "Recorder", "model"),
        (2, "Recorder", "rate"),
    ]
    assert draw.calls == [
        {"n": 4, "model": "a"},
        {"n": 3, "model": "a"},
        {"n": 4, "model": "a"},
        {"n": 3, "model": "a"},
        {"n": 3, "model": "b"},
        {"n": 3, "model": "a"},
        {"n": 3, "model": "b"},
        {"n": 3, "model": "a"},
    ]
    for result in results[:2]:
        assert result["problem"] is None
        assert result["milliseconds"] >= result["median_milliseconds"] >= 0
    assert results[2]["problem"] == "ValueError: cannot draw that"
    assert math.isnan(results[2]["milliseconds"])
    json.dumps(results)  # the probe prints them as JSON


def test_panel_updates_are_read_back_from_the_probe_cell_output():
    text = (
        notebooks._PROBE_MARK
        + '[{"panel": 1, "draw": "f", "control": "x", "milliseconds": 12.5,'
        + ' "median_milliseconds": 8.0, "problem": null}]'
    )
    outputs = [{"output_type": "stream", "name": "stdout", "text": "noise\n" + text + "\n"}]
    assert notebooks._panel_updates(outputs) == (PanelUpdate(1, "f", "x", 12.5, 8.0, None),)
    assert notebooks._panel_updates([]) == ()
    with pytest.raises(RuntimeError, match="ImportError: no bench"):
        notebooks._panel_updates(
            [{"output_type": "error", "ename": "ImportError", "evalue": "no bench"}]
        )


def test_the_probe_imports_the_panel_timer_from_this_checkout():
    assert f"sys.path.insert(0, {str(notebooks.ROOT)!r})" in notebooks._PROBE
    assert "from benchmarks.panels import time_panel_updates" in notebooks._PROBE
    assert (notebooks.ROOT / "benchmarks" / "panels.py").is_file()


# --------------------------------------------------------------------------- notebooks


def test_notebook_paths_are_found_in_every_folder(tmp_path):
    for name in (
        "notebooks/b.ipynb",
        "notebooks/a.ipynb",
        "exercises/x.ipynb",
        "solutions/x.ipynb",
    ):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "notebooks" / "notes.md").write_text("")
    found = [p.relative_to(tmp_path).as_posix() for p in notebooks.notebook_paths(tmp_path)]
    assert found == [
        "notebooks/a.ipynb",
        "notebooks/b.ipynb",
        "solutions/x.ipynb",
        "exercises/x.ipynb",
    ]


def test_the_bare_kernel_imports_the_course_modules_the_notebooks_import(tmp_path):
    notebook = new_notebook(
        cells=[
            new_markdown_cell("import infralab.build"),  # prose is not code
            new_code_cell("from infralab import datasets, tracking\nimport numpy as np"),
            new_code_cell("from infralab.plotting import COLOURS  # a name, not a module"),
            new_code_cell("%matplotlib inline"),
        ]
    )
    nbformat.write(notebook, tmp_path / "05_x.ipynb")
    assert notebooks.course_imports([tmp_path, tmp_path / "missing"]) == [
        "infralab",
        "infralab.datasets",
        "infralab.plotting",
        "infralab.tracking",
    ]
    (cell,) = notebooks.bare_kernel_notebook().cells
    for module in ("numpy", "pandas", "matplotlib.pyplot", "ipywidgets", "infralab"):
        assert f"import {module}" in cell.source
    assert "import infralab.tracking\n" in cell.source and "import infralab.growth\n" in cell.source
    assert "infralab.build" not in cell.source and "benchmarks" not in cell.source
    assert cell.source.rstrip().endswith("use_course_style()")


def test_an_error_summary_is_name_and_message():
    class CellError(Exception):
        ename, evalue = "ZeroDivisionError", "division by zero"

    assert notebooks._error_summary(CellError("long traceback")) == (
        "ZeroDivisionError: division by zero"
    )
    assert notebooks._error_summary(TimeoutError("first\nlast line")) == "TimeoutError: last line"
    assert notebooks._error_summary(KeyError()) == "KeyError"


@pytest.mark.kernel
def test_a_guarded_notebook_run_times_its_panels(tmp_path):
    # One kernel: the cell proves the guard is on (a warning is an error, a host name
    # lookup is refused), then makes a try-it panel for the timing probe.
    source = (
        "import socket, warnings\n"
        "import ipywidgets as widgets\n"
        "from infralab.tryit import try_it\n"
        "try:\n"
        "    warnings.warn('old', FutureWarning)\n"
        "    raise AssertionError('warnings are not errors')\n"
        "except FutureWarning:\n"
        "    pass\n"
        "try:\n"
        "    socket.getaddrinfo('bench-guard.invalid', 443)\n"
        "    raise AssertionError('the network is reachable')\n"
        "except RuntimeError as error:\n"
        "    assert type(error).__name__ == 'NetworkAccessError'\n"
        "def show(rate=1):\n"
        "    print(rate)\n"
        "try_it(show, rate=widgets.IntSlider(value=1, min=0, max=3))"
    )
    path = tmp_path / "probe.ipynb"
    notebook = new_notebook(cells=[new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)
    run = notebooks.run_notebook(path, timeout=60)
    assert run.problem is None, run.problem
    assert run.name == f"{tmp_path.name}/probe.ipynb" and run.seconds > 0
    (update,) = run.panel_updates
    assert (update.panel, update.draw, update.control, update.problem) == (1, "show", "rate", None)
    assert update.milliseconds >= update.median_milliseconds >= 0


def test_run_notebook_refuses_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="notebook must be an existing .ipynb file"):
        notebooks.run_notebook(tmp_path / "missing.ipynb")
    with pytest.raises(TypeError, match="notebook must be a path or None"):
        notebooks.run_notebook(3)
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        notebooks.run_notebook(None, repeats=0)
    with pytest.raises(TypeError, match="time_panels must be True or False"):
        notebooks.run_notebook(None, time_panels="yes")


def test_docstring_examples_hold():
    for module in (replay, simulators, report):
        failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)[:2]
        assert tried > 0 and failures == 0, module.__name__
