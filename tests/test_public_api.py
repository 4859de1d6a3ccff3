"""Bad-input fuzz over every public function of infralab.

Every callable in every module's ``__all__`` is found automatically and must have
an entry in :data:`SPECS` (or, for a plain result record, in :data:`RECORDS`), so
a new function cannot slip past these tests. An entry says how to draw valid
keyword arguments (a hypothesis strategy) and, per parameter, values that are
invalid whatever the other arguments are. Two properties follow:

- **Bad input is refused by name.** With every other argument valid, each
  invalid value must raise ``TypeError`` or ``ValueError`` whose message names
  the parameter. A parameter that takes anything by design is listed in
  ``unchecked`` with the reason.
- **Valid input never gives NaN or infinity silently.** The result (numbers,
  arrays, frames, dataclass fields, containers) holds no NaN, infinity or NaT,
  unless the entry's ``non_finite`` says why it legitimately can ("never reaches
  the limit"). Entries whose valid calls are slow or write files say so in
  ``valid_calls`` and are exercised by their own module's tests.

Known gaps (bad input that slips through today) are listed per parameter in
``gaps``; one test checks they are all still open, so fixing one makes it say so.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import math
import numbers
import pkgutil
import sqlite3
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import infralab  # noqa: E402
from infralab import datasets, growth  # noqa: E402
from infralab.checks import core  # noqa: E402
from infralab.lessons import LESSONS  # noqa: E402
from tests.api_specs import (
    BAD_ARRAY,
    BAD_DATE,
    BAD_FLAG,
    BAD_FUNCTION,
    BAD_PATH,
    BAD_SEED,
    BAD_TEXT,
    DATES,
    NEVER_WRITTEN,
    PATH_GAP,
    PLOT_GAP,
    RECORD_GAP,
    SEEDS,
    SEQUENCE_GAP,
    Spec,
    _close_figures,
    bad_choice,
    bad_integer,
    bad_number,
    finite,
    kwargs,
)

#: Modules never imported here: the kernel start-up script switches the network off.
NOT_IMPORTED = {"infralab.kernel_guard"}


def _public_callables() -> dict[str, Callable]:
    found = {}
    for info in pkgutil.walk_packages(infralab.__path__, prefix="infralab."):
        if info.name in NOT_IMPORTED:
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if callable(value):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return dict(sorted(found.items()))


PUBLIC = _public_callables()



def canonical(name: str) -> str:
    """``module.qualname`` of the object a public dotted name refers to.

    Specs name a function where learners import it (``infralab.growth.fit_growth``);
    the function may be defined in a submodule (``infralab.growth.fitting``).
    """
    module_name, _, attribute = name.rpartition(".")
    try:
        value = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError):
        return name  # reported as a stale entry
    return f"{value.__module__}.{value.__qualname__}"


# --------------------------------------------------------------------------- validation

LABEL = "growth_rate"


SET_BY_THE_COURSE = {
    "name": "the label a message shows, written by the course's own code",
    "low": "a bound set by the course's own code",
    "high": "a bound set by the course's own code",
    "low_inclusive": "set by the course's own code",
    "high_inclusive": "set by the course's own code",
    "allow_inf": "set by the course's own code",
    "choices": "the options, set by the course's own code",
    "min_length": "set by the course's own code",
    "positive": "set by the course's own code",
    "increasing": "set by the course's own code",
}


def _set_by_the_course(function_name):
    from infralab import validation

    parameters = inspect.signature(getattr(validation, function_name)).parameters
    return {name: why for name, why in SET_BY_THE_COURSE.items() if name in parameters}


def _validator(function_name, value_strategy, bad_values, **extra):
    return Spec(
        kwargs(name=st.just(LABEL), **{"value": value_strategy}, **extra),
        invalid={"value": bad_values},
        unchecked=_set_by_the_course(function_name),
        names={"value": LABEL},
    )


VALIDATION = {
    "infralab.validation.check_number": _validator("check_number", finite(-1e9, 1e9), bad_number()),
    "infralab.validation.check_count": _validator(
        "check_count", st.integers(1, 10**6), bad_integer(1, 10**6), high=st.just(10**6)
    ),
    "infralab.validation.check_days": _validator(
        "check_days", finite(0.0, 36_500.0), bad_number(0.0, 36_500.0), high=st.just(36_500.0)
    ),
    "infralab.validation.check_integer": _validator(
        "check_integer",
        st.integers(-(10**9), 10**9),
        (None, "3", 2.5, math.nan, math.inf, True, [3]),
    ),
    "infralab.validation.check_probability": _validator(
        "check_probability", finite(0.0, 1.0), bad_number(0.0, 1.0)
    ),
    "infralab.validation.check_choice": _validator(
        "check_choice",
        st.sampled_from(("linear", "exponential")),
        (None, 3, "cubic", True, ["linear"], np.array(["linear"])),
        choices=st.just(("linear", "exponential")),
    ),
    "infralab.validation.check_date": _validator("check_date", DATES, BAD_DATE),
    "infralab.validation.check_seed": _validator(
        "check_seed", SEEDS | SEEDS.map(np.random.default_rng), BAD_SEED
    ),
    "infralab.validation.check_text": _validator(
        "check_text", st.text(min_size=1).filter(str.strip), (None, 3, "", "   ", ["a"], b"a")
    ),
    "infralab.validation.check_flag": _validator(
        "check_flag", st.booleans(), (None, 0, 1, "True", [True], math.nan)
    ),
    "infralab.validation.read_only": Spec(
        kwargs(array=st.lists(finite(-1e6, 1e6), max_size=5).map(np.array)),
        invalid={"array": (None, [1.0, 2.0], "array", 3)},
    ),
}
VALIDATION["infralab.validation.check_array"] = Spec(
    kwargs(name=st.just(LABEL), values=st.lists(finite(-1e6, 1e6), min_size=1, max_size=20)),
    invalid={"values": (*BAD_ARRAY, ["a", "b"], {"a": 1.0})},
    unchecked=_set_by_the_course("check_array"),
    names={"values": LABEL},
)


# --------------------------------------------------------------------------- plotting, try-it

HISTORY = pd.date_range("2020-01-01", periods=5, freq="D")
FUTURE = pd.date_range("2020-01-06", periods=3, freq="D")

PLOTTING = {
    "infralab.plotting.ProjectionFigure": Spec(
        kwargs(
            ylabel=st.text(max_size=10),
            ylim=st.tuples(finite(-1e6, 0.0), finite(1.0, 1e6)),
            limit=finite(-1e6, 1e6),
            limit_label=st.text(max_size=10),
        ),
        invalid={
            "ylabel": (None, 3, ["peak CPU"]),
            "ylim": (None, 130, (130, 0), (0, 0), (0, "130"), (0, math.nan), (0, 1, 2)),
            "limit": bad_number(),
            "limit_label": (None, 3),
            "colour": (None, 3, "not a colour"),
            "label": (None, 3),
            "band_label": (None, 3),
            "limit_side": bad_choice("left"),
            "legend_loc": bad_choice("upper left"),
            "max_ticks": bad_integer(3),
        },
        valid_calls="draws a figure once, outside pyplot: checked in tests/test_plotting.py",
    ),
    "infralab.plotting.course_style": Spec(kwargs()),
    "infralab.plotting.use_course_style": Spec(kwargs()),
    "infralab.plotting.plot_projection": Spec(
        kwargs(
            ax=st.none(),
            history_dates=st.just(HISTORY),
            history_values=st.lists(finite(0.0, 1e6), min_size=5, max_size=5),
            future_dates=st.just(FUTURE),
            median=st.just([5.0, 6.0, 7.0]),
            low=st.just([4.0, 5.0, 6.0]),
            high=st.just([6.0, 7.0, 8.0]),
            label=st.text(max_size=10),
        ),
        invalid={
            "ax": ("axes", 3, [None]),
            "history_dates": (None, 3),
            "history_values": (None, [1.0, 2.0], "abcde"),
            "future_dates": (None, 3, FUTURE[:2]),
            "median": (None, [1.0], ["a", "b", "c"]),
            "low": (None, [1.0], ["a", "b", "c"]),
            "high": (None, [1.0], ["a", "b", "c"]),
            "label": (None, 3),
            "colour": (None, 3, "not a colour"),
            "band_label": (None, 3),
        },
        gaps={
            "history_dates": SEQUENCE_GAP,
            "history_values": SEQUENCE_GAP,
            "future_dates": SEQUENCE_GAP,
            "median": SEQUENCE_GAP,
            "low": SEQUENCE_GAP,
            "high": SEQUENCE_GAP,
            "label": PLOT_GAP,
            "colour": PLOT_GAP,
            "band_label": PLOT_GAP,
        },
        call=_close_figures,
        valid_calls="draws a figure: checked in tests/test_plotting.py",
    ),
    "infralab.plotting.mark_limit": Spec(
        kwargs(ax=st.none(), value=finite(-1e6, 1e6), label=st.text(max_size=10)),
        invalid={
            "ax": ("axes", 3, [None]),
            "value": bad_number(),
            "label": (None, 3),
            "colour": (None, 3, "not a colour"),
            "label_side": bad_choice("left"),
        },
        gaps={"label": PLOT_GAP, "colour": PLOT_GAP},
        call=_close_figures,
        valid_calls="draws a figure: checked in tests/test_plotting.py",
    ),
    "infralab.plotting.mark_date": Spec(
        kwargs(ax=st.none(), when=DATES, label=st.text(max_size=10)),
        invalid={
            "ax": ("axes", 3, [None]),
            "when": BAD_DATE,
            "label": (None, 3),
            "colour": (None, 3, "not a colour"),
        },
        gaps={"label": PLOT_GAP, "colour": PLOT_GAP},
        call=_close_figures,
        valid_calls="draws a figure: checked in tests/test_plotting.py",
    ),
    "infralab.plotting.bar_chart": Spec(
        kwargs(
            ax=st.none(),
            labels=st.just(["a", "b", "c"]),
            values=st.lists(finite(0.0, 1e6), min_size=3, max_size=3),
            highlight=st.none() | st.integers(0, 2),
            horizontal=st.booleans(),
        ),
        invalid={
            "ax": ("axes", 3, [None]),
            "labels": (None, 3, ["a"]),
            "values": (None, "abc", [1.0], ["a", "b", "c"]),
            "highlight": (3, -1, 2.5, "0", True),
            "horizontal": BAD_FLAG,
            "value_format": (None, 3, "{:q}", "{0} {1}"),
        },
        gaps={
            "labels": SEQUENCE_GAP,
            "values": SEQUENCE_GAP,
            "horizontal": "any value is taken for its truth",
            "value_format": PLOT_GAP,
        },
        call=_close_figures,
        valid_calls="draws a figure: checked in tests/test_plotting.py",
    ),
    "infralab.plotting.format_date_axis": Spec(
        kwargs(ax=st.none(), max_ticks=st.integers(3, 20)),
        invalid={"ax": ("axes", 3, [None]), "max_ticks": bad_integer(3)},
        call=_close_figures,
        valid_calls="changes a figure's axis: checked in tests/test_plotting.py",
    ),
}


def _try_it(function, arguments):
    arguments = dict(arguments)
    draw = arguments.pop("draw")
    controls = arguments.pop("controls")
    return function(draw, **controls)


TRYIT = {
    "infralab.tryit.try_it": Spec(
        kwargs(
            draw=st.just(print),
            controls=st.just({"rate": widgets.FloatSlider(value=0.01, min=0.0, max=0.1)}),
        ),
        invalid={
            "draw": BAD_FUNCTION,
            "controls": ({}, {"rate": 0.01}, {"rate": widgets.Button()}),
        },
        call=_try_it,
        names={"controls": "control"},
        valid_calls="returns a widget: checked in tests/test_tryit.py",
    ),
    "infralab.tryit.panels_made": Spec(kwargs()),
}


# --------------------------------------------------------------------------- data sets

POSTGRES = datasets.DATASETS["postgres_metrics"]
_FRAMES: dict[str, pd.DataFrame] = {}


def _generated() -> pd.DataFrame:
    if "postgres_metrics" not in _FRAMES:
        _FRAMES["postgres_metrics"] = datasets.generate("postgres_metrics")
    return _FRAMES["postgres_metrics"].copy()


COLUMN = datasets.Column("day", "int", "days", 0, None, "Day number.")
BAD_REGISTRY = (None, "postgres_metrics", [POSTGRES], 3)
BAD_MEASURED = ("notes.csv", 3, {"notes.csv": 3}, [("notes.csv", "text")], {3: "text"})

DATASETS = {
    "infralab.datasets.core.Column": Spec(
        kwargs(
            name=st.sampled_from(("disk_gib", "date")),
            dtype=st.sampled_from(("date", "float", "int")),
            unit=st.just("GiB"),
            minimum=st.none() | finite(-10.0, 0.0),
            maximum=st.none() | finite(1.0, 100.0),
            description=st.just("Disk used."),
            decimals=st.just(1),
        ),
        invalid={
            "name": BAD_TEXT,
            "dtype": bad_choice("int"),
            "unit": BAD_TEXT,
            "minimum": ("0", True, math.nan),
            "maximum": ("0", True, math.nan),
            "description": BAD_TEXT,
            "decimals": (-1, 2.5, "1", True),
            "increasing": BAD_FLAG,
            "allowed": ("abc", 3, [1]),
        },
        gaps={
            name: RECORD_GAP
            for name in (
                "name",
                "unit",
                "minimum",
                "maximum",
                "description",
                "decimals",
                "increasing",
            )
        },
    ),
    "infralab.datasets.core.Dataset": Spec(
        kwargs(
            file_name=st.just("x.csv"),
            description=st.just("A data set."),
            provenance=st.just("Simulated."),
            columns=st.just((COLUMN,)),
            generate=st.just(lambda: pd.DataFrame({"day": [1]})),
        ),
        invalid={
            "file_name": (*BAD_TEXT, "../x.csv", "x.txt"),
            "description": BAD_TEXT,
            "provenance": BAD_TEXT,
            "columns": (None, (), ("day",), COLUMN),
            "generate": BAD_FUNCTION,
        },
        gaps={
            name: RECORD_GAP
            for name in ("file_name", "description", "provenance", "columns", "generate")
        },
    ),
    "infralab.datasets.generate": Spec(
        kwargs(name=st.just("postgres_metrics")),
        invalid={"name": (None, 3, "no such data set", True, ["postgres_metrics"])},
        valid_calls="a fixed output, checked byte for byte in tests/test_datasets.py",
    ),
    "infralab.datasets.write_all": Spec(
        kwargs(),
        invalid={"folder": BAD_PATH},
        valid_calls="writes data/ (tests/test_datasets.py writes to a temporary folder)",
    ),
    "infralab.datasets.verify": Spec(
        kwargs(),
        invalid={"folder": BAD_PATH},
        valid_calls="reads data/: checked in tests/test_datasets.py",
    ),
    "infralab.datasets.load": Spec(
        kwargs(name=st.just("postgres_metrics")),
        invalid={"name": (None, 3, "no such data set", True), "folder": BAD_PATH},
        valid_calls="reads data/: checked in tests/test_datasets.py",
    ),
    "infralab.datasets.core.validate_frame": Spec(
        kwargs(
            frame=st.builds(_generated),
            dataset_or_columns=st.just(POSTGRES) | st.just(POSTGRES.columns),
            source=st.text(max_size=20),
            allow_extra_columns=st.booleans(),
        ),
        invalid={
            "frame": (None, "postgres_metrics.csv", [[1, 2]], {"date": ["2020-01-01"]}),
            "dataset_or_columns": (None, (), ("date",), 3),
            "source": (None, 3),
            "allow_extra_columns": BAD_FLAG,
        },
        gaps={
            "dataset_or_columns": "None fails on iteration without the argument's name",
            "source": "any value is shown in messages as it is",
            "allow_extra_columns": "any value is taken for its truth",
        },
    ),
    "infralab.datasets.core.data_folder": Spec(
        kwargs(folder=st.none() | st.just("data")),
        invalid={"folder": BAD_PATH},
    ),
    "infralab.datasets.core.dataset_named": Spec(
        kwargs(registry=st.just(datasets.DATASETS), name=st.just("postgres_metrics")),
        invalid={"registry": BAD_REGISTRY, "name": (None, 3, "no such data set", True)},
        gaps={"registry": SEQUENCE_GAP},
    ),
    "infralab.datasets.core.generate_dataset": Spec(
        kwargs(dataset=st.just(POSTGRES)),
        invalid={"dataset": (None, "postgres_metrics", 3, COLUMN)},
        gaps={"dataset": "not checked: fails with AttributeError"},
        valid_calls="a fixed output, checked in tests/test_datasets.py",
    ),
    "infralab.datasets.core.load_file": Spec(
        kwargs(path=st.just(NEVER_WRITTEN), dataset=st.just(POSTGRES)),
        invalid={"path": (None, *BAD_PATH), "dataset": (None, "postgres_metrics", 3, COLUMN)},
        gaps={"path": PATH_GAP, "dataset": "not checked: fails with AttributeError"},
        valid_calls="reads a file: checked in tests/test_datasets.py",
    ),
    "infralab.datasets.core.typed_frame": Spec(
        kwargs(
            values=st.lists(st.integers(0, 10**6), min_size=1, max_size=10).map(
                lambda days: {"day": days}
            ),
            columns=st.just((COLUMN,)),
        ),
        invalid={
            "values": (None, [1, 2], {"other": [1]}, {"day": ["a"]}),
            "columns": (None, 3, ("day",)),
        },
        gaps={"values": SEQUENCE_GAP, "columns": SEQUENCE_GAP},
    ),
    "infralab.datasets.core.verify_files": Spec(
        kwargs(registry=st.just(datasets.DATASETS)),
        invalid={
            "registry": BAD_REGISTRY, "folder": BAD_PATH, "measured": BAD_MEASURED,
            "examples": BAD_MEASURED,
        },
        gaps={"registry": SEQUENCE_GAP},
        valid_calls="reads data/: checked in tests/test_datasets.py",
    ),
    "infralab.datasets.core.write_files": Spec(
        kwargs(registry=st.just(datasets.DATASETS)),
        invalid={
            "registry": BAD_REGISTRY, "folder": BAD_PATH, "measured": BAD_MEASURED,
            "examples": BAD_MEASURED,
        },
        gaps={"registry": SEQUENCE_GAP},
        valid_calls="writes files: checked in tests/test_datasets.py",
    ),
}


# --------------------------------------------------------------------------- build and tools

FOLDER_SPEC = Spec(
    kwargs(),
    invalid={"solutions_dir": BAD_PATH, "exercises_dir": BAD_PATH},
    gaps={"solutions_dir": PATH_GAP, "exercises_dir": PATH_GAP},
    valid_calls="reads and writes the course folders: checked in tests/test_build.py",
)

TOOLS = {
    "infralab.coursemap.notebook_title": Spec(
        kwargs(
            notebook=st.just({"cells": [{"cell_type": "markdown", "source": "# A title"}]}),
            source=st.sampled_from(["05_x.ipynb", Path("03_y.ipynb")]),
        ),
        invalid={"notebook": (None, [], "# A title", {"cells": "x"}), "source": BAD_PATH},
    ),
    "infralab.coursemap.notebook_minutes": Spec(
        kwargs(notebook=st.just({"cells": [{"cell_type": "markdown", "source": "x"}]})),
        invalid={"notebook": (None, [], "**Time:** about 5 minutes", {"cells": 3})},
    ),
    "infralab.coursemap.course_map": Spec(
        kwargs(),
        invalid={"root": BAD_PATH},
        valid_calls="reads the course's notebooks: checked in tests/test_coursemap.py",
    ),
    "infralab.build.edited_exercises": FOLDER_SPEC,
    "infralab.build.exercises_out_of_date": FOLDER_SPEC,
    "infralab.build.generate_exercises": FOLDER_SPEC,
    "infralab.build.execute_notebooks": Spec(
        kwargs(),
        invalid={
            "notebooks": (3, "notebooks/03_doomsday_clock.ipynb", [3]),
            "timeout": bad_integer(1),
        },
        gaps={"notebooks": "a number or a single path fails on iteration without the name"},
        valid_calls="starts kernels: checked in tests/test_notebook_runs.py",
    ),
    "infralab.build.guarded_ipython_dir": Spec(
        kwargs(),
        call=lambda function, arguments: _removed(function()),
    ),
    "infralab.handouts.build_handouts": Spec(
        kwargs(),
        invalid={
            "output_dir": BAD_PATH,
            "notebooks_dir": BAD_PATH,
            "exercises_dir": BAD_PATH,
            "solutions_dir": BAD_PATH,
            "guide_file": BAD_PATH,
            "docs_dir": BAD_PATH,
            "edition": ("teacher", 3, None, ["learner"]),
        },
        gaps={
            name: PATH_GAP
            for name in (
                "output_dir",
                "notebooks_dir",
                "exercises_dir",
                "solutions_dir",
                "guide_file",
                "docs_dir",
            )
        },
        valid_calls="converts every notebook: checked in tests/test_handouts.py",
    ),
    "infralab.handouts.external_resources": Spec(
        kwargs(html_text=st.text(max_size=200)),
        invalid={"html_text": (None, 3, b"<html>", ["<html>"])},
    ),
    "infralab.cli.main": Spec(
        kwargs(),
        invalid={"argv": (3, "handouts", [3])},
        gaps={"argv": "handed to argparse unchecked: a text is split into letters (exit 2)"},
        valid_calls="runs a course task: checked in tests/test_cli.py",
    ),
    "infralab.environment.check_environment": Spec(
        kwargs(distribution=st.just("infralab")),
        invalid={"distribution": (None, 3, "", True, ["infralab"])},
    ),
    "infralab.files.write_if_changed": Spec(
        kwargs(path=st.just(NEVER_WRITTEN), data=st.binary(max_size=10)),
        invalid={"path": (None, *BAD_PATH), "data": (None, "text", 3, bytearray(b"x"))},
        valid_calls="writes a file: checked in tests/test_files.py",
    ),
    "infralab.paths.course_root": Spec(
        kwargs(start=st.none() | st.just(".")), invalid={"start": BAD_PATH}
    ),
    "infralab.paths.data_dir": Spec(
        kwargs(start=st.none() | st.just(".")), invalid={"start": BAD_PATH}
    ),
    "infralab.validation.read_recorded_csv": Spec(
        kwargs(
            path=st.none(),
            default=st.just("postgres_bytes_per_row.csv"),
            columns=st.just(("state",)),
            command=st.just("make measure-postgres"),
        ),
        invalid={"path": (3, b"data.csv", True)},
        unchecked={
            "default": "a file name in data/, joined to the folder as it is",
            "columns": "the caller's own list of columns",
            "command": "shown in the message as it is",
            "numbers": "the caller's own rules",
        },
        valid_calls="reads files: checked through load_postgres_measurement and "
        "load_throughput_measurement in the lessons' tests",
    ),
    "infralab.hub.nbgitpuller_link": Spec(
        kwargs(
            hub_url=st.sampled_from(("https://hub.example.org", "http://127.0.0.1:8000/")),
            repo_url=st.sampled_from(
                ("https://git.example.org/team/course.git", "git@git.example.org:team/c.git")
            ),
            branch=st.sampled_from((None, "main", "workshop/2027")),
            folder=st.sampled_from((None, "course")),
        ),
        invalid={
            "hub_url": (None, 3, "", "hub.example.org", "ftp://hub.example.org"),
            "repo_url": (None, 3, "", "course", "file:///srv/course"),
            "branch": (3, "", "HEAD", "a..b", "-x"),
            "folder": (3, "", "../up", "a/b", ".hidden"),
            "open_path": (None, 3, "", "/etc/passwd", "../x.ipynb"),
        },
    ),
    "infralab.workspace.start_workspace": Spec(
        kwargs(),
        invalid={"destination": BAD_PATH, "exercises_dir": BAD_PATH},
        valid_calls="copies notebooks into a folder: checked in tests/test_workspace.py",
    ),
}


def _removed(folder: Path) -> Path:
    import shutil

    shutil.rmtree(folder)
    return folder


# --------------------------------------------------------------------------- checks

ANY_ANSWER = "any answer at all is handled: fuzzed in tests/test_check_cells.py"
CASE = core.Case((2,), {}, 4)
NOT_CASES = (None, [], "cases", [1, 2], [CASE, "case"])


def _check_function_spec():
    return Spec(
        kwargs(function=st.just(lambda *args: None)),
        unchecked={"function": ANY_ANSWER},
        call=lambda function, arguments: _quiet(function, arguments),
    )


def _quiet(function, arguments):
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return function(**arguments)


TOLERANCES = kwargs(rel_tol=finite(0.0, 0.1), abs_tol=finite(0.0, 1.0))
BAD_TOLERANCES = {"rel_tol": bad_number(0.0), "abs_tol": bad_number(0.0)}
TOLERANCE_GAPS = {"rel_tol": RECORD_GAP, "abs_tol": RECORD_GAP}

CHECKS = {
    "infralab.checks.core.Anything": Spec(kwargs()),
    "infralab.checks.core.Comparator": Spec(kwargs()),
    "infralab.checks.core.Day": Spec(kwargs()),
    "infralab.checks.core.Text": Spec(kwargs()),
    "infralab.checks.core.TextSet": Spec(kwargs()),
    "infralab.checks.core.Number": Spec(TOLERANCES, invalid=BAD_TOLERANCES, gaps=TOLERANCE_GAPS),
    "infralab.checks.core.NumberArray": Spec(
        TOLERANCES, invalid=BAD_TOLERANCES, gaps=TOLERANCE_GAPS
    ),
    "infralab.checks.core.NumberMap": Spec(TOLERANCES, invalid=BAD_TOLERANCES, gaps=TOLERANCE_GAPS),
    "infralab.checks.core.TupleOf": Spec(
        kwargs(items=st.just((core.Text(), core.Day()))),
        invalid={"items": (None, "ab", (core.Text(), "date"), 3)},
        gaps={"items": RECORD_GAP},
    ),
    "infralab.checks.core.Case": Spec(
        kwargs(args=st.just((2,)), kwargs=st.just({}), expected=st.integers()),
        invalid={
            "args": (None, 2, "2"),
            "kwargs": (None, [("x", 1)], {1: 2}),
            "label": (3, ["label"]),
            "hidden": BAD_FLAG,
        },
        unchecked={"expected": "any answer can be expected"},
        gaps={name: RECORD_GAP for name in ("args", "kwargs", "label", "hidden")},
    ),
    "infralab.checks.core.Mistake": Spec(
        kwargs(hint=st.just("you added one"), wrong_answer=st.just(lambda x: x + 1)),
        invalid={
            "hint": (*BAD_TEXT, ""),
            "wrong_answer": BAD_FUNCTION,
            "compare": ("number", 3, core.Number),
        },
        gaps={name: RECORD_GAP for name in ("hint", "wrong_answer", "compare")},
    ),
    "infralab.checks.core.Verdict": Spec(
        kwargs(status=st.sampled_from(core.STATUSES), message=st.text(min_size=1, max_size=30)),
        invalid={"status": bad_choice("correct"), "message": BAD_TEXT},
        gaps={"message": "any value is turned into text"},
    ),
    "infralab.checks.core.Task": Spec(
        kwargs(
            name=st.just("double"),
            parameters=st.just(("x",)),
            cases=st.just((CASE,)),
        ),
        invalid={
            "name": (*BAD_TEXT, ""),
            "parameters": (None, "x", (3,)),
            "cases": NOT_CASES,
            "mistakes": (None, [3], "hint"),
            "compare": ("number", 3, core.Number),
            "summary": (None, 3),
            "none_hint": (None, 3),
        },
        gaps={
            name: RECORD_GAP
            for name in (
                "name", "parameters", "cases", "mistakes", "compare", "summary", "none_hint"
            )
        },
    ),
    "infralab.checks.core.evaluate": Spec(
        kwargs(function=st.just(lambda x: 2 * x), cases=st.just([CASE])),
        invalid={
            "cases": NOT_CASES,
            "mistakes": (None, [3], "hint"),
            "compare": ("number", 3, core.Number),
            "task": (None, 3),
            "parameters": (3, "x", [3]),
        },
        unchecked={
            "function": ANY_ANSWER,
            "none_hint": "any value is shown in the message as it is",
        },
        gaps={
            "cases": "only an empty sequence is refused by name",
            "mistakes": SEQUENCE_GAP,
            "compare": SEQUENCE_GAP,
            "task": "any value is shown in the message as it is",
            "parameters": SEQUENCE_GAP,
        },
    ),
    "infralab.checks.core.run_check": Spec(
        kwargs(function=st.just(lambda x: 2 * x), cases=st.just([CASE])),
        unchecked={
            "function": ANY_ANSWER,
            "none_hint": "any value is shown in the message as it is",
            "cases": "never raises, by design: a broken check still prints one line "
            "('Check could not run', tests/test_checks_core.py)",
            "mistakes": "never raises, by design (as cases)",
            "compare": "never raises, by design (as cases)",
            "task": "never raises, by design (as cases)",
            "parameters": "never raises, by design (as cases)",
        },
        call=_quiet,
    ),
    "infralab.checks.tasks.ready_for": Spec(
        kwargs(tasks=st.just({}), function=st.just("no such task")),
        unchecked={
            "tasks": "a check module's own TASKS, never a learner's value",
            "function": "any object at all answers one line: fuzzed in tests/test_check_cells.py",
        },
        call=_quiet,
    ),
    "infralab.checks.core.is_nothing": Spec(
        kwargs(value=st.none() | st.floats() | st.text()),
        unchecked={"value": "answers True or False for any value"},
    ),
    "infralab.checks.core.to_timestamp": Spec(
        kwargs(value=DATES | st.text(max_size=12) | st.integers()),
        unchecked={"value": "answers a Timestamp or None for any value"},
    ),
    "infralab.checks.core.with_check_sections": Spec(
        kwargs(check=st.builds(lambda: lambda function=None: None)),
        invalid={"check": (None, 3, "check", [print])},
    ),
    "infralab.validation.short_repr": Spec(
        kwargs(value=st.integers() | st.text(), limit=st.integers(4, 200)),
        invalid={"limit": bad_integer(4)},
        unchecked={"value": "shows any value"},
        gaps={"limit": "not checked: a bad limit fails in a comparison or a slice"},
    ),
}


def _lesson_checks() -> dict[str, Spec]:
    specs = {}
    for name, function in PUBLIC.items():
        module = function.__module__
        if module.startswith("infralab.checks.") and module != "infralab.checks.core":
            lesson = sys.modules[module]
            if function.__name__ in getattr(lesson, "TASKS", {}):
                specs[name] = _check_function_spec()
    return specs


CHECKS |= _lesson_checks()
CHECKS["infralab.checks.server_side_tracking.ready"] = Spec(
    kwargs(function=st.just(lambda *args: 1.0)),
    unchecked={"function": ANY_ANSWER},
)


def _failure():
    from infralab.canary import NotebookFailure

    return NotebookFailure("notebooks/a.ipynb", 2, "x = 1", "ValueError: bad", "pandas")


CANARY = {
    "infralab.canary.normalise_name": Spec(
        kwargs(name=st.text(min_size=1, max_size=20)),
        invalid={"name": (None, 3, ["pandas"])},
    ),
    "infralab.canary.read_pins": Spec(
        kwargs(text=st.text(max_size=200)),
        invalid={"text": (None, 3, ["pandas==3.1.0"], b"pandas==3.1.0")},
    ),
    "infralab.canary.version_changes": Spec(
        kwargs(
            installed=st.dictionaries(st.sampled_from(("pandas", "numpy")), st.just("1.0")),
            pins=st.dictionaries(st.sampled_from(("pandas", "scipy")), st.just("2.0")),
        ),
        invalid={
            "installed": (None, [("pandas", "1.0")], {"pandas": None}, {3: "1.0"}),
            "pins": (None, [("pandas", "1.0")], {"pandas": 1.0}),
        },
    ),
    "infralab.canary.library_of_failure": Spec(
        kwargs(text=st.text(max_size=200), owners=st.none() | st.just({"PIL": ["pillow"]})),
        invalid={"text": (None, 3, b"File"), "owners": (3, "pandas", [("PIL", "pillow")])},
    ),
    "infralab.canary.failures_from_junit": Spec(
        kwargs(xml_text=st.just("<testsuites/>"), notebooks=st.just(["notebooks/a.ipynb"])),
        invalid={
            "xml_text": (None, 3, "<testsuites>", b"<testsuites/>"),
            "owners": (3, "pandas"),
            "notebooks": ("notebooks/a.ipynb", [3]),
        },
    ),
    "infralab.canary.summary": Spec(
        st.builds(
            lambda failures, runs: {"failures": failures, "changes": [], "notebooks_run": runs},
            st.lists(st.builds(_failure), max_size=2),
            st.integers(0, 10),
        ),
        invalid={
            "failures": (None, "failure", [3]),
            "changes": (None, "pandas", [("pandas", "1.0", "2.0")]),
            "notebooks_run": bad_integer(0),
            "cells_run": bad_integer(0)[1:],
            "python": (None, 3.11),
        },
    ),
    "infralab.canary.main": Spec(
        kwargs(),
        invalid={"argv": (3, "--keep", [3])},
        valid_calls="creates a virtual environment and installs every dependency (make canary)",
    ),
}



REGISTRY = {
    "infralab.lessons.Lesson": Spec(
        kwargs(
            number=st.sampled_from(("01", "42")),
            slug=st.sampled_from(("toy", "invisible_qualities")),
            models=st.just(("toy",)),
            datasets=st.just(()),
        ),
        invalid={
            "number": (None, 3, "3", "003", "ab"),
            "slug": (None, 3, "", "Doomsday", "doomsday clock", "03_doomsday"),
            "models": (None, "growth", ["growth"], ("Growth",), (3,)),
            "datasets": (None, "postgres_metrics", ["postgres_metrics"], ("a b",)),
            "module": (None, 3, "Doomsday", "a b", "100x"),
        },
    ),
    "infralab.lessons.lesson": Spec(
        st.sampled_from([{"key": lesson.number} for lesson in LESSONS]
                        + [{"key": lesson.slug} for lesson in LESSONS]),
        invalid={"key": (None, 3, ["03"])},
    ),
}


def _lesson_specs() -> tuple[dict[str, Spec], dict[str, str]]:
    """Every lesson's ``SPECS`` and ``RECORDS`` from ``tests/lessons/<slug>/api_specs.py``."""
    specs, records = {}, {}
    for lesson in LESSONS:
        module = importlib.import_module(f"tests.lessons.{lesson.name}.api_specs")
        specs |= module.SPECS
        records |= module.RECORDS
    return specs, records


