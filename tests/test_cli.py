"""Tests for the ``infralab`` command (infralab.cli.main)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import infralab
from infralab.cli import main
from infralab.lab import shipped_settings
from tests.course_factory import PNG, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away course checkout with one lesson and one solution notebook."""
    root = tmp_path / "course"
    (root / "exercises").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'course'\n", encoding="utf-8")
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    lesson = new_notebook(metadata=kernel)
    lesson.cells = [
        new_markdown_cell("# 01 · Invisible qualities"),
        new_code_cell(
            "plot()",
            execution_count=1,
            outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})],
        ),
    ]
    write(lesson, root / "notebooks/01_invisible.ipynb")
    solution = new_notebook(metadata=kernel)
    solution.cells = [
        new_markdown_cell("# Exercises 01"),
        new_code_cell("def nines():\n    ### BEGIN SOLUTION\n    return 3\n    ### END SOLUTION\n"),
    ]
    write(solution, root / "solutions/01_invisible.ipynb")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INFRALAB_ROOT", raising=False)
    return root


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: infralab")
    for command in ("handouts", "exercises", "data"):
        assert command in out


def test_command_help_describes_its_options(capsys):
    assert main(["exercises", "--help"]) == 0
    assert "--check" in capsys.readouterr().out


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"infralab {infralab.__version__}\n"


@pytest.mark.parametrize("arguments", [[], ["lecture"], ["exercises", "--force"]])
def test_wrong_usage_exits_with_status_2(arguments, capsys):
    assert main(arguments) == 2
    assert "usage: infralab" in capsys.readouterr().err


def test_exercises_check_then_generate_then_check(course, monkeypatch, capsys):
    monkeypatch.setenv("INFRALAB_ROOT", str(course))
    assert main(["exercises", "--check"]) == 1
    out = capsys.readouterr().out
    assert "1 exercise notebook out of date with solutions/: 01_invisible.ipynb" in out
    assert list((course / "exercises").iterdir()) == []  # --check changes nothing

    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    assert out == "1 exercise notebook in exercises/, 1 updated: 01_invisible.ipynb\n"
    exercise = nbformat.read(course / "exercises/01_invisible.ipynb", as_version=4)
    assert "raise NotImplementedError()" in exercise.cells[1].source

    assert main(["exercises", "--check"]) == 0
    assert capsys.readouterr().out == "exercises/ is up to date with solutions/\n"
    assert main(["exercises"]) == 0
    assert capsys.readouterr().out == "1 exercise notebook in exercises/, 0 updated\n"


def test_root_option_points_at_the_course(course, capsys):
    assert main(["--root", str(course), "exercises", "--check"]) == 1
    assert "01_invisible.ipynb" in capsys.readouterr().out


def test_handouts_are_built_where_asked_and_kept_when_unchanged(course, tmp_path, capsys):
    output = tmp_path / "printed"
    assert main(["--root", str(course), "handouts", "--output", str(output)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "1 learner page in printed (1 rebuilt); open printed/index.html"
    )
    assert not (output / "solutions").exists() and not (output / "instructor").exists()
    instructor = tmp_path / "kit"
    arguments = ["--root", str(course), "handouts", "--instructor", "--output", str(instructor)]
    assert main(arguments) == 0
    assert capsys.readouterr().out == (
        "2 instructor pages in kit (2 rebuilt); open kit/index.html\n"
    )
    page = (output / "01_invisible.html").read_text(encoding="utf-8")
    assert f"data:image/png;base64,{PNG}" in page
    assert main(["--root", str(course), "handouts", "--output", str(output)]) == 0
    assert "(0 rebuilt)" in capsys.readouterr().out


def test_handouts_default_to_the_course_folder(course, monkeypatch, capsys):
    monkeypatch.setenv("INFRALAB_ROOT", str(course))
    assert main(["handouts"]) == 0
    assert (course / "handouts/index.html").is_file()
    assert "open course/handouts/index.html" in capsys.readouterr().out


def test_expected_failures_are_one_line_without_traceback(course, capsys):
    (course / "solutions/01_invisible.ipynb").unlink()
    (course / "solutions").rmdir()
    assert main(["--root", str(course), "exercises"]) == 1
    captured = capsys.readouterr()
    missing = course / "solutions"
    assert captured.err == f"infralab: error: the solutions folder {missing} does not exist\n"
    assert "Traceback" not in captured.out + captured.err


def test_a_root_that_is_not_a_course_is_reported(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "handouts"]) == 1
    assert capsys.readouterr().err == (
        f"infralab: error: --root {tmp_path} is not a course checkout "
        "(it needs pyproject.toml and notebooks/)\n"
    )


