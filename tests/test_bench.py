"""Tests for infralab.bench: the simulator registry, its arithmetic and the measuring machinery.

Correctness only: nothing here asserts how fast anything is (``make bench`` measures).
"""

from __future__ import annotations

import doctest
import math
import sys

import ipywidgets as widgets
import matplotlib
import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

matplotlib.use("Agg")

from infralab import bench, tryit  # noqa: E402
from infralab.bench import (  # noqa: E402
    NotebookRun,
    PanelUpdate,
    ReplayGenerator,
    SimulatorResult,
    agreement_problem,
    measure_simulator,
    register_simulator,
    speedup,
)
from infralab.tryit import panels_made, try_it  # noqa: E402


@pytest.fixture
def registry():
    """The simulator registry, restored after the test."""
    saved = dict(bench._SIMULATORS)
    yield bench._SIMULATORS
    bench._SIMULATORS.clear()
    bench._SIMULATORS.update(saved)


def _squares(name="toy: sum of squares", loop=None, reference=None):
    return register_simulator(
        name,
        units="numbers",
        draw=lambda rng, size: rng.random(size),
        vectorised=lambda x: {"total": float((x * x).sum()), "largest": float(x.max())},
        loop=loop
        or (lambda x: {"total": sum(v * v for v in x.tolist()), "largest": max(x.tolist())}),
        size=1000,
        loop_size=100,
        reference=reference,
    )


# --------------------------------------------------------------------------- the registry


def test_a_registered_toy_simulator_is_found_and_measured(registry):
    toy = _squares()
    assert bench.discover_simulators()["toy: sum of squares"] is toy
    result = measure_simulator(toy, repeats=2)
    assert result.problem is None
    assert result.name == "toy: sum of squares" and result.units == "numbers"
    assert result.vectorised_per_second > 0 and result.loop_per_second > 0
    assert result.speedup == result.vectorised_per_second / result.loop_per_second
    assert result.reference_per_second is None


def test_a_disagreement_between_vectorised_and_loop_is_an_error(registry):
    def off_by_one(x):
        return {"total": sum(v * v for v in x.tolist()) + 1.0, "largest": max(x.tolist())}

    result = measure_simulator(_squares(loop=off_by_one))
    assert result.problem.startswith("vectorised and loop disagree: result.total: vectorised ")
    assert math.isnan(result.vectorised_per_second) and math.isnan(result.speedup)
    (row,) = bench._simulator_rows([result])
    assert row.status == "error" and row.result == "failed" and "disagree" in row.note


def test_a_reference_model_is_compared_and_timed(registry):
    def reference(x):
        return {"total": math.fsum(v * v for v in x), "largest": max(x)}

    result = measure_simulator(_squares(reference=reference))
    assert result.problem is None and result.reference_per_second > 0
    bad = measure_simulator(_squares(reference=lambda x: {"total": 0.0, "largest": 0.0}))
    assert bad.problem.startswith("vectorised and reference disagree: result.total")


def test_a_simulator_that_raises_is_reported_not_raised(registry):
    def broken(x):
        raise ZeroDivisionError("division by zero")

    result = measure_simulator(_squares(loop=broken))
    assert result.problem == "loop raised ZeroDivisionError: division by zero"


def test_registering_a_name_again_replaces_it(registry):
    first, second = _squares(), _squares()
    assert registry["toy: sum of squares"] is second is not first
    assert second.loop_size == 100 and second.size == 1000


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"name": ""}, TypeError, "name must be a non-empty text"),
        ({"units": None}, TypeError, "units must be a non-empty text"),
        ({"draw": 3}, TypeError, "draw must be a function, got int"),
        ({"loop": None}, TypeError, "loop must be a function, got NoneType"),
        ({"reference": "simpy"}, TypeError, "reference must be a function or None"),
        ({"size": 0}, ValueError, "size must be >= 1, got 0"),
        ({"size": 2.5}, ValueError, "size must be a whole number"),
        ({"loop_size": -1}, ValueError, "loop_size must be >= 1"),
        ({"rel_tol": math.nan}, ValueError, "rel_tol must be a number, got NaN"),
    ],
)
def test_bad_registrations_name_the_argument(registry, change, error, message):
    arguments = {
        "name": "toy",
        "units": "numbers",
        "draw": lambda rng, size: rng.random(size),
        "vectorised": sum,
        "loop": sum,
        "size": 10,
    }
    with pytest.raises(error, match=message):
        register_simulator(**(arguments | change))
    assert "toy" not in registry