LESSON_SPECS, LESSON_RECORDS = _lesson_specs()

SPECS: dict[str, Spec] = {
    canonical(name): spec
    for name, spec in (
        VALIDATION | PLOTTING | TRYIT | DATASETS | TOOLS | CHECKS | CANARY | REGISTRY | LESSON_SPECS
    ).items()
}

RAW_RECORDS = {
    "infralab.tryit.Panel": "built by try_it",
    "infralab.tryit.TryItPanel": "built by try_it (an ipywidgets VBox; its text form is tested)",
    "infralab.environment.PackageStatus": "built by check_environment",
    "infralab.environment.EnvironmentReport": "built by check_environment",
    "infralab.workspace.WorkspaceReport": "built by start_workspace",
    "infralab.canary.NotebookFailure": "built by failures_from_junit",
    "infralab.canary.VersionChange": "built by version_changes",
}


RECORDS = {canonical(name): why for name, why in (RAW_RECORDS | LESSON_RECORDS).items()}

# --------------------------------------------------------------------------- the tests


def _parameters(function: Callable) -> list[str]:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    return [
        name
        for name, parameter in signature.parameters.items()
        if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    ]


def test_every_public_callable_has_an_entry():
    missing = sorted(set(PUBLIC) - set(SPECS) - set(RECORDS))
    assert not missing, f"public callables with no entry in SPECS or RECORDS: {missing}"
    stale = sorted((set(SPECS) | set(RECORDS)) - set(PUBLIC))
    assert not stale, f"entries for callables that are not public: {stale}"