def test_a_solution_without_markers_is_reported(course, capsys):
    broken = new_notebook(cells=[new_code_cell("answer = 42")])
    write(broken, course / "solutions/02_broken.ipynb")
    assert main(["--root", str(course), "exercises", "--check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("infralab: error: ") and "02_broken.ipynb has no solution markers" in err


def fake_datasets(problems: list[str]) -> types.SimpleNamespace:
    calls: list[str] = []
    return types.SimpleNamespace(
        calls=calls,
        write_all=lambda: calls.append("write_all") or [Path("data/a.csv"), Path("data/b.csv")],
        verify=lambda: calls.append("verify") or problems,
    )


def test_data_regenerates(monkeypatch, capsys):
    datasets = fake_datasets([])
    monkeypatch.setitem(sys.modules, "infralab.datasets", datasets)
    assert main(["data"]) == 0
    assert datasets.calls == ["write_all"]
    assert capsys.readouterr().out == "data/ regenerated (2 files)\n"


def test_data_writes_and_verifies_the_course_data_folder(course, capsys):
    assert main(["--root", str(course), "data", "--check"]) == 1
    assert " in data/:" in capsys.readouterr().out
    assert main(["--root", str(course), "data"]) == 0
    assert (course / "data").is_dir() and any((course / "data").iterdir())
    assert main(["--root", str(course), "data", "--check"]) == 0
    assert capsys.readouterr().out.endswith("data/ matches its checksum manifest\n")


def test_data_check_passes_and_fails_with_the_problems_listed(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "infralab.datasets", fake_datasets([]))
    assert main(["data", "--check"]) == 0
    assert capsys.readouterr().out == "data/ matches its checksum manifest\n"

    datasets = fake_datasets(["postgres_growth.csv: checksum differs", "users.csv: missing"])
    monkeypatch.setitem(sys.modules, "infralab.datasets", datasets)
    assert main(["data", "--check"]) == 1
    assert datasets.calls == ["verify"]  # a check writes nothing
    out = capsys.readouterr().out
    assert out.startswith(
        "2 problems in data/:\n  - postgres_growth.csv: checksum differs\n  - users.csv: missing\n"
    )


def test_data_without_the_data_module_is_a_friendly_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "infralab.datasets", None)  # import fails
    assert main(["data", "--check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("infralab: error: the data sets module is not available")


# --------------------------------------------------------------------------- #
# infralab start: the learner's own copies of the exercises
# --------------------------------------------------------------------------- #


def test_help_lists_start(capsys):
    assert main(["--help"]) == 0
    assert "start" in capsys.readouterr().out
    assert main(["start", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--to DIR" in out and "never" in out


def test_start_copies_then_keeps_the_learners_copy(course, capsys):
    (course / "exercises/01_invisible.ipynb").write_text('{"a": 1}\n', encoding="utf-8")
    assert main(["--root", str(course), "start"]) == 0
    out = capsys.readouterr().out
    assert "(1 notebook copied, 0 kept)" in out and "copied     01_invisible.ipynb" in out
    mine = course / "my-work/01_invisible.ipynb"
    mine.write_text("my answer", encoding="utf-8")

    (course / "exercises/01_invisible.ipynb").write_text('{"a": 2}\n', encoding="utf-8")
    (course / "exercises/02_platform.ipynb").write_text('{"b": 1}\n', encoding="utf-8")
    assert main(["--root", str(course), "start"]) == 0
    out = capsys.readouterr().out
    assert "(1 notebook copied, 1 kept)" in out
    assert "copied     02_platform.ipynb" in out
    assert "kept your copy of 01_invisible.ipynb (not overwritten)" in out
    assert "To start an exercise again, delete your copy and run `infralab start` again." in out
    assert mine.read_text(encoding="utf-8") == "my answer"


def test_start_to_a_chosen_folder(course, tmp_path, capsys):
    (course / "exercises/01_invisible.ipynb").write_text("{}\n", encoding="utf-8")
    assert main(["--root", str(course), "start", "--to", str(tmp_path / "mine")]) == 0
    assert (tmp_path / "mine/01_invisible.ipynb").read_text(encoding="utf-8") == "{}\n"
    assert capsys.readouterr().out.startswith("Your workspace: mine")


def test_start_onto_a_file_fails_in_one_line(course, tmp_path, capsys):
    (course / "exercises/01_invisible.ipynb").write_text("{}\n", encoding="utf-8")
    target = tmp_path / "notes.txt"
    target.write_text("keep", encoding="utf-8")
    assert main(["--root", str(course), "start", "--to", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"infralab: error: destination {target} is a file")
    assert captured.err.count("\n") == 1 and target.read_text(encoding="utf-8") == "keep"


def test_start_without_exercises_fails_in_one_line(course, capsys):
    (course / "exercises").rmdir()
    assert main(["--root", str(course), "start"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"infralab: error: the exercises folder {course / 'exercises'} does")
    assert "`infralab exercises`" in err and not (course / "my-work").exists()


def test_start_with_a_wrong_option_is_a_usage_error(capsys):
    assert main(["start", "--into", "x"]) == 2
    assert "usage: infralab" in capsys.readouterr().err


# --------------------------------------------------------------------------- #
# infralab lab and lab-settings: JupyterLab on the course folder, offline
# --------------------------------------------------------------------------- #


@pytest.fixture
def launches(course, tmp_path, monkeypatch) -> list[tuple[list[str], Path]]:
    """The commands `infralab lab` would run (nothing is started), in a course with a start
    page and a JupyterLab application directory of its own."""
    (course / "notebooks/00_start_here.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("JUPYTERLAB_DIR", str(tmp_path / "lab"))
    calls: list[tuple[list[str], Path]] = []
    monkeypatch.setattr(
        "infralab.lab.run", lambda command, folder: calls.append((command, Path(folder))) or 0
    )
    return calls


def option(command: list[str], name: str) -> str | None:
    values = [part.split("=", 1)[1] for part in command if part.startswith(f"--{name}=")]
    assert len(values) <= 1, f"--{name} given {len(values)} times"
    return values[0] if values else None


def test_help_lists_lab_and_lab_settings(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "lab " in out and "lab-settings" in out
    assert main(["lab", "--help"]) == 0
    out = capsys.readouterr().out
    assert "127.0.0.1" in out and "--no-browser" in out and "--allow-root" in out


def test_lab_serves_the_course_folder_on_loopback_and_opens_the_start_page(
    course, launches, capsys
):
    assert main(["--root", str(course), "lab"]) == 0
    [(command, folder)] = launches
    root = course.resolve()
    assert folder == root
    assert command[:3] == [sys.executable, "-m", "infralab._jupyterlab"]
    assert option(command, "ServerApp.root_dir") == str(root)
    assert option(command, "ServerApp.ip") == "127.0.0.1"
    # The start page opens with the file browser at the top of the course folder.
    assert option(command, "LabApp.default_url") == (
        "/lab/tree/notebooks/00_start_here.ipynb?file-browser-path=/"
    )
    port = option(command, "ServerApp.port")
    assert "--no-browser" not in command and 8888 <= int(port) < 8988
    assert option(command, "ServerApp.port_retries") == "0"
    assert option(command, "ServerApp.custom_display_url") == f"http://127.0.0.1:{port}/"
    # The server never fetches the news feed nor checks for a new release.
    assert option(command, "LabApp.news_url") == "None"
    assert option(command, "LabApp.check_for_updates_class") == "jupyterlab.NeverCheckForUpdate"
    out = capsys.readouterr().out
    assert "Course JupyterLab settings (offline: no news, no update check) installed in" in out
    assert f"JupyterLab serves {root} and opens notebooks/00_start_here.ipynb" in out


def test_lab_finds_the_course_from_the_current_folder(course, launches, monkeypatch):
    monkeypatch.chdir(course / "notebooks")
    assert main(["lab"]) == 0
    assert launches[0][1] == course.resolve()


def test_lab_options_and_jupyter_options_are_passed_on(course, launches):
    arguments = ["lab", "--port", "9999", "--no-browser", "--allow-root", "--ServerApp.x=1"]
    assert main(["--root", str(course), *arguments]) == 0
    [(command, _)] = launches
    assert option(command, "ServerApp.port") == "9999"
    assert "--no-browser" in command
    assert command[-2:] == ["--allow-root", "--ServerApp.x=1"]
    assert main(["--root", str(course), "lab", "--ip", "0.0.0.0"]) == 0
    assert option(launches[1][0], "ServerApp.ip") == "0.0.0.0"


def test_lab_installs_the_settings_once(course, launches, tmp_path, capsys):
    assert main(["--root", str(course), "lab"]) == 0
    settings = json.loads((tmp_path / "lab/settings/overrides.json").read_text("utf-8"))
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    capsys.readouterr()
    assert main(["--root", str(course), "lab"]) == 0
    assert "Course JupyterLab settings" not in capsys.readouterr().out


def test_lab_starts_even_when_the_settings_cannot_be_installed(
    course, launches, monkeypatch, capsys
):
    def read_only(path=None):
        raise PermissionError("read-only file system")

    monkeypatch.setattr("infralab.lab.install_settings", read_only)
    assert main(["--root", str(course), "lab"]) == 0
    assert len(launches) == 1
    err = capsys.readouterr().err
    assert err.startswith("infralab: warning: the course's JupyterLab settings could not be")
    assert "read-only file system" in err


def test_lab_without_the_start_page_fails_in_one_line(course, launches, capsys):
    (course / "notebooks/00_start_here.ipynb").unlink()
    assert main(["--root", str(course), "lab"]) == 1
    start_page = course.resolve() / "notebooks/00_start_here.ipynb"
    assert capsys.readouterr().err == f"infralab: error: the start page {start_page} is missing\n"
    assert launches == []


def test_only_lab_passes_unknown_options_on(capsys):
    assert main(["start", "--allow-root"]) == 2
    assert "unrecognized arguments: --allow-root" in capsys.readouterr().err


def test_lab_settings_installs_and_reports(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JUPYTERLAB_DIR", str(tmp_path / "lab"))
    assert main(["lab-settings"]) == 0
    target = (tmp_path / "lab").resolve() / "settings/overrides.json"
    assert capsys.readouterr().out == (
        f"Course JupyterLab settings (offline: no news, no update check) installed in {target}\n"
    )
    assert json.loads(target.read_text("utf-8")) == shipped_settings()


@pytest.mark.skipif(os.name != "posix", reason="on POSIX the command replaces the process")
def test_lab_runs_jupyter_in_place_of_itself(tmp_path):
    # What `infralab lab` does last: the program it runs gets this process, its folder and
    # its exit status (so Ctrl-C reaches JupyterLab alone).
    script = (
        "import sys; from infralab.lab import run; "
        "run([sys.executable, '-c', 'import os; print(os.getcwd()); raise SystemExit(3)'], "
        f"{str(tmp_path)!r}); print('not replaced')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 3, result.stderr
    assert result.stdout == f"{tmp_path}\n"


def test_the_addresses_jupyterlab_prints_have_one_query_string():
    from infralab._jupyterlab import _one_query

    start = "http://127.0.0.1:8888/lab/tree/notebooks/00_start_here.ipynb?file-browser-path=/"
    assert _one_query(f"{start}?token=abc") == f"{start}&token=abc"
    assert _one_query("http://127.0.0.1:8888/?token=abc") == "http://127.0.0.1:8888/?token=abc"


# --------------------------------------------------------------------------- hub-link


def test_hub_link_prints_the_nbgitpuller_link_whose_folder_and_page_agree(capsys):
    assert main(["hub-link", "https://hub.example.org/", "https://git.example.org/t/c.git"]) == 0
    link = capsys.readouterr().out.strip()
    query = parse_qs(urlsplit(link).query)
    assert link.startswith("https://hub.example.org/hub/user-redirect/git-pull?")
    assert query["repo"] == ["https://git.example.org/t/c.git"]
    assert "branch" not in query  # the repository's default branch
    assert query["targetpath"] == ["c"]
    assert query["urlpath"] == ["lab/tree/c/notebooks/00_start_here.ipynb"]
    assert (ROOT / "notebooks/00_start_here.ipynb").is_file()


def test_hub_link_names_the_branch_and_folder_when_asked(capsys):
    arguments = ["--branch", "workshop", "--folder", "if-course"]
    assert main(["hub-link", "https://h.org", "https://g.org/t/c", *arguments]) == 0
    query = parse_qs(urlsplit(capsys.readouterr().out.strip()).query)
    assert query["branch"] == ["workshop"] and query["targetpath"] == ["if-course"]
    assert query["urlpath"] == ["lab/tree/if-course/notebooks/00_start_here.ipynb"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["https://h.org", "https://g.org/t/c", "--branch", "HEAD"], "leave it out"),
        (["h.org", "https://g.org/t/c"], "hub_url must be a web address"),
        (["https://h.org", "https://g.org/t/c", "--folder", "../x"], "folder must be one folder"),
    ],
)
def test_hub_link_refuses_what_nbgitpuller_would_get_wrong_in_one_line(arguments, message, capsys):
    assert main(["hub-link", *arguments]) == 1
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error and error.count("\n") == 1