def test_discovery_imports_the_lesson_modules_but_never_the_kernel_guard():
    found = bench.discover_simulators()
    assert any(name.startswith("growth: bootstrap") for name in found)
    assert any(name.startswith("growth: workspaces") for name in found)
    assert "infralab.kernel_guard" not in sys.modules
    assert list(found) == sorted(found)


@pytest.mark.parametrize("name", sorted(bench.discover_simulators()))
def test_every_registered_simulator_agrees_with_its_loop_on_small_draws(name):
    simulator = bench.discover_simulators()[name]
    for seed in (1, 2):
        draws = simulator.draw(np.random.default_rng(seed), min(simulator.loop_size, 60))
        problem = agreement_problem(
            simulator.vectorised(draws),
            simulator.loop(draws),
            rel_tol=simulator.rel_tol,
            abs_tol=simulator.abs_tol,
        )
        assert problem is None, problem


def test_growth_statistics_are_the_ones_the_lesson_reads():
    found = bench.discover_simulators()
    projection = next(s for n, s in found.items() if n.startswith("growth: bootstrap"))
    stats = projection.vectorised(projection.draw(np.random.default_rng(0), 50))
    assert set(stats) == {"crossing_days", "first_touch_days", "median", "low", "high"}
    assert stats["crossing_days"].shape == (50,) and stats["median"].shape == (1095,)
    # 0.5% a day from about 617 to a limit of 2,000: ln(2000 / 617) / 0.005 = 235 days.
    assert 200 < np.median(stats["crossing_days"]) < 270
    assert np.all(stats["low"] <= stats["median"]) and np.all(stats["median"] <= stats["high"])
    sharding = next(s for n, s in found.items() if n.startswith("growth: workspaces"))
    stats = sharding.loop(sharding.draw(np.random.default_rng(0), 500))
    assert math.isclose(sum(stats["host_load"]), 1.0) and len(stats["shard_load"]) == 480


# --------------------------------------------------------------------------- arithmetic


def test_speedup_arithmetic():
    assert speedup(2_000_000.0, 10_000.0) == 200.0
    assert speedup(5.0, 0.0) == math.inf
    with pytest.raises(ValueError, match="vectorised_per_second must be >= 0"):
        speedup(-1.0, 3.0)
    with pytest.raises(ValueError, match="loop_per_second must be a number, got NaN"):
        speedup(1.0, math.nan)
    assert math.isnan(SimulatorResult("failed", "paths", math.nan, math.nan).speedup)
    result = SimulatorResult("toy", "numbers", 3_000.0, 20.0)
    assert result.speedup == 150.0


def test_simulator_rows_compare_the_speedup_with_the_target():
    rows = bench._simulator_rows(
        [
            SimulatorResult("fast", "paths", 1_000_000.0, 5_000.0),
            SimulatorResult("slow", "paths", 300_000.0, 5_000.0, reference_per_second=900.0),
        ]
    )
    assert [row.status for row in rows] == ["met", "missed"]
    assert rows[0].result == "1,000,000 vs 5,000 paths/s = 200 x"
    assert rows[1].result.endswith("= 60 x (reference model: 900/s)")
    assert rows[0].target == ">= 100 x the loop"


def test_notebook_rows_give_seconds_ratio_and_the_slowest_control():
    bare = NotebookRun("bare kernel", 2.0)
    updates = (
        PanelUpdate(1, "draw_clock", "as_of", 40.0, 35.0),
        PanelUpdate(1, "draw_clock", "model", 180.0, 95.0),
        PanelUpdate(2, "show", "rate", 5.0, 4.0),
    )
    runs = [
        NotebookRun("notebooks/a.ipynb", 3.0, updates),
        NotebookRun("notebooks/b.ipynb", 4.5),
        NotebookRun("exercises/c.ipynb", math.nan, problem="cell 3: ValueError: bad"),
    ]
    rows = bench._notebook_rows(runs, bare)
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