def test_every_parameter_is_covered_or_excused():
    problems = []
    for name, spec in SPECS.items():
        if name not in PUBLIC:
            continue
        parameters = set(_parameters(PUBLIC[name]))
        covered = set(spec.invalid) | set(spec.unchecked)
        if spec.call is _try_it:
            parameters |= {"controls"}
        if parameters - covered:
            problems.append(
                f"{name}: no invalid values or reason for {sorted(parameters - covered)}"
            )
        if covered - parameters:
            problems.append(
                f"{name}: entries for unknown parameters {sorted(covered - parameters)}"
            )
        for parameter, values in spec.invalid.items():
            if not values:
                problems.append(f"{name}: no invalid values for {parameter}")
    assert not problems, "\n".join(problems)


def _call(spec: Spec, function: Callable, arguments: dict) -> object:
    arguments = copy.copy(arguments)
    if spec.call is not None:
        return spec.call(function, arguments)
    return function(**arguments)


def _shown(value: object) -> str:
    return core.short_repr(value, 50)


def _refusal_problems(spec: Spec, function: Callable, arguments: dict, parameter: str) -> list:
    """Each invalid value of ``parameter`` that is not refused by name, with what happened."""
    expected_text = spec.names.get(parameter, parameter)
    problems = []
    for bad in spec.invalid[parameter]:
        trial = dict(arguments)
        trial[parameter] = bad
        try:
            result = _call(spec, function, trial)
        except (TypeError, ValueError) as error:
            if expected_text not in str(error):
                problems.append(
                    f"{parameter}={_shown(bad)}: {type(error).__name__}: {_shown(str(error))} "
                    f"does not name {expected_text!r}"
                )
        except Exception as error:  # the wrong kind of error
            problems.append(
                f"{parameter}={_shown(bad)}: raised {type(error).__name__}: {_shown(str(error))}"
            )
        else:
            problems.append(f"{parameter}={_shown(bad)}: accepted, returned {_shown(result)}")
    return problems


