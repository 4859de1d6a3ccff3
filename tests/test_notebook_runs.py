"""Notebook runs: the offline and warnings guard acts in a real kernel; stored notebooks are clean.

nbval (configured in pyproject.toml and conftest.py) re-runs every course notebook
and compares outputs; these tests prove that the guard it runs under would catch
a notebook that reached the network or raised a warning, and check the stored
files themselves.
"""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook

from infralab.build import execute_notebooks

ROOT = Path(__file__).resolve().parents[1]


def _notebook(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "probe.ipynb"
    notebook = new_notebook(cells=[new_code_cell(source)])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)
    return path


@pytest.mark.kernel
def test_a_notebook_that_reaches_the_network_fails(tmp_path):
    # 0.0.0.0 is not loopback, so the guard must refuse it; were the guard missing, Linux would
    # route it to this machine, so the test can never send a packet anywhere else.
    path = _notebook(tmp_path, "import socket\nsocket.create_connection(('0.0.0.0', 9), timeout=5)")
    with pytest.raises(CellExecutionError, match="NetworkAccessError"):
        execute_notebooks([path], timeout=60)


@pytest.mark.kernel
def test_a_notebook_that_looks_up_a_host_name_fails(tmp_path):
    path = _notebook(tmp_path, "import socket\nsocket.getaddrinfo('offline-guard.invalid', 443)")
    with pytest.raises(CellExecutionError, match="NetworkAccessError"):
        execute_notebooks([path], timeout=60)


@pytest.mark.kernel
def test_a_notebook_that_warns_fails(tmp_path):
    path = _notebook(tmp_path, "import warnings\nwarnings.warn('old API', FutureWarning)")
    with pytest.raises(CellExecutionError, match="FutureWarning"):
        execute_notebooks([path], timeout=60)


@pytest.mark.kernel
def test_a_library_deprecation_inside_a_notebook_fails(tmp_path):
    # pandas warns when a frame is rounded that holds dates; a real FutureWarning-class trap.
    source = (
        "import pandas as pd\n"
        "pd.DataFrame({'d': pd.to_datetime(['2020-01-01']), 'x': [1.25]}).round(1)"
    )
    path = _notebook(tmp_path, source)
    with pytest.raises(CellExecutionError, match="Warning"):
        execute_notebooks([path], timeout=60)


@pytest.mark.kernel
def test_loopback_stays_allowed_and_outputs_are_stored(tmp_path):
    source = (
        "import socket\n"
        "server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen()\n"
        "client = socket.create_connection(server.getsockname(), timeout=5)\n"
        "print('loopback ok')"
    )
    path = _notebook(tmp_path, source)
    ((ran, seconds),) = execute_notebooks([path], timeout=60)
    assert ran == path and seconds > 0
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert outputs[0].text == "loopback ok\n"


@pytest.mark.kernel
def test_execute_refuses_exercises_and_missing_files(tmp_path):
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    sheet = exercises / "03.ipynb"
    nbformat.write(new_notebook(), sheet)
    with pytest.raises(ValueError, match="exercises"):
        execute_notebooks([sheet])
    with pytest.raises(FileNotFoundError, match="no notebook"):
        execute_notebooks([tmp_path / "missing.ipynb"])
    with pytest.raises(ValueError, match="timeout"):
        execute_notebooks([sheet], timeout=0)


def _stored(folder: str) -> list[Path]:
    return sorted((ROOT / folder).glob("*.ipynb"))


@pytest.mark.parametrize("path", _stored("notebooks") + _stored("solutions"), ids=lambda p: p.name)
def test_lessons_and_solutions_are_stored_executed_and_clean(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code, "a lesson without code cells"
    assert all(cell["execution_count"] is not None for cell in code), "run `make execute`"
    counts = [cell["execution_count"] for cell in code]
    assert counts == list(range(1, len(code) + 1)), "stored from a top-to-bottom run"
    outputs = [output for cell in code for output in cell["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], "warnings or errors on stderr"
    assert all("execution" not in cell["metadata"] for cell in code), "timings are not stored"


@pytest.mark.parametrize("path", _stored("exercises"), ids=lambda p: p.name)
def test_exercise_sheets_are_stored_empty(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        assert "instructor" not in cell.get("metadata", {}).get("tags", [])


def test_every_lesson_with_exercises_has_solutions_and_back():
    lessons = {p.name for p in _stored("notebooks")}
    solutions = {p.name for p in _stored("solutions")}
    exercises = {p.name for p in _stored("exercises")}
    assert solutions == exercises
    assert solutions <= lessons


@pytest.mark.kernel
def test_re_executing_a_notebook_with_widgets_and_prints_changes_no_byte(tmp_path):
    source = (
        "import ipywidgets as widgets\n"
        "for step in range(3):\n"
        "    print('step', step, flush=True)\n"
        "widgets.VBox([widgets.IntSlider(value=3, description='n'), widgets.HTML('<b>hi</b>')])"
    )
    path = _notebook(tmp_path, source)
    execute_notebooks([path], timeout=60)
    first = path.read_bytes()
    execute_notebooks([path], timeout=60)
    assert path.read_bytes() == first

    notebook = nbformat.read(path, as_version=4)
    (printed, view) = notebook.cells[0].outputs
    assert printed.text == "step 0\nstep 1\nstep 2\n"  # one output, however the kernel split it
    state = notebook.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    model_id = view.data["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model_id in state and state[model_id]["model_name"] == "VBoxModel"
    assert "execution" not in notebook.cells[0].metadata  # no timings: clean diffs
