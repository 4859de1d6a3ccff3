"""Notebook runs: the offline and warnings guard acts in a real kernel; stored notebooks are clean.

nbval (configured in pyproject.toml and conftest.py) re-runs every course notebook
and compares outputs; these tests prove that the guard it runs under would catch
a notebook that reached the network, started a program or raised a warning (every
way around the guard is one cell of one probe notebook, so one kernel tries them
all), that ``infralab execute`` seals its kernels in a loopback-only network
namespace where the system allows it, and check the stored files themselves.
"""

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook

from infralab import sealed
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
    source = "import socket\nsocket.create_connection(('192.0.2.1', 9), timeout=0.2)"
    path = _notebook(tmp_path, source)
    with pytest.raises(CellExecutionError, match="NetworkAccessError"):
        execute_notebooks([path], timeout=60)


# Behind the guard in the probe kernel: stops, before the operating system sees it, any call
# the guard let through (a broken guard shows as Tripwire, and sends nothing).
TRIPWIRE = """\
import os, sys

class Tripwire(BaseException):
    pass

def _tripwire(event, args, kernel=os.getpid()):
    if event == "os.exec" and os.getpid() != kernel:  # a forked copy of the kernel: end it
        os.write(2, b"Tripwire: os.exec")
        os._exit(99)
    if event in ("socket.connect", "socket.getaddrinfo") and "192.0.2.1" in str(args):
        raise Tripwire(event)
    if event == "socket.getaddrinfo" and ".invalid" in str(args):
        raise Tripwire(event)
    if event.startswith(("subprocess.", "os.system", "os.exec", "os.posix_spawn")):
        raise Tripwire(event)
    if event == "ctypes.dlsym" and args[1] == "connect":
        raise Tripwire(event)

sys.addaudithook(_tripwire)
get_ipython().InteractiveTB.set_mode("Minimal")  # short tracebacks: the probes fail fast
"""

#: Cells of one probe notebook, run in one guarded kernel: each way around the guard, and
#: the error it must end in. Programs started are `echo reached`; addresses are TEST-NET-1.
PROBE_CELLS = {
    "socket-module": (
        "import socket\nsocket.socket().connect(('192.0.2.1', 9))",
        "NetworkAccessError",
    ),
    "name-lookup": ("socket.getaddrinfo('offline-guard.invalid', 443)", "NetworkAccessError"),
    "_socket": ("import _socket\n_socket.socket().connect(('192.0.2.1', 9))", "NetworkAccessError"),
    "reloaded-socket": (
        "import importlib\nimportlib.reload(socket)\n"
        "socket.create_connection(('192.0.2.1', 9), timeout=0.2)",
        "NetworkAccessError",
    ),
    "ctypes-connect": (
        "import ctypes\ns = socket.socket()\n"
        "address = bytes([2, 0, 0, 9, 192, 0, 2, 1]) + bytes(8)\n"
        "ctypes.CDLL(None).connect(s.fileno(), address, len(address))",
        "NetworkAccessError",
    ),
    "shell-escape": ("!echo reached", "NetworkAccessError"),
    "subprocess": ("import subprocess\nsubprocess.run(['echo', 'reached'])", "NetworkAccessError"),
    "os.system": ("import os\nos.system('echo reached')", "NetworkAccessError"),
    "multiprocessing-spawn": (
        "import multiprocessing, time\n"
        "multiprocessing.get_context('spawn').Process(target=time.sleep, args=(0,)).start()",
        "NetworkAccessError",
    ),
    "import-numpy": ("import numpy as np", None),
    "numpy-rank-warning": ("np.polyfit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], 2)", "RankWarning"),
    "warning": ("import warnings\nwarnings.warn('old API', FutureWarning)", "FutureWarning"),
    "warning-from-kernel-machinery-module": (
        "warnings.warn_explicit('x', UserWarning, 'ioloop.py', 1, module='tornado.ioloop')",
        "UserWarning",
    ),
    "library-warning": (  # pandas warns when a frame holding dates is rounded
        "import pandas as pd\n"
        "pd.DataFrame({'d': pd.to_datetime(['2020-01-01']), 'x': [1.25]}).round(1)",
        "UserWarning",
    ),
    "silence-all-warnings": ("warnings.filterwarnings('ignore')", None),
    "warning-after-silencing": ("warnings.warn('x', DeprecationWarning)", "DeprecationWarning"),
}


@pytest.fixture(scope="module")
def probe_kernel() -> list[list[dict]]:
    """The outputs of each probe cell, all run in one kernel started as nbval starts them."""
    from nbclient import NotebookClient

    cells = [new_code_cell(TRIPWIRE)] + [new_code_cell(code) for code, _ in PROBE_CELLS.values()]
    notebook = new_notebook(cells=cells)
    NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True).execute()
    assert not notebook.cells[0].outputs, "the tripwire cell must run cleanly"
    return [cell.outputs for cell in notebook.cells[1:]]


@pytest.mark.kernel
@pytest.mark.parametrize("index", range(len(PROBE_CELLS)), ids=list(PROBE_CELLS))
def test_each_way_around_the_guard_fails_in_a_real_kernel(probe_kernel, index):
    expected = list(PROBE_CELLS.values())[index][1]
    outputs = probe_kernel[index]
    errors = [output for output in outputs if output.output_type == "error"]
    if expected is None:
        assert not errors, errors
    else:
        assert [error.ename for error in errors] == [expected], outputs
        assert "Tripwire" not in str(outputs)
    assert "reached" not in "".join(output.get("text", "") for output in outputs)


@pytest.mark.kernel
def test_execute_seals_each_kernel_keeps_loopback_and_stores_outputs(tmp_path, monkeypatch):
    # Inside `make test` this process is sealed already; pretending it is not makes
    # execute_notebooks seal its kernel itself, as `infralab execute` does.
    monkeypatch.setattr(sealed, "is_sealed", lambda: False)
    source = (
        "import os, socket\n"
        "server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen()\n"
        "client = socket.create_connection(server.getsockname(), timeout=5)\n"
        "print('loopback ok')\n"
        "print([name for _, name in socket.if_nameindex()])\n"
        "print(os.stat('/proc/self/ns/net').st_ino if os.path.exists('/proc/self/ns') else None)"
    )
    path = _notebook(tmp_path, source)
    ((ran, seconds),) = execute_notebooks([path], timeout=60)
    assert ran == path and seconds > 0
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    loopback, interfaces, namespace = outputs[0].text.splitlines()
    assert loopback == "loopback ok"
    if sealed.seal_prefix() is not None:  # the kernel ran in a namespace of its own
        assert interfaces == "['lo']"
        assert namespace != str(os.stat("/proc/self/ns/net").st_ino)


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