FUZZ = settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.generate],  # a failure lists every value refused wrongly: no shrinking
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

INVALID_CASES = [
    pytest.param(name, parameter, id=f"{name.removeprefix('infralab.')}-{parameter}")
    for name, spec in SPECS.items()
    if name in PUBLIC
    for parameter in spec.invalid
    if parameter not in spec.gaps
]
GAPS = [
    (name, parameter, reason)
    for name, spec in SPECS.items()
    if name in PUBLIC
    for parameter, reason in spec.gaps.items()
]


@pytest.mark.parametrize(("name", "parameter"), INVALID_CASES)
def test_an_invalid_argument_is_refused_by_name(name, parameter):
    spec, function = SPECS[name], PUBLIC[name]

    @FUZZ
    @given(arguments=spec.valid)
    def refused(arguments):
        problems = _refusal_problems(spec, function, arguments, parameter)
        assert not problems, "\n".join(problems)

    refused()


def _still_open(name: str, parameter: str) -> bool:
    spec, function = SPECS[name], PUBLIC[name]
    found = []

    @settings(FUZZ, max_examples=3)  # one slipping value is enough to show a gap is open
    @given(arguments=spec.valid)
    def probe(arguments):
        if not found:
            found.extend(_refusal_problems(spec, function, arguments, parameter))

    probe()
    return bool(found)


