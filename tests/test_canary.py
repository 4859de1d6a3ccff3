"""Tests for infralab.canary: reading a failed nbval run and the version differences.

Synthetic reports only: no network, no virtual environment is created here.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from infralab import canary
from infralab.canary import (
    NotebookFailure,
    VersionChange,
    failures_from_junit,
    library_of_failure,
    read_pins,
    summary,
    version_changes,
)

SITE = "/tmp/infralab-canary-x/venv/lib/python3.12/site-packages"

# How nbval reports a cell whose pandas call warned (warnings are errors): IPython's
# coloured traceback, the colour codes written as `#x1B[..m` by pytest's JUnit writer.
_CYAN, _GREEN, _RED, _RESET = "#x1B[36m", "#x1B[32m", "#x1B[31m", "#x1B[39m"
PANDAS_FUTURE_WARNING = "\n".join(
    [
        "#x1B[91mNotebook cell execution failed#x1B[0m",
        "#x1B[94mCell 7: Cell execution caused an exception",
        "",
        "Input:",
        '#x1B[0mmonthly = metrics.resample("M", on="date").max()',
        "monthly.tail()",
        "",
        "#x1B[94mTraceback:#x1B[0m",
        "",
        f"{_RED}FutureWarning{_RESET}                    Traceback (most recent call last)",
        f"{_CYAN}Cell{_RESET} {_GREEN}In[8], line 1{_RESET}",
        f'{_GREEN}----> 1{_RESET} monthly = metrics.resample("M", on="date").max()',
        "",
        f"{_CYAN}File {_RESET}{_GREEN}{SITE}/pandas/core/generic.py:9771{_RESET}, "
        f"in {_CYAN}NDFrame.resample{_RESET}",
        f"{_GREEN}-> 9771{_RESET}     return get_resampler(self, freq=rule)",
        "",
        f"{_CYAN}File {_RESET}{_GREEN}{SITE}/pandas/_libs/tslibs/offsets.pyx:5100{_RESET}, "
        f"in {_CYAN}pandas._libs.tslibs.offsets._warn_about_deprecated_aliases{_RESET}",
        "",
        f"{_RED}FutureWarning{_RESET}: 'M' is deprecated and will be removed in a future "
        "version, please use 'ME' instead.",
    ]
)

# A matplotlib attribute that was removed, raised inside matplotlib (plain Python traceback).
MATPLOTLIB_ATTRIBUTE_ERROR = f"""\
Notebook cell execution failed
Cell 12: Cell execution caused an exception

Input:
ax = bar_chart(None, labels, values, highlight=0)
ax.set_title("Storage runs out first")

Traceback:
---------------------------------------------------------------------------
AttributeError                            Traceback (most recent call last)
  File "/work/course/src/infralab/plotting.py", line 264, in bar_chart
    ax.bar_label(bars, labels=labels, padding=3, fontsize=11)
  File "{SITE}/matplotlib/axes/_axes.py", line 2931, in bar_label
    bars = container.patches_list
  File "{SITE}/matplotlib/container.py", line 40, in __getattr__
    raise AttributeError(name)
AttributeError: 'BarContainer' object has no attribute 'patches_list'
"""

# A module-level attribute removed: Python raises it with no library frame at all.
MATPLOTLIB_REMOVED_FUNCTION = """\
Cell 1: Cell execution caused an exception

Input:
cm.get_cmap('viridis')

Traceback:
AttributeError                            Traceback (most recent call last)
Cell In[1], line 1
----> 1 cm.get_cmap('viridis')

AttributeError: module 'matplotlib.cm' has no attribute 'get_cmap'
"""

NOTEBOOK_OWN_ERROR = """\
Cell 3: Cell execution caused an exception

Input:
1 / 0

Traceback:
ZeroDivisionError                         Traceback (most recent call last)
Cell In[3], line 1
----> 1 1 / 0