def test_agreement_problem_walks_nested_statistics():
    assert (
        agreement_problem({"a": [1.0, math.inf, math.nan]}, {"a": (1.0, math.inf, math.nan)})
        is None
    )
    assert agreement_problem([1.0, 2.0], np.array([1.0, 2.0 + 1e-12])) is None
    assert (
        agreement_problem({"a": 1.0}, {"b": 1.0}) == "result: vectorised has keys ['a'], loop ['b']"
    )
    assert agreement_problem([math.inf], [-math.inf]) == "result[0]: vectorised inf, loop -inf"
    assert agreement_problem(np.zeros(3), np.zeros(4)).endswith("shape (3,), loop (4,)")
    assert agreement_problem({"a": [{"b": 1.0}]}, {"a": [{"b": 2.0}]}).startswith("result.a[0].b")
    assert agreement_problem("x", "y") == "result: vectorised 'x', loop 'y'"
    assert agreement_problem(np.eye(2), np.array([[1.0, 0.0], [0.5, 1.0]])) == (
        "result[1][0]: vectorised 0.0, loop 0.5"
    )


def test_replay_generator_hands_out_the_draws_in_order_and_checks_them():
    order = np.array([2, 0, 1])
    replay = ReplayGenerator([("permutation", order), ("integers", np.arange(4).reshape(2, 2))])
    assert isinstance(replay, np.random.Generator)
    assert replay.permutation(np.array([10.0, 20.0, 30.0])).tolist() == [30.0, 10.0, 20.0]
    assert replay.integers(0, 9, size=(2, 2)).tolist() == [[0, 1], [2, 3]]
    with pytest.raises(RuntimeError, match="no recorded draw is left"):
        replay.random(3)
    wrong = ReplayGenerator([("integers", np.arange(3))])
    with pytest.raises(RuntimeError, match="next recorded draw is integers of shape"):
        wrong.normal(size=3)
    with pytest.raises(RuntimeError, match="integers"):
        ReplayGenerator([("integers", np.arange(3))]).integers(0, 5, size=4)
    assert ReplayGenerator([("permutation", order)]).permutation(3).tolist() == [2, 0, 1]
    with pytest.raises(ValueError, match="draws must name one of"):
        ReplayGenerator([("choice", order)])


# --------------------------------------------------------------------------- try-it panels


class Recorder:
    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail

    def __call__(self, **values):
        self.calls.append(values)
        if self.fail:
            raise ValueError("cannot draw that")


def test_try_it_remembers_its_panels_in_order():
    draw = Recorder()
    rate = widgets.FloatSlider(value=0.01, min=0.0, max=0.05, step=0.01)
    try_it(draw, rate=rate)
    panel = panels_made()[-1]
    assert panel.draw is draw and panel.controls == {"rate": rate}
    rate.value = 0.02
    assert draw.calls == [{"rate": 0.02}]
    for _ in range(tryit._PANELS.maxlen + 5):
        try_it(Recorder(), rate=widgets.FloatSlider())
    assert len(panels_made()) == tryit._PANELS.maxlen
    assert panels_made()[0].draw is not draw


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
    assert bench._another_value(control) == (trait, moved)


def test_a_log_slider_moves_one_step_of_its_exponent():
    slider = widgets.FloatLogSlider(value=100.0, base=10, min=0, max=4, step=1)
    trait, moved = bench._another_value(slider)
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
    results = bench.time_panel_updates()
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
    tryit._PANELS.clear()


def test_panel_updates_are_read_back_from_the_probe_cell_output():
    text = (
        bench._PROBE_MARK
        + '[{"panel": 1, "draw": "f", "control": "x", "milliseconds": 12.5,'
        + ' "median_milliseconds": 8.0, "problem": null}]'
    )
    outputs = [{"output_type": "stream", "name": "stdout", "text": "noise\n" + text + "\n"}]
    assert bench._panel_updates(outputs) == (PanelUpdate(1, "f", "x", 12.5, 8.0, None),)
    assert bench._panel_updates([]) == ()
    with pytest.raises(RuntimeError, match="ImportError: no bench"):
        bench._panel_updates(
            [{"output_type": "error", "ename": "ImportError", "evalue": "no bench"}]
        )


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
    notebook = new_notebook(cells=[new_code_cell(source), new_code_cell("1 / 0")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)
    failed = bench.run_notebook(path, time_panels=False, timeout=60)
    assert failed.problem == "cell 2: ZeroDivisionError: division by zero"
    notebook.cells.pop()
    nbformat.write(notebook, path)
    run = bench.run_notebook(path, timeout=60)
    assert run.problem is None, run.problem
    assert run.name == f"{tmp_path.name}/probe.ipynb" and run.seconds > 0
    (update,) = run.panel_updates
    assert (update.panel, update.draw, update.control, update.problem) == (1, "show", "rate", None)


def test_run_notebook_refuses_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="notebook must be an existing .ipynb file"):
        bench.run_notebook(tmp_path / "missing.ipynb")
    with pytest.raises(TypeError, match="notebook must be a path or None"):
        bench.run_notebook(3)
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        bench.run_notebook(None, repeats=0)
    with pytest.raises(TypeError, match="time_panels must be True or False"):
        bench.run_notebook(None, time_panels="yes")