def test_every_known_gap_is_still_open():
    """The gaps listed in SPECS still let bad input through; a fixed one must leave the list."""
    try:
        closed = [
            f"{name} {parameter}" for name, parameter, _ in GAPS if not _still_open(name, parameter)
        ]
    finally:
        plt.close("all")
    assert not closed, f"fixed: remove these from the gaps in SPECS: {closed}"


def non_finite(value: object, where: str = "result", depth: int = 0) -> str | None:
    """Where ``value`` holds a NaN, an infinity or NaT; None when it holds none."""
    if depth > 5 or isinstance(value, (bool, np.bool_, str, bytes)):
        return None
    if value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        return f"{where} is NaT"
    if isinstance(value, numbers.Real):
        try:
            number = float(value)
        except OverflowError:
            return None
        return None if math.isfinite(number) else f"{where} is {number}"
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and not np.isfinite(value).all():
            return f"{where} holds {value[~np.isfinite(value)][0]}"
        if value.dtype.kind in "mM" and np.isnat(value).any():
            return f"{where} holds NaT"
        if value.dtype.kind == "O":
            for index, item in enumerate(value.ravel()[:1000]):
                problem = non_finite(item, f"{where}[{index}]", depth + 1)
                if problem:
                    return problem
        return None
    if isinstance(value, pd.DataFrame):
        for column in value.columns:
            problem = non_finite(value[column], f"{where}[{column!r}]", depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, (pd.Series, pd.Index)):
        if pd.api.types.is_numeric_dtype(value) or pd.api.types.is_datetime64_any_dtype(value):
            return non_finite(value.to_numpy(), where, depth + 1)
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            problem = non_finite(getattr(value, item.name), f"{where}.{item.name}", depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, Mapping):
        items = list(value.items())[:1000]
        for key, item in items:
            problem = non_finite(item, f"{where}[{key!r}]", depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value[:1000]):
            problem = non_finite(item, f"{where}[{index}]", depth + 1)
            if problem:
                return problem
    return None