ZeroDivisionError: division by zero
"""

OWNERS = {"pandas": ["pandas"], "matplotlib": ["matplotlib"], "PIL": ["pillow"]}
NOTEBOOKS = [
    "notebooks/00_start_here.ipynb",
    "notebooks/03_doomsday_clock.ipynb",
    "solutions/03_doomsday_clock.ipynb",
    "exercises/03_doomsday_clock.ipynb",
]


def _report(*cases: tuple[str, str, str | None]) -> str:
    """A JUnit XML report as pytest writes it: (classname, test name, failure text or None)."""
    body = []
    for classname, name, failure in cases:
        inner = "" if failure is None else f'<failure message="failed">{escape(failure)}</failure>'
        body.append(
            f'<testcase classname="{classname}" name="{name}" time="0.1">{inner}</testcase>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
        + "".join(body)
        + "</testsuite></testsuites>"
    )


# --------------------------------------------------------------------------- tracebacks


def test_a_pandas_future_warning_is_blamed_on_pandas():
    assert library_of_failure(PANDAS_FUTURE_WARNING, OWNERS) == "pandas"


def test_a_matplotlib_attribute_error_is_blamed_on_matplotlib_not_the_course():
    # The course package's frame is not in site-packages (an editable install); the
    # deepest frame that is, is matplotlib's.
    assert library_of_failure(MATPLOTLIB_ATTRIBUTE_ERROR, OWNERS) == "matplotlib"
    assert library_of_failure(MATPLOTLIB_REMOVED_FUNCTION, OWNERS) == "matplotlib"


def test_the_notebooks_own_error_blames_no_library():
    assert library_of_failure(NOTEBOOK_OWN_ERROR, OWNERS) is None


def test_a_package_is_named_by_the_distribution_that_installs_it():
    text = f'File "{SITE}/PIL/Image.py", line 3, in open\nOSError: cannot identify image file'
    assert library_of_failure(text, OWNERS) == "pillow"
    assert library_of_failure(text) == "pil"  # no owners known: the package name itself
    windows = 'File "C:\\venv\\Lib\\site-packages\\scipy\\stats\\_stats.py", line 9, in f\nE: x'
    assert library_of_failure(windows, {"scipy": "SciPy"}) == "scipy"
    with pytest.raises(TypeError, match="text must be a traceback"):
        library_of_failure(None)


# --------------------------------------------------------------------------- the report


def test_failures_are_read_from_the_junit_report():
    report = _report(
        ("notebooks.00_start_here.ipynb", "Cell 0", None),
        ("notebooks.03_doomsday_clock.ipynb", "Cell 7", PANDAS_FUTURE_WARNING),
        ("notebooks.03_doomsday_clock.ipynb", "Cell 8", None),
        ("solutions.03_doomsday_clock.ipynb", "Cell 12", MATPLOTLIB_ATTRIBUTE_ERROR),
    )
    pandas, matplotlib = failures_from_junit(report, OWNERS, NOTEBOOKS)
    assert pandas == NotebookFailure(
        notebook="notebooks/03_doomsday_clock.ipynb",
        cell=8,
        source='monthly = metrics.resample("M", on="date").max()',
        error="FutureWarning: 'M' is deprecated and will be removed in a future version, "
        "please use 'ME' instead.",
        library="pandas",
        warning="FutureWarning",
    )
    assert matplotlib.notebook == "solutions/03_doomsday_clock.ipynb"
    assert (matplotlib.cell, matplotlib.library, matplotlib.warning) == (13, "matplotlib", None)
    assert (
        matplotlib.error == "AttributeError: 'BarContainer' object has no attribute 'patches_list'"
    )
    assert matplotlib.source == "ax = bar_chart(None, labels, values, highlight=0)"


def test_a_clean_run_has_no_failures():
    report = _report(*[(name.replace("/", "."), "Cell 0", None) for name in NOTEBOOKS])
    assert failures_from_junit(report, OWNERS, NOTEBOOKS) == []


def test_an_error_outside_a_cell_is_still_reported():
    report = _report(
        (
            "notebooks.broken.ipynb",
            "notebooks/broken.ipynb",
            "json.decoder.JSONDecodeError: Expecting value",
        )
    )
    report = report.replace("<failure", "<error").replace("</failure>", "</error>")
    (failure,) = failures_from_junit(report)
    assert failure.notebook == "notebooks/broken.ipynb"  # not in the list: rebuilt from the name
    assert failure.cell is None and failure.library is None
    assert failure.error == "json.decoder.JSONDecodeError: Expecting value"


def test_a_malformed_report_is_refused():
    with pytest.raises(ValueError, match="xml_text must be a JUnit XML report"):
        failures_from_junit("<testsuites>")
    with pytest.raises(TypeError, match="xml_text must be"):
        failures_from_junit(b"<testsuites/>")


# --------------------------------------------------------------------------- versions


def test_pins_are_read_from_a_constraints_file():
    text = (
        "# Exact versions\n"
        "\n"
        "pandas==3.1.0\n"
        "jupyter_server-terminals==0.5.3  # a comment\n"
        "numpy == 2.4.0 ; python_version >= '3.11'\n"
        "uvicorn[standard]==0.30.0\n"
        "scipy>=1.12\n"
        "-e .\n"
    )
    assert read_pins(text) == {
        "pandas": "3.1.0",
        "jupyter-server-terminals": "0.5.3",
        "numpy": "2.4.0",
        "uvicorn": "0.30.0",
    }


def test_the_course_constraints_file_is_all_exact_pins(course_root):
    text = (course_root / "constraints.txt").read_text(encoding="utf-8")
    requirements = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    pins = read_pins(text)
    assert len(pins) == len(requirements) > 20
    assert {"numpy", "pandas", "matplotlib", "nbval"} <= pins.keys()


def test_version_changes_list_moved_new_and_dropped_distributions():
    installed = {"Pandas": "3.2.0", "numpy": "2.4.0", "narwhals": "2.1.0", "jupyter_core": "5.9.1"}
    pins = {"pandas": "3.1.0", "numpy": "2.4.0", "bleach": "6.2.0", "Jupyter-Core": "5.9.1"}
    assert version_changes(installed, pins) == [
        VersionChange("bleach", "6.2.0", None),
        VersionChange("narwhals", None, "2.1.0"),
        VersionChange("pandas", "3.1.0", "3.2.0"),
    ]
    assert [str(change) for change in version_changes(installed, pins)] == [
        "bleach (pinned 6.2.0; no longer installed)",
        "narwhals 2.1.0 (new: not in constraints.txt)",
        "pandas 3.2.0 (pinned 3.1.0)",
    ]
    assert version_changes(pins, pins) == []
    with pytest.raises(TypeError, match="installed must map names to versions"):
        version_changes([("pandas", "3.2.0")], pins)


# --------------------------------------------------------------------------- the summary


def test_the_summary_names_notebook_cell_library_and_versions():
    report = _report(
        ("notebooks.03_doomsday_clock.ipynb", "Cell 7", PANDAS_FUTURE_WARNING),
        ("exercises.03_doomsday_clock.ipynb", "Cell 2", NOTEBOOK_OWN_ERROR),
    )
    failures = failures_from_junit(report, OWNERS, NOTEBOOKS)
    changes = version_changes(
        {"pandas": "3.2.0", "numpy": "2.4.0"}, {"pandas": "3.1.0", "numpy": "2.4.0"}
    )
    text = summary(failures, changes, notebooks_run=4, python="3.12.1")
    assert text.splitlines() == [
        "Canary (Python 3.12.1): newest release of every dependency, 4 notebooks.",
        "BROKEN: 2 cell(s) in 2 notebook(s).",
        "  notebooks/03_doomsday_clock.ipynb, code cell 8: FutureWarning turned error; "
        "library: pandas 3.2.0 (pinned 3.1.0)",
        '      cell starts: monthly = metrics.resample("M", on="date").max()',
        "      FutureWarning: 'M' is deprecated and will be removed in a future version, "
        "please use 'ME' instead.",
        "  exercises/03_doomsday_clock.ipynb, code cell 3: the notebook's own code",
        "      cell starts: 1 / 0",
        "      ZeroDivisionError: division by zero",
        "Installed versions that differ from constraints.txt (1):",
        "  pandas 3.2.0 (pinned 3.1.0)",
    ]


def test_a_clean_summary_says_so():
    text = summary([], [VersionChange("numpy", "2.4.0", "2.5.0")], notebooks_run=4)
    assert text.splitlines()[1:] == [
        "All 4 notebooks ran without an error or a warning.",
        "Installed versions that differ from constraints.txt (1):",
        "  numpy 2.5.0 (pinned 2.4.0)",
    ]


def test_the_cells_run_are_counted_and_none_at_all_is_broken():
    report = _report(
        *[(name.replace("/", "."), f"Cell {n}", None) for name in NOTEBOOKS for n in (0, 1)]
    )
    assert canary._cells_in(report) == 8
    assert canary._cells_in("<testsuites>") == 0
    text = summary([], [], notebooks_run=4, cells_run=8)
    assert text.splitlines()[:2] == [
        "Canary: newest release of every dependency, 4 notebooks, 8 cells.",
        "All 4 notebooks ran without an error or a warning.",
    ]
    assert summary([], [], notebooks_run=4, cells_run=0).splitlines()[1] == (
        "BROKEN: no cell ran, so nothing was checked."
    )


def test_an_unchanged_library_is_named_without_versions():
    failure = NotebookFailure("notebooks/a.ipynb", 2, "x", "ValueError: bad", "scipy")
    assert "library: scipy" in summary([failure], [], notebooks_run=1)


def test_the_command_has_keep_and_python_options(monkeypatch):
    seen = {}

    def fake_run(root, python, keep):
        seen.update(root=root, python=python, keep=keep)
        return 0

    monkeypatch.setattr(canary, "_run", fake_run)
    assert canary.main(["--keep", "--python", "/usr/bin/python3.13"]) == 0
    assert seen["python"] == "/usr/bin/python3.13" and seen["keep"] is True
    assert (seen["root"] / "constraints.txt").is_file()