# --------------------------------------------------------------------------- report and command


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
    found = [path.relative_to(tmp_path).as_posix() for path in bench._notebook_paths(tmp_path)]
    assert found == [
        "notebooks/a.ipynb",
        "notebooks/b.ipynb",
        "solutions/x.ipynb",
        "exercises/x.ipynb",
    ]


def test_the_bare_kernel_imports_the_course_libraries_and_style():
    (cell,) = bench._bare_kernel_notebook().cells
    for module in ("numpy", "pandas", "matplotlib.pyplot", "ipywidgets", "infralab"):
        assert f"import {module}" in cell.source
    assert cell.source.rstrip().endswith("use_course_style()")


def test_the_page_holds_targets_results_machine_and_the_canary():
    rows = [
        bench._Measurement("suite", "pytest", "21.0 s", "<= 60 s", "met"),
        bench._Measurement(
            "simulators", "toy | pipes", "failed", ">= 100 x", "error", "loop raised"
        ),
    ]
    machine = bench._machine_description()
    assert set(machine) == {"CPU", "cores", "RAM", "OS", "Python", "date"}
    page = bench._performance_page(rows, machine)
    assert page.startswith("# Performance\n")
    assert "| pytest | 21.0 s | <= 60 s | met |" in page
    assert "| toy \\| pipes | failed | >= 100 x | error: loop raised |" in page
    assert "1 of 2 targets missed or not measured (see the status column)" in page
    assert f"- **Python**: {machine['Python']}" in page
    assert "## The canary" in page and "before each workshop" in page
    assert "<= 2 x a bare kernel" in page and "<= 100 ms" in page


def test_the_hand_written_notes_survive_a_rewrite():
    notes = "## Why a target is missed\n\n- lesson 03: many projections.\n"
    page = bench._performance_page([], {"CPU": "x"}, notes)
    assert bench._notes_in(page) == notes
    assert page.index("## Results") < page.index(notes) < page.index("## Machine")
    assert bench._notes_in(bench._performance_page([], {"CPU": "x"})) == ""


def test_main_prints_the_table_and_exits_1_on_an_error(registry, monkeypatch, capsys):
    def only(*simulators):
        monkeypatch.setattr(bench, "discover_simulators", lambda: {s.name: s for s in simulators})

    only(_squares())
    assert bench.main(["--only", "simulators", "--repeats", "1"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("| what | result | target | status |\n")
    assert "| toy: sum of squares | " in table

    only(_squares(loop=lambda x: {"total": 0.0, "largest": 0.0}))
    assert bench.main(["--only", "simulators", "--repeats", "1"]) == 1
    assert "error: vectorised and loop disagree" in capsys.readouterr().out


def test_main_refuses_a_partial_page():
    with pytest.raises(SystemExit) as stopped:
        bench.main(["--only", "suite", "--write"])
    assert stopped.value.code == 2


def test_docstring_examples_hold():
    for module in (bench, tryit):
        failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)[:2]
        assert tried > 0 and failures == 0, module.__name__


def test_the_bare_kernel_imports_the_course_modules_the_notebooks_import(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from infralab.bench import _bare_kernel_notebook, _course_imports

    notebook = new_notebook(cells=[
        new_markdown_cell("import infralab.build"),  # prose is not code
        new_code_cell("from infralab import datasets, tracking\nimport numpy as np"),
        new_code_cell("from infralab.plotting import COLOURS  # a name, not a module"),
        new_code_cell("%matplotlib inline"),
    ])
    nbformat.write(notebook, tmp_path / "05_x.ipynb")
    assert _course_imports([tmp_path, tmp_path / "missing"]) == [
        "infralab", "infralab.datasets", "infralab.plotting", "infralab.tracking"
    ]
    source = _bare_kernel_notebook().cells[0].source
    assert "import infralab.tracking\n" in source and "import infralab.growth\n" in source
    assert "infralab.build" not in source and "infralab.bench" not in source