VALID_CASES = [
    pytest.param(name, id=name.removeprefix("infralab."))
    for name, spec in SPECS.items()
    if name in PUBLIC and not spec.valid_calls
]


@pytest.mark.parametrize("name", VALID_CASES)
def test_valid_arguments_never_give_nan_or_infinity(name):
    spec, function = SPECS[name], PUBLIC[name]

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(arguments=spec.valid)
    def finite_result(arguments):
        result = _call(spec, function, arguments)
        if not spec.non_finite:
            problem = non_finite(result)
            assert problem is None, problem

    try:
        finite_result()
    finally:
        plt.close("all")


def test_the_scanner_finds_nan_infinity_and_nat():
    assert non_finite(1.0) is None and non_finite([1, 2.5, "x", None]) is None
    assert non_finite(math.nan) == "result is nan"
    assert non_finite({"a": [1.0, -math.inf]}) == "result['a'][1] is -inf"
    assert non_finite(np.array([1.0, np.inf])) == "result holds inf"
    assert non_finite(pd.DataFrame({"d": [pd.NaT]})) == "result['d'] holds NaT"
    assert non_finite(growth.GrowthFit("linear", 1.0, 0.0, 0.0, 2)) is None
    assert non_finite(sqlite3) is None and non_finite(10**400) is None
